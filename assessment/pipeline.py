"""The one pipeline: raw answers in, Diagnosis out. Every front end calls evaluate()."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from . import engine
from .answers import Answers, validate_answers
from .diagnosis import (
    ActionFinding, AnswerView, AreaView, Diagnosis, Evidence, FlagFinding, LevelView,
    PitfallFinding, Task,
)
from .questionnaire import Question, Questionnaire, default_questionnaire
from .rules import SEVERITIES, Rule, RuleBook, default_rulebook
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
    fired = engine.compiled(book).fire(engine.build_fact(qn, valid, scores))
    return _assemble(qn, book, valid, scores, fired, locale)


def _answer_label(q: Question, value, locale: str) -> str:
    if isinstance(value, str):
        return q.option(value).label[locale]
    if not value:
        return "（選択なし）" if locale == "ja" else "(none ticked)"
    sep = "、" if locale == "ja" else ", "
    return sep.join(q.option(v).label[locale] for v in value)


def _evidence(rule: Rule, branches: list[int], qn: Questionnaire, valid: Answers, locale: str) -> list[Evidence]:
    out = []
    for i in branches:
        for c in rule.branches[i]:
            if c.kind != "question":
                continue
            q = qn.by_id[c.target]
            value = valid.get(q.id)
            why = (c.why or rule.why)[locale]
            out.append(Evidence(question=q.id, answer=_answer_label(q, value, locale), why=why, value=value,
                                text=q.text[locale]))
    return out


def _merge_evidence(items: list[Evidence], qn: Questionnaire) -> tuple[Evidence, ...]:
    """One entry per question, in bank order; the first (most severe) rule's reason wins."""
    order = {q.id: i for i, q in enumerate(qn.questions)}
    unique: dict[str, Evidence] = {}
    for e in items:
        unique.setdefault(e.question, e)
    return tuple(sorted(unique.values(), key=lambda e: order[e.question]))


def _findings(book: RuleBook, fired: set[tuple[str, int]]) -> dict[str, dict[str, list]]:
    """Group fired branches: effect -> target -> [(rule, [branch indexes])]."""
    by_rule: dict[str, list[int]] = defaultdict(list)
    for rule_id, branch in sorted(fired):
        by_rule[rule_id].append(branch)
    grouped: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for rule in book.rules:  # file order: deterministic output
        if rule.id in by_rule:
            grouped[rule.effect][rule.target].append((rule, by_rule[rule.id]))
    return grouped


def _max_severity(hits) -> str:
    return max((rule.severity for rule, _ in hits), key=SEVERITIES.__getitem__)


