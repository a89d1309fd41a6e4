"""The consultant's portfolio: every company they may see, its latest round and what is due.

One page is five queries however many companies there are: the companies with their last two
closed rounds and their open round (one window over the closed rounds), their count, then the page's area scores, invitations and respondents by round id. Level, overall and area scores come from the summary close_round copies onto the round
(migration 0009): reading every round's whole verdict to sort by level cost more than the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from assessment.bank.questionnaire import Questionnaire, default_questionnaire
from assessment.services import rounds
from assessment.services.accounts import visible_companies
from assessment.services.rounds import QUARTER
from assessment.store.models import Assessment, Company, Round, RoundInvitation, aware, utcnow
from assessment.store.workspace import Account

if TYPE_CHECKING:  # report/ is loaded when a page draws its charts, not by every importer of services
    from assessment.report.tracking import GapView, TrendView

PAGE_SIZE = 50
SORTS = ("name", "level", "change", "due", "assessed")
SHOWS = ("all", "overdue", "due_soon", "open")
DUE_SOON = timedelta(days=30)


@dataclass(frozen=True)
class AreaChange:
    area: str  # area id
    score: int | None
    delta: int | None  # since the round before; None without one or when either is unanswered


@dataclass(frozen=True)
class OpenRound:
    id: int
    token: str
    period: str
    answered: int  # respondents whose answers are in (invited or joined as interview / lead)
    invited: int  # invitations sent
    waiting: int  # invitations not answered yet and still valid


@dataclass(frozen=True)
class PortfolioRow:
    id: int
    name: str
    industry: str | None
    rounds: int  # closed rounds
    period: str | None  # the latest closed round's
    closed_at: datetime | None
    level: int | None
    overall: int | None
    level_delta: int | None
    overall_delta: int | None
    areas: tuple[AreaChange, ...]
    due_at: datetime | None  # the next round's due date: the latest round's, else a quarter after it
    overdue: bool
    due_soon: bool
    open_round: OpenRound | None


@dataclass(frozen=True)
class Portfolio:
    rows: list[PortfolioRow]
    total: int
    page: int
    pages: int


def _delta(after: int | None, before: int | None) -> int | None:
    return None if after is None or before is None else after - before


def _latest(account: Account):
    """Per visible company with closed rounds: its latest closed round, the one before (p_*) and how many.

    One window pass over the closed rounds' narrow rows, joined once. Index probes per company cost
    twice its CPU at 1,000 companies, and a window joined twice (latest, previous) misled PostgreSQL's
    row estimates into nested loops (0.3-1 s with a filter).
    """
    newest_first = (Round.closed_at.desc(), Round.id.desc())
    query = select(
        Round.company_id,
        Round.id,
        Round.period,
        Round.level,
        Round.overall,
        Round.closed_at,
        Round.due_at,
        func.lead(Round.id).over(partition_by=Round.company_id, order_by=newest_first).label("p_id"),
        func.lead(Round.level).over(partition_by=Round.company_id, order_by=newest_first).label("p_level"),
        func.lead(Round.overall).over(partition_by=Round.company_id, order_by=newest_first).label("p_overall"),
        func.row_number().over(partition_by=Round.company_id, order_by=newest_first).label("rn"),
        func.count().over(partition_by=Round.company_id).label("n"),
    ).where(Round.status == "closed")
    if not account.is_admin:  # only the account's companies' rounds are read
        query = query.where(Round.company_id.in_(visible_companies(account).with_only_columns(Company.id)))
    return query.subquery("latest")


def portfolio(
    session: Session,
    account: Account,
    *,
    show: str = "all",
    sort: str = "due",
    desc: bool = False,
    page: int = 1,
    now: datetime | None = None,
    qn: Questionnaire | None = None,
) -> Portfolio:
    """One page of the companies this account sees, filtered by `show` and sorted by `sort`."""
    now = now or utcnow()
    qn = qn or default_questionnaire()
    show = show if show in SHOWS else "all"
    sort = sort if sort in SORTS else "due"
    latest = _latest(account)
    open_ids = (
        select(func.max(Round.id).label("id"), Round.company_id)
        .where(Round.status == "open")
        .group_by(Round.company_id)
    ).subquery("open_ids")
    opened = aliased(Round, name="opened")
    base = (
        visible_companies(account)
        .with_only_columns(Company.id)
        .outerjoin(latest, and_(latest.c.company_id == Company.id, latest.c.rn == 1))
        .outerjoin(open_ids, open_ids.c.company_id == Company.id)
        .outerjoin(opened, opened.id == open_ids.c.id)
    )
    if show == "overdue":
        base = base.where(latest.c.due_at < now)
    elif show == "due_soon":
        base = base.where(latest.c.due_at >= now, latest.c.due_at < now + DUE_SOON)
    elif show == "open":
        base = base.where(opened.id.is_not(None))
    # Each company is one row of `base`: the count needs the rounds only when the filter reads them.
    if show == "all":
        # maintain_column_froms: an admin's query has no WHERE naming the table, and a bare count(*) is 1.
        total = (
            session.scalar(visible_companies(account).with_only_columns(func.count(), maintain_column_froms=True)) or 0
        )
    else:
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, page), pages)
    column = {
        "name": Company.name_key,
        "level": latest.c.level,
        "change": latest.c.overall - latest.c.p_overall,
        "due": latest.c.due_at,
        "assessed": latest.c.closed_at,
    }[sort]
    order = column.desc().nulls_last() if desc else column.asc().nulls_last()
    query = (
        base.with_only_columns(
            Company.id,
            Company.name,
            Company.industry,
            latest.c.n,
            latest.c.period,
            latest.c.closed_at,
            latest.c.level,
            latest.c.overall,
            latest.c.id,
            latest.c.due_at,
            latest.c.p_level,
            latest.c.p_overall,
            latest.c.p_id,
            opened.id,
            opened.token,
            opened.period,
        )
        .order_by(order, Company.name_key, Company.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )
    found = session.execute(query).all()
    counts = _open_counts(session, [r[13] for r in found if r[13] is not None], now)
    # The area scores (JSON) of the page's rounds only: carried through the window's sort, they cost more.
    ids = [i for r in found for i in (r[8], r[12]) if i is not None]
    scores: dict[int, dict | None] = {}
    if ids:
        scores = {rid: value for rid, value in session.execute(select(Round.id, Round.scores).where(Round.id.in_(ids)))}
    rows = [_row(r, counts, scores, now, qn) for r in found]
    return Portfolio(rows, total, page, pages)


def _open_counts(session: Session, round_ids: list[int], now: datetime) -> dict[int, tuple[int, int, int]]:
    """Per open round: (answered respondents, invitations, invitations still waiting)."""
    if not round_ids:
        return {}
    answered: dict[int, int] = {
        rid: n
        for rid, n in session.execute(
            select(Assessment.round_id, func.count())
            .where(Assessment.round_id.in_(round_ids), Assessment.revision > 0)
            .group_by(Assessment.round_id)
        )
        if rid is not None
    }
    waiting_one = case(
        (
            and_(
                or_(RoundInvitation.assessment_id.is_(None), Assessment.revision == 0),
                RoundInvitation.expires_at > now,
            ),
            1,
        ),
        else_=0,
    )
    invited = {
        rid: (int(n), int(w or 0))
        for rid, n, w in session.execute(
            select(RoundInvitation.round_id, func.count(), func.sum(waiting_one))
            .outerjoin(Assessment, Assessment.id == RoundInvitation.assessment_id)
            .where(RoundInvitation.round_id.in_(round_ids))
            .group_by(RoundInvitation.round_id)
        )
    }
    return {rid: (answered.get(rid, 0), *invited.get(rid, (0, 0))) for rid in round_ids}


def _row(r, counts: dict[int, tuple[int, int, int]], by_round: dict, now: datetime, qn: Questionnaire) -> PortfolioRow:
    (cid, name, industry, n, period, closed_at, level, overall, rid, due_at, p_level, p_overall, p_rid) = r[:13]
    closed_at = aware(closed_at) if closed_at else None
    due = aware(due_at) if due_at else (closed_at + QUARTER if closed_at else None)
    scores, p_scores = by_round.get(rid) or {}, by_round.get(p_rid)
    areas = tuple(
        AreaChange(a.id, scores.get(a.id), _delta(scores.get(a.id), (p_scores or {}).get(a.id))) for a in qn.areas
    )
    open_round = None
    if r[13] is not None:
        open_round = OpenRound(r[13], r[14], r[15], *counts.get(r[13], (0, 0, 0)))
    return PortfolioRow(
        id=cid,
        name=name,
        industry=industry,
        rounds=n or 0,
        period=period,
        closed_at=closed_at,
        level=level,
        overall=overall,
        level_delta=_delta(level, p_level),
        overall_delta=_delta(overall, p_overall),
        areas=areas if scores else (),
        due_at=due,
        overdue=due is not None and due < now,
        due_soon=due is not None and now <= due < now + DUE_SOON,
        open_round=open_round,
    )


@dataclass(frozen=True)
class CompanyTracking:
    """The company page's tracking section: the report's trend and gap views plus the round summaries."""

    rounds: int  # closed rounds
    trend: TrendView | None  # None with fewer than two closed rounds
    gap: GapView | None  # the latest round's, when it had both sides
    levels: tuple[int | None, ...]  # the overall level per closed round, oldest first (trend.periods)
    overall: tuple[int | None, ...]  # the overall score per closed round
    areas: tuple[tuple[str, int | None, int | None, int | None], ...]  # area name, before, after, delta


def company_tracking(
    session: Session, company: Company, locale: str, qn: Questionnaire | None = None
) -> CompanyTracking:
    """What changed over the company's closed rounds, in `locale`, drawn as the PDF draws it."""
    qn = qn or default_questionnaire()
    closed = rounds.closed_rounds(session, company)
    if len(closed) < 2:
        return CompanyTracking(len(closed), None, None, (), (), ())
    _diagnosis, trend_view, gap_view = rounds.report_views(session, closed[-1], locale, qn)
    assert trend_view is not None  # two closed rounds make a trend
    before, after = closed[-2].scores or {}, closed[-1].scores or {}
    areas = tuple(
        (a.name[locale], before.get(a.id), after.get(a.id), _delta(after.get(a.id), before.get(a.id))) for a in qn.areas
    )
    return CompanyTracking(
        len(closed),
        trend_view,
        gap_view,
        tuple(r.level for r in closed),
        tuple(r.overall for r in closed),
        areas,
    )
