"""The dashboard: the consultant's portfolio of companies, and the company page's tracking charts."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import get_locale

from assessment.services import portfolio
from assessment.store.models import Company
from assessment.web.database import db
from assessment.web.workspace.access import bp, me, page_number


@bp.get("/dashboard")
def dashboard():
    args = request.args
    show = args.get("show", "all")
    sort = args.get("sort", "due")
    desc = args.get("desc") == "1"
    found = portfolio.portfolio(
        db.session,
        me(),
        show=show,
        sort=sort,
        desc=desc,
        page=page_number(),
    )
    return render_template(
        "workspace/dashboard.html",
        found=found,
        show=show if show in portfolio.SHOWS else "all",
        sort=sort if sort in portfolio.SORTS else "due",
        desc=desc,
        areas={a.id: a.name[str(get_locale())] for a in portfolio.default_questionnaire().areas},
    )


@bp.app_template_global()
def company_tracking(company: Company) -> portfolio.CompanyTracking:
    """For templates/workspace/_company_tracking.html: the page that includes it has checked access."""
    return portfolio.company_tracking(db.session, company, str(get_locale()))
