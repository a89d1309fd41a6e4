"""Webhooks: signed per Standard Webhooks and verified by a real receiver; retried, logged, guarded."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from assessment.cli import main
from assessment.services import leads, webhooks
from assessment.store.background import Job, WebhookDelivery
from assessment.store.models import aware, utcnow
from tests.factories import make_answers, make_assessment

FAST = (1, 1, 1)  # seconds between tries, instead of webhooks.SCHEDULE's day


def _endpoint(session, receiver, events=("lead.created", "assessment.submitted")):
    return webhooks.add_endpoint(session, receiver.url, events, secret=receiver.secret, allow_private=True)


def _deliver(session, delivery_id, **kw):
    outcome = webhooks.deliver(session, delivery_id, allow_private=True, schedule=FAST, **kw)
    session.commit()
    return outcome


def _lead(session, a):
    return leads.capture_lead(
        session,
        a,
        name="山田 太郎",
        company="株式会社サンプル",
        email="taro@sample.co.jp",
        role="cmo",
        company_size="s100_299",
        consent=True,
        consent_text="ご連絡に同意します",
        locale="ja",
    )


def test_a_lead_reaches_the_crm_signed_with_its_consent_and_diagnosis(session, receiver):
    _endpoint(session, receiver)
    a = make_assessment(session, make_answers(1))
    lead = _lead(session, a)
    deliveries = session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [d.event for d in deliveries] == ["assessment.submitted", "lead.created"]
    # each delivery is an outbox row with its job, committed with the event
    jobs = session.scalars(select(Job).where(Job.kind == "webhook")).all()
    assert sorted(j.args["delivery_id"] for j in jobs) == [d.id for d in deliveries]

    outcome = _deliver(session, deliveries[1].id)
    assert outcome is not None and outcome.status == "delivered" and outcome.response_code == 200
    (got,) = receiver.received
    assert got.error is None, got.error  # the reference verifier accepts the signature
    assert got.headers["webhook-id"] == deliveries[1].message_id and got.headers["webhook-signature"].startswith("v1,")
    body = got.verified
    assert body["type"] == "lead.created"
    assert body["data"]["lead"]["consent"] == {
        "given": True,
        "text": "ご連絡に同意します",
        "at": lead.consent_at.isoformat(),
    }
    assert body["data"]["lead"]["email"] == "taro@sample.co.jp"
    summary = body["data"]["diagnosis"]
    assert set(summary["scores"]) == {"alignment", "goal_linkage", "short_termism", "kpi_design", "review_cadence"}
    assert summary["overall"] == a.overall and summary["level"]["number"] == a.level
    assert {p["id"] for p in summary["pitfalls"]} <= {
        "silo",
        "vanity_metrics",
        "short_termism",
        "scattered_activity",
        "no_review_cycle",
    }


def test_a_tampered_body_or_an_old_timestamp_fails_the_receivers_check(session, receiver):
    """The receiver's check is real: the same headers on another body, or replayed late, are refused."""
    from standardwebhooks.webhooks import Webhook, WebhookVerificationError

    _endpoint(session, receiver)
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    _deliver(session, d.id)
    got = receiver.received[0]
    assert got.error is None
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secret).verify(got.body.replace(b'"overall":', b'"overall": '), got.headers)
    old = {**got.headers, "webhook-timestamp": str(int(time.time()) - 3600)}
    with pytest.raises(WebhookVerificationError):
        Webhook(receiver.secret).verify(got.body, old)


def test_a_500_is_logged_and_tried_again_with_the_same_id_until_delivered(session, receiver):
    receiver.answers = [500, 503]
    endpoint = _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    first = _deliver(session, d.id)
    assert first is not None and first.status == "failed" and first.response_code == 500
    assert first.next_try_at is not None and abs((aware(first.next_try_at) - utcnow()).total_seconds() - 1) < 2
    # the next try is a job of its own, due at next_try_at
    later = session.scalars(select(Job).where(Job.key == f"webhook:{d.id}:2")).one()
    assert later.run_after is not None and later.status == "queued"
    assert _deliver(session, d.id).status == "failed"
    assert _deliver(session, d.id).status == "delivered"
    ids = {r.headers["webhook-id"] for r in receiver.received}
    assert ids == {d.message_id} and len(receiver.received) == 3
    (logged,) = webhooks.log(session, endpoint.id)
    assert [t.response_code for t in logged.tries] == [500, 503, 200]
    assert all(t.duration_ms >= 0 for t in logged.tries) and logged.next_try_at is None


