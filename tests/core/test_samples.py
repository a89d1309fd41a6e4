"""Sample answer sets (demo, tests, benchmarks) fit the bank and score what they say."""

from __future__ import annotations

import pytest

from assessment import evaluate
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.scoring import score
from assessment.samples import demo_answers, uniform_answers
from tests.conftest import PROFILES, load_profile


@pytest.mark.parametrize("level", [0, 1, 2, 3])
def test_uniform_answers_score_every_item_at_their_level(questionnaire, level):
    valid = validate_answers(uniform_answers(level), questionnaire)
    assert valid.unanswered == ()
    assert set(score(valid, questionnaire).items.values()) == {level}


def test_overrides_replace_and_remove():
    answers = uniform_answers(2, al_goal_agreement="self_set", rc_qualitative=None)
    assert answers["al_goal_agreement"] == "self_set" and "rc_qualitative" not in answers
    assert evaluate(answers).unanswered == ("rc_qualitative",)


def test_level_out_of_range_is_refused():
    with pytest.raises(ValueError, match=r"level must be 0\.\.3"):
        uniform_answers(4)


def _missing(answers: dict, questionnaire) -> list[str]:
    """Asked questions an answer set leaves out: a demo or a profile must answer the bank as it is now."""
    return [q.id for q in questionnaire.questions if answers.get(q.id) in (None, "")]  # [] ticks nothing: an answer


def test_the_demo_answers_every_question_the_bank_asks(questionnaire):
    answers = demo_answers(questionnaire)
    assert _missing(answers, questionnaire) == []
    assert set(answers) <= set(questionnaire.by_id)  # nothing retired or unknown either
    d = evaluate(answers)
    assert d.unanswered == () and d.level is not None
    assert set(d.profile) == {q.id for q in questionnaire.in_section("profile")}


def test_a_demo_that_misses_a_question_is_caught(questionnaire):
    answers = demo_answers(questionnaire)
    del answers["pf_business_model"]
    assert _missing(answers, questionnaire) == ["pf_business_model"]


def test_a_demo_that_no_longer_fits_the_bank_is_refused(questionnaire, tmp_path, monkeypatch):
    from assessment import paths
    from assessment.diagnose.answers import AnswerError

    (tmp_path / "demo.yaml").write_text("pf_business_model: b2x\n", encoding="utf-8")
    monkeypatch.setattr(paths, "QUESTIONS_DIR", tmp_path)
    with pytest.raises(AnswerError) as exc:
        demo_answers(questionnaire)
    assert "pf_business_model" in exc.value.problems


@pytest.mark.parametrize("name", PROFILES)
def test_every_profile_answers_every_question_the_bank_asks(questionnaire, name):
    # the profiles are the consultant's test cases: one that misses a question tests an older bank
    assert _missing(load_profile(name), questionnaire) == []
