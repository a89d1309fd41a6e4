"""Settings from the environment: unsafe values refuse to start, with a message naming the setting."""

from __future__ import annotations

import pytest

from assessment.web import create_app
from assessment.web.config import ConfigError, check, from_env

STRONG = "9c2f4e1a7b3d8e6f0a5c2b9d4e7f1a3c"
SIGN_IN = {"SECURITY_PASSWORD_SALT": "5d1b7f3a9c2e4086bd1f3a5c7e9b2d48", "TOTP_SECRETS": "1:8a2c4e6b1d3f5079"}
PRODUCTION = {"SECRET_KEY": STRONG, "PUBLIC_BASE_URL": "https://diagnosis.example.co.jp", **SIGN_IN}


@pytest.mark.parametrize("secret", ["", " ", "changeme", "secret", "x" * 40, "dev-only-not-secret", "abcabcabc" * 4])
def test_production_refuses_a_weak_secret_key(secret):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        check(from_env({**PRODUCTION, "SECRET_KEY": secret}))


def test_production_starts_with_a_generated_secret_and_a_public_address():
    check(from_env(PRODUCTION))
    check(from_env({"SECRET_KEY": STRONG, "TRUSTED_HOSTS": "diagnosis.example.co.jp www.example.co.jp", **SIGN_IN}))


def test_production_refuses_to_build_links_on_the_host_header():
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL"):
        check(from_env({"SECRET_KEY": STRONG, **SIGN_IN}))


def test_development_allows_the_default_secret_and_any_host():
    check(from_env({"ASSESSMENT_ENV": "development"}))


@pytest.mark.parametrize("value", ["-1", "-30", "abc", "1.5"])
def test_report_link_days_must_be_a_whole_number_not_below_zero(value):
    with pytest.raises(ConfigError, match="REPORT_LINK_DAYS"):
        from_env({**PRODUCTION, "REPORT_LINK_DAYS": value})


def test_zero_report_link_days_means_links_never_expire():
    assert from_env({**PRODUCTION, "REPORT_LINK_DAYS": "0"})["REPORT_LINK_DAYS"] == 0


@pytest.mark.parametrize("name", ["PUBLIC_BASE_URL", "PRIVACY_URL", "BOOKING_URL"])
@pytest.mark.parametrize("value", ["javascript:alert(1)", "diagnosis.example.co.jp", "ftp://x.example"])
def test_link_settings_must_be_http_urls(name, value):
    with pytest.raises(ConfigError, match=name):
        create_app({"ENV_NAME": "development", "SECRET_KEY": "t", name: value})


def test_redis_url_shares_the_rate_limits_unless_a_storage_is_named():
    assert from_env({"REDIS_URL": "redis://r:6379/0"})["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    named = {"REDIS_URL": "redis://r:6379/0", "RATELIMIT_STORAGE_URI": "redis://other:6379/1"}
    assert from_env(named)["RATELIMIT_STORAGE_URI"] == "redis://other:6379/1"
    assert from_env({})["RATELIMIT_STORAGE_URI"] == "memory://"


@pytest.mark.parametrize("missing", ["SECURITY_PASSWORD_SALT", "TOTP_SECRETS"])
def test_production_refuses_the_workspace_dev_secrets(missing):
    with pytest.raises(ConfigError, match=missing):
        check(from_env({k: v for k, v in PRODUCTION.items() if k != missing}))
