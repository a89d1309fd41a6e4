"""The perception gap between two respondents and the trend between two rounds (diagnose/compare.py)."""

from __future__ import annotations

import dataclasses

import pytest

from assessment.bank.questionnaire import default_questionnaire
from assessment.diagnose.compare import LARGEST, perception_gap, trend
from assessment.diagnose.pipeline import diagnose
from tests.factories import make_answers

QN = default_questionnaire()
ALIGNMENT_QUESTIONS = [q for q in QN.scored_questions if q.section == "alignment"]


def verdict(answers: dict):
    return diagnose(answers, questionnaire=QN)


def dont_know_option(q):
    return next((o.value for o in q.options if o.dont_know), None)


def test_two_respondents_who_answer_alike_have_no_gap():
    gap = perception_gap(verdict(make_answers(2)), verdict(make_answers(2)), QN)
    assert gap.items and all(g.gap == 0 for g in gap.items)
    assert gap.largest == () and not gap.alignment_disagrees
    assert all(a.gap == 0 and a.agreement == 1.0 for a in gap.areas if a.items)
    assert {a.area for a in gap.areas} == {area.id for area in QN.areas}


def test_management_seeing_alignment_where_marketing_does_not_is_a_finding_with_both_answers():
    management = make_answers(2, **{q.id: make_answers(3)[q.id] for q in ALIGNMENT_QUESTIONS})
    marketing = make_answers(2, **{q.id: make_answers(0)[q.id] for q in ALIGNMENT_QUESTIONS})
    gap = perception_gap(verdict(management), verdict(marketing), QN)
    assert gap.alignment_disagrees
    significant = [g for g in gap.items if g.significant]
    assert {g.question for g in significant} == {q.id for q in ALIGNMENT_QUESTIONS}
    assert all(g.values == (management[g.question], marketing[g.question]) for g in significant)
    alignment = next(a for a in gap.areas if a.area == "alignment")
    assert alignment.scores == (100, 0) and alignment.gap == 100 and alignment.agreement == 0.0
    others = [a for a in gap.areas if a.area != "alignment" and a.items]
    assert others and all(a.gap == 0 for a in others)
    assert 0 < len(gap.largest) <= LARGEST
    assert [g.gap for g in gap.largest] == sorted((g.gap for g in gap.largest), reverse=True)


def test_the_largest_gaps_are_at_most_five_and_the_largest_first():
    gap = perception_gap(verdict(make_answers(3)), verdict(make_answers(0)), QN)
    assert len(gap.largest) == LARGEST < len(gap.items)
    assert all(g.gap == 3 for g in gap.largest)
    positions = [QN.position[g.question] for g in gap.largest]
    assert positions == sorted(positions)  # ties in bank order


def test_dont_know_is_to_verify_and_never_a_gap():
    q = next(q for q in QN.scored_questions if dont_know_option(q))
    gap = perception_gap(verdict(make_answers(3)), verdict(make_answers(3, **{q.id: dont_know_option(q)})), QN)
    assert q.id in gap.to_verify
    assert q.id not in {g.question for g in gap.items}


def test_a_question_one_side_skipped_is_not_compared():
    q = QN.scored_questions[0]
    gap = perception_gap(verdict(make_answers(3)), verdict(make_answers(0, **{q.id: None})), QN)
    assert q.id in gap.not_comparable and q.id not in {g.question for g in gap.items}


def old_round(answers: dict, **changes):
    """A verdict as an earlier questionnaire version kept it: answers the current bank cannot read."""
    v = verdict(answers)
    return dataclasses.replace(v, questionnaire_version="2025.01+old", answers={**v.answers, **changes})


def test_answers_the_current_bank_no_longer_reads_are_marked_not_compared():
    q = QN.scored_questions[0]
    earlier = old_round(make_answers(1), **{q.id: "an_option_since_removed", "xx_dropped_question": "yes"})
    gap = perception_gap(earlier, verdict(make_answers(1)), QN)
    assert {q.id, "xx_dropped_question"} <= set(gap.not_comparable)
    t = trend(earlier, verdict(make_answers(3)), QN)
    assert not t.same_questionnaire
    changed = {c.question: c for c in t.items}
    assert not changed[q.id].comparable and changed[q.id].delta is None
    assert not changed["xx_dropped_question"].comparable
    assert all(c.comparable and c.delta == 2 for qid, c in changed.items() if qid in QN.by_id and qid != q.id)


def test_a_round_that_improved_shows_deltas_and_resolved_pitfalls():
    before, after = verdict(make_answers(0)), verdict(make_answers(3))
    t = trend(before, after, QN)
    assert all(c.delta is not None and c.delta > 0 for c in t.areas)
    assert t.overall.delta == after.overall - before.overall > 0
    assert t.level == (before.level, after.level)
    resolved = t.pitfalls_by_status("resolved")
    assert resolved and set(resolved) == {p.id for p in before.pitfalls} - {p.id for p in after.pitfalls}
    assert set(t.pitfalls_by_status("new")) == {p.id for p in after.pitfalls} - {p.id for p in before.pitfalls}
    assert t.most_improved is not None and t.most_declined is None
    assert t.same_questionnaire


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_an_unchanged_round_shows_no_change(level):
    t = trend(verdict(make_answers(level)), verdict(make_answers(level)), QN)
    assert t.items == () and all(c.delta == 0 for c in t.areas)
    assert t.pitfalls_by_status("resolved") == t.pitfalls_by_status("new") == ()
    assert t.most_improved is None and t.most_declined is None


def test_an_answer_to_the_retired_st_target_value_compares_as_st_target_use():
    """Stored before 2026.12.2: the old item's answer is read as the new one's (questions/retired.yaml)."""
    earlier = make_answers(2)
    earlier["st_target_value"] = "none"
    del earlier["st_target_use"]
    old = dataclasses.replace(verdict(make_answers(2)), answers=earlier)
    new = verdict(make_answers(2, st_target_use="every_brief"))
    gap = perception_gap(old, new, QN)
    item = next(g for g in gap.items if g.question == "st_target_use")
    assert (item.values, item.scores, item.gap) == (("none", "every_brief"), (0, 3), 3)
    assert "st_target_value" not in gap.not_comparable and "st_target_use" not in gap.not_comparable
    change = next(c for c in trend(old, new, QN).items if c.question == "st_target_use")
    assert (change.before, change.after, change.delta) == ("none", "every_brief", 3)
    assert "st_target_value" not in {c.question for c in trend(old, new, QN).items}
