"""Answer validation, scoring arithmetic and the level cap."""

from __future__ import annotations

import pytest

from assessment import AnswerError, evaluate
from assessment.bank.questionnaire import QUESTION_TYPES
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.scoring import score


@pytest.mark.parametrize(
    "answers, question, message",
    [
        ({"zz_nope": "x"}, "zz_nope", "unknown question id"),
        ({"al_goal_agreement": "always"}, "al_goal_agreement", "'always' is not an option"),
        ({"al_goal_agreement": ["self_set"]}, "al_goal_agreement", "expected one option value, got list"),
        ({"al_goal_agreement": 3}, "al_goal_agreement", "expected one option value, got int"),
        ({"kd_roadmap_fields": "owner"}, "kd_roadmap_fields", "expected a list of option values, got str"),
        ({"kd_roadmap_fields": ["owner", "mascot"]}, "kd_roadmap_fields", "'mascot' not offered"),
        ({"kd_roadmap_fields": ["owner", "mascot", 1]}, "kd_roadmap_fields", "'mascot', 1 not offered"),
        ({"kd_roadmap_fields": ["owner", "owner"]}, "kd_roadmap_fields", "ticked twice"),
        ({"pf_company_size": "huge"}, "pf_company_size", "'huge' is not an option"),
    ],
)
def test_bad_answers_name_the_question(questionnaire, answers, question, message):
    with pytest.raises(AnswerError) as exc:
        validate_answers(answers, questionnaire)
    assert message in exc.value.problems[question]


def test_every_bad_answer_is_reported_at_once(questionnaire):
    with pytest.raises(AnswerError) as exc:
        validate_answers({"zz": 1, "al_goal_agreement": "x", "kd_tree": ["none"]}, questionnaire)
    assert set(exc.value.problems) == {"zz", "al_goal_agreement", "kd_tree"}


def test_answers_must_be_a_mapping(questionnaire):
    with pytest.raises(AnswerError, match="expected a mapping"):
        validate_answers(["al_goal_agreement"], questionnaire)


def test_area_score_is_mean_item_score_over_three(questionnaire, make_answers):
    answers = make_answers(
        0,
        al_goal_agreement="written_reviewed_quarterly",
        al_shared_language="same_direction",
        al_contribution_view="activity_volume",
        al_budget_basis="last_year_or_leftover",
    )
    s = score(validate_answers(answers, questionnaire), questionnaire)
    assert [
        s.items[q] for q in ("al_goal_agreement", "al_shared_language", "al_contribution_view", "al_budget_basis")
    ] == [3, 2, 1, 0]
    assert s.areas["alignment"] == 50  # (3+2+1+0)/4/3*100
    assert s.areas["kpi_design"] == 0


def test_overall_is_mean_of_areas_rounded_half_up(questionnaire, make_answers):
    # alignment 3,3,3,2 -> 91.67; everything else 2 -> 66.67; mean 71.67 -> 72
    answers = make_answers(
        2,
        al_goal_agreement="written_reviewed_quarterly",
        al_shared_language="same_sentence_and_numbers",
        al_contribution_view="quantified_contribution",
    )
    s = score(validate_answers(answers, questionnaire), questionnaire)
    assert s.areas["alignment"] == 92 and s.areas["goal_linkage"] == 67
    assert s.overall == 72


def test_checklist_scores_by_counting_options_only(questionnaire):
    q = questionnaire.by_id["gl_reported_metrics"]  # thresholds [1, 2, 4]; reach metrics do not count
    vals = validate_answers({"gl_reported_metrics": ["followers", "impressions", "pageviews"]}, questionnaire)
    assert score(vals, questionnaire).items[q.id] == 0
    vals = validate_answers({"gl_reported_metrics": ["followers", "leads", "deals"]}, questionnaire)
    assert score(vals, questionnaire).items[q.id] == 2
    vals = validate_answers({"gl_reported_metrics": []}, questionnaire)
    assert score(vals, questionnaire).items[q.id] == 0


def test_dont_know_scores_zero(questionnaire):
    vals = validate_answers({"rc_frequency": "dont_know"}, questionnaire)
    assert score(vals, questionnaire).items["rc_frequency"] == 0


@pytest.mark.parametrize("base, level", [(0, 1), (1, 2), (2, 4), (3, 5)])
def test_uniform_answers_reach_the_expected_level(make_answers, base, level):
    d = evaluate(make_answers(base))
    assert d.level is not None and d.level.number == level


def test_level_is_capped_at_weakest_area_plus_one(make_answers):
    # Everything excellent except the review cycle, which is absent.
    answers = make_answers(
        3,
        rc_frequency="none_or_ad_hoc",
        rc_when_lagging="nothing_or_more_of_same",
        rc_scale_success="unnoticed",
        rc_joint_meeting="none",
        rc_qualitative="none",
    )
    d = evaluate(answers)
    assert d.scores["review_cadence"] == 0
    assert d.overall == 80  # uncapped this would be level 5
    assert d.level is not None and d.level.number == 2


