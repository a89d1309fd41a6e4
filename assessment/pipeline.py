"""The one pipeline: raw answers in, Diagnosis out. Every front end calls evaluate()."""
from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Mapping

from . import engine
from .answers import Answers, validate_answers
from .diagnosis import (
    ActionFinding, AnswerView, AreaView, Diagnosis, Evidence, FlagFinding, LevelView,
    PitfallFinding, Task,
)
from .questionnaire import QUESTION_TYPES, Questionnaire, default_questionnaire
from .rules import SEVERITIES, Condition, Rule, RuleBook, default_rulebook
from .scoring import Scores, score
from .text import check_locale

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
    return _Assembly(_views(qn, book), valid, scores, fired, locale).diagnosis()


class _Views:
    """Localized, immutable pieces of a Diagnosis, built once and shared.

    A Diagnosis is immutable, so two diagnoses may share the same Evidence or
    AnswerView objects; building them once keeps evaluate() fast.
    """

    def __init__(self, qn: Questionnaire, book: RuleBook):
        self.qn, self.book = qn, book
        self.rules: dict[str, Rule] = {r.id: r for r in book.rules}
        self.rule_order = {r.id: i for i, r in enumerate(book.rules)}
        # rule id -> branch -> [(condition index, question id)]: where evidence comes from
        self.evidence_at = {
            r.id: [[(i, c.target) for i, c in enumerate(b) if c.kind == "question"] for b in r.branches]
            for r in book.rules
        }
        # Keys are validated question ids and option values, so the caches
        # are bounded by the bank; plain dicts are the cheapest lookup.
        self.answer_view = _memo(self._answer_view)
        self.evidence = _memo(self._evidence)
        self.action = _memo(self._action)
        self.level = _memo(self._level)
        self.area = _memo(self._area)

    def label(self, qid: str, value, locale: str) -> str:
        q = self.qn.by_id[qid]
        if isinstance(value, str):
            return q.option(value).label[locale]
        if not value:
            return "（選択なし）" if locale == "ja" else "(none ticked)"
        return ("、" if locale == "ja" else ", ").join(q.option(v).label[locale] for v in value)

    def _answer_view(self, qid: str, value, locale: str) -> AnswerView:
        q = self.qn.by_id[qid]
        item_score = QUESTION_TYPES[q.type].item_score(q, value)
        chosen = [q.option(value)] if isinstance(value, str) else [q.option(v) for v in value]
        explain = " ".join(o.explain[locale] for o in chosen if o.explain)
        return AnswerView(question=qid, section=q.section, text=q.text[locale], value=value,
                          answer=self.label(qid, value, locale), score=item_score, explain=explain)

    def _evidence(self, rule: str, branch: int, index: int, value, locale: str) -> Evidence:
        r = self.rules[rule]
        c: Condition = r.branches[branch][index]
        return Evidence(question=c.target, answer=self.label(c.target, value, locale),
                        why=(c.why or r.why)[locale], value=value, text=self.qn.by_id[c.target].text[locale])

    def dont_know(self, qid: str, value: str, locale: str) -> Evidence:
        q = self.qn.by_id[qid]
        o = q.option(value)
        return Evidence(question=qid, answer=o.label[locale], why=o.explain[locale], value=value,
                        text=q.text[locale])

    def _action(self, step_id: str, locale: str) -> tuple:
        s = self.book.catalog.steps[step_id]
        tasks = tuple(Task(text=t.text[locale], owner=t.owner[locale], days=t.days) for t in s.tasks)
        return s.number, s.title[locale], s.summary[locale], tasks

    def _area(self, area_id: str, area_score: int | None, locale: str) -> AreaView:
        a = self.qn.area(area_id)
        level = None if area_score is None else self.qn.level_for(area_score).number
        return AreaView(id=a.id, name=a.name[locale], score=area_score, level=level, description=a.mature[locale])

    def _level(self, number: int, locale: str) -> LevelView:
        lv = self.qn.levels[number - 1]
        return LevelView(lv.number, lv.name[locale], lv.description[locale])


def _memo(build):
    """Cache build(*key) forever; a race only builds the same value twice."""
    cache: dict = {}

    def get(*key):
        try:
            return cache[key]
        except KeyError:
            value = cache[key] = build(*key)
            return value

    return get


_views_lock = threading.Lock()
_views_cache: dict[tuple[int, int], _Views] = {}


def _views(qn: Questionnaire, book: RuleBook) -> _Views:
    with _views_lock:
        v = _views_cache.get((id(qn), id(book)))
        if v is None or v.qn is not qn or v.book is not book:
            v = _views_cache[(id(qn), id(book))] = _Views(qn, book)
        return v


