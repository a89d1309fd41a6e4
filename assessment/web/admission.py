"""At most WEB_ACTIVE_REQUESTS requests run the app's Python at once in a process; the rest wait in turn.

Why: gunicorn's gthread worker gives every connection a thread of its own (32 a worker, so that
slow clients cannot take the site down: gunicorn_conf.py). With 32 CPU-bound requests at once,
the GIL hands the core out in no particular order and every database or socket wait costs a
request its turn, so a few requests wait many times longer than the rest. A request that holds
no slot waits here with the GIL released; slots are handed over in arrival order (see _Slots),
so each request, once admitted, runs to its end.

Measured with bench/web.py (32 clients, two workers, quiet machine, one run each): against no gate,
two slots took the SQLite submission p99 from 270 to 142-164 ms and the question page p99 from
108 to 55-70 ms, with less CPU per request (4.8 against 5.9 ms a submission).

The rules that keep a slot from waiting on anything but this process's own work:
- the request's body is read before a slot is taken, so a client that trickles it holds a
  thread, as before, but never a slot;
- /healthz, /readyz and static files take none: a probe must answer while the app is busy;
- the slot is given back when the app returns, before a streamed body (the CSV export) is sent;
- a request that waited QUEUE_SECONDS for its turn gets a 503 with Retry-After instead;
- a view that waits for something else (a PDF job, a DNS lookup) or runs a long CPU job beside
  the requests (a PDF rendered in the request) steps out with `waiting()`. It must hold no
  database write when it steps out: a thread queueing for a slot while it holds SQLite's write
  lock would stop the slot holders that need that lock.
"""

from __future__ import annotations

import io
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager

_held = threading.local()  # .gate: the Admission whose slot this thread holds
UNGATED = ("/healthz", "/readyz", "/static/")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# A request still waiting for its turn after this long is answered 503: its visitor (or the proxy in
# front, nginx's 60 s) is about to give up, and running it later would only delay those behind it.
QUEUE_SECONDS = 15.0
BUSY = "ただいま混み合っています。少し待ってからもう一度お試しください。\nThe site is busy: please try again in a moment.\n".encode()


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

    def acquire(self, timeout: float | None = None) -> bool:
        """Take a slot, waiting in turn; False if none came within `timeout` seconds (None: no limit)."""
        with self._lock:
            if self._free and not self._waiters:
                self._free -= 1
                return True
            turn = threading.Lock()
            turn.acquire()
            self._waiters.append(turn)
        try:
            # until release() passes its slot to this waiter
            if turn.acquire(timeout=-1 if timeout is None else timeout):
                return True
        except BaseException:  # interrupted (KeyboardInterrupt): leave the queue, or pass on a slot given meanwhile
            with self._lock:
                if turn in self._waiters:
                    self._waiters.remove(turn)
                    raise
            self.release()
            raise
        with self._lock:
            if turn in self._waiters:
                self._waiters.remove(turn)
                return False
        return True  # handed over as the wait ran out: it is this waiter's

    def release(self) -> None:
        with self._lock:
            if self._waiters:
                self._waiters.popleft().release()  # the slot changes hands without being freed
            else:
                self._free += 1


class Admission:
    """WSGI middleware: `slots` requests at once through `app`."""

    def __init__(self, app, slots: int, max_body: int | None, queue_seconds: float = QUEUE_SECONDS):
        self.app, self.max_body, self.queue_seconds = app, max_body, queue_seconds
        self._slots = _Slots(slots)

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith(UNGATED):
            return self.app(environ, start_response)
        try:
            _buffer_body(environ, self.max_body)
        except (OSError, ValueError):  # the client went away, or sent a broken chunked body
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"The request's body could not be read.\n"]
        outer = getattr(_held, "gate", None)
        if not self._slots.acquire(self.queue_seconds):
            start_response(
                "503 Service Unavailable", [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "5")]
            )
            return [BUSY]
        _held.gate = self
        try:
            return self.app(environ, start_response)
        finally:
            _held.gate = outer
            self._slots.release()

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
    """Give this request's slot to another while the block runs (no-op without a gate)."""
    gate = getattr(_held, "gate", None)
    if gate is None:
        yield
        return
    with gate._stepped_out():
        yield


def _buffer_body(environ, max_body: int | None) -> None:
    """Read the body now, while no slot is held; one byte past max_body is kept so Werkzeug still says 413."""
    if environ.get("REQUEST_METHOD", "GET") not in BODY_METHODS:
        return  # bodies the app never reads are left to the server
    length = environ.get("CONTENT_LENGTH") or ""
    chunked = environ.get("wsgi.input_terminated") and not length
    if chunked and max_body is None:
        return  # no limit to read up to: the app reads it as it needs
    if not chunked and not length.isdigit():
        return
    if length.isdigit() and (int(length) == 0 or (max_body is not None and int(length) > max_body)):
        return  # nothing to read, or refused by its declared length without reading it
    limit = int(length) if length.isdigit() else (max_body or 0) + 1
    environ["wsgi.input"] = io.BytesIO(environ["wsgi.input"].read(limit))
