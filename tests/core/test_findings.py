"""Each pitfall fires on its combinations and not on a single signal; severities are earned;
counter-evidence lowers or suppresses; evidence, flags and action ordering."""

from __future__ import annotations

import pytest

from assessment import evaluate
from assessment.diagnose.pipeline import diagnose

REACH = ["followers", "impressions", "pageviews"]


def pitfall_ids(d):
    return {p.id for p in d.pitfalls}


def severity(d, pid):
    return next(p.severity for p in d.pitfalls if p.id == pid)


def rules_of(d, pid):
    return {e.rule for p in d.pitfalls if p.id == pid for e in p.evidence}


# Every pitfall rule with a combination that must fire it (on an otherwise mature company), the severity it
# earns and the rule the evidence names. A mature company measures revenue by channel against KPIs derived
# from the goal (a counter to vanity metrics) and decides with management (a counter to silo), so those
# cases take the counter away where it would hide the rule under test.
MUST_FIRE = [
    ("silo_goals_apart", {"al_goal_agreement": "self_set", "al_shared_language": "different"}, "medium"),
    (
        "silo_goals_apart",
        {
            "al_goal_agreement": "no_goal",
            "al_shared_language": "different",
            "rc_joint_meeting": "regular_reporting_only",
        },
        "high",
    ),
    (
        "silo_language_apart",
        {"al_shared_language": "different", "rc_joint_meeting": "regular_reporting_only"},
        "medium",
    ),
    ("silo_language_apart", {"al_shared_language": "different", "al_goal_agreement": "top_down"}, "low"),
    (
        "silo_reports_to_sales_apart",
        {"pf_reports_to": "sales_head", "al_shared_language": "different", "rc_joint_meeting": "when_problems"},
        "high",
    ),
    ("silo_reports_to_sales", {"pf_reports_to": "sales_head", "al_shared_language": "vague"}, "low"),
    (
        "silo_reports_to_sales",
        {
            "pf_reports_to": "sales_head",
            "al_contribution_view": "cost_center",
            "rc_joint_meeting": "regular_reporting_only",
        },
        "medium",
    ),
    ("silo_seen_as_cost", {"al_contribution_view": "cost_center", "rc_joint_meeting": "none"}, "medium"),
    ("silo_seen_as_cost", {"al_contribution_view": "activity_volume", "al_budget_basis": "sales_ratio"}, "low"),
    (
        "vanity_reach_reported",
        {"gl_reported_metrics": ["followers"], "kd_kpi_origin": "linked_not_derived"},
        "medium",
    ),
    (
        "vanity_reach_not_measured",
        {"gl_reported_metrics": REACH, "gl_contribution_known": "rough_guess", "kd_kpi_origin": "linked_not_derived"},
        "high",
    ),
    (
        "vanity_reach_without_tree",
        {
            "gl_reported_metrics": ["pageviews", "leads"],
            "kd_tree": "unconnected_list",
            "kd_kpi_origin": "linked_not_derived",
        },
        "medium",
    ),
    ("vanity_activity_kpis", {"kd_kpi_origin": "activity_counts", "gl_contribution_known": "not_measured"}, "medium"),
    ("vanity_reach_kpis", {"kd_kpi_origin": "reach_counts", "gl_contribution_known": "rough_guess"}, "medium"),
    (
        "short_campaigns_without_design",
        {"st_campaign_origin": "repeated_calendar", "st_target_use": "exists_unused", "st_effort_mix": "balanced"},
        "medium",  # a written playbook (rc_scale_success) and half the effort on assets lower it
    ),
    (
        "short_campaigns_without_design",
        {
            "st_campaign_origin": "repeated_calendar",
            "st_target_use": "exists_unused",
            "st_effort_mix": "mostly_oneoff",
        },
        "high",
    ),
    (
        "short_nothing_repeatable",
        {"st_effort_mix": "almost_all_oneoff", "rc_scale_success": "known_informally"},
        "medium",
    ),
    (
        "scattered_no_customer_insight",
        {"st_customer_research": "over_two_years", "gl_activity_link": "some"},
        "high",
    ),
    (
        "scattered_no_differentiation",
        {"st_differentiation": "internal_view", "st_channel_design": "habit"},
        "medium",
    ),
    ("scattered_plan_unused", {"gl_strategy_input": "no_plan", "gl_activity_link": "mostly_not"}, "medium"),
    ("scattered_no_target", {"st_target_use": "none", "gl_activity_link": "some"}, "medium"),
    ("review_rare_and_tactical", {"rc_frequency": "yearly_or_half", "rc_when_lagging": "tweak_creative"}, "high"),
    ("review_success_not_scaled", {"rc_scale_success": "unnoticed", "rc_qualitative": "anecdotes"}, "medium"),
]


