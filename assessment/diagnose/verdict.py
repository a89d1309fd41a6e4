"""Verdict: what a diagnosis found, as ids, numbers and raw answer values only.

This is the form to store. It names no text in any language: localize()
reads titles, labels and reasons from the question bank and the rules by id
when the Verdict is shown, so one stored Verdict reads in every locale, and
still reads after a later questionnaire drops a question or renames an option.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, ClassVar

Value = str | tuple[str, ...]  # one option value, or the ticked values of a checklist


def plain(value):
    """Tuples to lists, mappings and dataclasses to dicts, all the way down: JSON-able."""
    if isinstance(value, (str, int, float, type(None))):  # most values: tested first
        return value
    if isinstance(value, tuple):
        return [plain(v) for v in value]
    if isinstance(value, (dict, MappingProxyType)):
        return {k: plain(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: plain(getattr(value, name)) for name in _field_names(type(value))}
    return value


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    # dataclasses.fields() builds its tuple anew on every call: a quarter of plain()'s time.
    return tuple(f.name for f in dataclasses.fields(cls))


def as_value(value) -> Value:
    """A raw answer value read back from JSON: a list of ticked values becomes a tuple."""
    return tuple(value) if isinstance(value, list) else value


@dataclass(frozen=True)
class EvidenceRef:
    """One answer that shows a finding, and the rule branch it met.

    rule and branch are None where no rule is involved (a "don't know"
    answer) or where a stored row did not record it.
    """

    question: str
    value: Value
    rule: str | None = None
    branch: int | None = None


@dataclass(frozen=True)
class FoundPitfall:
    id: str
    severity: str  # high | medium | low
    headline: bool  # one of the (at most) three headlined pitfalls
    evidence: tuple[EvidenceRef, ...]
    # the answers that count against it (counter rules), and its severity before they and the
    # "don't know" cap applied; None when nothing changed it (and in rows from before)
    offsets: tuple[EvidenceRef, ...] = ()
    base_severity: str | None = None


@dataclass(frozen=True)
class FoundAction:
    id: str  # step id
    priority: int  # 1 = do first
    because: tuple[str, ...]  # pitfall ids this step addresses
    areas: tuple[str, ...] = ()  # the weak areas it is for, when no pitfall names it


@dataclass(frozen=True)
class FoundFlag:
    id: str
    kind: str  # consistency | dont_know
    severity: str
    evidence: tuple[EvidenceRef, ...]


@dataclass(frozen=True)
class Verdict:
    FORMAT: ClassVar[str] = "verdict/1"

    questionnaire_version: str
    ruleset_version: str
    scores: Mapping[str, int | None]  # area id -> 0..100, None when nothing answered
    overall: int | None
    level: int | None  # the maturity level number, capped by the weakest area
    uncapped_level: int | None  # the level the overall score alone reaches
    pitfalls: tuple[FoundPitfall, ...]
    actions: tuple[FoundAction, ...]
    flags: tuple[FoundFlag, ...]
    unanswered: tuple[str, ...]
    answers: Mapping[str, Value]  # question id -> raw value, in bank order
    profile: Mapping[str, str]
    small_company: bool
    level_capped_by: str | None = None  # the weakest area, when it holds the level below uncapped_level
    cleared: tuple[FoundPitfall, ...] = ()  # pitfalls whose signals fired but counter-evidence suppressed

    def __post_init__(self):
        # A read-only view of a private copy, so a caller's dict cannot change a Verdict later.
        for name in ("scores", "answers", "profile"):
            object.__setattr__(self, name, MappingProxyType(dict(getattr(self, name))))

    def to_dict(self) -> dict[str, Any]:
        """JSON-able. Mappings keep their order (answers in bank order): store as JSON text or bytes."""
        return {"format": self.FORMAT, **plain(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Verdict:
        """Read to_dict() output; keys this version does not know are ignored, at every level."""
        if data.get("format") != cls.FORMAT:
            raise ValueError(f"not a {cls.FORMAT} dict (format: {data.get('format')!r})")

        def refs(items):
            return tuple(
                EvidenceRef(
                    question=e["question"], value=as_value(e["value"]), rule=e.get("rule"), branch=e.get("branch")
                )
                for e in items
            )

        return cls(
            questionnaire_version=data["questionnaire_version"],
            ruleset_version=data["ruleset_version"],
            scores=data["scores"],
            overall=data["overall"],
            level=data["level"],
            uncapped_level=data.get("uncapped_level"),
            pitfalls=tuple(found_pitfall(p, refs) for p in data["pitfalls"]),
            actions=tuple(
                FoundAction(
                    id=a["id"], priority=a["priority"], because=tuple(a["because"]), areas=tuple(a.get("areas", ()))
                )
                for a in data["actions"]
            ),
            flags=tuple(
                FoundFlag(id=f["id"], kind=f["kind"], severity=f["severity"], evidence=refs(f["evidence"]))
                for f in data["flags"]
            ),
            unanswered=tuple(data["unanswered"]),
            answers={qid: as_value(v) for qid, v in data["answers"].items()},
            profile=data.get("profile", {}),
            small_company=data.get("small_company", False),
            level_capped_by=data.get("level_capped_by"),
            cleared=tuple(found_pitfall(p, refs) for p in data.get("cleared", ())),
        )


def found_pitfall(p: Mapping[str, Any], refs: Callable[[Any], tuple[EvidenceRef, ...]]) -> FoundPitfall:
    """A stored pitfall; refs reads its evidence lists (each stored shape has its own)."""
    return FoundPitfall(
        id=p["id"],
        severity=p["severity"],
        headline=p["headline"],
        evidence=refs(p["evidence"]),
        offsets=refs(p.get("offsets", ())),
        base_severity=p.get("base_severity"),
    )
