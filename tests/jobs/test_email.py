"""The e-mail job against a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Sink

from assessment.jobs import make_dispatcher
from assessment.jobs.tasks import Settings
from assessment.services import jobs as records
from tests.servers import free_port


class Inbox(Sink):
    def __init__(self):
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.original_content)
        return "250 OK"


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


def test_an_email_job_is_sent_once_through_smtp(database, smtp):
    inbox, port = smtp
    settings = Settings(
        smtp={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_FROM": "report@example.jp", "SMTP_TLS": "none"}
    )
    dispatcher = make_dispatcher(database, None, settings=settings)
    dispatcher.email("email:lead:1", "taro@sample.co.jp", "診断レポートのご案内", "レポートはこちらです。")
    assert dispatcher.wait("email:lead:1", 30) == "done"
    dispatcher.email("email:lead:1", "taro@sample.co.jp", "診断レポートのご案内", "レポートはこちらです。")
    assert dispatcher.wait("email:lead:1", 2) == "done"
    dispatcher.close()
    (raw,) = inbox.messages  # the second submission of the same key sent nothing
    message = message_from_bytes(raw)
    assert message["To"] == "taro@sample.co.jp" and message["From"] == "report@example.jp"
    assert str(make_header(decode_header(message["Subject"]))) == "診断レポートのご案内"
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes) and "レポートはこちらです。" in payload.decode()


def test_without_smtp_settings_the_email_job_fails_with_a_reason(database):
    dispatcher = make_dispatcher(database, None)
    dispatcher.email("email:x", "a@example.jp", "s", "b")
    dispatcher.wait("email:x", 10)
    dispatcher.close()  # drops the retry the thread holds for later
    with database.session() as s:
        job = records.find(s, "email:x")
        assert job is not None and "SMTP_HOST" in (job.error or "")
