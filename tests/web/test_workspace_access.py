"""IDOR: a consultant cannot read, change or export another consultant's unshared client by guessing ids."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment.services import accounts, interviews
from assessment.store import Assessment, Company
from assessment.store.workspace import Account
from assessment.web.database import db
from tests.factories import make_answers, make_assessment
from tests.web.workspace import download, signed_in


@pytest.fixture
def two_consultants(app):
    """Alice owns a client with a submitted interview and a lead; Bob owns nothing of it."""
    alice, alice_id = signed_in(app, "alice@example.jp")
    bob, bob_id = signed_in(app, "bob@example.jp")
    with app.app_context():
        s = db.session
        company = Company(name="株式会社アリス", name_key="アリス", owner_id=alice_id)
        s.add(company)
        s.commit()
        a = interviews.start(s, s.get_one(Account, alice_id), company, "ja")
        for qid, value in make_answers(1).items():
            interviews.save(s, a, qid, value=value, commit=False)
        s.commit()
        from assessment.services import assessments

        assessments.submit(s, a)
        own = make_assessment(s, make_answers(2), company=company)
        from assessment.services.leads import capture_lead

        lead = capture_lead(
            s, own, name="山田", company="株式会社アリス", email="y@alice.co.jp", role="cmo",
            company_size="s1_9", consent=True, consent_text="同意", locale="ja",
        )  # fmt: skip
        lead.assignee_id = alice_id
        s.commit()
        ids = {"company": company.id, "assessment": a.id, "lead": lead.id, "alice": alice_id, "bob": bob_id}
    return alice, bob, ids


ROUTES = [
    ("GET", "/workspace/clients/{company}"),
    ("GET", "/workspace/clients/{company}/edit"),
    ("POST", "/workspace/clients/{company}/edit"),
    ("POST", "/workspace/clients/{company}/notes"),
    ("POST", "/workspace/clients/{company}/share"),
    ("POST", "/workspace/clients/{company}/unshare/{bob}"),
    ("POST", "/workspace/clients/{company}/owner"),
    ("POST", "/workspace/clients/{company}/merge"),
    ("POST", "/workspace/clients/{company}/interviews"),
    ("GET", "/workspace/interviews/{assessment}"),
    ("GET", "/workspace/interviews/{assessment}/1"),
    ("POST", "/workspace/interviews/{assessment}/1"),
    ("POST", "/workspace/interviews/{assessment}/autosave"),
    ("POST", "/workspace/interviews/{assessment}/reopen"),
    ("POST", "/workspace/interviews/{assessment}/comments"),
    ("GET", "/workspace/interviews/{assessment}/report.pdf"),
    ("GET", "/workspace/leads/{lead}"),
    ("POST", "/workspace/leads/{lead}/status"),
    ("POST", "/workspace/leads/{lead}/assign"),
    ("POST", "/workspace/leads/{lead}/convert"),
    ("GET", "/workspace/leads/{lead}/report.pdf"),
]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_another_consultants_client_is_404_on_every_route(app, two_consultants, method, route):
    _, bob, ids = two_consultants
    url = route.format(**ids)
    data = {
        "body": "見た",
        "name": "乗っ取り",
        "status": "won",
        "duplicate": str(ids["company"]),
        "share-account": str(ids["bob"]),
    }
    if method == "GET":
        response = bob.get(url)
    elif url.endswith("autosave"):
        response = bob.post(url, json={"question": "al_goal_agreement", "note": "見た"})
    else:
        response = bob.post(url, data=data)
    assert response.status_code == 404
    assert "株式会社アリス" not in response.get_data(as_text=True)
    # Nothing changed: the owner, the name, the lead and the interview are as they were.
    with app.app_context():
        company = db.session.get_one(Company, ids["company"])
        assert (company.name, company.owner_id) == ("株式会社アリス", ids["alice"])
        assert not accounts.can_see_company(db.session, db.session.get_one(Account, ids["bob"]), company)
        a = db.session.get_one(Assessment, ids["assessment"])
        assert a.status == "submitted" and all(r.note is None for r in a.answers)
        assert db.session.get_one(Account, ids["bob"]) is not None


@pytest.mark.parametrize(("method", "route"), [r for r in ROUTES if r[0] == "GET"])
def test_the_owner_reaches_every_route(app, two_consultants, method, route):
    alice, _, ids = two_consultants
    # A submitted interview's page sends its owner on to the results.
    assert alice.get(route.format(**ids), follow_redirects=True).status_code == 200


def test_bobs_list_search_and_export_hold_none_of_alices_clients(app, two_consultants):
    _, bob, _ = two_consultants
    assert "株式会社アリス" not in bob.get("/workspace/clients?q=アリス").get_data(as_text=True)
    csv_text = download(bob, "/workspace/export/assessments.csv").get_data(as_text=True)
    assert "株式会社アリス" not in csv_text and len(csv_text.strip().splitlines()) == 1  # the header only
    # The lead is Alice's (assigned to her): Bob's inbox does not list it.
    assert "y@alice.co.jp" not in bob.get("/workspace/leads").get_data(as_text=True)


def test_sharing_opens_the_client_to_one_colleague_only(app, two_consultants):
    alice, bob, ids = two_consultants
    carol, _ = signed_in(app, "carol@example.jp")
    response = alice.post(f"/workspace/clients/{ids['company']}/share", data={"share-account": str(ids["bob"])})
    assert response.status_code == 303
    assert bob.get(f"/workspace/clients/{ids['company']}").status_code == 200
    assert bob.get(f"/workspace/interviews/{ids['assessment']}").status_code == 200
    assert carol.get(f"/workspace/clients/{ids['company']}").status_code == 404
    # A shared consultant works on the client but does not re-share or take it over.
    bob.post(f"/workspace/clients/{ids['company']}/owner", data={"owner-account": str(ids["bob"])})
    with app.app_context():
        assert db.session.get_one(Company, ids["company"]).owner_id == ids["alice"]
    alice.post(f"/workspace/clients/{ids['company']}/unshare/{ids['bob']}")
    assert bob.get(f"/workspace/clients/{ids['company']}").status_code == 404


def test_an_admin_sees_every_client(app, two_consultants):
    _, _, ids = two_consultants
    admin, _ = signed_in(app, "root@example.jp", "admin")
    assert admin.get(f"/workspace/clients/{ids['company']}").status_code == 200
    assert admin.get(f"/workspace/leads/{ids['lead']}").status_code == 200


def test_views_are_written_to_the_audit_log(app, two_consultants):
    alice, _, ids = two_consultants
    alice.get(f"/workspace/clients/{ids['company']}")
    download(alice, "/workspace/export/assessments.csv").get_data()
    from assessment.store.workspace import AuditEvent

    with app.app_context():
        events = {(e.account_id, e.action, e.target) for e in db.session.scalars(select(AuditEvent))}
    assert (ids["alice"], "view", f"company:{ids['company']}") in events
    assert (ids["alice"], "export", "assessments.csv") in events
