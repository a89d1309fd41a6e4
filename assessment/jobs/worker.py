"""`assessment worker`: an RQ worker on the requested and speculative queues, and the sweep.

The worker reads DATABASE_URL, REDIS_URL and the job settings from its environment, like the
web. A forking worker runs each job in a child process (a crash or a leak ends with the job);
each process makes its own database engine, never one inherited across a fork.
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta

from assessment.jobs import DEFAULT_PREFIX, Dispatcher, make_dispatcher
from assessment.jobs.backends import PRIORITIES, RQBackend
from assessment.jobs.tasks import Settings
from assessment.store import Database, default_url

log = logging.getLogger(__name__)
_dispatchers: dict[int, Dispatcher] = {}  # by process id: a forked child makes its own


def process_dispatcher() -> Dispatcher:
    pid = os.getpid()
    if pid not in _dispatchers:
        redis_url = os.environ.get("REDIS_URL")
        if not redis_url:
            raise RuntimeError("REDIS_URL is not set: the worker needs the Redis the web queues on")
        _dispatchers[pid] = make_dispatcher(
            Database(default_url()),
            redis_url,
            prefix=os.environ.get("JOB_QUEUE_PREFIX", DEFAULT_PREFIX),
            settings=Settings.from_env(),
        )
    return _dispatchers[pid]


def perform(job_id: int) -> None:
    """The function RQ runs: one try of job `job_id`, under the queue entry running it."""
    from rq import get_current_job

    current = get_current_job()
    if current is None:
        raise RuntimeError("perform() runs inside an RQ worker")
    process_dispatcher().run(job_id, current.id, current.retries_left or 0)


def _sweep_forever(dispatcher: Dispatcher, every: float, stop: threading.Event) -> None:
    while not stop.wait(every):
        try:
            if pushed := dispatcher.sweep(timedelta(seconds=max(every, 30))):
                log.info("sweep: queued %d job(s) again", pushed)
        except Exception:  # the database or Redis is away for a moment: next round
            log.exception("sweep failed")


def preload() -> None:
    """Render one report here, before any fork: each job's child then inherits the question bank,
    WeasyPrint, the report's fonts and stylesheet loaded and warm, instead of loading them for
    every job. Measured (bench/jobs.py --rq): a render in a fresh child cost 2.4 CPU-s, a warm
    one 0.9 CPU-s on this machine."""
    from assessment.diagnose.pipeline import evaluate
    from assessment.report import render_pdf
    from assessment.samples import uniform_answers

    for locale in ("ja", "en"):
        render_pdf(evaluate(uniform_answers(2), locale=locale))


def run_worker(
    *, burst: bool = False, simple: bool = False, sweep_every: float = 30.0, name: str | None = None
) -> None:
    """Work the queues until stopped (or, with burst, until they are empty)."""
    from rq import SimpleWorker, Worker

    dispatcher = process_dispatcher()
    backend = dispatcher.backend
    if not isinstance(backend, RQBackend):
        raise RuntimeError("the worker needs the RQ backend")
    worker_class = SimpleWorker if simple else Worker
    if not simple:
        preload()
    worker = worker_class([backend.queues[p] for p in PRIORITIES], connection=backend.connection, name=name)
    dispatcher.sweep(timedelta(seconds=0) if burst else timedelta(minutes=1))
    stop = threading.Event()
    if not burst:
        threading.Thread(target=_sweep_forever, args=(dispatcher, sweep_every, stop), daemon=True).start()
    try:
        # The scheduler moves retries and later tries onto the queues when due.
        worker.work(burst=burst, with_scheduler=True, logging_level="WARNING")
    finally:
        stop.set()
        dispatcher.database.dispose()
