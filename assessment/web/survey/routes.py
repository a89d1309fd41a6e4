"""Views of the public funnel. Each view reads or writes through flow.py; templates in templates/survey/."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from assessment import jobs
from assessment.bank import roles
from assessment.bank.listing import reading_time
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.text import LOCALES
from assessment.diagnose.answers import AnswerError
from assessment.diagnose.diagnosis import Diagnosis
from assessment.services import assessments as flow
from assessment.services import funnel, leads, links, reports, verdicts
from assessment.web import charts, drafts
from assessment.web.database import db
from assessment.web.extensions import LANG_COOKIE, limiter
from assessment.web.survey.forms import LeadForm, page_form_class

bp = Blueprint("survey", __name__)


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _locale() -> str:
    return str(get_locale())


def _same_site_referrer() -> bool:
    ref = request.referrer
    return bool(ref) and urlsplit(ref).netloc == request.host


@bp.app_context_processor
def _chrome():
    return {"embed": session.get("embed", False), "locales": LOCALES, "locale": _locale()}


@bp.get("/")
def landing():
    utm = funnel.clean_utm(request.args)
    if utm:
        session["utm"] = utm
    if request.referrer and not _same_site_referrer():
        session["referrer"] = request.referrer[:500]
    if request.args.get("embed") in ("1", "0"):
        session["embed"] = request.args["embed"] == "1"
    funnel.record(db.session, "landing", utm=utm or session.get("utm"))
    db.session.commit()
    draft = drafts.current()
    return render_template(
        "survey/landing.html",
        form=FlaskForm(),
        draft=draft,
        pages=flow.pages(),
        minutes=reading_time(default_questionnaire()).minutes,  # the estimate `assessment questions --stats` prints
        area_names=[a.name[_locale()] for a in default_questionnaire().areas],
    )


@bp.post("/start")
@limiter.limit(_submit_limit)
def start():
    form = FlaskForm()
    if not form.validate():
        abort(400)
    a = flow.start(db.session, locale=_locale(), utm=session.get("utm", {}), referrer=session.get("referrer"))
    return drafts.remember(redirect(url_for(".page", number=1), 303), a)


def _draft_or_home():
    a = drafts.current()
    if a is None:
        if drafts.cookie_token():
            flash(_("We could not find saved answers for this browser. Please start the assessment again."), "error")
        return None, drafts.forget(redirect(url_for(".landing"), 303))
    return a, None


def _open_page(number: int):
    """(page, draft, None) for a respondent who may see page `number`, else (None, None, a redirect)."""
    all_pages = flow.pages()
    if not 1 <= number <= len(all_pages):
        abort(404)
    a, away = _draft_or_home()
    if away:
        return None, None, away
    if a.submitted:
        return None, None, redirect(url_for(".results", token=a.token), 303)
    return all_pages[number - 1], a, None


@bp.get("/q/<int:number>")
def page(number: int):
    pg, a, away = _open_page(number)
    return away or _render_page(pg, a, len(flow.pages()))


@bp.post("/q/<int:number>")
@limiter.limit("240 per minute")
@limiter.limit(_submit_limit, exempt_when=lambda: not _is_last_page())
def save_page(number: int):
    pg, a, away = _open_page(number)
    if away:
        return away
    all_pages = flow.pages()
    locale = _locale()
    back = request.form.get("nav") == "back"
    form = page_form_class(number, locale, strict=not back)()
    if request.form.get("page_marker") != pg.section:
        abort(400)  # a post for another page (an old tab) would blank this page's checklists
    if not form.validate():
        # Keep what is valid on this page; the respondent only fixes the questions named.
        good = {qid: v for qid, v in form.answers().items() if not form[qid].errors}
        flow.save_answers(db.session, a, good)
        return _render_page(pg, a, len(all_pages), form), 422
    flow.save_answers(db.session, a, form.answers(), None if back else pg)
    if back:
        return redirect(url_for(".page", number=max(1, number - 1)), 303)
    if number < len(all_pages):
        return redirect(url_for(".page", number=number + 1), 303)
    return _finish(a)


def _is_last_page() -> bool:
    return (request.view_args or {}).get("number") == len(flow.pages())


def _finish(a):
    try:
        flow.submit(db.session, a)
    except AnswerError as exc:
        # Only a draft saved under an older question bank gets here: drop the answers that no longer
        # fit and send the respondent to the first question to answer again.
        db.session.rollback()
        flow.save_answers(db.session, a, dict.fromkeys(exc.problems, None))
        flash(_("Some questions have changed since you answered them. Please answer them again."), "error")
        return redirect(url_for(".page", number=flow.first_open_page(a).number), 303)
    return redirect(url_for(".results", token=a.token), 303)


def _render_page(pg, a, total, form=None) -> str:
    locale = _locale()
    if form is None:
        form = page_form_class(pg.number, locale)(
            formdata=None, page_marker=pg.section, data={q.id: a.values.get(q.id) for q in pg.questions}
        )
    qn = default_questionnaire()
    if pg.section == flow.PROFILE:
        title = _("About your company")
        intro = _("A few facts about your company. They are not scored; they tailor the report.")
    else:
        title, intro = qn.area(pg.section).name[locale], qn.area(pg.section).description[locale]
    return render_template(
        "survey/page.html",
        form=form,
        page=pg,
        total=total,
        title=title,
        intro=intro,
        questions={q.id: q for q in pg.questions},
        resume_url=url_for(".resume", token=a.token, _external=True),
    )


@bp.get("/resume/<token>")
def resume(token):
    a = flow.find(db.session, token)
    if a is None:
        abort(404)
    target = (
        url_for(".results", token=a.token) if a.submitted else url_for(".page", number=flow.first_open_page(a).number)
    )
    return drafts.remember(redirect(target, 303), a)


@bp.get("/continue")
def continue_():
    a, away = _draft_or_home()
    if away:
        return away
    return redirect(url_for(".resume", token=a.token), 303)


def _submitted(token) -> tuple:
    """The assessment with results to show (submitted at least once), or where to go instead."""
    a = flow.find(db.session, token)
    if a is None:
        abort(404)
    if not a.has_verdict:
        return a, redirect(url_for(".page", number=flow.first_open_page(a).number), 303)
    return a, None


def _awaiting_lead(token) -> tuple:
    """_submitted(), and once a lead is captured, on to the full report instead."""
    a, away = _submitted(token)
    if away is None and a.lead is not None:
        away = redirect(url_for(".report", token=a.token), 303)
    return a, away


def _diagnosis(a) -> Diagnosis:
    return verdicts.diagnosis(a, _locale())


def _lead_form(a, **kw) -> LeadForm:
    form = LeadForm(locale=_locale(), **kw)
    if request.method == "GET":  # prefill from the profile page the respondent already answered
        answers = a.values
        form.role.data = form.role.data or answers.get(roles.RESPONDENT_ROLE.question)
        form.company_size.data = form.company_size.data or answers.get(roles.COMPANY_SIZE.question)
    return form


def consent_text() -> str:
    return _(
        "I agree that the consultancy may contact me by email about this assessment and its services. "
        "I can withdraw this consent at any time."
    )


@bp.get("/results/<token>")
def results(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    d = _diagnosis(a)
    return render_template(
        "survey/results.html", a=a, d=d, chart=charts.radar(d), form=_lead_form(a), consent_text=consent_text()
    )


@bp.post("/results/<token>/lead")
@limiter.limit(_submit_limit)
def lead(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    form = _lead_form(a)
    d = _diagnosis(a)
    if form.is_bot:
        return render_template(
            "errors/message.html",
            title=_("Form not accepted"),
            message=_("The form could not be accepted. Please try again."),
        ), 400
    if not form.validate():
        return render_template(
            "survey/results.html", a=a, d=d, chart=charts.radar(d), form=form, consent_text=consent_text()
        ), 422
    leads.capture_lead(
        db.session,
        a,
        name=form.name.data.strip(),
        company=form.company.data.strip(),
        email=form.email.data.strip(),
        role=form.role.data,
        company_size=form.company_size.data,
        consent=form.consent.data,
        consent_text=consent_text(),
        locale=_locale(),
    )
    if current_app.config.get("PDF_PRERENDER", True):  # ready by the time the respondent clicks "download"
        jobs.enqueue(reports.prerender, db.database, a.id, _locale())
    return redirect(url_for(".report", token=a.token), 303)


@bp.get("/report/<token>")
def report(token):
    a, away = _submitted(token)
    if away:
        return away
    if a.lead is None:
        return redirect(url_for(".results", token=a.token), 303)
    link = links.report_link(db.session, a, current_app.config["REPORT_LINK_DAYS"])
    d = _diagnosis(a)
    return render_template("survey/report.html", a=a, d=d, chart=charts.radar(d), link=link, qn=default_questionnaire())


@bp.get("/pdf/<token>")
def pdf(token):
    link = links.find_link(db.session, token)
    if link is None:
        abort(404)
    if link.expired():
        return render_template(
            "errors/message.html",
            title=_("This link has expired"),
            message=_("Report links are valid for a limited time. Open your results again to get a new link."),
        ), 410
    a = link.assessment
    data = reports.pdf_bytes(db.session, a, _locale())
    funnel.record(db.session, "pdf_downloaded", a)
    db.session.commit()
    filename = f"cmo-assessment-{a.submitted_at:%Y%m%d}.pdf" if a.submitted_at else "cmo-assessment.pdf"
    resp = make_response(data)
    resp.mimetype = "application/pdf"
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp


@bp.get("/lang/<code>")
def switch_language(code):
    if code not in LOCALES:
        abort(404)
    target = request.args.get("next", "")
    parts = urlsplit(target)
    # A path on this site only: never an open redirect, and no control character (CR/LF would split
    # the Location header; urlsplit drops them, so the raw string is checked).
    unsafe = any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or "\\" in target
    if unsafe or parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for(".landing")
    resp = make_response(redirect(target, 303))
    resp.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite=current_app.config["SESSION_COOKIE_SAMESITE"],
    )
    return resp
