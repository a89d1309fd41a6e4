"""Where queued jobs wait: RQ on Redis, or a thread in this process when no REDIS_URL is set.

Both take (queue id, job id) and call back Dispatcher.run(job_id, queue_id, retries_left) in
whichever process runs it; the job record in the database is the truth, the queue only a list.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

log = logging.getLogger(__name__)
PRIORITIES = ("requested", "speculative")  # a worker empties the first before it takes from the second

Runner = Callable[[int, str, int], None]  # (job id, queue id, retries left)


class ThreadBackend:
    """One background thread per process, requested jobs first; started by the first job, not at import."""

    name = "in-process"

    def __init__(self, runner: Runner, retries: Callable[[str], tuple[int, ...]]):
        self._runner, self._retries = runner, retries
        self._heap: list[tuple[float, int, int, str, int, str, int]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False

    def push(self, queue_id: str, job_id: int, kind: str, priority: str, run_after: datetime | None) -> None:
        self._put(queue_id, job_id, kind, priority, run_after.timestamp() if run_after else 0.0, 0)

    def _put(self, queue_id: str, job_id: int, kind: str, priority: str, due: float, tries: int) -> None:
        with self._wake:
            rank = PRIORITIES.index(priority)
            heapq.heappush(self._heap, (due, rank, next(self._order), queue_id, job_id, kind, tries))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="jobs", daemon=True)
                self._thread.start()
            self._wake.notify()

    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._heap or self._heap[0][0] > time.time():
                    self._wake.wait(None if not self._heap else max(0.0, self._heap[0][0] - time.time()))
                _due, rank, _n, queue_id, job_id, kind, tries = heapq.heappop(self._heap)
                self._busy = True
            retries = self._retries(kind)
            try:
                self._runner(job_id, queue_id, len(retries) - tries)
            except Exception:
                log.exception("job %s (%s) failed, try %d", job_id, kind, tries + 1)
                if tries < len(retries):
                    self._put(queue_id, job_id, kind, PRIORITIES[rank], time.time() + retries[tries], tries + 1)
            finally:
                with self._wake:
                    self._busy = False
                    self._wake.notify_all()

    def close(self, timeout: float = 60) -> None:
        """Forget the jobs not started (their rows stay queued: a later process revives them) and
        wait for the one running, so the database can be closed under it."""
        deadline = time.monotonic() + timeout
        with self._wake:
            self._heap.clear()
            while self._busy and time.monotonic() < deadline:
                self._wake.wait(0.1)

    def backlog(self) -> int:
        with self._wake:
            return len(self._heap)

    def remove(self, queue_id: str) -> bool:
        with self._wake:
            kept = [entry for entry in self._heap if entry[3] != queue_id]
            removed = len(kept) != len(self._heap)
            self._heap[:] = kept
            heapq.heapify(self._heap)
            return removed

    def exists(self, queue_id: str) -> bool:
        with self._wake:
            return any(entry[3] == queue_id for entry in self._heap)

    def health(self) -> str:
        return "in-process"


class RQBackend:
    """Two RQ queues on one Redis; `assessment worker` processes run them."""

    name = "rq"

    def __init__(self, redis_url: str, prefix: str, timeouts: Callable[[str], tuple[int, tuple[int, ...]]]):
        from redis import Redis
        from rq import Queue

        # Short socket timeouts: a Redis that is down must not hold a web request up.
        self.connection = Redis.from_url(redis_url, socket_connect_timeout=1, socket_timeout=3)
        self.queues = {p: Queue(f"{prefix}{p}", connection=self.connection) for p in PRIORITIES}
        self._timeouts = timeouts

    def push(self, queue_id: str, job_id: int, kind: str, priority: str, run_after: datetime | None) -> None:
        from rq import Retry

        timeout, retries = self._timeouts(kind)
        options = {
            "job_id": queue_id,
            "job_timeout": timeout,
            "retry": Retry(max=len(retries), interval=list(retries)) if retries else None,
            "result_ttl": 3600,
            "failure_ttl": 7 * 24 * 3600,
            "description": f"{kind} job {job_id}",
        }
        queue = self.queues[priority]
        if run_after is not None and run_after > datetime.now(UTC):
            queue.enqueue_at(run_after, "assessment.jobs.worker.perform", job_id, **options)
        else:
            queue.enqueue("assessment.jobs.worker.perform", job_id, **options)

    def backlog(self) -> int:
        return sum(q.count for q in self.queues.values())

    def remove(self, queue_id: str) -> bool:
        return bool(self.queues["speculative"].remove(queue_id))

    def exists(self, queue_id: str) -> bool:
        from rq.job import Job, JobStatus

        try:
            status = Job.fetch(queue_id, connection=self.connection).get_status()
        except Exception:  # NoSuchJobError, or a job hash expired: not on the queue any more
            return False
        return status not in (JobStatus.FINISHED, JobStatus.FAILED, JobStatus.CANCELED, JobStatus.STOPPED)

    def close(self, timeout: float = 60) -> None:
        self.connection.close()

    def health(self) -> str:
        from redis.exceptions import RedisError

        try:
            self.connection.ping()
        except RedisError as exc:
            return f"down: {type(exc).__name__}"
        return "ok"
