"""The question bank: load questions/*.yaml, validate it, expose it read-only.

The format is documented in questions/README.md. Every problem found is
collected and raised together as one DataError naming file, line, question
and key, so an editor fixes a file in one pass.
"""
from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from assessment import paths
from assessment.bank.text import Text, as_list, read_text, unknown_keys
from assessment.bank.yamlio import DataError, load_yaml, where

AREA_IDS = ("alignment", "goal_linkage", "short_termism", "kpi_design", "review_cadence")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_VALUE = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    explain: Text | None = None
    score: int | None = None  # choice: 0..3; checklist/profile: None
    dont_know: bool = False
    counts: bool = True  # checklist: does selecting it count toward the score
    small: bool = False  # profile: marks a small-company answer


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    section: str  # an area id, or "profile"
    text: Text
    options: tuple[Option, ...]
    hint: Text | None = None
    factual: bool = False
    thresholds: tuple[int, ...] = ()  # checklist: counts needed for score 1, 2, 3
    line: int = 0
    file: str = ""

    @cached_property
    def scored(self) -> bool:
        return QUESTION_TYPES[self.type].scored

    @cached_property
    def _by_value(self) -> dict[str, Option]:
        return {o.value: o for o in self.options}

    def option(self, value: str) -> Option | None:
        return self._by_value.get(value)

    @cached_property
    def _rank(self) -> dict[str, int]:
        return {o.value: i for i, o in enumerate(self.options)}

    def sorted_values(self, values) -> tuple[str, ...]:
        """Offered option values in the order the question lists them (KeyError if one is not offered)."""
        return tuple(sorted(values, key=self._rank.__getitem__))

    @cached_property
    def counting(self) -> frozenset[str]:
        """Checklist: the option values that count toward the score."""
        return frozenset(o.value for o in self.options if o.counts)


@dataclass(frozen=True)
class Area:
    id: str
    name: Text
    description: Text
    mature: Text


@dataclass(frozen=True)
class Level:
    number: int
    min: int
    name: Text
    description: Text


@dataclass(frozen=True)
class Questionnaire:
    version: str
    areas: tuple[Area, ...]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question] = field(repr=False, compare=False, hash=False, default_factory=dict)

    def area(self, area_id: str) -> Area:
        return next(a for a in self.areas if a.id == area_id)

    def in_section(self, section: str) -> tuple[Question, ...]:
        return self._sections.get(section, ())

    @cached_property
    def _sections(self) -> dict[str, tuple[Question, ...]]:
        out: dict[str, list[Question]] = {}
        for q in self.questions:
            out.setdefault(q.section, []).append(q)
        return {k: tuple(v) for k, v in out.items()}

    @cached_property
    def scored_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.scored)

    @cached_property
    def dont_know_answers(self) -> frozenset[tuple[str, str]]:
        """(question id, option value) of every "don't know" option."""
        return frozenset((q.id, o.value) for q in self.questions for o in q.options if o.dont_know)

    @cached_property
    def position(self) -> dict[str, int]:
        """Question id -> index in bank order (for sorting answers and evidence)."""
        return {q.id: i for i, q in enumerate(self.questions)}

    @cached_property
    def single_answers(self) -> dict[str, dict[str, int | None]]:
        """Question id -> option value -> item score, for questions answered with one option.

        Every valid single answer is in here, so checking and scoring one is
        a lookup; the question types stay the authority on the score.
        """
        return {
            q.id: {o.value: QUESTION_TYPES[q.type].item_score(q, o.value) for o in q.options}
            for q in self.questions if not QUESTION_TYPES[q.type].multiple
        }

    @cached_property
    def _level_mins(self) -> tuple[float, ...]:
        return tuple(lv.min for lv in self.levels)

    def level_for(self, score: float) -> Level:
        # levels rise strictly by min and the first starts at 0 (checked on load)
        return self.levels[bisect_right(self._level_mins, score) - 1]


# ---------------------------------------------------------------- question types


class ChoiceType:
    """One of four behaviourally anchored options scored 0..3 (+ don't know)."""

    scored = True
    multiple = False  # answered with one option value
    keys = {"options"}

    def read_options(self, q: Mapping, path: Path, owner: str, problems: list[str]) -> tuple[Option, ...]:
        opts = []
        for i, node in enumerate(as_list(q.get("options"))):
            o = _read_option(node, i, path, owner, problems, allowed={"score", "dont_know", "explain"})
            if o is None:
                continue
            if o.score is None:
                problems.append(f"{where(path, node)}: {owner}: options[{i}] '{o.value}': 'score' is missing")
            elif o.dont_know and o.score != 0:
                problems.append(f"{where(path, node)}: {owner}: options[{i}] '{o.value}': a dont_know option scores 0")
            if o.explain is None:
                problems.append(f"{where(path, node)}: {owner}: options[{i}] '{o.value}': 'explain' is missing")
            opts.append(o)
        scores = sorted(o.score for o in opts if not o.dont_know and o.score is not None)
        if opts and scores != [0, 1, 2, 3]:
            problems.append(f"{where(path, q)}: {owner}: options must be scored 0, 1, 2, 3 once each (got {scores})")
        if any(o.dont_know for o in opts) and not q.get("factual"):
            problems.append(f"{where(path, q)}: {owner}: a dont_know option is allowed only on factual questions")
        return tuple(opts)

    def read(self, q: Question, raw) -> str | None:
        """The answer as stored, or None when check() has a problem with it."""
        return raw if isinstance(raw, str) and q.option(raw) is not None else None

    def check(self, q: Question, raw) -> str | None:
        if not isinstance(raw, str):
            return f"expected one option value, got {type(raw).__name__}"
        if q.option(raw) is None:
            return f"'{raw}' is not an option (offered: {', '.join(o.value for o in q.options)})"
        return None

    def item_score(self, q: Question, answer) -> int:
        return q.option(answer).score


