"""Rules as data: load rules/catalog.yaml and rules/*.yaml, validate them.

A rule is `{id, when: {all|any: [...]}, then: {...}, why: {ja, en}}`.
Conditions:

    {question: Q, is: V} / {question: Q, in: [V...]} / {question: Q, not_in: [V...]}
    {question: Q, includes: V} / {question: Q, excludes: V} / {question: Q, includes_any: [V...]}
    {question: Q, count: {lt|lte|gt|gte|eq|ne: N}}     checklist: counting options ticked
    {question: Q, score: {OP: N}}                      item score 0..3
    {area: A, score: {OP: N}}                          area score 0..100

Each question condition of a pitfall, flag or counter rule carries its own
`why`: the reason printed beside the answer that met it. A counter rule
(`then: {counter: P, effect: lower|suppress, rules: [...]}`) names evidence
against pitfall P. `when` may nest all/any. Every unknown question, option value, operator,
pitfall, step or flag is reported at load time with file, line, rule and
key — never discovered while evaluating. See rules/README.md.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from assessment import paths
from assessment.bank.questionnaire import AREA_IDS, Questionnaire, default_questionnaire
from assessment.bank.reader import Reader, is_number, kind_of
from assessment.bank.text import Text
from assessment.bank.yamlio import DataError, read_yaml

PITFALL_IDS = ("silo", "vanity_metrics", "short_termism", "scattered_activity", "no_review_cycle")
STEP_IDS = ("connect_strategy", "design_value", "kpi_roadmap", "improvement_cycle")
SEVERITIES = {"high": 3, "medium": 2, "low": 1}
COMPARISONS = ("lt", "lte", "gt", "gte", "eq", "ne")
FLAG_KINDS = ("consistency", "dont_know")
COUNTER_EFFECTS = ("lower", "suppress")  # one severity step down; the pitfall (or the named rules) dropped
MATCHED = "{matched}"  # in a condition's why: the labels of the answer values that met it
DONT_KNOW_FLAG = "dont_know"  # raised by the pipeline for "don't know" answers, never by a rule
TASK_DAYS = (30, 90, 180)
MAX_BRANCHES = 64  # an any-of-any explosion is a rule-writing mistake, not a feature
MAX_DEPTH = 8  # all/any nesting; deeper is a mistake too, and must not exhaust the stack

COMPARE = {  # COMPARISONS as functions
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}
_CHOICE_OPS = {"is", "in", "not_in"}
_CHECKLIST_OPS = {"includes", "excludes", "includes_any", "count"}
_LIST_OPS = {"in", "not_in", "includes_any"}


# ---------------------------------------------------------------- catalog


@dataclass(frozen=True)
class Variant:
    """Texts of a step or a task for the companies whose profile answers meet `branches`.

    Why: one wording cannot fit every business model (a B2C shop has no leads or deals); the
    first variant met replaces the texts it names, the others keep the default. Only profile
    questions with is/in/not_in, checked on load, so a variant never decides what fires.
    """

    branches: tuple[tuple[Condition, ...], ...]  # disjunctive normal form, like a rule's `when`
    texts: Mapping[str, Text]  # field name -> its text for these companies

    def met(self, profile: Mapping[str, str]) -> bool:
        # an unanswered question meets no condition, as in rules: the default text stays
        return any(all(_profile_holds(c, profile.get(c.target)) for c in b) for b in self.branches)


def _profile_holds(c: Condition, value: str | None) -> bool:
    return value is not None and choice_holds(c, value)


def varied(default: Text, variants: tuple[Variant, ...], field_name: str, profile: Mapping[str, str]) -> Text:
    """The text of field_name for this profile: the first variant met that names it, else the default."""
    for v in variants:
        if field_name in v.texts and v.met(profile):
            return v.texts[field_name]
    return default


@dataclass(frozen=True)
class Task:
    text: Text
    owner: Text
    days: int  # 30, 90 or 180: when in the roadmap
    variants: tuple[Variant, ...] = ()  # text and owner for some profiles


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
    areas: tuple[str, ...] = ()  # the areas this step builds: no step for an area at 80+ unless a pitfall names it
    variants: tuple[Variant, ...] = ()  # title and summary for some profiles
    # the profile questions its variants and its tasks' variants test, in a fixed order: the answers
    # to these decide its wording, so they key the wording shared between diagnoses
    worded_by: tuple[str, ...] = ()

    @property
    def varies(self) -> bool:
        """Do its texts depend on the profile (so they cannot be shared by every diagnosis)?"""
        return bool(self.worded_by)


def _tested(variants) -> set[str]:
    return {c.target for v in variants for b in v.branches for c in b}


@dataclass(frozen=True)
class Flag:
    id: str
    kind: str  # consistency | dont_know
    title: Text
    summary: Text
    area: str | None = None  # consistency flags: the area whose score the contradiction puts in doubt


@dataclass(frozen=True)
class Advice:
    """One piece of the small-company advice, shown while `branches` (area scores) hold, or always.

    Why: "set KPIs early" is noise to a 150-person company whose KPIs are sound; each tip speaks
    to the area it builds, and goes when that area is strong.
    """

    text: Text
    branches: tuple[tuple[Condition, ...], ...] = ()  # area conditions; empty: always shown

    def shown(self, scores: Mapping[str, int | None]) -> bool:
        if not self.branches:
            return True
        return any(all(_area_holds(c, scores.get(c.target)) for c in b) for b in self.branches)


def _area_holds(c: Condition, area_score: int | None) -> bool:
    # an area without answers has no score: the tip stays, as nothing shows the area is strong
    if area_score is None or not isinstance(c.arg, Comparison):
        return area_score is None
    return COMPARE[c.arg.op](area_score, c.arg.num)


@dataclass(frozen=True)
class Catalog:
    version: str
    pitfalls: Mapping[str, Pitfall]
    steps: Mapping[str, Step]
    flags: Mapping[str, Flag]
    small_company_advice: tuple[Advice, ...]


# ---------------------------------------------------------------- rules


class Comparison(NamedTuple):
    """The argument of a score or count condition, like {lt: 2}."""

    op: str  # one of COMPARISONS
    num: float


@dataclass(frozen=True)
class Condition:
    kind: str  # "question" | "area"
    target: str  # question id or area id
    op: str  # is, in, not_in, includes, excludes, includes_any, count, score
    arg: str | tuple[str, ...] | Comparison  # is/includes/excludes: a value; in/not_in/includes_any: values
    why: Text | None = None


def choice_holds(c: Condition, value: str) -> bool:
    """Does a one-option answer meet an is/in/not_in condition? (Any other operator: no.)

    For the profile variants and for the reasons beside an answer; the engine decides what fires.
    """
    if c.op == "is":
        return value == c.arg
    if c.op == "in":
        return value in c.arg
    return c.op == "not_in" and value not in c.arg


@dataclass(frozen=True)
class Rule:
    id: str
    file: str
    line: int
    branches: tuple[tuple[Condition, ...], ...]  # disjunctive normal form of `when`
    effect: str  # pitfall | action | flag | counter
    target: str  # pitfall id (pitfall, counter), step id or flag id
    severity: str | None  # pitfalls and flags
    priority: int | None  # actions: 1 = most urgent
    why: Text  # actions: the reason; other rules give one per condition and may leave this empty
    counter: str | None = None  # counters: lower | suppress
    cancels: tuple[str, ...] = ()  # counters that suppress only these rules of the pitfall (empty: all of it)


@dataclass(frozen=True)
class RuleBook:
    version: str
    catalog: Catalog
    rules: tuple[Rule, ...]
    # rule id -> rule, and -> its position in file order: evidence and the engine name rules by id
    by_id: Mapping[str, Rule] = field(default_factory=dict, compare=False, repr=False)
    position: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        object.__setattr__(self, "by_id", {r.id: r for r in self.rules})
        object.__setattr__(self, "position", {r.id: i for i, r in enumerate(self.rules)})


# ---------------------------------------------------------------- reading the catalog


def _addressed_by(node: Mapping, r: Reader, owner: str) -> tuple[str, ...]:
    by = node.get("addressed_by")
    if not (isinstance(by, list) and by):
        r.add(node, owner, f"'addressed_by' must list the steps that remedy it, primary first, got {kind_of(by)}")
        return ()
    steps: list[str] = []
    for sid in by:
        if not (isinstance(sid, str) and sid in STEP_IDS):
            r.add(by, owner, f"'addressed_by' names unknown step {sid!r} (known: {', '.join(STEP_IDS)})", node)
        elif sid in steps:
            r.add(by, owner, f"'addressed_by' names step '{sid}' twice", node)
        else:
            steps.append(sid)
    return tuple(steps)


def _read_pitfalls(doc: Mapping, r: Reader) -> dict[str, Pitfall]:
    pitfalls: dict[str, Pitfall] = {}
    seen: dict[str, Mapping] = {}
    for i, node in r.entries(doc, "pitfalls"):
        pid = node.get("id")
        if not (isinstance(pid, str) and pid in PITFALL_IDS):
            r.add(node, f"pitfalls[{i}]", f"unknown pitfall id {pid!r} (fixed: {', '.join(PITFALL_IDS)})")
            continue
        if not r.unique(seen, pid, node, "pitfall id"):
            continue
        owner = f"pitfall '{pid}'"
        r.keys(node, {"id", "area", "title", "summary", "cost", "addressed_by"}, owner)
        pitfalls[pid] = Pitfall(
            id=pid,
            area=r.choice(node, "area", owner, AREA_IDS) or "",
            addressed_by=_addressed_by(node, r, owner),
            title=r.text(node, "title", owner) or {},
            summary=r.text(node, "summary", owner) or {},
            cost=r.text(node, "cost", owner) or {},
        )
    for pid in PITFALL_IDS:
        if pid not in pitfalls and pid not in seen:
            r.add(doc.get("pitfalls"), "", f"pitfall '{pid}' is not described", doc)
    return pitfalls


_VARIANT_OPS = ("is", "in", "not_in")


def _read_variants(node: Mapping, fields: tuple[str, ...], qn: Questionnaire, r: Reader, owner: str):
    """`variants: [{when: <profile conditions>, <field>: {ja, en}, ...}]`: texts for some companies."""
    variants: list[Variant] = []
    for j, v in r.entries(node, "variants", owner, required=False):
        v_owner = f"{owner}: variants[{j}]"
        r.keys(v, {"when", *fields}, v_owner)
        if "when" not in v:
            r.add(v, v_owner, "'when' is missing (the profile answers this variant is for)")
            continue
        branches = _read_when(v["when"], qn, r, v_owner, v)
        if branches is None:
            continue
        wrong = [
            c.target
            for b in branches
            for c in b
            if c.kind != "question" or qn.by_id[c.target].type != "profile" or c.op not in _VARIANT_OPS
        ]
        if wrong:
            r.add(
                v,
                v_owner,
                f"a variant tests profile questions only, with {', '.join(_VARIANT_OPS)} (got {', '.join(wrong)})",
            )
            continue
        if any(c.why is not None for b in branches for c in b):
            r.add(v, v_owner, "a variant's conditions take no 'why': nothing is printed beside them")
        texts = {f: t for f in fields if f in v and (t := r.text(v, f, v_owner)) is not None}
        if not any(f in v for f in fields):
            r.add(v, v_owner, f"a variant needs at least one of {', '.join(fields)}")
            continue
        variants.append(Variant(branches=tuple(tuple(b) for b in branches), texts=texts))
    return tuple(variants)


def _read_tasks(node: Mapping, qn: Questionnaire, r: Reader, owner: str) -> tuple[Task, ...]:
    tasks = []
    for j, t in r.entries(node, "tasks", owner):
        t_owner = f"{owner}: tasks[{j}]"
        r.keys(t, {"text", "owner", "days", "variants"}, t_owner)
        tasks.append(
            Task(
                text=r.text(t, "text", t_owner) or {},
                owner=r.text(t, "owner", t_owner) or {},
                days=r.choice(t, "days", t_owner, TASK_DAYS) or 0,
                variants=_read_variants(t, ("text", "owner"), qn, r, t_owner),
            )
        )
    return tuple(tasks)


def _read_areas(node: Mapping, r: Reader, owner: str) -> tuple[str, ...]:
    areas = node.get("areas")
    if not (isinstance(areas, list) and areas and all(isinstance(a, str) and a in AREA_IDS for a in areas)):
        r.add(node, owner, f"'areas' must list the areas the step builds (known: {', '.join(AREA_IDS)})")
        return ()
    if len(set(areas)) != len(areas):
        r.add(node, owner, "'areas' names an area twice")
    return tuple(areas)


def _read_steps(doc: Mapping, qn: Questionnaire, r: Reader) -> dict[str, Step]:
    steps: dict[str, Step] = {}
    for i, node in r.entries(doc, "steps"):
        sid = node.get("id")
        if i >= len(STEP_IDS):
            r.add(
                node, f"steps[{i}]", f"there are {len(STEP_IDS)} fixed steps ({', '.join(STEP_IDS)}); got {sid!r} too"
            )
            continue
        if sid != STEP_IDS[i]:
            r.add(node, "", f"step {i + 1} must be {STEP_IDS[i]!r} (steps are fixed and ordered), got {sid!r}")
            continue
        owner = f"step '{sid}'"
        r.keys(node, {"id", "title", "summary", "tasks", "areas", "variants"}, owner)
        tasks = _read_tasks(node, qn, r, owner)
        variants = _read_variants(node, ("title", "summary"), qn, r, owner)
        steps[sid] = Step(
            id=sid,
            number=i + 1,
            tasks=tasks,
            title=r.text(node, "title", owner) or {},
            summary=r.text(node, "summary", owner) or {},
            areas=_read_areas(node, r, owner),
            variants=variants,
            worded_by=tuple(sorted(_tested(variants).union(*(_tested(t.variants) for t in tasks)))),
        )
    for sid in STEP_IDS:
        if sid not in steps:
            r.add(doc.get("steps"), "", f"step '{sid}' is not described", doc)
    return steps


def _read_flags(doc: Mapping, r: Reader) -> dict[str, Flag]:
    flags: dict[str, Flag] = {}
    seen: dict[str, Mapping] = {}
    for i, node in r.entries(doc, "flags"):
        fid = r.ident(node, "id", f"flags[{i}]")
        if fid is None or not r.unique(seen, fid, node, "flag id"):
            continue
        owner = f"flag '{fid}'"
        r.keys(node, {"id", "kind", "title", "summary", "area"}, owner)
        kind = r.choice(node, "kind", owner, FLAG_KINDS)
        if fid == DONT_KNOW_FLAG and kind not in (None, DONT_KNOW_FLAG):
            r.add(node, owner, f"'kind' must be {DONT_KNOW_FLAG}: the \"don't know\" answers raise this flag")
        area = None
        if kind == "consistency":  # shown beside the score it doubts
            area = r.choice(node, "area", owner, AREA_IDS)
        elif "area" in node:
            r.add(node, owner, "only consistency flags name the 'area' whose score they doubt")
        flags[fid] = Flag(
            id=fid,
            kind=kind or "",
            title=r.text(node, "title", owner) or {},
            summary=r.text(node, "summary", owner) or {},
            area=area,
        )
    if DONT_KNOW_FLAG not in flags:
        r.add(doc.get("flags"), "", f"flag '{DONT_KNOW_FLAG}' (kind {DONT_KNOW_FLAG}) is not described", doc)
    return flags


def _read_advice(doc: Mapping, qn: Questionnaire, r: Reader) -> tuple[Advice, ...]:
    """Each item a {ja, en} text, or {text: {ja, en}, when: <area score conditions>}."""
    items = doc.get("small_company_advice")
    if not (isinstance(items, list) and items):
        r.add(doc, "", f"'small_company_advice' must be a list of {{ja, en}} texts, got {kind_of(items)}")
        return ()
    advice = []
    for i, node in enumerate(items):
        owner = f"small_company_advice[{i}]"
        if not (isinstance(node, Mapping) and "text" in node):
            # r.text reads a key of a mapping: give the item one, named for its place in the list
            advice.append(Advice(r.text({owner: node}, owner, "", near=(items, doc)) or {}))
            continue
        r.keys(node, {"text", "when"}, owner)
        text = r.text(node, "text", owner) or {}
        branches = _read_when(node["when"], qn, r, owner, node) if "when" in node else None
        if branches is None:
            r.add(node, owner, "an advice with 'text' needs 'when': the area scores it is shown for")
            continue
        if any(c.kind != "area" for b in branches for c in b):
            r.add(node, owner, "an advice's 'when' tests area scores only, like {area: kpi_design, score: {lt: 67}}")
            continue
        advice.append(Advice(text, tuple(tuple(b) for b in branches)))
    return tuple(advice)


def _read_catalog(doc, qn: Questionnaire, r: Reader) -> Catalog:
    doc = r.document(doc, "version, pitfalls, steps, flags and small_company_advice")
    if doc is None:
        return Catalog(version="", pitfalls={}, steps={}, flags={}, small_company_advice=())
    r.keys(doc, {"version", "pitfalls", "steps", "flags", "small_company_advice"}, "")
    steps = _read_steps(doc, qn, r)
    built = {a for s in steps.values() for a in s.areas}
    if steps and built and (unbuilt := [a for a in AREA_IDS if a not in built]):
        # the weakest area's step is the one recommended when nothing else is
        r.add(doc.get("steps"), "", f"no step builds area {', '.join(unbuilt)} ('areas' of a step)", doc)
    return Catalog(
        version=r.string(doc, "version") or "",
        pitfalls=_read_pitfalls(doc, r),
        steps=steps,
        flags=_read_flags(doc, r),
        small_company_advice=_read_advice(doc, qn, r),
    )


# ---------------------------------------------------------------- reading rules


def _comparison(node, r: Reader, owner: str, parent: Mapping, *, low: float, high: float) -> Comparison | None:
    if not (isinstance(node, Mapping) and len(node) == 1):
        r.add(node, owner, f"expected one comparison like {{lt: 2}}, got {kind_of(node)}", parent)
        return None
    ((op, num),) = node.items()
    if op not in COMPARISONS:
        r.add(node, owner, f"unknown operator '{op}' (known: {', '.join(COMPARISONS)})")
        return None
    if not (is_number(num) and low <= num <= high):
        r.add(node, owner, f"'{op}' needs a number from {low:g} to {high:g}, got {kind_of(num)}")
        return None
    return Comparison(op, num)


def _read_condition(node: Mapping, qn: Questionnaire, r: Reader, owner: str) -> Condition | None:
    keys = set(node)
    why = r.text(node, "why", owner, required=False)
    keys.discard("why")
    if "area" in keys:
        area = node["area"]
        if not (isinstance(area, str) and area in AREA_IDS):
            r.add(node, owner, f"unknown area {area!r} (known: {', '.join(AREA_IDS)})")
            return None
        extra = keys - {"area", "score"}
        if extra or "score" not in keys:
            r.add(
                node,
                owner,
                f"an area condition takes only 'score' (got {', '.join(sorted(map(str, extra))) or 'nothing'})",
            )
            return None
        cmp = _comparison(node["score"], r, f"{owner}: area '{area}' score", node, low=0, high=100)
        return cmp and Condition("area", area, "score", cmp, why)
    if "question" not in keys:
        r.add(node, owner, "a condition needs 'question' or 'area' (or nested all/any)")
        return None
    qid = node["question"]
    q = qn.by_id.get(qid) if isinstance(qid, str) else None
    if q is None:
        r.add(node, owner, f"unknown question {qid!r}")
        return None
    ops = keys - {"question"}
    if len(ops) != 1:
        r.add(
            node,
            owner,
            f"question '{qid}' needs exactly one operator (got {', '.join(sorted(map(str, ops))) or 'none'})",
        )
        return None
    op = ops.pop()
    arg = node[op]
    allowed = (_CHECKLIST_OPS if q.type == "checklist" else _CHOICE_OPS) | ({"score"} if q.scored else set())
    if op not in allowed:
        r.add(
            node, owner, f"unknown operator '{op}' for {q.type} question '{qid}' (known: {', '.join(sorted(allowed))})"
        )
        return None
    if op in ("score", "count"):
        high = 3 if op == "score" else len(q.counting)
        cmp = _comparison(arg, r, f"{owner}: question '{qid}' {op}", node, low=0, high=high)
        return cmp and Condition("question", qid, op, cmp, why)
    values = arg if op in _LIST_OPS else [arg]
    if not isinstance(values, list) or not values:
        wanted = "a list of values" if op in _LIST_OPS else "one value"
        r.add(node, owner, f"question '{qid}': '{op}' needs {wanted}, got {kind_of(arg)}")
        return None
    bad = [v for v in values if not isinstance(v, str) or q.option(v) is None]
    if bad:
        r.add(
            node,
            owner,
            f"question '{qid}': option value {', '.join(repr(v) for v in bad)} does not exist "
            f"(offered: {', '.join(o.value for o in q.options)})",
        )
        return None
    if len(set(values)) != len(values):
        r.add(node, owner, f"question '{qid}': '{op}' names a value twice")
        return None
    return Condition("question", qid, op, tuple(values) if op in _LIST_OPS else arg, why)


def _read_when(node, qn, r: Reader, owner: str, parent, depth: int = 0) -> list[list[Condition]] | None:
    """Turn a nested all/any tree into a list of branches (each an AND of conditions)."""
    if not isinstance(node, Mapping):
        r.add(node, owner, f"'when' and its all/any entries must be mappings, got {kind_of(node)}", parent)
        return None
    if not set(node) & {"all", "any"}:
        cond = _read_condition(node, qn, r, owner)
        return None if cond is None else [[cond]]
    if len(node) != 1:
        r.add(node, owner, "use either 'all' or 'any', alone")
        return None
    ((kind, items),) = node.items()
    if not isinstance(items, list) or not items:
        r.add(node, owner, f"'{kind}' needs a non-empty list, got {kind_of(items)}")
        return None
    if depth >= MAX_DEPTH:
        r.add(node, owner, f"'when' nests all/any more than {MAX_DEPTH} deep")
        return None
    read = [_read_when(child, qn, r, owner, items, depth + 1) for child in items]
    parts = [p for p in read if p is not None]
    if len(parts) != len(read):
        return None
    # Count before expanding: a product of a few 'any's grows exponentially.
    count = sum(map(len, parts)) if kind == "any" else math.prod(map(len, parts))
    if count > MAX_BRANCHES:
        r.add(node, owner, f"'when' expands to {count} alternatives (max {MAX_BRANCHES})")
        return None
    if kind == "any":
        return [branch for part in parts for branch in part]
    return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]


class _Then(NamedTuple):
    effect: str = ""  # blank where a problem was recorded
    target: str = ""
    severity: str | None = None
    priority: int | None = None
    counter: str | None = None
    cancels: tuple[str, ...] = ()


def _read_counter(then: Mapping, node: Mapping, r: Reader, owner: str, target: str) -> _Then:
    r.keys(then, {"counter", "effect", "rules"}, f"{owner}: then")
    effect = r.choice(then, "effect", owner, COUNTER_EFFECTS, label="then.effect")
    cancels = then.get("rules", [])
    if not (isinstance(cancels, list) and all(isinstance(c, str) for c in cancels)):
        r.add(then, owner, f"'then.rules' must list rule ids of pitfall '{target}', got {kind_of(cancels)}", node)
        cancels = []
    if cancels and effect != "suppress":
        r.add(then, owner, "'then.rules' goes with effect: suppress (it names the rules to drop)", node)
    return _Then("counter", target, counter=effect, cancels=tuple(cancels))


def _read_then(node: Mapping, catalog: Catalog, r: Reader, owner: str) -> _Then:
    then = node.get("then")
    if not isinstance(then, Mapping):
        found = (
            "is missing"
            if then is None
            else f"must be a mapping like {{pitfall: silo, severity: high}}, got {kind_of(then)}"
        )
        r.add(node, owner, f"'then' {found}")
        return _Then()
    kinds = [k for k in ("pitfall", "action", "flag", "counter") if k in then]
    if len(kinds) != 1:
        r.add(then, owner, "'then' needs exactly one of pitfall, action, flag, counter", node)
        return _Then()
    effect = kinds[0]
    target = then[effect]
    known = {"pitfall": catalog.pitfalls, "action": catalog.steps, "flag": catalog.flags, "counter": catalog.pitfalls}[
        effect
    ]
    if not (isinstance(target, str) and target in known):
        r.add(then, owner, f"unknown {effect} {target!r} (known: {', '.join(known)})", node)
        target = ""
    elif effect == "flag" and target == DONT_KNOW_FLAG:
        r.add(
            then,
            owner,
            f"flag '{DONT_KNOW_FLAG}' is raised by the \"don't know\" answers themselves, not by rules",
            node,
        )
    if effect == "counter":
        return _read_counter(then, node, r, owner, target)
    if effect == "action":
        r.keys(then, {"action", "priority"}, f"{owner}: then")
        return _Then(effect, target, priority=r.choice(then, "priority", owner, (1, 2, 3), label="then.priority"))
    r.keys(then, {effect, "severity"}, f"{owner}: then")
    return _Then(effect, target, severity=r.choice(then, "severity", owner, tuple(SEVERITIES), label="then.severity"))


def _check_evidence(node: Mapping, branches: list[list[Condition]], then: _Then, r: Reader, owner: str) -> None:
    """What a finding's evidence needs: a question per alternative, a reason per condition, two questions for high."""
    if not all(any(c.kind == "question" for c in b) for b in branches):
        r.add(node, owner, "every alternative needs a question condition, to give evidence")
    for c in {c for b in branches for c in b if c.kind == "question" and c.why is None}:
        r.add(node, owner, f"the condition on '{c.target}' needs its own 'why' (the reason printed beside its answer)")
    if then.effect == "pitfall" and then.severity == "high":
        for b in branches:
            if len({c.target for c in b if c.kind == "question"}) < 2:
                r.add(
                    node,
                    owner,
                    "a high severity needs two signals from different questions in every alternative "
                    f"(one alternative tests only {', '.join(sorted({c.target for c in b}))})",
                )


