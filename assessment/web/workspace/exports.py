"""CSV downloads, streamed; each export is written to the audit log with its row count."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from flask import Response, abort, request, stream_with_context
from flask_babel import get_locale
from sqlalchemy.orm import Session

from assessment.services import audit, exports
from assessment.services.exports import Encoder
from assessment.store.workspace import Account
from assessment.web.database import db
from assessment.web.workspace.access import admin_only, bp, me
from assessment.web.workspace.leads import filters_from


def _encoder() -> Encoder:
    encoding = request.args.get("encoding", "utf-8").lower().replace("_", "-")
    encoding = {"shift-jis": "cp932", "sjis": "cp932", "utf8": "utf-8"}.get(encoding, encoding)
    if encoding not in exports.ENCODINGS:
        abort(400)
    return Encoder(encoding)


def _download(
    name: str, make_rows: Callable[[Session, Account], Iterator[list]], target: str, safe: bool = False
) -> Response:
    """Stream make_rows(session, account) as CSV (safe: its rows are formula-safe already).

    The rows are read inside the stream, on the session of the context stream_with_context keeps:
    the view's own session is closed when the view returns, and a generator made on it would
    reopen it outside any teardown and leave its transaction open.
    """
    encoder, account_id, address = _encoder(), me().id, request.remote_addr

    def body():
        session = db.session
        account = session.get(Account, account_id)
        if account is None:  # removed since the request began: nothing to export to anyone
            return
        yield from exports.stream(encoder, make_rows(session, account), safe=safe)
        rows = encoder.rows_written - 1  # less the header
        detail = f"{rows} rows, {encoder.encoding}, {encoder.replaced} characters replaced"
        audit.record(session, account, "export", target, detail, address=address)

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Type"] = f"text/csv; charset={'Shift_JIS' if encoder.encoding == 'cp932' else 'utf-8'}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/export/leads.csv")
def export_leads():
    admin_only()  # every lead's contact details: the admin's call
    filters = filters_from(request.args)
    locale = str(get_locale())  # the labels beside the codes, in the workspace's language
    return _download(
        "leads.csv", lambda session, account: exports.lead_rows(session, account, filters, locale), "leads.csv"
    )


@bp.get("/export/assessments.csv")
def export_assessments():
    locale = str(get_locale())
    return _download(
        "assessments.csv",
        lambda session, account: exports.assessment_rows(session, account, locale),
        "assessments.csv",
        safe=True,
    )
