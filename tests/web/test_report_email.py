"""The report link by e-mail: through a real SMTP server (aiosmtpd, on a free local port), once per lead."""

from __future__ import annotations

import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from assessment.services.mail import MailConfigError, SmtpSettings
from assessment.store import Lead
from assessment.web.database import db
from tests.servers import free_port
from tests.web.conftest import make_app, make_config
from tests.web.test_survey import LEAD, answer_all, start


class Inbox:
    def __init__(self):
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls its hooks by these names
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    def wait(self, n: int, timeout: float = 15) -> list[Message]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


@pytest.fixture
def inbox():
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield box, controller.port
    controller.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def mail_app(request, tmp_path, inbox):
    _, port = inbox
    settings = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_TLS": "none",
        "SMTP_FROM": "report@consult.example.jp",
        "BRAND_NAME": "サンプルコンサルティング",
        "PUBLIC_BASE_URL": "https://diagnosis.example.co.jp",
        "WEB_ACTIVE_REQUESTS": 0,  # the double-click test races four posts in the app at once, not two
    }
    if request.param == "postgres":
        settings["DATABASE_URL"] = request.getfixturevalue("pg_schema_url")
    app = make_app(make_config(tmp_path, **settings))
    yield app
    app.extensions["jobs"].close()  # the e-mail job's thread: done before its database goes
    engine = app.extensions["database"].engine
    if request.param == "postgres":
        from assessment.store import Base

        with engine.begin() as conn:
            for table in reversed(Base.metadata.sorted_tables):
                conn.execute(table.delete())
    engine.dispose()


def _text(msg: Message) -> str:
    payload = msg.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(msg.get_content_charset() or "utf-8")


def test_the_lead_gets_the_report_links_by_email(mail_app, inbox):
    box, _ = inbox
    client = mail_app.test_client()
    start(client)
    results = answer_all(client)
    report = client.post(results + "/lead", data=LEAD).location
    (msg,) = box.wait(1)
    assert msg["To"].endswith(f"<{LEAD['email']}>")
    assert str(make_header(decode_header(msg["Subject"]))) == "CMO思考診断のレポート"
    body = _text(msg)
    assert f"{LEAD['name']} 様" in body and "サンプルコンサルティング" in body
    assert f"https://diagnosis.example.co.jp{report}" in body
    assert "https://diagnosis.example.co.jp/pdf/" in body and "有効期限" in body
    assert "メールでお送りしています" in client.get(report).data.decode()
    with mail_app.app_context():
        assert db.session.scalars(select(Lead)).one().report_emailed_at is not None


def test_a_double_click_on_the_gate_sends_one_email(mail_app, inbox):
    box, _ = inbox
    client = mail_app.test_client()
    start(client)
    results = answer_all(client)
    cookie = client.get_cookie("cmo_draft")
    barrier, codes = threading.Barrier(4), []

    def post():
        c = mail_app.test_client()
        if cookie:
            c.set_cookie("cmo_draft", cookie.value)
        barrier.wait()
        codes.append(c.post(results + "/lead", data=LEAD).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert codes == [303] * 4
    box.wait(2, timeout=3)  # give a second e-mail every chance to arrive
    assert len(box.messages) == 1


def test_without_smtp_settings_no_mail_is_tried(client):
    start(client)
    report = client.post(answer_all(client) + "/lead", data=LEAD).location
    assert "メールでお送りしています" not in client.get(report).data.decode()


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"SMTP_HOST": "smtp.example.jp", "SMTP_TLS": "maybe", "SMTP_FROM": "a@b.jp"}, "SMTP_TLS"),
        ({"SMTP_HOST": "smtp.example.jp", "SMTP_PORT": "twenty-five", "SMTP_FROM": "a@b.jp"}, "SMTP_PORT"),
        ({"SMTP_HOST": "smtp.example.jp"}, "SMTP_FROM"),
    ],
)
def test_unusable_smtp_settings_are_refused(settings, message):
    with pytest.raises(MailConfigError, match=message):
        SmtpSettings.from_config(settings)
