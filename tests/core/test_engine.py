"""The durable-rules adapter under load: state cleanup, threads, failures."""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from assessment import engine, evaluate
from assessment.answers import validate_answers
from assessment.rules import RuleBook
from assessment.scoring import score
from tests.conftest import PROFILES, load_profile


def test_more_evaluations_than_durable_keeps_live_sids(make_answers):
    # A ruleset holds at most 1,024 live sids; states must be deleted.
    answers = make_answers(0)
    first = evaluate(answers)
    for _ in range(1_500):
        d = evaluate(answers)
    assert d == first
    assert engine._fired == {}


def test_a_fact_matching_no_rule_is_an_empty_result(questionnaire, rulebook, make_answers):
    valid = validate_answers(make_answers(3), questionnaire)
    fired = engine.compiled(rulebook).fire(engine.build_fact(questionnaire, valid, score(valid, questionnaire)))
    assert fired == set()


def test_failing_action_raises_instead_of_vanishing(rulebook, monkeypatch):
    compiled = engine.compiled(rulebook)

    class Exploding(dict):
        def __getitem__(self, key):
            raise RuntimeError("boom")

        def pop(self, key, *default):
            return set()

    monkeypatch.setattr(engine, "_fired", Exploding())
    with pytest.raises(engine.EngineError, match="boom"):
        compiled.fire({"kind": "answers", "q_al_goal_agreement": "self_set", "q_al_shared_language": "vague"})


def test_each_rulebook_compiles_once(rulebook):
    assert engine.compiled(rulebook) is engine.compiled(rulebook)
    other = RuleBook(version="x", catalog=rulebook.catalog, rules=rulebook.rules[:1])
    assert engine.compiled(other) is not engine.compiled(rulebook)


def test_eight_threads_give_exactly_the_sequential_results(make_answers):
    cases = [(load_profile(name), loc) for name in PROFILES for loc in ("ja", "en")]
    cases += [(make_answers(b), "en") for b in range(4)]
    expected = [evaluate(a, loc).to_dict() for a, loc in cases]
    jobs = list(itertools.islice(itertools.cycle(range(len(cases))), 8 * 500))

    def run(i):
        answers, loc = cases[i]
        return i, evaluate(answers, loc).to_dict()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(run, jobs))
    assert len(results) == 4_000
    mismatches = [i for i, got in results if got != expected[i]]
    assert mismatches == []
    assert engine._fired == {}
