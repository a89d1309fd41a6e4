"""Interview mode: start from a client, answer page by page with notes and marks, autosave, submit, reopen.

The assessment id is in every URL and access is checked on it, so several clients can be in
progress in one browser; no draft cookie is involved.
"""

from __future__ import annotations

from flask import abort, flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.rules import default_rulebook
from assessment.diagnose.answers import AnswerError
from assessment.services import assessments as flow
from assessment.services import comments, interviews, reports, verdicts
from assessment.services.interviews import InterviewError
from assessment.store.models import Assessment
from assessment.web import admission, charts
from assessment.web.database import db
from assessment.web.extensions import page_locale
from assessment.web.workspace.access import (
    assessment_or_404,
    bp,
    client_or_404,
    form_checked,
    log,
    me,
    refused,
    see_other,
)
from assessment.web.workspace.forms import IN_REPORT, NOTE, VERIFY, interview_form_class


def interview_error(code: str) -> str:
    return {
        "unknown_question": _("This question is not in the questionnaire."),
        "not_an_option": _("This answer is not one of the options. Please choose again."),
        "submitted": _("This assessment is submitted. Reopen it to change answers."),
        "note_too_long": _("Please use at most %(max)d characters.", max=interviews.NOTE_MAX),
        "bad_note": _("A note must be text."),
        "bad_flag": _("A mark is either set or not."),
    }.get(code, _("This change could not be saved."))


@bp.post("/clients/<int:company_id>/interviews")
def interview_start(company_id: int):
    company = client_or_404(company_id)
    form_checked()
    a = interviews.start(db.session, me(), company, page_locale())
    log("change", f"assessment:{a.id}", f"interview started for company:{company.id}")
    return redirect(url_for(".interview_page", assessment_id=a.id, number=1), 303)


def _page_or_404(number: int):
    all_pages = flow.pages()
    if not 1 <= number <= len(all_pages):
        abort(404)
    return all_pages[number - 1], len(all_pages)


def _page_data(a, pg) -> dict:
    rows = interviews.notes(a)
    data: dict[str, object] = {}
    for q in pg.questions:
        row = rows.get(q.id)
        data[q.id] = row.value if row else None
        data[NOTE + q.id] = row.note if row else ""
        data[VERIFY + q.id] = bool(row and row.to_verify)
        data[IN_REPORT + q.id] = bool(row and row.note_in_report)
    return data


def _self_answers(a) -> dict:
    """The prospect's own answers (a converted lead's self-assessment), shown beside the interview's."""
    if a.company is None:
        return {}
    own = [x for x in a.company.assessments if x.kind == "self" and x.has_verdict and x.id != a.id]
    return own[-1].values if own else {}


def _render_page(a, pg, total, form=None, status=200):
    locale = page_locale()
    if form is None:
        form = interview_form_class(pg.number, locale)(formdata=None, page_marker=pg.section, data=_page_data(a, pg))
    qn = default_questionnaire()
    title = _("About the company") if pg.section == flow.PROFILE else qn.area(pg.section).name[locale]
    return render_template(
        "workspace/interview_page.html",
        a=a,
        form=form,
        page=pg,
        total=total,
        title=title,
        all_pages=flow.pages(),
        area_names={ar.id: ar.name[locale] for ar in qn.areas},
        questions={q.id: q for q in pg.questions},
        self_answers=_self_answers(a),
        prefixes={"note": NOTE, "verify": VERIFY, "report": IN_REPORT},
    ), status


@bp.get("/interviews/<int:assessment_id>/<int:number>")
def interview_page(assessment_id: int, number: int):
    a = assessment_or_404(assessment_id)
    pg, total = _page_or_404(number)
    if a.submitted:
        return redirect(url_for(".interview_results", assessment_id=a.id), 303)
    return _render_page(a, pg, total)


@bp.post("/interviews/<int:assessment_id>/<int:number>")
def interview_save(assessment_id: int, number: int):
    """The no-JavaScript path: the Save, Back, Next and Submit buttons post the whole page."""
    a = assessment_or_404(assessment_id)
    pg, total = _page_or_404(number)
    if a.submitted:
        return refused(interview_error("submitted"), ".interview_results", assessment_id=a.id)
    form = interview_form_class(number, page_locale())()
    if request.form.get("page_marker") != pg.section:
        abort(400)  # a post meant for another page would blank this page's checklists
    if not form.validate():
        return _render_page(a, pg, total, form, 422)
    answers = form.answers()
    for q in pg.questions:
        note, verify, in_report = form.extras(q.id)
        interviews.save(
            db.session,
            a,
            q.id,
            value=answers.get(q.id),
            note=note.data or None,
            to_verify=bool(verify.data),
            note_in_report=bool(in_report.data),
            commit=False,
        )
    db.session.commit()
    nav = request.form.get("nav", "save")
    if nav == "submit":
        return _submit(a)
    if nav == "back":
        return redirect(url_for(".interview_page", assessment_id=a.id, number=max(1, number - 1)), 303)
    if nav == "next" and number < total:
        return redirect(url_for(".interview_page", assessment_id=a.id, number=number + 1), 303)
    return see_other(".interview_page", _("Saved."), assessment_id=a.id, number=number)


