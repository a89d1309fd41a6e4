"""Comparing verdicts: two respondents of one round (the perception gap), two rounds (the trend).

Both read kept Verdicts and the current question bank only, so rounds stored under an earlier
questionnaire compare too. An answer is compared only where the current bank still offers it:
a question the bank dropped, or an option value it no longer has, is listed as not comparable
instead of being scored under a meaning it never had.

The item scale is the bank's 0..3. A gap of 2 or more on an item is significant, 1 is minor
(issue 14). A "don't know" answer is never a gap: it says nothing about the company, only
about what one respondent knows, so the item is listed as to verify instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from assessment.bank.questionnaire import QUESTION_TYPES, Question, Questionnaire
from assessment.diagnose.verdict import Value, Verdict

SIGNIFICANT = 2
LARGEST = 5
ALIGNMENT = "alignment"  # the area whose disagreement is a finding of its own (design.md's fixed ids)


def _read(q: Question, value: Value):
    """The value as the current bank reads it, or None where it no longer can (an option it dropped)."""
    return QUESTION_TYPES[q.type].read(q, list(value) if isinstance(value, tuple) else value)


def _dont_know(q: Question, value: Value) -> bool:
    return isinstance(value, str) and any(o.value == value and o.dont_know for o in q.options)


def _scores(q: Question, *values: Value) -> tuple[int, ...] | None:
    """Each value's 0..3 item score under the current bank; None unless the bank scores them all."""
    kind = QUESTION_TYPES[q.type]
    read = [_read(q, v) for v in values]
    if not kind.scored or any(r is None for r in read):
        return None
    return tuple(kind.item_score(q, r) or 0 for r in read)


def _bank_order(qn: Questionnaire, ids) -> list[str]:
    return sorted(ids, key=lambda qid: (qn.position.get(qid, len(qn.position)), qid))


@dataclass(frozen=True)
class ItemGap:
    question: str
    area: str
    values: tuple[Value, Value]  # side a's answer, side b's, as given
    scores: tuple[int, int]  # 0..3 each
    gap: int  # |a - b|

    @property
    def significant(self) -> bool:
        return self.gap >= SIGNIFICANT


@dataclass(frozen=True)
class AreaGap:
    area: str
    scores: tuple[int | None, int | None]  # 0..100, from the items both sides answered
    gap: int | None
    agreement: float | None  # share of compared items with no gap, 0..1
    items: int  # items compared


@dataclass(frozen=True)
class PerceptionGap:
    items: tuple[ItemGap, ...]  # bank order
    areas: tuple[AreaGap, ...]  # bank order
    largest: tuple[ItemGap, ...]  # at most five, largest gap first, then bank order; gaps of 0 never
    to_verify: tuple[str, ...]  # questions where a side answered "don't know"
    not_comparable: tuple[str, ...]  # questions one side left out, or the bank no longer reads

    @property
    def alignment_disagrees(self) -> bool:
        """Management and marketing see the alignment differently: one significant item is enough."""
        return any(g.significant and g.area == ALIGNMENT for g in self.items)


def current_answers(v: Verdict, qn: Questionnaire) -> dict[str, Value]:
    """A verdict's answers under the current bank's ids: an answer to a retired question that another
    replaced value for value (questions/retired.yaml 'replaced_by') counts as an answer to that one."""
    out = dict(v.answers)
    for qid, value in v.answers.items():
        old = qn.retired.get(qid)
        if old is not None and old.replaced_by and old.replaced_by not in v.answers:
            out[old.replaced_by] = value
    return out


def _replaced(qn: Questionnaire) -> set[str]:
    """Retired questions whose answers are read as another's (current_answers)."""
    return {q.id for q in qn.retired.values() if q.replaced_by}


def perception_gap(a: Verdict, b: Verdict, qn: Questionnaire) -> PerceptionGap:
    """The gap between two respondents' answers (a: management, b: marketing, by convention)."""
    items: list[ItemGap] = []
    to_verify: list[str] = []
    not_comparable: list[str] = []
    answers_a, answers_b = current_answers(a, qn), current_answers(b, qn)
    for q in qn.scored_questions:
        va, vb = answers_a.get(q.id), answers_b.get(q.id)
        if va is None and vb is None:
            continue
        if va is not None and vb is not None and (_dont_know(q, va) or _dont_know(q, vb)):
            to_verify.append(q.id)
            continue
        scores = None if va is None or vb is None else _scores(q, va, vb)
        if va is None or vb is None or scores is None:
            not_comparable.append(q.id)
            continue
        sa, sb = scores
        items.append(ItemGap(q.id, q.section, (va, vb), (sa, sb), abs(sa - sb)))
    replaced = _replaced(qn)
    gone = {qid for qid in (*a.answers, *b.answers) if qid not in qn.by_id and qid not in replaced}
    not_comparable += _bank_order(qn, gone)
    areas = tuple(_area_gap(area.id, [g for g in items if g.area == area.id]) for area in qn.areas)
    ranked = sorted((g for g in items if g.gap), key=lambda g: (-g.gap, qn.position[g.question]))
    return PerceptionGap(tuple(items), areas, tuple(ranked[:LARGEST]), tuple(to_verify), tuple(not_comparable))


