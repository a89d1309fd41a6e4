"""The throw-away servers are real, and the database tests run on them, not on the machine's."""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import redis
from sqlalchemy import create_engine, text

TMP = Path(tempfile.gettempdir()).resolve()


def test_redis_answers_and_keeps_values(redis_url):
    key = f"test:{uuid.uuid4().hex}"
    with redis.Redis.from_url(redis_url) as client:
        assert client.ping()
        client.set(key, "診断", ex=60)
        assert client.get(key).decode() == "診断"
        client.delete(key)


@pytest.mark.skipif("TEST_REDIS_URL" in os.environ, reason="TEST_REDIS_URL names the server")
def test_redis_is_the_throw_away_server(redis_url):
    with redis.Redis.from_url(redis_url) as client:
        port = client.info("server")["tcp_port"]
        directory = client.config_get("dir")["dir"]
    assert port == urlsplit(redis_url).port != 6379
    assert Path(directory).is_relative_to(TMP)


@pytest.mark.skipif("TEST_DATABASE_URL" in os.environ, reason="TEST_DATABASE_URL names the server")
def test_postgresql_is_the_throw_away_server(pg_url):
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            port = int(conn.execute(text("SHOW port")).scalar_one())
            data_directory = conn.execute(text("SHOW data_directory")).scalar_one()
    finally:
        engine.dispose()
    assert port == urlsplit(pg_url).port != 5432
    assert Path(data_directory).is_relative_to(TMP)
