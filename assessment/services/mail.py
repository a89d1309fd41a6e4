"""E-mail through the SMTP server the environment names (SMTP_HOST and friends); no server, no mail.

The words are made by the caller (in the respondent's language); this module only delivers, from a
job, so a slow or failing mail server never holds up or breaks the page.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

TLS_MODES = ("starttls", "ssl", "none")


class MailConfigError(ValueError):
    """The SMTP settings cannot work (an unknown TLS mode, a port that is not a number)."""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    tls: str = "starttls"  # starttls | ssl | none (a local relay)
    timeout: float = 20.0

    @classmethod
    def from_config(cls, config: Mapping) -> SmtpSettings | None:
        host = (config.get("SMTP_HOST") or "").strip()
        if not host:
            return None
        tls = (config.get("SMTP_TLS") or "starttls").strip().lower()
        if tls not in TLS_MODES:
            raise MailConfigError(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {tls!r}")
        try:
            port = int(config.get("SMTP_PORT") or (465 if tls == "ssl" else 587))
        except ValueError:
            raise MailConfigError(f"SMTP_PORT must be a number, not {config.get('SMTP_PORT')!r}") from None
        sender = (config.get("SMTP_FROM") or config.get("CONTACT_EMAIL") or "").strip()
        if not sender:
            raise MailConfigError("SMTP_HOST is set but neither SMTP_FROM nor CONTACT_EMAIL names the sender")
        return cls(host, port, sender, config.get("SMTP_USERNAME") or "", config.get("SMTP_PASSWORD") or "", tls)


def message(
    settings: SmtpSettings, *, to: str, to_name: str, sender_name: str, subject: str, body: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = formataddr((sender_name, settings.sender))
    msg["To"] = formataddr((to_name, to))
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    msg.set_content(body)
    return msg


def send(settings: SmtpSettings, msg: EmailMessage) -> None:
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if settings.tls == "ssl":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        if settings.tls == "starttls":
            smtp.starttls(context=context)
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(msg)
