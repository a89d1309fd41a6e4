"""CSV downloads, streamed; each export is written to the audit log with its row count."""

from __future__ import annotations

from flask import Response, abort, request, stream_with_context
from flask_babel import get_locale

from assessment.services import audit, exports
from assessment.services.exports import Encoder
from assessment.web.database import db
from assessment.web.workspace.access import admin_only, bp, me
from assessment.web.workspace.leads import filters_from


def _encoder() -> Encoder:
    encoding = request.args.get("encoding", "utf-8").lower().replace("_", "-")
    encoding = {"shift-jis": "cp932", "sjis": "cp932", "utf8": "utf-8"}.get(encoding, encoding)
    if encoding not in exports.ENCODINGS:
        abort(400)
    return Encoder(encoding)


def _download(name: str, rows, encoder: Encoder, target: str) -> Response:
    account, address = me(), request.remote_addr
    counted = [0]

    def counting(it):
        for row in it:
            counted[0] += 1
            yield row

    def body():
        yield from exports.stream(encoder, counting(rows))
        detail = f"{counted[0] - 1} rows, {encoder.encoding}, {encoder.replaced} characters replaced"
        audit.record(db.session, account, "export", target, detail, address=address)

    response = Response(stream_with_context(body()), mimetype="text/csv")
    response.headers["Content-Type"] = f"text/csv; charset={'Shift_JIS' if encoder.encoding == 'cp932' else 'utf-8'}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/export/leads.csv")
def export_leads():
    account = admin_only()  # every lead's contact details: the admin's call
    encoder = _encoder()
    rows = exports.lead_rows(db.session, account, filters_from(request.args))
    return _download("leads.csv", rows, encoder, "leads.csv")


@bp.get("/export/assessments.csv")
def export_assessments():
    encoder = _encoder()
    rows = exports.assessment_rows(db.session, me(), str(get_locale()))
    return _download("assessments.csv", rows, encoder, "assessments.csv")
