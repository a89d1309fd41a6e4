"""The round pages: a consultant opens a round, invites, closes it and reads its report; invited
respondents answer through their links, apart from any draft of the public funnel."""

from __future__ import annotations

import re
import subprocess
from datetime import timedelta

import pytest
from sqlalchemy import select

from assessment.bank.questionnaire import default_questionnaire
from assessment.services import assessments as flow
from assessment.store import Assessment
from assessment.store.models import Round, RoundInvitation, utcnow
from assessment.store.workspace import AuditEvent
from assessment.web.database import db
from tests.factories import make_answers
from tests.web.conftest import csrf_token, page_form_data
from tests.web.test_survey import answer_all, start
from tests.web.workspace import PASSWORD, make_account, signed_in

PAGES = flow.pages()
QN = default_questionnaire()
ALIGNMENT = [q.id for q in QN.scored_questions if q.section == "alignment"]
COMPANY = "株式会社ラウンドテスト"


@pytest.fixture
def consultant(app):
    client, account_id = signed_in(app, "rounds@example.jp")
    return client, account_id


def new_client(client, name: str = COMPANY) -> int:
    response = client.post("/workspace/clients/new", data={"name": name})
    return int(response.location.rsplit("/", 1)[1])


def open_round(client, company_id: int, period: str = "2026-Q4") -> str:
    response = client.post(f"/workspace/clients/{company_id}/rounds", data={"period": period})
    assert response.status_code == 303, response.data.decode()[:500]
    return response.location.rsplit("/", 1)[1]


def found(pattern: str, text: str) -> str:
    """The first group of `pattern` in `text`, which must be there."""
    m = re.search(pattern, text)
    assert m is not None, pattern
    return m.group(1)


def invite(client, token: str, role: str, **fields) -> str:
    """The invitation's path (/i/…), as the round page shows it for copying."""
    data = {"role": role, "name": fields.get("name", ""), "email": fields.get("email", ""), "locale": "ja"}
    data.update(fields)
    response = client.post(f"/workspace/rounds/{token}/invitations", data=data)
    assert response.status_code == 303, response.data.decode()[:2000]
    anchor = response.location.rsplit("#invitation-", 1)[1]
    page = client.get(f"/workspace/rounds/{token}").data.decode()
    row = page.split(f'id="invitation-{anchor}"', 1)[1].split("</tr>", 1)[0]
    return found(r'value="http://localhost(/i/[^"]+)"', row)


def answer(respondent, link: str, answers: dict) -> str:
    """Answer every page through an invitation link; the page it ends on."""
    start_page = respondent.get(link).data.decode()
    assert "匿名ではありません" in start_page  # told before the first answer
    assert respondent.post(link + "/start").status_code == 303
    for page in PAGES:
        response = respondent.post(f"{link}/q/{page.number}", data=page_form_data(page, answers))
        assert response.status_code == 303, response.data.decode()[:800]
    assert response.location == link
    return respondent.get(link).data.decode()


def close(client, token: str, **data):
    return client.post(f"/workspace/rounds/{token}/close", data={"rule": "reference", **data})


def split_answers() -> tuple[dict, dict]:
    """Management sure of the alignment, marketing not: a gap of 3 on every alignment item."""
    return make_answers(3), make_answers(3, **{q: make_answers(0)[q] for q in ALIGNMENT})


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "round.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_a_round_from_opening_to_the_gap_in_its_pdf(app, consultant, tmp_path):
    client, _ = consultant
    company_id = new_client(client)
    page = client.get(f"/workspace/clients/{company_id}").data.decode()
    assert 'name="period" value="20' in page and "ラウンドを開始" in page  # the current quarter by default
    token = open_round(client, company_id)
    boss_link = invite(client, token, "management", name="山田 社長")
    marketer_link = invite(client, token, "marketing")
    boss_answers, marketer_answers = split_answers()
    thanks = answer(app.test_client(), boss_link, boss_answers)
    assert "ご回答ありがとうございました" in thanks and "あなた自身の回答" in thanks
    answer(app.test_client(), marketer_link, marketer_answers)
    round_page = client.get(f"/workspace/rounds/{token}").data.decode()
    assert round_page.count("回答済み") >= 2
    response = close(client, token)
    assert response.status_code == 303 and response.location.endswith(f"/rounds/{token}/report")
    report = client.get(response.location).data.decode()
    assert "経営とマーケティングの比較" in report and "山田 社長" in report
    section = report.split('<section class="rounds gap">', 1)[1].split("</section>", 1)[0]
    svg = section.split('<div class="chart-box">', 1)[1].split("</svg>", 1)[0]
    assert 'role="img"' in svg and "<title>" in svg and "<desc>" in svg
    assert '<table class="numbers">' in section  # the chart's numbers as a table
    pdf = client.get(f"/workspace/rounds/{token}/report.pdf")
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.data, tmp_path)
    assert "経営とマーケティングの比較" in text and "ラウンドテスト" in text
    client_page = client.get(f"/workspace/clients/{company_id}").data.decode()
    assert "2026-Q4" in client_page and "2 人中 2 人" in client_page
    offered = found(r'id="round-period" name="period" value="([^"]+)"', client_page)
    assert offered != "2026-Q4" and re.fullmatch(r"20\d\d-Q[1-4]", offered)  # not the quarter just closed
    assert "セルフ診断 #" not in client_page  # the respondents' answers are the round's, not self-assessments


