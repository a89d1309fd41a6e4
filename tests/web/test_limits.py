"""Rate limits: shared between processes through Redis, open when Redis is down, with Retry-After."""

from __future__ import annotations

import http.client
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from assessment.store.migrate import upgrade
from tests.factories import make_answers
from tests.servers import free_port
from tests.web.conftest import make_app, make_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def limited_app(tmp_path):
    app = make_app(make_config(tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per minute"))
    yield app
    app.extensions["database"].engine.dispose()


def test_a_429_says_when_to_try_again(limited_app):
    client = limited_app.test_client()
    assert client.post("/start").status_code == 303
    resp = client.post("/start")
    assert resp.status_code == 429 and int(resp.headers["Retry-After"]) > 0
    api = client.post("/api/v1/assessments", json={"answers": make_answers(1)})
    api = client.post("/api/v1/assessments", json={"answers": make_answers(1)})
    assert api.status_code == 429 and api.mimetype == "application/problem+json" and "Retry-After" in api.headers


def test_with_redis_unreachable_submissions_go_through_and_healthz_says_so(tmp_path, caplog):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    app = make_app(make_config(tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=dead))
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert client.post("/start").status_code == 303  # fails open
        assert client.post("/api/v1/assessments", json={"answers": make_answers(1)}).status_code == 201
    assert "storage unreachable" in caplog.text  # the failure is logged, once
    health = client.get("/healthz")
    assert health.status_code == 200 and health.get_json()["rate_limits"].startswith("ConnectionError")
    app.extensions["database"].engine.dispose()


def test_healthz_reports_a_reachable_redis(tmp_path, redis_url):
    app = make_app(make_config(tmp_path, RATELIMIT_STORAGE_URI=redis_url))
    assert app.test_client().get("/healthz").get_json()["rate_limits"] == "ok"
    app.extensions["database"].engine.dispose()


def _serve(port: int, env: dict) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from assessment.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if "serving on" in line:
            return proc
        if not line and proc.poll() is not None:
            break
    proc.kill()
    raise AssertionError(f"assessment serve did not start: {proc.stdout.read()}")


def _post(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    body = json.dumps({"answers": make_answers(1)})
    conn.request("POST", "/api/v1/assessments", body=body, headers={"Content-Type": "application/json"})
    status = conn.getresponse().status
    conn.close()
    return status


def test_two_processes_share_one_limit_through_redis(tmp_path, redis_url):
    shared = redis_url.rsplit("/", 1)[0] + "/7"  # a database of its own: no other test's counters
    redis.Redis.from_url(shared).flushdb()
    db_url = f"sqlite:///{tmp_path / 'shared.db'}"
    upgrade(db_url)
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db_url,
        "REDIS_URL": shared,
        "SUBMIT_RATE_LIMIT": "3 per minute",
        "ASSESSMENT_ENV": "development",
    }
    env.pop("RATELIMIT_STORAGE_URI", None)
    ports = [free_port(), free_port()]
    procs = [_serve(p, env) for p in ports]
    try:
        codes = [_post(ports[i % 2]) for i in range(5)]
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(10)
            assert proc.stdout is not None
            proc.stdout.close()
    assert codes == [201, 201, 201, 429, 429]  # each process alone would have let 3 through


def test_serve_says_serving_only_once_it_listens(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
        done = subprocess.run(
            [sys.executable, "-c", "from assessment.cli import main; main()", "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0 and "serving on" not in done.stdout
    assert "in use" in done.stderr
