"""Outgoing HTTP to URLs an admin typed in: never to this network's own machines.

A webhook URL could name (or later resolve to) 127.0.0.1, 10.x, 169.254.169.254 (a cloud's
metadata service) and so on. The host is resolved once, every address checked, and the request
sent to the checked address itself (the Host header and TLS name stay the URL's), so a DNS
answer that changes in between cannot redirect it. Redirects are not followed: a receiver
answering 3xx is a failed try, logged.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx


class Refused(ValueError):
    """The URL is not one this site sends requests to; the message says why, `reason` names it for a page
    to say in its own language: scheme, credentials, port, unresolvable or private."""

    def __init__(self, message: str, reason: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Answer:
    status: int
    duration_ms: int


def check_url(url: str, *, allow_private: bool) -> None:
    """Raise Refused unless `url` is http(s) with a host (plain http and private hosts only when allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise Refused("the URL must start with https:// and name a host", "scheme")
    if parts.scheme == "http" and not allow_private:
        raise Refused("the URL must use https://", "scheme")
    if parts.username or parts.password:
        raise Refused("the URL must not carry a user name or password", "credentials")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as exc:
        raise Refused(f"bad port: {exc}", "port") from None


def resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The first address `host` resolves to, refusing if any is not public (unless allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise Refused(f"cannot resolve {host}: {exc}", "unresolvable") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise Refused(f"{host} resolves to {address}, a private, loopback or reserved address", "private")
    return addresses[0]


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> Answer:
    """POST body to url through the guard. Network errors raise httpx.HTTPError; Refused raises Refused."""
    check_url(url, allow_private=allow_private)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = resolve(host, port, allow_private=allow_private)
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    netloc = host if parts.port is None else f"{host}:{parts.port}"
    started = time.monotonic()
    with (
        httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False) as client,
        # Streamed and never read: only the status counts, and a receiver's huge body costs nothing.
        client.stream(
            "POST",
            pinned,
            content=body,
            headers={**headers, "Host": netloc},
            extensions={"sni_hostname": host},  # TLS checks the certificate against the URL's host
        ) as response,
    ):
        return Answer(response.status_code, int((time.monotonic() - started) * 1000))
