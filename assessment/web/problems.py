"""RFC 9457 problem details for the JSON API."""

from __future__ import annotations

import json

from flask import Response
from werkzeug.http import HTTP_STATUS_CODES

MEDIA_TYPE = "application/problem+json"


def problem(status: int, detail: str, *, title: str | None = None, type_: str = "about:blank", **extra):
    body = {
        "type": type_,
        "title": title or HTTP_STATUS_CODES.get(status, "Error"),
        "status": status,
        "detail": detail,
        **extra,
    }
    # A problem may quote what the client sent, lone surrogates included: those go out as \u escapes,
    # which JSON allows, instead of failing to encode as UTF-8.
    text = json.dumps(body, ensure_ascii=False).encode("utf-8", errors="backslashreplace")
    return Response(text, status=status, mimetype=MEDIA_TYPE)
