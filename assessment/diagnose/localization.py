"""localize(): a Verdict (ids and values) in, a Diagnosis (texts in one locale) out.

Texts come from the current question bank and rules, looked up by id. A
stored Verdict may be older than both: where an id is no longer there (a
question removed, an option renamed, a rule dropped) the id or raw value
stands in for the text and the reason is left empty. Localizing never
raises on an old Verdict, so old rows always read.
"""

from __future__ import annotations

import operator

from assessment.bank.questionnaire import QUESTION_TYPES, Question, Questionnaire, default_questionnaire
from assessment.bank.rules import (
    SEVERITIES,
    Comparison,
    Condition,
    Flag,
    Pitfall,
    Rule,
    RuleBook,
    Step,
    default_rulebook,
)
from assessment.bank.text import Text, check_locale
from assessment.diagnose.diagnosis import (
    ActionFinding,
    AnswerView,
    AreaView,
    Diagnosis,
    Evidence,
    FlagFinding,
    LevelView,
    PitfallFinding,
    Task,
)
from assessment.diagnose.verdict import EvidenceRef, Value, Verdict
from assessment.diagnose.view_cache import shared_views

_COMPARE = {
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}


def localize(
    verdict: Verdict,
    locale: str,
    *,
    questionnaire: Questionnaire | None = None,
    rulebook: RuleBook | None = None,
) -> Diagnosis:
    check_locale(locale)
    qn = questionnaire or default_questionnaire()
    book = rulebook or default_rulebook()
    cat, loc = book.catalog, locale
    rules = {r.id: r for r in book.rules}
    shared = shared_views(qn, book, loc, _answer, _tasks)

    def evidence(refs: tuple[EvidenceRef, ...], effect: str, target: str, severity: str) -> tuple[Evidence, ...]:
        out = []
        for ref in refs:
            q = qn.by_id.get(ref.question)
            if effect == "dont_know":  # no rule: the option's own explanation says why not knowing matters
                o = q.option(ref.value) if q and isinstance(ref.value, str) else None
                why = _text(o.explain, loc) if o else ""
            else:
                why = _why(ref, effect, target, severity, q, rules, book, loc)
            out.append(
                Evidence(
                    question=ref.question,
                    answer=_label(q, ref.value, loc),
                    why=why,
                    value=ref.value,
                    text=q.text[loc] if q else ref.question,
                    rule=ref.rule,
                )
            )
        return tuple(out)

    pitfalls = []
    for p in verdict.pitfalls:
        # Pitfall and step ids are fixed, so the catalog knows them; a stand-in keeps a damaged row readable.
        known = cat.pitfalls.get(p.id) or Pitfall(
            id=p.id, area="", title={loc: p.id}, summary={}, cost={}, addressed_by=()
        )
        pitfalls.append(
            PitfallFinding(
                id=p.id,
                title=_text(known.title, loc),
                severity=p.severity,
                area=known.area,
                summary=_text(known.summary, loc),
                cost=_text(known.cost, loc),
                headline=p.headline,
                evidence=evidence(p.evidence, "pitfall", p.id, p.severity),
            )
        )
    actions = []
    for a in verdict.actions:
        step = cat.steps.get(a.id) or Step(id=a.id, number=0, title={loc: a.id}, summary={}, tasks=())
        actions.append(
            ActionFinding(
                step=step.number,
                id=a.id,
                title=_text(step.title, loc),
                priority=a.priority,
                because=a.because,
                summary=_text(step.summary, loc),
                tasks=shared.tasks.get(a.id, ()),
            )
        )
    flags = []
    for f in verdict.flags:
        known_flag = cat.flags.get(f.id) or Flag(id=f.id, kind=f.kind, title={loc: f.id}, summary={})  # removed since
        flags.append(
            FlagFinding(
                id=f.id,
                kind=f.kind,
                title=_text(known_flag.title, loc),
                severity=f.severity,
                summary=_text(known_flag.summary, loc),
                evidence=evidence(f.evidence, "dont_know" if f.kind == "dont_know" else "flag", f.id, f.severity),
            )
        )
    return Diagnosis(
        questionnaire_version=verdict.questionnaire_version,
        ruleset_version=verdict.ruleset_version,
        locale=loc,
        scores=verdict.scores,
        overall=verdict.overall,
        level=_level(qn, verdict.level, loc),
        pitfalls=tuple(pitfalls),
        actions=tuple(actions),
        unanswered=verdict.unanswered,
        flags=tuple(flags),
        areas=tuple(_area(qn, aid, s, loc) for aid, s in verdict.scores.items()),
        answers=tuple(
            (shared.answers.get((qid, value)) if isinstance(value, str) else None) or _answer(qn, qid, value, loc)
            for qid, value in verdict.answers.items()
        ),
        profile=verdict.profile,
        small_company=verdict.small_company,
        advice=tuple(_text(t, loc) for t in cat.small_company_advice) if verdict.small_company else (),
    )


def _tasks(book: RuleBook, step_id: str, loc: str) -> tuple[Task, ...]:
    step = book.catalog.steps[step_id]
    return tuple(Task(text=_text(t.text, loc), owner=_text(t.owner, loc), days=t.days) for t in step.tasks)


