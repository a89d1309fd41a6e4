"""The consultant workspace at scale: 10,000 companies, 100,000 assessments, 50,000 leads in PostgreSQL.

    .venv/bin/python bench/workspace.py [--database-url URL] [--requests 200]

Without --database-url a throw-away PostgreSQL cluster is started (as the tests do, tests/servers.py);
a given database already seeded by an earlier run is used as it is (no second seed).
Rows are written with COPY; each submitted assessment has a revision with a real verdict and ~30
answer rows. Requests go through the Flask test client in this process (no network), signed in
as a consultant (their 500 clients) and as an admin (all 10,000). Prints p50/p95/p99 per view,
the autosave p99, and the CSV export's rows per second and RSS growth.

Wall times move 2-3x with whatever else the machine runs, so each figure also has its CPU: this
thread's (time.thread_time) and, on a local server, that of the PostgreSQL backends serving it
(/proc/<pid>/schedstat, nanoseconds), with the load average beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment.diagnose.pipeline import diagnose
from assessment.store.migrate import upgrade
from assessment.web import create_app
from tests.factories import make_answers
from tests.web.workspace import PASSWORD, make_account, sign_in

COMPANIES, PER_COMPANY, LEADS, CONSULTANTS = 10_000, 10, 50_000, 20


@contextmanager
def throwaway_postgres():
    from tests import servers

    # The tests' fixture is a generator function under pytest's wrapper: reuse it as a context manager.
    with contextmanager(getattr(servers.pg_url, "__wrapped__"))() as url:  # noqa: B009  (mypy: pytest's wrapper)
        yield url


def _copy(conn, table: str, columns: list[str], rows) -> None:
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def seed(url: str) -> None:
    import psycopg

    profiles = [make_answers(level) for level in range(4)]
    verdicts = [json.dumps(diagnose(p).to_dict(), ensure_ascii=False) for p in profiles]
    tops = [json.loads(v)["pitfalls"][0]["id"] if json.loads(v)["pitfalls"] else None for v in verdicts]
    levels = [json.loads(v)["level"] for v in verdicts]
    overall = [json.loads(v)["overall"] for v in verdicts]
    now = datetime.now(UTC)
    rnd = random.Random(7)
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=False) as conn:
        owners = [r[0] for r in conn.execute("SELECT id FROM account WHERE email LIKE 'c%@bench.jp' ORDER BY id")]
        _copy(
            conn,
            "company",
            ["id", "name", "name_key", "email_domain", "owner_id", "created_at", "updated_at"],
            (
                (i, f"株式会社ベンチ{i:05d}", f"ベンチ{i:05d}", f"bench{i}.co.jp", owners[i % len(owners)], now, now)
                for i in range(1, COMPANIES + 1)
            ),
        )
        assessments, revisions, answers, leads = [], [], [], []
        aid = 0
        for c in range(1, COMPANIES + 1):
            for k in range(PER_COMPANY):
                aid += 1
                p = rnd.randrange(4)
                moment = now - timedelta(days=rnd.randrange(720), minutes=aid)
                kind = "self" if aid <= LEADS else "consultant"
                src = rnd.choice(["google", "facebook", "newsletter", "seminar"])
                assessments.append(
                    (aid, f"bench-token-{aid:08d}-xxxxxxxx", kind, "submitted", 1, "ja", c, "1", "1",
                     overall[p], levels[p], tops[p], src, "cpc", f"camp{k}", moment, moment, moment)
                )  # fmt: skip
                revisions.append((aid, 1, verdicts[p], moment))
                for qid, value in profiles[p].items():
                    note = "聞き取りメモ" if kind == "consultant" and rnd.random() < 0.2 else None
                    answers.append((aid, qid, json.dumps(value, ensure_ascii=False), note, False, False, moment))
                if kind == "self":
                    leads.append(
                        (aid, c, f"見込{aid}", f"株式会社ベンチ{c:05d}", f"p{aid}@bench{c}.co.jp", "cmo", "s1_9",
                         True, "同意", moment, "ja", moment, rnd.choice(["new", "contacted", "qualified", "won", "lost"]))
                    )  # fmt: skip
        _copy(
            conn,
            "assessment",
            ["id", "token", "kind", "status", "revision", "locale", "company_id", "questionnaire_version",
             "ruleset_version", "overall", "level", "top_pitfall", "utm_source", "utm_medium", "utm_campaign",
             "created_at", "updated_at", "submitted_at"],
            assessments,
        )  # fmt: skip
        _copy(conn, "revision", ["assessment_id", "number", "verdict", "created_at"], revisions)
        _copy(
            conn,
            "answer",
            ["assessment_id", "question", "value", "note", "to_verify", "note_in_report", "updated_at"],
            answers,
        )
        _copy(
            conn,
            "lead",
            ["assessment_id", "company_id", "name", "company_name", "email", "role", "company_size", "consent",
             "consent_text", "consent_at", "locale", "created_at", "status"],
            leads,
        )  # fmt: skip
        for table in ("company", "assessment"):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        conn.commit()
        conn.execute("ANALYZE")
    print(f"seeded {COMPANIES} companies, {aid} assessments, {len(answers)} answers, {len(leads)} leads")


def rss_mib() -> float:
    """The resident set now (not the process's peak: seeding peaked higher)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ServerCpu:
    """CPU seconds used by the server's client backends (other than this probe's own), if it runs here."""

    def __init__(self, url: str):
        import psycopg

        self.conn = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True)

    def seconds(self) -> float:
        pids = [
            r[0]
            for r in self.conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
            )
        ]
        total = 0
        for pid in pids:
            with suppress(OSError, ValueError):  # not on this machine, or gone
                total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        return total / 1e9


