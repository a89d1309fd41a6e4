"""RFC 9457 problem details for the JSON API."""

from __future__ import annotations

from flask import jsonify
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
    resp = jsonify(body)
    resp.status_code = status
    resp.mimetype = MEDIA_TYPE
    return resp
