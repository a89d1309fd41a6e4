"""Configuration from the environment. One function, no import-time reads: tests pass a mapping."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from assessment.services.mail import MailConfigError, SmtpSettings
from assessment.store.database import default_url

DEFAULT_SECRET_KEY = "dev-only-not-secret"
# token_hex(16) is 32 characters: shorter keys are typed by hand, not generated.
MIN_SECRET_LENGTH = 32
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


class ConfigError(RuntimeError):
    """The configuration is unsafe or unusable; the app refuses to start."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _int(env, name: str, default: int, *, minimum: int = 0) -> int:
    raw = env.get(name, "")
    try:
        value = int(raw) if raw.strip() else default
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}")
    return value


def from_env(env=os.environ) -> dict:
    production = env.get("ASSESSMENT_ENV", "production") != "development"
    redis_url = env.get("REDIS_URL", "")
    return {
        "ENV_NAME": "production" if production else "development",
        "SECRET_KEY": env.get("SECRET_KEY", DEFAULT_SECRET_KEY),
        "DATABASE_URL": default_url(env),
        # Space-separated CSP sources allowed to frame the site, e.g. "https://www.example.co.jp".
        "FRAME_ANCESTORS": env.get("FRAME_ANCESTORS", "'self'"),
        # Limits are counted per process in memory; REDIS_URL shares them between every worker.
        "RATELIMIT_STORAGE_URI": (limits_uri := env.get("RATELIMIT_STORAGE_URI") or redis_url or "memory://"),
        # A Redis that hangs rather than refuses must not hold a request (and its slot, web/admission.py):
        # past half a second the limiter gives up and swallows the error (RATELIMIT_SWALLOW_ERRORS).
        "RATELIMIT_STORAGE_OPTIONS": {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        if limits_uri.startswith(("redis://", "rediss://"))
        else {},
        # Jobs (assessment.jobs) on RQ over this Redis, or a thread in each web process without it.
        "REDIS_URL": redis_url or None,
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "SUBMIT_RATE_LIMIT": env.get("SUBMIT_RATE_LIMIT", "30 per minute;300 per hour"),
        "REPORT_LINK_DAYS": _int(env, "REPORT_LINK_DAYS", 30),  # results and PDF links; 0: never expire
        "DRAFT_DAYS": _int(env, "DRAFT_DAYS", 90, minimum=1),  # a draft unchanged this long is no longer resumable
        "SESSION_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), production),
        # Lax keeps cross-site POSTs out. A cross-site iframe embed needs None, TLS and Partitioned (CHIPS):
        # browsers that block third-party cookies still keep a partitioned one, per embedding site.
        "SESSION_COOKIE_SAMESITE": env.get("COOKIE_SAMESITE", "Lax"),
        "SESSION_COOKIE_PARTITIONED": _bool(env.get("COOKIE_PARTITIONED"), False),
        "TRUST_PROXY": _int(env, "TRUST_PROXY", 0),  # hops of X-Forwarded-* to trust
        # Absolute links (resume, results, report) are built on this, never on the request's Host.
        "PUBLIC_BASE_URL": env.get("PUBLIC_BASE_URL", "").strip().rstrip("/"),
        # Host names the site answers to (Flask refuses others with 400); empty: any.
        "TRUSTED_HOSTS": env.get("TRUSTED_HOSTS", "").split() or None,
        "BRAND_NAME": env.get("BRAND_NAME", ""),
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", ""),
        "PRIVACY_URL": env.get("PRIVACY_URL", ""),
        "JOB_QUEUE_PREFIX": env.get("JOB_QUEUE_PREFIX", "cmo:"),
        # Requests running the app's code at once in one process; the others wait their turn (web/admission.py).
        # 0: no limit.
        "WEB_ACTIVE_REQUESTS": _int(env, "WEB_ACTIVE_REQUESTS", 2),
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
        # The results pages' call to action: a booking page, a phone number (and CONTACT_EMAIL).
        "BOOKING_URL": env.get("BOOKING_URL", ""),
        "CONTACT_PHONE": env.get("CONTACT_PHONE", ""),
        # The report link goes to the respondent by e-mail when SMTP_HOST is set (services/mail.py).
        **{key: env.get(key, "") for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_FROM")},
        "SMTP_TLS": env.get("SMTP_TLS", "starttls"),
        **workspace_from_env(env),
    }


DEFAULT_PASSWORD_SALT = "dev-only-pepper"


def workspace_from_env(env) -> dict:
    """The consultant workspace's sign-in (Flask-Security): its secrets come from the environment."""
    return {
        # A pepper: Flask-Security HMACs each password with it before argon2id.
        "SECURITY_PASSWORD_SALT": env.get("SECURITY_PASSWORD_SALT", DEFAULT_PASSWORD_SALT),
        # Encrypts the TOTP secrets at rest; several keys ("2:new 1:old") allow rotation.
        "SECURITY_TOTP_SECRETS": dict(
            item.split(":", 1) for item in env.get("TOTP_SECRETS", "1:dev-only-totp-secret").split()
        ),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "5 per 15 minutes"),  # failed sign-ins per account
        "LOGIN_ADDRESS_RATE_LIMIT": env.get("LOGIN_ADDRESS_RATE_LIMIT", "30 per 15 minutes"),  # per client address
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
    # A rate-limit store that is down must not take the funnel down: count in memory meanwhile.
    "RATELIMIT_SWALLOW_ERRORS": True,
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
    "RATELIMIT_HEADERS_ENABLED": True,  # Retry-After on a 429
    # Rendered fragments of the question pages (templates/survey/page.html): in-process, bounded.
    "CACHE_TYPE": "SimpleCache",
    "CACHE_DEFAULT_TIMEOUT": 0,
    "CACHE_THRESHOLD": 1000,
    **{
        f"SECURITY_{k}": v
        for k, v in {
            # argon2id at OWASP's parameters (19 MiB, 2 passes, 1 lane): ~30 ms a sign-in here.
            "PASSWORD_HASH": "argon2",
            "PASSWORD_HASH_PASSLIB_OPTIONS": {
                "argon2__type": "ID",
                "argon2__memory_cost": 19456,
                "argon2__time_cost": 2,
                "argon2__parallelism": 1,
            },
            "PASSWORD_LENGTH_MIN": 12,
            "URL_PREFIX": "/account",
            "POST_LOGIN_VIEW": "/workspace/",
            "POST_LOGOUT_VIEW": "/account/login",
            "CHANGEABLE": True,
            "POST_CHANGE_VIEW": "/workspace/",
            "SEND_PASSWORD_CHANGE_EMAIL": False,  # no mail server is required to run the workspace
            "REGISTERABLE": False,  # accounts come from the admin: `assessment users create` and invitations
            "RECOVERABLE": False,
            "TRACKABLE": False,
            "TWO_FACTOR": True,  # optional: each user turns it on at /account/tf-setup
            "TWO_FACTOR_REQUIRED": False,
            "TWO_FACTOR_ENABLED_METHODS": ["authenticator"],
            "TOTP_ISSUER": "CMO Thinking Assessment",
            "MULTI_FACTOR_RECOVERY_CODES": False,
            "RETURN_GENERIC_RESPONSES": True,  # a wrong e-mail and a wrong password read the same
            "EMAIL_VALIDATOR_ARGS": {"check_deliverability": False},  # no DNS look-up at sign-in
            "DEFAULT_REMEMBER_ME": False,
            # Its own catalogs, then ours over them: the two-factor pages its ja_JP catalog leaves English.
            "I18N_DIRNAME": ["builtin", str(TRANSLATIONS)],
            # Its default ({"private": True, ...}) comes out as "private=True, no-store=True" with
            # Werkzeug 3.1, which is no no-store at all: None makes the bare directives.
            "CACHE_CONTROL": {"private": None, "no-store": None},
        }.items()
    },
    # Flask-Login: a session moved to another address or browser is dropped.
    "SESSION_PROTECTION": "strong",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def _weak(secret) -> bool:
    """The default, a short key, or one character repeated ("xxxx…"): not a generated secret."""
    secret = (secret or "").strip()
    return secret == DEFAULT_SECRET_KEY or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8


def check(config) -> None:
    for name in ("PUBLIC_BASE_URL", "PRIVACY_URL", "BOOKING_URL"):  # shown as links: no javascript: URL
        value = config.get(name) or ""
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ConfigError(f"{name} must be an http(s) URL such as https://www.example.co.jp/..., not {value!r}")
    try:
        SmtpSettings.from_config(config)
    except MailConfigError as exc:
        raise ConfigError(str(exc)) from None
    cookies_cross_site = str(config.get("SESSION_COOKIE_SAMESITE")).lower() == "none"
    if (cookies_cross_site or config.get("SESSION_COOKIE_PARTITIONED")) and not config.get("SESSION_COOKIE_SECURE"):
        raise ConfigError(
            "COOKIE_SAMESITE=None and COOKIE_PARTITIONED need COOKIE_SECURE (browsers drop them otherwise)"
        )
    if config["ENV_NAME"] != "production":
        return
    if config["SECURITY_PASSWORD_SALT"] in (DEFAULT_PASSWORD_SALT, ""):
        raise ConfigError(
            "refusing to start in production with the default SECURITY_PASSWORD_SALT: set it to a random "
            "string of its own (like SECRET_KEY, e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )
    if "dev-only-totp-secret" in config["SECURITY_TOTP_SECRETS"].values():
        raise ConfigError("refusing to start in production with the default TOTP_SECRETS: set TOTP_SECRETS=1:<random>")
    if _weak(config["SECRET_KEY"]):
        raise ConfigError(
            f"refusing to start in production with a weak SECRET_KEY (the default, or under "
            f"{MIN_SECRET_LENGTH} characters): set SECRET_KEY "
            "(e.g. python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or ASSESSMENT_ENV=development for local use"
        )
    base = config.get("PUBLIC_BASE_URL") or ""
    if base and urlsplit(base).scheme not in ("http", "https"):
        raise ConfigError(
            f"PUBLIC_BASE_URL must be an http(s) URL such as https://diagnosis.example.co.jp, not {base!r}"
        )
    if not base and not config.get("TRUSTED_HOSTS"):
        raise ConfigError(
            "refusing to start in production without PUBLIC_BASE_URL (or TRUSTED_HOSTS): the links the site "
            "sends (resume, results, PDF) would otherwise take their host from the request's Host header"
        )
