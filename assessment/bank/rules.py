"""Rules as data: load rules/catalog.yaml and rules/*.yaml, validate them.

A rule is `{id, when: {all|any: [...]}, then: {...}, why: {ja, en}}`.
Conditions:

    {question: Q, is: V} / {question: Q, in: [V...]} / {question: Q, not_in: [V...]}
    {question: Q, includes: V} / {question: Q, excludes: V} / {question: Q, includes_any: [V...]}
    {question: Q, count: {lt|lte|gt|gte|eq|ne: N}}     checklist: counting options ticked
    {question: Q, score: {OP: N}}                      item score 0..3
    {area: A, score: {OP: N}}                          area score 0..100

`when` may nest all/any. Every unknown question, option value, operator,
pitfall, step or flag is reported at load time with file, line, rule and
key — never discovered while evaluating. See rules/README.md.
"""
from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assessment import paths
from assessment.bank.questionnaire import AREA_IDS, Questionnaire, default_questionnaire
from assessment.bank.text import Text, as_list, read_text, unknown_keys
from assessment.bank.yamlio import DataError, load_yaml, where

PITFALL_IDS = ("silo", "vanity_metrics", "short_termism", "scattered_activity", "no_review_cycle")
STEP_IDS = ("connect_strategy", "design_value", "kpi_roadmap", "improvement_cycle")
SEVERITIES = {"high": 3, "medium": 2, "low": 1}
COMPARISONS = ("lt", "lte", "gt", "gte", "eq", "ne")
MAX_BRANCHES = 64  # an any-of-any explosion is a rule-writing mistake, not a feature

