"""round.closed: emitted by close_round in its own transaction, delivered signed through the real queue."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment.services import rounds, verdicts, webhooks
from assessment.store.background import Job, WebhookDelivery
from tests.factories import make_answers, make_company
from tests.jobs.conftest import burst, json_of
from tests.services.test_rounds import answer_invitation


def _endpoint(session, receiver, events):
    return webhooks.add_endpoint(session, receiver.url, events, secret=receiver.secret, allow_private=True)


def test_a_closed_round_reaches_the_crm_with_its_diagnosis_and_gap(session, receiver, rq_dispatcher):
    _endpoint(session, receiver, ["round.closed"])
    company = make_company(session, name="株式会社ラウンド")
    r = rounds.open_round(session, company, period="2026-Q4")
    boss = answer_invitation(session, rounds.invite(session, r, "management"), make_answers(3))
    answer_invitation(session, rounds.invite(session, r, "marketing"), make_answers(0))
    assert session.scalars(select(WebhookDelivery)).all() == []  # the endpoint takes round.closed only

    kept = rounds.close_round(session, r)
    (delivery,) = session.scalars(select(WebhookDelivery)).all()
    assert delivery.event == "round.closed"
    assert rq_dispatcher.kick() == 1  # the route's after-request kick, as for the other events
    burst()

    (got,) = receiver.wait_for(1)
    assert got.error is None, got.error  # the reference verifier accepts the signature
    assert got.headers["webhook-id"] == delivery.message_id
    body = json_of(got)
    assert body == got.verified and body["type"] == "round.closed"
    data = body["data"]
    assert data["round"]["token"] == r.token and data["round"]["period"] == "2026-Q4"
    assert data["round"]["company"] == {"id": company.id, "name": "株式会社ラウンド"}
    assert data["round"]["rule"] == "reference" and data["round"]["reference_assessment_id"] == boss.id
    assert r.closed_at is not None and data["round"]["closed_at"] == r.closed_at.isoformat()
    assert sorted(x["role"] for x in data["round"]["respondents"]) == ["management", "marketing"]
    assert data["diagnosis"]["scores"] == dict(kept.scores) and data["diagnosis"]["overall"] == kept.overall
    assert data["diagnosis"]["level"]["number"] == kept.level
    assert data["diagnosis"]["locale"] == "ja" and data["diagnosis"]["level"]["name"]
    # management answered at the top, marketing at the bottom: they disagree everywhere
    gap = data["gap"]
    assert gap["alignment_disagrees"] is True
    alignment = next(a for a in gap["areas"] if a["area"] == "alignment")
    assert alignment["management"] > alignment["marketing"] and alignment["gap"] > 0
    assert gap["largest"] and all(g["gap"] == 3 and g["management"] == 3 for g in gap["largest"])
    session.refresh(delivery)
    assert delivery.status == "delivered"


def test_a_round_without_both_sides_has_no_gap_and_the_median_rule_is_named(session, receiver):
    _endpoint(session, receiver, ["round.closed", "lead.created"])
    r = rounds.open_round(session, make_company(session))
    first = answer_invitation(session, rounds.invite(session, r, "sales"), make_answers(1))
    answer_invitation(session, rounds.invite(session, r, "sales"), make_answers(2))
    kept = rounds.close_round(session, r, rule="median")
    (delivery,) = session.scalars(select(WebhookDelivery)).all()
    webhooks.deliver(session, delivery.id, allow_private=True)
    session.commit()
    data = json_of(receiver.received[0])["data"]
    assert receiver.received[0].error is None
    assert data["gap"] is None and data["round"]["rule"] == "median"
    assert data["round"]["reference_assessment_id"] is None
    lower = verdicts.verdict(first)
    assert lower is not None and data["diagnosis"]["overall"] == kept.overall == lower.overall  # the lower median


def test_a_close_that_fails_announces_nothing_and_no_endpoint_means_no_payload(session, receiver, monkeypatch):
    r = rounds.open_round(session, make_company(session))
    _endpoint(session, receiver, ["round.closed"])
    with pytest.raises(rounds.RoundError):
        rounds.close_round(session, r)  # nobody answered
    assert session.scalars(select(WebhookDelivery)).all() == []
    answer_invitation(session, rounds.invite(session, r, "management"), make_answers(2))
    for e in webhooks.endpoints(session):
        webhooks.set_enabled(session, e.id, False)

    def no_payload(*_args):
        raise AssertionError("the payload is made only when an endpoint takes the event")

    monkeypatch.setattr(webhooks, "round_data", no_payload)
    rounds.close_round(session, r)
    assert r.status == "closed"
    assert session.scalars(select(WebhookDelivery)).all() == []
    assert session.scalars(select(Job).where(Job.kind == "webhook")).all() == []
    assert not webhooks.recorded(session)