class ProfileType(ChoiceType):
    """A single choice about the respondent's company; never scored."""

    scored = False

    def read_options(self, q, path, owner, problems):
        opts = []
        for i, node in enumerate(as_list(q.get("options"))):
            o = _read_option(node, i, path, owner, problems, allowed={"small", "explain"})
            if o is not None:
                opts.append(o)
        return tuple(opts)

    def item_score(self, q, answer):
        return None


class ChecklistType:
    """Tick all that apply; scored by how many counting options are ticked."""

    scored = True
    multiple = True  # answered with a list of option values
    keys = {"options", "thresholds"}

    def read_options(self, q, path, owner, problems):
        opts = []
        for i, node in enumerate(as_list(q.get("options"))):
            o = _read_option(node, i, path, owner, problems, allowed={"counts", "explain"})
            if o is None:
                continue
            if o.explain is None:
                problems.append(f"{where(path, node)}: {owner}: options[{i}] '{o.value}': 'explain' is missing")
            opts.append(o)
        th = q.get("thresholds")
        counting = sum(o.counts for o in opts)
        if not (isinstance(th, list) and len(th) == 3 and all(isinstance(n, int) and not isinstance(n, bool) for n in th)):
            problems.append(f"{where(path, q)}: {owner}: 'thresholds' must be three integers (counts for score 1, 2, 3)")
        elif not (0 < th[0] < th[1] < th[2] <= counting):
            problems.append(
                f"{where(path, q)}: {owner}: 'thresholds' {th} must rise strictly and reach at most {counting} counting options"
            )
        return tuple(opts)

    def read(self, q: Question, raw) -> tuple[str, ...] | None:
        """The ticked values in the question's order, or None when check() has a problem."""
        if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) for v in raw):
            return None
        try:
            ticked = q.sorted_values(raw)
        except KeyError:  # not offered
            return None
        return ticked if len(set(ticked)) == len(ticked) else None

    def check(self, q: Question, raw) -> str | None:
        if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) for v in raw):
            return f"expected a list of option values, got {type(raw).__name__}"
        bad = [v for v in raw if q.option(v) is None]
        if bad:
            return (
                f"{', '.join(repr(v) for v in bad)} not offered "
                f"(offered: {', '.join(o.value for o in q.options)})"
            )
        if len(set(raw)) != len(raw):
            return "an option is ticked twice"
        return None

    def item_score(self, q: Question, answer) -> int:
        # answer holds each value once; thresholds rise strictly (checked on load)
        return bisect_right(q.thresholds, len(q.counting.intersection(answer)))


QUESTION_TYPES = {"choice": ChoiceType(), "checklist": ChecklistType(), "profile": ProfileType()}


def _read_option(node, i, path, owner, problems, *, allowed: set[str]) -> Option | None:
    if not isinstance(node, Mapping):
        problems.append(f"{path}: {owner}: options[{i}] must be a mapping")
        return None
    unknown_keys(node, {"value", "label"} | allowed, path, f"{owner}: options[{i}]", problems)
    value = node.get("value")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not _VALUE.match(value):
        problems.append(f"{where(path, node)}: {owner}: options[{i}]: 'value' must be a lowercase id")
        return None
    o_owner = f"{owner}: option '{value}'"
    label = read_text(node, "label", path, o_owner, problems)
    explain = read_text(node, "explain", path, o_owner, problems, required=False) if "explain" in node else None
    score = node.get("score")
    if score is not None and (not isinstance(score, int) or isinstance(score, bool) or not 0 <= score <= 3):
        problems.append(f"{where(path, node)}: {o_owner}: 'score' must be an integer 0..3")
        score = None
    flags = {}
    for key in ("dont_know", "counts", "small"):
        if key in node and not isinstance(node[key], bool):
            problems.append(f"{where(path, node)}: {o_owner}: '{key}' must be true or false")
        elif key in node:
            flags[key] = node[key]
    return Option(value=value, label=label or {}, explain=explain, score=score, **flags)


# ---------------------------------------------------------------- loading


