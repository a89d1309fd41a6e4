"""At most WEB_ACTIVE_REQUESTS requests run the app's Python at once in a process; the rest wait in turn.

Why: gunicorn's gthread worker gives every connection a thread of its own (32 a worker, so that
slow clients cannot take the site down: gunicorn_conf.py). With 32 CPU-bound requests at once,
the GIL hands the core out in no particular order and every database or socket wait costs a
request its turn, so a few requests wait many times longer than the rest. A request that holds
no slot waits here with the GIL released; slots are handed over in arrival order
(see _Slots), so each request, once admitted, runs to its end.

Measured with bench/web.py (32 clients, two workers, SQLite, on one loaded run, alternating):
2 slots against none, question page 680-790 req/s against 490-575, submissions 171-178 req/s
against 120-145, and less server CPU per request (5.1-5.2 ms against 5.4-5.6 ms).

A slot is taken after the request's body has been read (up to MAX_CONTENT_LENGTH), so a client
that trickles its body holds a thread, as before, but never a slot; it is given back when the app
returns, before a streamed body (the CSV export) is sent. A view that waits for something else
(a PDF job) steps out with `waiting()`, so it holds no slot meanwhile.
"""

from __future__ import annotations

import io
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

_held = threading.local()  # .gate: the Admission whose slot this thread holds


class _Slots:
    """A counting semaphore that hands a freed slot straight to its longest waiter.

    threading.Semaphore wakes a waiter but lets any thread that asks meanwhile take the slot, and the
    woken one then queues again at the back: under load some requests waited behind dozens that
    came later, which is the tail this module is here to remove.
    """

    def __init__(self, count: int):
        self._lock = threading.Lock()
        self._free = count
        self._waiters: deque[threading.Lock] = deque()

    def acquire(self) -> None:
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        turn.acquire()  # until release() passes its slot to this waiter

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()  # the slot changes hands without being freed
            else:
                self._free += 1

    def __enter__(self) -> None:
        self.acquire()

    def __exit__(self, *_exc) -> None:
        self.release()


class Admission:
    """WSGI middleware: `slots` requests at once through `app`."""

    def __init__(self, app, slots: int, max_body: int | None):
        self.app, self.max_body = app, max_body
        self._slots = _Slots(slots)

    def __call__(self, environ, start_response):
        _buffer_body(environ, self.max_body)
        with self._slots:
            _held.gate = self
            try:
                return self.app(environ, start_response)
            finally:
                _held.gate = None

    @contextmanager
    def _stepped_out(self) -> Iterator[None]:
        self._slots.release()
        _held.gate = None
        try:
            yield
        finally:
            self._slots.acquire()
            _held.gate = self


@contextmanager
def waiting() -> Iterator[None]:
    """Give this request's slot to another while the block waits (no-op without a gate)."""
    gate = getattr(_held, "gate", None)
    if gate is None:
        yield
        return
    with gate._stepped_out():
        yield


def _buffer_body(environ, max_body: int | None) -> None:
    """Read the body now, while no slot is held; one byte past max_body is kept so Werkzeug still says 413."""
    length = environ.get("CONTENT_LENGTH") or ""
    chunked = environ.get("wsgi.input_terminated") and not length
    if not chunked and not length.isdigit():
        return
    if length.isdigit() and (int(length) == 0 or (max_body is not None and int(length) > max_body)):
        return  # nothing to read, or refused by its declared length without reading it
    limit = int(length) if length.isdigit() else (max_body + 1 if max_body is not None else -1)
    environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(limit))
