"""Clients: list, search and sort, create that finds the same company again, edit, notes, merge."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assessment.store import Assessment, ClientNote, Company, Lead
from assessment.web.database import db
from tests.factories import make_answers, make_assessment
from tests.web.workspace import goes_to_last_page, signed_in


@pytest.fixture
def consultant(app):
    client, account_id = signed_in(app, "consultant@example.jp")
    return client, account_id


def _new(client, **data):
    return client.post("/workspace/clients/new", data={"name": "株式会社サンプル", **data})


def _company_id(response) -> int:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.location.rsplit("/", 1)[1])


@pytest.mark.parametrize("again", ["（株）サンプル", "㈱サンプル", "株式会社ｻﾝﾌﾟﾙ", "サンプル 株式会社"])
def test_the_same_company_is_found_again_by_its_normalised_name(consultant, again):
    client, _ = consultant
    first = _company_id(_new(client))
    response = client.post("/workspace/clients/new", data={"name": again})
    assert _company_id(response) == first
    follow = client.get(response.location).get_data(as_text=True)
    assert "already a client" in follow or "既に" in follow


def test_a_corporate_domain_finds_the_company_but_free_mail_never_does(app, consultant):
    client, _ = consultant
    first = _company_id(_new(client, email_domain="sample.co.jp"))
    assert (
        _company_id(client.post("/workspace/clients/new", data={"name": "Sample Inc.", "email_domain": "sample.co.jp"}))
        == first
    )
    a = _company_id(client.post("/workspace/clients/new", data={"name": "甲社", "email_domain": "gmail.com"}))
    b = _company_id(client.post("/workspace/clients/new", data={"name": "乙社", "email_domain": "gmail.com"}))
    assert a != b
    with app.app_context():
        assert db.session.get_one(Company, a).email_domain is None


def test_bad_corporate_number_is_named_and_nothing_is_created(app, consultant):
    client, _ = consultant
    response = _new(client, corporate_number="1234567890123")
    assert response.status_code == 422
    assert "check digit" in response.get_data(as_text=True) or "チェック" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Company.id)) is None


def test_html_in_every_field_is_shown_as_text(app, consultant):
    client, _ = consultant
    evil = "<script>alert(1)</script>"
    cid = _company_id(_new(client, name=f"{evil}社", industry=evil))
    client.post(f"/workspace/clients/{cid}/notes", data={"body": evil})
    page = client.get(f"/workspace/clients/{cid}").get_data(as_text=True)
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert evil not in client.get("/workspace/clients").get_data(as_text=True)


def test_a_note_too_long_is_refused_with_a_message_and_the_text_kept(app, consultant):
    client, _ = consultant
    cid = _company_id(_new(client))
    long = "あ" * 10_001
    response = client.post(f"/workspace/clients/{cid}/notes", data={"body": long})
    assert response.status_code == 422
    assert long in response.get_data(as_text=True)  # shown again to shorten, not lost
    huge = client.post(f"/workspace/clients/{cid}/notes", data={"body": "x" * 1024 * 1024})
    assert huge.status_code == 413
    with app.app_context():
        assert db.session.scalar(select(ClientNote.id)) is None


def test_list_searches_and_sorts_by_name_level_date_and_owner(app, consultant):
    client, _ = consultant
    names = ["株式会社アルファ", "ベータ株式会社", "ガンマ合同会社"]
    ids = [_company_id(_new(client, name=n)) for n in names]
    with app.app_context():
        for cid, level in zip(ids, (0, 3, 1), strict=True):
            make_assessment(db.session, make_answers(level), company=db.session.get_one(Company, cid))
    html = client.get("/workspace/clients?q=ベータ").get_data(as_text=True)
    assert "ベータ株式会社" in html and "アルファ" not in html
    by_level = client.get("/workspace/clients?sort=level&desc=1").get_data(as_text=True)
    assert by_level.index("ベータ") < by_level.index("ガンマ") < by_level.index("アルファ")
    by_date = client.get("/workspace/clients?sort=assessed&desc=1").get_data(as_text=True)
    assert by_date.index("ガンマ") < by_date.index("アルファ")
    assert client.get("/workspace/clients?sort=owner&page=99999999999").status_code == 200
    assert client.get("/workspace/clients?sort=nonsense&desc=maybe&page=-1").status_code == 200


def test_edit_keeps_identity_keys_valid(app, consultant):
    client, _ = consultant
    cid = _company_id(_new(client))
    ok = client.post(
        f"/workspace/clients/{cid}/edit",
        data={"name": "株式会社サンプル", "industry": "製造", "email_domain": "@Sample.CO.JP", "corporate_number": ""},
    )
    assert ok.status_code == 303
    free = client.post(
        f"/workspace/clients/{cid}/edit", data={"name": "株式会社サンプル", "email_domain": "yahoo.co.jp"}
    )
    assert free.status_code == 422
    with app.app_context():
        company = db.session.get_one(Company, cid)
        assert (company.industry, company.email_domain) == ("製造", "sample.co.jp")


def test_merge_moves_assessments_leads_and_notes_onto_the_kept_client(app, consultant):
    client, account_id = consultant
    keep = _company_id(_new(client, name="株式会社サンプル"))
    with app.app_context():
        dup = Company(name="サンプル(株)", name_key="サンプル", owner_id=account_id, corporate_number=None)
        db.session.add(dup)
        db.session.commit()
        dup_id = dup.id
        make_assessment(db.session, make_answers(1), company=dup)
        own = make_assessment(db.session, make_answers(2), company=dup)
        db.session.add(
            Lead(
                assessment_id=own.id,
                company_id=dup_id,
                name="n",
                company_name="c",
                email="e@x.jp",
                role="r",
                company_size="s1_9",
            )
        )
        db.session.commit()
    client.post(f"/workspace/clients/{dup_id}/notes", data={"body": "重複側のメモ"})
    page = client.get(f"/workspace/clients/{keep}").get_data(as_text=True)
    assert f'value="{dup_id}"' in page  # offered as a possible duplicate
    assert client.post(f"/workspace/clients/{keep}/merge", data={"duplicate": str(dup_id)}).status_code == 303
    with app.app_context():
        assert db.session.get(Company, dup_id) is None
        assert {a.company_id for a in db.session.scalars(select(Assessment))} == {keep}
        assert db.session.scalars(select(Lead.company_id)).all() == [keep]
        assert db.session.scalars(select(ClientNote.company_id)).all() == [keep]
    assert client.post(f"/workspace/clients/{keep}/merge", data={"duplicate": str(keep)}).status_code == 303
    assert client.post(f"/workspace/clients/{keep}/merge", data={"duplicate": "abc"}).status_code == 400


def test_a_page_past_the_end_of_the_list_goes_to_the_last_page(consultant):
    """It said "1 client" above an empty table, with no pager to get back."""
    client, _ = consultant
    _new(client, name="株式会社ページ")
    goes_to_last_page(client, "/workspace/clients?q=ページ&sort=level&page=999", "sort=level", "株式会社ページ")
