"""CSRF, headers, cookies, limits, production guard, oversized and abusive input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from assessment.services.assessments import pages
from assessment.store import Assessment
from assessment.web import create_app
from assessment.web.config import ConfigError, from_env
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import csrf_token, make_app, make_config, page_form_data


@pytest.fixture
def csrf_app(tmp_path):
    app = make_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    yield app
    app.extensions["database"].engine.dispose()


def test_post_without_csrf_token_is_400_and_keeps_saved_answers(csrf_app):
    client = csrf_app.test_client()
    token = csrf_token(client.get("/").data.decode())
    assert client.post("/start").status_code == 400  # no token: no assessment
    assert client.post("/start", data={"csrf_token": token}).status_code == 303
    page = pages()[0]
    html = client.get("/q/1").data.decode()
    ok = dict(page_form_data(page, make_answers(1)), csrf_token=csrf_token(html))
    assert client.post("/q/1", data=ok).status_code == 303
    resp = client.post("/q/2", data=page_form_data(pages()[1], make_answers(2)))
    assert resp.status_code == 400
    assert "フォームの有効期限が切れました" in resp.data.decode()
    with csrf_app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        assert a.values[page.questions[0].id] == make_answers(1)[page.questions[0].id]


def test_security_headers_forbid_inline_script_and_set_frame_ancestors(tmp_path):
    app = make_app(make_config(tmp_path, FRAME_ANCESTORS="https://www.example.co.jp"))
    resp = app.test_client().get("/")
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors https://www.example.co.jp" in csp
    assert "X-Frame-Options" not in resp.headers
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    app.extensions["database"].engine.dispose()


def test_no_inline_scripts_or_handlers_on_any_page(client):
    import re

    client.get("/")
    client.post("/start")
    for path in ("/", "/q/1", "/q/6"):
        html = client.get(path).data.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)
        assert not re.search(r"\son[a-z]+=", html)


def test_hsts_only_over_tls(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    assert "max-age" in client.get("/", base_url="https://example.jp").headers["Strict-Transport-Security"]


def test_cookies_are_httponly_samesite_and_secure_when_configured(tmp_path):
    app = make_app(make_config(tmp_path, SESSION_COOKIE_SECURE=True))
    client = app.test_client()
    first = client.get("/?utm_source=x", base_url="https://example.jp").headers.getlist("Set-Cookie")
    resp = client.post("/start", base_url="https://example.jp")
    draft = next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("cmo_draft="))
    assert "HttpOnly" in draft and "Secure" in draft and "SameSite=Lax" in draft
    session_cookie = next(c for c in first if c.startswith("cmo_session="))
    assert "HttpOnly" in session_cookie and "Secure" in session_cookie and "SameSite=Lax" in session_cookie
    app.extensions["database"].engine.dispose()


def test_production_refuses_the_default_secret_key():
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"ENV_NAME": "production", "SECRET_KEY": from_env({})["SECRET_KEY"]})


def test_environment_defaults_to_production_and_reads_settings():
    cfg = from_env(
        {
            "SECRET_KEY": "s",
            "DATABASE_URL": "postgresql+psycopg://u@h/db",
            "FRAME_ANCESTORS": "https://a.example",
            "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
            "REPORT_LINK_DAYS": "7",
        }
    )
    assert cfg["ENV_NAME"] == "production" and cfg["SESSION_COOKIE_SECURE"] is True
    assert cfg["DATABASE_URL"].startswith("postgresql") and cfg["REPORT_LINK_DAYS"] == 7
    assert cfg["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_submissions_are_rate_limited_per_client(tmp_path):
    app = make_app(
        make_config(
            tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://"
        )
    )
    client = app.test_client()
    codes = [client.post("/api/v1/assessments", json={"answers": make_answers(1)}).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    resp = client.post("/start")
    assert resp.status_code == 303  # its own counter
    client.post("/start")
    resp = client.post("/start")
    assert resp.status_code == 429 and "送信が多すぎます" in resp.data.decode()
    app.extensions["database"].engine.dispose()


def test_five_megabyte_form_post_is_413_and_keeps_the_draft(app, client):
    client.get("/")
    client.post("/start")
    client.post("/q/1", data=page_form_data(pages()[0], make_answers(1)))
    resp = client.post("/q/2", data={"page_marker": "goal_linkage", "junk": "x" * (5 * 1024 * 1024)})
    assert resp.status_code == 413
    with app.app_context():
        assert db.session.scalars(select(Assessment)).one().values


def test_healthz_checks_the_database(client):
    assert client.get("/healthz").get_json() == {
        "status": "ok",
        "database": "ok",
        "queue": "in-process",
        "rate_limits": "per process",
    }


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path):
    app = create_app(make_config(tmp_path, DATABASE_URL="sqlite:////nonexistent/dir/x.db"))
    resp = app.test_client().get("/healthz")
    assert resp.status_code == 503 and resp.get_json()["status"] == "error"
    app.extensions["database"].engine.dispose()


def test_final_submission_is_rate_limited_but_not_the_pages_before(tmp_path):
    app = make_app(make_config(tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="1 per minute"))
    client = app.test_client()
    client.post("/start")
    answers = make_answers(1)
    for page in pages()[:-1]:  # five page posts: not counted as submissions
        assert client.post(f"/q/{page.number}", data=page_form_data(page, answers)).status_code == 303
    last = pages()[-1]
    resp = client.post(f"/q/{last.number}", data=page_form_data(last, answers))
    assert resp.status_code == 303 and "/results/" in resp.location
    resp = client.post(f"/q/{last.number}", data=page_form_data(last, answers))
    assert resp.status_code == 429
    app.extensions["database"].engine.dispose()


def test_rate_limits_can_live_in_redis(tmp_path, redis_url):
    import uuid

    import redis

    app = make_app(
        make_config(
            tmp_path,
            RATELIMIT_ENABLED=True,
            SUBMIT_RATE_LIMIT="1 per minute",
            RATELIMIT_STORAGE_URI=redis_url,
            RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}",
        )
    )
    client = app.test_client()
    assert client.post("/api/v1/assessments", json={"answers": make_answers(1)}).status_code == 201
    assert client.post("/api/v1/assessments", json={"answers": make_answers(1)}).status_code == 429
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    conn = redis.Redis.from_url(redis_url)
    keys = conn.keys(f"*{prefix}*")
    assert keys
    conn.delete(*keys)
    conn.close()
    app.extensions["database"].engine.dispose()


def test_cached_session_and_csrf_work_keep_every_check(csrf_app):
    """The per-process caches of verified session cookies and signed CSRF tokens change no outcome."""
    from datetime import timedelta

    client = csrf_app.test_client()
    first = csrf_token(client.get("/").data.decode())
    assert csrf_token(client.get("/").data.decode()) == first  # the same session reuses its signed token
    other = csrf_app.test_client()
    assert csrf_token(other.get("/").data.decode()) != first  # never another session's
    assert client.post("/start", data={"csrf_token": first}).status_code == 303
    # A tampered cookie is refused even after its genuine value was verified and cached.
    cookie = client.get_cookie(csrf_app.config["SESSION_COOKIE_NAME"]).value
    client.set_cookie(csrf_app.config["SESSION_COOKIE_NAME"], cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB"))
    assert client.post("/start", data={"csrf_token": first}).status_code == 400
    # An expired session cookie is refused although it was cached while it was fresh.
    client.set_cookie(csrf_app.config["SESSION_COOKIE_NAME"], cookie)
    csrf_app.permanent_session_lifetime = timedelta(seconds=-1)
    assert client.post("/start", data={"csrf_token": first}).status_code == 400


def test_question_page_carries_each_respondents_own_csrf_token_and_resume_link(csrf_app):
    seen = []
    for _ in range(2):
        client = csrf_app.test_client()
        client.post("/start", data={"csrf_token": csrf_token(client.get("/").data.decode())})
        draft = client.get_cookie("cmo_draft").value
        html = client.get("/q/1").data.decode()
        token = csrf_token(html)
        link = re.search(r'value="http://localhost/resume/([A-Za-z0-9_-]+)\?lang=ja"', html)
        assert link and link.group(1) != draft  # a resume link of its own, not the draft cookie
        draft = link.group(1)
        form = dict(page_form_data(pages()[0], make_answers(1)), csrf_token=token)
        assert client.post("/q/1", data=form).status_code == 303  # the token on the page is this session's
        seen.append((token, draft))
    (token1, draft1), (token2, draft2) = seen
    assert token1 != token2 and draft1 != draft2
