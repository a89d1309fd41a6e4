"""Benchmark the jobs: prints figures, asserts nothing.

    .venv/bin/python bench/jobs.py [--renders 20] [--deliveries 200]

1. Renders per second of one worker process (the render job's code, warm, one after another,
   each writing its report row), and so the CPU cost of 1,000 finished assessments' PDFs.
2. Webhook deliveries per second of one worker against a local receiver that checks each
   signature (standardwebhooks), the whole try logged.

It runs the jobs' own code on a SQLite file in a temporary folder; with RQ in front a job
adds one Redis round trip and (forking worker) one fork, a few milliseconds.

3. With --rq N: N real forking `assessment worker` processes on a redis-server started here;
   --renders renders queued at once (as 20 fresh API report_urls are): when each is done since
   queueing (p50/p99), renders/s, and the CPU per render the workers and their forked children
   spent (from /proc: the figure a quiet machine's wall time follows from). Run it with
   PYTHONPATH=<another checkout> to measure that checkout's worker.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select

from assessment.jobs import make_dispatcher
from assessment.jobs.tasks import Settings
from assessment.services import webhooks
from assessment.store import Database
from assessment.store.background import Job, WebhookDelivery
from assessment.store.migrate import upgrade
from tests.factories import make_answers, make_assessment


def _receiver(secret: str) -> tuple[ThreadingHTTPServer, str]:
    from standardwebhooks.webhooks import Webhook

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            Webhook(secret).verify(body, dict(self.headers.items()))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--rq", type=int, default=0, metavar="N", help="measure N forking RQ workers instead")
    args = parser.parse_args()
    if args.rq:
        rq_workers(args.rq, args.renders)
        return
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        database = Database(url)
        dispatcher = make_dispatcher(database, None, settings=Settings(webhook_allow_private=True))
        with database.session() as s:
            ids = [make_assessment(s, make_answers(i % 4)).id for i in range(args.renders + 1)]
        dispatcher.wait(dispatcher.render(ids[0], 1, "ja"), 120)  # warm: fonts, templates
        times = []
        cpu0, wall0 = time.process_time(), time.perf_counter()
        for assessment_id in ids[1:]:
            started = time.perf_counter()
            dispatcher.wait(dispatcher.render(assessment_id, 1, "ja"), 120, poll=0.005)
            times.append(time.perf_counter() - started)
        cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
        times.sort()
        print(f"renders: {args.renders}, one worker: {args.renders / wall:.2f}/s")
        print(f"  per render p50 {statistics.median(times) * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms")
        print(f"  CPU per 1,000 finished assessments (one PDF each): {cpu / args.renders * 1000 / 60:.1f} CPU-minutes")

        secret = webhooks.new_secret()
        server, hook = _receiver(secret)
        with database.session() as s:
            webhooks.add_endpoint(s, hook, ["assessment.submitted"], secret=secret, allow_private=True)
            for i in range(args.deliveries):
                make_assessment(s, make_answers(i % 4))
        wall0 = time.perf_counter()
        dispatcher.kick()
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            with database.session() as s:
                pending = s.scalar(select(Job.id).where(Job.kind == "webhook", Job.status != "done").limit(1))
            if pending is None:
                break
            time.sleep(0.02)
        wall = time.perf_counter() - wall0
        with database.session() as s:
            delivered = len(s.scalars(select(WebhookDelivery.id).where(WebhookDelivery.status == "delivered")).all())
        print(f"webhook deliveries: {delivered}/{args.deliveries} delivered, one worker: {delivered / wall:.0f}/s")
        server.shutdown()
        dispatcher.close()
        database.dispose()


def _cpu_seconds(pid: int) -> float:
    """utime + stime of the process and of its waited-for children (RQ's forked work horses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def rq_workers(count: int, renders: int) -> None:
    from redis import Redis
    from rq import Worker

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        upgrade(url)
        port = _free_port()
        redis = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        redis_url = f"redis://127.0.0.1:{port}/0"
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url, "JOB_QUEUE_PREFIX": "bench:"}
        workers: list[subprocess.Popen] = []
        database = Database(url)
        try:
            time.sleep(0.5)
            connection = Redis.from_url(redis_url)
            t = time.perf_counter()
            workers = [
                subprocess.Popen([str(Path(sys.executable).parent / "assessment"), "worker"], env=env)
                for _ in range(count)
            ]
            while len(Worker.all(connection=connection)) < count:
                time.sleep(0.1)
            print(f"{count} forking workers ready in {time.perf_counter() - t:.1f} s (each preloads before forking)")
            dispatcher = make_dispatcher(database, redis_url, prefix="bench:")
            with database.session() as s:
                ids = [make_assessment(s, make_answers(i % 4)).id for i in range(renders)]
            cpu0 = sum(_cpu_seconds(w.pid) for w in workers)
            started = time.perf_counter()
            keys = [dispatcher.render(i, 1, "ja") for i in ids]
            done: dict[str, float] = {}
            while len(done) < len(keys) and time.perf_counter() - started < 600:
                with database.session() as s:
                    finished = s.scalars(select(Job.key).where(Job.kind == "render", Job.status == "done")).all()
                for key in finished:
                    done.setdefault(key, time.perf_counter() - started)
                time.sleep(0.02)
            wall = time.perf_counter() - started
            cpu = sum(_cpu_seconds(w.pid) for w in workers) - cpu0
            times = sorted(done.values())
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            print(
                f"{renders} renders queued at once on {count} forking workers: {len(done)} done, "
                f"p50 {statistics.median(times):.2f} s, p99 {p99:.2f} s, {len(done) / wall:.2f} renders/s "
                f"({len(done) / wall / count:.2f} per worker)"
            )
            print(f"  CPU per render (workers and their forked children): {cpu / max(1, len(done)):.2f} s")
            print(f"  quiet machine, {count} workers on their own cores: p99 about {cpu / count:.1f} s + the queueing")
            connection.close()
        finally:
            for w in workers:
                w.terminate()
                w.wait(30)
            redis.terminate()
            redis.wait(10)
            database.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


if __name__ == "__main__":
    main()