_CHOICE_OPS = {"is", "in", "not_in"}
_CHECKLIST_OPS = {"includes", "excludes", "includes_any", "count"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


# ---------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Task:
    text: Text
    owner: Text
    days: int  # 30, 90 or 180: when in the roadmap


@dataclass(frozen=True)
class Pitfall:
    id: str
    area: str
    title: Text
    summary: Text
    cost: Text
    addressed_by: tuple[str, ...]


@dataclass(frozen=True)
class Step:
    id: str
    number: int
    title: Text
    summary: Text
    tasks: tuple[Task, ...]


@dataclass(frozen=True)
class Flag:
    id: str
    kind: str  # consistency | dont_know
    title: Text
    summary: Text


@dataclass(frozen=True)
class Catalog:
    version: str
    pitfalls: Mapping[str, Pitfall]
    steps: Mapping[str, Step]
    flags: Mapping[str, Flag]
    small_company_advice: tuple[Text, ...]


# ---------------------------------------------------------------- rules


@dataclass(frozen=True)
class Condition:
    kind: str  # "question" | "area"
    target: str  # question id or area id
    op: str  # is, in, not_in, includes, excludes, includes_any, count, score
    arg: object  # value, tuple of values, or (comparison, number)
    why: Text | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    file: str
    line: int
    branches: tuple[tuple[Condition, ...], ...]  # disjunctive normal form of `when`
    effect: str  # pitfall | action | flag
    target: str  # pitfall id, step id or flag id
    severity: str | None  # pitfalls and flags
    priority: int | None  # actions: 1 = most urgent
    why: Text


@dataclass(frozen=True)
class RuleBook:
    version: str
    catalog: Catalog
    rules: tuple[Rule, ...]


def _comparison(node, path, owner, problems, *, low: float, high: float):
    if not (isinstance(node, Mapping) and len(node) == 1):
        problems.append(f"{where(path, node)}: {owner}: expected one comparison like {{lt: 2}}")
        return None
    (op, num), = node.items()
    if op not in COMPARISONS:
        problems.append(f"{where(path, node)}: {owner}: unknown operator '{op}' (known: {', '.join(COMPARISONS)})")
        return None
    if not isinstance(num, (int, float)) or isinstance(num, bool) or not low <= num <= high:
        problems.append(f"{where(path, node)}: {owner}: '{op}' needs a number from {low:g} to {high:g}")
        return None
    return (op, num)


def _read_condition(node, qn: Questionnaire, path: Path, owner: str, problems: list[str]) -> Condition | None:
    line = where(path, node)
    keys = set(node)
    why = read_text(node, "why", path, owner, problems, required=False)
    keys.discard("why")
    if "area" in keys:
        area = node["area"]
        if area not in AREA_IDS:
            problems.append(f"{line}: {owner}: unknown area '{area}' (known: {', '.join(AREA_IDS)})")
            return None
        extra = keys - {"area", "score"}
        if extra or "score" not in keys:
            problems.append(f"{line}: {owner}: an area condition takes only 'score' (got {', '.join(sorted(extra)) or 'nothing'})")
            return None
        cmp = _comparison(node["score"], path, f"{owner}: area '{area}' score", problems, low=0, high=100)
        return cmp and Condition("area", area, "score", cmp, why)
    if "question" not in keys:
        problems.append(f"{line}: {owner}: a condition needs 'question' or 'area' (or nested all/any)")
        return None
    qid = node["question"]
    q = qn.by_id.get(qid)
    if q is None:
        problems.append(f"{line}: {owner}: unknown question '{qid}'")
        return None
    ops = keys - {"question"}
    if len(ops) != 1:
        problems.append(f"{line}: {owner}: question '{qid}' needs exactly one operator (got {', '.join(sorted(ops)) or 'none'})")
        return None
    op = ops.pop()
    arg = node[op]
    allowed = (_CHECKLIST_OPS if q.type == "checklist" else _CHOICE_OPS) | ({"score"} if q.scored else set())
    if op not in allowed:
        problems.append(
            f"{line}: {owner}: unknown operator '{op}' for {q.type} question '{qid}' (known: {', '.join(sorted(allowed))})"
        )
        return None
    if op in ("score", "count"):
        high = 3 if op == "score" else len(q.options)
        cmp = _comparison(arg, path, f"{owner}: question '{qid}' {op}", problems, low=0, high=high)
        return cmp and Condition("question", qid, op, cmp, why)
    values = arg if op in ("in", "not_in", "includes_any") else [arg]
    if not isinstance(values, list) or not values:
        problems.append(f"{line}: {owner}: question '{qid}': '{op}' needs {'a list of values' if op in ('in', 'not_in', 'includes_any') else 'one value'}")
        return None
    bad = [v for v in values if not isinstance(v, str) or q.option(v) is None]
    if bad:
        problems.append(
            f"{line}: {owner}: question '{qid}': option value {', '.join(repr(v) for v in bad)} does not exist "
            f"(offered: {', '.join(o.value for o in q.options)})"
        )
        return None
    return Condition("question", qid, op, tuple(values) if op in ("in", "not_in", "includes_any") else arg, why)


def _read_when(node, qn, path, owner, problems) -> list[list[Condition]] | None:
    """Turn a nested all/any tree into a list of branches (each an AND of conditions)."""
    if not isinstance(node, Mapping):
        problems.append(f"{path}: {owner}: 'when' entries must be mappings")
        return None
    if set(node) & {"all", "any"}:
        if len(node) != 1:
            problems.append(f"{where(path, node)}: {owner}: use either 'all' or 'any', alone")
            return None
        (kind, items), = node.items()
        if not isinstance(items, list) or not items:
            problems.append(f"{where(path, node)}: {owner}: '{kind}' needs a non-empty list")
            return None
        parts = [_read_when(child, qn, path, owner, problems) for child in items]
        if any(p is None for p in parts):
            return None
        if kind == "any":
            return [branch for part in parts for branch in part]
        return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]
    cond = _read_condition(node, qn, path, owner, problems)
    return None if cond is None else [[cond]]