def test_a_slow_receiver_times_out_and_a_closed_connection_fails_both_logged(session, receiver):
    def slow(handler):
        time.sleep(1.5)

    def hang_up(handler):
        handler.close_connection = True
        handler.connection.close()

    receiver.answers = [slow, hang_up]
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    started = time.monotonic()
    assert _deliver(session, d.id, timeout=0.5).status == "failed"
    assert time.monotonic() - started < 1.4  # the try gave up at its timeout
    assert _deliver(session, d.id, timeout=5).status == "failed"
    errors = [t.error for t in d.tries]
    assert "Timeout" in errors[0] and errors[1] and "Error" in errors[1]
    assert all(t.response_code is None for t in d.tries)


def test_a_redirect_is_not_followed(session, receiver):
    def to_metadata(handler):
        handler.send_response(302)
        handler.send_header("Location", "http://169.254.169.254/latest/meta-data/")
        handler.send_header("content-length", "0")
        handler.end_headers()

    receiver.answers = [to_metadata]
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    outcome = _deliver(session, d.id)
    assert outcome.status == "failed" and outcome.response_code == 302 and len(receiver.received) == 1


def test_a_410_disables_the_endpoint_and_nothing_more_is_sent(session, receiver):
    receiver.answers = [410]
    endpoint = _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    assert _deliver(session, d.id).status == "gone"
    session.refresh(endpoint)
    assert not endpoint.enabled and "410" in (endpoint.disabled_reason or "")
    make_assessment(session, make_answers(1))  # a later event is not queued to it
    assert session.scalars(select(WebhookDelivery)).all() == [d]
    with pytest.raises(webhooks.WebhookError, match="disabled"):
        webhooks.replay(session, d.id)


def test_tries_stop_after_the_schedule_and_replay_sends_again(session, receiver):
    receiver.answers = [500, 500, 500, 500]
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    statuses = [_deliver(session, d.id).status for _ in range(4)]
    assert statuses == ["failed", "failed", "failed", "gave_up"]
    assert _deliver(session, d.id) is None  # given up: nothing is sent
    webhooks.replay(session, d.id)
    assert _deliver(session, d.id).status == "delivered"
    assert {r.headers["webhook-id"] for r in receiver.received} == {d.message_id} and len(receiver.received) == 5


def test_the_reference_schedule_spans_about_a_day():
    assert timedelta(hours=24) <= timedelta(seconds=sum(webhooks.SCHEDULE)) <= timedelta(hours=30)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/hook",
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hook",
        "https://[fd00::1]/hook",
        "https://0.0.0.0/hook",
        "ftp://crm.example.com/hook",
        "https://user:pw@crm.example.com/hook",
        "not a url",
    ],
)
def test_private_loopback_and_odd_urls_are_refused(session, url):
    with pytest.raises(webhooks.WebhookError):
        webhooks.add_endpoint(session, url, ["lead.created"])
    assert webhooks.endpoints(session) == []


def test_an_endpoint_that_later_resolves_private_is_refused_at_delivery(session, receiver, monkeypatch):
    """The guard runs at every try too: a DNS answer changed since the endpoint was added is caught."""
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    outcome = webhooks.deliver(session, d.id, allow_private=False, schedule=FAST)
    session.commit()
    assert outcome is not None and outcome.status == "failed" and receiver.received == []
    assert "refused" in (d.tries[0].error or "")


def test_unknown_events_and_bad_secrets_are_refused(session, receiver):
    with pytest.raises(webhooks.WebhookError, match="events"):
        webhooks.add_endpoint(session, receiver.url, ["lead.deleted"], allow_private=True)
    with pytest.raises(webhooks.WebhookError, match="secret"):
        webhooks.add_endpoint(session, receiver.url, ["lead.created"], secret="not-a-secret!", allow_private=True)
    with pytest.raises(webhooks.WebhookError, match="24 to 64 bytes"):
        webhooks.add_endpoint(session, receiver.url, ["lead.created"], secret="whsec_YWJj", allow_private=True)


