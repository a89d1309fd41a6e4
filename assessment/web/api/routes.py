"""GET /api/v1/questionnaire, POST /api/v1/assessments. Errors are problem+json naming the question."""

from __future__ import annotations

from flask import Blueprint, current_app, request

from assessment.bank.listing import questions_as_dict
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.text import LOCALES
from assessment.diagnose.answers import AnswerError
from assessment.services import assessments as flow
from assessment.services import funnel
from assessment.web.database import db
from assessment.web.extensions import limiter, select_locale
from assessment.web.problems import problem
from assessment.web.queue import jobs
from assessment.web.urls import external_url

bp = Blueprint("api", __name__)


def _locale(value=None) -> str:
    value = value or request.args.get("locale")
    return value if value in LOCALES else select_locale()


@bp.get("/questionnaire")
def questionnaire():
    return questions_as_dict(default_questionnaire(), _locale())


@bp.post("/assessments")
@limiter.limit(lambda: current_app.config["SUBMIT_RATE_LIMIT"])
def create_assessment():
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # JSON nested thousands deep: not a body this API takes
        body = None
    if not isinstance(body, dict):
        return problem(
            400, 'send a JSON object: {"answers": {question id: answer}, "locale": "ja"|"en"}', title="Invalid body"
        )
    answers, locale = body.get("answers"), body.get("locale")
    if not isinstance(answers, dict):
        return problem(
            400,
            "'answers' must be an object mapping question id to answer",
            title="Invalid body",
            errors=[{"pointer": "/answers", "detail": "expected an object"}],
        )
    if locale is not None and locale not in LOCALES:
        return problem(
            400,
            f"'locale' must be one of {', '.join(LOCALES)}",
            title="Invalid body",
            errors=[{"pointer": "/locale", "detail": "unknown locale"}],
        )
    if not answers:  # a verdict on nothing would read as "no pitfalls": not a result to give
        return problem(
            422,
            "'answers' is empty: answer the questionnaire's questions (GET /api/v1/questionnaire lists them)",
            title="Invalid answers",
            errors=[{"pointer": "/answers", "detail": "no answers"}],
        )
    locale = _locale(locale)
    utm = funnel.clean_utm(body.get("utm") if isinstance(body.get("utm"), dict) else {})
    try:
        done = flow.submit_answers(
            db.session,
            answers,
            locale=locale,
            utm=utm,
            referrer=request.referrer,
            link_days=current_app.config["REPORT_LINK_DAYS"],
        )
    except AnswerError as exc:  # raised before anything is committed
        db.session.rollback()
        return problem(
            422,
            "; ".join(f"{qid}: {msg}" for qid, msg in exc.problems.items()),
            title="Invalid answers",
            errors=[
                {"question": qid, "pointer": f"/answers/{qid}", "detail": msg} for qid, msg in exc.problems.items()
            ],
        )
    if current_app.config["PDF_RENDER_AHEAD"]:  # the report_url's PDF, ready before it is asked for
        jobs().render(done.assessment_id, done.revision, locale)
    body = done.diagnosis.to_dict()
    body["report_url"] = external_url("survey.pdf", token=done.link_token)
    body["results_url"] = external_url("survey.results", token=done.results_token)
    body["report_expires_at"] = done.link_expires_at.isoformat() if done.link_expires_at else None
    return body, 201, {"Location": body["results_url"]}
