"""Benchmark the website under gunicorn on loopback.

    .venv/bin/python bench/web.py [--duration 10] [--clients 32] [--pdfs 20] [--database-url URL]

Starts gunicorn (-w 2 -k gthread --threads 4) on 127.0.0.1 with a fresh SQLite
file (or DATABASE_URL), then measures from client processes on the same machine:
  1. question page (GET /q/1 with a draft cookie): req/s and p50/p99 at --clients
  2. submission (POST /api/v1/assessments: validate, evaluate ja+en, save): req/s, p50/p99
  3. --pdfs concurrent PDF downloads: (a) leads' links, pre-rendered after the lead
     form as in the real funnel; (b) fresh API report_urls, rendered on demand.
Targets (issue #4): page >= 800 req/s; submission p99 <= 150 ms at 32 clients;
PDFs all succeed with p99 <= 3 s. The client shares the 2 cores with the server, so the
figures also give the server's CPU per request and the req/s that CPU would allow on its own.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessment.samples import uniform_answers  # noqa: E402

VENV_BIN = Path(sys.executable).parent


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
        return re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1).decode()

    def start(self):
        _, _, html = self.request("GET", "/?utm_source=bench")
        status, _, _ = self.form("/start", {"csrf_token": self.csrf(html)})
        assert status == 303, status


def _pages():
    from assessment.web.flow import pages

    return pages()


def walk_to_lead(port: int) -> str:
    """The whole funnel through forms; return the PDF link of the report page."""
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
    status, headers, _ = c.form(results + "/lead", {
        "csrf_token": c.csrf(html), "name": "Bench", "company": "Bench KK", "email": "b@example.com",
        "role": "executive", "company_size": "s1_29", "consent": "y"})
    assert status == 303, status
    _, _, html = c.request("GET", urlsplit(headers["Location"]).path)
    return re.search(rb'href="(/pdf/[^"]+)"', html).group(1).decode()


def _load(args):
    kind, port, threads, duration, barrier_at = args
    lat: list[float] = []
    errors = [0]
    lock = threading.Lock()
    body = json.dumps({"answers": uniform_answers(1), "locale": "ja"})

    def run():
        c = Client(port)
        if kind == "page":
            c.start()
        mine = []
        while time.time() < barrier_at:
            time.sleep(0.001)
        end = barrier_at + duration
        while time.time() < end:
            t = time.perf_counter()
            if kind == "page":
                status, _, _ = c.request("GET", "/q/1")
                ok = status == 200
            else:
                status, _, _ = c.request("POST", "/api/v1/assessments", body, {"Content-Type": "application/json"})
                ok = status == 201
            mine.append(time.perf_counter() - t)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            lat.extend(mine)

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return lat, errors[0]


def load(kind: str, port: int, clients: int, duration: float, procs: int = 2):
    barrier = time.time() + 3  # every client connected and (for pages) started before the clock runs
    per = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    with mp.get_context("spawn").Pool(procs) as pool:
        results = pool.map(_load, [(kind, port, n, duration, barrier) for n in per])
    lat = sorted(x for r in results for x in r[0])
    errors = sum(r[1] for r in results)
    return summary(lat, duration, errors)


def summary(lat: list[float], duration: float | None, errors: int) -> dict:
    lat = sorted(lat)
    q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000  # noqa: E731
    out = {"n": len(lat), "errors": errors, "p50_ms": round(q(0.5), 1), "p99_ms": round(q(0.99), 1),
           "max_ms": round(lat[-1] * 1000, 1)}
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
        status, headers, data = c.request("GET", path)
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
    try:
        pids += [int(p) for p in Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()]
    except OSError:
        pass
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def measured(kind, port, args, server):
    before = server_cpu(server.pid)
    result = load(kind, port, args.clients, args.duration, args.client_procs)
    used = server_cpu(server.pid) - before
    if result["n"]:
        result["server_cpu_ms_per_req"] = round(used / result["n"] * 1000, 2)
        result["server_capacity_req_s"] = round(os.cpu_count() / (used / result["n"]))
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--pdfs", type=int, default=20)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--database-url", default=None)
    ap.add_argument("--no-pdfs", action="store_true", help="measure the page and the submission only")
    ap.add_argument("--client-procs", type=int, default=2, help="client processes (threads share the clients)")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    env = {**os.environ, "SECRET_KEY": "bench-" + os.urandom(8).hex(), "DATABASE_URL": url,
           "RATELIMIT_ENABLED": "0", "COOKIE_SECURE": "0", "ASSESSMENT_ENV": "production"}
    subprocess.run([str(VENV_BIN / "assessment"), "db", "upgrade"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
         "-b", f"127.0.0.1:{port}", "--log-level", "warning", "assessment.web:create_app()"],
        env=env, cwd=tmp)
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        print(f"gunicorn -w {args.workers} -k gthread --threads {args.threads} on 127.0.0.1:{port}, "
              f"{os.cpu_count()} CPUs, database {url.split(':')[0]}")

        page = measured("page", port, args, server)
        print(f"question page GET /q/1, {args.clients} clients: {page}")
        sub = measured("submit", port, args, server)
        print(f"submission POST /api/v1/assessments, {args.clients} clients: {sub}")
        if args.no_pdfs:
            return

        # Warm each worker's WeasyPrint (fonts, stylesheet) as a running site would be.
        warm = [json.loads(Client(port).request("POST", "/api/v1/assessments",
                                                  json.dumps({"answers": uniform_answers(2)}),
                                                  {"Content-Type": "application/json"})[2])["report_url"]
                for _ in range(args.workers * 2)]
        concurrent_get(port, [urlsplit(u).path for u in warm])

        links = [walk_to_lead(port) for _ in range(args.pdfs)]
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        deadline = time.time() + 120
        with engine.connect() as conn:
            while time.time() < deadline:
                done = conn.execute(text("SELECT count(*) FROM report_file")).scalar()
                if done >= args.pdfs + len(warm):
                    break
                time.sleep(0.2)
                conn.rollback()
        engine.dispose()
        pre = concurrent_get(port, links)
        print(f"{args.pdfs} concurrent PDF downloads after the lead form (pre-rendered): {pre}")

        fresh = [json.loads(Client(port).request("POST", "/api/v1/assessments",
                                                   json.dumps({"answers": uniform_answers(1)}),
                                                   {"Content-Type": "application/json"})[2])["report_url"]
                 for _ in range(args.pdfs)]
        cold = concurrent_get(port, [urlsplit(u).path for u in fresh])
        print(f"{args.pdfs} concurrent PDF downloads of fresh API links (rendered on demand): {cold}")

        ok = (page["req_s"] >= 800 and page["p99_ms"] <= 150 and sub["p99_ms"] <= 150 and not page["errors"]
              and not sub["errors"] and not pre["errors"] and pre["p99_ms"] <= 3000)
        print("targets met" if ok else "targets NOT met")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()