def test_cli_adds_lists_logs_and_replays(db_url, receiver, monkeypatch, session):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("REDIS_URL", raising=False)
    runner = CliRunner()
    refused = runner.invoke(main, ["webhooks", "add", receiver.url, "--event", "lead.created"])
    assert refused.exit_code == 1 and "https" in refused.output  # loopback and http need the setting
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    added = runner.invoke(main, ["webhooks", "add", receiver.url, "--event", "assessment.submitted"])
    assert added.exit_code == 0, added.output
    secret = added.output.split("secret: ")[1].strip()
    assert secret.startswith("whsec_")
    receiver.secret = secret
    listed = runner.invoke(main, ["webhooks", "list"])
    assert "enabled" in listed.output and receiver.url in listed.output
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    _deliver(session, d.id)
    replayed = runner.invoke(main, ["webhooks", "replay", str(d.id)])  # no Redis: sent by the command itself
    assert replayed.exit_code == 0, replayed.output
    assert len(receiver.wait_for(2)) == 2 and all(r.error is None for r in receiver.received)
    log = runner.invoke(main, ["webhooks", "log", str(d.endpoint_id)])
    assert log.exit_code == 0 and "delivered" in log.output and "\t200\t" in log.output
    missing = runner.invoke(main, ["webhooks", "log", "999"])
    assert missing.exit_code == 1 and "no webhook endpoint 999" in missing.output


def test_a_failed_delivery_is_tried_again_by_the_worker_when_due(session, receiver, rq_dispatcher):
    """Through the real queue: the first try gets a 500, the next try waits on RQ's schedule, then lands."""
    from tests.jobs.conftest import burst

    receiver.answers = [500]
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    assert rq_dispatcher.kick() == 1
    burst()
    d = session.scalars(select(WebhookDelivery)).one()
    session.refresh(d)
    assert (d.status, d.attempts, d.response_code) == ("failed", 1, 500)
    later = session.scalars(select(Job).where(Job.key == webhooks.next_job_key(d))).one()
    assert later.queue_id is not None and later.run_after is not None  # on RQ's schedule, not yet due
    time.sleep(max(0.0, (aware(later.run_after) - utcnow()).total_seconds()) + 0.5)
    burst()
    session.refresh(d)
    assert (d.status, d.attempts, d.response_code) == ("delivered", 2, 200)
    assert [r.headers["webhook-id"] for r in receiver.received] == [d.message_id] * 2
    assert all(r.error is None for r in receiver.received)


def test_a_receiver_answering_an_endless_body_costs_nothing(session, receiver):
    """Only the status is read: a 200 followed by a gigabyte neither waits for nor holds the body."""

    def endless(handler):
        handler.send_response(200)
        handler.send_header("content-length", str(1 << 30))
        handler.end_headers()
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(1 << 10):
                handler.wfile.write(chunk)
        except OSError:  # the sender hung up after the status line: what it should do
            pass

    receiver.answers = [endless]
    _endpoint(session, receiver, ["assessment.submitted"])
    make_assessment(session, make_answers(2))
    d = session.scalars(select(WebhookDelivery)).one()
    started = time.monotonic()
    outcome = _deliver(session, d.id)
    assert outcome.status == "delivered" and time.monotonic() - started < 5


def test_an_api_submission_is_delivered_by_the_web_process_itself_without_a_queue(tmp_path, receiver):
    """No REDIS_URL: the submission's delivery job runs on the web process's own thread, at once
    (the API kicks the jobs the submission recorded; nothing waits for a worker's sweep)."""
    from tests.web.conftest import make_app, make_config

    app = make_app(make_config(tmp_path, WEBHOOK_ALLOW_PRIVATE=True))
    try:
        with app.extensions["database"].session() as s:
            _endpoint(s, receiver, ["assessment.submitted"])
        resp = app.test_client().post("/api/v1/assessments", json={"answers": make_answers(2)})
        assert resp.status_code == 201
        receiver.wait_for(1, seconds=20)
        (got,) = receiver.received
        assert got.verified is not None and got.verified["type"] == "assessment.submitted"
        assert got.verified["data"]["diagnosis"]["level"] == resp.get_json()["level"]
    finally:
        app.extensions["jobs"].close()
        app.extensions["database"].dispose()
