"""Past one machine: two web processes and two workers on the real PostgreSQL and Redis.

Every submission's PDF render and webhook delivery runs exactly once, whichever process queued
it and whichever worker took it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from assessment.services import webhooks
from assessment.store import Base, Database
from assessment.store.background import Job, WebhookDelivery
from assessment.store.migrate import upgrade
from assessment.store.models import ReportFile
from tests.factories import make_answers
from tests.servers import free_port, wait_serving

PER_WEB = 6


@pytest.fixture
def pg_database(pg_schema_url):
    upgrade(pg_schema_url)
    database = Database(pg_schema_url)
    yield database
    with database.engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())
    database.dispose()


def _submit(port: int, level: int) -> int:
    body = json.dumps({"answers": make_answers(level % 4), "locale": "ja"}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/assessments", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as resp:
        return resp.status


@pytest.mark.postgres
def test_two_web_processes_and_two_workers_run_every_job_exactly_once(
    pg_database, pg_schema_url, redis_url, receiver, tmp_path
):
    with pg_database.session() as s:
        webhooks.add_endpoint(s, receiver.url, ["assessment.submitted"], secret=receiver.secret, allow_private=True)
    env = {
        **os.environ,
        "ASSESSMENT_ENV": "development",
        "SECRET_KEY": "scale-out-test",
        "DATABASE_URL": pg_schema_url,
        "REDIS_URL": redis_url,
        "JOB_QUEUE_PREFIX": f"s{uuid.uuid4().hex[:8]}:",
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "RATELIMIT_ENABLED": "0",
    }
    ports = [free_port(), free_port()]
    logs = [open(tmp_path / f"proc{i}.log", "wb") for i in range(4)]  # noqa: SIM115 - closed below
    gunicorn = [sys.executable, "-m", "gunicorn", "-w", "1", "--threads", "2"]
    webs = [
        subprocess.Popen(
            [*gunicorn, "-b", f"127.0.0.1:{port}", "assessment.web:create_app()"],
            env=env,
            stdout=logs[i],
            stderr=subprocess.STDOUT,
        )
        for i, port in enumerate(ports)
    ]
    workers: list[subprocess.Popen] = []
    try:
        for port, web in zip(ports, webs, strict=True):
            wait_serving(port, web)
        statuses = [_submit(ports[i % 2], i) for i in range(2 * PER_WEB)]
        assert statuses == [201] * (2 * PER_WEB)
        cli = [sys.executable, "-c", "from assessment.cli import main; main()", "worker", "--burst"]
        workers = [subprocess.Popen(cli, env=env, stdout=logs[2 + i], stderr=subprocess.STDOUT) for i in range(2)]
        for w in workers:
            assert w.wait(timeout=240) == 0
    finally:
        for p in [*webs, *workers]:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=30)
        for log in logs:
            log.close()
    receiver.wait_for(2 * PER_WEB, seconds=10)
    with pg_database.session() as s:
        jobs = s.scalars(select(Job)).all()
        renders = [j for j in jobs if j.kind == "render"]
        sends = [j for j in jobs if j.kind == "webhook"]
        assert len(renders) == len(sends) == 2 * PER_WEB
        assert {(j.status, j.attempts) for j in jobs} == {("done", 1)}  # each ran once, on one worker
        kept = s.scalars(select(ReportFile.assessment_id)).all()
        assert len(kept) == len(set(kept)) == 2 * PER_WEB
        deliveries = s.scalars(select(WebhookDelivery)).all()
        assert {(d.status, d.attempts) for d in deliveries} == {("delivered", 1)}
    ids = Counter(r.headers["webhook-id"] for r in receiver.received)
    assert len(ids) == 2 * PER_WEB and set(ids.values()) == {1}  # every message once, none twice
    assert all(r.error is None for r in receiver.received)
