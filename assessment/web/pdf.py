"""The PDF report: rendered once per assessment and locale, kept in the database, served by link.

A lead's PDF is rendered in the background as soon as the lead is captured, so
the download a few seconds later is a database read; anything not rendered yet
(an API client's report_url) is rendered on first download and kept.
WeasyPrint loads on first use only.
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from flask import Flask, Response, abort, current_app, render_template
from flask_babel import get_locale, gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..diagnosis import Diagnosis
from ..store import db
from ..store.models import Assessment, ReportFile
from . import flow, funnel

# One background renderer per process: rendering is CPU-bound, more threads would only queue on the GIL.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pdf")


def render(a: Assessment, locale: str) -> bytes:
    from ..report import render_pdf  # the report package pulls in WeasyPrint

    lead = a.lead
    diagnosis = Diagnosis.from_dict(a.diagnosis_dict(locale))
    # render_pdf serialises renders itself (WeasyPrint is not thread-safe): one lock, the report's.
    return render_pdf(diagnosis, company=lead.company_name if lead else None,
                      respondent=lead.name if lead else None,
                      date=a.submitted_at.date() if a.submitted_at else None)


def pdf_bytes(session: Session, a: Assessment, locale: str) -> bytes:
    """The kept PDF, or render and keep it now (a concurrent render of the same one may win the race)."""
    stored = session.scalar(select(ReportFile.content).where(ReportFile.assessment_id == a.id,
                                                             ReportFile.locale == locale))
    if stored is not None:
        return stored
    content = render(a, locale)
    session.add(ReportFile(assessment_id=a.id, locale=locale, content=content))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
    return content


def prerender(app: Flask, assessment_id: int, locale: str) -> None:
    with app.app_context():
        a = db.session.get(Assessment, assessment_id)
        if a is not None and a.submitted:
            pdf_bytes(db.session, a, locale)


def prerender_later(a: Assessment, locale: str) -> None:
    if current_app.config.get("PDF_PRERENDER", True):
        app = current_app._get_current_object()
        _executor.submit(_logged, app, a.id, locale)


def _logged(app, assessment_id, locale):
    try:
        prerender(app, assessment_id, locale)
    except Exception:  # a failed pre-render is retried by the download itself
        app.logger.exception("pre-rendering the PDF of assessment %s failed", assessment_id)


def download(token: str):
    link = flow.find_link(db.session, token)
    if link is None:
        abort(404)
    if link.expired():
        return render_template("errors/message.html", title=_("This link has expired"),
                               message=_("Report links are valid for a limited time. Open your results again "
                                         "to get a new link.")), 410
    a = link.assessment
    locale = str(get_locale())
    flow.diagnosis_for(db.session, a, locale)  # made on first view in a second language
    data = pdf_bytes(db.session, a, locale if locale in (a.diagnoses or {}) else a.locale)
    funnel.record(db.session, "pdf_downloaded", a)
    db.session.commit()
    filename = f"cmo-assessment-{a.submitted_at:%Y%m%d}.pdf" if a.submitted_at else "cmo-assessment.pdf"
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp
