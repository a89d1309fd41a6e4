"""The "continue later" link: a confirmation step that moves a draft to this browser.

Opening the link changes nothing. Confirming it (a POST with CSRF) gives the draft to this browser
and replaces its tokens, so the link works once and whoever sent it can no longer read or change
the answers. A browser with its own assessment in progress is never switched to another one.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from assessment.bank.text import LOCALES
from assessment.services import access
from assessment.services import assessments as flow
from assessment.web import drafts
from assessment.web.database import db
from assessment.web.extensions import limiter
from assessment.web.survey.routes import bp, set_language


def _resumable(token):
    """(assessment, None) when this link may move a draft here, else (None, the page saying why)."""
    a = access.by_resume_token(db.session, token, current_app.config["DRAFT_DAYS"])
    if a is None:
        return None, (
            render_template(
                "errors/message.html",
                title=_("This link to continue is not valid"),
                message=_(
                    "A link to continue works once, on the device where it is opened first, and only while the "
                    "assessment is unfinished and was changed in the last %(days)s days. Please start the assessment again.",
                    days=current_app.config["DRAFT_DAYS"],
                ),
            ),
            404,
        )
    if a.submitted:
        return None, (
            render_template(
                "errors/message.html",
                title=_("This assessment is already finished"),
                message=_(
                    "Its result was shown in the browser where it was finished. The link to continue no longer opens it."
                ),
            ),
            410,
        )
    return a, None


def _here_or_blocked(a):
    """Where to go instead of confirming: this browser's own draft, or a refusal to replace it."""
    mine = drafts.current()
    if mine is not None and mine.id == a.id:
        return redirect(url_for(".page", number=flow.first_open_page(a).number), 303)
    if access.in_progress(mine):
        return render_template("survey/resume.html", blocked=True), 409
    return None


@bp.get("/resume/<token>")
def resume(token):
    a, away = _resumable(token)
    if away:
        return away
    other = _here_or_blocked(a)
    if other:
        return other
    answered = sum(1 for v in a.values.values() if v is not None)
    total = sum(len(p.questions) for p in flow.pages())
    return render_template(
        "survey/resume.html", blocked=False, form=FlaskForm(), a=a, answered=answered, total=total, token=token
    )


@bp.post("/resume/<token>")
@limiter.limit(lambda: current_app.config["SUBMIT_RATE_LIMIT"])
def confirm_resume(token):
    if not FlaskForm().validate():
        abort(400)
    a, away = _resumable(token)
    if away:
        return away
    other = _here_or_blocked(a)
    if other:
        return other
    access.hand_over(db.session, a)
    resp = drafts.remember(redirect(url_for(".page", number=flow.first_open_page(a).number), 303), a)
    lang = request.args.get("lang")
    return set_language(resp, lang) if lang in LOCALES else resp
