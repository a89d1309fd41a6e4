"""Diagnosis dicts as the database holds them (tests/core/fixtures/stored): read back, and turned into Verdicts.

The fixtures were made with evaluate(...).to_dict() before Evidence had a
rule; older_* also lacks the fields added after the first release (flags,
areas, answers, profile, small_company, advice).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from assessment import Diagnosis, Verdict, evaluate, localize, verdict_from_diagnosis_dict
from assessment.bank.rules import MATCHED
from assessment.diagnose.diagnosis import FlagFinding, PitfallFinding
from assessment.diagnose.localization import _holds
from assessment.diagnose.verdict import as_value
from tests.conftest import load_profile

STORED = Path(__file__).parent / "fixtures" / "stored"
FIXTURES = sorted(p.name for p in STORED.glob("*.json"))
FULL = [name for name in FIXTURES if not name.startswith("older_")]


def stored(name: str) -> dict:
    return json.loads((STORED / name).read_text(encoding="utf-8"))


def without_rules(data, stored):
    """to_dict() output in the shape of a stored row: the keys added since (a rule per evidence, offsets,
    the level's cap...) left out, level by level. Every key the row has must still be there."""
    if isinstance(stored, dict):
        assert isinstance(data, dict) and set(stored) <= set(data), set(stored) - set(data)
        return {k: without_rules(data[k], v) for k, v in stored.items()}
    if isinstance(stored, list):
        assert isinstance(data, list) and len(data) == len(stored)
        return [without_rules(d, v) for d, v in zip(data, stored, strict=True)]
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
    assert without_rules(again, data) == data
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
    assert without_rules(d.to_dict(), data) == data


@pytest.mark.parametrize("name", FIXTURES)
def test_every_stored_shape_converts_to_a_verdict(name, rulebook, questionnaire):
    data = stored(name)
    v = verdict_from_diagnosis_dict(data)
    assert [(p.id, p.severity, p.headline) for p in v.pitfalls] == [
        (p["id"], p["severity"], p["headline"]) for p in data["pitfalls"]
    ]
    assert [[(e.question, e.value, e.rule) for e in p.evidence] for p in v.pitfalls] == [
        [(e["question"], as_value(e["value"]), None) for e in p["evidence"]] for p in data["pitfalls"]
    ]
    assert [(a.id, a.priority, list(a.because)) for a in v.actions] == [
        (a["id"], a["priority"], a["because"]) for a in data["actions"]
    ]
    assert (v.scores, v.overall, v.level) == (data["scores"], data["overall"], data["level"]["number"])
    assert v.level is not None and v.uncapped_level is not None and v.level <= v.uncapped_level
    assert Verdict.from_dict(json.loads(json.dumps(v.to_dict()))) == v
    # Without a rule reference, localize still finds a reason: one of that finding's rules'.
    for loc in ("ja", "en"):
        d = localize(v, loc)
        found: list[PitfallFinding | FlagFinding] = [*d.pitfalls, *d.flags]
        for finding in found:
            for e in finding.evidence:
                if getattr(finding, "kind", None) == "dont_know":  # those explain the option, not a rule
                    assert e.why and questionnaire.shown(e.question)  # asked, or kept as retired
                    continue
                # a reason, when there is one, is pieced from the reasons of that finding's conditions on this question
                pieces = [
                    c.why[loc].split(MATCHED)[0]
                    for r in rulebook.rules
                    if r.target == finding.id
                    for b in r.branches
                    for c in b
                    if c.target == e.question and c.why
                ]
                assert not e.why or any(e.why.startswith(piece) for piece in pieces)


def test_both_locales_of_a_row_give_one_verdict():
    for ja in (name for name in FULL if name.endswith(".ja.json")):
        assert verdict_from_diagnosis_dict(stored(ja)) == verdict_from_diagnosis_dict(
            stored(ja.replace(".ja.", ".en."))
        )


def test_an_older_row_converts_with_what_it_has(rulebook, questionnaire):
    data = stored("older_knows_nothing.ja.json")
    v = verdict_from_diagnosis_dict(data)
    assert (v.flags, dict(v.answers), dict(v.profile), v.small_company) == ((), {}, {}, False)
    d = localize(v, "en")  # stored in Japanese, read in English
    assert [p.id for p in d.pitfalls] == [p["id"] for p in data["pitfalls"]]
    assert d.pitfalls[0].title == rulebook.catalog.pitfalls[d.pitfalls[0].id].title["en"]
    for p in d.pitfalls:
        for e in p.evidence:
            q = questionnaire.shown(e.question)
            # a reason wherever a condition of that pitfall still takes the answer; none for a retired question
            still = q is not None and any(
                c.target == q.id and _holds(c, q, e.value)
                for r in rulebook.rules
                if r.target == p.id
                for b in r.branches
                for c in b
            )
            assert bool(e.why) == still, (p.id, e.question)
            assert e.text == (q.text["en"] if q else e.question)


def test_a_row_written_now_keeps_its_rule_references(make_answers):
    d = evaluate(make_answers(1, al_shared_language="vague", kd_cac_known="dont_know"), "ja")
    v = verdict_from_diagnosis_dict(json.loads(json.dumps(d.to_dict())))
    assert [e.rule for p in v.pitfalls for e in p.evidence] == [e.rule for p in d.pitfalls for e in p.evidence]
    assert all(e.rule for p in v.pitfalls for e in p.evidence)
    assert localize(v, "ja") == d


def test_evidence_without_its_value_takes_the_rows_answer():
    # Evidence.value and .text had defaults, so a row may lack them; the row's answers still hold the value.
    data = stored("vanity_shop.en.json")
    for p in data["pitfalls"]:
        for e in p["evidence"]:
            del e["value"], e["text"]
    v = verdict_from_diagnosis_dict(data)
    assert v.pitfalls == verdict_from_diagnosis_dict(stored("vanity_shop.en.json")).pitfalls


@pytest.mark.parametrize("locale, label", [("ja", "300〜999名"), ("en", "300–999")])
def test_a_company_size_of_an_earlier_bank_shows_its_label_not_its_id(locale, label, questionnaire):
    """campaign_machine was stored under the bands before 2026.12 (s300_999; questions/retired.yaml)."""
    row = stored(f"campaign_machine.{locale}.json")
    assert row["profile"]["pf_company_size"] == "s300_999"
    d = localize(verdict_from_diagnosis_dict(row), locale)
    shown = {a.question: a.answer for a in d.answers}
    assert shown["pf_company_size"] == label
    assert questionnaire.by_id["pf_company_size"].option("s300_999") is None  # never offered again


def test_a_stored_answer_to_st_target_value_still_shows_as_it_was_asked(questionnaire):
    row = stored("campaign_machine.ja.json")
    verdict = verdict_from_diagnosis_dict(row)
    assert verdict.answers["st_target_value"] == "exists_unused"
    shown = {a.question: a for a in localize(verdict, "ja").answers}
    old = questionnaire.retired["st_target_value"]
    assert shown["st_target_value"].text == old.text["ja"]
    assert shown["st_target_value"].answer == old.option("exists_unused").label["ja"]


def test_a_row_stored_before_the_business_model_question_still_reads_diagnoses_and_compares(questionnaire):
    """Rows made before 2026.12.3 have no pf_business_model: they read, re-diagnose and compare without it."""
    from assessment.diagnose.compare import perception_gap, trend
    from assessment.diagnose.pipeline import diagnose
    from assessment.report import render_html

    row = stored("campaign_machine.ja.json")
    old = verdict_from_diagnosis_dict(row)
    assert "pf_business_model" not in old.answers and "pf_business_model" not in old.profile
    html = render_html(localize(old, "ja"))
    assert html.count('aria-label="KPIツリー"') == 1 and "リード数" in html  # the tree every report had
    # an answer set kept from 2026.12.2 (a profile as written then) diagnoses under today's bank
    kept = {k: v for k, v in load_profile("weekly_promotions_ec").items() if k != "pf_business_model"}
    again = diagnose(kept, questionnaire=questionnaire)
    assert again.unanswered == () and "pf_business_model" not in again.profile  # a profile answer is never missing
    answered = diagnose({**kept, "pf_business_model": "b2c"}, questionnaire=questionnaire)
    assert (answered.scores, answered.pitfalls) == (again.scores, again.pitfalls)  # a profile answer scores nothing
    # the old row compares with a round that answered it: a new profile answer, not a scored change
    assert "pf_business_model" not in perception_gap(old, answered, questionnaire).not_comparable
    (change,) = [c for c in trend(old, answered, questionnaire).items if c.question == "pf_business_model"]
    assert (change.before, change.after, change.delta, change.comparable) == (None, "b2c", None, True)


def test_a_branch_renumbered_since_the_row_was_stored_still_prints_the_answers_own_reason(rulebook):
    """Splitting `in: [cost_center, activity_volume]` into one alternative each renumbered the branches of
    silo_seen_as_cost: a row stored before names a branch whose condition may be for the other value."""
    import dataclasses

    from assessment.diagnose.pipeline import diagnose

    verdict = diagnose(load_profile("small_b2b_manufacturer"))
    silo = next(p for p in verdict.pitfalls if p.id == "silo")
    ref = next(e for e in silo.evidence if e.question == "al_contribution_view")
    assert ref.value == "activity_volume" and ref.rule == "silo_seen_as_cost"
    cost_branch = next(
        i
        for i, b in enumerate(rulebook.by_id["silo_seen_as_cost"].branches)
        if any(c.target == "al_contribution_view" and c.arg == "cost_center" for c in b)
    )
    moved = dataclasses.replace(ref, branch=cost_branch)  # as an older numbering would have it
    old = dataclasses.replace(
        verdict,
        pitfalls=tuple(
            dataclasses.replace(p, evidence=tuple(moved if e is ref else e for e in p.evidence)) if p is silo else p
            for p in verdict.pitfalls
        ),
    )
    shown = next(p for p in localize(old, "ja").pitfalls if p.id == "silo")
    why = next(e.why for e in shown.evidence if e.question == "al_contribution_view")
    assert "施策の量" in why and "コスト" not in why
