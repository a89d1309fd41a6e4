"""Jobs on a real Redis with real RQ workers: renders run once, requested before speculative, survive kills."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime

import redis
from rq.command import send_kill_horse_command
from sqlalchemy import func, select

from assessment.jobs import make_dispatcher
from assessment.jobs.backends import RQBackend
from assessment.jobs.tasks import Settings
from assessment.services import jobs as records
from assessment.store.background import Job
from assessment.store.models import ReportFile, aware
from tests.factories import make_answers, make_assessment
from tests.jobs.conftest import burst


def _job(database, key) -> Job:
    with database.session() as s:
        job = s.scalars(select(Job).where(Job.key == key)).one()
        s.expunge(job)
        return job


def _reports(database) -> list[tuple[int, int, str, bytes]]:
    with database.session() as s:
        return [
            (r.assessment_id, r.revision, r.locale, r.content[:5])
            for r in s.scalars(select(ReportFile).order_by(ReportFile.id))
        ]


def test_a_requested_render_runs_once_on_a_worker_and_keeps_a_whole_pdf(database, session, rq_dispatcher):
    a = make_assessment(session, make_answers(1))
    key = rq_dispatcher.render(a.id, a.revision, "ja")
    assert rq_dispatcher.backend.backlog() == 1 and _job(database, key).status == "queued"
    rq_dispatcher.render(a.id, a.revision, "ja")  # asked twice (two clicks, two processes): queued once
    assert rq_dispatcher.backend.backlog() == 1
    assert _reports(database) == []  # the web process rendered nothing
    burst()
    assert _reports(database) == [(a.id, 1, "ja", b"%PDF-")]
    job = _job(database, key)
    assert (job.status, job.attempts, job.error) == ("done", 1, None) and job.finished_at is not None
    rq_dispatcher.render(a.id, a.revision, "ja")  # done: nothing queued again
    assert rq_dispatcher.backend.backlog() == 0


def test_requested_renders_go_first_and_speculative_ones_drop_when_the_queue_is_long(database, session, queue_env):
    dispatcher = make_dispatcher(
        database,
        queue_env["REDIS_URL"],
        prefix=queue_env["JOB_QUEUE_PREFIX"],
        settings=Settings(speculative_limit=3),
    )
    looked_at = [make_assessment(session, make_answers(i % 4)) for i in range(4)]
    lead = make_assessment(session, make_answers(3))
    keys = [dispatcher.render(a.id, 1, "ja", priority="speculative") for a in looked_at]
    assert [_job(database, k).status for k in keys] == ["queued", "queued", "queued", "dropped"]
    wanted = dispatcher.render(lead.id, 1, "en")  # a lead captured after a flood of look-ahead renders
    # a requested render of a dropped speculative one is queued after all
    dispatcher.render(looked_at[3].id, 1, "ja")
    assert _job(database, keys[3]).status == "queued"
    burst()
    done = {k: _job(database, k) for k in [*keys, wanted]}
    assert all(j.status == "done" and j.attempts == 1 for j in done.values())
    assert all(j.finished_at is not None for j in done.values())
    finished = sorted(done, key=lambda k: aware(done[k].finished_at or datetime.min))
    assert set(finished[:2]) == {wanted, keys[3]}  # both requested ones before any speculative one
    assert len(_reports(database)) == 5


def test_a_requested_render_takes_over_a_queued_speculative_one(database, session, rq_dispatcher):
    a = make_assessment(session, make_answers(2))
    key = rq_dispatcher.render(a.id, 1, "ja", priority="speculative")
    speculative = rq_dispatcher.backend.queues["speculative"]
    assert speculative.count == 1
    rq_dispatcher.render(a.id, 1, "ja")
    assert speculative.count == 0 and rq_dispatcher.backend.queues["requested"].count == 1
    burst()
    job = _job(database, key)
    assert (job.status, job.priority, job.attempts) == ("done", "requested", 1)


def test_with_redis_down_submissions_keep_their_jobs_and_the_sweep_queues_them(database, session, queue_env):
    down = make_dispatcher(database, "redis://127.0.0.1:1/0", prefix=queue_env["JOB_QUEUE_PREFIX"])
    a = make_assessment(session, make_answers(2))
    started = time.monotonic()
    key = down.render(a.id, 1, "ja")
    assert time.monotonic() - started < 5  # a dead Redis costs a short timeout, not a hang
    assert down.health().startswith("down")
    job = _job(database, key)
    assert (job.status, job.queue_id) == ("queued", None)  # kept in the database
    up = make_dispatcher(database, queue_env["REDIS_URL"], prefix=queue_env["JOB_QUEUE_PREFIX"])
    assert up.sweep() == 1
    burst()
    assert _job(database, key).status == "done" and len(_reports(database)) == 1


def test_a_worker_killed_mid_render_retries_and_leaves_no_half_written_report(database, session, queue_env, tmp_path):
    """A forking worker: its work horse is SIGKILLed while rendering; the retry renders the one report."""
    a = make_assessment(session, make_answers(1))
    dispatcher = make_dispatcher(database, queue_env["REDIS_URL"], prefix=queue_env["JOB_QUEUE_PREFIX"])
    key = dispatcher.render(a.id, 1, "ja")
    name = f"kill-{queue_env['JOB_QUEUE_PREFIX'].strip(':')}"
    log = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - closed after the worker ends
    worker = subprocess.Popen(
        [sys.executable, "-c", "from assessment.cli import main; main()", "worker", "--name", name],
        env={**os.environ, **queue_env},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    connection = redis.Redis.from_url(queue_env["REDIS_URL"])
    try:
        deadline = time.monotonic() + 180  # a bound, not a figure: the worker preloads a render first
        while _job(database, key).status != "running":
            assert time.monotonic() < deadline and worker.poll() is None, "the worker never started the job"
            time.sleep(0.01)
        send_kill_horse_command(connection, name)
        time.sleep(0.3)
        assert _reports(database) == []  # nothing half written
        while _job(database, key).status != "done":
            assert time.monotonic() < deadline and worker.poll() is None, "the job was not retried"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        connection.close()
        log.close()
    job = _job(database, key)
    assert job.attempts == 2 and job.status == "done"
    assert _reports(database) == [(a.id, 1, "ja", b"%PDF-")]


def test_without_redis_the_same_jobs_run_on_a_thread(database, session):
    dispatcher = make_dispatcher(database, None)
    a = make_assessment(session, make_answers(0))
    key = dispatcher.render(a.id, 1, "en")
    assert dispatcher.wait(key, 60) == "done"
    assert _reports(database) == [(a.id, 1, "en", b"%PDF-")]
    assert dispatcher.health() == "in-process"
    dispatcher.close()
    with database.session() as s:
        assert s.scalar(select(func.count()).select_from(Job)) == 1 and records.state(s, key) == "done"


def test_a_job_whose_queue_entry_was_lost_is_queued_again_when_someone_asks(database, session, queue_env):
    """A web process restarted with jobs on its thread, or a Redis that lost its list: the next ask revives it."""
    a = make_assessment(session, make_answers(2))
    gone = make_dispatcher(database, queue_env["REDIS_URL"], prefix=queue_env["JOB_QUEUE_PREFIX"])
    key = gone.render(a.id, 1, "ja")
    assert isinstance(gone.backend, RQBackend)
    gone.backend.queues["requested"].empty()  # the entry is lost; the row still says queued
    assert _job(database, key).status == "queued" and gone.backend.backlog() == 0
    again = make_dispatcher(database, queue_env["REDIS_URL"], prefix=queue_env["JOB_QUEUE_PREFIX"])
    again.render(a.id, 1, "ja")
    assert again.backend.backlog() == 1
    burst()
    assert _job(database, key).attempts == 1 and _reports(database) == [(a.id, 1, "ja", b"%PDF-")]
