"""Faults: PostgreSQL restarted under load loses no submission the client saw succeed."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from assessment.store import Assessment, Database
from assessment.store.migrate import upgrade
from tests.factories import make_answers
from tests.servers import Cluster
from tests.web.conftest import make_app, make_config


@pytest.mark.postgres
def test_a_postgres_restart_under_load_loses_no_submission_the_client_saw_succeed(tmp_path):
    with Cluster() as cluster:  # a server of this test's own: it is restarted
        upgrade(cluster.url)
        app = make_app(make_config(tmp_path, DATABASE_URL=cluster.url))
        seen: list[tuple[int, str | None]] = []
        restarted_at = [0]  # index into `seen` when the restart was over
        lock, stop = threading.Lock(), threading.Event()

        def respondent(n: int) -> None:
            client = app.test_client()
            while not stop.is_set():
                resp = client.post("/api/v1/assessments", json={"answers": make_answers(n % 4)})
                token = resp.get_json()["results_url"].rsplit("/", 1)[1] if resp.status_code == 201 else None
                with lock:
                    seen.append((resp.status_code, token))

        threads = [threading.Thread(target=respondent, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        before = len(seen)
        cluster.restart()
        restarted_at[0] = len(seen)
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join(30)
        app.extensions["jobs"].close()
        app.extensions["database"].dispose()

        codes = {code for code, _ in seen}
        assert codes <= {201, 503}, codes  # a failed submission is a 503 to retry, never a 500
        succeeded = {token for code, token in seen if code == 201}
        assert any(code == 201 for code, _ in seen[:before]), "no load before the restart"
        assert any(code == 201 for code, _ in seen[restarted_at[0] :]), "submissions did not recover after it"
        database = Database(cluster.url)
        try:
            with database.session() as s:
                kept = set(s.scalars(select(Assessment.results_token).where(Assessment.results_token.in_(succeeded))))
        finally:
            database.dispose()
        assert kept == succeeded  # every submission answered 201 is there after the restart
