"""The one pipeline: raw answers in, Diagnosis out. Every front end calls evaluate()."""
from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping
from types import MappingProxyType
from typing import NamedTuple

from assessment.diagnose import engine
from assessment.diagnose.answers import Answers, validate_answers
from assessment.diagnose.diagnosis import (
    ActionFinding, AnswerView, AreaView, Diagnosis, Evidence, FlagFinding, LevelView,
    PitfallFinding, Task, Value, filled,
)
from assessment.bank.questionnaire import QUESTION_TYPES, Questionnaire, default_questionnaire
from assessment.bank.rules import SEVERITIES, Condition, Rule, RuleBook, default_rulebook
from assessment.diagnose.scoring import Scores, score
from assessment.bank.text import LOCALES, check_locale

HEADLINED = 3


def evaluate(
    answers: Mapping, locale: str = "ja", *,
    questionnaire: Questionnaire | None = None, rulebook: RuleBook | None = None,
) -> Diagnosis:
    """Validate answers, score them, run the rules, return the Diagnosis.

    Raises AnswerError (with one message per bad question) for answers that
    do not fit the questionnaire; a partial answer set is fine.
    """
    check_locale(locale)
    qn = questionnaire or default_questionnaire()
    book = rulebook or default_rulebook()
    valid = validate_answers(answers, qn)
    scores = score(valid, qn)
    rules = engine.compiled(book)
    fired = rules.fire(rules.fact(qn, valid, scores))
    return _Assembly(_views(qn, book).localized[locale], valid, scores, fired).diagnosis()


class _Plan(NamedTuple):
    """What the fired branches of one pitfall, step or flag add up to."""

    severity: str | None  # the most severe rule's (pitfalls, flags)
    priority: int | None  # the most urgent rule's (steps)
    evidence: tuple[tuple[str, Mapping], ...]  # (question id, its Evidence by answer value), in bank order


class _Memo(dict):
    """key -> build(key), built on first use and kept: a plain dict lookup on a hit.

    Keys are validated ids and option values, so a memo is bounded by the
    bank and the rules, never by traffic. Two threads may race to build the
    same key; both build equal immutable values and either may be kept.
    """

    def __init__(self, build):
        super().__init__()
        self.build = build

    def __missing__(self, key):
        value = self[key] = self.build(key)
        return value


class _Views:
    """What a Diagnosis is assembled from, indexed once per (questionnaire, rulebook)."""

    def __init__(self, qn: Questionnaire, book: RuleBook):
        self.qn, self.book, self.catalog = qn, book, book.catalog
        # (rule id, branch) -> its rule; keys in rule-file order, the order fired branches are grouped in
        self.branch_rule: dict[tuple[str, int], Rule] = {(r.id, b): r for r in book.rules for b in range(len(r.branches))}
        self.branch_rank = {key: i for i, key in enumerate(self.branch_rule)}
        self.branch_target = {key: (r.effect, r.target) for key, r in self.branch_rule.items()}
        self.pitfall_rank = {pid: i for i, pid in enumerate(book.catalog.pitfalls)}
        self.profile_ids = tuple(q.id for q in qn.in_section("profile"))
        self.small_answers = frozenset((q.id, o.value) for q in qn.in_section("profile") for o in q.options if o.small)
        self.localized = {loc: _Localized(self, loc) for loc in LOCALES}


