"""Benchmark the website under gunicorn on loopback.

    .venv/bin/python bench/web.py [--duration 10] [--clients 32] [--pdfs 20] [--database-url URL]

Starts gunicorn with the production settings (assessment/web/gunicorn_conf.py; --workers,
--threads, --worker-class override them) on 127.0.0.1 with a fresh SQLite file (or
DATABASE_URL), then measures from the same machine:
  1. question page (GET /q/1, each of --clients respondents with their own session and draft):
     req/s and p50/p99 at --clients connections, driven by wrk
  2. submission (POST /api/v1/assessments: validate, evaluate, save): req/s, p50/p99, by wrk
  3. --pdfs concurrent PDF downloads: (a) leads' links, pre-rendered after the lead form as in
     the real funnel; (b) fresh API report_urls, rendered on demand.
  With --queue-workers N (issue #12): a redis-server of its own (or --redis-url), REDIS_URL for
  gunicorn and N `assessment worker` processes; the web renders nothing, the API and the lead
  form queue renders, the results page queues look-ahead ones; adds (c) the funnel's PDFs
  downloaded as soon as the report page shows (share already rendered), after 0 and --lead-seconds on the form.
Targets (issue #4): page >= 800 req/s; submission p99 <= 150 ms at 32 clients;
PDFs all succeed with p99 <= 3 s. The load generator (wrk, a C program: `bash scripts/setup --dev`
installs it) shares the 2 cores with the server, so each phase also prints the server's CPU per
request (gunicorn's; a PostgreSQL server on this machine's as db_cpu), the req/s that CPU alone
would allow, and the client's CPU per request.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import importlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessment.samples import uniform_answers

VENV_BIN = Path(sys.executable).parent
GUNICORN_CONF = "assessment.web.gunicorn_conf"


class Client:
    """One keep-alive connection with a cookie jar: a browser, minus the browser."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()  # the server closed a kept-alive connection: reconnect once
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for line in resp.headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return resp.status, resp.headers, data

    def form(self, path, fields):
        body = urlencode(fields, doseq=True)
        return self.request("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})

    def csrf(self, html: bytes) -> str:
        found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html)
        assert found, "the page has no CSRF token"
        return found.group(1).decode()

    def start(self):
        _, _, html = self.request("GET", "/?utm_source=bench")
        status, _, _ = self.form("/start", {"csrf_token": self.csrf(html)})
        assert status == 303, status


def _pages():
    from assessment.services.assessments import pages

    return pages()


def walk_to_lead(port: int, typing: float = 0) -> str:
    """The whole funnel through forms; return the PDF link of the report page.

    `typing`: seconds between the results page and the lead form, as a person fills it in.
    """
    c = Client(port)
    c.start()
    answers = uniform_answers(1)
    for page in _pages():
        _, _, html = c.request("GET", f"/q/{page.number}")
        fields = {"csrf_token": c.csrf(html), "page_marker": page.section, "nav": "next"}
        fields.update({q.id: answers[q.id] for q in page.questions})
        status, headers, _ = c.form(f"/q/{page.number}", fields)
        assert status == 303, (page.number, status)
    results = urlsplit(headers["Location"]).path
    _, _, html = c.request("GET", results)
    time.sleep(typing)
    status, headers, _ = c.form(
        results + "/lead",
        {
            "csrf_token": c.csrf(html),
            "name": "Bench",
            "company": "Bench KK",
            "email": "b@example.com",
            "role": "executive",
            "company_size": "s1_29",
            "acknowledge": "y",  # the required acknowledgement of how the data is used (issue 11)
            "consent": "y",
        },
    )
    assert status == 303, status
    _, _, html = c.request("GET", urlsplit(headers["Location"]).path)
    found = re.search(rb'href="(/pdf/[^"]+)"', html)
    assert found, "the report page has no PDF link"
    return found.group(1).decode()


