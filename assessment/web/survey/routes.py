"""Views of the public funnel. Each view reads or writes through flow.py; templates in templates/survey/."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
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
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from assessment.bank import roles
from assessment.bank.listing import reading_time
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.text import LOCALES
from assessment.diagnose.answers import AnswerError
from assessment.diagnose.diagnosis import Diagnosis
from assessment.services import access, funnel, leads, links, mail, reports, verdicts
from assessment.services import assessments as flow
from assessment.store.models import Assessment
from assessment.web import admission, branding, charts, drafts
from assessment.web.database import db
from assessment.web.extensions import LANG_COOKIE, limiter, page_locale
from assessment.web.queue import jobs
from assessment.web.survey.forms import LeadForm, page_form_class, problems
from assessment.web.urls import external_url

bp = Blueprint("survey", __name__)

# Pages whose URL or content carries a token (or a respondent's answers): never kept by a shared
# cache or the browser's disk cache, never indexed.
PRIVATE_ENDPOINTS = frozenset(
    f"survey.{name}"
    for name in (
        *("page", "save_page", "resume", "confirm_resume", "results", "lead", "report", "pdf"),
        *("invitation", "invitation_start", "invited_page", "invited_save"),  # survey/invited.py
    )
)


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def embedded() -> bool:
    """Shown in an iframe: this request says so (Sec-Fetch-Dest, sent by current browsers on every
    framed navigation, redirects and form posts included) or asks for it (?embed=1). Never kept in the
    session: the same browser opening the site directly gets the whole site."""
    return request.headers.get("Sec-Fetch-Dest") == "iframe" or request.args.get("embed") == "1"


def _same_site_referrer() -> bool:
    ref = request.referrer
    return bool(ref) and urlsplit(ref).netloc == request.host


@bp.app_context_processor
def _chrome():
    return {
        "embed": embedded(),
        "locales": LOCALES,
        "locale": page_locale(),
        "noindex": request.endpoint in PRIVATE_ENDPOINTS,
        "brand": _brand_settings(),
    }


def _brand_settings() -> dict:
    return branding.site(current_app.config)


# The error summary's lines for a WTForms form (the interview pages' template calls it).
bp.add_app_template_global(problems, "form_problems")


@bp.app_template_filter("by_reason")
def _by_reason(evidence) -> list[tuple[str, list]]:
    """Evidence grouped by its "why", in the order first seen: a reason is said once."""
    groups: dict[str, list] = {}
    for e in evidence:
        groups.setdefault(e.why, []).append(e)
    return list(groups.items())


@bp.after_request
def _private(response):
    if request.endpoint in PRIVATE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/")
def landing():
    utm = funnel.clean_utm(request.args)
    if utm:
        session["utm"] = utm
    if request.referrer and not _same_site_referrer():
        session["referrer"] = funnel.clean_referrer(request.referrer)
    if not session.get("landed"):  # a visit, not every reload: one row per browser session
        funnel.record(db.session, "landing", utm=utm or session.get("utm"))
        db.session.commit()
        session["landed"] = True
    draft = drafts.current()
    area_names = [a.name[page_locale()] for a in default_questionnaire().areas]
    all_pages = flow.pages()
    return render_template(
        "survey/landing.html",
        form=FlaskForm(),
        draft=draft,
        pages=all_pages,
        questions=sum(len(p.questions) for p in all_pages),
        minutes=reading_time(default_questionnaire()).minutes,  # the estimate `assessment questions --stats` prints
        area_names=area_names,
        sample_chart=charts.sample_radar(area_names, page_locale()),
        sample_overall=round(sum(charts.SAMPLE_SCORES) / len(charts.SAMPLE_SCORES)),
    )


@bp.post("/start")
@limiter.limit(_submit_limit)
def start():
    form = FlaskForm()
    if not form.validate():
        abort(400)
    a = flow.start(db.session, locale=page_locale(), utm=session.get("utm", {}), referrer=session.get("referrer"))
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
        return None, None, redirect(url_for(".results", token=a.results_token), 303)
    return all_pages[number - 1], a, None


@dataclass(frozen=True)
class Answering:
    """Where a respondent's answers live and where their pages are, so one set of question pages
    serves the public funnel (the draft cookie) and an invited respondent (the invitation's link).

    page_url(number): the page's URL; finish(a): the response once the last page is in;
    resume_url(a): the private "continue later" link, or None where the page's own URL is that link.
    """

    page_url: Callable[[int], str]
    finish: Callable[[Assessment], ResponseReturnValue]
    resume_url: Callable[[Assessment], str | None]


def _funnel_resume_url(a: Assessment) -> str:
    return external_url(".resume", token=a.resume_token, lang=page_locale())


@bp.get("/q/<int:number>")
def page(number: int):
    pg, a, away = _open_page(number)
    return away or render_page(pg, a, FUNNEL)


@bp.post("/q/<int:number>")
@limiter.limit("240 per minute")
@limiter.limit(_submit_limit, exempt_when=lambda: not _is_last_page() or request.form.get("nav") == "save")
def save_page(number: int):
    pg, a, away = _open_page(number)
    return away or answer_page(pg, a, FUNNEL)


def answer_page(pg, a: Assessment, where: Answering) -> ResponseReturnValue:
    """A posted question page: save what is valid, then on to the next page, back, or finish."""
    all_pages = flow.pages()
    locale = page_locale()
    number = pg.number
    if request.form.get("page_marker") != pg.section:
        abort(400)  # a post for another page (an old tab) would blank this page's checklists
    if request.form.get("nav") == "save":
        return _autosave(a, number, locale)
    back = request.form.get("nav") == "back"
    form = page_form_class(number, locale, strict=not back)()
    if not form.validate():
        # Keep what is valid on this page; the respondent only fixes the questions named.
        good = {qid: v for qid, v in form.answers().items() if not form[qid].errors}
        flow.save_answers(db.session, a, good)
        shown = {q.id: form[q.id].data for q in pg.questions}
        return render_page(pg, a, where, shown, form.first_errors()), 422
    flow.save_answers(db.session, a, form.answers(), None if back else pg)
    if back:
        return redirect(where.page_url(max(1, number - 1)), 303)
    if number < len(all_pages):
        return redirect(where.page_url(number + 1), 303)
    return where.finish(a)


def _autosave(a, number: int, locale: str):
    """An answer saved as it is given (site.js): only the questions the respondent touched on this
    page, so an untouched checklist is not taken for "none of these"; a tampered value is dropped."""
    form = page_form_class(number, locale, strict=False)()
    form.validate()
    touched = set(request.form.getlist("touched"))
    good = {qid: v for qid, v in form.answers().items() if qid in touched and not form[qid].errors}
    flow.save_answers(db.session, a, good)
    return "", 204


def _is_last_page() -> bool:
    return (request.view_args or {}).get("number") == len(flow.pages())


def submit_or_back(a: Assessment, where: Answering, done: Callable[[], ResponseReturnValue]) -> ResponseReturnValue:
    """Submit the answers and answer with done(); an answer that no longer fits the bank sends the
    respondent back to it instead."""
    try:
        flow.submit(db.session, a, results_days=current_app.config["REPORT_LINK_DAYS"])
    except AnswerError as exc:
        # Only a draft saved under an older question bank gets here: drop the answers that no longer
        # fit and send the respondent to the first question to answer again.
        db.session.rollback()
        flow.save_answers(db.session, a, dict.fromkeys(exc.problems, None))
        flash(_("Some questions have changed since you answered them. Please answer them again."), "error")
        return redirect(where.page_url(flow.first_open_page(a).number), 303)
    return done()


def _finish(a):
    return submit_or_back(a, FUNNEL, lambda: redirect(url_for(".results", token=a.results_token), 303))


FUNNEL = Answering(lambda n: url_for(".page", number=n), _finish, _funnel_resume_url)


def render_page(pg, a, where: Answering, values: dict | None = None, errors: dict | None = None) -> str:
    """The page from the bank itself; WTForms only checks what comes back (page_form_class).

    values: what to show as chosen (the draft's answers, or on a 422 what was just posted);
    errors: question id -> the message to show beside it.
    """
    locale = page_locale()
    values = a.values if values is None else values
    errors = errors or {}
    qn = default_questionnaire()
    if pg.section == flow.PROFILE:
        title = _("About your company")
        intro = _("A few facts about your company. They are not scored; they tailor the report.")
    else:
        title, intro = qn.area(pg.section).name[locale], qn.area(pg.section).description[locale]
    return render_template(
        "survey/page.html",
        page=pg,
        total=len(flow.pages()),
        title=title,
        intro=intro,
        values=values,
        # What the rendered questions depend on, and so their cache key (templates/survey/page.html).
        questions_key=json.dumps([qn.version, pg.number, locale, [values.get(q.id) for q in pg.questions]]),
        errors=errors,
        problems=[(q.id, q.text[locale], errors[q.id]) for q in pg.questions if q.id in errors],
        page_url=where.page_url(pg.number),
        resume_url=where.resume_url(a),
    )


@bp.get("/continue")
def continue_():
    """Where this browser's own draft continues (or its results, once submitted)."""
    a, away = _draft_or_home()
    if away:
        return away
    if a.submitted:
        return redirect(url_for(".results", token=a.results_token), 303)
    return redirect(url_for(".page", number=flow.first_open_page(a).number), 303)


def _submitted(token) -> tuple:
    """The assessment whose results this token reads, or where to go instead (410 once expired)."""
    a = access.by_results_token(db.session, token)
    if a is None or not a.has_verdict:
        abort(404)
    if a.results_expired():
        return a, (
            render_template(
                "errors/message.html",
                title=_("This link has expired"),
                message=_(
                    "Links to results are valid for %(days)s days after the assessment. Please take the assessment again.",
                    days=current_app.config["REPORT_LINK_DAYS"],
                ),
            ),
            410,
        )
    return a, None


def _awaiting_lead(token) -> tuple:
    """_submitted(), and once a lead is captured, on to the full report instead."""
    a, away = _submitted(token)
    if away is None and a.lead is not None:
        away = redirect(url_for(".report", token=a.results_token), 303)
    return a, away


def _diagnosis(a) -> Diagnosis:
    return verdicts.diagnosis(a, page_locale())


def _lead_form(a, **kw) -> LeadForm:
    form = LeadForm(locale=page_locale(), **kw)
    if request.method == "GET":  # prefill from the profile page the respondent already answered
        answers = a.values
        form.role.data = form.role.data or answers.get(roles.RESPONDENT_ROLE.question)
        form.company_size.data = form.company_size.data or answers.get(roles.COMPANY_SIZE.question)
    return form


def brand_name(*, sentence_start: bool = False) -> str:
    # English needs a capital where the name opens a sentence or signs an e-mail.
    fallback = _("The consultancy") if sentence_start else _("the consultancy")
    return _brand_settings()["name"] or fallback


def acknowledgement_text() -> str:
    return _(
        "I have read how %(brand)s uses my answers and contact details: to prepare and send my report, "
        "and to answer me if I ask about it.",
        brand=brand_name(),
    )


def consent_text() -> str:
    return _(
        "%(brand)s may also send me e-mail about its services. Optional: the report does not depend on it, "
        "and I can withdraw this consent at any time.",
        brand=brand_name(sentence_start=True),
    )


def _gate(a, d, form):
    return render_template(
        "survey/results.html",
        a=a,
        d=d,
        chart=charts.radar(d),
        form=form,
        problems=problems(form),
        consent_text=consent_text(),
        acknowledgement_text=acknowledgement_text(),
    )


# The lead gate's fields kept across the redirect after a post with errors (post/redirect/get): what
# the respondent typed, each cut to one character past its limit so a "too long" message still shows
# and the session cookie stays small. Never the CSRF token or the honeypot.
GATE_KEPT = {"name": 101, "company": 201, "email": 255, "role": 64, "company_size": 64, "acknowledge": 2, "consent": 2}
GATE_SESSION_KEY = "gate"


def _keep_gate_post(a) -> None:
    session[GATE_SESSION_KEY] = {
        "assessment": a.id,
        "fields": {k: request.form[k][:n] for k, n in GATE_KEPT.items() if k in request.form},
    }


def _kept_gate_form(a) -> LeadForm | None:
    """The form as last posted for this assessment, validated again (its messages in today's language)."""
    kept = session.get(GATE_SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("assessment") != a.id or not isinstance(kept.get("fields"), dict):
        return None
    fields = {k: v for k, v in kept["fields"].items() if k in GATE_KEPT and isinstance(v, str)}
    form = LeadForm(formdata=MultiDict(fields), locale=page_locale())
    form.validate()
    # The kept fields hold no CSRF token (never kept): its field renders a fresh one for the next post.
    if "csrf_token" in form:  # absent when CSRF is off (tests)
        form.csrf_token.errors = []
    return form


@bp.get("/results/<token>")
def results(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    if current_app.config["PDF_RENDER_AHEAD"]:  # the respondent may fill the lead gate: render ahead
        jobs().render(a.id, a.revision, page_locale(), priority="speculative")
    return _gate(a, _diagnosis(a), _kept_gate_form(a) or _lead_form(a))


@bp.post("/results/<token>/lead")
@limiter.limit(_submit_limit)
def lead(token):
    a, away = _awaiting_lead(token)
    if away:
        return away
    form = _lead_form(a)
    if form.is_bot:
        return render_template(
            "errors/message.html",
            title=_("Form not accepted"),
            message=_("The form could not be accepted. Please try again."),
        ), 400
    if not form.validate():
        # Post/redirect/get: a reload of the page with the messages asks nothing of the browser.
        _keep_gate_post(a)
        return redirect(url_for(".results", token=a.results_token, _anchor="error-summary"), 303)
    session.pop(GATE_SESSION_KEY, None)
    lead = leads.capture_lead(
        db.session,
        a,
        name=form.name.data.strip(),
        company=form.company.data.strip(),
        email=form.email.data.strip(),
        role=form.role.data,
        company_size=form.company_size.data,
        consent=form.consent.data,
        consent_text=consent_text(),
        acknowledgement_text=acknowledgement_text(),
        locale=page_locale(),
    )
    if current_app.config["PDF_PRERENDER"]:  # ready by the time the respondent clicks "download"
        jobs().render(a.id, a.revision, page_locale())
    _email_report_link(a, lead)
    return redirect(url_for(".report", token=a.results_token), 303)


def _email_report_link(a, lead) -> None:
    """Send the respondent the links to the full result and the PDF, once, when SMTP is configured."""
    settings = mail.SmtpSettings.from_config(current_app.config)
    if settings is None or not leads.claim_report_email(db.session, lead):
        return
    link = links.report_link(db.session, a, current_app.config["REPORT_LINK_DAYS"])
    body = render_template(
        "survey/report_email.txt",
        name=lead.name,
        brand=brand_name(sentence_start=True),
        results_url=external_url(".report", token=a.results_token),
        pdf_url=external_url(".pdf", token=link.token),
        expires=link.expires_at,
    )
    jobs().email(
        f"email:report-link:{lead.id}",
        lead.email,
        _("Your CMO Thinking Assessment report"),
        body,
        to_name=lead.name,
        sender_name=_brand_settings()["name"] or _("CMO Thinking Assessment"),
    )


@bp.get("/report/<token>")
def report(token):
    a, away = _submitted(token)
    if away:
        return away
    if a.lead is None:
        return redirect(url_for(".results", token=a.results_token), 303)
    link = links.report_link(db.session, a, current_app.config["REPORT_LINK_DAYS"])
    d = _diagnosis(a)
    ready = reports.stored(db.session, a, page_locale()) is not None
    if not ready:
        jobs().render(a.id, a.revision, page_locale())
    html = render_template(
        "survey/report.html", a=a, d=d, chart=charts.radar(d), link=link, qn=default_questionnaire(), pdf_ready=ready
    )
    # Until the PDF is kept, the page says so and reloads itself (the Refresh header every browser follows).
    return html if ready else (html, 200, {"Refresh": "3"})


@bp.get("/pdf/<token>")
@limiter.limit("20 per minute")  # a render costs a quarter second of CPU: not for the taking
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
    data = _kept_pdf(a)
    if data is None:
        return (
            render_template(
                "errors/message.html",
                title=_("PDF being prepared…"),
                message=_(
                    "Your PDF report is being prepared. This page reloads by itself and the download starts when it is ready."
                ),
            ),
            202,
            {"Refresh": "3", "Retry-After": "3", "Cache-Control": "no-store"},
        )
    funnel.record(db.session, "pdf_downloaded", a)
    db.session.commit()
    filename = f"cmo-assessment-{a.submitted_at:%Y%m%d}.pdf" if a.submitted_at else "cmo-assessment.pdf"
    resp = make_response(data)
    resp.mimetype = "application/pdf"
    resp.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    resp.headers["Cache-Control"] = "private, no-store"
    resp.headers["X-Robots-Tag"] = "noindex"
    return resp


def _kept_pdf(a) -> bytes | None:
    """The kept PDF, or None after waiting PDF_WAIT_SECONDS for its job: the web never renders one itself."""
    locale = page_locale() if page_locale() in LOCALES else a.locale
    data = reports.stored(db.session, a, locale)
    if data is not None:
        return data
    key = jobs().render(a.id, a.revision, locale)
    db.session.rollback()  # end this transaction: a SQLite reader would not see the job's commit
    with admission.waiting():  # no slot held while only waiting (web/admission.py)
        finished = jobs().wait(key, current_app.config["PDF_WAIT_SECONDS"])
    if finished != "done":
        return None
    return reports.stored(db.session, a, locale)


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
    return set_language(make_response(redirect(target, 303)), code)


def set_language(resp, code: str):
    resp.set_cookie(
        LANG_COOKIE,
        code,
        max_age=365 * 24 * 3600,
        httponly=True,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        samesite=current_app.config["SESSION_COOKIE_SAMESITE"],
        partitioned=current_app.config["SESSION_COOKIE_PARTITIONED"],
    )
    return resp