class _Localized:
    """Localized, immutable pieces of a Diagnosis, built once and shared.

    A Diagnosis is immutable, so two diagnoses may share the same Evidence or
    AnswerView objects; building them once keeps evaluate() fast.
    """

    def __init__(self, views: _Views, locale: str):
        qn, cat, loc = views.qn, views.catalog, locale
        self.views, self.qn, self.locale = views, qn, loc
        self.answers = _Memo(self._answer_view)  # (question id, value) -> AnswerView
        self.areas = _Memo(self._area)  # (area id, score) -> AreaView
        self.dont_know = _Memo(self._dont_know)  # (question id, value) -> Evidence
        # (rule id, branch) -> ((question id, value -> Evidence), ...), one per question condition
        self.evidence = {
            (r.id, b): tuple((c.target, _Memo(self._evidence_builder(r, c))) for c in branch if c.kind == "question")
            for r in views.book.rules for b, branch in enumerate(r.branches)
        }
        self.plans = _Memo(self._plan)  # fired (rule id, branch) keys of one target -> _Plan
        self.levels = {lv.number: LevelView(lv.number, lv.name[loc], lv.description[loc]) for lv in qn.levels}
        self.steps = {
            s.id: (s.number, s.title[loc], s.summary[loc],
                   tuple(Task(text=t.text[loc], owner=t.owner[loc], days=t.days) for t in s.tasks))
            for s in cat.steps.values()
        }
        self.advice = tuple(t[loc] for t in cat.small_company_advice)

    def _plan(self, keys: tuple[tuple[str, int], ...]) -> _Plan:
        # keys: the fired branches of one pitfall, step or flag, in rule-file
        # order; a subset of its rules' branches, so plans are bounded by the rules.
        rules = [self.views.branch_rule[k] for k in keys]
        # the most severe rule's reason wins; sorted() is stable, so rule-file order among equals
        severe_first = sorted(zip(keys, rules), key=lambda kr: -SEVERITIES.get(kr[1].severity, 0))
        evidence: dict[str, Mapping] = {}
        for key, _ in severe_first:
            for qid, by_value in self.evidence[key]:
                evidence.setdefault(qid, by_value)
        position = self.qn.position
        return _Plan(
            severity=max((r.severity for r in rules if r.severity), key=SEVERITIES.__getitem__, default=None),
            priority=min((r.priority for r in rules if r.priority is not None), default=None),
            evidence=tuple(sorted(evidence.items(), key=lambda item: position[item[0]])),
        )

    def label(self, qid: str, value) -> str:
        q, loc = self.qn.by_id[qid], self.locale
        if isinstance(value, str):
            return q.option(value).label[loc]
        if not value:
            return "（選択なし）" if loc == "ja" else "(none ticked)"
        return ("、" if loc == "ja" else ", ").join(q.option(v).label[loc] for v in value)

    def _answer_view(self, key: tuple[str, Value]) -> AnswerView:
        qid, value = key
        q, loc = self.qn.by_id[qid], self.locale
        item_score = QUESTION_TYPES[q.type].item_score(q, value)
        chosen = [q.option(value)] if isinstance(value, str) else [q.option(v) for v in value]
        explain = " ".join(o.explain[loc] for o in chosen if o.explain)
        return AnswerView(question=qid, section=q.section, text=q.text[loc], value=value,
                          answer=self.label(qid, value), score=item_score, explain=explain)

    def _evidence_builder(self, rule: Rule, c: Condition):
        def build(value: Value) -> Evidence:
            return Evidence(question=c.target, answer=self.label(c.target, value), why=(c.why or rule.why)[self.locale],
                            value=value, text=self.qn.by_id[c.target].text[self.locale])
        return build

    def _dont_know(self, key: tuple[str, str]) -> Evidence:
        qid, value = key
        q, loc = self.qn.by_id[qid], self.locale
        o = q.option(value)
        return Evidence(question=qid, answer=o.label[loc], why=o.explain[loc], value=value, text=q.text[loc])

    def _area(self, key: tuple[str, int | None]) -> AreaView:
        area_id, area_score = key
        a, loc = self.qn.area(area_id), self.locale
        level = None if area_score is None else self.qn.level_for(area_score).number
        return AreaView(id=a.id, name=a.name[loc], score=area_score, level=level, description=a.mature[loc])


_views_lock = threading.Lock()
_views_cache: dict[tuple[int, int], _Views] = {}


def _views(qn: Questionnaire, book: RuleBook) -> _Views:
    v = _views_cache.get((id(qn), id(book)))  # a dict read needs no lock; building does
    if v is not None and v.qn is qn and v.book is book:
        return v
    with _views_lock:
        v = _views_cache.get((id(qn), id(book)))
        if v is None or v.qn is not qn or v.book is not book:
            v = _views_cache[(id(qn), id(book))] = _Views(qn, book)
        return v