def _assemble(qn, book: RuleBook, valid: Answers, scores: Scores, fired, locale: str) -> Diagnosis:
    cat = book.catalog
    grouped = _findings(book, fired)

    def area_score(area_id):
        s = scores.areas.get(area_id)
        return 100 if s is None else s

    # Pitfalls: most severe first, then the weakest area, then the best evidenced.
    pitfalls = []
    for pid, hits in grouped["pitfall"].items():
        p = cat.pitfalls[pid]
        hits = sorted(hits, key=lambda h: -SEVERITIES[h[0].severity])
        evidence = _merge_evidence([e for rule, br in hits for e in _evidence(rule, br, qn, valid, locale)], qn)
        pitfalls.append((p, _max_severity(hits), evidence))
    pitfall_order = list(cat.pitfalls)
    pitfalls.sort(key=lambda t: (-SEVERITIES[t[1]], area_score(t[0].area), -len(t[2]), pitfall_order.index(t[0].id)))
    pitfall_findings = tuple(
        PitfallFinding(
            id=p.id, title=p.title[locale], severity=sev, area=p.area, summary=p.summary[locale],
            cost=p.cost[locale], headline=i < HEADLINED, evidence=ev,
        )
        for i, (p, sev, ev) in enumerate(pitfalls)
    )

    # Actions: a step's weight is the severity of the pitfalls it addresses,
    # heavier in weaker areas, full for a pitfall's primary remedy (first in
    # addressed_by) and half for the others; action rules break ties.
    weight: dict[str, float] = defaultdict(float)
    because: dict[str, list[str]] = defaultdict(list)
    for p, sev, _ in pitfalls:
        for rank, sid in enumerate(p.addressed_by):
            share = 1.0 if rank == 0 else 0.5
            weight[sid] += share * SEVERITIES[sev] * (1 + (100 - area_score(p.area)) / 100)
            because[sid].append(p.id)
    rule_priority: dict[str, int] = {}
    for sid, hits in grouped["action"].items():
        weight.setdefault(sid, 0.0)
        rule_priority[sid] = min(rule.priority for rule, _ in hits)
    ordered = sorted(weight, key=lambda s: (-weight[s], rule_priority.get(s, 4), cat.steps[s].number))
    action_findings = tuple(
        ActionFinding(
            step=cat.steps[sid].number, id=sid, title=cat.steps[sid].title[locale], priority=rank,
            because=tuple(because[sid]), summary=cat.steps[sid].summary[locale],
            tasks=tuple(Task(text=t.text[locale], owner=t.owner[locale], days=t.days) for t in cat.steps[sid].tasks),
        )
        for rank, sid in enumerate(ordered, start=1)
    )

    # Flags: consistency rules, then "don't know" answers as a finding of their own.
    flags = []
    for fid, hits in grouped["flag"].items():
        f = cat.flags[fid]
        evidence = _merge_evidence([e for rule, br in hits for e in _evidence(rule, br, qn, valid, locale)], qn)
        flags.append(FlagFinding(id=fid, kind=f.kind, title=f.title[locale], severity=_max_severity(hits),
                                 summary=f.summary[locale], evidence=evidence))
    unknown = [
        (q, q.option(v)) for q in qn.scored_questions
        if isinstance(v := valid.get(q.id), str) and q.option(v).dont_know
    ]
    if unknown:
        f = cat.flags["dont_know"]
        flags.append(FlagFinding(
            id=f.id, kind=f.kind, title=f.title[locale], severity="medium" if len(unknown) >= 2 else "low",
            summary=f.summary[locale],
            evidence=tuple(Evidence(question=q.id, answer=o.label[locale], why=o.explain[locale], value=o.value,
                                    text=q.text[locale])
                           for q, o in unknown),
        ))

    answer_views = []
    for q in qn.questions:
        value = valid.get(q.id)
        if value is None:
            continue
        if isinstance(value, str):
            opt = q.option(value)
            explain = opt.explain[locale] if opt.explain else ""
        else:
            explain = " ".join(q.option(v).explain[locale] for v in value if q.option(v).explain)
        answer_views.append(AnswerView(
            question=q.id, section=q.section, text=q.text[locale], value=value,
            answer=_answer_label(q, value, locale), score=scores.items.get(q.id), explain=explain,
        ))

    profile = {q.id: valid.get(q.id) for q in qn.in_section("profile") if valid.get(q.id) is not None}
    small = any(q.option(v).small for q in qn.in_section("profile") if (v := valid.get(q.id)))
    level = scores.level
    return Diagnosis(
        questionnaire_version=qn.version,
        ruleset_version=book.version,
        locale=locale,
        scores=scores.areas,
        overall=scores.overall,
        level=LevelView(level.number, level.name[locale], level.description[locale]) if level else None,
        pitfalls=pitfall_findings,
        actions=action_findings,
        unanswered=valid.unanswered,
        flags=tuple(flags),
        areas=tuple(
            AreaView(
                id=a.id, name=a.name[locale], score=scores.areas[a.id],
                level=None if scores.areas[a.id] is None else qn.level_for(scores.areas[a.id]).number,
                description=a.mature[locale],
            )
            for a in qn.areas
        ),
        answers=tuple(answer_views),
        profile=profile,
        small_company=small,
        advice=tuple(t[locale] for t in cat.small_company_advice) if small else (),
    )
