"""Loading and validating the question bank."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assessment import paths
from assessment.bank.questionnaire import AREA_IDS, load_questionnaire
from assessment.bank.yamlio import DataError


def test_bank_has_four_to_five_scored_items_per_area(questionnaire):
    for area in AREA_IDS:
        assert 4 <= len(questionnaire.in_section(area)) <= 5
    assert 20 <= len(questionnaire.scored_questions) <= 25


def test_profile_covers_size_cmo_reporting_and_goal(questionnaire):
    ids = {q.id for q in questionnaire.in_section("profile")}
    assert {"pf_role", "pf_industry", "pf_company_size", "pf_cmo", "pf_reports_to", "pf_primary_goal"} <= ids
    goals = {o.value for o in questionnaire.by_id["pf_primary_goal"].options}
    assert goals == {"revenue", "new_customers", "repeat", "ltv", "brand"}


def test_every_choice_item_is_scored_0_to_3_with_explanations(questionnaire):
    for q in questionnaire.scored_questions:
        for o in q.options:
            assert o.explain and o.explain["ja"] and o.explain["en"], (q.id, o.value)
        if q.type == "choice":
            assert sorted(o.score for o in q.options if not o.dont_know) == [0, 1, 2, 3]


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
        ("kpi_design.yaml", "type: choice", "type: slider",
         r"kpi_design.yaml:\d+: question 'kd_kpi_origin': unknown type 'slider'"),
        ("alignment.yaml", "id: al_shared_language", "id: al_goal_agreement",
         r"alignment.yaml:\d+: duplicate question id 'al_goal_agreement'"),
        ("review_cadence.yaml", 'en: "How often', 'fr: "How often',
         r"review_cadence.yaml:\d+: question 'rc_frequency': 'text.en' translation is missing"),
        ("alignment.yaml", "score: 2\n", "\n",
         r"alignment.yaml:\d+: question 'al_goal_agreement': options\[2\] 'written_annual': 'score' is missing"),
        ("short_termism.yaml", "value: balanced", "value: Balanced!",
         r"short_termism.yaml:\d+: question 'st_effort_mix': options\[2\]: 'value' must be a lowercase id"),
        ("alignment.yaml", "area: alignment", "area: alinement",
         r"alignment.yaml:\d+: 'area' must be 'alignment'"),
    ],
)
def test_broken_bank_names_file_line_question_and_key(bank, file, old, new, message):
    _edit(bank / file, old, new)
    with pytest.raises(DataError) as exc:
        load_questionnaire(bank)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def test_dont_know_on_a_non_factual_item_is_rejected(bank):
    text = (bank / "alignment.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    options:\n", "    options:\n      - value: dont_know\n        score: 0\n        dont_know: true\n"
        "        label: {ja: わからない, en: \"Don't know\"}\n        explain: {ja: 不明, en: Unknown}\n", 1)
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