def _read_rule(node, qn: Questionnaire, catalog: Catalog, path: Path, problems: list[str]) -> Rule | None:
    if not isinstance(node, Mapping) or not isinstance(node.get("id"), str) or not _ID.match(node["id"]):
        problems.append(f"{where(path, node)}: a rule needs an 'id' (lowercase)")
        return None
    owner = f"rule '{node['id']}'"
    unknown_keys(node, {"id", "when", "then", "why"}, path, owner, problems)
    why = read_text(node, "why", path, owner, problems)
    then = node.get("then")
    effect = target = severity = priority = None
    if not isinstance(then, Mapping):
        problems.append(f"{where(path, node)}: {owner}: 'then' is missing")
    else:
        kinds = [k for k in ("pitfall", "action", "flag") if k in then]
        if len(kinds) != 1:
            problems.append(f"{where(path, then)}: {owner}: 'then' needs exactly one of pitfall, action, flag")
        else:
            effect = kinds[0]
            target = then[effect]
            known = {"pitfall": catalog.pitfalls, "action": catalog.steps, "flag": catalog.flags}[effect]
            if target not in known:
                problems.append(f"{where(path, then)}: {owner}: unknown {effect} '{target}' (known: {', '.join(known)})")
            if effect == "action":
                unknown_keys(then, {"action", "priority"}, path, f"{owner}: then", problems)
                priority = then.get("priority")
                if priority not in (1, 2, 3):
                    problems.append(f"{where(path, then)}: {owner}: 'then.priority' must be 1, 2 or 3")
            else:
                unknown_keys(then, {effect, "severity"}, path, f"{owner}: then", problems)
                severity = then.get("severity")
                if severity not in SEVERITIES:
                    problems.append(f"{where(path, then)}: {owner}: 'then.severity' must be one of {', '.join(SEVERITIES)}")
    if "when" not in node:
        problems.append(f"{where(path, node)}: {owner}: 'when' is missing")
        return None
    branches = _read_when(node["when"], qn, path, owner, problems)
    if branches is None:
        return None
    if len(branches) > MAX_BRANCHES:
        problems.append(f"{where(path, node)}: {owner}: 'when' expands to {len(branches)} alternatives (max {MAX_BRANCHES})")
        return None
    if effect in ("pitfall", "flag") and not all(any(c.kind == "question" for c in b) for b in branches):
        problems.append(f"{where(path, node)}: {owner}: every alternative needs a question condition, to give evidence")
    return Rule(
        id=node["id"], file=path.name, line=getattr(node, "line", 0),
        branches=tuple(tuple(b) for b in branches), effect=effect or "", target=target or "",
        severity=severity, priority=priority, why=why or {},
    )


