"""Hostile input found by the funnel's attack run: each is a clear 4xx (or is taken, cleaned), never a 500.

Every test here runs on SQLite and on PostgreSQL (the `app` fixture): PostgreSQL refuses a NUL in text,
SQLite stores it, so a NUL that reaches the database fails only there.
"""

from __future__ import annotations

import http.client
import json
import random
import threading

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from assessment.bank.questionnaire import default_questionnaire
from assessment.services import webhooks
from assessment.store import Assessment, Company, FunnelEvent, Lead
from assessment.web.database import db
from tests.factories import make_answers, make_round
from tests.web.conftest import page_form_data
from tests.web.test_survey import LEAD, PAGES, answer_all, refused_lead, start
from tests.web.test_workspace_interviews import _answer_all, _client, _start
from tests.web.test_workspace_leads import _lead
from tests.web.workspace import signed_in

LONG_LABEL_HOST = "a" * 64 + ".example.jp"


def test_a_host_label_over_63_characters_is_a_400_page_not_a_500(client):
    for path in ("/", "/q/1", "/nothing"):
        resp = client.get(path, headers={"Host": LONG_LABEL_HOST})
        assert resp.status_code == 400 and resp.mimetype == "text/html"
        assert "<h1>" in resp.data.decode()
    english = client.get("/", headers={"Host": LONG_LABEL_HOST, "Accept-Language": "en"}).data.decode()
    assert '<html lang="en">' in english and "Bad request" in english


def test_a_digit_int_cannot_read_in_a_workspace_number_is_taken_as_no_number_not_a_500(app):
    """A superscript two is a digit to str.isdigit that int() refuses: page, revision, account, target numbers."""
    admin, _ = signed_in(app, "admin@example.jp", "admin")
    lead_id, company_id = _lead(app), _client(admin, "株式会社二乗")
    aid = _start(admin, company_id)
    _answer_all(admin, aid, make_answers(1))
    with app.app_context():
        endpoint = webhooks.add_endpoint(db.session, "http://127.0.0.1:9/hook", ["lead.created"], allow_private=True)
        endpoint_id, token = endpoint.id, make_round(db.session, db.session.get_one(Company, company_id)).token
    lists = ["/workspace/clients", "/workspace/leads", "/workspace/dashboard", "/workspace/audit"]
    for url in [*lists, f"/workspace/webhooks/{endpoint_id}"]:
        assert admin.get(f"{url}?page=²").status_code == 200, url
    assert "株式会社二乗" in admin.get("/workspace/clients?page=²").get_data(as_text=True)  # the first page
    assert admin.get(f"/workspace/interviews/{aid}?revision=²").status_code == 200
    assigned = admin.post(f"/workspace/leads/{lead_id}/assign", data={"assignee": "²"})
    assert assigned.status_code == 303 and "一覧から" in admin.get(assigned.location).get_data(as_text=True)
    areas = default_questionnaire().areas
    targets = admin.post(f"/workspace/rounds/{token}/targets", data={f"target:{a.id}": "²" for a in areas})
    assert targets.status_code == 303 and "1〜5" in admin.get(targets.location).get_data(as_text=True)


def test_a_host_label_over_63_characters_on_the_api_is_a_problem(client):
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(1)}, headers={"Host": LONG_LABEL_HOST})
    assert resp.status_code == 400 and resp.mimetype == "application/problem+json"


def test_nul_bytes_in_utm_and_referrer_are_removed_and_the_funnel_goes_on(app, client):
    client.get(
        "/?utm_source=%00news%00&utm_medium=mail%01&utm_campaign=%00",
        headers={"Referer": "https://partner.example/\x00x"},
    )
    start(client)
    answer_all(client)
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        assert (a.utm_source, a.utm_medium, a.utm_campaign) == ("news", "mail", None)
        assert a.referrer == "https://partner.example/x"
        assert {e.utm_source for e in db.session.scalars(select(FunnelEvent))} == {"news"}


def test_a_session_cookie_poisoned_with_a_nul_no_longer_breaks_the_browser(app, client):
    """Sessions stored before the fix may hold a NUL in their UTM values: starting cleans them."""
    client.get("/")
    with client.session_transaction() as s:
        s["utm"] = {"utm_source": "x\x00y", "utm_medium": ["not", "a", "string"]}
        s["referrer"] = "https://r.example/\x00"
    start(client)
    answer_all(client)
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        assert (a.utm_source, a.utm_medium, a.referrer) == ("xy", None, "https://r.example/")


@pytest.mark.parametrize("field", ["name", "company", "email"])
def test_a_nul_in_a_lead_field_is_a_422_naming_it_and_the_lead_can_be_sent_again(app, client, field):
    start(client)
    results = answer_all(client)
    bad = dict(LEAD, **{field: LEAD[field][:2] + "\x00" + LEAD[field][2:]})
    assert f'href="#{field}-group"' in refused_lead(client, results, bad)
    assert client.post(results + "/lead", data=LEAD).status_code == 303  # nothing lost: sent again, taken
    with app.app_context():
        assert db.session.scalars(select(Lead)).one().name == LEAD["name"]


