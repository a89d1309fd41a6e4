"""Diagnosis dicts as the database holds them (tests/core/fixtures/stored) read back.

The fixtures were made with evaluate(...).to_dict() before Evidence had a
rule; older_* also lacks the fields added after the first release (flags,
areas, answers, profile, small_company, advice).
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from assessment import Diagnosis

STORED = Path(__file__).parent / "fixtures" / "stored"
FIXTURES = sorted(p.name for p in STORED.glob("*.json"))


def stored(name: str) -> dict:
    return json.loads((STORED / name).read_text(encoding="utf-8"))


def without_rules(data: dict) -> dict:
    """A to_dict() as it was before evidence named its rule."""
    data = copy.deepcopy(data)
    for finding in [*data["pitfalls"], *data.get("flags", ())]:
        for e in finding["evidence"]:
            e.pop("rule")
    return data


def test_the_fixtures_are_there():
    assert len(FIXTURES) == 7 and "older_knows_nothing.ja.json" in FIXTURES


@pytest.mark.parametrize("name", FIXTURES)
def test_every_stored_shape_reads(name):
    data = stored(name)
    d = Diagnosis.from_dict(data)
    assert [p.id for p in d.pitfalls] == [p["id"] for p in data["pitfalls"]]
    assert all(e.rule is None for p in d.pitfalls for e in p.evidence)
    again = d.to_dict()
    if name.startswith("older_"):  # the later fields read as their defaults
        assert (again["flags"], again["areas"], again["answers"], again["advice"]) == ([], [], [], [])
        assert again["profile"] == {} and again["small_company"] is False
        again = {k: v for k, v in again.items() if k in data}
    assert without_rules(again) == data
    assert Diagnosis.from_dict(again) == d


def test_keys_a_later_version_adds_are_ignored_at_every_level():
    data = stored("knows_nothing.en.json")
    grown = copy.deepcopy(data)
    grown["trend"] = {"alignment": +5}
    grown["level"]["color"] = "#123"
    for finding in grown["pitfalls"] + grown["flags"]:
        finding["comment"] = "…"
        for e in finding["evidence"]:
            e["note"], e["rule"] = "checked", "some_rule"
    for a in grown["actions"]:
        a["status"] = "done"
        for t in a["tasks"]:
            t["done"] = True
    for a in grown["areas"]:
        a["target"] = 80
    for a in grown["answers"]:
        a["note"] = "要確認"
    d = Diagnosis.from_dict(grown)
    assert d.pitfalls[0].evidence[0].rule == "some_rule"
    assert without_rules(d.to_dict()) == data
