"""The pipeline: evaluate() is localize(diagnose()), and every part of its result is a plain frozen value."""

from __future__ import annotations

import dataclasses
import json

import pytest

from assessment import Diagnosis, evaluate
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.localization import localize
from assessment.diagnose.pipeline import diagnose
from tests.conftest import PROFILES, load_profile


def nested_dataclasses(obj):
    if dataclasses.is_dataclass(obj):
        yield obj
        for f in dataclasses.fields(obj):
            yield from nested_dataclasses(getattr(obj, f.name))
    elif isinstance(obj, tuple):
        for item in obj:
            yield from nested_dataclasses(item)


def cases(make_answers):
    sets = [load_profile(name) for name in PROFILES]
    sets += [make_answers(b) for b in range(4)] + [make_answers(0, kd_roadmap_fields=[], rc_frequency=None)]
    return [(a, loc) for a in sets for loc in ("ja", "en")]


def test_evaluate_is_the_verdict_localized(make_answers):
    for answers, loc in cases(make_answers):
        d = evaluate(answers, loc)
        assert d == localize(diagnose(answers), loc)
        assert json.dumps(d.to_dict(), ensure_ascii=False) == json.dumps(
            evaluate(answers, loc).to_dict(), ensure_ascii=False
        )


def test_every_part_of_a_diagnosis_is_a_complete_frozen_dataclass(make_answers):
    for answers, loc in cases(make_answers):
        d = evaluate(answers, loc)
        for obj in nested_dataclasses(d):
            assert set(vars(obj)) == {f.name for f in dataclasses.fields(obj)}
            assert type(obj)(**vars(obj)) == obj
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(obj, dataclasses.fields(obj)[0].name, None)
        assert Diagnosis.from_dict(json.loads(json.dumps(d.to_dict()))) == d


def test_a_diagnosis_keeps_private_copies_of_its_mappings(questionnaire, make_answers):
    d = evaluate(make_answers(2))
    with pytest.raises(TypeError):
        d.scores["alignment"] = 0  # type: ignore[index]  # the point: a read-only mapping refuses it at run time too
    with pytest.raises(TypeError):
        d.profile["pf_company_size"] = "x"  # type: ignore[index]  # as above
    assert d.scores == evaluate(make_answers(2)).scores


def test_evidence_follows_the_answer_values_of_each_diagnosis(make_answers):
    # Same rules fire, different answer values: each diagnosis shows its own.
    a = evaluate(make_answers(3, al_goal_agreement="self_set", al_shared_language="different"), "en")
    b = evaluate(make_answers(3, al_goal_agreement="no_goal", al_shared_language="different"), "en")
    assert [p.id for p in a.pitfalls] == [p.id for p in b.pitfalls] == ["silo"]
    assert [e.value for e in a.pitfalls[0].evidence] == ["self_set", "different"]
    assert [e.value for e in b.pitfalls[0].evidence] == ["no_goal", "different"]
    assert a.pitfalls[0].evidence[0].answer != b.pitfalls[0].evidence[0].answer


def test_validated_answers_share_nothing_mutable(questionnaire, make_answers):
    raw = make_answers(1, kd_roadmap_fields=["owner"])
    valid = validate_answers(raw, questionnaire)
    raw["kd_roadmap_fields"].append("budget")
    assert valid.values["kd_roadmap_fields"] == ("owner",)
