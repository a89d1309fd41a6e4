"""Rounds on the workspace: open one from a client, invite respondents, close it, its report.

A round is found by its token in the URL; every route checks that the signed-in account may see
the round's client (404 otherwise, like an unknown token) and writes the audit log. The use cases
are in services/rounds.py; the respondents' own pages are survey/invited.py.
"""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from assessment.bank.listing import reading_time
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.text import LOCALES
from assessment.services import accounts, mail, rounds
from assessment.services.rounds import RoundError
from assessment.store.models import RESPONDENT_ROLES, Assessment, Company, Round, RoundInvitation, utcnow
from assessment.web import admission
from assessment.web.database import db
from assessment.web.extensions import page_locale
from assessment.web.queue import jobs
from assessment.web.survey.forms import TOO_LONG, OptionField, OptionSelectField, printable_only
from assessment.web.survey.invited import role_names
from assessment.web.urls import external_url
from assessment.web.workspace.access import bp, client_or_404, form_checked, log, me, refused, see_other

LANGUAGES = [SelectChoice("ja", "日本語"), SelectChoice("en", "English")]


def _roles() -> list[SelectChoice]:
    names = role_names()
    return [SelectChoice(r, names[r]) for r in RESPONDENT_ROLES]


class OpenForm(FlaskForm):
    period = StringField(
        _l("Period"),
        filters=[lambda v: v.strip().upper() if isinstance(v, str) else v],
        validators=[
            DataRequired(_l("Please enter the period, such as 2026-Q4.")),
            Regexp(r"^\d{4}-Q[1-4]$", message=_l("Please enter the period as a year and quarter, such as 2026-Q4.")),
        ],
    )


