"""Embed mode: per request (never stuck to the session), language switch kept, cookies a frame keeps."""

from __future__ import annotations

import pytest

from assessment.web import create_app
from assessment.web.config import ConfigError
from tests.web.conftest import csrf_token, make_app, make_config

FRAMED = {"Sec-Fetch-Dest": "iframe"}


def test_embed_mode_is_per_request_not_stuck_to_the_session(client):
    assert '<body class="embed' in client.get("/?embed=1").data.decode()
    direct = client.get("/").data.decode()
    assert "site-header" in direct and "site-footer" in direct and '<body class="embed' not in direct


def test_every_framed_page_is_in_embed_mode_with_a_language_switch_and_a_way_out(client):
    client.post("/start", headers=FRAMED)
    html = client.get("/q/1", headers=FRAMED).data.decode()
    assert '<body class="embed' in html and "site-header" not in html
    assert 'hreflang="en"' in html and 'target="_blank"' in html


def test_cross_site_embed_cookies_are_partitioned_secure_and_samesite_none(tmp_path):
    app = make_app(
        make_config(
            tmp_path, SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_PARTITIONED=True
        )
    )
    client = app.test_client()
    cookies = client.get("/", base_url="https://example.jp").headers.getlist("Set-Cookie")
    cookies += client.post("/start", base_url="https://example.jp").headers.getlist("Set-Cookie")
    cookies += client.get("/lang/en", base_url="https://example.jp").headers.getlist("Set-Cookie")
    for name in ("cmo_session", "cmo_draft", "cmo_lang"):
        cookie = next(c for c in cookies if c.startswith(name + "="))
        assert "Partitioned" in cookie and "Secure" in cookie and "SameSite=None" in cookie, cookie
    app.extensions["database"].engine.dispose()


@pytest.mark.parametrize("setting", [{"SESSION_COOKIE_SAMESITE": "None"}, {"SESSION_COOKIE_PARTITIONED": True}])
def test_cross_site_cookies_without_secure_are_refused(setting):
    with pytest.raises(ConfigError, match="COOKIE_SECURE"):
        create_app({"ENV_NAME": "development", "SECRET_KEY": "t", "SESSION_COOKIE_SECURE": False, **setting})


def test_a_framed_post_without_cookies_offers_a_new_tab_and_promises_nothing(tmp_path):
    app = make_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    token = csrf_token(client.get("/", headers=FRAMED).data.decode())
    client.delete_cookie("cmo_session")  # what a browser that keeps no third-party cookie sends
    resp = client.post("/start", data={"csrf_token": token}, headers=FRAMED)
    html = resp.data.decode()
    assert resp.status_code == 400 and "新しいタブで開く" in html and "保存済みの回答" not in html
    app.extensions["database"].engine.dispose()


def test_an_expired_form_without_a_draft_does_not_claim_answers_were_kept(tmp_path):
    app = make_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    client.get("/")
    html = client.post("/start", data={"csrf_token": "forged"}).data.decode()
    assert "保存済みの回答は残っています" not in html and "回答に戻る" not in html
    app.extensions["database"].engine.dispose()


def test_an_expired_form_with_a_draft_says_the_answers_are_kept(tmp_path):
    app = make_app(make_config(tmp_path, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    client.post("/start", data={"csrf_token": csrf_token(client.get("/").data.decode())})
    html = client.post("/q/1", data={"csrf_token": "forged"}).data.decode()
    assert "保存済みの回答は残っています" in html and "回答に戻る" in html
    app.extensions["database"].engine.dispose()
