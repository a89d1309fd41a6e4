"""Interview mode: autosave, notes and marks, several clients at once, submit, reopen, comments, the PDF."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from assessment.services.assessments import pages
from assessment.store import Answer, Assessment, Company, ReportFile, Revision
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.workspace import signed_in

PAGES = pages()


@pytest.fixture
def consultant(app):
    client, account_id = signed_in(app, "interviewer@example.jp")
    return client, account_id


def _client(client, name="株式会社インタビュー") -> int:
    response = client.post("/workspace/clients/new", data={"name": name})
    return int(response.location.rsplit("/", 1)[1])


def _start(client, company_id: int) -> int:
    response = client.post(f"/workspace/clients/{company_id}/interviews")
    assert response.status_code == 303
    return int(response.location.split("/")[-2])


def _post_page(client, aid: int, page, answers: dict, nav: str = "next", **extra):
    data = {"page_marker": page.section, "nav": nav, **extra}
    for q in page.questions:
        if q.id in answers:
            data[q.id] = answers[q.id]
    return client.post(f"/workspace/interviews/{aid}/{page.number}", data=data)


def _answer_all(client, aid: int, answers: dict) -> None:
    for page in PAGES:
        nav = "submit" if page.number == len(PAGES) else "next"
        assert _post_page(client, aid, page, answers, nav).status_code == 303


def _row(app, aid: int, qid: str) -> Answer:
    with app.app_context():
        row = db.session.scalars(select(Answer).where(Answer.assessment_id == aid, Answer.question == qid)).one()
        db.session.expunge(row)
        return row


def test_autosave_keeps_each_change_and_the_page_shows_it_after_a_reload(app, consultant):
    client, _ = consultant
    aid = _start(client, _client(client))
    q = PAGES[0].questions[0]
    url = f"/workspace/interviews/{aid}/autosave"
    assert client.post(url, json={"question": q.id, "value": q.options[1].value}).status_code == 200
    assert client.post(url, json={"question": q.id, "note": "社長は<b>売上</b>重視"}).status_code == 200
    assert client.post(url, json={"question": q.id, "to_verify": True}).status_code == 200
    row = _row(app, aid, q.id)
    assert (row.value, row.note, row.to_verify) == (q.options[1].value, "社長は<b>売上</b>重視", True)
    page = client.get(f"/workspace/interviews/{aid}/1").get_data(as_text=True)
    assert "社長は&lt;b&gt;売上&lt;/b&gt;重視" in page
    assert f'value="{q.options[1].value}" checked' in page
    assert f'id="verify__{q.id}" name="verify__{q.id}" type="checkbox" value="y"' in page or "checked" in page


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"question": "no_such_question", "note": "x"}, 422, "not in the questionnaire"),
        ({"question": "al_goal_agreement", "value": "<script>"}, 422, "not one of the options"),
        ({"question": "al_goal_agreement", "note": "x" * 10_001}, 422, "10000"),
        ({"question": "al_goal_agreement", "to_verify": "yes"}, 422, "mark"),
        ({"question": 12}, 400, "Save button"),
        ([1, 2], 400, "Save button"),
    ],
)
@pytest.mark.app_config(BABEL_DEFAULT_LOCALE="en")
def test_a_bad_autosave_is_refused_with_a_message_and_keeps_what_was_saved(app, consultant, body, status, code):
    client, _ = consultant
    aid = _start(client, _client(client))
    client.post(f"/workspace/interviews/{aid}/autosave", json={"question": "al_goal_agreement", "note": "kept"})
    response = client.post(f"/workspace/interviews/{aid}/autosave", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == status
    assert code in response.get_json()["error"]
    assert _row(app, aid, "al_goal_agreement").note == "kept"


def test_a_tampered_page_post_is_named_and_nothing_on_it_is_lost(app, consultant):
    client, _ = consultant
    aid = _start(client, _client(client))
    first, second = PAGES[0].questions[:2]
    response = _post_page(
        client, aid, PAGES[0], {first.id: "forged", second.id: second.options[0].value}, "save",
        **{f"note__{second.id}": "大事なメモ"},
    )  # fmt: skip
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "大事なメモ" in html and f'value="{second.options[0].value}" checked' in html
    # A post meant for another page (an old tab) would blank this page's checklists: refused.
    stale = client.post(f"/workspace/interviews/{aid}/2", data={"page_marker": PAGES[0].section, "nav": "save"})
    assert stale.status_code == 400


def test_several_clients_are_in_progress_at_once_in_one_browser(app, consultant):
    client, _ = consultant
    one, two = _start(client, _client(client, "一社")), _start(client, _client(client, "二社"))
    q = PAGES[0].questions[0]
    client.post(f"/workspace/interviews/{one}/autosave", json={"question": q.id, "note": "一社のメモ"})
    client.post(f"/workspace/interviews/{two}/autosave", json={"question": q.id, "note": "二社のメモ"})
    assert "一社のメモ" in client.get(f"/workspace/interviews/{one}/1").get_data(as_text=True)
    page_two = client.get(f"/workspace/interviews/{two}/1").get_data(as_text=True)
    assert "二社のメモ" in page_two and "一社のメモ" not in page_two
    assert "cmo_draft" not in (client.get_cookie("cmo_draft") or "")  # no draft cookie is involved


def test_submit_reopen_and_revise_keeps_the_earlier_revision_and_shows_what_changed(app, consultant):
    client, _ = consultant
    aid = _start(client, _client(client))
    _answer_all(client, aid, make_answers(0))
    results = client.get(f"/workspace/interviews/{aid}")
    assert results.status_code == 200
    assert (
        client.post(
            f"/workspace/interviews/{aid}/autosave", json={"question": "al_goal_agreement", "note": "x"}
        ).status_code
        == 409
    )
    assert client.post(f"/workspace/interviews/{aid}/reopen").status_code == 303
    _answer_all(client, aid, make_answers(3))
    with app.app_context():
        a = db.session.get_one(Assessment, aid)
        assert (a.status, a.revision) == ("submitted", 2)
        numbers = db.session.scalars(select(Revision.number).where(Revision.assessment_id == aid)).all()
        assert sorted(numbers) == [1, 2]
    latest = client.get(f"/workspace/interviews/{aid}", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "What changed since revision 1" in latest or "リビジョン1からの変更" in latest
    assert client.get(f"/workspace/interviews/{aid}?revision=1").status_code == 200


def _pdf_text(data: bytes) -> str:
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_comments_appear_in_the_pdf_and_a_change_makes_a_new_revision(app, consultant):
    client, _ = consultant
    aid = _start(client, _client(client))
    answers = make_answers(0)
    _answer_all(client, aid, answers)
    q = PAGES[0].questions[0]
    with app.app_context():
        pitfall = db.session.get_one(Assessment, aid).top_pitfall
        # Notes go to the report only where marked: one marked, one internal.
        a = db.session.get_one(Assessment, aid)
        rows = {r.question: r for r in a.answers}
        rows[q.id].note, rows[q.id].note_in_report = "報告書に載せるメモ", True
        rows[PAGES[0].questions[1].id].note = "社内だけのメモ"
        db.session.commit()
    assert pitfall
    data = {
        "comment:overall": "経営会議での共有から始めましょう",
        f"comment:pitfall:{pitfall}": "面談で確認済み",
        f"discussed:pitfall:{pitfall}": "1",
    }
    assert client.post(f"/workspace/interviews/{aid}/comments", data=data).status_code == 303
    with app.app_context():
        assert db.session.get_one(Assessment, aid).revision == 2
    page = client.get(f"/workspace/interviews/{aid}").get_data(as_text=True)
    assert "経営会議での共有から始めましょう" in page and "interviewer@example.jp" in page
    text = _pdf_text(client.get(f"/workspace/interviews/{aid}/report.pdf").data)
    assert "経営会議での共有から始めましょう" in text and "面談で確認済み" in text
    assert "報告書に載せるメモ" in text and "社内だけのメモ" not in text
    # The same words again: no new revision. A changed word: revision 3; revision 2's PDF stays.
    client.post(f"/workspace/interviews/{aid}/comments", data=data)
    with app.app_context():
        assert db.session.get_one(Assessment, aid).revision == 2
    client.post(f"/workspace/interviews/{aid}/comments", data={**data, "comment:overall": "改訂したコメント"})
    with app.app_context():
        assert db.session.get_one(Assessment, aid).revision == 3
        assert len(db.session.scalars(select(ReportFile).where(ReportFile.assessment_id == aid)).all()) == 1
    assert "改訂したコメント" in _pdf_text(client.get(f"/workspace/interviews/{aid}/report.pdf").data)
    old = _pdf_text(client.get(f"/workspace/interviews/{aid}/report.pdf?revision=2").data)
    assert "経営会議での共有から始めましょう" in old and "改訂したコメント" not in old
    first = _pdf_text(client.get(f"/workspace/interviews/{aid}/report.pdf?revision=1").data)
    assert "経営会議" not in first


def test_a_comment_for_an_unknown_scope_or_too_long_is_refused(app, consultant):
    client, _ = consultant
    aid = _start(client, _client(client))
    _answer_all(client, aid, make_answers(1))
    client.post(f"/workspace/interviews/{aid}/comments", data={"comment:area:nowhere": "x"})
    client.post(f"/workspace/interviews/{aid}/comments", data={"comment:overall": "x" * 10_001})
    with app.app_context():
        assert db.session.get_one(Assessment, aid).revision == 1


def test_english_interview_and_report(app, consultant):
    client, _ = consultant
    client.get("/lang/en")
    aid = _start(client, _client(client))
    page = client.get(f"/workspace/interviews/{aid}/1").get_data(as_text=True)
    assert "to verify" in page and "Note" in page
    with app.app_context():
        assert db.session.scalar(select(Company.name)) == "株式会社インタビュー"


@pytest.mark.parametrize("first", ["respondent", "consultant"])
def test_a_revision_has_one_pdf_whoever_asks_first(app, first):
    """The respondent's report link and the consultant's download of a commented self-assessment are one
    kept document (one ReportFile per revision and locale): both carry the comments, in either order."""
    admin, _ = signed_in(app, "reviewer@example.jp", role="admin")
    body = app.test_client().post("/api/v1/assessments", json={"answers": make_answers(0)}).get_json()
    link = body["report_url"].replace("http://localhost", "")
    with app.app_context():
        aid = db.session.scalars(select(Assessment.id)).one()
    response = admin.post(f"/workspace/interviews/{aid}/comments", data={"comment:overall": "自己診断への所見です"})
    assert response.status_code == 303
    downloads = {
        "respondent": lambda: app.test_client().get(link),
        "consultant": lambda: admin.get(f"/workspace/interviews/{aid}/report.pdf"),
    }
    order = [first, *(k for k in downloads if k != first)]
    pdfs = {who: downloads[who]() for who in order}
    for who, response in pdfs.items():
        assert response.status_code == 200 and response.data.startswith(b"%PDF"), who
        assert "自己診断への所見です" in _pdf_text(response.data), who
    assert pdfs["respondent"].data == pdfs["consultant"].data
