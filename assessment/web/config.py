"""Configuration from the environment. One function, no import-time reads: tests pass a mapping."""

from __future__ import annotations

import os
from datetime import timedelta

from assessment.store.database import default_url

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class ConfigError(RuntimeError):
    """The configuration is unsafe or unusable; the app refuses to start."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def from_env(env=os.environ) -> dict:
    production = env.get("ASSESSMENT_ENV", "production") != "development"
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "DATABASE_URL": default_url(env),
        # Space-separated CSP sources allowed to frame the site, e.g. "https://www.example.co.jp".
        "FRAME_ANCESTORS": env.get("FRAME_ANCESTORS", "'self'"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "SUBMIT_RATE_LIMIT": env.get("SUBMIT_RATE_LIMIT", "30 per minute;300 per hour"),
        "REPORT_LINK_DAYS": int(env.get("REPORT_LINK_DAYS", "30")),
        "SESSION_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), production),
        # Lax keeps cross-site POSTs out; a cross-site iframe embed needs None (and TLS).
        "SESSION_COOKIE_SAMESITE": env.get("COOKIE_SAMESITE", "Lax"),
        "TRUST_PROXY": int(env.get("TRUST_PROXY", "0")),  # hops of X-Forwarded-* to trust
        "BRAND_NAME": env.get("BRAND_NAME", ""),
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", ""),
        "PRIVACY_URL": env.get("PRIVACY_URL", ""),
        # Jobs (assessment.jobs): RQ on this Redis, or a thread in each web process without it.
        "REDIS_URL": env.get("REDIS_URL") or None,
        "JOB_QUEUE_PREFIX": env.get("JOB_QUEUE_PREFIX", "cmo:"),
        "PDF_WAIT_SECONDS": float(env.get("PDF_WAIT_SECONDS", "3")),  # then a page that refreshes
        # Render the PDF once a lead asks for it (the lead form), before the download is clicked.
        "PDF_PRERENDER": _bool(env.get("PDF_PRERENDER"), True),
        # Render ahead of any request too: for every API report_url and every results page shown.
        # By default only with a queue, whose workers do it: without one the renders would run on
        # the web process's own cores (0.5 CPU-s each) and slow every request beside them.
        # None: decided in create_app from REDIS_URL.
        "PDF_RENDER_AHEAD": None
        if env.get("PDF_RENDER_AHEAD") in (None, "")
        else _bool(env["PDF_RENDER_AHEAD"], False),
        "SPECULATIVE_LIMIT": int(env.get("SPECULATIVE_LIMIT", "20")),  # queued jobs past which look-ahead renders drop
        "WEBHOOK_ALLOW_PRIVATE": _bool(env.get("WEBHOOK_ALLOW_PRIVATE"), False),  # loopback receivers, for tests
        "SMTP": {k: v for k, v in env.items() if k.startswith("SMTP_")},
    }


BASE = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_NAME": "cmo_session",
    "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
    "MAX_CONTENT_LENGTH": 256 * 1024,  # forms and the API are small; 5 MB bodies get 413
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    "WTF_I18N_ENABLED": False,  # every message is ours (ja + en); WTForms' own catalog loads per request
    "WTF_CSRF_TIME_LIMIT": None,  # a respondent may pause for hours; the token lives with the session
    "BABEL_DEFAULT_LOCALE": "ja",
    "DRAFT_COOKIE": "cmo_draft",
    # Rendered fragments of the question pages (templates/survey/page.html): in-process, bounded.
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 0,
    "CACHE_THRESHOLD": 1000,
}


def check(config) -> None:
    if config["ENV_NAME"] == "production" and config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise ConfigError(
            "refusing to start in production with the default SECRET_KEY: "
            "set SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or ASSESSMENT_ENV=development for local use"
        )
