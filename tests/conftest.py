"""Shared fixtures: the real question bank and rules, answer factories, profiles."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessment.bank.questionnaire import default_questionnaire
from assessment.samples import uniform_answers
from assessment.bank.rules import default_rulebook

pytest_plugins = ["tests.servers"]  # pg_url, redis_url: servers started for the run

PROFILES_DIR = Path(__file__).parent / "profiles"
PROFILES = sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name: str) -> dict:
    return yaml.safe_load((PROFILES_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def questionnaire():
    return default_questionnaire()


@pytest.fixture(scope="session")
def rulebook():
    return default_rulebook()


@pytest.fixture
def make_answers(questionnaire):
    """make_answers(2, al_goal_agreement="self_set") -> a full answer set.

    Every scored question at the given base score, then overrides. Overrides
    of None remove the answer.
    """

    def make(base: int = 2, **overrides):
        return uniform_answers(base, questionnaire, **{"pf_company_size": "s100_299",
                                                       "pf_primary_goal": "revenue", **overrides})

    return make