# wrk's Lua side: the request, a count of unexpected statuses per thread, and one JSON line at the end.
WRK_SCRIPT = """
local threads = {}
local cookies = {%(cookies)s}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0; n = 0 end
wrk.method = "%(method)s"
wrk.body = %(body)s
%(headers)s
if #cookies > 0 then  -- one respondent after another; without request(), wrk sends one prepared request
  function request()
    n = n + 1
    return wrk.format(nil, nil, {Cookie = cookies[n %% #cookies + 1]})
  end
end
function response(status, headers, body)
  if status ~= %(expect)d then bad = bad + 1 end
end
function done(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format('WRK {"n": %%d, "us": %%d, "bad": %%d, "errors": %%d, "p50": %%d, "p99": %%d, "max": %%d}\\n',
    summary.requests, summary.duration, b, e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(99), latency.max))
end
"""


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string is a valid Lua string literal for this ASCII text


def wrk(
    port: int,
    path: str,
    clients: int,
    duration: float,
    *,
    method="GET",
    body=None,
    headers=None,
    cookies=(),
    expect=200,
    workdir: Path,
) -> dict:
    """Run wrk against one path; return its figures and wrk's own CPU seconds."""
    if not shutil.which("wrk"):
        sys.exit("bench/web.py needs wrk (a C load generator): run `bash scripts/setup --dev`")
    script = workdir / "bench.lua"
    script.write_text(
        WRK_SCRIPT
        % {
            "cookies": ", ".join(_lua(c) for c in cookies),
            "method": method,
            "body": _lua(body) if body is not None else "nil",
            "expect": expect,
            "headers": "\n".join(f"wrk.headers[{_lua(k)}] = {_lua(v)}" for k, v in (headers or {}).items()),
        }
    )
    cmd = [
        "wrk",
        "-t",
        str(min(2, clients)),
        "-c",
        str(clients),
        "-d",
        f"{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None  # stdout=PIPE
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    line = next((ln for ln in out.splitlines() if ln.startswith("WRK ")), None)
    if proc.returncode or line is None:
        sys.exit(f"wrk failed ({proc.returncode}):\n{out}")
    r = json.loads(line[4:])
    return {
        "n": r["n"],
        "errors": r["errors"] + r["bad"],
        "p50_ms": round(r["p50"] / 1000, 1),
        "p99_ms": round(r["p99"] / 1000, 1),
        "max_ms": round(r["max"] / 1000, 1),
        "req_s": round(r["n"] / (r["us"] / 1e6), 1),
        "client_cpu_s": usage.ru_utime + usage.ru_stime,
    }


def respondents(port: int, n: int) -> list[str]:
    """n respondents who started the assessment: each one's Cookie header (session and draft)."""
    out = []
    for _ in range(n):
        c = Client(port)
        c.start()
        out.append("; ".join(f"{k}={v}" for k, v in c.cookies.items()))
    return out


def summary(lat: list[float], duration: float | None, errors: int) -> dict:
    lat = sorted(lat)
    if not lat:  # e.g. --pdfs 0
        return {"n": 0, "errors": errors}
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000  # noqa: E731
    out = {
        "n": len(lat),
        "errors": errors,
        "p50_ms": round(q(0.5), 1),
        "p99_ms": round(q(0.99), 1),
        "max_ms": round(lat[-1] * 1000, 1),
    }
    if duration:
        out["req_s"] = round(len(lat) / duration, 1)
    return out


def concurrent_get(port: int, paths: list[str]) -> dict:
    lat, errors, lock = [], [0], threading.Lock()
    start = threading.Barrier(len(paths))

    def get(path):
        c = Client(port)
        start.wait()
        t = time.perf_counter()
        try:
            status, _headers, data = c.request("GET", path)
        except OSError:  # the client's 60 s timeout: counted, and its time kept
            status, data = 0, b""
        took = time.perf_counter() - t
        with lock:
            lat.append(took)
            if status != 200 or not data.startswith(b"%PDF"):
                errors[0] += 1

    ts = [threading.Thread(target=get, args=(p,)) for p in paths]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return summary(lat, None, errors[0])


def server_cpu(master_pid: int) -> float:
    """CPU seconds used so far by gunicorn's master and workers (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    pids = [master_pid]
    with contextlib.suppress(OSError):
        pids += [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def database_cpu(url: str) -> float | None:
    """CPU seconds used so far by a PostgreSQL server on this machine, or None (SQLite, or remote).

    Its backends share the cores with gunicorn, so a request's cost includes theirs. Every process
    named postgres counts: the live ones' own CPU plus what their exited children used.
    """
    if not url.startswith("postgresql") or urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        return None
    total, found = 0, False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" not in text:
            continue
        found = True
        fields = text.rsplit(")", 1)[1].split()
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / os.sysconf("SC_CLK_TCK") if found else None


def wait_idle(server, timeout: float = 15) -> None:
    """Wait until the workers finish their start-up work (the PDF font check imports WeasyPrint
    in a background thread): it is not a request's cost."""
    deadline = time.time() + timeout
    last = server_cpu(server.pid)
    while time.time() < deadline:
        time.sleep(0.25)
        now = server_cpu(server.pid)
        if now - last < 0.02:
            return
        last = now


def measured(kind, port, args, server, workdir):
    if kind == "page":
        cookies = respondents(port, args.clients)  # before the clock: their start is not the page's cost

        def run(warm_up=False):
            return wrk(
                port,
                "/q/1",
                args.clients,
                1 if warm_up else args.duration,
                workdir=workdir,
                cookies=cookies,
            )
    else:
        body = json.dumps({"answers": uniform_answers(1), "locale": "ja"})

        def run(warm_up=False):
            return wrk(
                port,
                "/api/v1/assessments",
                args.clients,
                1 if warm_up else args.duration,
                method="POST",
                body=body,
                headers={"Content-Type": "application/json"},
                expect=201,
                workdir=workdir,
            )

    run(warm_up=True)  # each worker's first requests load the question bank and rules, fill caches
    wait_idle(server)
    before, db_before = server_cpu(server.pid), database_cpu(args.url)
    result = run()
    used = server_cpu(server.pid) - before
    db_after = None if db_before is None else database_cpu(args.url)
    db_used = None if db_before is None or db_after is None else db_after - db_before
    client = result.pop("client_cpu_s")
    if result["n"]:
        result["server_cpu_ms_per_req"] = round(used / result["n"] * 1000, 2)
        if db_used is not None:
            result["db_cpu_ms_per_req"] = round(db_used / result["n"] * 1000, 2)
        result["server_capacity_req_s"] = round(os.cpu_count() / ((used + (db_used or 0)) / result["n"]))
        result["client_cpu_ms_per_req"] = round(client / result["n"] * 1000, 3)
    return result


def downloads_after_lead(port: int, n: int, typing: float) -> list[tuple[float, bool]]:
    """n respondents at once walk to the lead form, spend `typing` s on it, and download at once.

    The results page queues a look-ahead render of each one's PDF (their renders compete on the
    workers); 0 s is a robot's worst case, a person takes longer to type a name, a company and an
    e-mail address.
    """
    out, lock = [], threading.Lock()

    def one():
        link = walk_to_lead(port, typing)
        t = time.perf_counter()
        status, _headers, data = Client(port).request("GET", link)
        with lock:
            out.append((time.perf_counter() - t, status == 200 and data.startswith(b"%PDF")))

    threads = [threading.Thread(target=one) for _ in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return out


def fresh_downloads(port: int, args, queue_workers: list) -> dict:
    """--pdfs API submissions, then their report_urls downloaded at once: each PDF rendered on demand."""
    workers_cpu = sum(_cpu_seconds(w.pid) for w in queue_workers)
    fresh = [
        json.loads(
            Client(port).request(
                "POST",
                "/api/v1/assessments",
                json.dumps({"answers": uniform_answers(i % 4)}),
                {"Content-Type": "application/json"},
            )[2]
        )["report_url"]
        for i in range(args.pdfs)
    ]
    cold = concurrent_get(port, [urlsplit(u).path for u in fresh])
    print(f"{args.pdfs} concurrent PDF downloads of fresh API links (rendered on demand): {cold}")
    if queue_workers:
        spent = sum(_cpu_seconds(w.pid) for w in queue_workers) - workers_cpu
        print(
            f"  the workers' CPU from the first fresh submission to the last download: {spent:.1f} s, "
            f"{spent / args.pdfs:.2f} s per render; load average {os.getloadavg()[0]:.1f}"
        )
    return cold


def _cpu_seconds(pid: int) -> float:
    """utime + stime of a process and of its waited-for children (an RQ worker's forked work horses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--workers", type=int, help="override the production setting")
    ap.add_argument("--threads", type=int, help="override the production setting")
    ap.add_argument("--worker-class", help="override the production setting")
    ap.add_argument("--gunicorn-arg", action="append", default=[], help="pass on to gunicorn (repeatable)")
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--no-pdfs", action="store_true", help="measure the page and the submission only")
    ap.add_argument("--pdfs-only", action="store_true", help="measure the PDF downloads only (no wrk phases)")
    ap.add_argument("--fresh-only", action="store_true", help="with --pdfs-only: only the fresh API links")
    ap.add_argument("--worker-nice", type=int, default=10, help="the workers' nice (0: compete with the others)")
    ap.add_argument("--queue-workers", type=int, default=0, help="run jobs on RQ with this many workers")
    ap.add_argument("--lead-seconds", type=float, default=10, help="a person's time on the lead form")
    ap.add_argument("--redis-url", default=None, help="with --queue-workers: this Redis, not one started here")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers and workers on the way out

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = args.url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {
        **os.environ,
        "SECRET_KEY": os.urandom(32).hex(),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        "SECURITY_PASSWORD_SALT": os.urandom(32).hex(),
        "TOTP_SECRETS": "1:" + os.urandom(32).hex(),
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "0",
        "COOKIE_SECURE": "0",
        "ASSESSMENT_ENV": "production",
    }
    subprocess.run([str(VENV_BIN / "assessment"), "db", "upgrade"], env=env, check=True, capture_output=True)
    side: list[subprocess.Popen] = []  # redis-server and the workers
    if args.queue_workers:
        env.update(queue_env(args, tmp, side))
    port = free_port()
    # The production settings (assessment/web/gunicorn_conf.py), unless overridden here.
    conf = importlib.import_module(GUNICORN_CONF)
    workers = args.workers or conf.workers
    overrides = [
        *(["-w", str(args.workers)] if args.workers else []),
        *(["--threads", str(args.threads)] if args.threads else []),
        *(["-k", args.worker_class] if args.worker_class else []),
        *args.gunicorn_arg,
    ]
    server = subprocess.Popen(
        [
            str(VENV_BIN / "gunicorn"),
            "-c",
            f"python:{GUNICORN_CONF}",
            *overrides,
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "assessment.web:create_app()",
        ],
        env=env,
        cwd=tmp,
    )
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        print(
            f"gunicorn -c python:{' '.join([GUNICORN_CONF, *overrides])} (workers {workers}, "
            f"{args.worker_class or conf.worker_class}, threads {args.threads or conf.threads}, "
            f"reuse_port {conf.reuse_port}) on 127.0.0.1:{port}, "
            f"{os.cpu_count()} CPUs, database {url.split(':')[0]}",
            flush=True,
        )

        queue_workers = []
        for _ in range(args.queue_workers):
            # niced: on a machine shared with the web processes, requests win the CPU over renders
            worker = ["nice", "-n", str(args.worker_nice), str(VENV_BIN / "assessment"), "worker"]
            queue_workers.append(subprocess.Popen(worker, env=env, cwd=tmp))
        side.extend(queue_workers)
        if queue_workers:
            listening = wait_workers(env, len(queue_workers))
            print(
                f"{len(queue_workers)} workers ready (each renders once before it forks jobs): {listening}", flush=True
            )
        page = sub = None
        if not args.pdfs_only:
            page = measured("page", port, args, server, tmp)
            print(f"question page GET /q/1, {args.clients} clients: {page}")
            sub = measured("submit", port, args, server, tmp)
            print(f"submission POST /api/v1/assessments, {args.clients} clients: {sub}")
        if args.no_pdfs:
            return
        if args.queue_workers:  # each submission queued a render: let the workers catch up first
            t = time.perf_counter()
            drained = wait_drained(env)
            print(f"queue drained of the submissions' renders in {time.perf_counter() - t:.0f} s: {drained}")

        if args.fresh_only:
            fresh_downloads(port, args, queue_workers)
            return
        # Warm each worker's WeasyPrint (fonts, stylesheet) as a running site would be.
        warm = [
            json.loads(
                Client(port).request(
                    "POST",
                    "/api/v1/assessments",
                    json.dumps({"answers": uniform_answers(2)}),
                    {"Content-Type": "application/json"},
                )[2]
            )["report_url"]
            for _ in range(workers * 2)
        ]
        concurrent_get(port, [urlsplit(u).path for u in warm])

        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        count = text("SELECT count(*) FROM report_file")
        with engine.connect() as conn:
            # A --database-url database may hold earlier runs' PDFs: wait for this run's own.
            before = conn.execute(count).scalar()
            conn.rollback()
            links = [walk_to_lead(port) for _ in range(args.pdfs)]
            deadline = time.time() + 120
            while time.time() < deadline:
                if conn.execute(count).scalar() >= before + args.pdfs:
                    break
                time.sleep(0.2)
                conn.rollback()
        engine.dispose()
        pre = concurrent_get(port, links)
        print(f"{args.pdfs} concurrent PDF downloads after the lead form (pre-rendered): {pre}")
        if args.queue_workers:
            for typing in (0, args.lead_seconds):
                at_once = downloads_after_lead(port, args.pdfs, typing)
                ready = sum(1 for took, ok in at_once if ok and took < 0.05)
                print(
                    f"funnel PDFs downloaded as soon as the report page shows, {args.pdfs} respondents at once, "
                    f"{typing:g} s on the lead form: {ready}/{len(at_once)} already rendered (<50 ms); "
                    f"{summary([t for t, _ in at_once], None, sum(1 for _, ok in at_once if not ok))}"
                )

        cold = fresh_downloads(port, args, queue_workers)

        if page is None or sub is None:
            print(f"fresh API links p99 <= 3 s: {'met' if cold.get('p99_ms', 0) <= 3000 else 'NOT met'}")
            return
        missed = [
            name
            for name, met in [
                ("question page >= 800 req/s", page["req_s"] >= 800),
                ("submission p99 <= 150 ms", sub["p99_ms"] <= 150),
                ("pre-rendered PDFs p99 <= 3 s", pre.get("p99_ms", 0) <= 3000),
                ("no errors", not (page["errors"] or sub["errors"] or pre["errors"] or cold["errors"])),
            ]
            if not met
        ]
        print("targets met" if not missed else f"targets NOT met: {'; '.join(missed)}")
    finally:
        server.terminate()
        server.wait(10)
        for p in reversed(side):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def wait_workers(env: dict, count: int, timeout: float = 300) -> bool:
    """Wait until `count` workers are listening on Redis (a worker preloads a render first)."""
    from redis import Redis
    from rq import Worker

    connection = Redis.from_url(env["REDIS_URL"])
    deadline = time.time() + timeout
    try:
        while len(Worker.all(connection=connection)) < count:
            if time.time() > deadline:
                return False
            time.sleep(0.2)
        return True
    finally:
        connection.close()


def wait_drained(env: dict, timeout: float = 900) -> bool:
    """Wait until no job is queued or running on the bench's queues."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(env["REDIS_URL"])
    queues = [Queue(env["JOB_QUEUE_PREFIX"] + p, connection=connection) for p in ("requested", "speculative")]
    deadline = time.time() + timeout
    try:
        while time.time() < deadline:
            if not any(q.count or q.started_job_registry.count for q in queues):
                return True
            time.sleep(0.5)
        return False
    finally:
        connection.close()


def queue_env(args, tmp: Path, side: list) -> dict:
    """REDIS_URL (a redis-server started here unless --redis-url) and a download wait long enough to
    measure the time to the PDF rather than the reloading page."""
    url = args.redis_url
    if not url:
        port = free_port()
        side.append(
            subprocess.Popen(
                ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                cwd=tmp,
                stdout=subprocess.DEVNULL,
            )
        )
        url = f"redis://127.0.0.1:{port}/0"
        time.sleep(0.5)
    print(f"jobs on RQ at {url}, {args.queue_workers} workers", flush=True)
    return {"REDIS_URL": url, "JOB_QUEUE_PREFIX": f"bench{os.getpid()}:", "PDF_WAIT_SECONDS": "60"}


if __name__ == "__main__":
    main()
