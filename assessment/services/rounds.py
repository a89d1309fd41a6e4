"""Rounds: the same company assessed every quarter, by one or more respondents.

A round is opened for a company; respondents join by invitation link (one per person, with a
role), as a consultant's interview, or as the converted lead's self-assessment (add_respondent).
Closing the round keeps its verdict, made from the submitted respondents by a stated rule:

- "reference": one respondent's verdict, the one the consultant names (default: the first
  management respondent, else the first to submit);
- "median": item by item, the answer of the respondent at the median item score (the lower
  one of two middle scores, so a split room is not rounded up). The engine then evaluates that
  answer set as if one person had given it: every answer in it is one somebody gave.

A round with management and marketing respondents also has a perception gap (compare.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.bank.questionnaire import QUESTION_TYPES, Questionnaire, default_questionnaire
from assessment.bank.text import check_locale
from assessment.diagnose.compare import PerceptionGap, Trend, perception_gap, trend
from assessment.diagnose.localization import localize
from assessment.diagnose.pipeline import diagnose
from assessment.diagnose.verdict import Verdict
from assessment.services import assessments, verdicts, webhooks
from assessment.services.branding import report_branding
from assessment.store.models import (
    RESPONDENT_ROLES,
    ROUND_RULES,
    Assessment,
    Company,
    Round,
    RoundInvitation,
    aware,
    utcnow,
)
from assessment.store.tokens import looks_like_token

INVITATION_DAYS = 14
STEP_STATUSES = ("done", "in_progress", "dropped")
QUARTER = timedelta(days=91)


class RoundError(ValueError):
    """A round cannot do what was asked; the message says why, for the consultant."""


def _period(year: int, quarter: int) -> str:
    """A round's period label, e.g. 2026-Q4 (the round form asks for this shape)."""
    return f"{year}-Q{quarter}"


def _quarter(moment: datetime) -> tuple[int, int]:
    return moment.year, (moment.month - 1) // 3 + 1


def period_of(moment: datetime) -> str:
    return _period(*_quarter(moment))


def next_free_period(taken: set[str], moment: datetime) -> str:
    """The quarter of `moment`, or the first one after it that no round of the company has yet.

    Why: right after a round of this quarter closes, offering this quarter again invites a second
    round with the same period, which the trend would show as two points under one label.
    """
    year, quarter = _quarter(moment)
    while (label := _period(year, quarter)) in taken:
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return label


def open_round(session: Session, company: Company, *, period: str | None = None) -> Round:
    """A new open round for the company; one open round at a time."""
    if session.scalar(select(Round.id).where(Round.company_id == company.id, Round.status == "open")):
        raise RoundError("this company already has an open round: close it first")
    r = Round(company=company, period=(period or period_of(utcnow())).strip()[:16], status="open")
    session.add(r)
    session.commit()
    return r


def find(session: Session, token: str | None) -> Round | None:
    if not looks_like_token(token):
        return None
    return session.scalars(select(Round).where(Round.token == token)).one_or_none()


def _check_role(role: str) -> str:
    if role not in RESPONDENT_ROLES:
        raise RoundError(f"unknown respondent role {role!r} (one of {', '.join(RESPONDENT_ROLES)})")
    return role


def _check_open(r: Round) -> None:
    if r.status != "open":
        raise RoundError("the round is closed")


def invite(
    session: Session,
    r: Round,
    role: str,
    *,
    name: str | None = None,
    email: str | None = None,
    days: int = INVITATION_DAYS,
    locale: str = "ja",
) -> RoundInvitation:
    _check_open(r)
    if not 1 <= days <= 90:
        raise RoundError("an invitation lasts 1 to 90 days")
    inv = RoundInvitation(
        round=r,
        role=_check_role(role),
        name=name,
        email=email,
        expires_at=utcnow() + timedelta(days=days),
        locale=check_locale(locale),
    )
    session.add(inv)
    session.commit()
    return inv


@dataclass(frozen=True)
class Opened:
    """What an invitation link leads to: the respondent's assessment, or why not (state)."""

    state: str  # ok | expired | revoked | closed | answered
    assessment: Assessment | None


