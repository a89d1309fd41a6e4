"""An invited respondent's pages: the round's link opens their own assessment, never a draft cookie.

The invitation's token is in every URL and is the only capability: the public funnel's draft
cookie is neither read nor set here, so a visitor with a self-assessment in progress keeps it.
The question pages are the funnel's own (routes.render_page / answer_page), saving into the
invitation's assessment. Before the first answer the respondent is told that the consultant sees
their answers by name and role; afterwards they see their own result, and the gap between
management and marketing only once the consultant shares it, then what happens next and a
"Finish" that leaves the result off the screen (/i/<token>/done).
"""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from assessment.bank.listing import reading_time
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.text import LOCALES
from assessment.report.tracking import gap_view
from assessment.services import assessments as flow
from assessment.services import rounds, verdicts
from assessment.store.models import RoundInvitation
from assessment.web import charts
from assessment.web.database import db
from assessment.web.extensions import limiter, page_locale
from assessment.web.survey.routes import Answering, answer_page, bp, render_page, set_language, submit_or_back


def _unavailable(state: str):
    """The page for a link that opens nothing: it names no company, no consultant, no round."""
    title, message = {
        "expired": (_("This invitation has expired"), _("Ask the person who invited you for a new link.")),
        "revoked": (_("This invitation is no longer valid"), _("Ask the person who invited you for a new link.")),
        "closed": (
            _("This survey is closed"),
            _("Answers are no longer collected through this link. Thank you for your interest."),
        ),
    }.get(state, (_("This link is not valid"), _("Please check that the link was copied whole.")))
    return render_template("errors/message.html", title=title, message=message), 404 if state == "unknown" else 410


def _invitation(token: str) -> tuple[RoundInvitation | None, str]:
    inv = rounds.find_invitation(db.session, token)
    return (inv, rounds.invitation_state(inv)) if inv is not None else (None, "unknown")


def _where(token: str) -> Answering:
    def finish(a):
        return submit_or_back(a, where, lambda: redirect(url_for(".invitation", token=token), 303))

    where = Answering(lambda n: url_for(".invited_page", token=token, number=n), finish, lambda a: None)
    return where


@bp.get("/i/<token>")
def invitation(token: str):
    lang = request.args.get("lang")
    if lang in LOCALES:  # the e-mail's link carries the invitation's language: keep it, then a clean URL
        return set_language(redirect(url_for(".invitation", token=token), 303), lang)
    inv, state = _invitation(token)
    if inv is None or state not in ("ok", "answered"):
        return _unavailable(state)
    a = inv.assessment
    if state == "answered":
        assert a is not None
        return _thanks(inv)
    if a is not None and any(v is not None for v in a.values.values()):
        return redirect(url_for(".invited_page", token=token, number=flow.first_open_page(a).number), 303)
    return render_template(
        "survey/invited.html",
        inv=inv,
        form=FlaskForm(),
        questions=sum(len(p.questions) for p in flow.pages()),
        minutes=reading_time(default_questionnaire()).minutes,  # as the landing page promises
    )


@bp.post("/i/<token>/start")
@limiter.limit(lambda: current_app.config["SUBMIT_RATE_LIMIT"])
def invitation_start(token: str):
    if not FlaskForm().validate():
        abort(400)
    inv, state = _invitation(token)
    if inv is None or state != "ok":
        return redirect(url_for(".invitation", token=token), 303) if state == "answered" else _unavailable(state)
    opened = rounds.open_invitation(db.session, inv, locale=page_locale())
    assert opened.assessment is not None  # state "ok"
    return redirect(url_for(".invited_page", token=token, number=flow.first_open_page(opened.assessment).number), 303)


def _open_page(token: str, number: int):
    """(page, assessment, None) while the invitation takes answers, else (None, None, where to go)."""
    all_pages = flow.pages()
    if not 1 <= number <= len(all_pages):
        abort(404)
    inv, state = _invitation(token)
    if inv is None or state not in ("ok", "answered"):
        return None, None, _unavailable(state)
    if state == "answered" or inv.assessment is None:  # done, or not started: the invitation's own page
        return None, None, redirect(url_for(".invitation", token=token), 303)
    return all_pages[number - 1], inv.assessment, None


@bp.get("/i/<token>/q/<int:number>")
def invited_page(token: str, number: int):
    pg, a, away = _open_page(token, number)
    return away or render_page(pg, a, _where(token))


@bp.post("/i/<token>/q/<int:number>")
@limiter.limit("240 per minute")
def invited_save(token: str, number: int):
    pg, a, away = _open_page(token, number)
    return away or answer_page(pg, a, _where(token))


@bp.get("/i/<token>/done")
def invitation_done(token: str):
    """The end of an answered invitation: a calm page without the result; before that, the invitation."""
    inv, state = _invitation(token)
    if inv is None or state not in ("ok", "answered"):
        return _unavailable(state)
    if state != "answered":
        return redirect(url_for(".invitation", token=token), 303)
    return render_template("survey/invited_done.html", inv=inv)


def _thanks(inv: RoundInvitation):
    """Thank you, with the respondent's own result; the other side's answers only once shared."""
    a, r = inv.assessment, inv.round
    assert a is not None
    d = verdicts.diagnosis(a, page_locale())
    shared = None
    if r.share_gap and r.status == "closed":
        found = rounds.gap(r)
        shared = found and gap_view(found, default_questionnaire(), page_locale())
    return render_template("survey/invited_thanks.html", inv=inv, d=d, chart=charts.radar(d), gap=shared)


def role_names() -> dict[str, str]:
    """A respondent's role (store.models.RESPONDENT_ROLES) as people read it."""
    return {"management": _("Management"), "marketing": _("Marketing"), "sales": _("Sales"), "other": _("Other")}


bp.add_app_template_global(role_names, "respondent_roles")