@pytest.mark.parametrize(
    "rule, answers, expected", MUST_FIRE, ids=[f"{r}-{i}" for i, (r, _, _) in enumerate(MUST_FIRE)]
)
def test_each_rule_fires_on_its_combination(make_answers, rulebook, rule, answers, expected):
    pitfall = next(r.target for r in rulebook.rules if r.id == rule)
    d = evaluate(make_answers(3, **answers))
    assert pitfall_ids(d) == {pitfall}
    assert rule in rules_of(d, pitfall)
    assert severity(d, pitfall) == expected


def test_every_pitfall_rule_has_a_case_that_fires_it(rulebook):
    assert {r.id for r in rulebook.rules if r.effect == "pitfall"} == {rule for rule, _, _ in MUST_FIRE}


@pytest.mark.parametrize(
    "single",
    [
        {"al_goal_agreement": "self_set"},
        {"al_shared_language": "different"},
        {"al_contribution_view": "cost_center"},
        {"pf_reports_to": "sales_head"},
        {"gl_reported_metrics": ["followers", "leads", "deals", "revenue"]},
        {"kd_kpi_origin": "activity_counts"},
        {"kd_kpi_origin": "reach_counts"},
        {"st_campaign_origin": "reaction_ad_hoc"},
        {"st_effort_mix": "almost_all_oneoff"},
        {"st_customer_research": "never"},
        {"st_differentiation": "not_defined"},
        {"gl_strategy_input": "no_plan"},
        {"rc_frequency": "none_or_ad_hoc"},
        {"rc_scale_success": "unnoticed"},
    ],
)
def test_a_single_weak_answer_fires_no_pitfall(make_answers, single):
    assert pitfall_ids(evaluate(make_answers(3, **single))) == set()


@pytest.mark.parametrize(
    "answers",
    [
        # vague answers on both sides are no conflict: no "different goals"
        {"al_goal_agreement": "verbal_only", "al_shared_language": "vague"},
        # KPIs not set at all is a KPI-design gap, not chasing the wrong numbers
        {"kd_kpi_origin": "none", "gl_contribution_known": "not_measured"},
        # reach reported beside two business results
        {"gl_reported_metrics": [*REACH, "leads", "revenue"], "kd_tree": "unconnected_list"},
        # a written (if untested) differentiation with mapped touchpoints
        {"st_differentiation": "written_not_tested", "st_channel_design": "list_only"},
        # reviews quarterly, tweaking creative only: not "rare"
        {"rc_frequency": "quarterly", "rc_when_lagging": "tweak_creative"},
    ],
)
def test_combinations_that_must_not_fire(make_answers, answers):
    assert pitfall_ids(evaluate(make_answers(3, **answers))) == set()


def test_unanswered_questions_fire_nothing(make_answers):
    # Half a silo signal, the other half unanswered: no pitfall.
    d = evaluate(make_answers(3, al_goal_agreement="self_set", al_shared_language=None))
    assert pitfall_ids(d) == set()


# ---------------------------------------------------------------- severity earned


def test_one_answer_alone_never_gives_a_high_severity():
    d = evaluate({"gl_reported_metrics": ["followers"]})
    assert [(p.id, p.severity) for p in d.pitfalls] == [("vanity_metrics", "medium")]