@pytest.mark.parametrize(
    "body",
    [
        {"answers": make_answers(1), "utm": {"utm_source": "a\x00b", "utm_medium": "\ud800m"}},
        {"answers": make_answers(1), "utm": {"utm_campaign": "\x00\x00"}},
    ],
)
def test_nul_and_surrogates_in_api_utm_are_removed(app, client, body):
    resp = client.post("/api/v1/assessments", data=json.dumps(body), content_type="application/json")
    assert resp.status_code == 201
    with app.app_context():
        a = db.session.scalars(select(Assessment)).one()
        assert "\x00" not in (a.utm_source or "") + (a.utm_medium or "") + (a.utm_campaign or "")


def test_a_nul_in_an_api_referrer_is_removed(app, client):
    resp = client.post("/api/v1/assessments", json={"answers": make_answers(1)}, headers={"Referer": "https://a/\x00"})
    assert resp.status_code == 201
    with app.app_context():
        assert db.session.scalars(select(Assessment)).one().referrer == "https://a/"


@pytest.mark.parametrize(
    "answers",
    [{"al_goal_agreement": "verbal\x00only"}, {"al_goal\x00agreement": "verbal_only"}, {"\x00": "\x00"}],
)
def test_a_nul_in_an_api_answer_or_question_id_is_a_422_and_stores_nothing(app, client, answers):
    resp = client.post("/api/v1/assessments", json={"answers": answers})
    assert resp.status_code == 422 and resp.mimetype == "application/problem+json"
    with app.app_context():
        assert db.session.scalar(select(Assessment)) is None


def test_the_back_button_never_stores_a_whitespace_answer(app, client):
    token = start(client)
    page = PAGES[0]
    q = page.questions[0]
    assert client.post("/q/1", data=page_form_data(page, make_answers(1))).status_code == 303
    data = dict(page_form_data(PAGES[1], {}, nav="back"), **{PAGES[1].questions[0].id: "   "})
    resp = client.post("/q/2", data=data)
    assert resp.status_code == 422  # a tampered value: named, not stored
    with app.app_context():
        a = db.session.scalars(select(Assessment).where(Assessment.token == token)).one()
        assert PAGES[1].questions[0].id not in a.values and a.values[q.id] == make_answers(1)[q.id]


@pytest.mark.parametrize("email", ["a@b..", "a@b", "taro@example..jp", "ta\x00ro@example.jp", "taro@exa mple.jp"])
def test_the_lead_gate_refuses_malformed_email_addresses(client, email):
    start(client)
    results = answer_all(client)
    assert "正しいメールアドレス" in refused_lead(client, results, dict(LEAD, email=email))


@pytest.mark.parametrize("email", ["taro@example.co.jp", "t.yamada+cmo@sub.example.jp", "太郎@例え.jp"])
def test_the_lead_gate_takes_real_email_addresses(client, email):
    start(client)
    results = answer_all(client)
    assert client.post(results + "/lead", data=dict(LEAD, email=email)).status_code == 303


@pytest.fixture
def live(app):
    """The app on a real socket (werkzeug), for what the test client cannot send: chunked bodies."""
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()
    thread.join(5)


def _chunked_post(port: int, path: str, content_type: str, size: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def body():
        for _ in range(size // 65536):
            yield b"x" * 65536

    try:
        conn.request("POST", path, body=body(), headers={"Content-Type": content_type}, encode_chunked=True)
        return conn.getresponse().status
    finally:
        conn.close()


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/api/v1/assessments", "application/json"),
        ("/start", "application/x-www-form-urlencoded"),
        ("/q/1", "application/x-www-form-urlencoded"),
    ],
)
def test_a_five_megabyte_chunked_body_is_413(live, path, content_type):
    assert _chunked_post(live, path, content_type, 5 * 1024 * 1024) == 413


def test_a_small_chunked_body_is_read_whole(live):
    conn = http.client.HTTPConnection("127.0.0.1", live, timeout=30)
    body = json.dumps({"answers": make_answers(1)}).encode()
    conn.request(
        "POST",
        "/api/v1/assessments",
        body=iter([body[:100], body[100:]]),
        headers={"Content-Type": "application/json"},
        encode_chunked=True,
    )
    assert conn.getresponse().status == 201
    conn.close()


# --- a few thousand generated malformed requests to every endpoint -------------------------------

NASTY = [
    "\x00",
    "a\x00b",
    "\r\nX-Injected: 1",
    "\x1b[31m",
    "\u202e",
    "\ufeff",
    "😀" * 50,
    "x" * 5000,
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "%00",
    "%0d%0a",
    "",
    " ",
    "null",
    "[]",
    "{}",
]
JSON_NASTY: list[object] = [None, True, 1, -1, 1e308, [], {}, [[[[]]]], {"a": {"b": {}}}, "\ud800", "\x00", "x" * 3000]