def _read_catalog(path: Path, problems: list[str]) -> Catalog:
    doc = load_yaml(path)
    if not isinstance(doc, Mapping):
        raise DataError([f"{path}: expected a mapping with version, pitfalls, steps, flags"])
    pitfalls, steps, flags = {}, {}, {}
    for node in as_list(doc.get("pitfalls")):
        pid = node.get("id")
        owner = f"pitfall '{pid}'"
        if pid not in PITFALL_IDS:
            problems.append(f"{where(path, node)}: unknown pitfall id {pid!r} (fixed: {', '.join(PITFALL_IDS)})")
            continue
        if node.get("area") not in AREA_IDS:
            problems.append(f"{where(path, node)}: {owner}: 'area' must be one of {', '.join(AREA_IDS)}")
        by = node.get("addressed_by") or []
        for sid in by:
            if sid not in STEP_IDS:
                problems.append(f"{where(path, node)}: {owner}: 'addressed_by' names unknown step '{sid}'")
        pitfalls[pid] = Pitfall(
            id=pid, area=node.get("area"), addressed_by=tuple(by),
            title=read_text(node, "title", path, owner, problems) or {},
            summary=read_text(node, "summary", path, owner, problems) or {},
            cost=read_text(node, "cost", path, owner, problems) or {},
        )
    for number, node in enumerate(as_list(doc.get("steps")), start=1):
        sid = node.get("id")
        owner = f"step '{sid}'"
        expected = STEP_IDS[number - 1] if number <= len(STEP_IDS) else None
        if sid != expected:
            problems.append(f"{where(path, node)}: step {number} must be {expected!r} (steps are fixed and ordered), got {sid!r}")
            continue
        tasks = []
        for t in as_list(node.get("tasks")):
            if t.get("days") not in (30, 90, 180):
                problems.append(f"{where(path, t)}: {owner}: a task's 'days' must be 30, 90 or 180")
            tasks.append(Task(
                text=read_text(t, "text", path, f"{owner} task", problems) or {},
                owner=read_text(t, "owner", path, f"{owner} task", problems) or {},
                days=t.get("days") or 0,
            ))
        if not tasks:
            problems.append(f"{where(path, node)}: {owner}: 'tasks' is missing")
        steps[sid] = Step(
            id=sid, number=number, tasks=tuple(tasks),
            title=read_text(node, "title", path, owner, problems) or {},
            summary=read_text(node, "summary", path, owner, problems) or {},
        )
    for node in as_list(doc.get("flags")):
        fid = node.get("id")
        owner = f"flag '{fid}'"
        if node.get("kind") not in ("consistency", "dont_know"):
            problems.append(f"{where(path, node)}: {owner}: 'kind' must be consistency or dont_know")
        flags[fid] = Flag(
            id=fid, kind=node.get("kind"),
            title=read_text(node, "title", path, owner, problems) or {},
            summary=read_text(node, "summary", path, owner, problems) or {},
        )
    for pid in PITFALL_IDS:
        if pid not in pitfalls:
            problems.append(f"{path}: pitfall '{pid}' is not described")
    for sid in STEP_IDS:
        if sid not in steps:
            problems.append(f"{path}: step '{sid}' is not described")
    if "dont_know" not in flags:
        problems.append(f"{path}: flag 'dont_know' (kind dont_know) is not described")
    advice = []
    for i, node in enumerate(as_list(doc.get("small_company_advice"))):
        advice.append(read_text({"advice": node}, "advice", path, f"small_company_advice[{i}]", problems) or {})
    return Catalog(
        version=str(doc.get("version") or ""), pitfalls=pitfalls, steps=steps, flags=flags,
        small_company_advice=tuple(advice),
    )


def load_rules(directory: Path | str | None = None, questionnaire: Questionnaire | None = None) -> RuleBook:
    """Load the catalog and every rules/*.yaml; raise DataError listing every problem."""
    directory = Path(directory or paths.RULES_DIR)
    qn = questionnaire or default_questionnaire()
    problems: list[str] = []
    catalog = _read_catalog(directory / "catalog.yaml", problems)
    digest = hashlib.sha256((directory / "catalog.yaml").read_bytes())
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "catalog.yaml":
            continue
        digest.update(path.read_bytes())
        doc = load_yaml(path)
        if not isinstance(doc, Mapping) or not isinstance(doc.get("rules"), list):
            problems.append(f"{path}: expected a mapping with a 'rules' list")
            continue
        for node in doc["rules"]:
            rule = _read_rule(node, qn, catalog, path, problems)
            if rule is None:
                continue
            if rule.id in seen:
                problems.append(f"{path}:{rule.line}: duplicate rule id '{rule.id}' (first in {seen[rule.id].file}:{seen[rule.id].line})")
                continue
            seen[rule.id] = rule
            rules.append(rule)
    if problems:
        raise DataError(problems)
    return RuleBook(version=f"{catalog.version}+{digest.hexdigest()[:8]}", catalog=catalog, rules=tuple(rules))


@lru_cache(maxsize=1)
def default_rulebook() -> RuleBook:
    return load_rules()
