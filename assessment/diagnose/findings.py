"""Fired rule branches in; pitfalls, recommended steps and flags out, each with its evidence.

Everything here is ids, numbers and raw answer values; the texts are added
by localize(). The orderings are part of the product: the report headlines
the first three pitfalls and numbers the steps in this order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from assessment.bank.questionnaire import Questionnaire
from assessment.bank.rules import SEVERITIES, Rule, RuleBook
from assessment.diagnose.scoring import Scores
from assessment.diagnose.verdict import EvidenceRef, FoundAction, FoundFlag, FoundPitfall, Value

HEADLINED = 3  # pitfalls shown as headlines
Fired = list[tuple[Rule, int]]  # (rule, branch index) pairs
Groups = dict[tuple[str, str], Fired]  # (effect, target) -> its fired branches


def group_fired(book: RuleBook, fired: set[tuple[str, int]]) -> Groups:
    """(effect, target) -> its fired branches in rule-file order; targets in the order their first branch fired."""
    groups: dict[tuple[str, str], Fired] = {}
    position, by_id = book.position, book.by_id
    for rid, b in sorted(fired, key=lambda rb: (position[rb[0]], rb[1])):
        rule = by_id[rid]
        groups.setdefault((rule.effect, rule.target), []).append((rule, b))
    return groups


def evidence(branches: Fired, qn: Questionnaire, values: Mapping[str, Value]) -> tuple[EvidenceRef, ...]:
    """One reference per question the fired branches test, in bank order.

    A question tested by several branches is credited to the most severe
    rule's branch (rule-file order among equals: sorted() is stable).
    """
    credited: dict[str, tuple[str, int]] = {}
    for rule, b in sorted(branches, key=lambda rb: -SEVERITIES.get(rb[0].severity or "", 0)):
        for c in rule.branches[b]:
            if c.kind == "question" and c.target not in credited:
                credited[c.target] = (rule.id, b)
    in_bank_order = sorted(credited, key=qn.position.__getitem__)
    # A branch fires only when every question it tests is answered (the fact leaves the others out).
    return tuple(EvidenceRef(qid, values[qid], *credited[qid]) for qid in in_bank_order)


def _severity(branches: Fired) -> str:
    """The most severe of the fired rules: pitfall and flag rules all have a severity (checked on load)."""
    return max((r.severity for r, _ in branches if r.severity), key=SEVERITIES.__getitem__)


_BY_RANK = {n: name for name, n in SEVERITIES.items()}
_MEDIUM = SEVERITIES["medium"]


def _earned(branches: Fired, values: Mapping[str, Value], unknown: frozenset[tuple[str, str]]) -> int:
    """The severity the fired branches earn: a "don't know" answer proves no more than medium.

    (High rules test two different questions in every branch: checked on load.)
    """
    best = 0
    for rule, b in branches:
        rank = SEVERITIES[rule.severity or "low"]
        if rank > _MEDIUM and any((c.target, values.get(c.target)) in unknown for c in rule.branches[b]):
            rank = _MEDIUM
        best = max(best, rank)
    return best


def _area_score(scores: Scores, area_id: str) -> int:
    # An area without answers counts as healthy: it gives no reason to rank a pitfall up.
    s = scores.areas.get(area_id)
    return 100 if s is None else s


def pitfalls(
    groups: Groups,
    book: RuleBook,
    qn: Questionnaire,
    values: Mapping[str, Value],
    scores: Scores,
) -> tuple[tuple[FoundPitfall, ...], tuple[FoundPitfall, ...]]:
    """(found, cleared): the pitfalls, most severe first, then the weakest area, then the best evidenced,
    then catalog order; and those whose signals fired but counter-evidence suppressed.

    Counter rules lower a pitfall one severity step each (not below low) or suppress it, or suppress
    only the rules they name; what offset a pitfall is kept as its `offsets`.
    """
    catalog = book.catalog.pitfalls
    rank = {pid: i for i, pid in enumerate(catalog)}
    found: list[tuple[str, str, tuple[EvidenceRef, ...], tuple[EvidenceRef, ...], str | None]] = []
    cleared: list[FoundPitfall] = []
    for (effect, pid), branches in groups.items():
        if effect != "pitfall":
            continue
        counters = groups.get(("counter", pid), [])
        cancelled = {rid for r, _ in counters for rid in r.cancels}
        kept = [(r, b) for r, b in branches if r.id not in cancelled]
        suppress = any(r.counter == "suppress" and not r.cancels for r, _ in counters)
        lowering = [(r, b) for r, b in counters if r.counter == "lower"]
        fired = _ids(branches)
        used = [(r, b) for r, b in counters if r.counter == "lower" or not r.cancels or fired.intersection(r.cancels)]
        offsets = evidence(used, qn, values)
        raw = _severity(branches)
        if suppress or not kept:
            cleared.append(FoundPitfall(pid, raw, False, evidence(branches, qn, values), offsets, raw))
            continue
        earned = max(1, _earned(kept, values, qn.dont_know_answers) - len(lowering))
        severity = _BY_RANK[earned]
        base = raw if (severity != raw or offsets) else None
        found.append((pid, severity, evidence(kept, qn, values), offsets, base))
    found.sort(key=lambda f: (-SEVERITIES[f[1]], _area_score(scores, catalog[f[0]].area), -len(f[2]), rank[f[0]]))
    return (
        tuple(
            FoundPitfall(id=pid, severity=sev, headline=i < HEADLINED, evidence=ev, offsets=off, base_severity=base)
            for i, (pid, sev, ev, off, base) in enumerate(found)
        ),
        tuple(cleared),
    )


def _ids(branches: Fired) -> set[str]:
    return {r.id for r, _ in branches}


def actions(groups: Groups, book: RuleBook, found: tuple[FoundPitfall, ...], scores: Scores) -> tuple[FoundAction, ...]:
    """The steps to take, numbered by priority (1 = do first). The stated rule (rules/README.md):

    1. first, the primary remedy (first in addressed_by) of the first pitfall: the most severe, in the
       weakest area;
    2. then by weight: each pitfall adds its severity (3/2/1) x (1 + its area's gap to 100 / 100) to its
       primary remedy, half that to its other remedies; steps that action rules recommend for weak areas
       join with their priority as the tie-break, then the step's number;
    3. a step no pitfall names is left out when every area it builds scores 80 or more;
    4. at least one step: with nothing else, the step that builds the weakest area (its weakest lever).
    """
    catalog = book.catalog
    weight: dict[str, float] = defaultdict(float)
    because: dict[str, list[str]] = defaultdict(list)
    for p in found:
        pitfall = catalog.pitfalls[p.id]
        full = SEVERITIES[p.severity] * (1 + (100 - _area_score(scores, pitfall.area)) / 100)
        for rank, step_id in enumerate(pitfall.addressed_by):
            weight[step_id] += full if rank == 0 else 0.5 * full
            because[step_id].append(p.id)
    priority: dict[str, int] = {}
    for (effect, step_id), branches in groups.items():
        if effect == "action":
            step = catalog.steps[step_id]
            if not because[step_id] and all(_area_score(scores, a) >= STRONG for a in step.areas):
                continue
            weight.setdefault(step_id, 0.0)
            priority[step_id] = min(r.priority for r, _ in branches if r.priority is not None)
    first = catalog.pitfalls[found[0].id].addressed_by[0] if found else None
    ordered = sorted(weight, key=lambda s: (s != first, -weight[s], priority.get(s, 4), catalog.steps[s].number))
    areas: dict[str, tuple[str, ...]] = {
        s: tuple(a for a in catalog.steps[s].areas if _area_score(scores, a) < STRONG) for s in ordered
    }
    if not ordered:
        lever = _weakest_lever(book, scores)
        if lever is None:
            return ()
        ordered, areas = [lever[0]], {lever[0]: (lever[1],)}
    return tuple(
        FoundAction(
            id=step_id,
            priority=rank,
            because=tuple(because[step_id]),
            areas=() if because[step_id] else areas[step_id],
        )
        for rank, step_id in enumerate(ordered, start=1)
    )


STRONG = 80  # an area at or above this needs no step of its own


def _weakest_lever(book: RuleBook, scores: Scores) -> tuple[str, str] | None:
    """(step, area): the step that builds the weakest answered area (area order breaks ties)."""
    answered = [(s, aid) for aid, s in scores.areas.items() if s is not None]
    if not answered:
        return None
    _, weakest = min(answered, key=lambda sa: sa[0])
    step = next(s for s in book.catalog.steps.values() if weakest in s.areas)
    return step.id, weakest


def flags(groups: Groups, book: RuleBook, qn: Questionnaire, values: Mapping[str, Value]) -> tuple[FoundFlag, ...]:
    """Consistency rules in the order they fired, then "don't know" answers as a finding of their own."""
    catalog = book.catalog.flags
    out = [
        FoundFlag(id=fid, kind=catalog[fid].kind, severity=_severity(branches), evidence=evidence(branches, qn, values))
        for (effect, fid), branches in groups.items()
        if effect == "flag"
    ]
    unknown = tuple(EvidenceRef(question=qid, value=v) for qid, v in values.items() if (qid, v) in qn.dont_know_answers)
    if unknown:
        out.append(
            FoundFlag(
                id="dont_know",
                kind=catalog["dont_know"].kind,
                severity="medium" if len(unknown) >= 2 else "low",
                evidence=unknown,
            )
        )
    return tuple(out)