def _token(rng: random.Random) -> str:
    return rng.choice(["A" * 32, "short", "x" * 65, "../../x", "%00" * 10, "-_" * 16, "ä" * 20, "0" * 24])


def _form(rng: random.Random) -> dict:
    keys = ["nav", "page_marker", "name", "company", "email", "role", "company_size", "acknowledge", "consent"]
    keys += [*[q.id for p in PAGES for q in p.questions][:8], "website", "csrf_token", "\x00"]
    return {rng.choice(keys): rng.choice(NASTY) for _ in range(rng.randint(0, 8))}


def _json_body(rng: random.Random):
    kind = rng.randrange(6)
    if kind == 0:
        return "[" * rng.randint(1, 3000) + "]" * rng.randint(0, 3000)
    if kind == 1:
        return json.dumps({"answers": {rng.choice(NASTY): rng.choice(JSON_NASTY)}, "locale": rng.choice(JSON_NASTY)})
    if kind == 2:
        return json.dumps({"answers": rng.choice(JSON_NASTY), "utm": rng.choice([*JSON_NASTY, {"utm_source": "\x00"}])})
    if kind == 3:
        answers = dict(make_answers(rng.randint(0, 3)))
        answers[rng.choice(list(answers))] = rng.choice(JSON_NASTY)
        return json.dumps({"answers": answers})
    if kind == 4:
        return rng.choice(NASTY)
    return '{"answers": {"al_goal_agreement": "\\ud800"}, "utm": {"utm_source": "\\u0000"}}'


def test_thousands_of_malformed_requests_to_every_endpoint_get_no_5xx(app):
    rng = random.Random(11)
    client = app.test_client()
    start(client)  # a draft, so the pages are reached and not only redirected
    client.post("/q/1", data=page_form_data(PAGES[0], make_answers(1)))
    real_results = None
    other = app.test_client()
    start(other)
    real_results = answer_all(other).rsplit("/", 1)[1]
    seen = []
    for i in range(2500):
        tok = real_results if rng.random() < 0.2 else _token(rng)
        choice = rng.randrange(12)
        headers = {}
        if rng.random() < 0.3:
            headers["Referer"] = rng.choice(NASTY).replace("\r", "").replace("\n", "")
        if rng.random() < 0.1:
            headers["Host"] = rng.choice([LONG_LABEL_HOST, "evil.example", "[::1", "a..b"])
        if rng.random() < 0.1:
            headers["Accept-Language"] = rng.choice(NASTY).replace("\r", "").replace("\n", "")
        c = client if rng.random() < 0.7 else app.test_client()
        if choice == 0:
            resp = c.get(
                "/",
                query_string={rng.choice(["utm_source", "utm_medium", "embed", "x"]): rng.choice(NASTY)},
                headers=headers,
            )
        elif choice == 1:
            resp = c.get(f"/q/{rng.randint(-1, 8)}", headers=headers)
        elif choice == 2:
            resp = c.post(f"/q/{rng.randint(1, 6)}", data=_form(rng), headers=headers)
        elif choice == 3:
            resp = c.get(f"/{rng.choice(['results', 'report', 'pdf', 'resume'])}/{tok}", headers=headers)
        elif choice == 4:
            resp = c.post(f"/results/{tok}/lead", data=_form(rng), headers=headers)
        elif choice == 5:
            resp = c.post(f"/resume/{tok}", data=_form(rng), headers=headers)
        elif choice == 6:
            resp = c.get(
                "/lang/" + rng.choice(["ja", "en", "fr", "%00"]),
                query_string={"next": rng.choice(NASTY)},
                headers=headers,
            )
        elif choice == 7:
            resp = c.post("/api/v1/assessments", data=_json_body(rng), content_type="application/json", headers=headers)
        elif choice == 8:
            resp = c.get("/api/v1/questionnaire", query_string={"locale": rng.choice(NASTY)}, headers=headers)
        elif choice == 9:
            resp = c.post("/start", data=_form(rng), headers=headers)
        elif choice == 10:
            resp = c.get(
                rng.choice(["/continue", "/healthz", "/static/css/site.css", "/" + rng.choice(NASTY)]), headers=headers
            )
        else:
            resp = c.post(
                rng.choice(["/", "/q/1", "/api/v1/assessments"]),
                data=b"\x00" * rng.randint(0, 300_000),
                content_type=rng.choice(
                    [
                        "application/json",
                        "application/x-www-form-urlencoded",
                        "multipart/form-data; boundary=x",
                        "text/plain",
                    ]
                ),
                headers=headers,
            )
        resp.close()  # a static file's response holds the file open until closed
        seen.append(resp.status_code)
        assert resp.status_code < 500, (i, choice, resp.status_code, resp.data[:300])
    assert {200, 303, 400, 404, 422} <= set(seen)  # the generator reached the pages, not only the errors