def _pct(scores: list[int]) -> int:
    return int(sum(scores) / len(scores) / 3 * 100 + 0.5)  # as scoring.py rounds: half up


def _area_gap(area: str, gaps: list[ItemGap]) -> AreaGap:
    if not gaps:
        return AreaGap(area, (None, None), None, None, 0)
    sa, sb = _pct([g.scores[0] for g in gaps]), _pct([g.scores[1] for g in gaps])
    return AreaGap(area, (sa, sb), abs(sa - sb), sum(1 for g in gaps if g.gap == 0) / len(gaps), len(gaps))


@dataclass(frozen=True)
class AreaChange:
    area: str
    before: int | None
    after: int | None

    @property
    def delta(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class PitfallChange:
    id: str
    before: str | None  # severity in the earlier round, None where it was not found
    after: str | None

    @property
    def status(self) -> str:
        """resolved | new | persisting"""
        if self.after is None:
            return "resolved"
        return "new" if self.before is None else "persisting"


@dataclass(frozen=True)
class ItemChange:
    question: str
    before: Value | None
    after: Value | None
    delta: int | None  # item score after - before; None for a profile answer or one not comparable
    comparable: bool  # False where the current bank no longer reads one of the two answers


@dataclass(frozen=True)
class Trend:
    areas: tuple[AreaChange, ...]  # bank order
    overall: AreaChange  # area "overall"
    level: tuple[int | None, int | None]
    pitfalls: tuple[PitfallChange, ...]  # resolved, then persisting, then new; each in the later order
    items: tuple[ItemChange, ...]  # the answers that changed, bank order
    same_questionnaire: bool

    def pitfalls_by_status(self, status: str) -> tuple[str, ...]:
        return tuple(p.id for p in self.pitfalls if p.status == status)

    @property
    def most_improved(self) -> AreaChange | None:
        moved = [c for c in self.areas if c.delta]
        return max(moved, key=lambda c: c.delta or 0) if moved and max(c.delta or 0 for c in moved) > 0 else None

    @property
    def most_declined(self) -> AreaChange | None:
        moved = [c for c in self.areas if c.delta]
        return min(moved, key=lambda c: c.delta or 0) if moved and min(c.delta or 0 for c in moved) < 0 else None


_ORDER = {"resolved": 0, "persisting": 1, "new": 2}


def trend(before: Verdict, after: Verdict, qn: Questionnaire) -> Trend:
    """What changed from the earlier round's verdict to the later one's, by the fixed ids."""
    areas = tuple(AreaChange(a.id, before.scores.get(a.id), after.scores.get(a.id)) for a in qn.areas)
    earlier = {p.id: p.severity for p in before.pitfalls}
    later = {p.id: p.severity for p in after.pitfalls}
    ids = list(earlier) + [pid for pid in later if pid not in earlier]
    changes = [PitfallChange(pid, earlier.get(pid), later.get(pid)) for pid in ids]
    changes.sort(key=lambda c: _ORDER[c.status])
    items: list[ItemChange] = []
    earlier_answers, later_answers = current_answers(before, qn), current_answers(after, qn)
    replaced = _replaced(qn)
    for qid in _bank_order(qn, (set(earlier_answers) | set(later_answers)) - replaced):
        vb, va = earlier_answers.get(qid), later_answers.get(qid)
        if vb == va:
            continue
        q = qn.by_id.get(qid)
        readable = q is not None and all(v is None or _read(q, v) is not None for v in (vb, va))
        scores = None if q is None or vb is None or va is None else _scores(q, vb, va)
        items.append(ItemChange(qid, vb, va, None if scores is None else scores[1] - scores[0], readable))
    return Trend(
        areas=areas,
        overall=AreaChange("overall", before.overall, after.overall),
        level=(before.level, after.level),
        pitfalls=tuple(changes),
        items=tuple(items),
        same_questionnaire=before.questionnaire_version == after.questionnaire_version,
    )
