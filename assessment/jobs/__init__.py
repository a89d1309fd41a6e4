"""Work that does not belong in a request, run beside it.

Today one background thread per process runs the jobs in order (rendering is CPU-bound: more
threads would only queue on the GIL and the render lock). A job is a function whose first
argument is a Database: it opens its own session, never the request's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from assessment.store import Database

log = logging.getLogger(__name__)
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jobs")


def enqueue(job: Callable[..., Any], database: Database, *args: Any) -> Future:
    """Run job(database, *args) in the background; a failure is logged, never raised to the caller."""
    return _executor.submit(_logged, job, database, *args)


def _logged(job: Callable[..., Any], database: Database, *args: Any) -> None:
    try:
        job(database, *args)
    except Exception:
        log.exception("background job %s%r failed", getattr(job, "__name__", job), args)
