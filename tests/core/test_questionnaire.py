"""Loading and validating the question bank."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assessment import paths
from assessment.bank.questionnaire import AREA_IDS, load_questionnaire
from assessment.bank.types import QUESTION_TYPES, QuestionType
from assessment.bank.yamlio import DataError
from tests.core.yamledit import Whole, rewrite


def test_bank_has_four_to_six_scored_items_per_area(questionnaire):
    for area in AREA_IDS:
        assert 4 <= len(questionnaire.in_section(area)) <= 6
    assert 20 <= len(questionnaire.scored_questions) <= 25


def test_profile_covers_size_cmo_reporting_and_goal(questionnaire):
    ids = {q.id for q in questionnaire.in_section("profile")}
    assert {"pf_role", "pf_industry", "pf_company_size", "pf_cmo", "pf_reports_to", "pf_primary_goal"} <= ids
    goals = {o.value for o in questionnaire.by_id["pf_primary_goal"].options}
    assert goals == {"revenue", "new_customers", "repeat", "ltv", "brand", "profit", "undecided"}


def test_every_choice_item_is_scored_0_to_3_with_explanations(questionnaire):
    for q in questionnaire.scored_questions:
        for o in q.options:
            assert o.explain and o.explain["ja"] and o.explain["en"], (q.id, o.value)
        if q.type == "choice":
            # every score reachable; two states of a company may share one (no goal / goals set alone)
            assert {o.score for o in q.options if not o.dont_know} == {0, 1, 2, 3}


def test_dont_know_only_on_factual_items(questionnaire):
    with_dk = {q.id for q in questionnaire.questions if any(o.dont_know for o in q.options)}
    assert with_dk and all(questionnaire.by_id[qid].factual for qid in with_dk)


@pytest.fixture
def bank(tmp_path) -> Path:
    """A writable copy of the real question bank."""
    target = tmp_path / "questions"
    shutil.copytree(paths.QUESTIONS_DIR, target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


@pytest.mark.parametrize(
    "file, old, new, message",
    [
        (
            "kpi_design.yaml",
            "type: choice",
            "type: slider",
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': unknown type 'slider'",
        ),
        (
            "alignment.yaml",
            "id: al_shared_language",
            "id: al_goal_agreement",
            r"alignment.yaml:\d+: duplicate question id 'al_goal_agreement'",
        ),
        (
            "review_cadence.yaml",
            'en: "How often',
            'fr: "How often',
            r"review_cadence.yaml:\d+: question 'rc_frequency': 'text.en' translation is missing",
        ),
        (
            "alignment.yaml",
            "score: 2\n",
            "\n",
            r"alignment.yaml:\d+: question 'al_goal_agreement': options\[4\] 'written_annual': 'score' is missing",
        ),
        (
            "short_termism.yaml",
            "value: balanced",
            "value: Balanced!",
            r"short_termism.yaml:\d+: question 'st_effort_mix': options\[2\]: 'value' must be a lowercase id",
        ),
        ("alignment.yaml", "area: alignment", "area: alinement", r"alignment.yaml:\d+: 'area' must be 'alignment'"),
    ],
)
def test_broken_bank_names_file_line_question_and_key(bank, file, old, new, message):
    _edit(bank / file, old, new)
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def _question(doc: dict, qid: str) -> dict:
    return next(q for q in doc["questions"] if q["id"] == qid)


def _option(doc: dict, qid: str, value: str) -> dict:
    return next(o for o in _question(doc, qid)["options"] if o["value"] == value)


def _drop(q: dict, key: str) -> None:
    q["options"][0].pop(key, None)


@pytest.mark.parametrize(
    "file, change, message",
    [
        # the document and its top-level keys
        (
            "areas.yaml",
            lambda d: Whole([d]),
            r"areas.yaml:1: expected a mapping with 'version', 'areas', 'levels' and 'level_cap', got a list",
        ),
        (
            "kpi_design.yaml",
            lambda d: Whole("questions"),
            r"kpi_design.yaml: expected a mapping with a 'questions' list, got the text 'questions'",
        ),
        ("areas.yaml", lambda d: d.update(version=["2026.11"]), r"areas.yaml:\d+: 'version' must be text, got a list"),
        (
            "areas.yaml",
            lambda d: d.update(version=2026),
            r"areas.yaml:\d+: 'version' must be text, got the number 2026",
        ),
        ("profile.yaml", lambda d: d.update(area="profile"), r"profile.yaml:\d+: unknown key 'area'"),
        # areas and levels
        (
            "areas.yaml",
            lambda d: d["areas"].__setitem__(0, "alignment"),
            r"areas.yaml:\d+: areas\[0\] must be a mapping, got the text 'alignment'",
        ),
        (
            "areas.yaml",
            lambda d: d["areas"][0].update(id=["alignment"]),
            r"areas.yaml:\d+: areas\[0\]: unknown area id \['alignment'\]",
        ),
        (
            "areas.yaml",
            lambda d: d["areas"][1].update(colour="red"),
            r"areas.yaml:\d+: area 'goal_linkage': unknown key 'colour'",
        ),
        (
            "areas.yaml",
            lambda d: d["levels"].__setitem__(4, "top"),
            r"areas.yaml:\d+: levels\[4\] must be a mapping, got the text 'top'",
        ),
        ("areas.yaml", lambda d: d.update(levels=[]), r"areas.yaml:\d+: 'levels' is empty"),
        (
            "areas.yaml",
            lambda d: d.update(levels={"number": 1}),
            r"areas.yaml:\d+: 'levels' must be a list, got a mapping",
        ),
        (
            "areas.yaml",
            lambda d: d["levels"][0].update(number=True),
            r"areas.yaml:\d+: levels\[0\]: 'number' must be one of 1, 2, 3, 4, 5, got true/false",
        ),
        (
            "areas.yaml",
            lambda d: d["levels"][1].update(min="20"),
            r"areas.yaml:\d+: levels\[1\]: 'min' must be a number 0..100, got the text '20'",
        ),
        (
            "areas.yaml",
            lambda d: d["levels"][1].update(min=0),
            r"areas.yaml:\d+: 'levels' must be numbers 1..5 with rising 'min', starting at 0",
        ),
        # questions
        (
            "kpi_design.yaml",
            lambda d: d["questions"].__setitem__(0, ["kd_kpi_origin"]),
            r"kpi_design.yaml:\d+: questions\[0\] must be a mapping, got a list",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin").update(type=["choice"]),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': 'type' must be one of choice, checklist, profile, got a list",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_cac_known").update(factual="yes"),
            r"kpi_design.yaml:\d+: question 'kd_cac_known': 'factual' must be true or false, got the text 'yes'",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_roadmap_fields").update(thresholds=5),
            r"kpi_design.yaml:\d+: question 'kd_roadmap_fields': 'thresholds' must be three integers .*got the number 5",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_roadmap_fields").update(thresholds={"low": 1}),
            r"question 'kd_roadmap_fields': 'thresholds' must be three integers .*got a mapping",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_roadmap_fields").update(thresholds=[1, True, 5]),
            r"question 'kd_roadmap_fields': 'thresholds' must be three integers",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin").update(weight=2),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': unknown key 'weight'",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin").update(options={"none": 0}),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': 'options' must be a list, got a mapping",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin").update(options=[]),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': 'options' is empty",
        ),
        # options
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin")["options"].__setitem__(1, "activity_counts"),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': options\[1\] must be a mapping, got the text 'activity_counts'",
        ),
        (
            "kpi_design.yaml",
            lambda d: _option(d, "kd_kpi_origin", "none").update(score=True),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': options\[0\] 'none': 'score' must be an integer 0..3, got true/false",
        ),
        (
            "kpi_design.yaml",
            lambda d: _option(d, "kd_roadmap_fields", "owner").update(counts="yes"),
            r"question 'kd_roadmap_fields': options\[0\] 'owner': 'counts' must be true or false, got the text 'yes'",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_kpi_origin")["options"].append(dict(_option(d, "kd_kpi_origin", "none"))),
            r"kpi_design.yaml:\d+: question 'kd_kpi_origin': duplicate option value 'none' \(first at line \d+\)",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_cac_known")["options"].append(
                dict(_option(d, "kd_cac_known", "dont_know"), value="unsure")
            ),
            r"question 'kd_cac_known': at most one option may be dont_know",
        ),
        (
            "profile.yaml",
            lambda d: _option(d, "pf_industry", "other").update(small=True),
            r"question 'pf_industry': options\[8\]: unknown key 'small'",
        ),
        (
            "profile.yaml",
            lambda d: _option(d, "pf_industry", "other").update(sme_employees="many"),
            r"question 'pf_industry': options\[8\] 'other': 'sme_employees' must be a whole number of employees",
        ),
    ],
)
def test_malformed_entry_names_file_line_entry_and_key(bank, file, change, message):
    rewrite(bank / file, change)
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize(
    "file, change, message",
    [
        (
            "profile.yaml",
            lambda d: d["questions"].remove(_question(d, "pf_primary_goal")),
            r"profile.yaml:\d+: question 'pf_primary_goal' is missing \(used by the report's KPI tree\)",
        ),
        (
            "profile.yaml",
            lambda d: _option(d, "pf_primary_goal", "brand").update(value="branding"),
            r"profile.yaml:\d+: question 'pf_primary_goal': 'options' lack brand \(used by the report's KPI tree\)",
        ),
        (
            "kpi_design.yaml",
            lambda d: _question(d, "kd_measured_metrics")["options"].remove(_option(d, "kd_measured_metrics", "ltv")),
            r"kpi_design.yaml:\d+: question 'kd_measured_metrics': 'options' lack ltv \(used by the report's KPI tree\)",
        ),
        (
            "profile.yaml",
            lambda d: d["questions"].remove(_question(d, "pf_role")),
            r"profile.yaml:\d+: question 'pf_role' is missing \(used by the lead form\)",
        ),
        (
            "profile.yaml",
            lambda d: _drop(_question(d, "pf_company_size"), "employees_max"),
            r"profile.yaml:\d+: question 'pf_company_size': every option needs 'employees_max'",
        ),
        (
            "profile.yaml",
            lambda d: _drop(_question(d, "pf_industry"), "sme_employees"),
            r"profile.yaml:\d+: question 'pf_industry': every option needs 'sme_employees'",
        ),
    ],
)
def test_a_question_the_report_or_lead_form_reads_must_be_there_as_they_expect(bank, file, change, message):
    rewrite(bank / file, change)
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def test_a_file_that_is_not_utf8_names_file_and_line(bank):
    (bank / "profile.yaml").write_bytes(b"questions:\n  - id: pf_role\n    text: \xff\n")
    with pytest.raises(DataError, match=r"profile.yaml:3: not UTF-8 text"):
        load_questionnaire(bank)


def test_a_list_as_a_mapping_key_is_invalid_yaml_not_a_crash(bank):
    (bank / "profile.yaml").write_text("questions:\n  - ? [a, b]\n    : 1\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"profile.yaml:2: invalid YAML: a list cannot be a key"):
        load_questionnaire(bank)


def test_every_registered_question_type_has_the_protocol_shape():
    assert set(QUESTION_TYPES) == {"choice", "checklist", "profile"}
    assert all(isinstance(kind, QuestionType) for kind in QUESTION_TYPES.values())


def test_dont_know_on_a_non_factual_item_is_rejected(bank):
    text = (bank / "alignment.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    options:\n",
        "    options:\n      - value: dont_know\n        score: 0\n        dont_know: true\n"
        '        label: {ja: わからない, en: "Don\'t know"}\n        explain: {ja: 不明, en: Unknown}\n',
        1,
    )
    (bank / "alignment.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError, match="dont_know option is allowed only on factual questions"):
        load_questionnaire(bank)


def test_invalid_yaml_names_file_and_line(bank):
    (bank / "profile.yaml").write_text("questions:\n  - id: x\n   bad: [\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"profile.yaml:\d+: invalid YAML"):
        load_questionnaire(bank)


def test_all_problems_are_reported_together(bank):
    _edit(bank / "kpi_design.yaml", "type: choice", "type: slider")
    _edit(bank / "review_cadence.yaml", 'en: "How often', 'fr: "How often')
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert len(exc.value.problems) >= 2


def test_retired_questions_are_shown_but_never_asked(questionnaire):
    assert {"gl_written_goal", "st_market_analysis", "st_learning"} <= set(questionnaire.retired)
    assert not set(questionnaire.retired) & set(questionnaire.by_id)
    old = questionnaire.shown("st_market_analysis")
    assert old is not None and old.section == "short_termism" and old.option("dont_know") is not None


def test_a_retired_question_that_is_still_asked_is_refused(bank):
    def revive(doc):
        doc["questions"][0]["id"] = "al_goal_agreement"

    rewrite(bank / "retired.yaml", revive)
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(
        re.search(r"retired.yaml:\d+: question 'al_goal_agreement': a retired question id must not be asked", p)
        for p in exc.value.problems
    ), exc.value.problems


def _retired_entry(doc, qid: str) -> dict:
    return next(q for q in doc["questions"] if q["id"] == qid)


@pytest.mark.parametrize(
    "successor, message",
    [
        ("st_nothing", r"'replaced_by' must be an asked question of type choice, got 'st_nothing'"),
        ("kd_measured_metrics", r"'replaced_by' must be an asked question of type choice"),
        ("st_effort_mix", r"'replaced_by' st_effort_mix lacks or scores differently: none, exists_unused"),
    ],
)
def test_a_retired_question_is_replaced_only_by_one_that_reads_its_answers_alike(bank, successor, message):
    rewrite(bank / "retired.yaml", lambda doc: _retired_entry(doc, "st_target_value").update(replaced_by=successor))
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(re.search(r"retired.yaml:\d+: question 'st_target_value': " + message, p) for p in exc.value.problems)


def test_st_target_value_is_retired_and_read_as_st_target_use(questionnaire):
    old, new = questionnaire.retired["st_target_value"], questionnaire.by_id["st_target_use"]
    assert old.replaced_by == "st_target_use" and "st_target_value" not in questionnaire.by_id
    assert "提供価値" in old.text["ja"] and "提供価値" not in new.text["ja"]  # one thing asked: the target
    assert [(o.value, o.score) for o in old.options] == [(o.value, o.score) for o in new.options]


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"question": "pf_company_size", "value": "s30_50", "label": {"ja": "x", "en": "x"}}, "still an option"),
        ({"question": "pf_nothing", "value": "s1", "label": {"ja": "x", "en": "x"}}, "must be an asked question"),
    ],
)
def test_a_retired_option_must_be_one_no_longer_offered(bank, entry, message):
    rewrite(bank / "retired.yaml", lambda doc: doc["options"].append(entry))
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any("retired.yaml" in p and message in p for p in exc.value.problems), exc.value.problems


def test_one_keigo_register_throughout_the_bank(questionnaire):
    texts = [q.text["ja"] + (q.hint["ja"] if q.hint else "") for q in questionnaire.questions]
    assert not [t for t in texts if "選んでください" in t or "お答えください" in t or "してください" in t]
    assert sum("お選びください" in t for t in texts) >= 5


def test_a_consumer_business_can_reach_the_top_score_on_measured_metrics(questionnaire):
    # a shop has no leads, inquiries or sales opportunities; what it can measure must still reach 3
    b2c = [
        "visits",
        "conversion_rate",
        "orders",
        "unit_price",
        "new_customers",
        "repeat_rate",
        "ltv",
        "channel_revenue",
    ]
    q = questionnaire.by_id["kd_measured_metrics"]
    assert QUESTION_TYPES["checklist"].item_score(q, tuple(b2c)) == 3


def test_every_checklist_offers_an_explicit_none(questionnaire):
    for q in questionnaire.questions:
        if q.type == "checklist":
            assert [o.value for o in q.options if o.exclusive] == ["none"], q.id
