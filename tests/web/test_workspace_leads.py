"""The leads inbox and the CSV exports."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from assessment.services.leads import capture_lead
from assessment.store import Assessment, Company, Lead
from assessment.store.workspace import AuditEvent
from assessment.web.database import db
from tests.factories import make_answers, make_assessment
from tests.web.workspace import download, goes_to_last_page, signed_in


def _lead(app, *, level: int = 1, name: str = "山田 太郎", company: str = "株式会社リード", source: str = "ads") -> int:
    with app.app_context():
        a = make_assessment(db.session, make_answers(level), utm={"utm_source": source, "utm_medium": "cpc"})
        lead = capture_lead(
            db.session, a, name=name, company=company, email=f"{abs(hash(company))}@lead-{level}.co.jp",
            role="cmo", company_size="s1_9", consent=True, consent_text="同意します", locale="ja",
        )  # fmt: skip
        return lead.id


@pytest.fixture
def admin(app):
    client, account_id = signed_in(app, "admin@example.jp", "admin")
    return client, account_id


def test_inbox_lists_and_filters_leads(app, admin):
    client, _ = admin
    low, high = _lead(app, level=0, company="低い社", source="seo"), _lead(app, level=3, company="高い社")
    with app.app_context():
        low_level = db.session.get_one(Lead, low).assessment.level
        high_pitfall = db.session.get_one(Lead, high).assessment.top_pitfall
        low_pitfall = db.session.get_one(Lead, low).assessment.top_pitfall
    html = client.get("/workspace/leads").get_data(as_text=True)
    assert "低い社" in html and "高い社" in html
    only_low = client.get(f"/workspace/leads?level={low_level}").get_data(as_text=True)
    assert "低い社" in only_low and "高い社" not in only_low
    seo = client.get("/workspace/leads?source=seo").get_data(as_text=True)
    assert "低い社" in seo and "高い社" not in seo
    if low_pitfall and low_pitfall != high_pitfall:
        by_pitfall = client.get(f"/workspace/leads?pitfall={low_pitfall}").get_data(as_text=True)
        assert "低い社" in by_pitfall and "高い社" not in by_pitfall
    assert "低い社" not in client.get("/workspace/leads?status=won").get_data(as_text=True)
    assert "低い社" not in client.get("/workspace/leads?until=2000-01-01").get_data(as_text=True)
    assert client.get("/workspace/leads?level=9&since=yesterday&pitfall=<x>&page=abc").status_code == 200


def test_status_assign_and_convert(app, admin):
    client, admin_id = admin
    consultant, consultant_id = signed_in(app, "sales@example.jp")
    lead_id = _lead(app)
    assert client.post(f"/workspace/leads/{lead_id}/status", data={"status": "contacted"}).status_code == 303
    assert client.post(f"/workspace/leads/{lead_id}/status", data={"status": "bogus"}).status_code == 303
    assert client.post(f"/workspace/leads/{lead_id}/assign", data={"assignee": str(consultant_id)}).status_code == 303
    with app.app_context():
        lead = db.session.get_one(Lead, lead_id)
        assert (lead.status, lead.status_by_id, lead.assignee_id) == ("contacted", admin_id, consultant_id)
    page = consultant.get(f"/workspace/leads/{lead_id}").get_data(as_text=True)
    assert "admin@example.jp" in page  # who changed the status
    response = consultant.post(f"/workspace/leads/{lead_id}/convert")
    assert response.status_code == 303
    company_id = int(response.location.rsplit("/", 1)[1])
    with app.app_context():
        company = db.session.get_one(Company, company_id)
        assert company.owner_id == consultant_id
        own = db.session.scalars(select(Assessment).where(Assessment.company_id == company_id)).all()
        assert [a.kind for a in own] == ["self"]  # the self-assessment is the company's first assessment
    # The interview shows the prospect's own answers beside its questions.
    start = consultant.post(f"/workspace/clients/{company_id}/interviews")
    page = consultant.get(start.location).get_data(as_text=True)
    assert "self-answer" in page


def test_consultants_see_unassigned_and_their_own_leads_only(app, admin):
    client, _ = admin
    mine, _ = signed_in(app, "mine@example.jp")
    _, other_id = signed_in(app, "other@example.jp")
    lead_id = _lead(app, company="他人の社")
    client.post(f"/workspace/leads/{lead_id}/assign", data={"assignee": str(other_id)})
    assert mine.get(f"/workspace/leads/{lead_id}").status_code == 404
    assert "他人の社" not in mine.get("/workspace/leads").get_data(as_text=True)
    assert download(mine, "/workspace/export/leads.csv").status_code == 403  # every lead's contact details: admins


def _read(data: bytes, encoding: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode(encoding), newline="")))


def test_csv_exports_are_excel_safe_in_both_encodings(app, admin):
    client, _ = admin
    _lead(app, name='=HYPERLINK("http://evil")', company="髙橋𠮷野家株式会社")
    _lead(app, name="@SUM(A1)", company="-2+3社")
    utf8 = download(client, "/workspace/export/leads.csv")
    assert utf8.headers["Content-Type"].startswith("text/csv; charset=utf-8")
    assert utf8.data.startswith(b"\xef\xbb\xbf") and b"\r\n" in utf8.data
    rows = _read(utf8.data, "utf-8-sig")
    assert rows[0][:3] == ["lead_id", "created_at", "name"]
    names = {r[2] for r in rows[1:]}
    assert names == {'\'=HYPERLINK("http://evil")', "'@SUM(A1)"}
    assert {r[3] for r in rows[1:]} == {"髙橋𠮷野家株式会社", "'-2+3社"}
    sjis = download(client, "/workspace/export/leads.csv?encoding=cp932")
    assert not sjis.data.startswith(b"\xef\xbb\xbf")
    rows = _read(sjis.data, "cp932")
    assert "髙橋?野家株式会社" in {r[3] for r in rows[1:]}  # 髙 is in cp932, 𠮷 is not
    with app.app_context():
        details = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "export")).all()
    assert any("2 rows, utf-8, 0 characters replaced" in (d or "") for d in details)
    assert any("2 rows, cp932, 1 characters replaced" in (d or "") for d in details)
    assert download(client, "/workspace/export/leads.csv?encoding=latin9").status_code == 400


def test_assessment_csv_has_a_code_and_label_column_per_question_and_interview_notes(app, admin):
    client, _ = admin
    company = client.post("/workspace/clients/new", data={"name": "株式会社CSV"}).location.rsplit("/", 1)[1]
    start = client.post(f"/workspace/clients/{company}/interviews").location
    aid = start.split("/")[-2]
    client.post(f"/workspace/interviews/{aid}/autosave", json={"question": "al_goal_agreement", "value": "verbal_only"})
    client.post(f"/workspace/interviews/{aid}/autosave", json={"question": "al_goal_agreement", "note": "+確認する"})
    with app.app_context():
        done = make_assessment(db.session, make_answers(0), company=db.session.get_one(Company, int(company)))
        expected = (str(done.overall), done.top_pitfall)
    rows = _read(download(client, "/workspace/export/assessments.csv").data, "utf-8-sig")
    head, row = rows[0], rows[1]
    record = dict(zip(head, row, strict=True))
    submitted = dict(zip(head, rows[2], strict=True))
    assert (submitted["overall"], submitted["pitfalls"].split("|")[0]) == expected
    assert all(submitted[f"score_{area}"].isdigit() for area in ("alignment", "kpi_design"))
    assert record["company"] == "株式会社CSV" and record["kind"] == "consultant"
    assert record["al_goal_agreement"] == "verbal_only" and record["al_goal_agreement_label"]
    assert record["al_goal_agreement_note"] == "'+確認する"
    assert {"score_alignment", "overall", "level", "pitfalls"} <= set(head)


def test_a_lead_stored_under_the_earlier_size_bands_shows_labels_in_the_lists_and_the_csv(app, admin):
    client, _ = admin
    with app.app_context():
        a = make_assessment(db.session, make_answers(1))
        lead_id = capture_lead(
            db.session, a, name="古い 行", company="株式会社旧区分", email="old@kyu.co.jp",
            role="marketing_lead", company_size="s100_299", consent=False, consent_text="", locale="ja",
        ).id  # fmt: skip
    listing = client.get("/workspace/leads").get_data(as_text=True)
    page = client.get(f"/workspace/leads/{lead_id}").get_data(as_text=True)
    for html in (listing, page):
        assert "100〜299名" in html and "s100_299" not in html
        assert "マーケティング責任者" in html and "marketing_lead" not in html
    header, *rows = _read(download(client, "/workspace/export/leads.csv").data, "utf-8-sig")
    row = next(dict(zip(header, r, strict=True)) for r in rows if r[0] == str(lead_id))
    assert (row["company_size"], row["company_size_label"]) == ("s100_299", "100〜299名")
    assert (row["role"], row["role_label"]) == ("marketing_lead", "マーケティング責任者")
    client.get("/lang/en")
    english = client.get(f"/workspace/leads/{lead_id}").get_data(as_text=True)
    assert "100–299" in english


def test_an_inbox_page_past_the_end_goes_to_the_last_page(app, admin):
    client, _ = admin
    _lead(app, source="pager")
    goes_to_last_page(client, "/workspace/leads?source=pager&page=40", "source=pager", "山田 太郎")
