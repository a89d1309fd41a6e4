"""web/admission.py: how many requests run the app at once, and what they do while they wait.

Each test runs requests on real threads through the middleware around a small WSGI app whose
requests block on events the test sets, so what is shown is an order of events, never a duration.
The timeouts only keep a broken gate from hanging the run.
"""

from __future__ import annotations

import io
import threading

import pytest

from assessment.web import admission
from tests.web.conftest import make_app, make_config

GUARD = 30  # seconds


class BlockingApp:
    """A WSGI app: each request records that it entered, then waits for its own release."""

    def __init__(self):
        self.entered: dict[str, threading.Event] = {}
        self.release: dict[str, threading.Event] = {}
        self.bodies: dict[str, bytes] = {}
        self.wait_outside: set[str] = set()

    def expect(self, name: str) -> None:
        self.entered[name], self.release[name] = threading.Event(), threading.Event()

    def __call__(self, environ, start_response):
        name = environ["PATH_INFO"].strip("/")
        self.bodies[name] = environ["wsgi.input"].read()
        self.entered[name].set()
        if name in self.wait_outside:
            with admission.waiting():
                assert self.release[name].wait(GUARD)
        else:
            assert self.release[name].wait(GUARD)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [name.encode()]


def _gated(*names: str, slots: int = 1) -> tuple[BlockingApp, admission.Admission]:
    """A gate of `slots` around a BlockingApp expecting requests of these names."""
    app = BlockingApp()
    for name in names:
        app.expect(name)
    return app, admission.Admission(app, slots=slots, max_body=1024)


def _request(gate, name: str, body: bytes = b"", stream=None) -> threading.Thread:
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": f"/{name}",
        "CONTENT_LENGTH": str(len(body)) if stream is None else "",
        "wsgi.input": stream or io.BytesIO(body),
    }
    if stream is not None:
        environ["wsgi.input_terminated"] = True
    t = threading.Thread(target=lambda: gate(environ, lambda *a: None), daemon=True)
    t.start()
    return t


def test_a_request_waits_until_a_slot_is_free_then_runs():
    app, gate = _gated("first", "second")
    first = _request(gate, "first")
    assert app.entered["first"].wait(GUARD)
    second = _request(gate, "second")
    assert not app.entered["second"].wait(0.5)  # the one slot is held by the first
    app.release["first"].set()
    first.join(GUARD)
    assert app.entered["second"].wait(GUARD)
    app.release["second"].set()
    second.join(GUARD)
    assert not second.is_alive()


def test_slots_run_side_by_side():
    app, gate = _gated("a", "b", slots=2)
    threads = [_request(gate, "a"), _request(gate, "b")]
    assert app.entered["a"].wait(GUARD) and app.entered["b"].wait(GUARD)  # both in at once
    for name in ("a", "b"):
        app.release[name].set()
    for t in threads:
        t.join(GUARD)


def test_a_waiting_view_gives_its_slot_to_the_next_request():
    app = BlockingApp()
    app.wait_outside.add("pdf")
    gate = admission.Admission(app, slots=1, max_body=1024)
    for name in ("pdf", "page"):
        app.expect(name)
    pdf = _request(gate, "pdf")
    assert app.entered["pdf"].wait(GUARD)
    page = _request(gate, "page")
    assert app.entered["page"].wait(GUARD)  # admitted while the PDF request only waits
    app.release["page"].set()
    page.join(GUARD)
    app.release["pdf"].set()
    pdf.join(GUARD)
    assert not pdf.is_alive()


class TrickledBody(io.RawIOBase):
    """A chunked body whose bytes arrive only when the test lets them."""

    def __init__(self, data: bytes):
        self.data, self.arrived = data, threading.Event()

    def readable(self):
        return True

    def read(self, size=-1):
        assert self.arrived.wait(GUARD)
        out, self.data = (self.data, b"") if size < 0 else (self.data[:size], self.data[size:])
        return out


def test_a_slow_body_is_read_before_a_slot_is_taken():
    app, gate = _gated("upload", "page")
    body = TrickledBody(b"answers=1")
    upload = _request(gate, "upload", stream=body)
    page = _request(gate, "page")
    assert app.entered["page"].wait(GUARD)  # the trickling upload holds no slot
    app.release["page"].set()
    page.join(GUARD)
    body.arrived.set()
    assert app.entered["upload"].wait(GUARD)
    app.release["upload"].set()
    upload.join(GUARD)
    assert app.bodies["upload"] == b"answers=1"  # the whole body reaches the app