def invitation_state(inv: RoundInvitation) -> str:
    """What the link leads to now (open_invitation's state), without making anything."""
    if inv.assessment is not None and inv.assessment.has_verdict:
        return "answered"
    if inv.revoked_at is not None:
        return "revoked"
    if inv.round.status != "open":
        return "closed"
    if inv.expired():
        return "expired"
    return "ok"


def open_invitation(session: Session, inv: RoundInvitation, *, locale: str) -> Opened:
    """The invited respondent's own assessment, made on first use; an answered link is used up."""
    state = invitation_state(inv)
    if state != "ok":
        return Opened(state, None)
    if inv.assessment is None:
        a = assessments.start(session, locale=locale, utm={}, referrer=None, kind="invited", commit=False)
        a.company, a.round, a.respondent_role = inv.round.company, inv.round, inv.role
        inv.assessment = a
        session.commit()
    return Opened("ok", inv.assessment)


def find_invitation(session: Session, token: str | None) -> RoundInvitation | None:
    if not looks_like_token(token):
        return None
    return session.scalars(select(RoundInvitation).where(RoundInvitation.token == token)).one_or_none()


def revoke(session: Session, inv: RoundInvitation) -> None:
    """The link stops opening anything; answers already given stay in the round."""
    _check_open(inv.round)
    if inv.assessment is not None and inv.assessment.has_verdict:
        raise RoundError("this respondent has answered: their answers count in the round")
    if inv.revoked_at is None:
        inv.revoked_at = utcnow()
    session.commit()


def candidates(session: Session, r: Round) -> list[Assessment]:
    """The client's interviews and self-assessments (a converted lead's) that may join the round."""
    query = (
        select(Assessment)
        .where(
            Assessment.company_id == r.company_id,
            Assessment.round_id.is_(None),
            Assessment.kind.in_(("consultant", "self")),
        )
        .order_by(Assessment.id.desc())
    )
    return list(session.scalars(query))


def add_respondent(session: Session, r: Round, a: Assessment, role: str) -> None:
    """An interview or the lead's self-assessment joins the round as `role`."""
    _check_open(r)
    if a.company_id is not None and a.company_id != r.company_id:
        raise RoundError("this assessment belongs to another company")
    if a.round_id is not None and a.round_id != r.id:
        raise RoundError("this assessment already belongs to another round")
    a.company_id, a.round, a.respondent_role = r.company_id, r, _check_role(role)
    session.commit()


def submitted(r: Round) -> list[Assessment]:
    return [a for a in r.respondents if a.has_verdict]


