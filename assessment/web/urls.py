"""Absolute links (resume, results, PDF) on the configured public address, never on the Host header.

A Host header is the client's to choose: a link built on it and sent back (the API's report_url,
the resume link) can point at another site. PUBLIC_BASE_URL names the site; without it (allowed in
development, or in production with TRUSTED_HOSTS, which Flask checks) the request's host is used.
"""

from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