class _Assembly:
    """Turns fired rules into the findings of one Diagnosis."""

    def __init__(self, views: _Views, valid: Answers, scores: Scores, fired, locale: str):
        self.v, self.valid, self.scores, self.locale = views, valid, scores, locale
        self.qn, self.cat = views.qn, views.book.catalog
        # effect -> target -> [(rule, [branch indexes])], in rule-file order
        by_rule: dict[str, list[int]] = defaultdict(list)
        for rule_id, branch in sorted(fired):
            by_rule[rule_id].append(branch)
        self.hits: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        for rule_id in sorted(by_rule, key=views.rule_order.__getitem__):
            rule = views.rules[rule_id]
            self.hits[rule.effect][rule.target].append((rule, by_rule[rule_id]))

    def area_score(self, area_id: str) -> int:
        s = self.scores.areas.get(area_id)
        return 100 if s is None else s

    def evidence(self, hits) -> tuple[Evidence, ...]:
        """One entry per question, in bank order; the most severe rule's reason wins."""
        unique: dict[str, Evidence] = {}
        values = self.valid.values
        for rule, branches in sorted(hits, key=lambda h: -SEVERITIES[h[0].severity]):
            at = self.v.evidence_at[rule.id]
            for b in branches:
                for i, qid in at[b]:
                    if qid not in unique:
                        unique[qid] = self.v.evidence(rule.id, b, i, values.get(qid), self.locale)
        return tuple(sorted(unique.values(), key=lambda e: self.qn.position[e.question]))

    def pitfalls(self) -> list[tuple]:
        """(pitfall, severity, evidence): most severe first, then weakest area, then best evidenced."""
        found = []
        for pid, hits in self.hits["pitfall"].items():
            severity = max((r.severity for r, _ in hits), key=SEVERITIES.__getitem__)
            found.append((self.cat.pitfalls[pid], severity, self.evidence(hits)))
        order = list(self.cat.pitfalls)
        found.sort(key=lambda t: (-SEVERITIES[t[1]], self.area_score(t[0].area), -len(t[2]), order.index(t[0].id)))
        return found

    def actions(self, pitfalls) -> tuple[ActionFinding, ...]:
        # A step weighs the severity of the pitfalls it addresses, more in
        # weaker areas: fully as a pitfall's primary remedy (first in
        # addressed_by), half otherwise. Action rules break ties by priority.
        weight: dict[str, float] = defaultdict(float)
        because: dict[str, list[str]] = defaultdict(list)
        for p, sev, _ in pitfalls:
            for rank, sid in enumerate(p.addressed_by):
                share = 1.0 if rank == 0 else 0.5
                weight[sid] += share * SEVERITIES[sev] * (1 + (100 - self.area_score(p.area)) / 100)
                because[sid].append(p.id)
        priority: dict[str, int] = {}
        for sid, hits in self.hits["action"].items():
            weight.setdefault(sid, 0.0)
            priority[sid] = min(r.priority for r, _ in hits)
        ordered = sorted(weight, key=lambda s: (-weight[s], priority.get(s, 4), self.cat.steps[s].number))
        out = []
        for rank, sid in enumerate(ordered, start=1):
            number, title, summary, tasks = self.v.action(sid, self.locale)
            out.append(ActionFinding(step=number, id=sid, title=title, priority=rank, because=tuple(because[sid]),
                                     summary=summary, tasks=tasks))
        return tuple(out)

    def flags(self) -> tuple[FlagFinding, ...]:
        """Consistency rules, then "don't know" answers as a finding of their own."""
        loc = self.locale
        out = []
        for fid, hits in self.hits["flag"].items():
            f = self.cat.flags[fid]
            severity = max((r.severity for r, _ in hits), key=SEVERITIES.__getitem__)
            out.append(FlagFinding(id=fid, kind=f.kind, title=f.title[loc], severity=severity,
                                   summary=f.summary[loc], evidence=self.evidence(hits)))
        dont_know = self.qn.dont_know_answers
        unknown = [
            self.v.dont_know(qid, v, loc) for qid, v in self.valid.values.items()
            if isinstance(v, str) and (qid, v) in dont_know
        ]
        if unknown:
            f = self.cat.flags["dont_know"]
            out.append(FlagFinding(id=f.id, kind=f.kind, title=f.title[loc], summary=f.summary[loc],
                                   severity="medium" if len(unknown) >= 2 else "low", evidence=tuple(unknown)))
        return tuple(out)

    def diagnosis(self) -> Diagnosis:
        loc, qn, scores = self.locale, self.qn, self.scores
        pitfalls = self.pitfalls()
        profile = {q.id: v for q in qn.in_section("profile") if (v := self.valid.get(q.id)) is not None}
        small = any(qn.by_id[qid].option(v).small for qid, v in profile.items())
        return Diagnosis(
            questionnaire_version=qn.version,
            ruleset_version=self.v.book.version,
            locale=loc,
            scores=scores.areas,
            overall=scores.overall,
            level=self.v.level(scores.level.number, loc) if scores.level else None,
            pitfalls=tuple(
                PitfallFinding(id=p.id, title=p.title[loc], severity=sev, area=p.area, summary=p.summary[loc],
                               cost=p.cost[loc], headline=i < HEADLINED, evidence=ev)
                for i, (p, sev, ev) in enumerate(pitfalls)
            ),
            actions=self.actions(pitfalls),
            unanswered=self.valid.unanswered,
            flags=self.flags(),
            areas=tuple(self.v.area(aid, s, loc) for aid, s in scores.areas.items()),
            answers=tuple(self.v.answer_view(qid, value, loc) for qid, value in self.valid.values.items()),
            profile=profile,
            small_company=small,
            advice=tuple(t[loc] for t in self.cat.small_company_advice) if small else (),
        )
