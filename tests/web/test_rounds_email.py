"""Invitations by e-mail: the e-mail job, a real SMTP server (aiosmtpd), the respondent's language."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

from tests.web.test_report_email import _text, inbox, mail_app  # noqa: F401  (fixtures)
from tests.web.test_rounds import new_client, open_round
from tests.web.workspace import signed_in


def _subject(msg) -> str:
    return str(make_header(decode_header(msg["Subject"])))


def test_each_invitation_is_mailed_once_in_the_respondents_language(mail_app, inbox):  # noqa: F811
    box, _ = inbox
    client, _ = signed_in(mail_app, "mailer@example.jp")
    token = open_round(client, new_client(client, "株式会社メール"))
    sent = client.post(
        f"/workspace/rounds/{token}/invitations",
        data={"role": "management", "name": "山田 太郎", "email": "yamada@client.example.jp", "locale": "ja"},
    )
    assert "yamada@client.example.jp に招待を送信しています" in client.get(sent.location).data.decode()
    client.post(
        f"/workspace/rounds/{token}/invitations",
        data={"role": "marketing", "name": "Jane Doe", "email": "jane@client.example.jp", "locale": "en"},
    )
    messages = box.wait(2)
    assert len(messages) == 2
    by_to = {msg["To"]: msg for msg in messages}
    ja = next(m for to, m in by_to.items() if "yamada@client.example.jp" in to)
    en = next(m for to, m in by_to.items() if "jane@client.example.jp" in to)
    assert _subject(ja) == "【ご回答のお願い】株式会社メール のCMO思考診断"
    assert _subject(en) == "Invitation: CMO Thinking Assessment for 株式会社メール"
    assert "サンプルコンサルティング" in str(make_header(decode_header(ja["From"])))
    ja_body, en_body = _text(ja), _text(en)
    assert "山田 太郎" in ja_body and "「経営」の立場" in ja_body and "匿名にはなりません" in ja_body
    assert "Dear Jane Doe," in en_body and "as Marketing" in en_body and "not anonymous" in en_body
    ja_link = re.search(r"https://diagnosis\.example\.co\.jp(/i/\S+)\?lang=ja", ja_body)
    en_link = re.search(r"https://diagnosis\.example\.co\.jp(/i/\S+)\?lang=en", en_body)
    assert ja_link and en_link and ja_link.group(1) != en_link.group(1)
    respondent = mail_app.test_client()
    opened = respondent.get(en_link.group(1) + "?lang=en")
    assert opened.status_code == 303 and opened.location == en_link.group(1)
    page = respondent.get(opened.location).data.decode()
    assert '<html lang="en">' in page and "answer as Marketing" in page


def test_without_smtp_the_consultant_is_told_to_copy_the_link(app):
    client, _ = signed_in(app, "nomail@example.jp")
    token = open_round(client, new_client(client))
    sent = client.post(
        f"/workspace/rounds/{token}/invitations",
        data={"role": "sales", "email": "sales@client.example.jp", "locale": "ja"},
    )
    page = client.get(sent.location).data.decode()
    assert "メール送信が設定されていません" in page and "/i/" in page