@bp.post("/interviews/<int:assessment_id>/autosave")
def interview_autosave(assessment_id: int):
    """One change as JSON: {"question": id, and any of "value", "note", "to_verify", "note_in_report"}."""
    a = assessment_or_404(assessment_id)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("question"), str):
        return jsonify(error=_("The change could not be read. Please use the Save button.")), 400
    fields = {k: data[k] for k in ("value", "note", "to_verify", "note_in_report") if k in data}
    try:
        row = interviews.save(db.session, a, data["question"], **fields)
    except InterviewError as exc:
        db.session.rollback()
        return jsonify(error=interview_error(exc.code), question=exc.question), 409 if exc.code == "submitted" else 422
    return jsonify(saved=True, question=data["question"], kept=row is not None)


def _submit(a):
    try:
        flow.submit(db.session, a)
    except AnswerError as exc:
        db.session.rollback()
        flash(_("Some questions have changed since you answered them. Please answer them again."), "error")
        flow.save_answers(db.session, a, dict.fromkeys(exc.problems, None))
        return redirect(url_for(".interview_page", assessment_id=a.id, number=flow.first_open_page(a).number), 303)
    comments.stamp_latest(db.session, a)
    log("change", f"assessment:{a.id}", f"submitted revision {a.revision}")
    return redirect(url_for(".interview_results", assessment_id=a.id), 303)


def _shown_revision(a: Assessment) -> int:
    """The revision `?revision=` asks for, else the latest (isdecimal: int() refuses some isdigit digits, "²")."""
    number = request.args.get("revision", "")
    return int(number) if number.isdecimal() and 1 <= int(number) <= a.revision else a.revision


@bp.get("/interviews/<int:assessment_id>")
def interview_results(assessment_id: int):
    a = assessment_or_404(assessment_id)
    if not a.has_verdict:
        return redirect(url_for(".interview_page", assessment_id=a.id, number=flow.first_open_page(a).number), 303)
    locale = page_locale()
    shown = _shown_revision(a)
    d = verdicts.diagnosis(a, locale, number=shown)
    log("view", f"assessment:{a.id}", f"revision {shown}")
    qn = default_questionnaire()
    return render_template(
        "workspace/interview_results.html",
        a=a,
        d=d,
        shown=shown,
        chart=charts.radar(d),
        changes=interviews.changes(a, shown),
        questions=qn.by_id,
        pitfall_titles={pid: p.title[locale] for pid, p in default_rulebook().catalog.pitfalls.items()},
        comment_values=comments.current(a),
        shown_comments=comments.of_revision(a, shown),
        form=FlaskForm(),
        rows=interviews.notes(a),
    )


@bp.post("/interviews/<int:assessment_id>/reopen")
def interview_reopen(assessment_id: int):
    a = assessment_or_404(assessment_id)
    form_checked()
    flow.reopen(db.session, a)
    log("change", f"assessment:{a.id}", "reopened")
    return see_other(".interview_page", assessment_id=a.id, number=1)


def comment_error(code: str) -> str:
    return {
        "unknown_scope": _("A comment was sent for something this report does not have."),
        "too_long": _("Please use at most %(max)d characters.", max=comments.BODY_MAX),
        "reopened": _("The assessment is reopened: submit it first, then comment."),
        "not_submitted": _("Submit the assessment first, then comment."),
    }.get(code, _("The comments could not be saved."))


@bp.post("/interviews/<int:assessment_id>/comments")
def interview_comments(assessment_id: int):
    a = assessment_or_404(assessment_id)
    form_checked()
    values = {}
    for key, body in request.form.items():
        if key.startswith("comment:"):
            scope = key.removeprefix("comment:")
            values[scope] = (body, request.form.get(f"discussed:{scope}") == "1")
    try:
        added = comments.save(db.session, me(), a, values)
    except comments.CommentError as exc:
        return refused(comment_error(exc.code), ".interview_results", assessment_id=a.id)
    if added:
        log("change", f"assessment:{a.id}", f"comments: revision {a.revision}")
    saved = _("Comments saved as revision %(n)s.", n=a.revision) if added else _("Saved.")
    return see_other(".interview_results", saved, assessment_id=a.id, _anchor="comments-h")


@bp.get("/interviews/<int:assessment_id>/report.pdf")
def interview_pdf(assessment_id: int):
    a = assessment_or_404(assessment_id)
    if not a.has_verdict:
        abort(404)
    shown = _shown_revision(a)
    locale = page_locale()
    with admission.waiting():  # a render is long CPU work: it shares the core outside the gate (web/admission.py)
        content = reports.revision_pdf(db.session, a, locale, shown)
    log("export", f"assessment:{a.id}", f"PDF revision {shown} {locale}")
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    name = f"cmo-assessment-{a.id}-r{shown}-{locale}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
