"""The dashboard at 1,000 companies x 8 closed rounds x 2 respondents (management, marketing) in PostgreSQL.

    .venv/bin/python bench/dashboard.py [--companies 1000] [--rounds 8] [--requests 200] [--runs 3]
                                        [--database-url URL]

Without --database-url a throw-away PostgreSQL cluster is started (tests/servers.py). With one, a
database this bench seeded before is used again as it is (the seed is skipped). Rows are written with
COPY; every respondent is a plausible one (assessment/samples.py respondent_answers, as
bench/population.py uses) with ~35 answer rows and its real verdict; each round keeps the management
verdict as closed by the "reference" rule, its targets and step marks; one company in ten also has an
open round with two invitations, one answered.

Requests go through the Flask test client in this process, signed in as a consultant who owns every
company. Printed per run: wall p50/p95 and this process's CPU (time.process_time) per request, the SQL
statements per request, and the load average, since the machine is shared: read the CPU figures.
Then: closing a round (diagnosis, gap, trend) in server CPU, the round PDF with its tracking and gap
sections, and what reading the level from each round's verdict JSON would cost against the summary
columns (migration 0009).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event, make_url, text
from workspace import _copy  # bench/workspace.py: a script's own directory is on sys.path

from assessment import samples
from assessment.bank.questionnaire import default_questionnaire
from assessment.diagnose.pipeline import diagnose
from assessment.services import assessments, rounds
from assessment.store import Company, Database
from assessment.store.migrate import upgrade
from assessment.store.tokens import new_token
from assessment.web import create_app
from tests.web.workspace import PASSWORD, make_account, sign_in

APP = "bench-dashboard"  # the app's connections' application_name, for PgCpu
NAME = "株式会社ダッシュ"  # every seeded company's name starts so: a seeded database is found again
CHUNK = 100  # companies per COPY batch, so the answer rows never all sit in memory


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def _respondent(rng: random.Random, aid: int, company: int, rid: int, role: str, moment: datetime, out: dict):
    answers = samples.respondent_answers(rng)
    verdict = diagnose(answers)
    d = verdict.to_dict()
    text_verdict = json.dumps(d, ensure_ascii=False)
    top = d["pitfalls"][0]["id"] if d["pitfalls"] else None
    out["assessment"].append(
        (aid, new_token(), "invited", "submitted", 1, "ja", company, rid, role, d["questionnaire_version"],
         d["ruleset_version"], d["overall"], d["level"], top, moment, moment, moment)
    )  # fmt: skip
    out["revision"].append((aid, 1, text_verdict, moment))
    for qid, value in answers.items():
        out["answer"].append((aid, qid, json.dumps(value, ensure_ascii=False), None, False, False, moment))
    return verdict, text_verdict


COLUMNS = {
    "round": ["id", "token", "company_id", "period", "status", "due_at", "opened_at", "closed_at", "rule", "verdict",
              "targets", "step_status", "level", "overall", "scores"],
    "assessment": ["id", "token", "kind", "status", "revision", "locale", "company_id", "round_id", "respondent_role",
                   "questionnaire_version", "ruleset_version", "overall", "level", "top_pitfall", "created_at",
                   "updated_at", "submitted_at"],
    "revision": ["assessment_id", "number", "verdict", "created_at"],
    "answer": ["assessment_id", "question", "value", "note", "to_verify", "note_in_report", "updated_at"],
    "round_invitation": ["token", "round_id", "role", "created_at", "expires_at", "assessment_id"],
}  # fmt: skip


def seed(url: str, n_companies: int, n_rounds: int, owner_id: int) -> None:
    """Companies, their closed rounds and respondents by COPY; round ids and assessment ids counted here."""
    import psycopg

    qn = default_questionnaire()
    rng = random.Random(14)
    now = datetime.now(UTC)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        first_company = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM company").fetchone()[0]  # type: ignore[index]
        _copy(
            conn,
            "company",
            ["id", "name", "name_key", "owner_id", "created_at", "updated_at"],
            ((first_company + i, f"{NAME}{i:05d}", f"ダッシュ{i:05d}", owner_id, now, now) for i in range(n_companies)),
        )
        rid = conn.execute("SELECT COALESCE(MAX(id), 0) FROM round").fetchone()[0]  # type: ignore[index]
        aid = conn.execute("SELECT COALESCE(MAX(id), 0) FROM assessment").fetchone()[0]  # type: ignore[index]
        for start in range(0, n_companies, CHUNK):
            out: dict[str, list] = {table: [] for table in COLUMNS}
            for c in range(first_company + start, first_company + min(start + CHUNK, n_companies)):
                # The last round closed 0-150 days ago: a third or so overdue (a quarter is 91 days), some due soon.
                last = now - timedelta(days=rng.randrange(151), hours=rng.randrange(24))
                for k in range(n_rounds):
                    rid += 1
                    closed = last - rounds.QUARTER * (n_rounds - 1 - k)
                    kept = None
                    for role in ("management", "marketing"):
                        aid += 1
                        verdict, as_text = _respondent(rng, aid, c, rid, role, closed - timedelta(days=3), out)
                        kept = kept or (verdict, as_text)
                    assert kept is not None
                    v, as_text = kept
                    marks = {a.id: rng.choice(rounds.STEP_STATUSES) for a in v.actions[:2]}
                    out["round"].append(
                        (rid, new_token(), c, rounds.period_of(closed), "closed", closed + rounds.QUARTER,
                         closed - timedelta(days=14), closed, "reference", as_text,
                         json.dumps(rounds.default_targets(v, qn)), json.dumps(marks), v.level, v.overall,
                         json.dumps(dict(v.scores)))
                    )  # fmt: skip
                if rng.random() < 0.1:  # an open round: management answered, marketing invited
                    rid += 1
                    out["round"].append(
                        (rid, new_token(), c, rounds.period_of(now), "open", None, now - timedelta(days=2), None,
                         None, None, None, None, None, None, None)
                    )  # fmt: skip
                    aid += 1
                    _respondent(rng, aid, c, rid, "management", now - timedelta(days=1), out)
                    for role, answered in (("management", aid), ("marketing", None)):
                        out["round_invitation"].append(
                            (new_token(), rid, role, now, now + timedelta(days=14), answered)
                        )
            for table, columns in COLUMNS.items():
                _copy(conn, table, columns, out[table])
        conn.execute(
            "UPDATE round SET reference_id = a.id FROM assessment a"
            " WHERE a.round_id = round.id AND a.respondent_role = 'management' AND round.status = 'closed'"
            " AND round.reference_id IS NULL"
        )
        for table in ("company", "assessment", "round", "revision", "answer", "round_invitation"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        conn.commit()
        conn.execute("ANALYZE")


def percentile(xs: list[float], p: int) -> float:
    return statistics.quantiles(xs, n=100)[p - 1] if len(xs) > 1 else xs[0]


class PgCpu:
    """CPU seconds of the app's own PostgreSQL backends (application_name APP), when the server runs on this
    machine: the database's share of a request, which a busy machine inflates less than wall time. Other
    sessions, autovacuum and the checkpointer are left out."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)
        self.tick = os.sysconf("SC_CLK_TCK")

    def now(self) -> float | None:
        pids = [r[0] for r in self.conn.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APP])]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None  # not on this machine (or not readable)
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / self.tick


