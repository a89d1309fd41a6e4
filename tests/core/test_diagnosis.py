"""Diagnosis.to_dict(): the plain nested conversion, in field order, and a round trip through JSON."""

from __future__ import annotations

import dataclasses
import json
import random
from collections.abc import Mapping

import pytest

from assessment import Diagnosis, evaluate, samples
from tests.conftest import PROFILES, load_profile


def plain_dict(value):
    """The obvious conversion to_dict() must match: tuples to lists, mappings and dataclasses to dicts."""
    if isinstance(value, tuple):
        return [plain_dict(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain_dict(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value):
        return {f.name: plain_dict(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def random_answers(questionnaire, rng: random.Random) -> dict:
    """Any option of each question, any subset of each checklist, now and then no answer at all."""
    return samples.random_answers(rng, questionnaire)


def answer_sets(questionnaire, make_answers):
    rng = random.Random(4)
    return (
        [load_profile(name) for name in PROFILES]
        + [make_answers(b) for b in range(4)]
        + [random_answers(questionnaire, rng) for _ in range(40)]
    )


@pytest.mark.parametrize("locale", ["ja", "en"])
def test_to_dict_is_the_plain_nested_conversion_in_field_order(questionnaire, make_answers, locale):
    for answers in answer_sets(questionnaire, make_answers):
        d = evaluate(answers, locale)
        assert json.dumps(d.to_dict(), ensure_ascii=False) == json.dumps(plain_dict(d), ensure_ascii=False)
        assert Diagnosis.from_dict(json.loads(json.dumps(d.to_dict()))) == d


def test_to_dict_gives_fresh_containers_each_time(make_answers):
    d = evaluate(make_answers(1))
    first = d.to_dict()
    first["pitfalls"].clear()
    first["scores"].clear()
    first["answers"][0]["value"] = "changed"
    assert d.to_dict() == plain_dict(d)
