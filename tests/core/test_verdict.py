"""The locale-free Verdict: JSON round trip, and localizing under a later bank."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from assessment import Verdict, evaluate, localize, paths
from assessment.bank.questionnaire import load_questionnaire
from assessment.bank.rules import load_rules
from assessment.diagnose.pipeline import diagnose
from tests.conftest import PROFILES, load_profile
from tests.core.test_engine import random_answers

SILO_BOTH_WAYS = dict(
    al_goal_agreement="self_set",
    al_shared_language="different",
    al_contribution_view="cost_center",
    rc_joint_meeting="none",
)


def answer_sets(questionnaire, make_answers):
    rng = random.Random(5)
    return (
        [load_profile(name) for name in PROFILES]
        + [make_answers(b) for b in range(4)]
        + [random_answers(questionnaire, rng) for _ in range(40)]
    )


def test_a_verdict_round_trips_through_json(questionnaire, make_answers):
    for answers in answer_sets(questionnaire, make_answers):
        v = diagnose(answers)
        data = json.loads(json.dumps(v.to_dict()))
        assert data["format"] == "verdict/1"
        assert Verdict.from_dict(data) == v
        assert list(data["answers"]) == list(v.answers)  # bank order survives
        for loc in ("ja", "en"):
            assert localize(Verdict.from_dict(data), loc) == evaluate(answers, loc)


def test_a_verdict_holds_ids_numbers_and_references_only(make_answers):
    v = diagnose(make_answers(3, **SILO_BOTH_WAYS))
    (silo,) = v.pitfalls
    assert [(e.question, e.value, e.rule, e.branch) for e in silo.evidence] == [
        ("al_goal_agreement", "self_set", "silo_goals_apart", 0),
        ("al_shared_language", "different", "silo_goals_apart", 0),
        ("al_contribution_view", "cost_center", "silo_seen_as_cost", 0),
        ("rc_joint_meeting", "none", "silo_language_apart", 0),
    ]
    assert v.actions[0].id == "connect_strategy" and v.actions[0].because == ("silo",)
    assert v.level is not None and v.uncapped_level is not None and v.uncapped_level >= v.level
    texts = json.dumps(v.to_dict(), ensure_ascii=False)
    assert "経営" not in texts and "management" not in texts.lower()


def test_dont_know_evidence_names_no_rule(make_answers):
    v = diagnose(make_answers(3, kd_cac_known="dont_know", rc_frequency="dont_know"))
    (flag,) = v.flags
    assert (flag.id, flag.kind, flag.severity) == ("dont_know", "dont_know", "medium")
    assert [(e.question, e.value, e.rule) for e in flag.evidence] == [
        ("kd_cac_known", "dont_know", None),
        ("rc_frequency", "dont_know", None),
    ]


def test_from_dict_ignores_keys_it_does_not_know(make_answers):
    v = diagnose(load_profile("knows_nothing"))
    data = v.to_dict()
    data["trend"] = "up"
    for finding in data["pitfalls"] + data["flags"]:
        finding["comment"] = "…"
        for e in finding["evidence"]:
            e["note"] = "checked"
    for a in data["actions"]:
        a["status"] = "done"
    assert Verdict.from_dict(data) == v


def test_from_dict_refuses_what_is_not_a_verdict():
    with pytest.raises(ValueError, match="verdict/1"):
        Verdict.from_dict(evaluate(load_profile("mature")).to_dict())


def test_reading_a_verdict_does_not_start_the_rules_engine():
    code = (
        "import sys; from assessment import Verdict, localize, verdict_from_diagnosis_dict; "
        "print('durable' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert out.stdout.strip() == "False"


@pytest.fixture
def later_bank(tmp_path):
    """A later version of the bank: al_shared_language removed (with the rules that read it, silo_goals_apart
    among them), option cost_center renamed."""
    questions, rules = tmp_path / "questions", tmp_path / "rules"
    shutil.copytree(paths.QUESTIONS_DIR, questions)
    shutil.copytree(paths.RULES_DIR, rules)
    doc = yaml.safe_load((questions / "alignment.yaml").read_text(encoding="utf-8"))
    doc["questions"] = [q for q in doc["questions"] if q["id"] != "al_shared_language"]
    for q in doc["questions"]:
        for o in q["options"]:
            if o["value"] == "cost_center":
                o["value"] = "seen_as_cost"
    (questions / "alignment.yaml").write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    doc = yaml.safe_load((rules / "pitfalls.yaml").read_text(encoding="utf-8"))
    doc["rules"] = [r for r in doc["rules"] if "al_shared_language" not in json.dumps(r)]
    text = yaml.safe_dump(doc, allow_unicode=True).replace("cost_center", "seen_as_cost")
    (rules / "pitfalls.yaml").write_text(text, encoding="utf-8")
    qn = load_questionnaire(questions)
    return qn, load_rules(rules, qn)


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_an_old_verdict_reads_under_a_later_bank(make_answers, later_bank, locale):
    qn, book = later_bank
    assert "al_shared_language" not in qn.by_id and "silo_goals_apart" not in {r.id for r in book.rules}
    v = Verdict.from_dict(json.loads(json.dumps(diagnose(make_answers(1, **SILO_BOTH_WAYS)).to_dict())))
    d = localize(v, locale, questionnaire=qn, rulebook=book)
    now = evaluate(make_answers(1, **SILO_BOTH_WAYS), locale)
    (silo,) = [p for p in d.pitfalls if p.id == "silo"]
    ev = {e.question: e for e in silo.evidence}
    # the removed question: its id stands for its text, the raw value for the answer; its rule is gone: no reason
    assert (ev["al_shared_language"].text, ev["al_shared_language"].answer, ev["al_shared_language"].why) == (
        "al_shared_language",
        "different",
        "",
    )
    assert ev["al_goal_agreement"].why == "" and ev["al_goal_agreement"].answer == next(
        e.answer for p in now.pitfalls for e in p.evidence if e.question == "al_goal_agreement"
    )
    # the renamed option shows as its old value; its rule is still there, and gives its reason
    assert ev["al_contribution_view"].answer == "cost_center"
    assert ev["al_contribution_view"].why == next(
        e.why for p in now.pitfalls for e in p.evidence if e.question == "al_contribution_view"
    )
    answers = {a.question: a for a in d.answers}
    assert (
        answers["al_shared_language"].text,
        answers["al_shared_language"].section,
        answers["al_shared_language"].score,
    ) == ("al_shared_language", "", None)
    assert (answers["al_contribution_view"].answer, answers["al_contribution_view"].score) == ("cost_center", None)
    # everything else reads as it did
    assert d.scores == now.scores and d.level == now.level
    assert [(p.id, p.title, p.severity) for p in d.pitfalls] == [(p.id, p.title, p.severity) for p in now.pitfalls]
    assert [(a.id, a.title, a.priority) for a in d.actions] == [(a.id, a.title, a.priority) for a in now.actions]
    json.dumps(d.to_dict())


@pytest.mark.parametrize(
    "module",
    [
        "assessment.store",
        "assessment.store.models",
        "assessment.report",
        "assessment.web",
        "assessment.services.reports",
        "assessment.store.migrate",
    ],
)
def test_importing_the_store_the_report_or_the_web_does_not_load_the_rules_engine(module):
    code = f"import sys, {module}; print(any(m.startswith('durable') for m in sys.modules))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).parents[2]
    )
    assert out.stdout.strip() == "False"
