"""Rule files are validated on load, with file, line, rule and key."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from assessment import paths
from assessment.bank.rules import load_rules
from assessment.bank.yamlio import DataError


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
        ("  - id: r1\n    when: {all: [{question: zz_nope, is: x}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r1': unknown question 'zz_nope'"),
        ("  - id: r2\n    when: {all: [{question: al_goal_agreement, is: sometimes}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r2': question 'al_goal_agreement': option value 'sometimes' does not exist"),
        ("  - id: r3\n    when: {all: [{question: al_goal_agreement, matches: self_set}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r3': unknown operator 'matches' for choice question 'al_goal_agreement'"),
        ("  - id: r4\n    when: {all: [{area: kpi_design, score: {below: 3}}]}\n    then: {action: kpi_roadmap, priority: 1}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r4': area 'kpi_design' score: unknown operator 'below'"),
        ("  - id: r5\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: burnout, severity: high}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r5': unknown pitfall 'burnout'"),
        ("  - id: r6\n    when: {all: [{area: kpi_design, score: {lt: 50}}]}\n    then: {action: step_five, priority: 1}\n" + _WHY,
         r"extra.yaml:\d+: rule 'r6': unknown action 'step_five'"),
        ("  - id: r7\n    when: {all: [{question: kd_roadmap_fields, includes: mascot}]}\n    then: {pitfall: silo, severity: low}\n" + _WHY,
         r"rule 'r7': question 'kd_roadmap_fields': option value 'mascot' does not exist"),
        ("  - id: r8\n    when: {all: [{question: kd_roadmap_fields, is: owner}]}\n    then: {pitfall: silo, severity: low}\n" + _WHY,
         r"rule 'r8': unknown operator 'is' for checklist question 'kd_roadmap_fields'"),
        ("  - id: r9\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: fatal}\n" + _WHY,
         r"rule 'r9': 'then.severity' must be one of high, medium, low"),
        ("  - id: r10\n    when: {all: [{area: alignment, score: {lt: 30}}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"rule 'r10': every alternative needs a question condition"),
        ("  - id: r11\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: high}\n",
         r"rule 'r11': 'why' is missing"),
        ("  - id: silo_goals_apart\n    when: {all: [{question: al_goal_agreement, is: self_set}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"duplicate rule id 'silo_goals_apart'"),
        ("  - id: r12\n    when: {all: [{question: al_goal_agreement, score: {lt: 9}}]}\n    then: {pitfall: silo, severity: high}\n" + _WHY,
         r"rule 'r12': question 'al_goal_agreement' score: 'lt' needs a number from 0 to 3"),
    ],
)
def test_broken_rule_is_rejected_on_load(rules_dir, body, message):
    _write_rule(rules_dir, body)
    with pytest.raises(DataError) as exc:
        load_rules(rules_dir)
    assert any(re.search(message, p) for p in exc.value.problems), exc.value.problems


def test_catalog_must_describe_every_fixed_pitfall(rules_dir):
    text = (rules_dir / "catalog.yaml").read_text(encoding="utf-8")
    (rules_dir / "catalog.yaml").write_text(text.replace("  - id: no_review_cycle", "  - id: no_reviews"), encoding="utf-8")
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
    assert len(rule.branches) == 2
    assert all(len(b) == 2 for b in rule.branches)
