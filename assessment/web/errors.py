"""Error pages and problem+json: every bad request ends in a clear 4xx, never a 500."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask.globals import request_ctx
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from assessment.web import drafts
from assessment.web.problems import problem


def _is_api() -> bool:
    return request.path.startswith("/api/")


def _messages(code: int) -> tuple[str, str]:
    return {
        400: (_("Bad request"), _("The request could not be understood. Your saved answers are kept.")),
        404: (
            _("Page not found"),
            _("This page or link does not exist. Links to results are long and must be copied completely."),
        ),
        405: (_("Not allowed"), _("This address does not accept that kind of request.")),
        410: (_("Gone"), _("This link is no longer valid.")),
        413: (
            _("Too much data"),
            _("The form sent far more data than a questionnaire needs and was refused. Your saved answers are kept."),
        ),
        503: (
            _("Briefly unavailable"),
            _(
                "The site could not save or read data just now. Please try again in a moment; your saved answers are kept."
            ),
        ),
        429: (
            _("Too many requests"),
            _(
                "Too many submissions from your network in a short time. Please wait a "
                "minute and try again; your saved answers are kept."
            ),
        ),
    }.get(code, (_("Something went wrong"), _("Please try again in a moment. Your saved answers are kept.")))


def page(title: str, message: str, code: int, *, back: bool = False, new_tab: bool = False):
    """The HTML error page, or a bare one when the request has no URL adapter (an unusable Host
    header), where the site's templates, which build links, cannot render."""
    if request_ctx.url_adapter is None:
        html = (
            f'<!doctype html><html lang="{get_locale()}"><meta charset="utf-8"><title>{escape(title)}</title>'
            f"<h1>{escape(title)}</h1><p>{escape(message)}</p></html>"
        )
        return html, code, {"Content-Type": "text/html; charset=utf-8"}
    return render_template("errors/message.html", title=title, message=message, back=back, new_tab=new_tab), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(exc):
        if _is_api():
            return problem(400, exc.description)
        if request.headers.get("Sec-Fetch-Dest") == "iframe" and not request.cookies:
            # Embedded on another site in a browser that keeps no cookie for the frame: it never will.
            return page(
                _("This form cannot be sent here"),
                _(
                    "Your browser does not let this embedded form keep the cookie it needs. "
                    "Please take the assessment in a new tab."
                ),
                400,
                new_tab=True,
            )
        if drafts.current() is None:
            return page(
                _("The form has expired"),
                _(
                    "For your security, the form must be sent from this site within your browser session. "
                    "Please start again from the start page."
                ),
                400,
            )
        return page(
            _("The form has expired"),
            _(
                "For your security, the form must be sent from this site within your "
                "browser session. Your saved answers are kept: go back, reload the page "
                "and send it again."
            ),
            400,
            back=True,
        )

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        code = exc.code or 500
        if _is_api():
            return problem(code, exc.description or "")
        title, message = _messages(code)
        if code == 413 and request.path.startswith("/workspace/settings"):  # the logo upload, not a questionnaire
            message = _(
                "The file is too large: a logo may be at most 200 KB. Nothing was saved; go back and choose a smaller one."
            )
        return page(title, message, code, back=code in (400, 413, 429))

    @app.errorhandler(OperationalError)
    def _database_away(exc: OperationalError):
        # The database restarting or out of reach: the client may retry, nothing it saw succeed is lost.
        app.logger.warning("database unavailable on %s %s: %s", request.method, request.path, exc.orig)
        headers = {"Retry-After": "5"}
        if _is_api():
            response = problem(503, "the database is unavailable: retry shortly")
            response.headers.update(headers)
            return response
        title, message = _messages(503)
        return render_template("errors/message.html", title=title, message=message, back=True), 503, headers

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        if _is_api():
            return problem(500, "internal error")
        title, message = _messages(500)
        return page(title, message, 500)
