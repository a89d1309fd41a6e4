"""Job records: what the queue was asked to do and how far it got. No queue here, only rows.

assessment.jobs writes a row before it queues a job and runs jobs through claim/finish/fail;
pages read state() to say "PDF being prepared…".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assessment.store.background import Job
from assessment.store.models import aware, utcnow

STUCK = timedelta(minutes=15)  # longer than any job's timeout (assessment.jobs.tasks)


def render_key(assessment_id: int, revision: int, locale: str) -> str:
    return f"render:{assessment_id}:{revision}:{locale}"


def find(session: Session, key: str) -> Job | None:
    return session.scalar(select(Job).where(Job.key == key))


def state(session: Session, key: str) -> str | None:
    """The job's status (assessment.store.background.JOB_STATUSES), or None if never asked for."""
    return session.scalar(select(Job.status).where(Job.key == key))


def record(
    session: Session,
    kind: str,
    key: str,
    args: dict,
    *,
    priority: str = "requested",
    run_after: datetime | None = None,
    queue_id: str | None = None,
) -> Job | None:
    """Note that `key` should run; the row to queue now, or None when it is done or already in hand.

    A new row is written naming `queue_id`, the entry the caller is about to put on the queue: the
    key is unique, so the process whose insert lands owns the row, and no second write is needed
    to claim it. A row found instead keeps its entry (the caller swaps it, see swap_queue_id).
    A requested job finding the same job queued as speculative takes it over (it is queued again,
    ahead); one that failed or was dropped is queued again.
    """
    job = find(session, key)
    if job is None:
        job = Job(
            kind=kind, key=key, args=args, priority=priority, status="queued", run_after=run_after, queue_id=queue_id
        )
        session.add(job)
        try:
            session.commit()
            return job
        except IntegrityError:  # another process recorded it first
            session.rollback()
            job = find(session, key)
            if job is None:
                raise
    if job.status in ("done", "running", "retrying"):
        return None
    if job.status == "queued" and not (priority == "requested" and job.priority == "speculative"):
        return None
    job.status, job.priority, job.error, job.run_after = "queued", priority, None, run_after
    session.commit()
    return job


def add(session: Session, kind: str, key: str, args: dict, run_after: datetime | None = None) -> None:
    """Record a job in the caller's transaction (an outbox row: queued once the caller commits)."""
    job = find(session, key)
    if job is None:
        session.add(Job(kind=kind, key=key, args=args, priority="requested", status="queued", run_after=run_after))
    elif job.status in ("failed", "dropped"):
        job.status, job.run_after, job.queue_id = "queued", run_after, None


def record_dropped(session: Session, kind: str, key: str, args: dict) -> None:
    """A speculative job not queued because the queue is long: kept for the figures, asked again on demand."""
    if find(session, key) is not None:
        return
    session.add(Job(kind=kind, key=key, args=args, priority="speculative", status="dropped"))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()


def claim(session: Session, job_id: int, runner: str) -> Job | None:
    """Start a try of the job as queue entry `runner`; None when there is nothing for it to do.

    Only the entry the row names may run it: a stale copy (queued again by the sweep, or a
    speculative entry a requested one replaced) finds another id there and stops. A retry of
    the same entry (its worker was killed) carries the same id and goes ahead.
    """
    job = session.get(Job, job_id, with_for_update=True)
    if job is None or job.status == "done" or job.queue_id != runner:
        session.rollback()
        return None
    job.status, job.attempts = "running", job.attempts + 1
    session.commit()
    return job


def swap_queue_id(session: Session, job: Job, old: str | None, new: str | None) -> bool:
    """Compare-and-set the job's queue entry: of two processes queueing one row, only one wins."""
    where = Job.queue_id.is_(None) if old is None else Job.queue_id == old
    done = session.execute(update(Job).where(Job.id == job.id, where).values(queue_id=new, updated_at=utcnow()))
    session.commit()
    won = bool(getattr(done, "rowcount", 0))
    if won:
        job.queue_id = new
    return won


def unqueued(session: Session, limit: int = 500) -> Sequence[Job]:
    """Recorded jobs not on the queue yet (outbox rows): a webhook's delivery, a retry due later."""
    return session.scalars(
        select(Job).where(Job.status == "queued", Job.queue_id.is_(None)).order_by(Job.id).limit(limit)
    ).all()


def finish(job: Job) -> None:
    """Mark the job done; the caller commits it with the job's own writes, in one transaction."""
    job.status, job.error, job.finished_at = "done", None, utcnow()


def fail(session: Session, job_id: int, error: str, *, retrying: bool) -> None:
    job = session.get(Job, job_id)
    if job is None:
        return
    job.status, job.error = ("retrying" if retrying else "failed"), error[:2000]
    if not retrying:
        job.finished_at = utcnow()
    session.commit()


def lost(session: Session, *, older_than: timedelta, now: datetime | None = None) -> list[Job]:
    """Jobs recorded but maybe never queued (the queue was down), or whose try or retry the queue lost.

    A running job counts as lost only after STUCK (longer than any job's timeout).
    """
    now = now or utcnow()
    rows = session.scalars(
        select(Job)
        .where(
            or_(
                (Job.status == "queued") & (Job.updated_at < now - older_than),
                Job.status.in_(("running", "retrying")) & (Job.updated_at < now - max(older_than, STUCK)),
            )
        )
        .order_by(Job.id)
        .limit(500)
    )
    return [j for j in rows if j.run_after is None or aware(j.run_after) <= now]


def counts(session: Session) -> dict[str, int]:
    """Jobs by status, for the CLI and the benches."""
    from sqlalchemy import func

    return dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).tuples().all())
