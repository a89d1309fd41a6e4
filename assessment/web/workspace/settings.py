"""Branding and contact settings (services/branding.py): admins only; every change is in the audit log."""

from __future__ import annotations

from flask import abort, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from assessment.bank.text import LOCALES
from assessment.report.branding import Branding
from assessment.services import branding, reports
from assessment.web import admission
from assessment.web import branding as site_branding
from assessment.web.database import db
from assessment.web.workspace.access import admin_only, bp, see_other
from assessment.web.workspace.forms import SettingsForm


def _page(form: SettingsForm, status: int = 200):
    stored = branding.stored(db.session)
    return render_template(
        "workspace/settings.html",
        form=form,
        stored=stored,
        shown=branding.apply(Branding.from_env(), stored),  # what reports get now
        defaults=Branding.from_env(),
    ), status


@bp.get("/settings")
def settings():
    admin_only()
    stored = branding.stored(db.session)
    form = SettingsForm(data={field: getattr(stored, field) or "" for field in branding.TEXT_FIELDS})
    return _page(form)


@bp.post("/settings")
def settings_save():
    admin = admin_only()
    form = SettingsForm()
    if not form.validate():
        return _page(form, 422)
    changed = branding.update(
        db.session,
        admin,
        {field: form[field].data for field in branding.TEXT_FIELDS},
        logo=form.logo_bytes,
        remove_logo=form.remove_logo.data,
        address=request.remote_addr,
    )
    site_branding.forget()
    return see_other(
        ".settings", _("Settings saved. Reports made from now on carry them.") if changed else _("Nothing changed.")
    )


@bp.get("/settings/logo")
def settings_logo():
    admin_only()
    stored = branding.stored(db.session)
    if not stored.logo or not stored.logo_type:
        abort(404)
    response = make_response(stored.logo)
    response.headers["Content-Type"] = stored.logo_type
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/settings/sample.pdf")
def settings_sample_pdf():
    admin_only()
    locale = request.args.get("locale", "")
    locale = locale if locale in LOCALES else str(get_locale())
    with admission.waiting():  # a render is long CPU work: it shares the core outside the gate (web/admission.py)
        content = reports.sample_pdf(db.session, locale)
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="sample-report-{locale}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