class _Assembly:
    """Turns fired rules into the findings of one Diagnosis."""

    def __init__(self, loc: _Localized, valid: Answers, scores: Scores, fired):
        views = loc.views
        self.loc, self.views, self.valid, self.scores, self.locale = loc, views, valid, scores, loc.locale
        self.qn, self.cat = views.qn, views.catalog
        # (effect, target) -> its fired branches; targets in the order their first rule fired
        fired_for: dict[tuple[str, str], list] = {}
        for key in sorted(fired, key=views.branch_rank.__getitem__):
            fired_for.setdefault(views.branch_target[key], []).append(key)
        # effect -> target -> what its fired branches add up to
        self.found: dict[str, dict[str, _Plan]] = {"pitfall": {}, "action": {}, "flag": {}}
        for (effect, target), keys in fired_for.items():
            self.found[effect][target] = loc.plans[tuple(keys)]

    def area_score(self, area_id: str) -> int:
        s = self.scores.areas.get(area_id)
        return 100 if s is None else s

    def evidence(self, plan: _Plan) -> tuple[Evidence, ...]:
        values = self.valid.values
        return tuple(evidence[values.get(qid)] for qid, evidence in plan.evidence)

    def pitfalls(self) -> list[tuple]:
        """(pitfall, severity, evidence): most severe first, then weakest area, then best evidenced."""
        found = []
        for pid, plan in self.found["pitfall"].items():
            found.append((self.cat.pitfalls[pid], plan.severity, self.evidence(plan)))
        rank = self.views.pitfall_rank
        found.sort(key=lambda t: (-SEVERITIES[t[1]], self.area_score(t[0].area), -len(t[2]), rank[t[0].id]))
        return found

    def actions(self, pitfalls) -> tuple[ActionFinding, ...]:
        # A step weighs the severity of the pitfalls it addresses, more in
        # weaker areas: fully as a pitfall's primary remedy (first in
        # addressed_by), half otherwise. Action rules break ties by priority.
        weight: dict[str, float] = defaultdict(float)
        because: dict[str, list[str]] = defaultdict(list)
        for p, sev, _ in pitfalls:
            full = SEVERITIES[sev] * (1 + (100 - self.area_score(p.area)) / 100)
            for rank, sid in enumerate(p.addressed_by):
                weight[sid] += full if rank == 0 else 0.5 * full
                because[sid].append(p.id)
        priority: dict[str, int] = {}
        for sid, plan in self.found["action"].items():
            weight.setdefault(sid, 0.0)
            priority[sid] = plan.priority
        steps = self.loc.steps
        ordered = sorted(weight, key=lambda s: (-weight[s], priority.get(s, 4), steps[s][0]))
        out = []
        for rank, sid in enumerate(ordered, start=1):
            number, title, summary, tasks = steps[sid]
            out.append(filled(ActionFinding, step=number, id=sid, title=title, priority=rank,
                              because=tuple(because[sid]), summary=summary, tasks=tasks))
        return tuple(out)

    def flags(self) -> tuple[FlagFinding, ...]:
        """Consistency rules, then "don't know" answers as a finding of their own."""
        loc = self.locale
        out = []
        for fid, plan in self.found["flag"].items():
            f = self.cat.flags[fid]
            out.append(filled(FlagFinding, id=fid, kind=f.kind, title=f.title[loc], severity=plan.severity,
                              summary=f.summary[loc], evidence=self.evidence(plan)))
        answered, dont_know = self.valid.values.items(), self.qn.dont_know_answers
        if not dont_know.isdisjoint(answered):
            unknown = tuple(self.loc.dont_know[a] for a in answered if a in dont_know)
            f = self.cat.flags["dont_know"]
            out.append(filled(FlagFinding, id=f.id, kind=f.kind, title=f.title[loc], summary=f.summary[loc],
                              severity="medium" if len(unknown) >= 2 else "low", evidence=unknown))
        return tuple(out)

    def diagnosis(self) -> Diagnosis:
        loc, scores, values = self.locale, self.scores, self.valid.values
        pitfalls = self.pitfalls()
        profile = {qid: values[qid] for qid in self.views.profile_ids if qid in values}
        small = not self.views.small_answers.isdisjoint(profile.items())
        return filled(
            Diagnosis,
            questionnaire_version=self.qn.version,
            ruleset_version=self.views.book.version,
            locale=loc,
            scores=MappingProxyType(dict(scores.areas)),
            overall=scores.overall,
            level=self.loc.levels[scores.level.number] if scores.level else None,
            pitfalls=tuple(
                filled(PitfallFinding, id=p.id, title=p.title[loc], severity=sev, area=p.area,
                       summary=p.summary[loc], cost=p.cost[loc], headline=i < HEADLINED, evidence=ev)
                for i, (p, sev, ev) in enumerate(pitfalls)
            ),
            actions=self.actions(pitfalls),
            unanswered=self.valid.unanswered,
            flags=self.flags(),
            areas=tuple(map(self.loc.areas.__getitem__, scores.areas.items())),
            answers=tuple(map(self.loc.answers.__getitem__, values.items())),
            profile=MappingProxyType(profile),
            small_company=small,
            advice=self.loc.advice if small else (),
        )
