"""Sample answer sets (demo, tests, benchmarks) fit the bank and score what they say."""

from __future__ import annotations

import pytest

from assessment import evaluate
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.scoring import score
from assessment.samples import uniform_answers


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
