"""The durable-rules adapter: pinned to what durable-rules 2.0.28 does, and under load.

fire() drives durable-rules' private C API and reads rule names out of its
action messages (see engine.py for why). The first tests here fail loudly
when an upgrade changes any of that; then read engine.py before moving the pin.
"""

from __future__ import annotations

import importlib.metadata
import itertools
import json
import random
from concurrent.futures import ThreadPoolExecutor

import durable_rules_engine

from assessment import evaluate, samples
from assessment.bank.rules import RuleBook
from assessment.diagnose import engine
from assessment.diagnose.answers import validate_answers
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
    # profile answers alone: no area score, and no rule reads these options
    valid = validate_answers({"pf_role": "other", "pf_industry": "other"}, questionnaire)
    fired = engine.compiled(rulebook).fire(
        engine.compiled(rulebook).fact(questionnaire, valid, score(valid, questionnaire))
    )
    assert fired == set()


def test_the_durable_rules_version_is_the_pinned_one():
    assert importlib.metadata.version("durable-rules") == "2.0.28", (
        "engine.fire() uses durable-rules' private C API as 2.0.28 has it: check it against the new version"
    )


def test_durable_rules_engine_has_the_private_calls_fire_uses():
    for name in ("assert_fact", "start_action_for_state", "complete_and_start_action", "delete_state"):
        assert callable(getattr(durable_rules_engine, name, None)), f"durable_rules_engine.{name} is gone"


def test_action_messages_have_the_format_the_parser_reads(questionnaire, rulebook):
    # The calls fire() makes, keeping the raw results: codes, shapes, and
    # each message a JSON object whose one key is what rule_name() reads.
    compiled = engine.compiled(rulebook)
    for i, name in enumerate(PROFILES):
        sid = f"pin{i}"
        code, state = durable_rules_engine.assert_fact(
            compiled._handle, json.dumps({**fact_for(load_profile(name), questionnaire, compiled), "sid": sid})
        )
        assert code == 0 and isinstance(state, int)
        names = set()
        try:
            started = durable_rules_engine.start_action_for_state(compiled._handle, state)
            assert isinstance(started, tuple) and len(started) == 2 and all(isinstance(x, str) for x in started)
            message = started[1]
            while message:
                parsed = json.loads(message)
                assert list(parsed) == [engine.rule_name(message)], message[:80]
                names.add(engine.rule_name(message))
                message = durable_rules_engine.complete_and_start_action(compiled._handle, state)
            assert message is None
        finally:
            durable_rules_engine.delete_state(compiled._handle, sid)
        assert "_always" in names  # the sentinel matches every fact
        assert names - {"_always"} <= set(compiled.definition), name


def fact_for(answers, questionnaire, compiled):
    valid = validate_answers(answers, questionnaire)
    return compiled.fact(questionnaire, valid, score(valid, questionnaire))


def random_answers(questionnaire, rng):
    """Any option of each question, any subset of each checklist, now and then no answer at all."""
    return samples.random_answers(rng, questionnaire)


def test_the_private_path_fires_what_the_public_host_api_fires(questionnaire, rulebook, make_answers):
    # durable's own Host.assert_fact, running a Python action per rule, must
    # see exactly the branches fire() reads from the C API.
    seen: dict[str, set] = {}

    def record(name):
        return lambda c: seen.setdefault(c.s["sid"], set()).add(name)

    compiled = engine.compiled(rulebook)
    host = engine._QuietHost()
    host.register_rulesets({"host_api_check": {k: {**v, "run": record(k)} for k, v in compiled.definition.items()}})
    rng = random.Random(11)
    answer_sets = [load_profile(name) for name in PROFILES] + [make_answers(b) for b in range(4)]
    answer_sets += [random_answers(questionnaire, rng) for _ in range(150)]
    fired_somewhere = set()
    for i, answers in enumerate(answer_sets):
        fact = fact_for(answers, questionnaire, compiled)
        try:
            host.assert_fact("host_api_check", {**fact, "sid": f"h{i}"})
        finally:
            host.delete_state("host_api_check", f"h{i}")
        via_host = {engine.branch_of(n) for n in seen.pop(f"h{i}") if n != "_always"}
        assert compiled.fire(fact) == via_host, answers
        fired_somewhere |= via_host
    # the answer sets reach most branches, so the comparison means something
    assert len(fired_somewhere) >= 0.8 * (len(compiled.definition) - 1)


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
