"""Fixtures for the jobs: a migrated database, a queue of its own on the test Redis, a webhook receiver.

The receiver is a real HTTP server on loopback that checks every request's signature with
`standardwebhooks` (the reference implementation a CRM would use) and answers as scripted.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from assessment.jobs import make_dispatcher, worker
from assessment.jobs.tasks import Settings
from assessment.store import Base, Database
from assessment.store.migrate import upgrade


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path):
    url = request.getfixturevalue("pg_schema_url") if request.param == "postgres" else f"sqlite:///{tmp_path / 'j.db'}"
    upgrade(url)
    yield url
    if request.param == "postgres":  # one schema per run: empty the tables between tests
        database = Database(url)
        with database.engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
        database.dispose()


@pytest.fixture
def database(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def session(database):
    with database.session() as session:
        yield session


@pytest.fixture
def queue_env(db_url, redis_url, monkeypatch):
    """The environment a worker reads, with a queue prefix of this test's own."""
    env = {
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "JOB_QUEUE_PREFIX": f"t{uuid.uuid4().hex[:8]}:",
        "WEBHOOK_ALLOW_PRIVATE": "1",
        "WEBHOOK_RETRY_SECONDS": "1,1,1",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    worker._dispatchers.clear()  # made from the environment, once per process
    yield env
    for d in worker._dispatchers.values():
        d.database.dispose()
    worker._dispatchers.clear()


@pytest.fixture
def rq_dispatcher(database, queue_env):
    """A dispatcher that queues on RQ, as a web process with REDIS_URL does."""
    return make_dispatcher(
        database, queue_env["REDIS_URL"], prefix=queue_env["JOB_QUEUE_PREFIX"], settings=Settings.from_env(queue_env)
    )


def burst(**kw) -> None:
    """A real RQ SimpleWorker in this process until the queues are empty."""
    worker.run_worker(burst=True, simple=True, **kw)


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: dict | None
    error: str | None


@dataclass
class Receiver:
    """A CRM stand-in. `answers` is consumed one per request (then 200): an int status, or a callable."""

    secret: str = field(default_factory=lambda: "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    answers: list[int | Callable] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def wait_for(self, count: int, seconds: float = 30) -> list[Received]:
        deadline = time.monotonic() + seconds
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


@pytest.fixture
def receiver():
    state = Receiver()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):  # quiet
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            headers = {k: v for k, v in self.headers.items()}
            try:
                verified, error = Webhook(state.secret).verify(body, headers), None
            except WebhookVerificationError as exc:
                verified, error = None, str(exc)
            with lock:
                state.received.append(Received(headers, body, verified, error))
                answer = state.answers.pop(0) if state.answers else 200
            if callable(answer):
                answer(self)
                return
            self.send_response(answer)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/crm?src=cmo"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


def json_of(received: Received) -> dict:
    return json.loads(received.body)