def _median_answers(kept: Sequence[Verdict], qn: Questionnaire) -> dict:
    """Per question, the answer given at the lower-median item score; profile answers: the first."""
    out: dict = {}
    for q in qn.questions:
        given = [v.answers[q.id] for v in kept if q.id in v.answers]
        if not given:
            continue
        kind = QUESTION_TYPES[q.type]
        if not kind.scored:
            out[q.id] = given[0]
            continue
        scored = []
        for value in given:
            read = kind.read(q, list(value) if isinstance(value, tuple) else value)
            if read is not None:
                scored.append((kind.item_score(q, read) or 0, value))
        if scored:
            scored.sort(key=lambda sv: sv[0])
            value = scored[(len(scored) - 1) // 2][1]
            out[q.id] = list(value) if isinstance(value, tuple) else value
    return out


def close_round(
    session: Session,
    r: Round,
    *,
    rule: str = "reference",
    reference: Assessment | None = None,
    qn: Questionnaire | None = None,
) -> Verdict:
    """Keep the round's verdict by `rule` and close it; the next round is due a quarter later."""
    _check_open(r)
    if rule not in ROUND_RULES:
        raise RoundError(f"unknown rule {rule!r} (one of {', '.join(ROUND_RULES)})")
    qn = qn or default_questionnaire()
    done = submitted(r)
    if not done:
        raise RoundError("nobody has submitted answers in this round yet")
    if rule == "reference":
        if reference is None:
            reference = next((a for a in done if a.respondent_role == "management"), done[0])
        elif reference not in done:
            raise RoundError("the reference respondent has not submitted answers in this round")
        kept = verdicts.verdict(reference)
        assert kept is not None  # has_verdict
        result = kept
        r.reference_id = reference.id
    else:
        answers = _median_answers([v for a in done if (v := verdicts.verdict(a)) is not None], qn)
        result = diagnose(answers, questionnaire=qn)
    now = utcnow()
    r.rule, r.verdict, r.status, r.closed_at, r.due_at = rule, result.to_dict(), "closed", now, now + QUARTER
    r.level, r.overall, r.scores = result.level, result.overall, dict(result.scores)
    if r.targets is None:
        r.targets = default_targets(result, qn)
    # In the round's own transaction, like the other events: closed and announced, or neither.
    locale = (reference or done[0]).locale
    webhooks.emit(
        session,
        "round.closed",
        lambda: webhooks.round_data(r, localize(result, locale, questionnaire=qn), gap(r, qn)),
    )
    session.commit()
    return result


def round_verdict(r: Round) -> Verdict | None:
    return None if r.verdict is None else Verdict.from_dict(r.verdict)


def default_targets(v: Verdict, qn: Questionnaire) -> dict[str, int]:
    """Per area, one level above the area's current level (at most the top level)."""
    top = len(qn.levels)
    return {area: min(top, qn.level_for(score).number + 1) for area, score in v.scores.items() if score is not None}


def set_targets(session: Session, r: Round, targets: dict[str, int], qn: Questionnaire | None = None) -> None:
    qn = qn or default_questionnaire()
    areas = {a.id for a in qn.areas}
    bad = [k for k, v in targets.items() if k not in areas or not isinstance(v, int) or not 1 <= v <= len(qn.levels)]
    if bad:
        raise RoundError(f"targets must be levels 1..{len(qn.levels)} of known areas: {', '.join(map(str, bad))}")
    r.targets = {**(r.targets or {}), **targets}
    session.commit()


def set_step_status(session: Session, r: Round, step: str, status: str | None) -> None:
    """Mark a step this round recommended done / in progress / dropped (None clears the mark)."""
    v = round_verdict(r)
    if v is None or step not in {a.id for a in v.actions}:
        raise RoundError("that step was not recommended in this round")
    if status is not None and status not in STEP_STATUSES:
        raise RoundError(f"unknown status {status!r} (one of {', '.join(STEP_STATUSES)})")
    marks = dict(r.step_status or {})
    if status is None:
        marks.pop(step, None)
    else:
        marks[step] = status
    r.step_status = marks
    session.commit()


def set_share_gap(session: Session, r: Round, shared: bool) -> None:
    """Whether the round's respondents may see the gap report on their own pages."""
    r.share_gap = shared
    session.commit()


def set_due(session: Session, r: Round, due: date) -> None:
    """When the next round is due (close sets a quarter after closing)."""
    if r.status != "closed":
        raise RoundError("the next round's due date is set on a closed round")
    closed = r.closed_at.date() if r.closed_at else due
    if not closed <= due <= closed + timedelta(days=3 * 366):
        raise RoundError("the next round is due after this one closed, within three years")
    r.due_at = datetime.combine(due, time(), tzinfo=UTC)
    session.commit()


def outdated(r: Round, qn: Questionnaire | None = None) -> list[Assessment]:
    """Submitted respondents who answered another version of the questionnaire than today's."""
    version = (qn or default_questionnaire()).version
    return [a for a in submitted(r) if a.questionnaire_version not in (None, version)]


def sides(r: Round) -> set[str]:
    """The roles of the round's submitted respondents."""
    return {a.respondent_role for a in submitted(r) if a.respondent_role}


def previous_closed(session: Session, r: Round) -> Round | None:
    """The company's last closed round before this one (an open round: the last closed one)."""
    history = closed_rounds(session, r.company)
    if r.status == "closed":
        history = [x for x in history if x.id != r.id and x.closed_at and r.closed_at and x.closed_at <= r.closed_at]
    return history[-1] if history else None


def gap(r: Round, qn: Questionnaire | None = None) -> PerceptionGap | None:
    """Management against marketing, when the round has at least one submitted respondent of each.

    Several respondents on a side are taken together by the "median" rule, as for closing.
    """
    qn = qn or default_questionnaire()
    sides = []
    for role in ("management", "marketing"):
        kept = [v for a in submitted(r) if a.respondent_role == role and (v := verdicts.verdict(a)) is not None]
        if not kept:
            return None
        sides.append(kept[0] if len(kept) == 1 else diagnose(_median_answers(kept, qn), questionnaire=qn))
    return perception_gap(sides[0], sides[1], qn)


@dataclass(frozen=True)
class RoundRow:
    """One line of a client's rounds: who answered of whom was asked, and when the next one is due."""

    round: Round
    answered: int
    invited: int  # invitations not revoked, plus interviews and self-assessments added


def company_rounds(session: Session, company: Company) -> list[RoundRow]:
    """The company's rounds, newest first."""
    query = select(Round).where(Round.company_id == company.id).order_by(Round.opened_at.desc(), Round.id.desc())
    out = []
    for r in session.scalars(query):
        invited = {inv.assessment_id or -inv.id for inv in r.invitations if inv.revoked_at is None}
        invited.update(a.id for a in r.respondents)
        out.append(RoundRow(r, len(submitted(r)), len(invited)))
    return out


def closed_rounds(session: Session, company: Company) -> list[Round]:
    """The company's closed rounds, oldest first."""
    return list(
        session.scalars(
            select(Round).where(Round.company_id == company.id, Round.status == "closed").order_by(Round.closed_at)
        )
    )


def latest_trend(session: Session, company: Company, qn: Questionnaire | None = None) -> Trend | None:
    """From the company's last closed round but one to its last, or None with fewer than two."""
    rounds = closed_rounds(session, company)
    if len(rounds) < 2:
        return None
    before, after = round_verdict(rounds[-2]), round_verdict(rounds[-1])
    assert before is not None and after is not None  # closed rounds keep a verdict
    return trend(before, after, qn or default_questionnaire())


def report_views(session: Session, r: Round, locale: str, qn: Questionnaire | None = None):
    """The round's Diagnosis in `locale` with its report sections: (diagnosis, TrendView | None, GapView | None).

    The trend runs from the company's closed round before this one; the gap needs both sides.
    """
    from assessment.report.tracking import gap_view, trend_view

    qn = qn or default_questionnaire()
    kept = round_verdict(r)
    if kept is None:
        raise RoundError("the round is not closed yet: it has no diagnosis")
    diagnosis = localize(kept, locale, questionnaire=qn)
    history = [
        x
        for x in closed_rounds(session, r.company)
        if x.closed_at and r.closed_at and aware(x.closed_at) <= aware(r.closed_at)  # SQLite reads them back naive
    ]
    tracking = None
    if len(history) >= 2:
        previous = round_verdict(history[-2])
        assert previous is not None
        tracking = trend_view(
            [(x.period, dict(v.scores)) for x in history if (v := round_verdict(x)) is not None],
            trend(previous, kept, qn),
            qn,
            locale,
            before=localize(previous, locale, questionnaire=qn),
            after=diagnosis,
            step_status=history[-2].step_status,
            targets=history[-2].targets,
            next_targets=r.targets,
        )
    found = gap(r, qn)
    return diagnosis, tracking, None if found is None else gap_view(found, qn, locale)


def report_pdf(session: Session, r: Round, locale: str) -> bytes:
    """The closed round's PDF: its diagnosis, what changed since the last round, and the gap."""
    from assessment.report import render_pdf
    from assessment.report.tracking import target_rows

    diagnosis, tracking, gap_section = report_views(session, r, locale)
    # A first round has no trend to hold its targets for the next round: they get a table of their own.
    scores = {a.id: a.score for a in diagnosis.areas}
    first = () if tracking else target_rows(scores, r.targets, default_questionnaire(), locale)
    return render_pdf(
        diagnosis,
        branding=report_branding(session),
        company=r.company.name,
        date=r.closed_at.date() if r.closed_at else None,
        tracking=tracking,
        gap=gap_section,
        targets=first,
    )
