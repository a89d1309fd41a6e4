"""Each pitfall fires on its combinations and not on a single signal;
evidence, flags and action ordering."""

from __future__ import annotations

import pytest

from assessment import evaluate

REACH = ["followers", "impressions", "pageviews"]


def pitfall_ids(d):
    return {p.id for p in d.pitfalls}


@pytest.mark.parametrize(
    "pitfall, fires",
    [
        ("silo", {"al_goal_agreement": "self_set", "al_shared_language": "vague"}),
        ("silo", {"al_contribution_view": "cost_center", "rc_joint_meeting": "none"}),
        ("silo", {"al_contribution_view": "activity_volume", "al_budget_basis": "per_campaign_request"}),
        ("vanity_metrics", {"gl_reported_metrics": REACH}),
        ("vanity_metrics", {"kd_kpi_origin": "activity_counts", "gl_contribution_known": "dont_know"}),
        ("vanity_metrics", {"gl_reported_metrics": ["followers", "leads"], "kd_tree": "none"}),
        ("short_termism", {"st_campaign_origin": "reaction_ad_hoc", "st_target_value": "exists_unused"}),
        ("short_termism", {"st_learning": "informal", "st_effort_mix": "almost_all_oneoff"}),
        ("scattered_activity", {"st_market_analysis": "dont_know", "gl_activity_link": "some"}),
        ("scattered_activity", {"gl_written_goal": "in_heads", "gl_strategy_input": "not_accessed"}),
        ("no_review_cycle", {"rc_frequency": "yearly_or_half", "rc_when_lagging": "tweak_creative"}),
        ("no_review_cycle", {"rc_scale_success": "unnoticed", "rc_qualitative": "anecdotes"}),
    ],
)
def test_pitfall_fires_on_its_combination(make_answers, pitfall, fires):
    d = evaluate(make_answers(3, **fires))
    assert pitfall_ids(d) == {pitfall}


@pytest.mark.parametrize(
    "single",
    [
        {"al_goal_agreement": "self_set"},
        {"al_shared_language": "different"},
        {"al_contribution_view": "cost_center"},
        {"gl_reported_metrics": ["followers", "leads", "deals", "revenue"]},
        {"kd_kpi_origin": "activity_counts"},
        {"st_campaign_origin": "reaction_ad_hoc"},
        {"st_effort_mix": "almost_all_oneoff"},
        {"st_market_analysis": "never"},
        {"gl_written_goal": "none"},
        {"rc_frequency": "none_or_ad_hoc"},
        {"rc_scale_success": "unnoticed"},
    ],
)
def test_a_single_weak_answer_fires_no_pitfall(make_answers, single):
    assert pitfall_ids(evaluate(make_answers(3, **single))) == set()


def test_unanswered_questions_fire_nothing(make_answers):
    # Half a silo signal, the other half unanswered: no pitfall.
    d = evaluate(make_answers(3, al_goal_agreement="self_set", al_shared_language=None))
    assert pitfall_ids(d) == set()


def test_reach_metrics_alongside_business_ones_are_not_vanity(make_answers):
    d = evaluate(make_answers(3, gl_reported_metrics=[*REACH, "leads", "revenue"], kd_tree="unconnected_list"))
    assert "vanity_metrics" not in pitfall_ids(d)


def test_evidence_names_questions_answers_and_why(make_answers):
    d = evaluate(make_answers(3, al_goal_agreement="self_set", al_shared_language="vague"), locale="en")
    (silo,) = d.pitfalls
    assert [e.question for e in silo.evidence] == ["al_goal_agreement", "al_shared_language"]
    assert silo.evidence[0].answer == "Marketing sets them on its own"
    assert "agreed in writing" in silo.evidence[0].why
    assert silo.evidence[0].value == "self_set"
    assert silo.severity == "high"


def test_evidence_is_in_the_diagnosis_locale(make_answers):
    answers = make_answers(3, al_goal_agreement="self_set", al_shared_language="vague")
    ja, en = evaluate(answers, "ja"), evaluate(answers, "en")
    assert ja.pitfalls[0].title == "経営とマーケティングの分断"
    assert en.pitfalls[0].title == "Management and marketing are divided"
    assert ja.pitfalls[0].evidence[0].answer != en.pitfalls[0].evidence[0].answer