def test_dont_know_is_never_proof_of_a_high_severity(make_answers):
    known = evaluate(make_answers(3, rc_frequency="yearly_or_half", rc_when_lagging="nothing_or_more_of_same"), "en")
    unknown = evaluate(make_answers(3, rc_frequency="dont_know", rc_when_lagging="nothing_or_more_of_same"), "en")
    assert severity(known, "no_review_cycle") == "high"
    (p,) = unknown.pitfalls
    assert (p.severity, p.base_severity, p.offsets) == ("medium", "high", ())
    ev = {e.question: e for e in p.evidence}
    assert ev["rc_frequency"].to_verify and not ev["rc_when_lagging"].to_verify
    assert "does not know" in ev["rc_frequency"].why  # its own reason, not "results are reviewed twice a year"
    # and it is listed as a question to verify with the client
    (to_verify,) = [f for f in unknown.flags if f.kind == "dont_know"]
    assert [e.question for e in to_verify.evidence] == ["rc_frequency"]


def test_a_known_answer_beside_a_dont_know_keeps_a_high_severity(make_answers):
    # two rules fire: one on the "don't know" (capped at medium), one on known answers (high)
    d = diagnose(
        make_answers(
            3,
            gl_reported_metrics=["followers"],
            gl_contribution_known="dont_know",
            kd_kpi_origin="linked_not_derived",
            st_customer_research="dont_know",
            gl_activity_link="some",
        )
    )
    assert {p.id: p.severity for p in d.pitfalls} == {"vanity_metrics": "medium", "scattered_activity": "medium"}
    d = diagnose(
        make_answers(3, st_campaign_origin="reaction_ad_hoc", st_target_use="none", st_effort_mix="mostly_oneoff")
    )
    assert {p.id: p.severity for p in d.pitfalls} == {"short_termism": "high"}


# ---------------------------------------------------------------- counter-evidence


def test_a_president_who_runs_marketing_has_nobody_to_be_divided_from(make_answers):
    silo = dict(al_goal_agreement="self_set", al_shared_language="different", rc_joint_meeting="none")
    assert "silo" in pitfall_ids(evaluate(make_answers(3, **silo)))
    d = evaluate(make_answers(3, pf_cmo="president_runs", **silo), "en")
    assert "silo" not in pitfall_ids(d)
    (cleared,) = d.cleared
    assert cleared.id == "silo" and {e.question for e in cleared.evidence} >= {"al_goal_agreement"}
    assert [(e.question, e.value) for e in cleared.offsets] == [("pf_cmo", "president_runs")]
    assert "president runs marketing" in cleared.offsets[0].why


def test_deciding_with_management_lowers_silo_and_says_so(make_answers):
    d = evaluate(make_answers(3, al_contribution_view="cost_center", al_budget_basis="last_year_or_leftover"), "en")
    (p,) = d.pitfalls
    assert (p.id, p.severity, p.base_severity) == ("silo", "low", "medium")
    assert [e.question for e in p.offsets] == ["rc_joint_meeting"]


def test_a_brand_company_is_not_judged_by_the_reach_rules(make_answers):
    reach = dict(gl_reported_metrics=REACH, gl_contribution_known="not_measured", kd_kpi_origin="reach_counts")
    assert severity(evaluate(make_answers(3, **reach)), "vanity_metrics") == "high"
    d = evaluate(make_answers(3, pf_primary_goal="brand", **reach))
    assert "vanity_metrics" not in pitfall_ids(d)
    assert [p.id for p in d.cleared] == ["vanity_metrics"]
    # activity counts as KPIs are not a brand metric: that rule still applies to a brand company
    d = evaluate(
        make_answers(3, pf_primary_goal="brand", kd_kpi_origin="activity_counts", gl_contribution_known="rough_guess")
    )
    assert rules_of(d, "vanity_metrics") == {"vanity_activity_kpis"}
    assert [e.question for p in d.pitfalls for e in p.offsets] == []


