"""Rounds of one company: invitations, respondents, closing by a stated rule, gap and trend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessment.bank.questionnaire import default_questionnaire
from assessment.services import assessments, rounds, verdicts
from assessment.services.rounds import RoundError
from assessment.store.models import utcnow
from tests.factories import make_answers, make_assessment, make_company

QN = default_questionnaire()
ALIGNMENT = [q.id for q in QN.scored_questions if q.section == "alignment"]


def answer_invitation(session, inv, answers):
    opened = rounds.open_invitation(session, inv, locale="ja")
    assert opened.state == "ok" and opened.assessment is not None
    assessments.save_answers(session, opened.assessment, answers)
    assessments.submit(session, opened.assessment)
    return opened.assessment


def test_invited_respondents_answer_and_the_round_closes_on_the_management_answers(session):
    company = make_company(session)
    r = rounds.open_round(session, company, period="2026-Q4")
    boss = answer_invitation(session, rounds.invite(session, r, "management"), make_answers(3))
    marketer = answer_invitation(session, rounds.invite(session, r, "marketing"), make_answers(1))
    assert (boss.company_id, boss.round_id, boss.respondent_role) == (company.id, r.id, "management")
    closed = rounds.close_round(session, r)
    assert r.status == "closed" and r.rule == "reference" and r.reference_id == boss.id
    assert closed == verdicts.verdict(boss) and rounds.round_verdict(r) == closed
    assert r.due_at is not None and r.closed_at is not None and r.due_at > r.closed_at
    assert marketer in rounds.submitted(r)


def test_an_answered_link_is_used_up_and_an_expired_or_closed_one_opens_nothing(session):
    r = rounds.open_round(session, make_company(session))
    inv = rounds.invite(session, r, "marketing")
    again = rounds.open_invitation(session, inv, locale="ja")
    assert again.assessment is rounds.open_invitation(session, inv, locale="ja").assessment  # resumes, one each
    answer_invitation(session, inv, make_answers(2))
    assert rounds.open_invitation(session, inv, locale="ja") == rounds.Opened("answered", None)
    late = rounds.invite(session, r, "sales", days=1)
    late.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert rounds.open_invitation(session, late, locale="ja").state == "expired"
    pending = rounds.invite(session, r, "other")
    rounds.close_round(session, r)
    assert rounds.open_invitation(session, pending, locale="ja").state == "closed"
    assert rounds.find_invitation(session, "not-a-token") is None
    assert rounds.find_invitation(session, pending.token) is pending


def test_closing_needs_answers_and_a_round_cannot_be_closed_or_joined_twice(session):
    company = make_company(session)
    r = rounds.open_round(session, company)
    with pytest.raises(RoundError, match="already has an open round"):
        rounds.open_round(session, company)
    rounds.invite(session, r, "management")  # invited but not answered
    with pytest.raises(RoundError, match="nobody has submitted"):
        rounds.close_round(session, r)
    with pytest.raises(RoundError, match="unknown respondent role"):
        rounds.invite(session, r, "ceo")
    rounds.add_respondent(session, r, make_assessment(session, make_answers(2), kind="consultant"), "management")
    with pytest.raises(RoundError, match="unknown rule"):
        rounds.close_round(session, r, rule="average")
    rounds.close_round(session, r)
    with pytest.raises(RoundError, match="closed"):
        rounds.close_round(session, r)
    with pytest.raises(RoundError, match="closed"):
        rounds.invite(session, r, "marketing")
    assert rounds.open_round(session, company).status == "open"  # the next quarter's


def test_the_median_rule_takes_an_answer_somebody_gave_at_the_middle_score(session):
    r = rounds.open_round(session, make_company(session))
    for level in (0, 3, 1):
        rounds.add_respondent(session, r, make_assessment(session, make_answers(level)), "marketing")
    closed = rounds.close_round(session, r, rule="median")
    middle = make_answers(1)
    assert all(
        closed.answers[q.id] == (tuple(middle[q.id]) if q.type == "checklist" else middle[q.id])
        for q in QN.scored_questions
    )
    assert r.rule == "median" and r.reference_id is None


def test_management_and_marketing_side_by_side_give_the_gap(session):
    r = rounds.open_round(session, make_company(session))
    rounds.add_respondent(session, r, make_assessment(session, make_answers(2)), "management")
    assert rounds.gap(r) is None  # one side only
    rounds.add_respondent(
        session, r, make_assessment(session, make_answers(2, **{q: make_answers(0)[q] for q in ALIGNMENT})), "marketing"
    )
    gap = rounds.gap(r)
    assert gap is not None and gap.alignment_disagrees
    assert {g.question for g in gap.items if g.significant} == set(ALIGNMENT)


def test_a_second_round_a_quarter_later_shows_the_trend_and_targets_and_step_marks(session):
    company = make_company(session)
    first = rounds.open_round(session, company, period="2026-Q3")
    rounds.add_respondent(session, first, make_assessment(session, make_answers(0)), "management")
    v1 = rounds.close_round(session, first)
    assert rounds.latest_trend(session, company) is None
    assert first.targets and all(1 <= t <= len(QN.levels) for t in first.targets.values())
    step = v1.actions[0].id
    rounds.set_step_status(session, first, step, "in_progress")
    assert first.step_status == {step: "in_progress"}
    with pytest.raises(RoundError):
        rounds.set_step_status(session, first, "no_such_step", "done")
    with pytest.raises(RoundError):
        rounds.set_targets(session, first, {"alignment": 9})
    rounds.set_targets(session, first, {"alignment": 4})
    assert first.targets["alignment"] == 4
    second = rounds.open_round(session, company, period="2026-Q4")
    rounds.add_respondent(session, second, make_assessment(session, make_answers(3)), "management")
    v2 = rounds.close_round(session, second)
    t = rounds.latest_trend(session, company)
    assert v1.overall is not None and v2.overall is not None
    assert t is not None and t.overall.delta == v2.overall - v1.overall > 0
    assert t.pitfalls_by_status("resolved")


def test_the_second_rounds_pdf_shows_the_trend_and_the_gap(session, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    company = make_company(session, name="株式会社ラウンド")
    first = rounds.open_round(session, company, period="2026-Q3")
    rounds.add_respondent(session, first, make_assessment(session, make_answers(0)), "management")
    v1 = rounds.close_round(session, first)
    rounds.set_step_status(session, first, v1.actions[0].id, "done")
    second = rounds.open_round(session, company, period="2026-Q4")
    rounds.add_respondent(session, second, make_assessment(session, make_answers(3)), "management")
    rounds.add_respondent(
        session,
        second,
        make_assessment(session, make_answers(3, **{q: make_answers(0)[q] for q in ALIGNMENT})),
        "marketing",
    )
    rounds.close_round(session, second)
    pdf = rounds.report_pdf(session, second, "ja")
    (tmp_path / "round.pdf").write_bytes(pdf)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    compact = "".join(text.split())
    assert "前回からの変化" in compact and "2026-Q3" in compact and "解消した落とし穴" in compact
    assert "経営とマーケティングの比較" in compact and "差が大きい設問" in compact
    assert "株式会社ラウンド" in compact
    _, tracking, gap = rounds.report_views(session, first, "en")
    assert tracking is None and gap is None  # one round, one side: neither section


def test_the_first_rounds_pdf_shows_its_targets_for_the_next_round(session):
    from io import BytesIO

    from pypdf import PdfReader

    company = make_company(session)
    first = rounds.open_round(session, company, period="2026-Q3")
    rounds.add_respondent(session, first, make_assessment(session, make_answers(0)), "management")
    rounds.close_round(session, first)
    rounds.set_targets(session, first, {"alignment": 4})

    def text(locale):
        pdf = rounds.report_pdf(session, first, locale)
        return "".join("".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages).split())

    ja, en = text("ja"), text("en")
    assert "現在のレベルと次回の目標" in ja and "前回からの変化" not in ja  # no trend yet, the targets all the same
    assert "Levelnowandtargetforthenextround" in en
    first.targets = None  # a round closed before targets existed
    session.commit()
    assert "現在のレベルと次回の目標" not in text("ja")  # nothing set: no empty table


def test_a_revoked_link_opens_nothing_and_an_answered_one_cannot_be_revoked(session):
    r = rounds.open_round(session, make_company(session))
    inv = rounds.invite(session, r, "sales", locale="en")
    assert (inv.locale, rounds.invitation_state(inv)) == ("en", "ok")
    rounds.revoke(session, inv)
    assert rounds.invitation_state(inv) == "revoked"
    assert rounds.open_invitation(session, inv, locale="ja") == rounds.Opened("revoked", None)
    answered = rounds.invite(session, r, "management")
    answer_invitation(session, answered, make_answers(2))
    with pytest.raises(RoundError, match="has answered"):
        rounds.revoke(session, answered)
    with pytest.raises(ValueError, match="unknown locale"):
        rounds.invite(session, r, "other", locale="fr")


def test_candidates_are_the_clients_own_assessments_outside_any_round(session):
    company, other = make_company(session), make_company(session, name="株式会社べつ")
    r = rounds.open_round(session, company)
    interview = make_assessment(session, make_answers(2), kind="consultant", company=company)
    own = make_assessment(session, make_answers(1), kind="self", company=company)
    make_assessment(session, make_answers(1), kind="consultant", company=other)
    assert rounds.candidates(session, r) == [own, interview]
    rounds.add_respondent(session, r, interview, "management")
    assert rounds.candidates(session, r) == [own]
    later = rounds.open_round(session, other)
    with pytest.raises(RoundError, match="another company"):
        rounds.add_respondent(session, later, own, "marketing")
    rounds.close_round(session, r)
    next_round = rounds.open_round(session, company)
    with pytest.raises(RoundError, match="another round"):  # last quarter's interview stays last quarter's
        rounds.add_respondent(session, next_round, interview, "management")


def test_sides_outdated_respondents_due_date_and_sharing(session):
    company = make_company(session)
    r = rounds.open_round(session, company, period="2026-Q3")
    boss = make_assessment(session, make_answers(2))
    rounds.add_respondent(session, r, boss, "management")
    assert rounds.sides(r) == {"management"} and rounds.outdated(r) == []
    boss.questionnaire_version = "2025.01"
    session.commit()
    assert rounds.outdated(r) == [boss]
    with pytest.raises(RoundError, match="closed round"):
        rounds.set_due(session, r, utcnow().date())
    rounds.close_round(session, r)
    assert r.closed_at is not None
    closed = r.closed_at.date()
    rounds.set_due(session, r, closed + timedelta(days=30))
    assert r.due_at is not None and r.due_at.date() == closed + timedelta(days=30)
    for bad in (closed - timedelta(days=1), closed + timedelta(days=3 * 366 + 1)):
        with pytest.raises(RoundError, match="due after"):
            rounds.set_due(session, r, bad)
    assert not r.share_gap
    rounds.set_share_gap(session, r, True)
    assert r.share_gap
    second = rounds.open_round(session, company, period="2026-Q4")
    assert rounds.previous_closed(session, second) is r and rounds.previous_closed(session, r) is None
    rows = rounds.company_rounds(session, company)
    assert [(row.round, row.answered, row.invited) for row in rows] == [(second, 0, 0), (r, 1, 1)]


def test_the_period_offered_for_a_new_round_skips_the_quarters_already_taken():
    december = datetime(2026, 12, 1, tzinfo=UTC)
    assert rounds.next_free_period(set(), december) == "2026-Q4"
    assert rounds.next_free_period({"2026-Q3", "2026-Q4"}, december) == "2027-Q1"
    assert rounds.next_free_period({"2026-Q4", "2027-Q1"}, december) == "2027-Q2"
    assert rounds.next_free_period({"2026-Q1"}, datetime(2026, 2, 1, tzinfo=UTC)) == "2026-Q2"