def _read_rule(i: int, node: Mapping, qn: Questionnaire, catalog: Catalog, r: Reader) -> Rule | None:
    rid = r.ident(node, "id", f"rules[{i}]")
    if rid is None:
        return None
    owner = f"rule '{rid}'"
    r.keys(node, {"id", "when", "then", "why"}, owner)
    then = _read_then(node, catalog, r, owner)
    # an action's reason is the rule's; other rules give one per condition
    why = r.text(node, "why", owner, required=then.effect == "action")
    if "when" not in node:
        r.add(node, owner, "'when' is missing")
        return None
    branches = _read_when(node["when"], qn, r, owner, node)
    if branches is None:
        return None
    if then.effect in ("pitfall", "flag", "counter"):
        _check_evidence(node, branches, then, r, owner)
    return Rule(
        id=rid,
        file=r.path.name,
        line=getattr(node, "line", 0),
        branches=tuple(tuple(b) for b in branches),
        effect=then.effect,
        target=then.target,
        severity=then.severity,
        priority=then.priority,
        why=why or {},
        counter=then.counter,
        cancels=then.cancels,
    )


def _check_counters(rules: list[Rule], directory: Path, problems: list[str]) -> None:
    """A counter's `rules` are rules of the pitfall it counters (known only once every file is read)."""
    by_id = {r.id: r for r in rules}
    for rule in rules:
        for rid in rule.cancels:
            named = by_id.get(rid)
            if named is None or named.effect != "pitfall" or named.target != rule.target:
                problems.append(
                    f"{directory / rule.file}:{rule.line}: rule '{rule.id}': 'then.rules' names {rid!r}, "
                    f"which is not a rule of pitfall '{rule.target}'"
                )