def test_measuring_revenue_by_channel_against_derived_kpis_clears_reported_followers(make_answers):
    answers = make_answers(
        3,
        gl_reported_metrics=["followers"],
        gl_contribution_known="measured_by_channel",
        kd_kpi_origin="derived_from_goal",
    )
    d = evaluate(answers)
    assert pitfall_ids(d) == set()
    (cleared,) = d.cleared
    assert cleared.id == "vanity_metrics"
    assert {e.question for e in cleared.offsets} == {"gl_contribution_known", "kd_kpi_origin"}


def test_a_written_playbook_and_lasting_assets_lower_short_termism(make_answers):
    campaigns = dict(st_campaign_origin="reaction_ad_hoc", st_target_use="exists_unused")
    d = evaluate(make_answers(3, rc_scale_success="reproduced_and_scaled", st_effort_mix="mostly_assets", **campaigns))
    (p,) = d.pitfalls
    assert (p.id, p.severity, p.base_severity) == ("short_termism", "medium", "high")
    assert {e.question for e in p.offsets} == {"rc_scale_success", "st_effort_mix"}
    assert "型が残りません" not in p.summary


# ---------------------------------------------------------------- evidence


def test_evidence_names_questions_answers_and_why(make_answers):
    d = evaluate(make_answers(3, al_goal_agreement="self_set", al_shared_language="different"), locale="en")
    (silo,) = d.pitfalls
    assert [e.question for e in silo.evidence] == ["al_goal_agreement", "al_shared_language"]
    assert silo.evidence[0].answer == "Marketing sets them on its own"
    assert silo.evidence[0].why == "There is no agreement between management and marketing on this term's goals."
    assert "different answers" in silo.evidence[1].why
    assert silo.evidence[0].value == "self_set"


def test_each_answer_gets_the_reason_of_the_condition_it_met(make_answers):
    # one rule, two alternatives: "same activity continues" and "creative tweaked" have their own reasons
    same = evaluate(make_answers(3, rc_frequency="yearly_or_half", rc_when_lagging="nothing_or_more_of_same"), "ja")
    tweak = evaluate(make_answers(3, rc_frequency="yearly_or_half", rc_when_lagging="tweak_creative"), "ja")
    same_why, tweak_why = (
        next(e.why for e in d.pitfalls[0].evidence if e.question == "rc_when_lagging") for d in (same, tweak)
    )
    assert "表現や配信設定" not in same_why and "同じ施策" in same_why
    assert "表現や配信設定" in tweak_why


def test_a_summary_says_only_what_was_answered(make_answers):
    d = evaluate(make_answers(3, gl_reported_metrics=["followers"], kd_kpi_origin="linked_not_derived"), "en")
    (p,) = d.pitfalls
    assert "followers" in p.summary.lower()
    assert "page views" not in p.summary.lower() and "impressions" not in p.summary.lower()
    assert p.description  # the general definition stays available


def test_evidence_is_in_the_diagnosis_locale(make_answers):
    answers = make_answers(3, al_goal_agreement="self_set", al_shared_language="different")
    ja, en = evaluate(answers, "ja"), evaluate(answers, "en")
    assert ja.pitfalls[0].title == "経営とマーケティングの分断"
    assert en.pitfalls[0].title == "Management and marketing are divided"
    assert ja.pitfalls[0].evidence[0].answer != en.pitfalls[0].evidence[0].answer
    assert ja.pitfalls[0].evidence[0].why != en.pitfalls[0].evidence[0].why


def test_any_branch_gives_evidence_only_for_what_matched(make_answers):
    d = evaluate(make_answers(3, al_contribution_view="cost_center", rc_joint_meeting="none"))
    (silo,) = d.pitfalls
    assert {e.question for e in silo.evidence} == {"al_contribution_view", "rc_joint_meeting"}


def test_pitfall_severity_is_the_highest_of_its_rules(make_answers):
    d = evaluate(
        make_answers(
            3,
            al_goal_agreement="self_set",
            al_shared_language="different",
            al_contribution_view="cost_center",
            rc_joint_meeting="none",
        )
    )
    (silo,) = d.pitfalls
    assert silo.severity == "high"
    assert len(silo.evidence) == 4