def test_any_branch_gives_evidence_only_for_what_matched(make_answers):
    d = evaluate(make_answers(3, al_contribution_view="cost_center", rc_joint_meeting="none"))
    (silo,) = d.pitfalls
    assert {e.question for e in silo.evidence} == {"al_contribution_view", "rc_joint_meeting"}


def test_pitfall_severity_is_the_highest_of_its_rules(make_answers):
    d = evaluate(
        make_answers(
            3,
            al_goal_agreement="self_set",
            al_shared_language="vague",
            al_contribution_view="cost_center",
            rc_joint_meeting="none",
        )
    )
    (silo,) = d.pitfalls
    assert silo.severity == "high"
    assert len(silo.evidence) == 4


def test_at_most_three_pitfalls_are_headlined_most_severe_first(make_answers):
    d = evaluate(make_answers(0))
    assert len(d.pitfalls) == 5
    assert [p.headline for p in d.pitfalls] == [True, True, True, False, False]
    sev = {"high": 3, "medium": 2, "low": 1}
    assert [sev[p.severity] for p in d.pitfalls] == sorted((sev[p.severity] for p in d.pitfalls), reverse=True)


def test_steps_addressing_severe_pitfalls_in_weak_areas_come_first(make_answers):
    # Severe vanity metrics in a weak KPI area; a medium short-termism signal.
    d = evaluate(
        make_answers(
            3,
            gl_reported_metrics=REACH,
            kd_kpi_origin="activity_counts",
            kd_tree="none",
            gl_contribution_known="not_measured",
            st_learning="informal",
            st_effort_mix="mostly_oneoff",
        )
    )
    assert next(a.id for a in d.actions) == "kpi_roadmap"
    assert d.actions[0].priority == 1 and d.actions[0].because == ("vanity_metrics",)
    assert [a.priority for a in d.actions] == list(range(1, len(d.actions) + 1))
    assert d.actions[0].tasks and all(t.days in (30, 90, 180) for t in d.actions[0].tasks)


def test_action_rule_alone_recommends_a_step(make_answers):
    # A weak roadmap (few fields recorded) without any pitfall still gets step 3.
    d = evaluate(make_answers(3, kd_roadmap_fields=["owner"]))
    assert pitfall_ids(d) == set()
    assert [a.id for a in d.actions] == ["kpi_roadmap"]
    assert d.actions[0].because == ()


def test_mature_company_gets_no_actions(make_answers):
    assert evaluate(make_answers(3)).actions == ()


def test_frequent_review_without_kpi_is_flagged(make_answers):
    d = evaluate(make_answers(3, rc_frequency="monthly_or_more", kd_kpi_origin="none"), locale="en")
    flags = {f.id: f for f in d.flags}
    assert "overclaim_review" in flags
    assert {e.question for e in flags["overclaim_review"].evidence} == {"rc_frequency", "kd_kpi_origin"}


def test_quantified_contribution_without_measurement_is_flagged(make_answers):
    d = evaluate(make_answers(3, gl_contribution_known="not_measured"))
    assert [f.id for f in d.flags] == ["overclaim_alignment"]


def test_dont_know_answers_are_a_finding_of_their_own(make_answers):
    d = evaluate(make_answers(3, kd_cac_known="dont_know", rc_frequency="dont_know"))
    (flag,) = [f for f in d.flags if f.kind == "dont_know"]
    assert [e.question for e in flag.evidence] == ["kd_cac_known", "rc_frequency"]
    assert flag.severity == "medium"
    kpi_design = d.scores["kpi_design"]
    assert kpi_design is not None and kpi_design < 100


def test_small_company_gets_the_small_team_advice(make_answers):
    small = evaluate(make_answers(2, pf_company_size="s1_29"))
    large = evaluate(make_answers(2, pf_company_size="s1000_plus"))
    assert small.small_company and len(small.advice) >= 3
    assert not large.small_company and large.advice == ()