def test_a_chunked_body_keeps_one_byte_past_the_limit_so_the_app_still_refuses_it():
    app = BlockingApp()
    gate = admission.Admission(app, slots=1, max_body=4)
    app.expect("big")
    app.release["big"].set()
    body = TrickledBody(b"0123456789")
    body.arrived.set()
    _request(gate, "big", stream=body).join(GUARD)
    assert app.bodies["big"] == b"01234"  # the limit and one more: Werkzeug's 413 (web/security.py)


class Unreadable(io.RawIOBase):
    """A body that must not be read, or that breaks when it is."""

    def __init__(self, error: type[Exception] = AssertionError):
        self.error = error

    def readable(self):
        return True

    def read(self, size=-1):
        raise self.error("read")


def _call(gate, environ) -> tuple[str, bytes]:
    status = []
    body = b"".join(gate(environ, lambda s, _h: status.append(s)))
    return status[0], body


def test_a_body_over_its_declared_limit_is_not_read_and_the_app_refuses_it(client):
    gate = admission.Admission(lambda e, sr: sr("413 Request Entity Too Large", []) or [b""], slots=1, max_body=4)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/api", "CONTENT_LENGTH": "5", "wsgi.input": Unreadable()}
    assert _call(gate, environ)[0].startswith("413")  # reached the app without reading a byte
    resp = client.post("/api/v1/assessments", data=b"x" * (300 * 1024), content_type="application/json")
    assert resp.status_code == 413


def test_a_body_that_breaks_while_read_is_a_400_not_a_500():
    gate = admission.Admission(lambda e, sr: sr("200 OK", []) or [b"app"], slots=1, max_body=1024)
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/q/1", "CONTENT_LENGTH": "10", "wsgi.input": Unreadable(OSError)}
    status, body = _call(gate, environ)
    assert status.startswith("400") and b"body" in body


def test_a_get_body_is_left_unread():
    seen = []

    def app(environ, start_response):
        seen.append(environ["wsgi.input"])
        start_response("200 OK", [])
        return [b""]

    gate = admission.Admission(app, slots=1, max_body=9)
    body = Unreadable()
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "CONTENT_LENGTH": "5", "wsgi.input": body}
    assert _call(gate, environ)[0].startswith("200") and seen == [body]


def test_health_probes_and_static_files_pass_while_every_slot_is_taken():
    app = BlockingApp()
    gate = admission.Admission(app, slots=1, max_body=1024)
    app.expect("busy")
    busy = _request(gate, "busy")
    assert app.entered["busy"].wait(GUARD)  # the one slot is held from here on
    for path in ("/healthz", "/readyz", "/static/css/site.css"):
        app.expect(path.strip("/"))
        app.release[path.strip("/")].set()
        probe = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "wsgi.input": io.BytesIO()}
        done = threading.Thread(target=lambda p=probe: gate(p, lambda *a: None), daemon=True)
        done.start()
        done.join(GUARD)
        assert not done.is_alive() and app.entered[path.strip("/")].is_set()
    app.release["busy"].set()
    busy.join(GUARD)


def test_an_error_in_the_app_gives_its_slot_back():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    gate = admission.Admission(broken, slots=1, max_body=9)
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": io.BytesIO()}
    for _ in range(2):  # the second would wait for ever if the first kept the slot
        with pytest.raises(RuntimeError):
            gate(environ, lambda *a: None)
    assert getattr(admission._held, "gate", None) is None


def test_the_app_is_gated_by_default_and_the_setting_turns_it_off(app, tmp_path):
    assert isinstance(app.wsgi_app, admission.Admission)
    off = make_app(make_config(tmp_path, WEB_ACTIVE_REQUESTS=0))
    assert not isinstance(off.wsgi_app, admission.Admission)
    off.extensions["database"].engine.dispose()


def test_a_request_that_waits_too_long_for_its_turn_gets_a_503_and_leaves_the_queue():
    app, gate = _gated("busy", "later")
    gate.queue_seconds = 0.2
    busy = _request(gate, "busy")
    assert app.entered["busy"].wait(GUARD)
    status = []
    body = gate(
        {"REQUEST_METHOD": "GET", "PATH_INFO": "/q/1", "wsgi.input": io.BytesIO()},
        lambda s, h: status.append((s, dict(h))),
    )
    assert status[0][0].startswith("503") and status[0][1]["Retry-After"] == "5"
    assert "混み合って" in b"".join(body).decode()
    app.release["busy"].set()
    busy.join(GUARD)
    later = _request(gate, "later")  # the slot went to nobody in the queue: it is free again
    assert app.entered["later"].wait(GUARD)
    app.release["later"].set()
    later.join(GUARD)
