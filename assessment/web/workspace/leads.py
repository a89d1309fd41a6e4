"""The leads inbox: filters, a lead's page, status, assignment, conversion to a client."""

from __future__ import annotations

import time
from datetime import date

from flask import abort, current_app, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from assessment.bank import roles
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.rules import PITFALL_IDS, default_rulebook
from assessment.services import accounts, inbox, verdicts
from assessment.services.inbox import Filters, InboxError
from assessment.store.workspace import LEAD_STATUSES, Account
from assessment.web import admission, charts
from assessment.web.database import db
from assessment.web.workspace.access import (
    bp,
    form_checked,
    log,
    me,
    page_count,
    page_number,
    past_the_end,
    posted_account,
    refused,
    see_other,
)

LEAD_PROFILE = {"role": roles.RESPONDENT_ROLE, "size": roles.COMPANY_SIZE}


@bp.app_template_global("lead_label")
def lead_label(field: str, value: str | None) -> str:
    """A lead's role or company size ("role", "size") as a label in the page's language, values of
    earlier banks included (questions/retired.yaml)."""
    return default_questionnaire().answer_label(LEAD_PROFILE[field].question, value, str(get_locale())) or "—"


def status_names() -> dict[str, str]:
    return {
        "new": _("new"),
        "contacted": _("contacted"),
        "qualified": _("qualified"),
        "won": _("won"),
        "lost": _("lost"),
    }


def inbox_error(code: str) -> str:
    return {
        "unknown_status": _("Please choose a status from the list."),
        "unknown_account": _("Please choose a consultant from the list."),
        "not_assignee": _("This lead is assigned to another consultant."),
        "client_of_another": _(
            "This company is already a client of another consultant. Ask them or an administrator to share it."
        ),
    }.get(code, _("This change could not be made."))


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_from(args) -> Filters:
    level = args.get("level", "")
    pitfall = args.get("pitfall") or None
    status = args.get("status") or None
    return Filters(
        level=int(level) if level in ("1", "2", "3", "4", "5") else None,
        pitfall=pitfall if pitfall in PITFALL_IDS else None,
        source=(args.get("source") or "")[:100] or None,
        status=status if status in LEAD_STATUSES else None,
        since=_date(args.get("since")),
        until=_date(args.get("until")),
    )


SOURCES_STALE_SECONDS = 60.0


def _sources() -> list[str]:
    """The filter's list of UTM sources, read at most once a minute per process.

    Why: it is a DISTINCT over every lead, the same for any filter or page, and was a third of the
    inbox's database time; a source first seen a minute late in the list costs nothing.
    """
    kept = current_app.extensions.get("lead_sources")
    now = time.monotonic()
    if kept is None or now - kept[0] >= SOURCES_STALE_SECONDS:
        kept = current_app.extensions["lead_sources"] = (now, inbox.sources(db.session))
    return kept[1]


@bp.get("/leads")
def lead_list():
    f = filters_from(request.args)
    number = page_number()
    rows, total = inbox.list_leads(db.session, me(), f, number)
    pages = page_count(total, inbox.PAGE_SIZE)
    if (last := past_the_end(".lead_list", number, pages)) is not None:
        return last
    log("view", "leads", f"{total} leads")
    return render_template(
        "workspace/leads.html",
        rows=rows,
        total=total,
        f=f,
        page=number,
        pages=pages,
        sources=_sources(),
        statuses=status_names(),
        pitfalls=PITFALL_IDS,
        pitfall_titles={pid: p.title[str(get_locale())] for pid, p in default_rulebook().catalog.pitfalls.items()},
        args={k: v for k, v in request.args.items() if k != "page"},
    )


def _lead_or_404(lead_id: int):
    lead = inbox.get(db.session, me(), lead_id)
    if lead is None:
        abort(404)
    return lead


@bp.get("/leads/<int:lead_id>")
def lead_detail(lead_id: int):
    lead = _lead_or_404(lead_id)
    a = lead.assessment
    d = verdicts.diagnosis(a, str(get_locale())) if a.has_verdict else None
    log("view", f"lead:{lead.id}")
    return render_template(
        "workspace/lead.html",
        lead=lead,
        a=a,
        d=d,
        chart=charts.radar(d) if d else None,
        statuses=status_names(),
        consultants=accounts.consultants(db.session),
        assignee=db.session.get(Account, lead.assignee_id) if lead.assignee_id else None,
        changed_by=db.session.get(Account, lead.status_by_id) if lead.status_by_id else None,
        form=FlaskForm(),
    )


@bp.post("/leads/<int:lead_id>/status")
def lead_status(lead_id: int):
    lead = _lead_or_404(lead_id)
    form_checked()
    try:
        inbox.set_status(db.session, me(), lead, request.form.get("status", ""))
    except InboxError as exc:
        return refused(inbox_error(exc.code), ".lead_detail", lead_id=lead.id)
    log("change", f"lead:{lead.id}", f"status {lead.status}")
    return see_other(".lead_detail", lead_id=lead.id)


@bp.post("/leads/<int:lead_id>/assign")
def lead_assign(lead_id: int):
    lead = _lead_or_404(lead_id)
    form_checked()
    assignee = posted_account("assignee")
    if request.form.get("assignee") and assignee is None:
        return refused(inbox_error("unknown_account"), ".lead_detail", lead_id=lead.id)
    try:
        inbox.assign(db.session, me(), lead, assignee)
    except InboxError as exc:
        return refused(inbox_error(exc.code), ".lead_detail", lead_id=lead.id)
    log("change", f"lead:{lead.id}", f"assigned to account:{lead.assignee_id}")
    return see_other(".lead_detail", lead_id=lead.id)


@bp.post("/leads/<int:lead_id>/convert")
def lead_convert(lead_id: int):
    lead = _lead_or_404(lead_id)
    form_checked()
    try:
        company = inbox.convert(db.session, me(), lead)
    except InboxError as exc:
        return refused(inbox_error(exc.code), ".lead_detail", lead_id=lead.id)
    log("change", f"lead:{lead.id}", f"converted to company:{company.id}")
    converted = _("The lead is now a client. Its self-assessment is the company's first assessment.")
    return see_other(".client_detail", converted, company_id=company.id)


@bp.get("/leads/<int:lead_id>/report.pdf")
def lead_pdf(lead_id: int):
    from flask import make_response

    from assessment.services import reports

    lead = _lead_or_404(lead_id)
    if not lead.assessment.has_verdict:
        abort(404)
    with admission.waiting():  # a render is long CPU work: it shares the core outside the gate (web/admission.py)
        content = reports.pdf_bytes(db.session, lead.assessment, str(get_locale()))
    log("export", f"lead:{lead.id}", "PDF")
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="lead-{lead.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
