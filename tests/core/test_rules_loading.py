"""Rule files are validated on load, with file, line, rule and key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assessment import paths
from assessment.bank.rules import load_rules
from assessment.bank.yamlio import DataError
from tests.core.yamledit import Whole, rewrite


@pytest.fixture
def rules_dir(tmp_path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(paths.RULES_DIR, target)
    return target


def _write_rule(rules_dir: Path, body: str):
    (rules_dir / "extra.yaml").write_text("rules:\n" + body, encoding="utf-8")


_WHY = "    why: {ja: 理由, en: reason}\n"


@pytest.mark.parametrize(
    "body, message",
    [
        (
            "  - id: r1\n    when: {all: [{question: zz_nope, is: x}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r1': unknown question 'zz_nope'",
        ),
        (
            "  - id: r2\n    when: {all: [{question: al_goal_agreement, is: sometimes}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r2': question 'al_goal_agreement': option value 'sometimes' does not exist",
        ),
        (
            "  - id: r3\n    when: {all: [{question: al_goal_agreement, matches: self_set}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r3': unknown operator 'matches' for choice question 'al_goal_agreement'",
        ),
        (
            "  - id: r4\n    when: {all: [{area: kpi_design, score: {below: 3}}]}\n    then: {action: kpi_roadmap, priority: 1}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r4': area 'kpi_design' score: unknown operator 'below'",
        ),
        (
            "  - id: r5\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: burnout, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r5': unknown pitfall 'burnout'",
        ),
        (
            "  - id: r6\n    when: {all: [{area: kpi_design, score: {lt: 50}}]}\n    then: {action: step_five, priority: 1}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r6': unknown action 'step_five'",
        ),
        (
            "  - id: r7\n    when: {all: [{question: kd_roadmap_fields, includes: mascot}]}\n    then: {pitfall: silo, severity: low}\n"
            + _WHY,
            r"rule 'r7': question 'kd_roadmap_fields': option value 'mascot' does not exist",
        ),
        (
            "  - id: r8\n    when: {all: [{question: kd_roadmap_fields, is: owner}]}\n    then: {pitfall: silo, severity: low}\n"
            + _WHY,
            r"rule 'r8': unknown operator 'is' for checklist question 'kd_roadmap_fields'",
        ),
        (
            "  - id: r9\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: fatal}\n"
            + _WHY,
            r"rule 'r9': 'then.severity' must be one of high, medium, low",
        ),
        (
            "  - id: r10\n    when: {all: [{area: alignment, score: {lt: 30}}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"rule 'r10': every alternative needs a question condition",
        ),
        (
            "  - id: r11\n    when: {all: [{area: kpi_design, score: {lt: 50}}]}\n    then: {action: kpi_roadmap, priority: 1}\n",
            r"rule 'r11': 'why' is missing",
        ),
        # evidence per condition, and severities earned
        (
            "  - id: r11b\n    when: {all: [{question: al_goal_agreement, is: self_set}, {question: al_shared_language, "
            "is: different, why: {ja: 理由, en: reason}}]}\n    then: {pitfall: silo, severity: medium}\n",
            r"rule 'r11b': the condition on 'al_goal_agreement' needs its own 'why'",
        ),
        (
            "  - id: r11c\n    when: {all: [{question: gl_reported_metrics, includes: followers, why: {ja: 理由, en: reason}}, "
            "{question: gl_reported_metrics, count: {lt: 1}, why: {ja: 理由, en: reason}}]}\n"
            "    then: {pitfall: vanity_metrics, severity: high}\n",
            r"rule 'r11c': a high severity needs two signals from different questions in every alternative",
        ),
        (
            "  - id: r11d\n    when: {all: [{question: pf_cmo, is: president_runs, why: {ja: 理由, en: reason}}]}\n"
            "    then: {counter: silo, effect: suppress, rules: [vanity_reach_reported]}\n",
            r"rule 'r11d': 'then.rules' names 'vanity_reach_reported', which is not a rule of pitfall 'silo'",
        ),
        (
            "  - id: r11e\n    when: {all: [{question: pf_cmo, is: president_runs, why: {ja: 理由, en: reason}}]}\n"
            "    then: {counter: silo, effect: lower, rules: [silo_goals_apart]}\n",
            r"rule 'r11e': 'then.rules' goes with effect: suppress",
        ),
        (
            "  - id: r11f\n    when: {all: [{question: pf_cmo, is: president_runs, why: {ja: 理由, en: reason}}]}\n"
            "    then: {counter: silo, effect: vanish}\n",
            r"rule 'r11f': 'then.effect' must be one of lower, suppress",
        ),
        (
            "  - id: silo_goals_apart\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"duplicate rule id 'silo_goals_apart'",
        ),
        (
            "  - id: r12\n    when: {all: [{question: al_goal_agreement, score: {lt: 9}}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"rule 'r12': question 'al_goal_agreement' score: 'lt' needs a number from 0 to 3",
        ),
        # values of a type the loader used to trip over
        (
            "  - id: r13\n    when: {all: [{area: kpi_design, score: {lt: 50}}]}\n    then: {action: [kpi_roadmap], priority: 1}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r13': unknown action \['kpi_roadmap'\]",
        ),
        (
            "  - id: r14\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: [high]}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r14': 'then.severity' must be one of high, medium, low, got a list",
        ),
        (
            "  - id: r15\n    when: {all: [{area: kpi_design, score: {lt: 50}}]}\n    then: {action: kpi_roadmap, priority: true}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r15': 'then.priority' must be one of 1, 2, 3, got true/false",
        ),
        (
            "  - id: r16\n    when: {all: [{question: [al_goal_agreement], is: self_set}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r16': unknown question \['al_goal_agreement'\]",
        ),
        (
            "  - id: r17\n    when: {all: [{question: al_goal_agreement, in: [[self_set], {a: 1}]}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r17': question 'al_goal_agreement': option value \['self_set'\], \{'a': 1\} does not exist",
        ),
        (
            "  - id: r18\n    when: {all: [{question: al_goal_agreement, in: [self_set, self_set]}]}\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r18': question 'al_goal_agreement': 'in' names a value twice",
        ),
        (
            "  - id: r19\n    when: [{question: al_goal_agreement, is: self_set}]\n    then: {pitfall: silo, severity: high}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r19': 'when' and its all/any entries must be mappings, got a list",
        ),
        (
            "  - id: r20\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: [pitfall, silo]\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r20': 'then' must be a mapping like \{pitfall: silo, severity: high\}, got a list",
        ),
        (
            "  - id: r21\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {flag: dont_know, severity: low}\n"
            + _WHY,
            r"extra.yaml:\d+: rule 'r21': flag 'dont_know' is raised by the \"don't know\" answers themselves",
        ),
        (
            "  - id: r22\n    when: {all: [{question: kd_roadmap_fields, count: {lt: 9}}]}\n    then: {pitfall: silo, severity: low}\n"
            + _WHY,
            r"rule 'r22': question 'kd_roadmap_fields' count: 'lt' needs a number from 0 to 5",
        ),
        ("  - just a sentence\n", r"extra.yaml:\d+: rules\[0\] must be a mapping, got the text 'just a sentence'"),
        ("  - id: Rule 23\n", r"extra.yaml:\d+: rules\[0\]: 'id' must be a lowercase id, got the text 'Rule 23'"),
    ],
)
def test_broken_rule_is_rejected_on_load(rules_dir, body, message):
    _write_rule(rules_dir, body)
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def _any_of_two(depth: int) -> str:
    """An 'all' of `depth` any-of-two conditions: 2**depth alternatives."""
    pair = "{any: [{question: al_goal_agreement, is: self_set}, {question: al_goal_agreement, is: verbal_only}]}"
    return "{all: [" + ", ".join([pair] * depth) + "]}"


def _nested_all(depth: int) -> str:
    return "{all: [" * depth + "{question: al_goal_agreement, is: self_set}" + "]}" * depth


@pytest.mark.parametrize(
    "when, message",
    [
        (_any_of_two(7), r"extra.yaml:\d+: rule 'r1': 'when' expands to 128 alternatives \(max 64\)"),
        (_any_of_two(40), r"extra.yaml:\d+: rule 'r1': 'when' expands to 1099511627776 alternatives"),
        (_nested_all(12), r"extra.yaml:\d+: rule 'r1': 'when' nests all/any more than 8 deep"),
        (_nested_all(450), r"extra.yaml: invalid YAML: nested too deeply"),  # deeper than Python recursion
        (
            _nested_all(5000),
            r"extra.yaml(:3)?: invalid YAML: (exceeded maximum nesting depth|nested too deeply)",
        ),  # than libyaml
    ],
)
def test_a_when_too_big_to_expand_is_rejected_before_expanding(rules_dir, when, message):
    _write_rule(rules_dir, f"  - id: r1\n    when: {when}\n    then: {{pitfall: silo, severity: high}}\n" + _WHY)
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


@pytest.mark.parametrize(
    "text, message",
    [
        ("- id: r1\n", r"extra.yaml:1: expected a mapping with a 'rules' list, got a list"),
        ("just text\n", r"extra.yaml: expected a mapping with a 'rules' list, got the text 'just text'"),
        ("rules: []\nnotes: later\n", r"extra.yaml:1: unknown key 'notes'"),
        ("rules: {id: r1}\n", r"extra.yaml:1: 'rules' must be a list, got a mapping"),
    ],
)
def test_a_rule_file_of_the_wrong_shape_is_rejected(rules_dir, text, message):
    (rules_dir / "extra.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


_TEXT = {"ja": "文", "en": "text"}


def _task(doc, step: int = 0, task: int = 0) -> dict:
    return doc["steps"][step]["tasks"][task]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            lambda d: Whole([d]),
            r"catalog.yaml:1: expected a mapping with version, pitfalls, steps, flags and small_company_advice, got a list",
        ),
        (lambda d: d.update(version=2026), r"catalog.yaml:\d+: 'version' must be text, got the number 2026"),
        (lambda d: d.update(glossary={}), r"catalog.yaml:\d+: unknown key 'glossary'"),
        # pitfalls
        (
            lambda d: d["pitfalls"].__setitem__(0, "silo"),
            r"catalog.yaml:\d+: pitfalls\[0\] must be a mapping, got the text 'silo'",
        ),
        (
            lambda d: d["pitfalls"].append(dict(d["pitfalls"][0])),
            r"catalog.yaml:\d+: duplicate pitfall id 'silo' \(first at line \d+\)",
        ),
        (
            lambda d: d["pitfalls"][0].update(addressed_by="connect_strategy"),
            r"catalog.yaml:\d+: pitfall 'silo': 'addressed_by' must list the steps that remedy it, primary first, got the text",
        ),
        (
            lambda d: d["pitfalls"][0].update(addressed_by=2.5),
            r"pitfall 'silo': 'addressed_by' must list .*got the number 2.5",
        ),
        (lambda d: d["pitfalls"][0].update(addressed_by=[]), r"pitfall 'silo': 'addressed_by' must list .*got a list"),
        (
            lambda d: d["pitfalls"][0].update(addressed_by=[["design_value"]]),
            r"catalog.yaml:\d+: pitfall 'silo': 'addressed_by' names unknown step \['design_value'\]",
        ),
        (
            lambda d: d["pitfalls"][0].update(addressed_by=["design_value", "design_value"]),
            r"pitfall 'silo': 'addressed_by' names step 'design_value' twice",
        ),
        (
            lambda d: d["pitfalls"][0].update(area=["alignment"]),
            r"catalog.yaml:\d+: pitfall 'silo': 'area' must be one of alignment, .*got a list",
        ),
        # steps and tasks
        (
            lambda d: d["steps"].__setitem__(1, ["design_value"]),
            r"catalog.yaml:\d+: steps\[1\] must be a mapping, got a list",
        ),
        (lambda d: d["steps"].append(dict(d["steps"][0])), r"catalog.yaml:\d+: steps\[4\]: there are 4 fixed steps"),
        (
            lambda d: d["steps"][0]["tasks"].__setitem__(0, ["text"]),
            r"catalog.yaml:\d+: step 'connect_strategy': tasks\[0\] must be a mapping, got a list",
        ),
        (
            lambda d: _task(d).update(days="30"),
            r"catalog.yaml:\d+: step 'connect_strategy': tasks\[0\]: 'days' must be one of 30, 90, 180, got the text '30'",
        ),
        (
            lambda d: _task(d).update(days=[30]),
            r"step 'connect_strategy': tasks\[0\]: 'days' must be one of 30, 90, 180, got a list",
        ),
        (lambda d: _task(d).pop("days"), r"step 'connect_strategy': tasks\[0\]: 'days' is missing"),
        (
            lambda d: d["steps"][0].update(tasks={}),
            r"catalog.yaml:\d+: step 'connect_strategy': 'tasks' must be a list, got a mapping",
        ),
        # variants: texts for some profiles
        (
            lambda d: d["steps"][0].update(variants=[{"summary": {"ja": "要約", "en": "summary"}}]),
            r"catalog.yaml:\d+: step 'connect_strategy': variants\[0\]: 'when' is missing",
        ),
        (
            lambda d: d["steps"][0].update(
                variants=[{"when": {"question": "al_goal_agreement", "is": "no_goal"}, "summary": _TEXT}]
            ),
            r"step 'connect_strategy': variants\[0\]: a variant tests profile questions only, with is, in, not_in "
            r"\(got al_goal_agreement\)",
        ),
        (
            lambda d: d["steps"][0].update(
                variants=[{"when": {"area": "alignment", "score": {"lt": 50}}, "summary": _TEXT}]
            ),
            r"step 'connect_strategy': variants\[0\]: a variant tests profile questions only",
        ),
        (
            lambda d: d["steps"][0].update(
                variants=[{"when": {"question": "pf_business_model", "is": "b2x"}, "summary": _TEXT}]
            ),
            r"step 'connect_strategy': variants\[0\]: question 'pf_business_model': option value 'b2x' does not exist",
        ),
        (
            lambda d: d["steps"][0].update(variants=[{"when": {"question": "pf_business_model", "is": "b2c"}}]),
            r"step 'connect_strategy': variants\[0\]: a variant needs at least one of title, summary",
        ),
        (
            lambda d: d["steps"][0].update(
                variants=[{"when": {"question": "pf_business_model", "is": "b2c"}, "tasks": [], "summary": _TEXT}]
            ),
            r"step 'connect_strategy': variants\[0\]: unknown key 'tasks'",
        ),
        (
            lambda d: _task(d).update(
                variants=[{"when": {"question": "pf_business_model", "is": "b2c"}, "text": {"ja": "文"}}]
            ),
            r"step 'connect_strategy': tasks\[0\]: variants\[0\]: 'text.en' translation is missing",
        ),
        (
            lambda d: _task(d).update(
                variants=[{"when": {"question": "pf_business_model", "is": "b2c", "why": _TEXT}, "owner": _TEXT}]
            ),
            r"tasks\[0\]: variants\[0\]: a variant's conditions take no 'why'",
        ),
        (
            lambda d: _task(d).update(variants={"b2c": _TEXT}),
            r"step 'connect_strategy': tasks\[0\]: 'variants' must be a list, got a mapping",
        ),
        # flags
        (lambda d: d["flags"].__setitem__(1, 3), r"catalog.yaml:\d+: flags\[1\] must be a mapping, got the number 3"),
        (
            lambda d: d["flags"][1].update(id="Overclaim Review"),
            r"catalog.yaml:\d+: flags\[1\]: 'id' must be a lowercase id, got the text 'Overclaim Review'",
        ),
        (
            lambda d: d["flags"][1].update(id=["overclaim_review"]),
            r"catalog.yaml:\d+: flags\[1\]: 'id' must be a lowercase id, got a list",
        ),
        (
            lambda d: d["flags"][2].update(id=d["flags"][1]["id"]),
            r"catalog.yaml:\d+: duplicate flag id 'overclaim_review' \(first at line \d+\)",
        ),
        (
            lambda d: d["flags"][1].update(kind="warning"),
            r"catalog.yaml:\d+: flag 'overclaim_review': 'kind' must be one of consistency, dont_know, got the text 'warning'",
        ),
        (lambda d: d["flags"].pop(0), r"catalog.yaml:\d+: flag 'dont_know' \(kind dont_know\) is not described"),
        (
            lambda d: d["flags"][0].update(kind="consistency"),
            r"catalog.yaml:\d+: flag 'dont_know': 'kind' must be dont_know",
        ),
        # advice
        (
            lambda d: d.update(small_company_advice="start small"),
            r"catalog.yaml:\d+: 'small_company_advice' must be a list of \{ja, en\} texts, got the text 'start small'",
        ),
        (
            lambda d: d["small_company_advice"].__setitem__(0, "start small"),
            r"catalog.yaml:\d+: 'small_company_advice\[0\]' must be a mapping with ja and en, got the text 'start small'",
        ),
        (
            lambda d: d["small_company_advice"].__setitem__(0, {"text": _TEXT}),
            r"catalog.yaml:\d+: small_company_advice\[0\]: an advice with 'text' needs 'when'",
        ),
        (
            lambda d: d["small_company_advice"].__setitem__(
                0, {"text": _TEXT, "when": {"question": "pf_business_model", "is": "b2c"}}
            ),
            r"small_company_advice\[0\]: an advice's 'when' tests area scores only",
        ),
        (
            lambda d: d["small_company_advice"].__setitem__(
                0, {"text": _TEXT, "when": {"area": "kpi_design", "score": {"under": 67}}}
            ),
            r"small_company_advice\[0\]: area 'kpi_design' score: unknown operator 'under'",
        ),
        (
            lambda d: d["small_company_advice"].__setitem__(
                0, {"text": _TEXT, "when": {"area": "kpi_design", "score": {"lt": 67}}, "tone": "warm"}
            ),
            r"small_company_advice\[0\]: unknown key 'tone'",
        ),
    ],
)
def test_malformed_catalog_entry_names_file_line_entry_and_key(rules_dir, change, message):
    rewrite(rules_dir / "catalog.yaml", change)
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def test_catalog_must_describe_every_fixed_pitfall(rules_dir):
    text = (rules_dir / "catalog.yaml").read_text(encoding="utf-8")
    (rules_dir / "catalog.yaml").write_text(
        text.replace("  - id: no_review_cycle", "  - id: no_reviews"), encoding="utf-8"
    )
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any("unknown pitfall id 'no_reviews'" in p for p in exc.value.problems)
    assert any("pitfall 'no_review_cycle' is not described" in p for p in exc.value.problems)


def test_real_rules_load_and_cover_every_pitfall(rulebook):
    fired_targets = {r.target for r in rulebook.rules if r.effect == "pitfall"}
    assert fired_targets == set(rulebook.catalog.pitfalls)
    assert {r.target for r in rulebook.rules if r.effect == "action"} == set(rulebook.catalog.steps)
    assert any(r.effect == "flag" for r in rulebook.rules)


def test_nested_any_expands_into_branches(rulebook):
    rule = next(r for r in rulebook.rules if r.id == "silo_seen_as_cost")
    # management's view (cost, or activity), each with the joint meeting or one of three budget answers
    assert len(rule.branches) == 8
    assert all(len(b) == 2 for b in rule.branches)


def test_a_step_worded_for_a_business_model_loads_its_variants(rulebook):
    step = rulebook.catalog.steps["kpi_roadmap"]
    assert step.varies
    assert {c.arg for v in step.variants for b in v.branches for c in b} == {"b2b", "b2c", "both"}
