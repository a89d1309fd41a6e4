"""Recognisable company profiles get the diagnosis a consultant would expect."""

from __future__ import annotations

import dataclasses
import json

import pytest

from assessment import Diagnosis, evaluate
from tests.conftest import PROFILES, load_profile


def headline(d):
    return [p.id for p in d.pitfalls if p.headline]


def test_profiles_present():
    assert {"campaign_machine", "vanity_shop", "mature", "knows_nothing"} <= set(PROFILES)


def test_campaign_machine_is_short_termist_first():
    d = evaluate(load_profile("campaign_machine"))
    assert headline(d)[0] == "short_termism"
    assert d.scores["short_termism"] == min(s for s in d.scores.values() if s is not None)
    assert "vanity_metrics" not in headline(d)  # it does report leads and deals
    assert d.level is not None and d.level.number == 2
    assert "design_value" in [a.id for a in d.actions[:2]]


def test_vanity_shop_chases_reach_numbers():
    d = evaluate(load_profile("vanity_shop"), locale="en")
    assert {"vanity_metrics", "silo"} <= set(headline(d))
    vanity = next(p for p in d.pitfalls if p.id == "vanity_metrics")
    reported = next(e for e in vanity.evidence if e.question == "gl_reported_metrics")
    assert "followers" in reported.answer.lower()
    assert d.actions[0].id in ("kpi_roadmap", "connect_strategy")
    assert d.small_company  # 30-99 employees


def test_mature_company_is_integrated_with_nothing_to_fix():
    d = evaluate(load_profile("mature"))
    assert d.level is not None and d.level.number == 5 and d.overall == 100
    assert d.pitfalls == () and d.flags == () and d.actions == ()


def test_company_that_knows_nothing_of_its_numbers():
    d = evaluate(load_profile("knows_nothing"))
    assert d.level is not None and d.level.number == 1
    (dk,) = [f for f in d.flags if f.kind == "dont_know"]
    assert {e.question for e in dk.evidence} == {
        "gl_contribution_known",
        "st_market_analysis",
        "kd_cac_known",
        "rc_frequency",
    }
    assert len(d.pitfalls) == 5
    assert "no_review_cycle" in headline(d)
    assert d.small_company and d.advice


@pytest.mark.parametrize("name", PROFILES)
@pytest.mark.parametrize("locale", ["ja", "en"])
def test_diagnosis_round_trips_through_json(name, locale):
    d = evaluate(load_profile(name), locale)
    again = Diagnosis.from_dict(json.loads(json.dumps(d.to_dict(), ensure_ascii=False)))
    assert again == d
    assert again.to_dict() == d.to_dict()


def test_json_contract_fields(make_answers):
    data = evaluate(load_profile("vanity_shop")).to_dict()
    assert {
        "questionnaire_version",
        "ruleset_version",
        "locale",
        "scores",
        "overall",
        "level",
        "pitfalls",
        "actions",
        "unanswered",
    } <= set(data)
    assert set(data["scores"]) == {"alignment", "goal_linkage", "short_termism", "kpi_design", "review_cadence"}
    assert set(data["level"]) >= {"number", "name"}
    p = data["pitfalls"][0]
    assert set(p) >= {"id", "title", "severity", "evidence"}
    assert set(p["evidence"][0]) >= {"question", "answer", "why"}
    a = data["actions"][0]
    assert set(a) >= {"step", "id", "title", "priority", "because"}
    assert isinstance(a["because"], list)


def test_diagnosis_is_immutable():
    d = evaluate(load_profile("mature"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.overall = 3  # type: ignore[misc]  # the point: a frozen dataclass refuses it at run time too
    with pytest.raises(TypeError):
        d.scores["alignment"] = 0  # type: ignore[index]  # the point: a read-only mapping refuses it at run time too
