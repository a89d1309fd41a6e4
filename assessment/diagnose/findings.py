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
    for rule in book.rules:
        for b in range(len(rule.branches)):
            if (rule.id, b) in fired:
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
) -> tuple[FoundPitfall, ...]:
    """Most severe first, then the weakest area, then the best evidenced, then catalog order."""
    catalog = book.catalog.pitfalls
    rank = {pid: i for i, pid in enumerate(catalog)}
    found = [
        (pid, _severity(branches), evidence(branches, qn, values))
        for (effect, pid), branches in groups.items()
        if effect == "pitfall"
    ]
    found.sort(key=lambda f: (-SEVERITIES[f[1]], _area_score(scores, catalog[f[0]].area), -len(f[2]), rank[f[0]]))
    return tuple(
        FoundPitfall(id=pid, severity=sev, headline=i < HEADLINED, evidence=ev)
        for i, (pid, sev, ev) in enumerate(found)
    )


def actions(groups: Groups, book: RuleBook, found: tuple[FoundPitfall, ...], scores: Scores) -> tuple[FoundAction, ...]:
    """The steps to take, numbered by priority (1 = do first).

    A step weighs the severity of the pitfalls it addresses, more in weaker
    areas: fully as a pitfall's primary remedy (first in addressed_by), half
    otherwise. Action rules add steps for weak areas and break ties by their
    priority; then the step's own number decides.
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
            weight.setdefault(step_id, 0.0)
            priority[step_id] = min(r.priority for r, _ in branches if r.priority is not None)
    ordered = sorted(weight, key=lambda s: (-weight[s], priority.get(s, 4), catalog.steps[s].number))
    return tuple(
        FoundAction(id=step_id, priority=rank, because=tuple(because[step_id]))
        for rank, step_id in enumerate(ordered, start=1)
    )


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
