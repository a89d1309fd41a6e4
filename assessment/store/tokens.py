"""Unguessable public tokens: the only way a respondent's data is reached by URL."""

from __future__ import annotations

import secrets

# 24 bytes = 192 bits of randomness (the issue asks for at least 128).
TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(value: str | None) -> bool:
    """Cheap shape check before a database look-up (url-safe base64, sane length)."""
    return value is not None and 16 <= len(value) <= 64 and all(c.isalnum() or c in "-_" for c in value)
