"""Shared fixtures: the real question bank and rules, answer factories, profiles."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, make_url, text

from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.rules import default_rulebook
from tests.factories import make_answers
from tests.jobs.conftest import receiver  # noqa: F401  a loopback CRM verifying signatures: jobs, web, e2e

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


@pytest.fixture(name="make_answers")
def make_answers_fixture():
    """The answer factory (tests.factories.make_answers) as a fixture, for tests that take it as one."""
    return make_answers


@pytest.fixture(scope="session")
def pg_schema_url(pg_url):
    """A schema of its own in pg_url's database, so runs sharing a server (TEST_DATABASE_URL) never collide."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(pg_url).update_query_dict({"options": f"-csearch_path={schema}"})
    yield url.render_as_string(hide_password=False)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