class Queries:
    """SQL statements run per request, counted on the app's engine."""

    def __init__(self, engine):
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args) -> None:
        self.n += 1


def timed(client, urls: list[str], n: int, queries: Queries, pg: PgCpu) -> dict:
    out: dict[str, list] = {"wall": [], "cpu": [], "pg": [], "sql": []}
    for i in range(n):
        url = urls[i % len(urls)]
        before, p = queries.n, pg.now()
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        response.get_data()
        out["cpu"].append((time.process_time() - c) * 1000)
        out["wall"].append((time.perf_counter() - t) * 1000)
        if p is not None and (after := pg.now()) is not None:
            out["pg"].append((after - p) * 1000)
        out["sql"].append(queries.n - before)
        assert response.status_code == 200, (url, response.status_code)
    return out


def show(name: str, wall: list[float], cpu: list[float], *, sql=None, pg=None, target: str = "") -> None:
    line = (
        f"{name:<28} n={len(wall):3d}  wall p50 {percentile(wall, 50):6.1f} p95 {percentile(wall, 95):6.1f} ms"
        f" | app CPU p50 {percentile(cpu, 50):5.1f} p95 {percentile(cpu, 95):5.1f} ms"
    )
    if pg:  # clock ticks of 10 ms: the mean says more than a percentile
        line += f" | PostgreSQL CPU mean {statistics.mean(pg):5.1f} ms"
    if sql:
        line += f" | SQL/request {min(sql)}-{max(sql)}"
    print(line + (f"  (target {target})" if target else ""))


