"""localize(): a Verdict (ids and values) in, a Diagnosis (texts in one locale) out.

Texts come from the current question bank and rules, looked up by id. A
stored Verdict may be older than both: where an id is no longer there (a
question removed, an option renamed, a rule dropped) the id or raw value
stands in for the text and the reason is left empty. Localizing never
raises on an old Verdict, so old rows always read.
"""

from __future__ import annotations

from collections.abc import Mapping

from assessment.bank.questionnaire import QUESTION_TYPES, Question, Questionnaire, default_questionnaire
from assessment.bank.rules import (
    COMPARE,
    MATCHED,
    SEVERITIES,
    Comparison,
    Condition,
    Flag,
    Pitfall,
    Rule,
    RuleBook,
    Step,
    choice_holds,
    default_rulebook,
    varied,
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
from assessment.diagnose.verdict import EvidenceRef, FoundPitfall, Value, Verdict
from assessment.diagnose.view_cache import SharedViews, shared_views


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
    rules = book.by_id
    shared = shared_views(qn, book, loc, _answer, _tasks)

    def evidence(refs: tuple[EvidenceRef, ...], effect: str, target: str, severity: str) -> tuple[Evidence, ...]:
        out = []
        for ref in refs:
            q = qn.shown(ref.question)
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
                    to_verify=_dont_know(q, ref.value),
                )
            )
        return tuple(out)

    def pitfall(p: FoundPitfall) -> PitfallFinding:
        # Pitfall and step ids are fixed, so the catalog knows them; a stand-in keeps a damaged row readable.
        known = cat.pitfalls.get(p.id) or Pitfall(
            id=p.id, area="", title={loc: p.id}, summary={}, cost={}, addressed_by=()
        )
        shown = evidence(p.evidence, "pitfall", p.id, p.base_severity or p.severity)
        # The summary is what the answers showed: the reasons of the most severe rule that fired (all of
        # them for a row that named no rules), each once, in evidence order.
        ranked = [
            (SEVERITIES.get(r.severity or "", 0), e.rule) for e in shown if (r := rules.get(e.rule or "")) is not None
        ]
        top = max(ranked, key=lambda rr: rr[0])[1] if ranked else None
        reasons = list(dict.fromkeys(e.why for e in shown if e.why and (top is None or e.rule == top)))
        return PitfallFinding(
            id=p.id,
            title=_text(known.title, loc),
            severity=p.severity,
            area=known.area,
            summary=_joined(reasons, loc) or _text(known.summary, loc),
            cost=_text(known.cost, loc),
            headline=p.headline,
            evidence=shown,
            description=_text(known.summary, loc),
            offsets=evidence(p.offsets, "counter", p.id, "high"),
            base_severity=p.base_severity,
        )

    pitfalls = [pitfall(p) for p in verdict.pitfalls]
    actions = []
    for a in verdict.actions:
        step = cat.steps.get(a.id) or Step(id=a.id, number=0, title={loc: a.id}, summary={}, tasks=())
        title, summary, tasks = _worded(step, verdict.profile, loc, shared)
        actions.append(
            ActionFinding(
                step=step.number,
                id=a.id,
                title=title,
                priority=a.priority,
                because=a.because,
                summary=summary,
                tasks=tasks,
                areas=a.areas,
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
                area=known_flag.area,
            )
        )
    return Diagnosis(
        questionnaire_version=verdict.questionnaire_version,
        ruleset_version=verdict.ruleset_version,
        locale=loc,
        scores=verdict.scores,
        overall=verdict.overall,
        level=_level(qn, verdict, loc),
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
        advice=tuple(_text(t.text, loc) for t in cat.small_company_advice if t.shown(verdict.scores))
        if verdict.small_company
        else (),
        cleared=tuple(pitfall(p) for p in verdict.cleared),
        missing_areas=tuple(aid for aid, s in verdict.scores.items() if s is None),
    )


def _tasks(book: RuleBook, step_id: str, loc: str) -> tuple[Task, ...]:
    """A step's tasks in their default wording (no profile answer meets a variant): shared by every diagnosis."""
    return _task_views(book.catalog.steps[step_id], {}, loc)


def _task_views(step: Step, profile: Mapping[str, str], loc: str) -> tuple[Task, ...]:
    return tuple(
        Task(
            text=_text(varied(t.text, t.variants, "text", profile), loc),
            owner=_text(varied(t.owner, t.variants, "owner", profile), loc),
            days=t.days,
        )
        for t in step.tasks
    )


def _worded(step: Step, profile: Mapping[str, str], loc: str, shared: SharedViews) -> tuple[str, str, tuple[Task, ...]]:
    """A step's title, summary and tasks in the wording its variants give this company's profile."""
    if not step.varies:
        return _text(step.title, loc), _text(step.summary, loc), shared.tasks.get(step.id, ())
    key = (step.id, *(profile.get(q) for q in step.worded_by))
    hit = shared.worded.get(key)
    if hit is None:  # made once per profile that words it differently, then shared
        tasks = _task_views(step, profile, loc)
        title = _text(varied(step.title, step.variants, "title", profile), loc)
        hit = shared.worded[key] = (title, _text(varied(step.summary, step.variants, "summary", profile), loc), tasks)
    return hit


def _text(text: Text | None, loc: str) -> str:
    return (text or {}).get(loc, "")


