"""The durable-rules adapter under load: state cleanup, threads, failures."""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import pytest

from assessment import evaluate
from assessment.diagnose import engine
from assessment.diagnose.answers import validate_answers
from assessment.bank.rules import RuleBook
from assessment.diagnose.scoring import score
from tests.conftest import PROFILES, load_profile


def test_more_evaluations_than_durable_keeps_live_sids(make_answers):
    # A ruleset holds at most 1,024 live sids; states must be deleted.
    answers = make_answers(0)
    first = evaluate(answers)
    for _ in range(1_500):
        d = evaluate(answers)
    assert d == first


def test_a_fact_matching_no_rule_is_an_empty_result(questionnaire, rulebook, make_answers):
    valid = validate_answers(make_answers(3), questionnaire)
    fired = engine.compiled(rulebook).fire(engine.compiled(rulebook).fact(questionnaire, valid, score(valid, questionnaire)))
    assert fired == set()


def test_engine_results_match_the_durable_host_api(questionnaire, rulebook):
    # fire() drives the C API directly; durable's own Host path, running a
    # Python action per rule, must see exactly the same rules fire.
    from durable import engine as durable_engine

    seen: dict[str, set] = {}

    def record(name):
        return lambda c: seen.setdefault(c.s["sid"], set()).add(name)

    compiled = engine.compiled(rulebook)
    definition = {k: {**v, "run": record(k)} for k, v in compiled.definition.items()}
    host = engine._QuietHost()
    host.register_rulesets({"host_api_check": definition})
    for i, name in enumerate(PROFILES):
        valid = validate_answers(load_profile(name), questionnaire)
        fact = compiled.fact(questionnaire, valid, score(valid, questionnaire))
        host.assert_fact("host_api_check", {**fact, "sid": f"h{i}"})
        host.delete_state("host_api_check", f"h{i}")
        via_host = {(n.rsplit("#", 1)[0], int(n.rsplit("#", 1)[1])) for n in seen[f"h{i}"] if n != "_always"}
        assert compiled.fire(fact) == via_host, name


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
