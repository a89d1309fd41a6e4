"""The question bank: load questions/*.yaml, validate it, expose it read-only.

The format is documented in questions/README.md. Every problem found is
collected and raised together as one DataError naming file, line, question
and key, so an editor fixes a file in one pass.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import pairwise
from pathlib import Path

from assessment import paths
from assessment.bank.reader import Reader, is_number, kind_of
from assessment.bank.roles import ROLES
from assessment.bank.text import Text
from assessment.bank.types import QUESTION_TYPES, Option, QuestionType  # noqa: F401 - re-exported
from assessment.bank.yamlio import DataError, read_yaml

AREA_IDS = ("alignment", "goal_linkage", "short_termism", "kpi_design", "review_cadence")
LEVEL_NUMBERS = (1, 2, 3, 4, 5)
_QUESTION_KEYS = {"id", "type", "text", "hint", "factual"}


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
    # retired only: the asked question whose values mean the same (questions/retired.yaml 'replaced_by')
    replaced_by: str = ""
    # Option values no longer offered (questions/retired.yaml 'options'): their labels, to show stored answers
    retired_labels: Mapping[str, Text] = field(repr=False, compare=False, hash=False, default_factory=dict)

    @cached_property
    def scored(self) -> bool:
        return QUESTION_TYPES[self.type].scored

    @cached_property
    def _by_value(self) -> dict[str, Option]:
        return {o.value: o for o in self.options}

    def option(self, value: str) -> Option | None:
        return self._by_value.get(value)

    def label(self, value: str, locale: str) -> str:
        """The answer as the respondent saw it: an offered option, a retired one, or else the value itself."""
        o = self._by_value.get(value)
        text = o.label if o else self.retired_labels.get(value)
        return text[locale] if text else value

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
    min: float  # the lowest overall score (0..100) of this level
    name: Text
    description: Text


@dataclass(frozen=True)
class Questionnaire:
    version: str
    areas: tuple[Area, ...]
    levels: tuple[Level, ...]
    questions: tuple[Question, ...]
    by_id: Mapping[str, Question] = field(repr=False, compare=False, hash=False, default_factory=dict)
    # "{area} is the weakest…": the sentence explaining a capped level, with {area}, {level}, {uncapped}
    level_cap: Text = field(default_factory=dict, compare=False, hash=False)
    # questions no longer asked (questions/retired.yaml): read only to show diagnoses stored before
    retired: Mapping[str, Question] = field(repr=False, compare=False, hash=False, default_factory=dict)

    def shown(self, qid: str) -> Question | None:
        """The question as a stored diagnosis shows it: asked now, or retired since."""
        return self.by_id.get(qid) or self.retired.get(qid)

    def answer_label(self, qid: str, value: str | None, locale: str) -> str:
        """A stored answer's label (a lead's size or role, a profile answer), under any bank version."""
        if not value:
            return ""
        q = self.shown(qid)
        return q.label(value, locale) if q else value

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
            for q in self.questions
            if not QUESTION_TYPES[q.type].multiple
        }

    @cached_property
    def _level_mins(self) -> tuple[float, ...]:
        return tuple(lv.min for lv in self.levels)

    def level_for(self, score: float) -> Level:
        # levels rise strictly by min and the first starts at 0 (checked on load)
        return self.levels[bisect_right(self._level_mins, score) - 1]


# ---------------------------------------------------------------- loading


def _read_question(i: int, node: Mapping, section: str, r: Reader, extra: frozenset = frozenset()) -> Question | None:
    qid = r.ident(node, "id", f"questions[{i}]")
    if qid is None:
        return None
    owner = f"question '{qid}'"
    qtype = node.get("type")
    if not (isinstance(qtype, str) and qtype in QUESTION_TYPES):
        known = ", ".join(QUESTION_TYPES)
        found = (
            f"unknown type {qtype!r}"
            if isinstance(qtype, str)
            else f"'type' must be one of {known}, got {kind_of(qtype)}"
        )
        r.add(node, owner, f"{found} (known: {known})")
        return None
    kind = QUESTION_TYPES[qtype]
    if (section == "profile") != (qtype == "profile"):
        r.add(node, owner, f"type '{qtype}' does not belong in {r.path.name}")
    r.keys(node, _QUESTION_KEYS | kind.keys | extra, owner)
    factual = r.flag(node, "factual", owner)
    fields = kind.read_fields(node, r, owner, factual=factual)
    return Question(
        id=qid,
        type=qtype,
        section=section,
        factual=factual,
        text=r.text(node, "text", owner) or {},
        hint=r.text(node, "hint", owner, required=False),
        line=getattr(node, "line", 0),
        file=r.path.name,
        **fields,
    )


def _read_levels(doc: Mapping, r: Reader) -> list[Level]:
    levels = []
    for i, node in r.entries(doc, "levels"):
        owner = f"levels[{i}]"
        r.keys(node, {"number", "min", "name", "description"}, owner)
        number = r.choice(node, "number", owner, LEVEL_NUMBERS)
        low = node.get("min")
        if not (is_number(low) and 0 <= low <= 100):
            r.add(node, owner, f"'min' must be a number 0..100, got {kind_of(low)}")
            low = None
        owner = f"level {number}" if number else owner
        name = r.text(node, "name", owner) or {}
        description = r.text(node, "description", owner) or {}
        if number is not None and low is not None:
            levels.append(Level(number=number, min=low, name=name, description=description))
    numbered = [lv.number for lv in levels] == list(LEVEL_NUMBERS)  # so levels[0] exists below
    if not (numbered and levels[0].min == 0 and all(a.min < b.min for a, b in pairwise(levels))):
        r.add(doc.get("levels"), "", "'levels' must be numbers 1..5 with rising 'min', starting at 0", doc)
    return levels


_LEVEL_CAP_FIELDS = ("{area}", "{level}", "{uncapped}")


def _read_level_cap(doc: Mapping, r: Reader) -> Text:
    text = r.text(doc, "level_cap", "") or {}
    for loc, s in text.items():
        missing = [f for f in _LEVEL_CAP_FIELDS if f not in s]
        if missing:
            r.add(doc.get("level_cap"), "", f"'level_cap.{loc}' must name {', '.join(missing)}", doc)
    return text


def _read_areas(doc, r: Reader) -> tuple[str, list[Area], list[Level]]:
    doc = r.document(doc, "'version', 'areas', 'levels' and 'level_cap'")
    if doc is None:
        return "", [], []
    r.keys(doc, {"version", "areas", "levels", "level_cap"}, "")
    version = r.string(doc, "version") or ""
    areas = []
    for i, node in r.entries(doc, "areas"):
        aid = node.get("id")
        if not (isinstance(aid, str) and aid in AREA_IDS):
            r.add(node, f"areas[{i}]", f"unknown area id {aid!r} (fixed: {', '.join(AREA_IDS)})")
            continue
        owner = f"area '{aid}'"
        r.keys(node, {"id", "name", "description", "mature"}, owner)
        areas.append(
            Area(
                id=aid,
                name=r.text(node, "name", owner) or {},
                description=r.text(node, "description", owner) or {},
                mature=r.text(node, "mature", owner) or {},
            )
        )
    if [a.id for a in areas] != list(AREA_IDS):
        r.add(doc.get("areas"), "", f"'areas' must list exactly {', '.join(AREA_IDS)} in that order", doc)
    return version, areas, _read_levels(doc, r)


def _read_section(section: str, doc, r: Reader) -> list[Question]:
    doc = r.document(doc, "a 'questions' list")
    if doc is None:
        return []
    r.keys(doc, {"questions"} if section == "profile" else {"area", "questions"}, "")
    if section != "profile" and doc.get("area") != section:
        r.add(doc, "", f"'area' must be '{section}' (the file's name)")
    questions = [q for i, node in r.entries(doc, "questions") if (q := _read_question(i, node, section, r))]
    if section != "profile" and not questions:
        r.add(doc, "", f"area '{section}' has no questions")
    return questions


def _check_roles(by_id: Mapping[str, Question], readers: Mapping[str, tuple[Reader, Mapping]]) -> None:
    """The questions other code reads by id (assessment/bank/roles.py) are there, as it expects them."""
    for role in ROLES:
        q = by_id.get(role.question)
        if q is None:
            if role.section in readers:
                r, doc = readers[role.section]
                r.add(doc, "", f"question '{role.question}' is missing (used by {role.reader})")
            continue
        r, owner = readers[q.section][0], f"question '{q.id}'"
        if q.type != role.type:
            r.add(q, owner, f"'type' must be {role.type} (used by {role.reader})")
        missing = [v for v in role.values if q.option(v) is None]
        if missing:
            r.add(q, owner, f"'options' lack {', '.join(missing)} (used by {role.reader})")
        for key in role.option_keys:  # the small-company test reads these (assessment/bank/sme.py)
            bounded = [o for o in q.options if getattr(o, key) is not None]
            # an open-ended last band; a question left without options is reported where it is read
            open_ended = (
                key == "employees_max"
                and bool(q.options)
                and [o for o in q.options if o.employees_max is None] == [q.options[-1]]
            )
            if len(bounded) != len(q.options) and not open_ended:
                r.add(q, owner, f"every option needs '{key}' (used by {role.reader})")


def _read_retired_options(doc: Mapping, r: Reader, asked: dict[str, Question]) -> None:
    """retired.yaml's 'options': values an asked question no longer offers, each with its label (stored rows
    still hold them). The asked questions in `asked` are replaced by copies that know these labels."""
    labels: dict[str, dict[str, Text]] = {}
    for i, node in r.entries(doc, "options", required=False):
        owner = f"options[{i}]"
        r.keys(node, {"question", "value", "label"}, owner)
        qid, value = node.get("question"), r.ident(node, "value", owner)
        label = r.text(node, "label", owner)
        if not (isinstance(qid, str) and qid in asked):
            r.add(node, owner, f"'question' must be an asked question id, got {qid!r}")
        elif value is not None and asked[qid].option(value) is not None:
            r.add(node, owner, f"'{value}' is still an option of {qid}: it is not retired")
        elif value is not None and label:
            labels.setdefault(qid, {})[value] = label
    for qid, by_value in labels.items():
        asked[qid] = replace(asked[qid], retired_labels=by_value)


def _read_retired(path: Path, r: Reader, asked: dict[str, Question]) -> dict[str, Question]:
    """questions/retired.yaml: each entry an area question as it was, plus the 'area' it was asked in."""
    doc, _ = read_yaml(path)
    doc = r.document(doc, "a 'questions' list")
    if doc is None:
        return {}
    r.keys(doc, {"questions", "options"}, "")
    _read_retired_options(doc, r, asked)
    retired: dict[str, Question] = {}
    for i, node in r.entries(doc, "questions"):
        area = r.choice(node, "area", f"questions[{i}]", AREA_IDS)
        q = _read_question(i, node, area or AREA_IDS[0], r, frozenset({"area", "replaced_by"}))
        if q is None:
            continue
        if q.id in asked or q.id in retired:
            r.add(node, f"question '{q.id}'", "a retired question id must not be asked, nor retired twice")
        successor = node.get("replaced_by")
        if successor is not None:
            q = replace(q, replaced_by=_successor(q, successor, node, r, asked))
        retired[q.id] = q
    return retired


def _successor(q: Question, successor: object, node: Mapping, r: Reader, asked: Mapping[str, Question]) -> str:
    """'replaced_by': the asked question whose options mean what this retired one's did, value for value
    and score for score, so its stored answers compare with the successor's (diagnose/compare.py)."""
    owner = f"question '{q.id}'"
    new = asked.get(successor) if isinstance(successor, str) else None
    if new is None or new.type != q.type:
        r.add(node, owner, f"'replaced_by' must be an asked question of type {q.type}, got {successor!r}")
        return ""
    differ = [o.value for o in q.options if (n := new.option(o.value)) is None or n.score != o.score]
    if differ:
        r.add(node, owner, f"'replaced_by' {successor} lacks or scores differently: {', '.join(differ)}")
        return ""
    return new.id


