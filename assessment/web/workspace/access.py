"""Who is asking: every workspace URL needs a signed-in account, and each object is checked against it.

A client or assessment the account may not see answers 404, exactly as an unknown id does, so
guessing ids tells nothing.

The endings every workspace form shares live here too, for each route module to use:
- `form_checked()`: a post that carries only buttons (and the CSRF token) is checked, or 400;
- `see_other(endpoint, message, **values)`: post/redirect/get, with a message flashed if given;
- `refused(message, endpoint, **values)`: a change the service refused (its error's message):
  the session is rolled back, so nothing of it is kept, and the page named says why;
- `page_number()`, `page_count(total, size)` and `past_the_end(endpoint, page, pages)` for the paged lists.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_security import auth_required, current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from assessment.services import accounts, audit
from assessment.store.models import Assessment, Company
from assessment.store.workspace import Account
from assessment.web.database import db

bp = Blueprint("workspace", __name__, url_prefix="/workspace")


@bp.before_request
@auth_required("session")
def _signed_in():
    """auth_required answers first: the sign-in page for a browser, 401 JSON for a JSON request."""


def me() -> Account:
    """The signed-in account (this request's session already holds it: Flask-Security loaded it there)."""
    account = db.session.get(Account, current_user.id)
    if account is None:
        abort(401)
    return account


def client_or_404(company_id: int) -> Company:
    company = db.session.get(Company, company_id)
    if not accounts.can_see_company(db.session, me(), company):
        abort(404)
    assert company is not None
    return company


def assessment_or_404(assessment_id: int) -> Assessment:
    a = db.session.get(Assessment, assessment_id)
    if not accounts.can_see_assessment(db.session, me(), a):
        abort(404)
    assert a is not None
    return a


def posted_account(field: str) -> Account | None:
    """The account whose id the form posted in `field`, or None (missing, not a number, unknown)."""
    raw = request.form.get(field, "")
    return db.session.get(Account, int(raw)) if raw.isdecimal() and len(raw) < 12 else None


def admin_only() -> Account:
    account = me()
    if not account.is_admin:
        abort(403)
    return account


def log(action: str, target: str, detail: str | None = None, *, commit: bool = True) -> None:
    audit.record(db.session, me(), action, target, detail, address=request.remote_addr, commit=commit)


def form_checked() -> None:
    if not FlaskForm().validate():
        abort(400)


def see_other(endpoint: str, message: str | None = None, category: str = "info", **values) -> Response:
    """A 303 to url_for(endpoint, **values) (`_anchor` too), flashing `message` first if there is one."""
    if message:
        flash(message, category)
    return redirect(url_for(endpoint, **values), 303)


def refused(message: str, endpoint: str, **values) -> Response:
    """The service refused the change: keep nothing of it, and say why on the page `endpoint` shows."""
    db.session.rollback()
    return see_other(endpoint, message, "error", **values)


def page_number() -> int:
    """The page `?page=` asks for: a whole number from 1 to 99,999, else the first page.

    isdecimal, not isdigit: "²" is a digit to isdigit that int() refuses, a 500 for a typed URL.
    """
    page = request.args.get("page", "")
    return int(page) if page.isdecimal() and 0 < int(page) < 100_000 else 1


def page_count(total: int, size: int) -> int:
    """Pages of `size` rows that `total` rows fill; one, empty, when there are none."""
    return max(1, -(-total // size))


def past_the_end(endpoint: str, page: int, pages: int) -> Response | None:
    """A page number past the last (an old link, a typed number): a redirect to the last page, the
    filters kept, instead of an empty table saying there is nothing; None for a page that exists."""
    if page <= pages:
        return None
    last: dict[str, Any] = {**request.args.to_dict(), "page": pages}
    return redirect(url_for(endpoint, **last))