def _read_question(node, section: str, path: Path, problems: list[str]) -> Question | None:
    if not isinstance(node, Mapping):
        problems.append(f"{path}: each entry of 'questions' must be a mapping")
        return None
    qid = node.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        problems.append(f"{where(path, node)}: question without a valid 'id'")
        return None
    owner = f"question '{qid}'"
    qtype = node.get("type")
    kind = QUESTION_TYPES.get(qtype)
    if kind is None:
        problems.append(
            f"{where(path, node)}: {owner}: unknown type {qtype!r} (known: {', '.join(QUESTION_TYPES)})"
        )
        return None
    if (section == "profile") != (qtype == "profile"):
        problems.append(f"{where(path, node)}: {owner}: type '{qtype}' does not belong in {path.name}")
    unknown_keys(node, {"id", "type", "text", "hint", "factual"} | kind.keys, path, owner, problems)
    text = read_text(node, "text", path, owner, problems)
    hint = read_text(node, "hint", path, owner, problems, required=False)
    options = kind.read_options(node, path, owner, problems)
    if not options:
        problems.append(f"{where(path, node)}: {owner}: 'options' is missing or empty")
    seen = set()
    for o in options:
        if o.value in seen:
            problems.append(f"{where(path, node)}: {owner}: duplicate option value '{o.value}'")
        seen.add(o.value)
    return Question(
        id=qid, type=qtype, section=section, text=text or {}, hint=hint, options=options,
        factual=bool(node.get("factual", False)), thresholds=tuple(node.get("thresholds") or ()),
        line=getattr(node, "line", 0), file=path.name,
    )


def _read_areas(path: Path, problems: list[str]) -> tuple[str, list[Area], list[Level]]:
    doc = load_yaml(path)
    if not isinstance(doc, Mapping):
        raise DataError([f"{path}: expected a mapping with 'version', 'areas' and 'levels'"])
    version = str(doc.get("version") or "")
    if not version:
        problems.append(f"{where(path, doc)}: 'version' is missing")
    areas = []
    for node in as_list(doc.get("areas")):
        aid = node.get("id") if isinstance(node, Mapping) else None
        if aid not in AREA_IDS:
            problems.append(f"{where(path, node)}: unknown area id {aid!r} (fixed: {', '.join(AREA_IDS)})")
            continue
        owner = f"area '{aid}'"
        areas.append(Area(
            id=aid,
            name=read_text(node, "name", path, owner, problems) or {},
            description=read_text(node, "description", path, owner, problems) or {},
            mature=read_text(node, "mature", path, owner, problems) or {},
        ))
    if [a.id for a in areas] != list(AREA_IDS) and not problems:
        problems.append(f"{path}: 'areas' must list exactly {', '.join(AREA_IDS)} in that order")
    levels = []
    for node in as_list(doc.get("levels")):
        num, low = node.get("number"), node.get("min")
        if not (isinstance(num, int) and isinstance(low, (int, float))):
            problems.append(f"{where(path, node)}: a level needs integer 'number' and numeric 'min'")
            continue
        owner = f"level {num}"
        levels.append(Level(
            number=num, min=low,
            name=read_text(node, "name", path, owner, problems) or {},
            description=read_text(node, "description", path, owner, problems) or {},
        ))
    if [lv.number for lv in levels] != [1, 2, 3, 4, 5] or levels[0].min != 0 or any(
        a.min >= b.min for a, b in zip(levels, levels[1:])
    ):
        problems.append(f"{path}: 'levels' must be numbers 1..5 with rising 'min', starting at 0")
    return version, areas, levels


def load_questionnaire(directory: Path | str | None = None) -> Questionnaire:
    """Load and validate the question bank; raise DataError listing every problem."""
    directory = Path(directory or paths.QUESTIONS_DIR)
    problems: list[str] = []
    version, areas, levels = _read_areas(directory / "areas.yaml", problems)
    questions: list[Question] = []
    digest = hashlib.sha256()
    for section in ("profile", *AREA_IDS):
        path = directory / f"{section}.yaml"
        if not path.exists():
            problems.append(f"{path}: file is missing")
            continue
        digest.update(path.read_bytes())
        doc = load_yaml(path)
        if not isinstance(doc, Mapping) or not isinstance(doc.get("questions"), list):
            problems.append(f"{path}: expected a mapping with a 'questions' list")
            continue
        if section != "profile" and doc.get("area") != section:
            problems.append(f"{where(path, doc)}: 'area' must be '{section}' (the file's name)")
        for node in doc["questions"]:
            q = _read_question(node, section, path, problems)
            if q is not None:
                questions.append(q)
        if section != "profile" and not any(q.section == section for q in questions):
            problems.append(f"{path}: area '{section}' has no questions")
    seen: dict[str, Question] = {}
    for q in questions:
        if q.id in seen:
            first = seen[q.id]
            problems.append(
                f"{directory / q.file}:{q.line}: duplicate question id '{q.id}' (first at {first.file}:{first.line})"
            )
        seen.setdefault(q.id, q)
    if problems:
        raise DataError(problems)
    digest.update((directory / "areas.yaml").read_bytes())
    return Questionnaire(
        version=f"{version}+{digest.hexdigest()[:8]}", areas=tuple(areas), levels=tuple(levels),
        questions=tuple(questions), by_id=seen,
    )


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    return load_questionnaire()