def test_a_visitors_own_draft_is_neither_read_nor_replaced_by_an_invitation(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    link = invite(client, token, "marketing")
    visitor = app.test_client()
    draft = start(visitor)
    first = PAGES[0]
    visitor.post("/q/1", data=page_form_data(first, make_answers(0)))
    answer(visitor, link, make_answers(2))
    assert visitor.get_cookie("cmo_draft").value == draft
    page = visitor.get("/q/2")  # the funnel goes on where the visitor left it, answers kept
    assert page.status_code == 200
    with app.app_context():
        own = db.session.scalars(select(Assessment).where(Assessment.token == draft)).one()
        invited = db.session.scalars(select(Assessment).where(Assessment.kind == "invited")).one()
        assert own.status == "draft" and own.round_id is None
        assert own.values[first.questions[0].id] == make_answers(0)[first.questions[0].id]
        assert invited.has_verdict and invited.values[first.questions[0].id] == make_answers(2)[first.questions[0].id]
    assert "/results/" in answer_all(visitor)  # and finishes as its own assessment


def test_the_respondent_sees_only_their_own_result_until_the_gap_is_shared(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    boss_link, marketer_link = invite(client, token, "management"), invite(client, token, "marketing")
    boss_answers, marketer_answers = split_answers()
    boss = app.test_client()
    answer(boss, boss_link, boss_answers)
    answer(app.test_client(), marketer_link, marketer_answers)
    close(client, token)
    option = QN.by_id[ALIGNMENT[0]].option(make_answers(0)[ALIGNMENT[0]])
    assert option is not None
    theirs = option.label["ja"]
    page = boss.get(boss_link).data.decode()
    assert 'class="rounds gap"' not in page and theirs not in page
    assert client.post(f"/workspace/rounds/{token}/share", data={"share": "1"}).status_code == 303
    page = boss.get(boss_link).data.decode()
    assert 'class="rounds gap"' in page and theirs in page
    client.post(f"/workspace/rounds/{token}/share", data={"share": "0"})
    assert theirs not in boss.get(boss_link).data.decode()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_an_answered_invitation_ends_with_what_happens_next_and_a_finish(app, consultant, lang):
    client, _ = consultant
    token = open_round(client, new_client(client))
    link = invite(client, token, "marketing")
    respondent = app.test_client()
    assert respondent.get(link + "/done").location == link  # nothing to finish before the answers
    answer(respondent, link, make_answers(1))
    respondent.set_cookie("cmo_lang", lang)
    done = respondent.get(link).data.decode().split('id="done"', 1)[1]
    words = {
        "ja": ("回答はこれで完了です", "招待された全員の回答がそろうと", "終了する", "回答を送信しました"),
        "en": ("You are done", "When everyone invited has answered", "Finish", "Your answers are sent"),
    }[lang]
    assert words[0] in done and words[1] in done and COMPANY in done
    finish = found(r'<a class="button primary" href="([^"]+)">' + words[2] + "</a>", done)
    assert finish == link + "/done"
    end = respondent.get(finish)
    page = end.data.decode()
    assert end.status_code == 200 and words[3] in page
    assert 'class="score-card' not in page and "<svg" not in page  # the result is off the screen
    assert f'href="{link}"' in page  # and one link away
    page = client.get(f"/workspace/rounds/{token}").data.decode()
    reference = found(r'name="reference"[^>]*>\s*<option[^>]*value="(\d+)"', page)  # as a browser posts the select
    assert close(client, token, reference=reference).status_code == 303
    assert ("締め切られました" if lang == "ja" else "The survey is closed") in respondent.get(link).data.decode()
    assert respondent.get(link[:-4] + "zzzz/done").status_code == 404


@pytest.mark.parametrize("state", ["guessed", "expired", "revoked", "closed"])
def test_a_link_that_opens_nothing_says_so_and_names_no_company(app, consultant, state):
    client, _ = consultant
    company_id = new_client(client)
    token = open_round(client, company_id)
    link = invite(client, token, "sales")
    if state == "guessed":
        link = link[:-4] + ("aaaa" if not link.endswith("aaaa") else "bbbb")
    elif state == "expired":
        with app.app_context():
            inv = db.session.scalars(select(RoundInvitation)).one()
            inv.expires_at = utcnow() - timedelta(seconds=1)
            db.session.commit()
    elif state == "revoked":
        page = client.get(f"/workspace/rounds/{token}").data.decode()
        revoke = found(r'action="([^"]+/revoke)"', page)
        assert client.post(revoke).status_code == 303
    else:
        other = invite(client, token, "management")
        answer(app.test_client(), other, make_answers(2))
        assert close(client, token).status_code == 303
    stranger = app.test_client()
    for response in (stranger.get(link), stranger.post(link + "/start"), stranger.get(link + "/q/1")):
        body = response.data.decode()
        assert response.status_code == (404 if state == "guessed" else 410)
        assert "ラウンドテスト" not in body and "rounds@example.jp" not in body
    posted = stranger.post(link + "/q/1", data=page_form_data(PAGES[0], make_answers(1)))
    assert posted.status_code in (404, 410)
    with app.app_context():
        assert db.session.scalar(
            select(Assessment.id).where(Assessment.kind == "invited", Assessment.revision > 0)
        ) == (
            None if state != "closed" else db.session.scalar(select(Assessment.id).where(Assessment.kind == "invited"))
        )


def test_answers_posted_after_the_round_closed_are_refused_and_not_kept(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    late_link, boss_link = invite(client, token, "marketing"), invite(client, token, "management")
    late = app.test_client()
    late.get(late_link)
    late.post(late_link + "/start")
    answer(app.test_client(), boss_link, make_answers(2))
    close(client, token)
    response = late.post(late_link + "/q/1", data=page_form_data(PAGES[0], make_answers(0)))
    assert response.status_code == 410 and "締め切" in response.data.decode()
    with app.app_context():
        inv = db.session.scalars(select(RoundInvitation).where(RoundInvitation.role == "marketing")).one()
        assert inv.assessment is not None and not inv.assessment.answers


def test_another_consultants_round_is_not_found_on_any_route(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    invite(client, token, "management")
    other, _ = signed_in(app, "other@example.jp")
    assert other.get(f"/workspace/rounds/{token}").status_code == 404
    for path, data in [
        ("invitations", {"role": "management", "locale": "ja"}),
        ("close", {"rule": "median"}),
        ("respondents", {"assessment": "1", "role": "management"}),
        ("targets", {}),
        ("steps", {}),
        ("due", {"due": "2027-01-01"}),
        ("share", {"share": "1"}),
        ("invitations/1/revoke", {}),
    ]:
        assert other.post(f"/workspace/rounds/{token}/{path}", data=data).status_code == 404, path
    assert other.get(f"/workspace/rounds/{token}/report").status_code == 404
    assert other.get(f"/workspace/rounds/{token}/report.pdf").status_code == 404
    with app.app_context():
        company = db.session.scalars(select(Round)).one().company_id
    assert other.post(f"/workspace/clients/{company}/rounds", data={"period": "2026-Q4"}).status_code == 404
    assert app.test_client().get(f"/workspace/rounds/{token}").status_code in (302, 401)  # signed out


@pytest.mark.parametrize(
    ("path", "data", "message"),
    [
        ("invitations", {"role": "ceo", "locale": "ja"}, "選択肢"),
        ("invitations", {"role": "management", "locale": "fr"}, "選択肢"),
        ("invitations", {"role": "management", "locale": "ja", "email": "not an address"}, "name@example.co.jp"),
        ("invitations", {"role": "management", "locale": "ja", "name": "a\x00b"}, "特殊な文字"),
        ("close", {"rule": "average"}, "選択肢"),
        ("close", {"rule": "reference", "reference": "999999"}, "選択肢"),
        ("respondents", {"assessment": "999999", "role": "management"}, "選択肢"),
        ("respondents", {"assessment": "{interview}", "role": "ceo"}, "選択肢"),
    ],
)
def test_tampered_choices_are_refused_with_a_message_and_change_nothing(app, consultant, path, data, message):
    client, _ = consultant
    company_id = new_client(client)
    token = open_round(client, company_id)
    answer(app.test_client(), invite(client, token, "management"), make_answers(2))
    interview = client.post(f"/workspace/clients/{company_id}/interviews").location.split("/")[-2]
    data = {k: v.format(interview=interview) for k, v in data.items()}
    with app.app_context():
        r = db.session.scalars(select(Round)).one()
        before = (len(r.invitations), len(r.respondents), r.status)
    response = client.post(f"/workspace/rounds/{token}/{path}", data=data)
    assert response.status_code == 422
    errors = re.findall(r'class="field-error"[^>]*>([^<]+)', response.data.decode())
    assert errors and message in errors[0]
    with app.app_context():
        r = db.session.scalars(select(Round)).one()
        assert (len(r.invitations), len(r.respondents), r.status) == before


def test_closing_with_no_answers_is_refused_and_one_side_only_closes_without_a_gap(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    link = invite(client, token, "management")
    page = client.get(f"/workspace/rounds/{token}").data.decode()
    assert "まだ誰も回答していません" in page
    response = close(client, token)
    assert response.status_code == 303
    assert "まだ誰も回答を送っていません" in client.get(response.location).data.decode()
    answer(app.test_client(), link, make_answers(2))
    page = client.get(f"/workspace/rounds/{token}").data.decode()
    assert "これまでの回答は「経営」のみです" in page
    response = close(client, token)
    report = client.get(response.location).data.decode()
    assert "回答が片方の立場のみのため" in report  # the flash
    assert 'id="no-gap"' in report and 'class="rounds gap"' not in report


def test_a_respondent_under_an_older_questionnaire_version_is_named(app, consultant):
    client, _ = consultant
    token = open_round(client, new_client(client))
    answer(app.test_client(), invite(client, token, "management"), make_answers(2))
    with app.app_context():
        a = db.session.scalars(select(Assessment).where(Assessment.kind == "invited")).one()
        a.questionnaire_version = "2026.01"
        db.session.commit()
    page = client.get(f"/workspace/rounds/{token}").data.decode()
    assert "2026.01" in page and QN.version in page
    assert close(client, token).status_code == 303
    assert "以前の版" in client.get(f"/workspace/rounds/{token}/report").data.decode()


def test_an_interview_of_the_client_joins_but_another_clients_does_not(app, consultant):
    client, _ = consultant
    company_id, other_id = new_client(client), new_client(client, "株式会社ほか")
    token = open_round(client, company_id)
    own = int(client.post(f"/workspace/clients/{company_id}/interviews").location.split("/")[-2])
    theirs = int(client.post(f"/workspace/clients/{other_id}/interviews").location.split("/")[-2])
    assert f'<option value="{own}">' in client.get(f"/workspace/rounds/{token}").data.decode()
    refused = client.post(f"/workspace/rounds/{token}/respondents", data={"assessment": str(theirs), "role": "sales"})
    assert refused.status_code == 422
    added = client.post(f"/workspace/rounds/{token}/respondents", data={"assessment": str(own), "role": "management"})
    assert added.status_code == 303
    with app.app_context():
        assert db.session.get_one(Assessment, own).respondent_role == "management"
        assert db.session.get_one(Assessment, theirs).round_id is None


def test_targets_step_marks_due_date_and_the_second_rounds_trend(app, consultant, tmp_path):
    client, _ = consultant
    company_id = new_client(client)
    first = open_round(client, company_id, "2026-Q3")
    answer(app.test_client(), invite(client, first, "management"), make_answers(0))
    close(client, first)
    report = client.get(f"/workspace/rounds/{first}/report").data.decode()
    assert 'name="target:alignment"' in report and 'type="date"' in report
    with app.app_context():
        r = db.session.scalars(select(Round)).one()
        assert r.verdict is not None and r.targets and r.due_at is not None and r.closed_at is not None
        steps, due = [a["id"] for a in r.verdict["actions"]], r.due_at
    assert re.search(r'name="due"[^>]*value="' + f"{due:%Y-%m-%d}", report)
    bad = client.post(f"/workspace/rounds/{first}/targets", data={f"target:{a.id}": "9" for a in QN.areas})
    assert bad.status_code == 303 and "1〜5" in client.get(bad.location).data.decode()
    client.post(f"/workspace/rounds/{first}/targets", data={f"target:{a.id}": "3" for a in QN.areas})
    bad = client.post(f"/workspace/rounds/{first}/steps", data={f"step:{steps[0]}": "finished"})
    assert "選んで" in client.get(bad.location).data.decode()
    client.post(f"/workspace/rounds/{first}/steps", data={f"step:{steps[0]}": "done"})
    assert client.post(f"/workspace/rounds/{first}/due", data={"due": "2020-01-01"}).status_code == 422
    assert client.post(f"/workspace/rounds/{first}/due", data={"due": "not a date"}).status_code == 422
    assert (
        client.post(f"/workspace/rounds/{first}/due", data={"due": f"{due + timedelta(days=7):%Y-%m-%d}"}).status_code
        == 303
    )
    with app.app_context():
        r = db.session.scalars(select(Round)).one()
        assert r.targets == {a.id: 3 for a in QN.areas} and r.step_status == {steps[0]: "done"}
        assert f"{r.due_at:%Y-%m-%d}" == f"{due + timedelta(days=7):%Y-%m-%d}"
        assert r.closed_at is not None
        r.closed_at = r.closed_at - timedelta(days=91)  # a quarter ago
        db.session.commit()
    second = open_round(client, company_id, "2026-Q4")
    answer(app.test_client(), invite(client, second, "management"), make_answers(3))
    close(client, second)
    report = client.get(f"/workspace/rounds/{second}/report").data.decode()
    assert "前回からの変化" in report and "解消した落とし穴" in report and "2026-Q3" in report
    text = pdf_text(client.get(f"/workspace/rounds/{second}/report.pdf").data, tmp_path)
    assert "前回からの変化" in text
    # The targets table shows what the heading says: this round's targets for the next one (all areas at
    # level 5 now, so 5 by default), not the 3s set at the first round.
    assert "現在のレベルと次回の目標" in text and "前回設定した目標" not in text
    assert _targets_table(report, "現在のレベルと次回の目標").count("<td>5</td>") == 10
    client.set_cookie("cmo_lang", "en")
    english = pdf_text(client.get(f"/workspace/rounds/{second}/report.pdf").data, tmp_path)
    assert "Level now and target for the next round" in english
    with app.app_context():  # a round closed before targets were kept: last time's, under their own heading
        r = db.session.scalars(select(Round).where(Round.period == "2026-Q4")).one()
        r.targets = None
        db.session.commit()
    english = pdf_text(client.get(f"/workspace/rounds/{second}/report.pdf").data, tmp_path)
    assert "Level now and the target set at the last round" in english and "for the next round" not in english
    client.set_cookie("cmo_lang", "ja")
    report = client.get(f"/workspace/rounds/{second}/report").data.decode()
    table = _targets_table(report, "現在のレベルと前回設定した目標")
    assert table.count("<td>3</td>") == 5 and table.count("<td>5</td>") == 5


def _targets_table(page: str, heading: str) -> str:
    """The round report's targets table under `heading`."""
    return page.split(f"<h3>{heading}</h3>", 1)[1].split("</table>", 1)[0]


def test_round_views_and_changes_are_in_the_audit_log(app, consultant):
    client, account_id = consultant
    token = open_round(client, new_client(client))
    invite(client, token, "management")
    client.get(f"/workspace/rounds/{token}")
    with app.app_context():
        rid = db.session.scalars(select(Round)).one().id
        events = {(e.account_id, e.action, e.target) for e in db.session.scalars(select(AuditEvent))}
    assert {(account_id, "view", f"round:{rid}"), (account_id, "change", f"round:{rid}")} <= events


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_round_forms_need_the_csrf_token(app):
    make_account(app, "csrf@example.jp")
    client = app.test_client()
    token = csrf_token(client.get("/account/login").get_data(as_text=True))
    client.post("/account/login", data={"email": "csrf@example.jp", "password": PASSWORD, "csrf_token": token})
    token = csrf_token(client.get("/workspace/clients/new").get_data(as_text=True))  # the signed-in session's
    made = client.post("/workspace/clients/new", data={"name": COMPANY, "csrf_token": token})
    company_id = int(made.location.rsplit("/", 1)[1])
    assert client.post(f"/workspace/clients/{company_id}/rounds", data={"period": "2026-Q4"}).status_code == 400
    opened = client.post(f"/workspace/clients/{company_id}/rounds", data={"period": "2026-Q4", "csrf_token": token})
    round_token = opened.location.rsplit("/", 1)[1]
    for path in ("invitations", "close", "targets", "steps", "due", "share", "respondents"):
        assert client.post(f"/workspace/rounds/{round_token}/{path}", data={"role": "management"}).status_code == 400
    made = client.post(
        f"/workspace/rounds/{round_token}/invitations", data={"role": "management", "locale": "ja", "csrf_token": token}
    )
    link = found(r'value="http://localhost(/i/[^"]+)"', client.get(made.location).data.decode())
    respondent = app.test_client()
    assert respondent.post(link + "/start").status_code == 400  # the respondent's forms too
    page_token = csrf_token(respondent.get(link).data.decode())
    assert respondent.post(link + "/start", data={"csrf_token": page_token}).status_code == 303
