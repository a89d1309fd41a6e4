"""Walk every rule, every alternative and every answer that meets each condition: the rule fires, and the
reason printed beside the answer is the reason of a condition that answer met (never another answer's)."""

from __future__ import annotations

import pytest

from assessment.bank.rules import MATCHED, Condition, Rule
from assessment.diagnose import engine
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.localization import _holds, localize
from assessment.diagnose.pipeline import diagnose
from assessment.diagnose.scoring import score


def accepted(c: Condition, q) -> list:
    """Each answer value that meets condition c on its own (checklists: ticked lists)."""
    if q.type != "checklist":
        return [o.value for o in q.options if _holds(c, q, o.value)]
    if c.op == "includes_any":
        return [[v] for v in c.arg]
    if c.op == "includes":
        return [[c.arg]]
    # a count: each number of counting options (the first ones, in bank order) that meets it
    counting = [o.value for o in q.options if o.value in q.counting]
    return [counting[:n] for n in range(len(counting) + 1) if _holds(c, q, tuple(counting[:n]))]


def answers_for(branch: tuple[Condition, ...], qn, chosen: Condition, value) -> dict | None:
    """Answers meeting every condition of the branch, `chosen` with `value`, the others with their first value."""
    answers: dict = {}
    for c in branch:
        if c.kind != "question":
            return None  # area conditions belong to action rules
        q = qn.by_id[c.target]
        v = value if c is chosen else accepted(c, q)[0]
        if q.type == "checklist":
            answers[c.target] = sorted(set(answers.get(c.target, [])) | set(v))
        else:
            answers[c.target] = v
    if not all(
        _holds(c, qn.by_id[c.target], tuple(a) if isinstance(a := answers[c.target], list) else a) for c in branch
    ):
        return None
    return answers


def cases(qn, book):
    for rule in book.rules:
        if rule.effect not in ("pitfall", "flag", "counter"):
            continue
        for b, branch in enumerate(rule.branches):
            for c in branch:
                for value in accepted(c, qn.by_id[c.target]):
                    answers = answers_for(branch, qn, c, value)
                    if answers is not None:
                        yield rule, b, c, answers


def test_the_walk_covers_every_condition_of_every_rule(questionnaire, rulebook):
    walked = {(r.id, b, c.target) for r, b, c, _ in cases(questionnaire, rulebook)}
    every = {
        (r.id, b, c.target)
        for r in rulebook.rules
        if r.effect != "action"
        for b, branch in enumerate(r.branches)
        for c in branch
    }
    assert walked == every and len(list(cases(questionnaire, rulebook))) > 120


def _findings(v, d, rule: Rule):
    """(verdict refs, localized evidence) of the finding the rule feeds: a counter's are what offset a pitfall."""
    if rule.effect == "flag":
        pairs = [(f.evidence, g.evidence) for f, g in zip(v.flags, d.flags, strict=True) if f.id == rule.target]
        return pairs
    found = zip((*v.pitfalls, *v.cleared), (*d.pitfalls, *d.cleared), strict=True)
    if rule.effect == "counter":
        return [(f.offsets, g.offsets) for f, g in found if f.id == rule.target]
    return [(f.evidence, g.evidence) for f, g in found if f.id == rule.target]


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_every_matching_answer_prints_its_own_conditions_reason(questionnaire, rulebook, locale):
    compiled = engine.compiled(rulebook)
    rules = {r.id: r for r in rulebook.rules}
    checked = 0
    for rule, b, c, answers in cases(questionnaire, rulebook):
        valid = validate_answers(answers, questionnaire)
        fired = compiled.fire(compiled.fact(questionnaire, valid, score(valid, questionnaire)))
        assert (rule.id, b) in fired, (rule.id, b, answers)  # must fire, for every value each condition takes
        v = diagnose(answers)
        d = localize(v, locale)
        for refs, shown in _findings(v, d, rule):
            for ref, e in zip(refs, shown, strict=True):
                if e.question != c.target:
                    continue
                assert ref.rule is not None and ref.branch is not None and e.rule == ref.rule
                credited = rules[ref.rule]
                assert credited.target == rule.target
                q = questionnaire.by_id[e.question]
                met = [x for x in credited.branches[ref.branch] if x.kind == "question" and x.target == e.question]
                assert met and all(_holds(x, q, e.value) for x in met), (e.rule, e.question, e.value)
                pieces = [x.why[locale].split(MATCHED) for x in met if x.why]
                for head, *tail in pieces:
                    assert head in e.why
                    for rest in tail:
                        assert rest in e.why
                if any(len(p) > 1 for p in pieces):  # {matched}: the ticked values that met it, and only those
                    ticked = [o.label[locale] for o in q.options if o.value in e.value]
                    assert any(label in e.why for label in ticked)
                    untouched = [o.label[locale] for o in q.options if o.value not in e.value]
                    assert not any(f"（{label}）" in e.why or f"({label})" in e.why for label in untouched)
                checked += 1
    assert checked > 120
