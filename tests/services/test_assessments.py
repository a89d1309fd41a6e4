"""Assessments as use cases on a session: answers with notes, submit, reopen, revisions, reports per revision."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from assessment.diagnose.answers import AnswerError
from assessment.services import access, assessments, reports, verdicts
from assessment.store.models import Answer, FunnelEvent, ReportFile
from tests.factories import make_answers, make_assessment


def test_a_blank_answer_removes_it_but_keeps_a_note_about_it(session):
    a = make_assessment(
        session, {"al_goal_agreement": "self_set", "al_budget_basis": "last_year_or_leftover"}, submitted=False
    )
    row = next(r for r in a.answers if r.question == "al_goal_agreement")
    row.note, row.to_verify = "社長と認識が違う", True
    session.commit()
    assessments.save_answers(session, a, {"al_goal_agreement": "", "al_budget_basis": None})
    kept = {r.question: (r.value, r.note, r.to_verify) for r in session.scalars(select(Answer))}
    assert kept == {"al_goal_agreement": (None, "社長と認識が違う", True)}
    assert a.values == {"al_goal_agreement": None}


def test_submit_keeps_a_verdict_once_and_a_second_submit_changes_nothing(session):
    a = make_assessment(session, make_answers(0))
    first = verdicts.verdict(a)
    assert first is not None
    assessments.submit(session, a)
    assert (a.status, a.revision, len(a.revisions)) == ("submitted", 1, 1)
    assert verdicts.verdict(a) == first and first.overall == a.overall == 0
    events = session.scalars(select(FunnelEvent.type).where(FunnelEvent.type == "submitted")).all()
    assert events == ["submitted"]


def test_a_submitted_assessment_is_not_edited_until_reopened(session):
    a = make_assessment(session, make_answers(0))
    with pytest.raises(assessments.NotEditable):
        assessments.save_answers(session, a, {"al_goal_agreement": "written_shared"})
    assessments.reopen(session, a)
    assert a.status == "reopened" and a.revision == 1
    assessments.save_answers(session, a, make_answers(3))
    assessments.submit(session, a)
    assert (a.status, a.revision, [r.number for r in a.revisions]) == ("submitted", 2, [1, 2])
    before, after = verdicts.diagnosis(a, "ja", number=1), verdicts.diagnosis(a, "en")
    assert before.overall == 0 and after.overall == 100 and after.locale == "en"
    earlier = verdicts.verdict(a, 1)
    assert earlier is not None and earlier.to_dict()["answers"] == make_answers(0)  # what was answered then


def test_reports_are_kept_per_revision_and_locale(session, monkeypatch):
    rendered = []

    def render(a, locale, number):
        rendered.append((number, locale))
        return f"%PDF {number} {locale}".encode()

    monkeypatch.setattr(reports, "render", render)
    a = make_assessment(session, make_answers(1))
    assert reports.pdf_bytes(session, a, "ja") == b"%PDF 1 ja"
    assert reports.pdf_bytes(session, a, "ja") == b"%PDF 1 ja" and rendered == [(1, "ja")]  # kept
    assessments.reopen(session, a)
    assessments.submit(session, a)
    assert reports.pdf_bytes(session, a, "ja") == b"%PDF 2 ja"  # a new revision, a new report
    kept = session.execute(select(ReportFile.revision, ReportFile.locale).order_by(ReportFile.revision)).all()
    assert kept == [(1, "ja"), (2, "ja")]


def test_an_answer_the_bank_no_longer_offers_is_refused_on_submit(session):
    a = make_assessment(session, {**make_answers(1), "al_goal_agreement": "renamed_since"}, submitted=False)
    with pytest.raises(AnswerError) as refused:
        assessments.submit(session, a)
    assert "al_goal_agreement" in refused.value.problems
    session.rollback()
    assert session.scalar(select(func.count()).select_from(FunnelEvent).where(FunnelEvent.type == "submitted")) == 0


def test_the_api_path_writes_what_the_pages_write(session):
    done = assessments.submit_answers(
        session, make_answers(2), locale="en", utm={"utm_source": "x"}, referrer=None, link_days=7
    )
    a = access.by_results_token(session, done.results_token)
    assert a is not None
    assert a.values == make_answers(2) and a.revision == 1 and a.utm_source == "x"
    assert done.diagnosis.locale == "en" and done.diagnosis.overall == a.overall
    assert done.link_expires_at is not None and a.report_links[0].token == done.link_token
