"""Alembic, driven from code: the migrations ship inside the package (pip install . works)."""

from __future__ import annotations

import fcntl
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


@contextmanager
def _sqlite_lock(url: str):
    """Serialise migrations of one SQLite file: gunicorn workers start together."""
    path = url.split("///", 1)[-1].split("?", 1)[0]
    if not url.startswith("sqlite") or not path or path == ":memory:":
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path + ".migrate-lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _run(url: str, step, revision: str, engine: Engine | None = None) -> None:
    """Run an Alembic command (upgrade or downgrade) in one transaction, serialised per SQLite file."""
    own = engine is None
    with _sqlite_lock(url):
        engine = engine or create_engine(url)
        try:
            with engine.begin() as conn:
                cfg = alembic_config(url)
                cfg.attributes["connection"] = conn
                step(cfg, revision)
        finally:
            if own:
                engine.dispose()


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    _run(url, command.upgrade, revision, engine)


def downgrade(url: str, revision: str) -> None:
    _run(url, command.downgrade, revision)


def current(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head() -> str:
    """The newest revision the shipped migrations reach."""
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert found is not None, "the migrations folder has no revision"
    return found