def load_questionnaire(directory: Path | str | None = None) -> Questionnaire:
    """Load and validate the question bank; raise DataError listing every problem."""
    directory = Path(directory or paths.QUESTIONS_DIR)
    problems: list[str] = []
    areas_doc, areas_bytes = read_yaml(directory / "areas.yaml")
    areas_reader = Reader(directory / "areas.yaml", problems)
    version, areas, levels = _read_areas(areas_doc, areas_reader)
    level_cap = _read_level_cap(areas_doc, areas_reader) if isinstance(areas_doc, Mapping) else {}
    questions: list[Question] = []
    readers: dict[str, tuple[Reader, Mapping]] = {}
    digest = hashlib.sha256()
    for section in ("profile", *AREA_IDS):
        path = directory / f"{section}.yaml"
        if not path.is_file():
            problems.append(f"{path}: file is missing")
            continue
        doc, raw = read_yaml(path)
        digest.update(raw)
        r = Reader(path, problems)
        questions += _read_section(section, doc, r)
        readers[section] = (r, doc)
    seen: dict[str, Question] = {}
    for q in questions:
        if q.id in seen:
            first = seen[q.id]
            problems.append(
                f"{directory / q.file}:{q.line}: duplicate question id '{q.id}' (first at {first.file}:{first.line})"
            )
        seen.setdefault(q.id, q)
    _check_roles(seen, readers)
    retired_path = directory / "retired.yaml"
    retired = _read_retired(retired_path, Reader(retired_path, problems), seen) if retired_path.is_file() else {}
    if problems:
        raise DataError(problems)
    digest.update(areas_bytes)
    return Questionnaire(
        version=f"{version}+{digest.hexdigest()[:8]}",
        areas=tuple(areas),
        levels=tuple(levels),
        questions=tuple(seen[q.id] for q in questions),  # with the labels of their retired options
        by_id=seen,
        level_cap=level_cap,
        retired=retired,
    )


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    return load_questionnaire()
