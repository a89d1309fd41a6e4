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
            "I18N_DIRNAME": "builtin",
        }.items()
    },
    # Flask-Login: a session moved to another address or browser is dropped.
    "SESSION_PROTECTION": "strong",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
}


def check(config) -> None:
    if config["ENV_NAME"] == "production" and config["SECURITY_PASSWORD_SALT"] in (DEFAULT_PASSWORD_SALT, ""):
        raise ConfigError(
            "refusing to start in production with the default SECURITY_PASSWORD_SALT: set it as SECRET_KEY"
        )
    if config["ENV_NAME"] == "production" and "dev-only-totp-secret" in config["SECURITY_TOTP_SECRETS"].values():
        raise ConfigError("refusing to start in production with the default TOTP_SECRETS: set TOTP_SECRETS=1:<random>")
    if config["ENV_NAME"] == "production" and config["SECRET_KEY"] in (DEFAULT_SECRET_KEY, "", None):
        raise ConfigError(
            "refusing to start in production with the default SECRET_KEY: "
            "set SECRET_KEY (e.g. python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or ASSESSMENT_ENV=development for local use"
        )