def test_unanswered_items_are_listed_not_counted_as_zero(make_answers):
    full = evaluate(make_answers(3))
    partial = evaluate(make_answers(3, al_budget_basis=None, rc_qualitative=None))
    assert partial.unanswered == ("al_budget_basis", "rc_qualitative")
    assert partial.scores == full.scores  # the missing items do not drag scores down
    assert not partial.complete and full.complete


def test_blank_answer_counts_as_unanswered(make_answers):
    d = evaluate(make_answers(2, al_budget_basis=""))
    assert "al_budget_basis" in d.unanswered


def test_an_area_with_no_answers_has_no_score(questionnaire):
    d = evaluate({"al_goal_agreement": "written_annual"})
    assert d.scores["alignment"] == 67
    assert d.scores["kpi_design"] is None
    # one area of five says nothing about the company as a whole
    assert d.overall is None and d.level is None
    assert d.missing_areas == ("goal_linkage", "short_termism", "kpi_design", "review_cadence")


def test_four_areas_answered_give_a_level_five_missing_names_none(make_answers):
    four = evaluate(make_answers(2, **{q: None for q in make_answers(2) if q.startswith("rc_")}))
    assert four.missing_areas == ("review_cadence",) and four.level is not None and four.overall == 67
    three = evaluate(make_answers(2, **{q: None for q in make_answers(2) if q.startswith(("rc_", "kd_"))}))
    assert three.missing_areas == ("kpi_design", "review_cadence")
    assert three.level is None and three.overall is None
    assert three.scores["alignment"] == 67  # the areas answered still show their scores


def test_the_level_names_the_weakest_area_when_it_caps_it(make_answers):
    # every area at 100 but review at 0: the overall alone is level 5, the weakest area holds it at 2
    d = evaluate(make_answers(3, **{q: v for q, v in make_answers(0).items() if q.startswith("rc_")}), "ja")
    assert d.level is not None and d.overall == 80
    assert (d.level.number, d.level.uncapped, d.level.capped_by) == (2, 5, "review_cadence")
    assert d.level.reason == "改善サイクルが最も弱いため、レベルは2までにとどまります（総合スコアだけならレベル5）。"
    assert d.to_dict()["level"]["capped_by"] == "review_cadence"
    mature = evaluate(make_answers(3))
    assert mature.level is not None and mature.level.capped_by is None and mature.level.reason == ""


def test_no_answers_at_all_is_a_valid_empty_diagnosis():
    d = evaluate({})
    assert d.overall is None and d.level is None and d.pitfalls == ()
    assert len(d.unanswered) == 24  # every scored question


def test_unknown_locale_is_rejected(make_answers):
    with pytest.raises(ValueError, match="unknown locale 'fr'"):
        evaluate(make_answers(), locale="fr")


@pytest.mark.parametrize(
    "question, raw",
    [
        ("al_goal_agreement", "self_set"),
        ("al_goal_agreement", "always"),
        ("al_goal_agreement", ["self_set"]),
        ("al_goal_agreement", 3),
        ("pf_company_size", "s101_300"),
        ("rc_frequency", "dont_know"),
        ("kd_roadmap_fields", ["budget", "owner"]),
        ("kd_roadmap_fields", []),
        ("kd_roadmap_fields", "owner"),
        ("kd_roadmap_fields", ["owner", "mascot"]),
        ("kd_roadmap_fields", ["owner", "owner"]),
        ("kd_roadmap_fields", ["owner", 3]),
        ("kd_roadmap_fields", [["owner"]]),
        ("kd_roadmap_fields", ("owner",)),
    ],
)
def test_a_question_type_reads_exactly_what_it_checks_as_valid(questionnaire, question, raw):
    q = questionnaire.by_id[question]
    kind = QUESTION_TYPES[q.type]
    assert (kind.read(q, raw) is None) == (kind.check(q, raw) is not None)


def test_single_answer_table_scores_like_the_question_types(questionnaire):
    table = questionnaire.single_answers
    expected = {
        q.id: {o.value: QUESTION_TYPES[q.type].item_score(q, o.value) for o in q.options}
        for q in questionnaire.questions
        if q.type != "checklist"
    }
    assert table == expected


def test_answers_are_kept_in_bank_order_whatever_order_they_come_in(questionnaire, make_answers):
    answers = make_answers(1, kd_roadmap_fields=["budget", "owner"])
    shuffled = dict(reversed(list(answers.items())))
    a, b = validate_answers(answers, questionnaire), validate_answers(shuffled, questionnaire)
    assert a == b and list(a.values) == list(b.values) == [q.id for q in questionnaire.questions]
    assert list(b.items) == [q.id for q in questionnaire.scored_questions]
    assert b.values["kd_roadmap_fields"] == ("owner", "budget")  # the question's order, not the ticking order


def test_level_for_is_the_highest_level_whose_minimum_is_reached(questionnaire):
    for s in [x / 2 for x in range(201)]:
        assert questionnaire.level_for(s) == [lv for lv in questionnaire.levels if s >= lv.min][-1]