def web(app, url: str, company_ids: list[int], n: int, runs: int) -> None:
    client = app.test_client()
    assert sign_in(client, "all@bench.jp", PASSWORD).status_code == 302
    queries, pg = Queries(app.extensions["database"].engine), PgCpu(url)
    shows, sorts = ("all", "overdue", "due_soon", "open"), ("due", "name", "level", "change", "assessed")
    dash = [
        f"/workspace/dashboard?show={s}&sort={o}&desc={d}&page={p}"
        for s in shows
        for o in sorts
        for d in ("0", "1")
        for p in (1, 4, 20)
    ]
    random.Random(3).shuffle(dash)
    rng = random.Random(5)
    pages = [f"/workspace/clients/{rng.choice(company_ids)}" for _ in range(n)]
    timed(client, dash[:10] + pages[:10], 20, queries, pg)  # warm the pools, caches and templates
    for run in range(1, runs + 1):
        print(f"-- run {run}: {load()}")
        for name, urls, target in (
            ("dashboard", dash, "p95 <= 200 ms"),
            ("company page (8 rounds)", pages, "p95 <= 150 ms"),
        ):
            got = timed(client, urls, n, queries, pg)
            show(name, got["wall"], got["cpu"], sql=got["sql"], pg=got["pg"], target=target)


def respondent(session, r, role: str, answers: dict):
    a = assessments.start(session, locale="ja", utm={}, referrer=None, kind="invited", commit=False)
    assessments.save_answers(session, a, answers, commit=False)
    assessments.submit(session, a, commit=False)
    rounds.add_respondent(session, r, a, role)


def closing(url: str, n: int, runs: int) -> None:
    """Open a 9th round on companies with 8, two respondents answer, then close it: CPU of close + gap + trend."""
    database = Database(url)
    rng = random.Random(9)
    with database.engine.connect() as conn:
        without_open = list(
            conn.scalars(
                text(
                    "SELECT id FROM company WHERE name LIKE :n AND id NOT IN"
                    " (SELECT company_id FROM round WHERE status = 'open')"
                ),
                {"n": f"{NAME}%"},
            )
        )
    chosen = iter(rng.sample(without_open, n * runs))
    closed = []
    with database.session() as s:
        for run in range(1, runs + 1):
            cpu: dict[str, list[float]] = {"close": [], "gap": [], "trend": [], "all": []}
            wall = []
            for i in range(n):
                company = s.get_one(Company, next(chosen))
                r = rounds.open_round(s, company, period="2027-Q1")
                for role in ("management", "marketing"):
                    respondent(s, r, role, samples.respondent_answers(rng))
                s.expire_all()  # as a request would: the round and its respondents read from the database
                r = s.get_one(type(r), r.id)
                t, c0 = time.perf_counter(), time.process_time()
                rounds.close_round(s, r, rule="median" if i % 2 else "reference")
                c1 = time.process_time()
                rounds.gap(r)
                c2 = time.process_time()
                rounds.latest_trend(s, company)
                c3 = time.process_time()
                wall.append((time.perf_counter() - t) * 1000)
                for key, ms in (("close", c1 - c0), ("gap", c2 - c1), ("trend", c3 - c2), ("all", c3 - c0)):
                    cpu[key].append(ms * 1000)
                closed.append(r.id)
            print(f"-- run {run}: {load()}")
            for key in ("close", "gap", "trend"):
                print(
                    f"   {key:<27} CPU p50 {percentile(cpu[key], 50):6.1f} ms  p95 {percentile(cpu[key], 95):6.1f} ms"
                )
            show("close + gap + trend", wall, cpu["all"], target="<= 50 ms server CPU")
        pdf(s, closed, runs)
    database.dispose()


