"""Slow clients against the site as served in production: gunicorn with assessment/web/gunicorn_conf.py.

Clients that trickle their headers or their body, and clients that read a PDF slowly, each hold a
connection (and in gthread a thread) of the server; other visitors must still be answered while
they do. No timing is asserted: each slow client is shown to be still unanswered after the others
were answered. The sockets' timeouts only keep a broken server from hanging the test.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from assessment.store.migrate import upgrade
from tests.factories import make_answers
from tests.servers import free_port, wait_serving

HEADER_TRICKLERS = 12  # more than the 4 request slots of the earlier configuration (2 workers x 2 threads)
BODY_TRICKLERS = 4
SLOW_READERS = 4
HANG_GUARD = 60  # seconds: a blocked server fails the test instead of hanging it


@pytest.fixture
def served(tmp_path):
    db_url = f"sqlite:///{tmp_path / 'slow.db'}"
    upgrade(db_url)
    port = free_port()
    env = {
        **os.environ,
        "ASSESSMENT_ENV": "development",
        "SECRET_KEY": "slow-clients-" + "x" * 40,
        "DATABASE_URL": db_url,
        "RATELIMIT_ENABLED": "0",
        "PDF_WAIT_SECONDS": "60",
        "WEB_CONCURRENCY": "2",  # the shipped config's count on this project's 2-core machines
        "PYTHONPATH": str(Path(__file__).parents[2]),
    }
    env.pop("WEB_THREADS", None)
    log = open(tmp_path / "gunicorn.log", "wb")  # noqa: SIM115 - closed below
    cmd = [sys.executable, "-m", "gunicorn", "-c", "python:assessment.web.gunicorn_conf"]
    web = subprocess.Popen(
        [*cmd, "-b", f"127.0.0.1:{port}", "assessment.web:create_app()"], env=env, stdout=log, stderr=log
    )
    try:
        wait_serving(port, web)
        yield port
    finally:
        web.terminate()
        web.wait(timeout=30)
        log.close()


def _connect(port: int, rcvbuf: int | None = None) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # before connect: a small window
    s.settimeout(HANG_GUARD)
    s.connect(("127.0.0.1", port))
    return s


def _unanswered(s: socket.socket) -> bool:
    """Nothing has come back on this connection (and it is still open)."""
    s.setblocking(False)
    try:
        s.recv(1)  # an answer, or b"" for a closed connection
        return False
    except BlockingIOError:
        return True
    finally:
        s.settimeout(HANG_GUARD)


def _request(port: int, method: str, path: str, body: bytes = b"", content_type: str = "") -> tuple[int, bytes]:
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body or None, method=method)
    if content_type:
        req.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(req, timeout=HANG_GUARD) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _submit(port: int) -> dict:
    status, body = _request(
        port, "POST", "/api/v1/assessments", json.dumps({"answers": make_answers(1)}).encode(), "application/json"
    )
    assert status == 201, body[:300]
    return json.loads(body)


def test_slow_clients_do_not_keep_other_visitors_waiting(served):
    port = served
    pdf_path = "/" + _submit(port)["report_url"].split("/", 3)[3]
    status, pdf = _request(port, "GET", pdf_path)  # rendered and kept: the slow readers get it at once
    assert status == 200 and pdf.startswith(b"%PDF") and len(pdf) > 100_000

    slow: list[socket.socket] = []
    readers: list[socket.socket] = []
    try:
        for i in range(HEADER_TRICKLERS):  # slowloris: a request line and part of a header, never finished
            s = _connect(port)
            s.sendall(f"GET /?n={i} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Trickle: ".encode())
            slow.append(s)
        for _ in range(BODY_TRICKLERS):  # whole headers, then a few bytes of a form body that says 4 kB
            s = _connect(port)
            s.sendall(
                b"POST /start HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 4096\r\n\r\ncsrf_token="
            )
            slow.append(s)
        for _ in range(SLOW_READERS):  # a PDF asked for through a tiny window, and hardly read
            s = _connect(port, rcvbuf=4096)
            s.sendall(f"GET {pdf_path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            assert s.recv(512).startswith(b"HTTP/1.1 200")
            readers.append(s)
        for s in slow:  # one more byte each, so every one of them holds its connection mid-request
            s.sendall(b"x")

        # Meanwhile other visitors: pages, a submission, the PDF itself.
        for path in ("/", "/healthz", "/api/v1/questionnaire"):
            status, _ = _request(port, "GET", path)
            assert status == 200, path
        assert _submit(port)["report_url"]
        status, again = _request(port, "GET", pdf_path)
        assert status == 200 and again == pdf

        # The slow ones were still waiting all along: none got an answer, no reader got its whole PDF.
        assert all(_unanswered(s) for s in slow)
        for s in readers:
            s.setblocking(False)
            try:
                got = len(s.recv(1 << 20))
            except BlockingIOError:
                got = 0
            assert got < len(pdf)
    finally:
        for s in slow + readers:
            s.close()
