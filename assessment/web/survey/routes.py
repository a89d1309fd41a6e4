"""Views of the public funnel. Each view reads or writes through flow.py; templates in templates/survey/."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import (Blueprint, abort, current_app, flash, get_flashed_messages, make_response, redirect,
                   render_template, request, session, url_for)
from flask_babel import get_locale, gettext as _
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from ... import AnswerError
from ...diagnosis import Diagnosis
from ...questionnaire import default_questionnaire
from ...store import db
from ...text import LOCALES
from .. import charts, drafts, flow, funnel
from ..extensions import LANG_COOKIE, limiter
from ..sessions import Bounded
from .forms import LeadForm, page_form_class

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
    return render_template("survey/landing.html", form=FlaskForm(), draft=draft,
                           pages=flow.pages(), minutes=7,
                           area_names=[a.name[_locale()] for a in default_questionnaire().areas])


@bp.post("/start")
@limiter.limit(_submit_limit)
def start():
    form = FlaskForm()
    if not form.validate():
        abort(400)
    a = flow.start(db.session, locale=_locale(), utm=session.get("utm", {}), referrer=session.get("referrer"))
    return drafts.remember(redirect(url_for(".page", number=1), 303), a)


def _draft_or_home(find=drafts.current):
    a = find()
    if a is None:
        if drafts.cookie_token():
            flash(_("We could not find saved answers for this browser. Please start the assessment again."),
                  "error")
        return None, drafts.forget(redirect(url_for(".landing"), 303))
    return a, None


def _open_page(number: int, find=drafts.current):
    """(page, draft, None) for a respondent who may see page `number`, else (None, None, a redirect)."""
    all_pages = flow.pages()
    if not 1 <= number <= len(all_pages):
        abort(404)
    a, away = _draft_or_home(find)
    if away:
        return None, None, away
    if a.submitted:
        return None, None, redirect(url_for(".results", token=a.token), 303)
    return all_pages[number - 1], a, None


@bp.get("/q/<int:number>")
def page(number: int):
    # Its own view, apart from the POST: no rate-limit bookkeeping, and a read of the three
    # columns the page shows instead of the whole assessment.
    pg, a, away = _open_page(number, drafts.current_view)
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
        flow.save_page(db.session, a, good)
        return _render_page(pg, a, len(all_pages), form), 422
    flow.save_page(db.session, a, form.answers(), None if back else pg)
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
        flow.save_page(db.session, a, dict.fromkeys(exc.problems, None))
        flash(_("Some questions have changed since you answered them. Please answer them again."), "error")
        return redirect(url_for(".page", number=flow.first_open_page(a).number), 303)
    return redirect(url_for(".results", token=a.token), 303)


# Placeholders for the per-request parts of a cached question page; random per process, so no
# label or answer can contain one.
_SLOT = secrets.token_hex(8)
CSRF_SLOT = Markup(f"slot-{_SLOT}-csrf")
RESUME_SLOT = Markup(f"slot-{_SLOT}-resume")
CSRF_INPUT = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">')


def _render_page(pg, a, total, form=None) -> str:
    """The question page: the hottest page of the site.

    Without errors (a GET) and without flashed messages it depends only on the key below, so each
    process renders it once per key with placeholders for the two per-request values, the session's
    CSRF token and the draft's resume link, and fills those in on every request.
    """
    locale = _locale()
    cache = key = None
    if form is None and not get_flashed_messages() and not _reloading():
        try:
            key = (pg.number, locale, session.get("embed", False), request.host_url, request.full_path,
                   tuple(_hashable(a.draft.get(q.id)) for q in pg.questions))
            hash(key)
        except TypeError:  # a draft value that cannot be a key (never saved by this site): no cache
            key = None
        else:
            cache = current_app.extensions.get("question_pages")
            if cache is None:
                cache = current_app.extensions["question_pages"] = Bounded(512)
    html = cache.get(key) if cache is not None else None
    if html is None:
        if form is None:
            form = page_form_class(pg.number, locale)(formdata=None, page_marker=pg.section,
                                                      data={q.id: a.draft.get(q.id) for q in pg.questions})
        html = _render_page_template(form, pg, total, locale)
        if cache is not None:
            cache.put(key, html)
    csrf = CSRF_INPUT % generate_csrf() if current_app.config.get("WTF_CSRF_ENABLED", True) else ""
    resume = escape(url_for(".resume", token=a.token, _external=True))
    return html.replace(CSRF_SLOT, csrf).replace(RESUME_SLOT, resume)


def _render_page_template(form, pg, total, locale) -> str:
    qn = default_questionnaire()
    if pg.section == flow.PROFILE:
        title = _("About your company")
        intro = _("A few facts about your company. They are not scored; they tailor the report.")
    else:
        title, intro = qn.area(pg.section).name[locale], qn.area(pg.section).description[locale]
    questions = {q.id: q for q in pg.questions}
    return render_template("survey/page.html", form=form, page=pg, total=total, title=title, intro=intro,
                           questions=questions, csrf_field=CSRF_SLOT, resume_url=RESUME_SLOT)


def _reloading() -> bool:
    """Under debug the templates reload on change: render every page afresh."""
    return current_app.debug or bool(current_app.config.get("TEMPLATES_AUTO_RELOAD"))


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


@bp.get("/resume/<token>")
def resume(token):
    a = flow.find(db.session, token)
    if a is None:
        abort(404)
    target = url_for(".results", token=a.token) if a.submitted else url_for(
        ".page", number=flow.first_open_page(a).number)
    return drafts.remember(redirect(target, 303), a)


@bp.get("/continue")
def continue_():
    a, away = _draft_or_home()
    if away:
        return away
    return redirect(url_for(".resume", token=a.token), 303)


def _submitted(token) -> tuple:
    a = flow.find(db.session, token)
    if a is None:
        abort(404)
    if not a.submitted:
        return a, redirect(url_for(".page", number=flow.first_open_page(a).number), 303)
    return a, None


def _awaiting_lead(token) -> tuple:
    """_submitted(), and once a lead is captured, on to the full report instead."""
    a, away = _submitted(token)
    if away is None and a.lead is not None:
        away = redirect(url_for(".report", token=a.token), 303)
    return a, away


def _diagnosis(a) -> Diagnosis:
    return Diagnosis.from_dict(flow.diagnosis_for(db.session, a, _locale()))


def _lead_form(a, **kw) -> LeadForm:
    form = LeadForm(locale=_locale(), **kw)
    if request.method == "GET":  # prefill from the profile page the respondent already answered
        form.role.data = form.role.data or a.draft.get("pf_role")
        form.company_size.data = form.company_size.data or a.draft.get("pf_company_size")
    return form


def consent_text() -> str:
    return _("I agree that the consultancy may contact me by email about this assessment and its services. "
             "I can withdraw this consent at any time.")


@bp.get("/results/<token>")
def results(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    d = _diagnosis(a)
    return render_template("survey/results.html", a=a, d=d, chart=charts.radar(d), form=_lead_form(a),
                           consent_text=consent_text())


@bp.post("/results/<token>/lead")
@limiter.limit(_submit_limit)
def lead(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    form = _lead_form(a)
    d = _diagnosis(a)
    if form.is_bot:
        return render_template("errors/message.html", title=_("Form not accepted"),
                               message=_("The form could not be accepted. Please try again.")), 400
    if not form.validate():
        return render_template("survey/results.html", a=a, d=d, chart=charts.radar(d), form=form,
                               consent_text=consent_text()), 422
    flow.capture_lead(db.session, a, name=form.name.data.strip(), company=form.company.data.strip(),
                      email=form.email.data.strip(), role=form.role.data, company_size=form.company_size.data,
                      consent=form.consent.data, consent_text=consent_text(), locale=_locale())
    from .. import pdf as pdf_view

    pdf_view.prerender_later(a, _locale())  # ready by the time the respondent clicks "download"
    return redirect(url_for(".report", token=a.token), 303)


@bp.get("/report/<token>")
def report(token):
    a, away = _submitted(token)
    if away:
        return away
    if a.lead is None:
        return redirect(url_for(".results", token=a.token), 303)
    link = flow.report_link(db.session, a, current_app.config["REPORT_LINK_DAYS"])
    d = _diagnosis(a)
    return render_template("survey/report.html", a=a, d=d, chart=charts.radar(d), link=link,
                           qn=default_questionnaire())


@bp.get("/pdf/<token>")
def pdf(token):
    from .. import pdf as pdf_view  # WeasyPrint loads only when a PDF is asked for

    return pdf_view.download(token)


@bp.get("/lang/<code>")
def switch_language(code):
    if code not in LOCALES:
        abort(404)
    target = request.args.get("next", "")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        target = url_for(".landing")  # never an open redirect
    resp = make_response(redirect(target, 303))
    resp.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, httponly=True,
                    secure=current_app.config["SESSION_COOKIE_SECURE"],
                    samesite=current_app.config["SESSION_COOKIE_SAMESITE"])
    return resp