def pdf(session, round_ids: list[int], runs: int) -> None:
    from assessment.store.models import Round

    r = session.get_one(Round, round_ids[0])
    _diagnosis, tracking, gap = rounds.report_views(session, r, "ja")
    assert tracking is not None and gap is not None, "the round PDF should carry both sections"
    from io import BytesIO

    from pypdf import PdfReader

    from assessment.report import render_pdf

    pages = len(PdfReader(BytesIO(rounds.report_pdf(session, r, "ja"))).pages)  # warms the font cut and templates
    print(f"   the round PDF has {pages} pages")
    for run in range(1, runs + 1):
        print(f"-- run {run}: {load()}")
        for name, render in (
            ("round PDF (tracking + gap)", lambda r: rounds.report_pdf(session, r, "ja")),
            ("same diagnosis, no sections", lambda r: render_pdf(rounds.report_views(session, r, "ja")[0])),
        ):
            wall, cpu = [], []
            for rid in round_ids[:8]:
                r = session.get_one(Round, rid)
                t, c = time.perf_counter(), time.process_time()
                render(r)
                cpu.append((time.process_time() - c) * 1000)
                wall.append((time.perf_counter() - t) * 1000)
            show(name, wall, cpu, target="p50 <= 400 ms" if "gap" in name else "")


def json_or_columns(url: str, runs: int) -> None:
    """What the dashboard's sort by level would cost read from every company's last two verdicts."""
    from sqlalchemy import create_engine

    engine = create_engine(url)
    ranked = (
        "SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY company_id ORDER BY closed_at DESC, id DESC)"
        " AS rn FROM round WHERE status = 'closed') r WHERE rn <= 2"
    )
    ways = {
        "summary columns (0009)": ranked.format(cols="company_id, level, overall, scores"),
        "verdict JSON, parsed in Python": ranked.format(cols="company_id, verdict"),
        "verdict JSON, ->> in SQL": ranked.format(
            cols="company_id, (verdict->>'level')::int, (verdict->>'overall')::int, verdict->'scores'"
        ),
    }
    with engine.connect() as conn:
        for run in range(1, runs + 1):
            print(f"-- run {run}: {load()}")
            for name, sql in ways.items():
                wall, cpu = [], []
                for _ in range(5):
                    t, c = time.perf_counter(), time.process_time()
                    rows = conn.execute(text(sql)).all()
                    if "Python" in name:
                        [(v["level"], v["overall"], v["scores"]) for _c, v in rows]
                    cpu.append((time.process_time() - c) * 1000)
                    wall.append((time.perf_counter() - t) * 1000)
                print(f"   {name:<32} {len(rows)} rows  wall p50 {statistics.median(wall):6.1f} ms"
                      f"  CPU here p50 {statistics.median(cpu):6.1f} ms")  # fmt: skip
    engine.dispose()


@contextmanager
def postgres(url: str | None):
    if url:
        yield url
        return
    from tests.servers import Cluster

    with Cluster() as cluster:
        yield cluster.url


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--companies", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--closes", type=int, default=20, help="rounds closed per run")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(), f"({os.cpu_count()} CPUs)")
    with postgres(args.database_url) as url:
        upgrade(url)
        app_url = make_url(url).update_query_dict({"application_name": APP}).render_as_string(hide_password=False)
        config = {"ENV_NAME": "development", "SECRET_KEY": "bench", "DATABASE_URL": app_url, "RATELIMIT_ENABLED": False,
                  "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "PDF_PRERENDER": False}  # fmt: skip
        app = create_app(config)
        database = app.extensions["database"]
        with database.engine.connect() as conn:
            seeded = conn.scalar(text("SELECT count(*) FROM company WHERE name LIKE :n"), {"n": f"{NAME}%"})
        if not seeded:
            owner = make_account(app, "all@bench.jp")
            t, c = time.perf_counter(), time.process_time()
            seed(url, args.companies, args.rounds, owner)
            print(f"seed: {args.companies} companies x {args.rounds} rounds x 2 respondents in "
                  f"{time.perf_counter() - t:.0f} s ({time.process_time() - c:.0f} CPU-s here)")  # fmt: skip
        with database.engine.connect() as conn:
            ids = list(conn.scalars(text("SELECT id FROM company WHERE name LIKE :n"), {"n": f"{NAME}%"}))
            counts = conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM round), (SELECT count(*) FROM assessment), (SELECT count(*) FROM answer)"
                )
            ).one()
        print(f"{len(ids)} companies, {counts[0]} rounds, {counts[1]} assessments, {counts[2]} answers")
        web(app, url, ids, args.requests, args.runs)
        closing(url, args.closes, args.runs)
        json_or_columns(url, args.runs)
        database.dispose()
    print(subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