def _offered(q: Question, value: Value) -> bool:
    """Does the bank still offer this value (every ticked value, for a checklist)?"""
    if isinstance(value, str):
        return q.option(value) is not None
    return all(isinstance(v, str) and q.option(v) is not None for v in value or ())


def _label(q: Question | None, value: Value, loc: str) -> str:
    """The answer as the respondent saw it; a value the bank no longer offers shows its retired label, or itself."""
    if isinstance(value, str):
        return q.label(value, loc) if q else value
    if not value:
        return "（選択なし）" if loc == "ja" else "(none ticked)"
    return ("、" if loc == "ja" else ", ").join(_label(q, v, loc) for v in value)


def _why(
    ref: EvidenceRef,
    effect: str,
    target: str,
    severity: str,
    q: Question | None,
    rules: Mapping[str, Rule],
    book: RuleBook,
    loc: str,
) -> str:
    """Why this answer shows the finding: its condition's reason, else its rule's."""
    rule = rules.get(ref.rule) if ref.rule is not None else None
    if rule is not None:
        named = rule.branches[ref.branch] if ref.branch is not None and 0 <= ref.branch < len(rule.branches) else None
        if named is not None and _meets(named, q, ref.value):
            branch = named
        else:  # no branch named, or one a later edit of the rule renumbered: the first branch this answer meets
            branch = next((b for b in rule.branches if _meets(b, q, ref.value)), named or rule.branches[0])
        # every condition of the branch on this question (a checklist may meet two), each with its reason
        met = [c for c in branch if c.kind == "question" and c.target == ref.question and c.why]
        if met:
            return _joined([_filled(_text(c.why, loc), c, q, ref.value, loc) for c in met], loc)
        return _text(rule.why, loc)
    # Stored before evidence named its rule, or its rule was removed since: the first rule of this finding
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
        for b in rule.branches:
            met = [c for c in b if c.kind == "question" and c.target == q.id]
            if met and _meets(b, q, ref.value):
                reasons = [_filled(_text(c.why, loc), c, q, ref.value, loc) for c in met if c.why]
                return _joined(reasons, loc) if reasons else _text(rule.why, loc)
    return ""


def _meets(branch: tuple[Condition, ...], q: Question | None, value: Value) -> bool:
    """Does the answer meet every condition of the branch on its question (and is there one)?"""
    met = [c for c in branch if c.kind == "question" and q is not None and c.target == q.id]
    return bool(met) and q is not None and all(_holds(c, q, value) for c in met)


def _dont_know(q: Question | None, value: Value) -> bool:
    """A "don't know" answer: a question to verify with the client, not proof."""
    o = q.option(value) if q is not None and isinstance(value, str) else None
    return o is not None and o.dont_know


def _joined(reasons: list[str], loc: str) -> str:
    return ("" if loc == "ja" else " ").join(reasons)


def _filled(why: str, c: Condition, q: Question | None, value: Value, loc: str) -> str:
    """A reason with {matched} replaced by the answer values that met its condition."""
    if MATCHED not in why:
        return why
    if isinstance(value, str) or q is None:
        shown = _label(q, value, loc)
    else:
        wanted = (c.arg,) if isinstance(c.arg, str) else c.arg if isinstance(c.arg, tuple) else ()
        shown = _label(q, tuple(v for v in value if v in wanted) or value, loc)
    return why.replace(MATCHED, shown)


def _holds(c: Condition, q: Question, value: Value) -> bool:
    """Does one answer meet one condition on its question? (Only to find a reason: the engine decides what fires.)"""
    if not _offered(q, value):
        return False
    if c.op == "score" and isinstance(c.arg, Comparison):
        # an answer without an item score gives the engine no field to compare, so it meets no score condition
        item = QUESTION_TYPES[q.type].item_score(q, value)
        return item is not None and COMPARE[c.arg.op](item, c.arg.num)
    if isinstance(value, str):  # a one-option answer
        return choice_holds(c, value)
    ticked = set(value)  # a checklist
    if c.op == "count" and isinstance(c.arg, Comparison):
        return COMPARE[c.arg.op](len(q.counting & ticked), c.arg.num)
    if c.op == "includes":
        return c.arg in ticked
    if c.op == "excludes":
        return c.arg not in ticked
    return c.op == "includes_any" and not ticked.isdisjoint(c.arg)


def _level(qn: Questionnaire, verdict: Verdict, loc: str) -> LevelView | None:
    number, uncapped = verdict.level, verdict.uncapped_level
    if number is None:
        return None
    capped_by = verdict.level_capped_by
    if capped_by is None and uncapped is not None and number < uncapped:  # a row from before it was stored
        answered = [(s, aid) for aid, s in verdict.scores.items() if s is not None]
        capped_by = min(answered, key=lambda sa: sa[0])[1] if answered else None
    reason = ""
    if capped_by is not None and uncapped is not None:
        area = next((a for a in qn.areas if a.id == capped_by), None)
        reason = (
            _text(qn.level_cap, loc)
            .replace("{area}", _text(area.name, loc) if area else capped_by)
            .replace("{level}", str(number))
            .replace("{uncapped}", str(uncapped))
        )
    lv = next((lv for lv in qn.levels if lv.number == number), None)
    name, description = (_text(lv.name, loc), _text(lv.description, loc)) if lv else (str(number), "")
    return LevelView(number, name, description, uncapped=uncapped, capped_by=capped_by, reason=reason)


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
    q = qn.shown(qid)
    if q is None:  # the question was removed since, and not kept as retired
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