class InviteForm(FlaskForm):
    role = OptionSelectField(_l("Role"))
    name = StringField(
        _l("Name (optional)"), validators=[Optional(), Length(max=100, message=TOO_LONG), printable_only]
    )
    email = StringField(
        _l("E-mail (optional: the invitation is sent to it)"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[
            Optional(),
            Length(max=254, message=TOO_LONG),
            Email(
                message=_l("Please enter a valid email address, like name@example.co.jp."), check_deliverability=False
            ),
        ],
    )
    locale = OptionSelectField(_l("Language of the invitation"), choices=LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _roles()


class AddForm(FlaskForm):
    assessment = OptionSelectField(_l("Interview or self-assessment"))
    role = OptionSelectField(_l("Answering as"))


class CloseForm(FlaskForm):
    rule = OptionField(
        _l("How the round's diagnosis is made"),
        choices=[
            SelectChoice("reference", _l("From one reference respondent's answers")),
            SelectChoice("median", _l("Question by question, the median of all respondents' answers")),
        ],
        default="reference",
    )
    reference = OptionSelectField(_l("Reference respondent"))


class DueForm(FlaskForm):
    due = DateField(_l("Next round due"), validators=[DataRequired(_l("Please enter a date."))])


def _round_or_404(token: str) -> Round:
    r = rounds.find(db.session, token)
    if r is None or not accounts.can_see_company(db.session, me(), r.company):
        abort(404)
    return r


def round_error(exc: RoundError) -> str:
    """The service's reason in the consultant's language (the service's words are English)."""
    text = str(exc)
    known = {
        "this company already has an open round": _("This client already has an open round: close it first."),
        "the round is closed": _("The round is closed: this can no longer be changed."),
        "nobody has submitted": _("Nobody has sent answers in this round yet: there is nothing to close it on."),
        "the reference respondent": _("The reference respondent has not sent answers in this round."),
        "this assessment belongs to another company": _("This assessment belongs to another client."),
        "this assessment already belongs to another round": _("This assessment is already part of another round."),
        "this respondent has answered": _("This respondent has answered: their answers count in the round."),
        "the next round is due": _("The next round is due after this one closed, within three years."),
        "targets must be": _("Targets are levels 1 to 5 of the five areas."),
        "that step was not recommended": _("That step was not recommended in this round."),
    }
    return next((msg for start, msg in known.items() if text.startswith(start)), _("This change could not be made."))


def _candidates(r: Round) -> list[Assessment]:
    return rounds.candidates(db.session, r)


def _assessment_label(a: Assessment) -> str:
    kind = _("Interview") if a.kind == "consultant" else _("Self-assessment")
    state = _("submitted") if a.has_verdict else _("in progress")
    return f"{kind} #{a.id} — {a.created_at:%Y-%m-%d} · {state}"


def _respondent_name(a: Assessment, invitations: dict[int, RoundInvitation]) -> str:
    inv = invitations.get(a.id)
    if inv is not None:
        return inv.name or inv.email or _("Invited respondent #%(n)s", n=inv.id)
    if a.kind == "consultant":
        return _("Interview #%(n)s", n=a.id)
    return a.lead.name if a.lead else _("Self-assessment #%(n)s", n=a.id)


def _close_form(r: Round, invitations) -> CloseForm:
    form = CloseForm()
    form.reference.choices = [
        SelectChoice(str(a.id), f"{_respondent_name(a, invitations)} ({role_names()[a.respondent_role or 'other']})")
        for a in rounds.submitted(r)
    ]
    if form.reference.data is None:
        first = next((a for a in rounds.submitted(r) if a.respondent_role == "management"), None)
        form.reference.data = str(first.id) if first else None
    return form


def _add_form(r: Round) -> AddForm:
    form = AddForm()
    form.assessment.choices = [SelectChoice(str(a.id), _assessment_label(a)) for a in _candidates(r)]
    form.role.choices = _roles()
    return form


def _round_page(r: Round, *, invite_form=None, add_form=None, close_form=None, status=200):
    invitations = {inv.assessment_id: inv for inv in r.invitations if inv.assessment_id}
    qn = default_questionnaire()
    sides = rounds.sides(r)
    return render_template(
        "workspace/round.html",
        r=r,
        company=r.company,
        invitations=r.invitations,
        states={inv.id: rounds.invitation_state(inv) for inv in r.invitations},
        links={inv.id: external_url("survey.invitation", token=inv.token) for inv in r.invitations},
        others=[a for a in r.respondents if a.id not in invitations],
        names={a.id: _respondent_name(a, invitations) for a in r.respondents},
        submitted=rounds.submitted(r),
        outdated=rounds.outdated(r, qn),
        version=qn.version,
        one_side=bool(sides) and not {"management", "marketing"} <= sides,
        side_names=[role_names()[role] for role in RESPONDENT_ROLES if role in sides],
        previous=rounds.previous_closed(db.session, r),
        invite_form=invite_form or InviteForm(formdata=None, locale=page_locale()),
        add_form=add_form or _add_form(r),
        close_form=close_form or _close_form(r, invitations),
        mail_on=mail.SmtpSettings.from_config(current_app.config) is not None,
    ), status


@bp.post("/clients/<int:company_id>/rounds")
def round_open(company_id: int):
    company = client_or_404(company_id)
    form = OpenForm()
    back = {"company_id": company.id, "_anchor": "rounds"}
    if not form.validate():
        problem = form.period.errors[0] if form.period.errors else _("The form could not be read.")
        return see_other(".client_detail", problem, "error", **back)
    try:
        r = rounds.open_round(db.session, company, period=form.period.data)
    except RoundError as exc:
        return refused(round_error(exc), ".client_detail", **back)
    log("change", f"round:{r.id}", f"opened {r.period} for company:{company.id}")
    return see_other(".round_detail", token=r.token)


@bp.get("/rounds/<token>")
def round_detail(token: str):
    r = _round_or_404(token)
    log("view", f"round:{r.id}")
    return _round_page(r)


@bp.post("/rounds/<token>/invitations")
def round_invite(token: str):
    r = _round_or_404(token)
    form = InviteForm()
    if not form.validate():
        return _round_page(r, invite_form=form, status=422)
    name, email = (form.name.data or "").strip() or None, form.email.data or None
    try:
        inv = rounds.invite(db.session, r, form.role.data, name=name, email=email, locale=form.locale.data)
    except RoundError as exc:
        return refused(round_error(exc), ".round_detail", token=r.token)
    log("change", f"round:{r.id}", f"invited {inv.role} (invitation:{inv.id})")
    if inv.email:
        if _email_invitation(inv):
            flash(_("The invitation is being sent to %(email)s.", email=inv.email), "info")
        else:
            flash(
                _("E-mail is not set up on this site (SMTP_HOST): copy the link below and send it yourself."), "error"
            )
    else:
        flash(_("Invitation made: copy the link below and send it to the respondent."), "info")
    return see_other(".round_detail", token=r.token, _anchor=f"invitation-{inv.id}")


def _email_invitation(inv: RoundInvitation) -> bool:
    """Send the link by the e-mail job, in the respondent's language; False when SMTP is not set up."""
    if mail.SmtpSettings.from_config(current_app.config) is None or not inv.email:
        return False
    brand = current_app.config["BRAND_NAME"]
    with force_locale(inv.locale):
        body = render_template(
            "workspace/round_invitation_email.txt",
            inv=inv,
            role=role_names()[inv.role],
            brand=brand or _("the consultancy"),
            consultant=me().label,
            url=external_url("survey.invitation", token=inv.token, lang=inv.locale),
            minutes=reading_time(default_questionnaire()).minutes,
        )
        subject = _("Invitation: CMO Thinking Assessment for %(company)s", company=inv.round.company.name)
        sender = brand or _("CMO Thinking Assessment")
    jobs().email(
        f"email:round-invitation:{inv.id}", inv.email, subject, body, to_name=inv.name or "", sender_name=sender
    )
    return True


@bp.post("/rounds/<token>/invitations/<int:invitation_id>/revoke")
def round_revoke(token: str, invitation_id: int):
    r = _round_or_404(token)
    form_checked()
    inv = db.session.get(RoundInvitation, invitation_id)
    if inv is None or inv.round_id != r.id:
        abort(404)
    try:
        rounds.revoke(db.session, inv)
    except RoundError as exc:
        return refused(round_error(exc), ".round_detail", token=r.token)
    log("change", f"round:{r.id}", f"revoked invitation:{inv.id}")
    return see_other(".round_detail", _("The invitation is revoked: its link opens nothing now."), token=r.token)


@bp.post("/rounds/<token>/respondents")
def round_add(token: str):
    r = _round_or_404(token)
    form = _add_form(r)
    if not form.validate():  # a tampered id or role is not among the choices
        return _round_page(r, add_form=form, status=422)
    a = db.session.get(Assessment, int(form.assessment.data))
    assert a is not None  # one of the candidates
    try:
        rounds.add_respondent(db.session, r, a, form.role.data)
    except RoundError as exc:
        return refused(round_error(exc), ".round_detail", token=r.token)
    log("change", f"round:{r.id}", f"added assessment:{a.id} as {a.respondent_role}")
    return see_other(".round_detail", _("Added to the round."), token=r.token, _anchor="respondents")


@bp.post("/rounds/<token>/close")
def round_close(token: str):
    r = _round_or_404(token)
    invitations = {inv.assessment_id: inv for inv in r.invitations if inv.assessment_id}
    if r.status == "open" and not rounds.submitted(r):  # no form to fill in: say why first
        return see_other(".round_detail", round_error(RoundError("nobody has submitted")), "error", token=r.token)
    form = _close_form(r, invitations)
    if not form.validate():
        return _round_page(r, close_form=form, status=422)
    reference = None
    if form.rule.data == "reference" and form.reference.data:
        reference = db.session.get(Assessment, int(form.reference.data))
    try:
        rounds.close_round(db.session, r, rule=form.rule.data, reference=reference)
    except RoundError as exc:
        return refused(round_error(exc), ".round_detail", token=r.token)
    log(
        "change",
        f"round:{r.id}",
        f"closed by {r.rule}" + (f" on assessment:{r.reference_id}" if r.reference_id else ""),
    )
    done = (
        _("The round is closed.")
        if {"management", "marketing"} <= rounds.sides(r)
        else _("The round is closed. It has no comparison of management and marketing: only one side answered.")
    )
    return see_other(".round_report", done, token=r.token)


def _report_page(r: Round, due_form=None, status=200):
    locale = page_locale()
    d, tracking, gap = rounds.report_views(db.session, r, locale)
    qn = default_questionnaire()
    reference = db.session.get(Assessment, r.reference_id) if r.reference_id else None
    invitations = {inv.assessment_id: inv for inv in r.invitations if inv.assessment_id}
    return render_template(
        "workspace/round_report.html",
        r=r,
        company=r.company,
        d=d,
        tracking=tracking,
        gap=gap,
        reference=reference and _respondent_name(reference, invitations),
        one_side=not {"management", "marketing"} <= rounds.sides(r),
        outdated=rounds.outdated(r, qn),
        levels=range(1, len(qn.levels) + 1),
        targets=r.targets or {},
        marks=r.step_status or {},
        due_form=due_form or DueForm(formdata=None, due=r.due_at.date() if r.due_at else None),
        has_open=any(row.round.status == "open" for row in rounds.company_rounds(db.session, r.company)),
    ), status


def _closed_or_back(r: Round):
    if r.status != "closed":
        return see_other(
            ".round_detail", _("The round is still open: close it first to see its report."), "error", token=r.token
        )
    return None


@bp.get("/rounds/<token>/report")
def round_report(token: str):
    r = _round_or_404(token)
    away = _closed_or_back(r)
    if away:
        return away
    log("view", f"round:{r.id}", "report")
    return _report_page(r)


@bp.get("/rounds/<token>/report.pdf")
def round_pdf(token: str):
    r = _round_or_404(token)
    if r.status != "closed":
        abort(404)
    locale = page_locale() if page_locale() in LOCALES else "ja"
    # Rendered here, as the interview PDF is: the render job keeps one PDF per assessment revision,
    # and a round's report changes with its marks and targets, so there is nothing to keep.
    with admission.waiting():  # a render is long CPU work: it shares the core outside the gate (web/admission.py)
        content = rounds.report_pdf(db.session, r, locale)
    log("export", f"round:{r.id}", f"PDF {locale}")
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="cmo-round-{r.period}-{locale}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _closed_post(token: str) -> Round:
    """A change to a closed round's report (targets, marks, sharing); an open round has none yet."""
    r = _round_or_404(token)
    form_checked()
    away = _closed_or_back(r)
    if away:
        abort(away)  # a response of its own: back to the open round, saying why
    return r


@bp.post("/rounds/<token>/targets")
def round_targets(token: str):
    r = _closed_post(token)
    qn = default_questionnaire()
    raw = {a.id: request.form.get(f"target:{a.id}", "") for a in qn.areas}
    targets = {k: int(v) for k, v in raw.items() if v.isdecimal() and len(v) < 3}
    try:
        if len(targets) != len(raw):  # a blank or a word where a level goes
            raise RoundError("targets must be levels")
        rounds.set_targets(db.session, r, targets, qn)
    except RoundError as exc:
        return refused(round_error(exc), ".round_report", token=r.token, _anchor="targets")
    log("change", f"round:{r.id}", "targets " + ",".join(f"{k}={v}" for k, v in targets.items()))
    return see_other(".round_report", _("Targets saved."), token=r.token, _anchor="targets")


@bp.post("/rounds/<token>/steps")
def round_steps(token: str):
    r = _closed_post(token)
    v = rounds.round_verdict(r)
    if v is None:
        abort(404)
    changes: dict[str, str | None] = {}
    for action in v.actions:
        changes[action.id] = request.form.get(f"step:{action.id}", "") or None
    back = {"token": r.token, "_anchor": "steps"}
    if any(m is not None and m not in rounds.STEP_STATUSES for m in changes.values()):
        return see_other(".round_report", _("Please choose one of the offered marks."), "error", **back)
    for step, mark in changes.items():
        rounds.set_step_status(db.session, r, step, mark)
    log("change", f"round:{r.id}", "steps " + ",".join(f"{k}={v or '-'}" for k, v in changes.items()))
    return see_other(".round_report", _("Step progress saved."), **back)


@bp.post("/rounds/<token>/due")
def round_due(token: str):
    r = _round_or_404(token)
    form = DueForm()
    if r.status != "closed":
        return see_other(".round_detail", token=r.token)
    if not form.validate():
        return _report_page(r, form, 422)
    try:
        rounds.set_due(db.session, r, form.due.data)
    except RoundError as exc:
        db.session.rollback()
        form.due.errors = [round_error(exc)]
        return _report_page(r, form, 422)
    log("change", f"round:{r.id}", f"next due {form.due.data:%Y-%m-%d}")
    return see_other(".round_report", _("Saved."), token=r.token, _anchor="due")


@bp.post("/rounds/<token>/share")
def round_share(token: str):
    r = _closed_post(token)
    shared = request.form.get("share") == "1"
    rounds.set_share_gap(db.session, r, shared)
    log("change", f"round:{r.id}", "gap shared with respondents" if shared else "gap not shared")
    said = (
        _("The respondents now see the comparison on their pages.")
        if shared
        else _("The respondents see only their own answers.")
    )
    return see_other(".round_report", said, token=r.token, _anchor="share")


def client_rounds(company: Company) -> dict:
    """What the client page's rounds partial shows (templates/workspace/_client_rounds.html)."""
    rows = rounds.company_rounds(db.session, company)
    return {
        "rows": rows,
        "has_open": any(row.round.status == "open" for row in rows),
        "period": rounds.next_free_period({row.round.period for row in rows}, utcnow()),
    }


bp.add_app_template_global(client_rounds, "client_rounds")
