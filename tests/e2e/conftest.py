"""A real server on 127.0.0.1 (werkzeug in a thread) and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from assessment.store.migrate import upgrade
from assessment.web import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _serve(db_path: Path, **settings):
    db_url = f"sqlite:///{db_path}"
    upgrade(db_url)
    app = create_app(
        {
            "ENV_NAME": "development",
            "SECRET_KEY": "e2e",
            "DATABASE_URL": db_url,
            "RATELIMIT_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "WTF_CSRF_ENABLED": True,  # the real thing: the browser must carry the token
            **settings,
        }
    )
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}", app
    srv.shutdown()
    thread.join(5)
    app.extensions["jobs"].close()  # the look-ahead renders on the app's thread
    app.extensions["database"].engine.dispose()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    yield from _serve(tmp_path_factory.mktemp("e2e") / "e2e.db")


@pytest.fixture(scope="session")
def embed_server(tmp_path_factory):
    """Set up for an embed on another site: framed by http://localhost pages, partitioned cookies.

    Chromium treats http://127.0.0.1 as a secure context, so Secure cookies work without TLS here.
    """
    yield from _serve(
        tmp_path_factory.mktemp("e2e-embed") / "embed.db",
        FRAME_ANCESTORS="http://localhost:*",
        SESSION_COOKIE_SECURE=True,
        SESSION_COOKIE_SAMESITE="None",
        SESSION_COOKIE_PARTITIONED=True,
    )


@pytest.fixture(scope="session")
def lax_embed_server(tmp_path_factory):
    """Framed by http://localhost pages, but with the default cookies, which such a frame never gets."""
    yield from _serve(tmp_path_factory.mktemp("e2e-lax") / "lax.db", FRAME_ANCESTORS="http://localhost:*")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/setup --dev")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def shots(tmp_path):
    """Where screenshots go: $E2E_SCREENSHOTS to keep and look at them, else the test's tmp dir."""
    out = Path(os.environ.get("E2E_SCREENSHOTS") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    return out