def test_at_most_three_pitfalls_are_headlined_most_severe_first(make_answers):
    d = evaluate(make_answers(0, kd_kpi_origin="activity_counts"))
    assert len(d.pitfalls) == 5
    assert [p.headline for p in d.pitfalls] == [True, True, True, False, False]
    sev = {"high": 3, "medium": 2, "low": 1}
    assert [sev[p.severity] for p in d.pitfalls] == sorted((sev[p.severity] for p in d.pitfalls), reverse=True)


# ---------------------------------------------------------------- steps


def test_the_first_step_is_the_main_remedy_of_the_worst_pitfall(make_answers, rulebook):
    # Severe vanity metrics in a weak KPI area; a medium short-termism signal.
    d = evaluate(
        make_answers(
            3,
            gl_reported_metrics=REACH,
            kd_kpi_origin="activity_counts",
            kd_tree="none",
            gl_contribution_known="not_measured",
            rc_scale_success="known_informally",
            st_effort_mix="mostly_oneoff",
        )
    )
    assert d.pitfalls[0].id == "vanity_metrics"
    assert d.actions[0].id == rulebook.catalog.pitfalls["vanity_metrics"].addressed_by[0] == "kpi_roadmap"
    assert d.actions[0].priority == 1 and "vanity_metrics" in d.actions[0].because
    assert [a.priority for a in d.actions] == list(range(1, len(d.actions) + 1))
    assert d.actions[0].tasks and all(t.days in (30, 90, 180) for t in d.actions[0].tasks)


def test_a_secondary_remedy_never_outranks_the_worst_pitfalls_main_one(make_answers):
    # silo (high) and no_review_cycle (medium) both name improvement_cycle, silo as its second remedy;
    # the sum of half and full shares once put improvement_cycle first: silo's main remedy comes first
    d = evaluate(
        make_answers(
            3,
            al_goal_agreement="no_goal",
            al_shared_language="different",
            rc_joint_meeting="none",
            rc_scale_success="unnoticed",
            rc_qualitative="none",
        )
    )
    assert d.pitfalls[0].id == "silo" and d.actions[0].id == "connect_strategy"


def test_no_step_for_a_strong_area_unless_a_pitfall_names_it(make_answers):
    # a roadmap with two fields fires act_kpi_weak, but the KPI area is at 87: no step for it beside silo's
    d = evaluate(
        make_answers(
            3, kd_roadmap_fields=["owner", "deadline"], al_goal_agreement="self_set", al_shared_language="different"
        )
    )
    assert d.scores["kpi_design"] is not None and d.scores["kpi_design"] >= 80
    assert [a.id for a in d.actions] == ["connect_strategy", "improvement_cycle"]  # silo's remedies
    # alone, it is the company's weakest lever: the one step recommended
    d = evaluate(make_answers(3, kd_roadmap_fields=["owner", "deadline"]))
    assert [(a.id, a.areas) for a in d.actions] == [("kpi_roadmap", ("kpi_design",))]


def test_action_rule_alone_recommends_a_step_for_a_weak_area(make_answers):
    d = evaluate(make_answers(3, **{q: v for q, v in make_answers(1).items() if q.startswith("kd_")}))
    assert pitfall_ids(d) == set()
    assert [a.id for a in d.actions] == ["kpi_roadmap"]
    assert d.actions[0].because == () and d.actions[0].areas == ("kpi_design",)


def test_a_mature_company_still_gets_its_weakest_lever(make_answers):
    d = evaluate(make_answers(3, rc_qualitative="collected_regularly"))
    assert d.pitfalls == ()
    (step,) = d.actions
    assert (step.id, step.areas, step.because) == ("improvement_cycle", ("review_cadence",), ())


# ---------------------------------------------------------------- flags


