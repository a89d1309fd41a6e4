"""Diagnosis: a Verdict in one locale, the result every front end shows.

Immutable; to_dict()/from_dict() round-trip. The public JSON contract
(design.md) is a subset of to_dict(): the fields named there never change
meaning; fields may be added, none removed or renamed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from assessment.diagnose.verdict import Value, as_value, plain


@dataclass(frozen=True)
class Evidence:
    question: str
    answer: str  # the answer as the respondent saw it, in the diagnosis locale
    why: str
    value: Value = ""  # the raw option value(s)
    text: str = ""  # the question as the respondent saw it
    rule: str | None = None  # the rule whose condition this answer met; None for "don't know" and old rows
    to_verify: bool = False  # a "don't know" answer: a question to verify with the client, not proof


@dataclass(frozen=True)
class PitfallFinding:
    id: str
    title: str
    severity: str  # high | medium | low
    area: str
    summary: str
    cost: str
    headline: bool  # one of the (at most) three headlined pitfalls
    evidence: tuple[Evidence, ...]
    description: str = ""  # what the pitfall is, in general (summary: what these answers show)
    offsets: tuple[Evidence, ...] = ()  # answers that count against it (counter-evidence)
    base_severity: str | None = None  # before counter-evidence and the "don't know" cap, when they changed it


@dataclass(frozen=True)
class Task:
    text: str
    owner: str
    days: int


@dataclass(frozen=True)
class ActionFinding:
    step: int
    id: str
    title: str
    priority: int  # 1 = do first
    because: tuple[str, ...]  # pitfall ids this step addresses
    summary: str
    tasks: tuple[Task, ...]
    areas: tuple[str, ...] = ()  # the weak areas it is for, when no pitfall names it


@dataclass(frozen=True)
class FlagFinding:
    id: str
    kind: str  # consistency | dont_know
    title: str
    severity: str
    summary: str
    evidence: tuple[Evidence, ...]
    area: str | None = None  # consistency flags: the area whose score they put in doubt


@dataclass(frozen=True)
class LevelView:
    number: int
    name: str
    description: str
    uncapped: int | None = None  # the level the overall score alone reaches
    capped_by: str | None = None  # the weakest area, when it holds the level below that
    reason: str = ""  # the cap in a sentence: "改善サイクルが最も弱いため、レベルは2まで…"


@dataclass(frozen=True)
class AreaView:
    id: str
    name: str
    score: int | None
    level: int | None  # the level this area's score alone would reach
    description: str


@dataclass(frozen=True)
class AnswerView:
    question: str
    section: str  # area id or "profile"
    text: str
    value: Value
    answer: str
    score: int | None
    explain: str


@dataclass(frozen=True)
class Diagnosis:
    questionnaire_version: str
    ruleset_version: str
    locale: str
    scores: Mapping[str, int | None]
    overall: int | None
    level: LevelView | None
    pitfalls: tuple[PitfallFinding, ...]
    actions: tuple[ActionFinding, ...]
    unanswered: tuple[str, ...]
    flags: tuple[FlagFinding, ...] = ()
    areas: tuple[AreaView, ...] = ()
    answers: tuple[AnswerView, ...] = ()
    profile: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    small_company: bool = False
    advice: tuple[str, ...] = ()  # practical advice for small companies
    cleared: tuple[PitfallFinding, ...] = ()  # signals fired, but counter-evidence suppressed the pitfall
    missing_areas: tuple[str, ...] = ()  # area ids without an answer (fewer than 4 answered: no level)

    def __post_init__(self):
        # Flat mappings of scalars: a read-only view of a private copy.
        object.__setattr__(self, "scores", MappingProxyType(dict(self.scores)))
        object.__setattr__(self, "profile", MappingProxyType(dict(self.profile)))

    @property
    def complete(self) -> bool:
        return not self.unanswered

    @property
    def headline_pitfalls(self) -> tuple[PitfallFinding, ...]:
        return tuple(p for p in self.pitfalls if p.headline)

    def to_dict(self) -> dict[str, Any]:
        return plain(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Diagnosis:
        """Read any dict to_dict() has produced, old rows included (see tests/core/fixtures/stored).

        Keys this version does not know are ignored at every level, so a row
        written by a later version still reads.
        """

        def evidence(items):
            return tuple(_known(Evidence, e, value=as_value(e.get("value", ""))) for e in items)

        def pitfall(p):
            return _known(
                PitfallFinding,
                p,
                evidence=evidence(p.get("evidence", ())),
                offsets=evidence(p.get("offsets", ())),
            )

        level = data.get("level")
        return _known(
            cls,
            data,
            level=_known(LevelView, level) if level else None,
            pitfalls=tuple(pitfall(p) for p in data["pitfalls"]),
            cleared=tuple(pitfall(p) for p in data.get("cleared", ())),
            missing_areas=tuple(data.get("missing_areas", ())),
            actions=tuple(
                _known(
                    ActionFinding,
                    a,
                    because=tuple(a.get("because", ())),
                    areas=tuple(a.get("areas", ())),
                    tasks=tuple(_known(Task, t) for t in a.get("tasks", ())),
                )
                for a in data["actions"]
            ),
            unanswered=tuple(data["unanswered"]),
            flags=tuple(
                _known(FlagFinding, f, evidence=evidence(f.get("evidence", ()))) for f in data.get("flags", ())
            ),
            areas=tuple(_known(AreaView, a) for a in data.get("areas", ())),
            answers=tuple(_known(AnswerView, a, value=as_value(a["value"])) for a in data.get("answers", ())),
            advice=tuple(data.get("advice", ())),
        )


def _known(cls, data: Mapping[str, Any], **converted):
    """cls from the keys of `data` it has fields for (others ignored); `converted` replaces stored values."""
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names and k not in converted}, **converted)
