"""The PDF download behind an unguessable, expiring link. WeasyPrint loads on first use only."""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import abort, current_app, render_template, Response
from flask_babel import get_locale, gettext as _

from ..diagnosis import Diagnosis
from ..store import db
from . import flow, funnel

# Rendered PDFs by (assessment token, locale): a report never changes after submission, and a
# prospect often clicks twice. Small and per process; the database stays the source of truth.
_CACHE: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_CACHE_SIZE = 64
_LOCK = threading.Lock()


def _render(a, locale: str) -> bytes:
    key = (a.token, locale)
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    from ..report import render_pdf  # the report package pulls in WeasyPrint

    lead = a.lead
    data = render_pdf(Diagnosis.from_dict(a.diagnosis_dict(locale)),
                      company=lead.company_name if lead else None,
                      respondent=lead.name if lead else None,
                      date=a.submitted_at.date() if a.submitted_at else None)
    with _LOCK:
        _CACHE[key] = data
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return data


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
    data = _render(a, locale if locale in (a.diagnoses or {}) else a.locale)
    funnel.record(db.session, "pdf_downloaded", a)
    db.session.commit()
    filename = f"cmo-assessment-{a.submitted_at:%Y%m%d}.pdf" if a.submitted_at else "cmo-assessment.pdf"
    resp = Response(data, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    current_app.logger.debug("pdf served for link %s…", token[:6])
    return resp
