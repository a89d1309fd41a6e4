"""The admin's webhook pages: receivers added, edited, disabled, re-keyed and removed; the delivery log,
replay and a test message reaching a real receiver that verifies the signature; admins only."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from assessment.services import webhooks
from assessment.store.background import WebhookDelivery, WebhookEndpoint
from assessment.web.database import db
from tests.web.conftest import csrf_token
from tests.web.workspace import signed_in

pytestmark = pytest.mark.app_config(WEBHOOK_ALLOW_PRIVATE=True)
SECRET = re.compile(r'value="(whsec_[A-Za-z0-9+/=]+)"')


def _add(admin, url, events=("lead.created",), **extra):
    return admin.post("/workspace/webhooks", data={"url": url, "events": list(events), **extra})


def _only_endpoint(app) -> WebhookEndpoint:
    with app.app_context():
        return db.session.scalars(select(WebhookEndpoint)).one()


def test_an_admin_adds_a_receiver_sees_its_secret_once_and_a_test_message_arrives_signed(app, receiver):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    listing = admin.get("/workspace/webhooks").get_data(as_text=True)
    assert "Webhooks" in listing or "Webhook" in listing
    added = _add(admin, receiver.url, ["lead.created", "round.closed"], description="営業CRM")
    assert added.status_code == 201 and added.headers["Cache-Control"] == "no-store"
    (secret,) = SECRET.findall(added.get_data(as_text=True))
    endpoint = _only_endpoint(app)
    assert secret == endpoint.secret and endpoint.events == ["lead.created", "round.closed"]
    page = admin.get(f"/workspace/webhooks/{endpoint.id}").get_data(as_text=True)
    assert secret not in page and "営業CRM" in page  # shown once: never again

    receiver.secret = secret
    sent = admin.post(f"/workspace/webhooks/{endpoint.id}/test")
    assert sent.status_code == 303
    (got,) = receiver.wait_for(1)
    assert got.error is None, got.error  # verified with the secret the page showed
    assert got.verified["type"] == "webhook.test" and got.verified["data"]["endpoint_id"] == endpoint.id
    with app.app_context():
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
    app.extensions["jobs"].wait(webhooks.next_job_key(delivery), 30)
    log = admin.get(f"/workspace/webhooks/{endpoint.id}").get_data(as_text=True)
    assert "webhook.test" in log and "<td>200</td>" in log and "ミリ秒" in log and "送信済み" in log


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://127.0.0.1/hook", "予約済みのアドレスを指しています"),
        ("https://10.0.0.8/hook", "予約済みのアドレスを指しています"),
        ("https://[::1]/x", "予約済みのアドレスを指しています"),
        ("https://169.254.169.254/latest/meta-data/", "予約済みのアドレスを指しています"),
        ("http://crm.example.com/hook", "https:// とホスト名で始まっていません"),
        ("https://user:pw@crm.example.com/hook", "ユーザー名またはパスワード"),
        ("https://crm.example.com:99999/hook", "ポート番号"),
    ],
)
def test_the_egress_guards_refusal_is_a_form_error(app, url, reason):
    app.config["WEBHOOK_ALLOW_PRIVATE"] = False
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    refused = _add(admin, url)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert 'id="url-error"' in html and 'aria-invalid="true"' in html  # on the field, announced
    assert "このURLには送信できません" in html and reason in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_missing_events_a_long_url_or_a_bad_secret_are_form_errors(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    nothing = _add(admin, "", events=())
    assert nothing.status_code == 422 and "イベントを1つ以上選んでください" in nothing.get_data(as_text=True)
    assert _add(admin, "https://crm.example.com/" + "x" * 2000).status_code == 422
    odd = _add(admin, "http://127.0.0.1:9/h", secret="whsec_not base64!")
    assert odd.status_code == 422 and "whsec_" in odd.get_data(as_text=True)
    unpadded = _add(admin, "http://127.0.0.1:9/h", secret="whsec_YWJj")
    assert unpadded.status_code == 422 and 'id="secret-error"' in unpadded.get_data(as_text=True)
    unknown = admin.post("/workspace/webhooks", data={"url": "http://127.0.0.1:9/h", "events": ["lead.deleted"]})
    assert unknown.status_code == 422
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0


def test_edit_disable_rotate_replay_and_remove(app, receiver):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    _add(admin, receiver.url, ["lead.created"], secret=receiver.secret)
    endpoint = _only_endpoint(app)
    base = f"/workspace/webhooks/{endpoint.id}"

    edited = admin.post(base, data={"url": receiver.url, "events": ["assessment.submitted"], "description": "新"})
    assert edited.status_code == 303
    assert _only_endpoint(app).events == ["assessment.submitted"]
    bad = admin.post(base, data={"url": "ftp://crm.example.com/", "events": ["lead.created"]})
    assert bad.status_code == 422 and _only_endpoint(app).url == receiver.url

    admin.post(f"{base}/test")
    receiver.wait_for(1)
    with app.app_context():
        (delivery,) = db.session.scalars(select(WebhookDelivery)).all()
    app.extensions["jobs"].wait(webhooks.next_job_key(delivery), 30)
    assert admin.post(f"{base}/deliveries/{delivery.id}/replay").status_code == 303
    assert len(receiver.wait_for(2)) == 2
    assert receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]

    assert admin.post(f"{base}/enabled", data={"enabled": "0"}).status_code == 303
    assert not _only_endpoint(app).enabled
    assert admin.post(f"{base}/test").status_code == 303  # refused with a message, nothing queued
    assert "有効にしてください" in admin.get(base).get_data(as_text=True)
    assert admin.post(f"{base}/enabled", data={"enabled": "1"}).status_code == 303
    assert _only_endpoint(app).enabled

    old = _only_endpoint(app).secret
    rotated = admin.post(f"{base}/secret", data={"secret": ""})
    (new,) = SECRET.findall(rotated.get_data(as_text=True))
    assert rotated.status_code == 200 and new != old and new == _only_endpoint(app).secret
    assert admin.post(f"{base}/secret", data={"secret": "no-prefix"}).status_code == 422
    padding = admin.post(f"{base}/secret", data={"secret": "whsec_YWJj"})  # base64, but 3 bytes: guessable
    assert padding.status_code == 422 and "base64" in padding.get_data(as_text=True)
    assert _only_endpoint(app).secret == new
    receiver.secret = new
    admin.post(f"{base}/test")
    assert receiver.wait_for(3)[2].error is None  # signed with the new secret

    assert admin.post(f"{base}/delete").status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 0
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == 0
    assert admin.get(base).status_code == 404


def test_the_delivery_log_is_paginated(app):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    with app.app_context():
        e = webhooks.add_endpoint(db.session, "http://127.0.0.1:9/hook", ["lead.created"], allow_private=True)
        for _ in range(60):
            webhooks.send_test(db.session, e.id)
        ids = db.session.scalars(select(WebhookDelivery.id).order_by(WebhookDelivery.id.desc())).all()
        endpoint_id = e.id
    first = admin.get(f"/workspace/webhooks/{endpoint_id}").get_data(as_text=True)
    assert first.count("/replay") == 50 and f"/deliveries/{ids[0]}/replay" in first and "page=2" in first
    second = admin.get(f"/workspace/webhooks/{endpoint_id}?page=2").get_data(as_text=True)
    assert second.count("/replay") == 10 and f"/deliveries/{ids[-1]}/replay" in second and "page=3" not in second
    assert admin.get(f"/workspace/webhooks/{endpoint_id}?page=abc").status_code == 200


ADMIN_ROUTES = [
    ("GET", "/workspace/webhooks"),
    ("POST", "/workspace/webhooks"),
    ("GET", "/workspace/webhooks/{id}"),
    ("POST", "/workspace/webhooks/{id}"),
    ("POST", "/workspace/webhooks/{id}/enabled"),
    ("POST", "/workspace/webhooks/{id}/secret"),
    ("POST", "/workspace/webhooks/{id}/test"),
    ("POST", "/workspace/webhooks/{id}/delete"),
    ("POST", "/workspace/webhooks/{id}/deliveries/{delivery}/replay"),
]


@pytest.fixture
def endpoint_ids(app):
    with app.app_context():
        e = webhooks.add_endpoint(db.session, "http://127.0.0.1:9/hook", ["lead.created"], allow_private=True)
        d = webhooks.send_test(db.session, e.id)
        return {"id": e.id, "delivery": d.id}


@pytest.mark.parametrize(("method", "route"), ADMIN_ROUTES)
def test_consultants_get_403_and_strangers_the_sign_in(app, endpoint_ids, method, route):
    consultant, _ = signed_in(app, "c@example.jp")
    url = route.format(**endpoint_ids)
    data = {"url": "http://127.0.0.1:9/x", "events": ["round.closed"], "enabled": "0"}
    assert consultant.open(url, method=method, data=data).status_code == 403
    stranger = app.test_client().open(url, method=method, data=data)
    assert stranger.status_code in (302, 401) and "/account/login" in stranger.headers.get("Location", "/account/login")
    with app.app_context():
        e = db.session.get_one(WebhookEndpoint, endpoint_ids["id"])
        assert e.enabled and e.events == ["lead.created"] and len(e.deliveries) == 1


@pytest.mark.parametrize(
    "url",
    [
        "/workspace/webhooks/999999",
        "/workspace/webhooks/99999999999999999999999",
        "/workspace/webhooks/abc",
        "/workspace/webhooks/-1",
        "/workspace/webhooks/{id}/deliveries/999999/replay",
        "/workspace/webhooks/{id}/deliveries/99999999999999999999999/replay",
        "/workspace/webhooks/99999999999999999999999/test",
    ],
)
def test_hostile_ids_are_404(app, endpoint_ids, url):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    url = url.format(**endpoint_ids)
    response = admin.post(url) if "replay" in url or "test" in url else admin.get(url)
    assert response.status_code == 404


def test_a_delivery_of_another_endpoint_is_not_replayed_through_this_one(app, endpoint_ids):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    with app.app_context():
        other = webhooks.add_endpoint(db.session, "http://127.0.0.1:9/other", ["lead.created"], allow_private=True)
        other_id = other.id
    replay = admin.post(f"/workspace/webhooks/{other_id}/deliveries/{endpoint_ids['delivery']}/replay")
    assert replay.status_code == 404


@pytest.mark.app_config(WTF_CSRF_ENABLED=True, WEBHOOK_ALLOW_PRIVATE=True)
def test_every_form_needs_its_csrf_token(app, endpoint_ids):
    admin, _ = signed_in_with_csrf(app)
    for method, route in ADMIN_ROUTES:
        if method == "POST":
            url = route.format(**endpoint_ids)
            assert admin.post(url, data={"url": "http://127.0.0.1:9/x", "events": ["lead.created"]}).status_code in (
                400,
                422,
            ), url
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(WebhookEndpoint)) == 1
    page = admin.get(f"/workspace/webhooks/{endpoint_ids['id']}").get_data(as_text=True)
    token = csrf_token(page)
    ok = admin.post(f"/workspace/webhooks/{endpoint_ids['id']}/enabled", data={"enabled": "0", "csrf_token": token})
    assert ok.status_code == 303


def signed_in_with_csrf(app):
    from tests.web.workspace import PASSWORD, make_account

    account_id = make_account(app, "admin@example.jp", "admin")
    client = app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    response = client.post(
        "/account/login", data={"email": "admin@example.jp", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    return client, account_id


def test_the_pages_read_in_english_too(app, endpoint_ids):
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    admin.get("/lang/en")
    page = admin.get(f"/workspace/webhooks/{endpoint_ids['id']}").get_data(as_text=True)
    assert "Deliveries" in page and "Send a test message" in page and "waiting" in page
    refused = admin.post("/workspace/webhooks", data={"url": "ftp://x.example.com/", "events": ["lead.created"]})
    assert "This site does not send to that URL" in refused.get_data(as_text=True)


def test_closing_a_round_on_its_page_sends_round_closed_to_the_crm(app, receiver):
    """Through the real route: the request that closes the round queues the delivery it recorded."""
    from tests.web.test_rounds import answer, close, invite, new_client, open_round, split_answers

    with app.app_context():
        webhooks.add_endpoint(db.session, receiver.url, ["round.closed"], secret=receiver.secret, allow_private=True)
    consultant, _ = signed_in(app, "rounds@example.jp")
    token = open_round(consultant, new_client(consultant, "株式会社フック"), "2026-Q4")
    boss, marketer = split_answers()
    answer(app.test_client(), invite(consultant, token, "management"), boss)
    answer(app.test_client(), invite(consultant, token, "marketing"), marketer)
    assert receiver.received == []  # the endpoint takes round.closed only
    assert close(consultant, token).status_code == 303
    (got,) = receiver.wait_for(1)
    assert got.error is None, got.error
    data = got.verified["data"]
    assert got.verified["type"] == "round.closed" and data["round"]["token"] == token
    assert data["round"]["company"]["name"] == "株式会社フック" and data["round"]["period"] == "2026-Q4"
    assert data["gap"]["alignment_disagrees"] is True
