"""Work that does not belong in a request: PDF renders, webhook deliveries, e-mail.

    dispatcher = make_dispatcher(database, redis_url)   # None: a thread in this process
    dispatcher.render(assessment.id, assessment.revision, "ja", priority="speculative")

Every job is first a row (assessment.services.jobs), then an entry on a queue: RQ on Redis
(`assessment worker` runs them, any number of workers on any machine) or, with no Redis, one
background thread in this process running the same job code. A row whose entry was lost (Redis
was down, restarted, or a worker died) is queued again by the workers' sweep.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import timedelta
from typing import Protocol

from assessment.jobs.backends import RQBackend, ThreadBackend
from assessment.jobs.tasks import TASKS, Settings
from assessment.services import jobs as records
from assessment.store import Database
from assessment.store.background import Job
from assessment.store.models import aware

log = logging.getLogger(__name__)
DEFAULT_PREFIX = "cmo:"


class Backend(Protocol):
    name: str

    def push(self, queue_id: str, job_id: int, kind: str, priority: str, run_after) -> None: ...
    def backlog(self) -> int: ...
    def remove(self, queue_id: str) -> bool: ...
    def exists(self, queue_id: str) -> bool: ...
    def health(self) -> str: ...
    def close(self, timeout: float = 60) -> None: ...


class Dispatcher:
    """Records, queues and runs jobs for one database."""

    def __init__(self, database: Database, settings: Settings | None = None):
        self.database = database
        self.settings = settings or Settings()
        self.backend: Backend = ThreadBackend(self.run, lambda kind: TASKS[kind].retries)

    def submit(self, kind: str, key: str, args: dict, *, priority: str = "requested") -> None:
        """Make sure job `key` runs (once). A speculative one is dropped when the queue is long."""
        with self.database.session() as session:
            if priority == "speculative" and self._backlog() >= self.settings.speculative_limit:
                records.record_dropped(session, kind, key, args)
                return
            entry = _entry_id(kind)
            job = records.record(session, kind, key, args, priority=priority, queue_id=entry)
            if job is None:
                if priority == "requested":
                    self._revive(session, key)
            elif job.queue_id == entry:  # a new row, written naming this entry: only the queue is left
                self._enqueue(session, job, entry)
            else:
                self._push(session, job)

    def render(self, assessment_id: int, revision: int, locale: str, *, priority: str = "requested") -> str:
        """Queue the PDF of a revision in a locale; its job key (records.state(key) tells how far it is)."""
        key = records.render_key(assessment_id, revision, locale)
        self.submit(
            "render", key, {"assessment_id": assessment_id, "revision": revision, "locale": locale}, priority=priority
        )
        return key

    def email(self, key: str, to: str, subject: str, body: str, *, to_name: str = "", sender_name: str = "") -> None:
        """Send an e-mail once per key (a second call with the same key sends nothing)."""
        args = {"to": to, "subject": subject, "body": body, "to_name": to_name, "sender_name": sender_name}
        self.submit("email", key, args)

    def kick(self) -> int:
        """Queue the jobs recorded without an entry: webhook deliveries an event wrote, retries due later."""
        with self.database.session() as session:
            return sum(self._push(session, job) for job in records.unqueued(session))

    def sweep(self, older_than: timedelta = timedelta(minutes=1)) -> int:
        """kick(), and queue again the jobs whose entry the queue lost. Run by every worker, now and then."""
        pushed = self.kick()
        with self.database.session() as session:
            for job in records.lost(session, older_than=older_than):
                if job.queue_id is None or not self.backend.exists(job.queue_id):
                    pushed += self._push(session, job, replace=True)
        return pushed

    def _revive(self, session, key: str) -> None:
        """Someone is waiting for job `key`: if its queue entry is gone (a restarted process's thread,
        a Redis that lost it), queue it again now rather than at the next sweep."""
        job = records.find(session, key)
        if job is None or job.status not in ("queued", "retrying") or job.queue_id is None:
            return
        queue_id = job.queue_id
        if not self._safely(lambda: self.backend.exists(queue_id)):
            self._push(session, job, replace=True)

    def _backlog(self) -> int:
        try:
            return self.backend.backlog()
        except Exception:  # the queue is down: nothing speculative is worth a wait
            return self.settings.speculative_limit

    def _push(self, session, job: Job, *, replace: bool = False) -> bool:
        """Put the job's row on the queue under a new entry id; False if another process did, or the queue is down."""
        old = job.queue_id
        if old is not None and not replace:
            # A requested job taking over a speculative entry: take that entry off its queue first;
            # if it has already started, it will finish the work.
            removed = self._safely(lambda: self.backend.remove(old))
            if not removed and self._safely(lambda: self.backend.exists(old)):
                return False
        new = _entry_id(job.kind)
        if not records.swap_queue_id(session, job, old, new):
            return False
        return self._enqueue(session, job, new)

    def _enqueue(self, session, job: Job, entry: str) -> bool:
        """Put the row's entry on the queue; if the queue is down, the row names no entry again and
        the sweep queues it when the queue is back."""
        if self._safely(lambda: self._put(entry, job)):
            return True
        records.swap_queue_id(session, job, entry, None)
        return False

    def _put(self, queue_id: str, job: Job) -> bool:
        run_after = aware(job.run_after) if job.run_after else None  # SQLite hands it back naive
        self.backend.push(queue_id, job.id, job.kind, job.priority, run_after)
        return True

    def _safely(self, call) -> bool:
        try:
            return bool(call())
        except Exception as exc:  # Redis down or refusing: the row stays, the sweep retries
            log.warning("job queue %s: %s: %s", self.backend.name, type(exc).__name__, exc)
            return False

    def run(self, job_id: int, queue_id: str, retries_left: int) -> None:
        """Run one try of a job (called by the queue, in a worker or the background thread)."""
        with self.database.session() as session:
            job = records.claim(session, job_id, queue_id)
            if job is None:
                return
            task = TASKS[job.kind]
            try:
                task.run(session, self.settings, **job.args)
                records.finish(job)
                session.commit()  # the job's writes and its "done" in one transaction
            except Exception as exc:
                session.rollback()
                records.fail(session, job_id, f"{type(exc).__name__}: {exc}", retrying=retries_left > 0)
                raise
        self.kick()  # what the job recorded for later (a webhook's next try)

    def wait(self, key: str, seconds: float, poll: float = 0.1) -> str | None:
        """Wait up to `seconds` for job `key` to finish (or fail a try); its last status."""
        deadline = time.monotonic() + seconds
        while True:
            with self.database.session() as session:
                status = records.state(session, key)
            if status in ("done", "retrying", "failed", "dropped", None) or time.monotonic() >= deadline:
                return status
            time.sleep(poll)

    def health(self) -> str:
        return self.backend.health()

    def close(self) -> None:
        """Before the database closes: wait for the job running on this process's thread, if any."""
        self.backend.close()


def _entry_id(kind: str) -> str:
    """A queue entry's id (RQ's job id): new for every entry, so a stale copy of a job never runs it."""
    return f"{kind}-{uuid.uuid4().hex}"


def queue_timeouts(kind: str) -> tuple[int, tuple[int, ...]]:
    task = TASKS[kind]
    return task.timeout, task.retries


def make_dispatcher(
    database: Database, redis_url: str | None, *, prefix: str = DEFAULT_PREFIX, settings: Settings | None = None
) -> Dispatcher:
    """A Dispatcher on RQ when redis_url is set, else on a background thread of this process."""
    dispatcher = Dispatcher(database, settings)
    if redis_url:
        dispatcher.backend = RQBackend(redis_url, prefix, queue_timeouts)
    return dispatcher
