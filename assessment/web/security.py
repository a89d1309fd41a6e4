"""Security headers on every response: CSP without inline script, HSTS behind TLS; bounded bodies."""

from flask import Flask, request


def _csp(frame_ancestors: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            f"frame-ancestors {frame_ancestors}",
        ]
    )


def _bounded_chunked_body() -> None:
    """413 for a chunked body over MAX_CONTENT_LENGTH, as for one that declares its length.

    Without a Content-Length, Werkzeug reads such a body up to the limit and silently stops there:
    the form or JSON parsed from the cut body then fails with a misleading 400 (or worse, parses).
    Reading the allowed part here (kept for the parsers) and one byte more raises the 413.
    """
    if request.content_length is None and request.environ.get("wsgi.input_terminated") and request.max_content_length:
        request.get_data(cache=True)
        request.stream.read(1)  # past the limit: RequestEntityTooLarge


def init_app(app: Flask) -> None:
    csp = _csp(app.config["FRAME_ANCESTORS"])
    app.before_request(_bounded_chunked_body)

    @app.after_request
    def _headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", csp)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config["FRAME_ANCESTORS"].strip() in ("'self'", "self"):
            h.setdefault("X-Frame-Options", "SAMEORIGIN")  # for browsers older than CSP level 2
        if request.is_secure:
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