def _text(text: Text | None, loc: str) -> str:
    return (text or {}).get(loc, "")


def _offered(q: Question, value: Value) -> bool:
    """Does the bank still offer this value (every ticked value, for a checklist)?"""
    if isinstance(value, str):
        return q.option(value) is not None
    return all(isinstance(v, str) and q.option(v) is not None for v in value or ())


def _label(q: Question | None, value: Value, loc: str) -> str:
    """The answer as the respondent saw it; a value the bank no longer offers shows as itself."""
    if isinstance(value, str):
        o = q.option(value) if q else None
        return _text(o.label, loc) if o else value
    if not value:
        return "（選択なし）" if loc == "ja" else "(none ticked)"
    return ("、" if loc == "ja" else ", ").join(_label(q, v, loc) for v in value)


def _why(
    ref: EvidenceRef,
    effect: str,
    target: str,
    severity: str,
    q: Question | None,
    rules: dict[str, Rule],
    book: RuleBook,
    loc: str,
) -> str:
    """Why this answer shows the finding: its condition's reason, else its rule's."""
    if ref.rule is not None:
        rule = rules.get(ref.rule)
        if rule is None:
            return ""  # the rule was removed since
        branches = rule.branches
        if ref.branch is not None and 0 <= ref.branch < len(branches):
            branches = (branches[ref.branch],)
        c = next((c for b in branches for c in b if c.kind == "question" and c.target == ref.question), None)
        return _text(c.why if c and c.why else rule.why, loc)
    # Stored before evidence named its rule: the first rule of this finding
    # with a condition on this question that the answer meets, in the order
    # findings.evidence() credits rules (most severe first), skipping rules
    # more severe than the finding, which cannot have fired.
    if q is None:
        return ""
    rank = SEVERITIES.get(severity, 0)
    candidates = [
        r
        for r in book.rules
        if r.effect == effect and r.target == target and SEVERITIES.get(r.severity or "", 0) <= rank
    ]
    for rule in sorted(candidates, key=lambda r: -SEVERITIES.get(r.severity or "", 0)):
        for c in (c for b in rule.branches for c in b):
            if c.kind == "question" and c.target == q.id and _holds(c, q, ref.value):
                return _text(c.why or rule.why, loc)
    return ""


def _holds(c: Condition, q: Question, value: Value) -> bool:
    """Does one answer meet one condition on its question? (Only to find a reason: the engine decides what fires.)"""
    if not _offered(q, value):
        return False
    if c.op == "score" and isinstance(c.arg, Comparison):
        # an answer without an item score gives the engine no field to compare, so it meets no score condition
        item = QUESTION_TYPES[q.type].item_score(q, value)
        return item is not None and _COMPARE[c.arg.op](item, c.arg.num)
    if isinstance(value, str):  # a one-option answer
        if c.op == "is":
            return value == c.arg
        if c.op == "in":
            return value in c.arg
        return c.op == "not_in" and value not in c.arg
    ticked = set(value)  # a checklist
    if c.op == "count" and isinstance(c.arg, Comparison):
        return _COMPARE[c.arg.op](len(q.counting & ticked), c.arg.num)
    if c.op == "includes":
        return c.arg in ticked
    if c.op == "excludes":
        return c.arg not in ticked
    return c.op == "includes_any" and not ticked.isdisjoint(c.arg)


def _level(qn: Questionnaire, number: int | None, loc: str) -> LevelView | None:
    if number is None:
        return None
    lv = next((lv for lv in qn.levels if lv.number == number), None)
    return (
        LevelView(number, _text(lv.name, loc), _text(lv.description, loc)) if lv else LevelView(number, str(number), "")
    )


def _area(qn: Questionnaire, area_id: str, area_score: int | None, loc: str) -> AreaView:
    a = next((a for a in qn.areas if a.id == area_id), None)
    return AreaView(
        id=area_id,
        name=_text(a.name, loc) if a else area_id,
        score=area_score,
        level=None if area_score is None else qn.level_for(area_score).number,
        description=_text(a.mature, loc) if a else "",
    )


def _answer(qn: Questionnaire, qid: str, value: Value, loc: str) -> AnswerView:
    q = qn.by_id.get(qid)
    if q is None:  # the question was removed since
        return AnswerView(
            question=qid, section="", text=qid, value=value, answer=_label(None, value, loc), score=None, explain=""
        )
    kind = QUESTION_TYPES[q.type]
    if isinstance(value, str) and (o := q.option(value)) is not None:  # one option, still offered: most answers
        return AnswerView(
            question=qid,
            section=q.section,
            text=q.text[loc],
            value=value,
            answer=o.label[loc],
            score=kind.item_score(q, value),
            explain=_text(o.explain, loc),
        )
    chosen = [q.option(v) for v in ((value,) if isinstance(value, str) else value)]
    return AnswerView(
        question=qid,
        section=q.section,
        text=q.text[loc],
        value=value,
        answer=_label(q, value, loc),
        # the item score as the current bank gives it; none for a value it no longer offers
        score=kind.item_score(q, value) if None not in chosen else None,
        explain=" ".join(o.explain[loc] for o in chosen if o is not None and o.explain),
    )