def load_rules(directory: Path | str | None = None, questionnaire: Questionnaire | None = None) -> RuleBook:
    """Load the catalog and every rules/*.yaml; raise DataError listing every problem."""
    directory = Path(directory or paths.RULES_DIR)
    qn = questionnaire or default_questionnaire()
    problems: list[str] = []
    doc, raw = read_yaml(directory / "catalog.yaml")
    catalog = _read_catalog(doc, qn, Reader(directory / "catalog.yaml", problems))
    digest = hashlib.sha256(raw)
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for path in sorted(directory.glob("*.yaml")):
        if path.name == "catalog.yaml":
            continue
        doc, raw = read_yaml(path)
        digest.update(raw)
        r = Reader(path, problems)
        doc = r.document(doc, "a 'rules' list")
        if doc is None:
            continue
        r.keys(doc, {"rules"}, "")
        for i, node in r.entries(doc, "rules"):
            rule = _read_rule(i, node, qn, catalog, r)
            if rule is None:
                continue
            if rule.id in seen:
                first = seen[rule.id]
                problems.append(
                    f"{path}:{rule.line}: duplicate rule id '{rule.id}' (first in {first.file}:{first.line})"
                )
                continue
            seen[rule.id] = rule
            rules.append(rule)
    _check_counters(rules, directory, problems)
    if problems:
        raise DataError(problems)
    return RuleBook(version=f"{catalog.version}+{digest.hexdigest()[:8]}", catalog=catalog, rules=tuple(rules))


@lru_cache(maxsize=1)
def default_rulebook() -> RuleBook:
    return load_rules()