def test_frequent_review_without_kpi_is_flagged_beside_the_review_score(make_answers):
    d = evaluate(make_answers(3, rc_frequency="monthly_or_more", kd_kpi_origin="none"), locale="en")
    flags = {f.id: f for f in d.flags}
    assert "overclaim_review" in flags
    assert {e.question for e in flags["overclaim_review"].evidence} == {"rc_frequency", "kd_kpi_origin"}
    assert flags["overclaim_review"].area == "review_cadence"


@pytest.mark.parametrize(
    "flag, area, answers",
    [
        ("overclaim_alignment", "alignment", {"gl_contribution_known": "not_measured"}),
        ("overclaim_kpi_tree", "kpi_design", {"kd_measured_metrics": ["visits", "leads"]}),
        ("overclaim_kpi_tree", "kpi_design", {"kd_roadmap_fields": ["none"]}),
        ("overclaim_qualitative", "review_cadence", {"kd_kpi_origin": "none", "rc_frequency": "yearly_or_half"}),
        ("overclaim_meeting", "review_cadence", {"al_goal_agreement": "no_goal"}),
    ],
)
def test_each_claim_a_respondent_can_overstate_is_checked(make_answers, flag, area, answers):
    d = evaluate(make_answers(3, **answers))
    assert flag in [f.id for f in d.flags]
    assert next(f.area for f in d.flags if f.id == flag) == area


def test_consistent_claims_raise_no_flag(make_answers):
    assert evaluate(make_answers(3)).flags == ()


def test_dont_know_answers_are_a_finding_of_their_own(make_answers):
    d = evaluate(make_answers(3, kd_cac_known="dont_know", rc_frequency="dont_know"))
    (flag,) = [f for f in d.flags if f.kind == "dont_know"]
    assert [e.question for e in flag.evidence] == ["kd_cac_known", "rc_frequency"]
    assert flag.severity == "medium"
    kpi_design = d.scores["kpi_design"]
    assert kpi_design is not None and kpi_design < 100


def test_small_company_gets_the_small_team_advice(make_answers):
    small = evaluate(make_answers(1, pf_company_size="s1_29"))
    large = evaluate(make_answers(1, pf_company_size="s1000_plus"))
    assert small.small_company and len(small.advice) >= 3
    assert not large.small_company and large.advice == ()


def test_the_advice_speaks_only_to_the_weak_areas(make_answers, rulebook):
    # every area at 67: sound enough that no tip is owed, though the company is small
    sound = evaluate(make_answers(2, pf_company_size="s1_29"))
    assert sound.small_company and sound.advice == ()
    # only the KPI design weak: the KPI tip, and no other
    kpi_weak = evaluate(
        make_answers(2, pf_company_size="s1_29", kd_kpi_origin="none", kd_tree="none", kd_cac_known="not_calculated")
    )
    assert (kpi_weak.scores["kpi_design"] or 0) < 67
    kpi_tip = next(t for t in rulebook.catalog.small_company_advice if "KPI" in t.text["ja"])
    assert kpi_weak.advice == (kpi_tip.text["ja"],)


@pytest.mark.parametrize(
    "industry, size, small",
    [
        ("manufacturing", "s101_300", True),  # 中小企業基本法: manufacturing up to 300
        ("manufacturing", "s301_999", False),
        ("wholesale", "s51_100", True),  # wholesale up to 100
        ("wholesale", "s101_300", False),
        ("b2b_services", "s51_100", True),  # services up to 100
        ("b2c_services", "s101_300", False),
        ("retail_ec", "s30_50", True),  # retail up to 50
        ("retail_ec", "s51_100", False),
        ("it_software", "s101_300", True),
        (None, "s30_50", True),  # no industry: small in every industry
        (None, "s51_100", False),
        ("manufacturing", "s1000_plus", False),
    ],
)
def test_a_small_company_is_one_by_its_industrys_line(make_answers, industry, size, small):
    d = evaluate(make_answers(1, pf_industry=industry, pf_company_size=size))
    assert d.small_company is small and bool(d.advice) is small
