"""Throw-away PostgreSQL and Redis servers: `pg_url` and `redis_url`.

Each server starts the first time a test asks for it, on a port the kernel
reports free and in a temporary directory of its own (so two runs at once never
meet), and stops at the end of the run, whether the tests passed or not. The
machine's own servers (5432, 6379) are never touched. TEST_DATABASE_URL or
TEST_REDIS_URL opts in to an existing server instead.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
import redis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_serving(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    """Until a web process on 127.0.0.1:port answers /healthz with 200 (it must not exit meanwhile)."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, "a web process did not start"
        time.sleep(0.2)


def run(cmd: list[str], cwd: Path, log: Path | None = None) -> None:
    """Run cmd; on failure raise with its output (and the server's log), which CalledProcessError hides."""
    done = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if done.returncode:
        server_log = log.read_text() if log and log.exists() else ""
        raise RuntimeError(f"{shlex.join(cmd)} failed ({done.returncode}):\n{done.stdout}{server_log}")


def pg_program(name: str) -> str:
    """Debian keeps the server's programs off PATH, in /usr/lib/postgresql/<major>/bin: take the newest."""
    debian = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: float(p.split("/")[4]))
    found = debian[-1] if debian else shutil.which(name)
    if not found:
        raise RuntimeError(f"{name} not found: `bash scripts/setup --dev` installs PostgreSQL's server")
    return found


class Cluster:
    """A PostgreSQL cluster of its own: initdb in a temporary directory, a free port, stopped on exit."""

    def __init__(self):
        # initdb and postgres refuse to run as root (CI runs as root): run them as
        # Debian's `postgres` user, in a directory that user owns.
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        self.tmp = Path(tempfile.mkdtemp(prefix="cmo-test-pg-"))
        self.data, self.log, self.port = self.tmp / "data", self.tmp / "server.log", free_port()
        self.ctl = [*self.as_postgres, pg_program("pg_ctl"), "-D", str(self.data)]
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def __enter__(self) -> Cluster:
        try:
            self._init()
            run([*self.ctl, "-l", str(self.log), "-w", "start"], self.tmp, self.log)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _init(self) -> None:
        if self.as_postgres:
            shutil.chown(self.tmp, "postgres", "postgres")
        run(
            [
                *self.as_postgres,
                pg_program("initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
            self.tmp,
        )
        with open(self.data / "postgresql.conf", "a") as conf:  # later lines win over initdb's
            conf.write(
                f"port = {self.port}\nlisten_addresses = '127.0.0.1'\n"
                # the default, /var/run/postgresql, is the machine server's and may not be writable
                f"unix_socket_directories = '{self.tmp}'\n"
                # a cluster thrown away after the run need not survive a crash
                "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            )

    def restart(self) -> None:
        """Stop (fast: open connections are cut) and start again, as a server restart does."""
        run([*self.ctl, "-m", "fast", "-l", str(self.log), "-w", "restart"], self.tmp, self.log)

    def __exit__(self, *_exc) -> None:
        if (self.data / "postmaster.pid").exists():
            run([*self.ctl, "-m", "fast", "-w", "stop"], self.tmp, self.log)
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_url():
    """postgresql+psycopg URL of the `postgres` database in a cluster made for this run."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        yield url
        return
    with Cluster() as cluster:
        yield cluster.url


@pytest.fixture(scope="session")
def redis_url():
    """redis:// URL of a redis-server started for this run; it keeps nothing on disk."""
    if url := os.environ.get("TEST_REDIS_URL"):
        yield url
        return
    program = shutil.which("redis-server")
    if not program:
        raise RuntimeError("redis-server not found: `bash scripts/setup --dev` installs it")
    tmp = Path(tempfile.mkdtemp(prefix="cmo-test-redis-"))
    port, log = free_port(), tmp / "server.log"
    url = f"redis://127.0.0.1:{port}/0"
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                program,
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(tmp),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with redis.Redis.from_url(url) as client:
                    client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start:\n{log.read_text()}") from None
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        shutil.rmtree(tmp, ignore_errors=True)
