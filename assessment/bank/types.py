"""Question types: how each reads its YAML entry and takes an answer.

A type is any object with the QuestionType shape; QUESTION_TYPES maps the
`type:` names the bank may use to them. Loading asks the type for the
fields it owns (options, thresholds); answering and scoring ask it to read,
check and score a raw answer.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from assessment.bank.reader import VALUE, Reader, is_int, kind_of
from assessment.bank.text import Text

if TYPE_CHECKING:
    from assessment.bank.questionnaire import Question


@dataclass(frozen=True)
class Option:
    value: str
    label: Text
    explain: Text | None = None
    score: int | None = None  # choice: 0..3; checklist/profile: None
    dont_know: bool = False
    counts: bool = True  # checklist: does selecting it count toward the score
    employees_max: int | None = None  # company size: the band's upper bound (None: open-ended)
    sme_employees: int | None = None  # industry: the SME employee ceiling of 中小企業基本法
    exclusive: bool = False  # checklist: "none of these", ticked alone or not at all


@runtime_checkable
class QuestionType(Protocol):
    scored: bool  # counts toward the area scores
    multiple: bool  # answered with a list of option values, not one
    keys: frozenset[str]  # YAML keys it owns, besides id, type, text, hint and factual

    def read_fields(self, node: Mapping, r: Reader, owner: str, *, factual: bool) -> dict[str, Any]:
        """The Question fields this type owns, read from its YAML entry; problems go to r."""

    def read(self, q: Question, raw: object) -> str | tuple[str, ...] | None:
        """The answer as stored (one option value, or a tuple of them), or None when check() has a problem with it."""

    def check(self, q: Question, raw: object) -> str | None:
        """Why raw is not a valid answer, or None."""

    def item_score(self, q: Question, answer: Any) -> int | None:
        """0..3 for a scored type, None otherwise."""


def _read_options(
    node: Mapping, r: Reader, owner: str, extra: Callable[[Mapping, str], dict], keys: set[str]
) -> tuple[Option, ...]:
    """The options list: a mapping each, a lowercase unique value, a label; extra() reads the rest."""
    opts: list[Option] = []
    seen: dict[str, Mapping] = {}
    for i, entry in r.entries(node, "options", owner):
        o_owner = f"{owner}: options[{i}]"
        r.keys(entry, {"value", "label", "explain"} | keys, o_owner)
        value = entry.get("value")
        if is_int(value):  # `value: 1` in YAML is still an id
            value = str(value)
        if not (isinstance(value, str) and VALUE.match(value)):
            r.add(entry, o_owner, f"'value' must be a lowercase id, got {kind_of(value)}")
            continue
        o_owner = f"{o_owner} '{value}'"
        if not r.unique(seen, value, entry, "option value", owner):
            continue
        label = r.text(entry, "label", o_owner) or {}
        opts.append(Option(value=value, label=label, **extra(entry, o_owner)))
    return tuple(opts)


def _explain(entry: Mapping, r: Reader, owner: str) -> Text | None:
    """Scored options explain themselves in the report."""
    return r.text(entry, "explain", owner)


MAX_SCORED = 6  # scored options of a choice question


class ChoiceType:
    """One of four behaviourally anchored options scored 0..3 (+ don't know)."""

    scored = True
    multiple = False
    keys = frozenset({"options"})

    def read_fields(self, node, r, owner, *, factual):
        def extra(entry, o_owner):
            score = entry.get("score")
            if score is None:
                r.add(entry, o_owner, "'score' is missing")
            elif not (is_int(score) and 0 <= score <= 3):
                r.add(entry, o_owner, f"'score' must be an integer 0..3, got {kind_of(score)}")
                score = None
            dont_know = r.flag(entry, "dont_know", o_owner)
            if dont_know and score not in (None, 0):
                r.add(entry, o_owner, "a dont_know option scores 0")
            return {"score": score, "dont_know": dont_know, "explain": _explain(entry, r, o_owner)}

        opts = _read_options(node, r, owner, extra, {"score", "dont_know"})
        scores = sorted(o.score for o in opts if not o.dont_know and o.score is not None)
        # Two states of the company may earn one score (no goal / goals set alone); every score is reachable.
        if opts and not (set(scores) == {0, 1, 2, 3} and len(scores) <= MAX_SCORED):
            r.add(
                node,
                owner,
                f"options must score 0, 1, 2 and 3, each at least once, {MAX_SCORED} at most (got {scores})",
            )
        dont_know = sum(o.dont_know for o in opts)
        if dont_know and not factual:
            r.add(node, owner, "a dont_know option is allowed only on factual questions")
        if dont_know > 1:
            r.add(node, owner, "at most one option may be dont_know")
        return {"options": opts}

    def read(self, q, raw):
        return raw if isinstance(raw, str) and q.option(raw) is not None else None

    def check(self, q, raw):
        if not isinstance(raw, str):
            return f"expected one option value, got {type(raw).__name__}"
        if q.option(raw) is None:
            return f"'{raw}' is not an option (offered: {', '.join(o.value for o in q.options)})"
        return None

    def item_score(self, q, answer):
        return q.option(answer).score


class ProfileType(ChoiceType):
    """A single choice about the respondent's company; never scored."""

    scored = False

    def read_fields(self, node, r, owner, *, factual):
        def extra(entry, o_owner):
            explain = r.text(entry, "explain", o_owner, required=False)
            found = {"explain": explain}
            for key in ("employees_max", "sme_employees"):
                value = entry.get(key)
                if value is not None and not (is_int(value) and value > 0):
                    r.add(entry, o_owner, f"'{key}' must be a whole number of employees, got {kind_of(value)}")
                elif value is not None:
                    found[key] = value
            return found

        return {"options": _read_options(node, r, owner, extra, {"employees_max", "sme_employees"})}

    def item_score(self, q, answer):
        return None


class ChecklistType:
    """Tick all that apply; scored by how many counting options are ticked."""

    scored = True
    multiple = True
    keys = frozenset({"options", "thresholds"})

    def read_fields(self, node, r, owner, *, factual):
        def extra(entry, o_owner):
            exclusive = r.flag(entry, "exclusive", o_owner)
            counts = r.flag(entry, "counts", o_owner, default=not exclusive)
            if exclusive and counts:
                r.add(entry, o_owner, "an exclusive option (none of these) cannot count toward the score")
            return {"counts": counts, "exclusive": exclusive, "explain": _explain(entry, r, o_owner)}

        opts = _read_options(node, r, owner, extra, {"counts", "exclusive"})
        if sum(o.exclusive for o in opts) > 1:
            r.add(node, owner, "at most one option may be exclusive")
        th = node.get("thresholds")
        counting = sum(o.counts for o in opts)
        if not (isinstance(th, list) and len(th) == 3 and all(is_int(n) for n in th)):
            r.add(node, owner, f"'thresholds' must be three integers (counts for score 1, 2, 3), got {kind_of(th)}")
            th = ()
        elif not 0 < th[0] < th[1] < th[2] <= counting:
            r.add(node, owner, f"'thresholds' {th} must rise strictly and reach at most {counting} counting options")
        return {"options": opts, "thresholds": tuple(th)}

    def read(self, q, raw):
        if not isinstance(raw, (list, tuple)) or not all(isinstance(v, str) for v in raw):
            return None
        try:
            ticked = q.sorted_values(raw)
        except KeyError:  # not offered
            return None
        if len(ticked) > 1 and any(getattr(q.option(v), "exclusive", False) for v in ticked):
            return None
        return ticked if len(set(ticked)) == len(ticked) else None

    def check(self, q, raw):
        if not isinstance(raw, (list, tuple)):
            return f"expected a list of option values, got {type(raw).__name__}"
        bad = [v for v in raw if not isinstance(v, str) or q.option(v) is None]
        if bad:
            return f"{', '.join(repr(v) for v in bad)} not offered (offered: {', '.join(o.value for o in q.options)})"
        if len(set(raw)) != len(raw):
            return "an option is ticked twice"
        alone = [v for v in raw if getattr(q.option(v), "exclusive", False)]
        if alone and len(raw) > 1:
            return f"'{alone[0]}' (none of these) cannot be ticked together with other options"
        return None

    def item_score(self, q, answer):
        # answer holds each value once; thresholds rise strictly (checked on load)
        return bisect_right(q.thresholds, len(q.counting.intersection(answer)))


QUESTION_TYPES: dict[str, QuestionType] = {
    "choice": ChoiceType(),
    "checklist": ChecklistType(),
    "profile": ProfileType(),
}