SERVER: ServerCpu | None = None
SLOWEST: dict[str, float] = {}


def timed(client, urls: list[str], n: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (this thread + the server's) milliseconds of each request."""
    out, cpu = [], []
    for i in range(n):
        url = urls[i % len(urls)]
        s0 = SERVER.seconds() if SERVER else 0.0
        c, t = time.thread_time(), time.perf_counter()
        response = client.get(url)
        response.get_data()
        ms = (time.perf_counter() - t) * 1000
        cpu.append((time.thread_time() - c + (SERVER.seconds() - s0 if SERVER else 0.0)) * 1000)
        out.append(ms)
        SLOWEST[url] = max(SLOWEST.get(url, 0.0), ms)
        assert response.status_code == 200, (url, response.status_code)
    return out, cpu


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def report(name: str, timings: tuple[list[float], list[float]]) -> None:
    ms, cpu = timings
    q, c = statistics.quantiles(ms, n=100), statistics.quantiles(cpu, n=100)
    worst = max(SLOWEST, key=SLOWEST.__getitem__) if SLOWEST else ""
    print(f"{name:<34} n={len(ms):4d}  wall p50 {q[49]:6.1f} p95 {q[94]:6.1f} p99 {q[98]:6.1f} ms"
          f"  cpu p50 {c[49]:5.1f} p95 {c[94]:5.1f} p99 {c[98]:5.1f} ms  {load()}"
          + (f"  (slowest: {worst} {SLOWEST[worst]:.0f} ms)" if worst else ""))  # fmt: skip
    SLOWEST.clear()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--only", choices=["views", "autosave", "csv"], action="append", help="these parts only")
    args = ap.parse_args()
    with throwaway_postgres() if not args.database_url else _given(args.database_url) as url:
        run(url, args.requests, set(args.only or ["views", "autosave", "csv"]))


@contextmanager
def _given(url):
    yield url


def seeded(url: str) -> bool:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FROM company").fetchone()
        return bool(row and row[0] >= COMPANIES)


def run(url: str, n: int, parts: set[str]) -> None:
    global SERVER
    upgrade(url)
    config = {"ENV_NAME": "development", "SECRET_KEY": "bench", "DATABASE_URL": url, "RATELIMIT_ENABLED": False,
              "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False}  # fmt: skip
    app = create_app(config)
    if seeded(url):
        print("the database holds an earlier run's rows: used as they are")
    else:
        for i in range(CONSULTANTS):
            make_account(app, f"c{i:02d}@bench.jp")
        make_account(app, "admin@bench.jp", "admin")
        t = time.perf_counter()
        seed(url)
        print(f"seed: {time.perf_counter() - t:.0f} s")
    SERVER = ServerCpu(url)
    print(f"{os.cpu_count()} cores, {load()}")
    consultant, admin = app.test_client(), app.test_client()
    assert sign_in(consultant, "c00@bench.jp", PASSWORD).status_code == 302
    assert sign_in(admin, "admin@bench.jp", PASSWORD).status_code == 302

    if "views" in parts:
        lists = [f"/workspace/clients?sort={s}&desc={d}&page={p}" for s in ("name", "level", "assessed", "owner")
                 for d in ("0", "1") for p in (1, 5, 10)] + ["/workspace/clients?q=ベンチ0123", "/workspace/clients?q=bench77"]  # fmt: skip
        inbox = ["/workspace/leads", "/workspace/leads?level=2", "/workspace/leads?pitfall=silo",
                 "/workspace/leads?source=google&status=won", "/workspace/leads?since=2026-01-01&until=2026-06-30",
                 "/workspace/leads?page=20", "/workspace/leads?status=new&page=100"]  # fmt: skip
        timed(admin, lists[:4], 8)  # warm the pools and caches
        report("client list (consultant, 500)", timed(consultant, lists, n))
        report("client list (admin, 10,000)", timed(admin, lists, n))
        report("leads inbox (consultant)", timed(consultant, inbox, n))
        report("leads inbox (admin, 50,000)", timed(admin, inbox, n))

    if "autosave" in parts:
        start = consultant.post(f"/workspace/clients/{CONSULTANTS}/interviews")  # one of c00's clients (round robin)
        aid = int(start.location.split("/")[-2])
        ms, cpu = [], []
        for i in range(max(n * 5, 1000)):
            body = (
                {"question": "al_goal_agreement", "note": f"メモ {i}"}
                if i % 2
                else {"question": "al_goal_agreement", "value": "verbal_only"}
            )
            s0 = SERVER.seconds()
            c, t = time.thread_time(), time.perf_counter()
            response = consultant.post(f"/workspace/interviews/{aid}/autosave", json=body)
            ms.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c + SERVER.seconds() - s0) * 1000)
            assert response.status_code == 200
        report("interview autosave", (ms, cpu))

    if "csv" in parts:
        before = peak = rss_mib()
        s0 = SERVER.seconds()
        c, t = time.thread_time(), time.perf_counter()
        response = admin.get("/workspace/export/assessments.csv")
        rows = 0
        size = 0
        for chunk in response.response:
            assert isinstance(chunk, bytes)
            rows += chunk.count(b"\r\n")
            size += len(chunk)
            if rows % 20 == 0:
                peak = max(peak, rss_mib())
        response.close()
        seconds, app_cpu, db_cpu = time.perf_counter() - t, time.thread_time() - c, SERVER.seconds() - s0
        peak = max(peak, rss_mib())
        print(f"CSV export: {rows - 1} rows, {size / 2**20:.0f} MiB in {seconds:.1f} s = {(rows - 1) / seconds:,.0f} rows/s;"
              f" RSS {before:.0f} -> at most {peak:.0f} MiB (+{peak - before:.0f}); {load()}")  # fmt: skip
        print(f"  CPU: web {app_cpu:.1f} s = {(rows - 1) / app_cpu:,.0f} rows per CPU-second; PostgreSQL {db_cpu:.1f} s"
              f" = {(rows - 1) / max(db_cpu, 1e-9):,.0f}; both {(rows - 1) / (app_cpu + db_cpu):,.0f}")  # fmt: skip
    app.extensions["database"].dispose()


if __name__ == "__main__":
    main()
