"""The `assessment` command line."""
from __future__ import annotations

import json
import sys

import click
import yaml

from .answers import AnswerError
from .pipeline import evaluate
from .questionnaire import load_questionnaire
from .rules import load_rules
from .summary import questions_as_dict, render_questions_text, render_text
from .text import LOCALES
from .yamlio import DataError

_locale = click.option("--locale", type=click.Choice(LOCALES), default="ja", show_default=True)
_format = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)


def _fail(lines: list[str], code: int = 2):
    for line in lines:
        click.echo(f"error: {line}", err=True)
    sys.exit(code)


def _load_data():
    try:
        qn = load_questionnaire()
        return qn, load_rules(questionnaire=qn)
    except DataError as exc:
        _fail(exc.problems, code=1)


@click.group()
@click.version_option(package_name="cmo-assessment")
def main():
    """CMO思考診断 — diagnose how marketing is connected to management."""


@main.command()
@_format
@_locale
def questions(fmt, locale):
    """List the question bank."""
    qn, _ = _load_data()
    if fmt == "json":
        click.echo(json.dumps(questions_as_dict(qn, locale), ensure_ascii=False, indent=2))
    else:
        click.echo(render_questions_text(qn, locale))


@main.command("evaluate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@_format
@_locale
@click.option("--pdf", "pdf_out", type=click.Path(dir_okay=False, writable=True), help="Also write the PDF report here.")
@click.option("--company", default=None, help="Company name shown on the PDF report.")
@click.option("--respondent", default=None, help="Respondent name shown on the PDF report.")
def evaluate_cmd(file, fmt, locale, pdf_out, company, respondent):
    """Diagnose the answers in FILE (YAML or JSON, question id -> answer; - for stdin)."""
    try:
        raw = yaml.safe_load(file.read())
    except yaml.YAMLError as exc:
        _fail([f"{file.name}: not valid YAML or JSON: {getattr(exc, 'problem', exc)}"])
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        _fail([f"{file.name}: expected a mapping of question id to answer, got {type(raw).__name__}"])
    qn, book = _load_data()
    try:
        diagnosis = evaluate(raw, locale, questionnaire=qn, rulebook=book)
    except AnswerError as exc:
        _fail([f"question '{qid}': {msg}" for qid, msg in exc.problems.items()])
    if fmt == "json":
        click.echo(json.dumps(diagnosis.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(diagnosis))
    if pdf_out:
        from .report import check_fonts, render_pdf  # WeasyPrint loads only when a PDF is asked for

        for problem in check_fonts():
            click.echo(f"warning: {problem}", err=True)
        with open(pdf_out, "wb") as fh:
            fh.write(render_pdf(diagnosis, locale=locale, company=company, respondent=respondent))
        click.echo(f"PDF written: {pdf_out}", err=True)


@main.group()
def rules():
    """Work with the rule files."""


@rules.command("check")
def rules_check():
    """Load and validate questions/ and rules/; exit 1 on any error."""
    qn, book = _load_data()
    from .engine import compiled

    compiled(book)
    counts = {}
    for r in book.rules:
        counts[r.effect] = counts.get(r.effect, 0) + 1
    click.echo(
        f"ok: {len(qn.questions)} questions ({len(qn.scored_questions)} scored), "
        f"{len(book.rules)} rules ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}); "
        f"questionnaire {qn.version}, rules {book.version}"
    )


# ---------------------------------------------------------------- web and database
# The web package loads inside each command: `assessment evaluate` stays free of Flask.


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a finished sample assessment and some funnel events.")
@click.option("--debug", is_flag=True, help="Reload on code changes and show tracebacks.")
def serve(host, port, demo, debug):
    """Run the website with Flask's development server (production: gunicorn, see README)."""
    import os

    os.environ.setdefault("ASSESSMENT_ENV", "development")
    from .store.migrate import upgrade
    from .web import create_app

    app = create_app()
    upgrade(app.config["DATABASE_URL"])
    if demo:
        from .web.demo import seed

        app.config["DEMO_BASE_URL"] = f"http://{host}:{port}"
        urls = seed(app)
        click.echo(f"demo: a finished sample assessment: {urls['results']}")
        click.echo(f"demo: its PDF report: {urls['pdf']}")
    click.echo(f"serving on http://{host}:{port}/  (database: {_safe_url(app.config['DATABASE_URL'])})")
    app.run(host=host, port=port, debug=debug, use_reloader=debug)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _database_url() -> str:
    import os

    from .web import create_app

    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    os.environ.setdefault("ASSESSMENT_ENV", "development")
    return create_app({"AUTO_MIGRATE": False, "ENV_NAME": "development"}).config["DATABASE_URL"]


@main.group()
def db():
    """Database schema (DATABASE_URL, default: SQLite in the instance folder)."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision):
    """Apply the migrations up to REVISION."""
    from .store.migrate import current, upgrade

    url = _database_url()
    upgrade(url, revision)
    click.echo(f"database at revision {current(url)}: {_safe_url(url)}")


@main.command()
def funnel():
    """Print the funnel: event counts by UTM source."""
    from sqlalchemy.orm import Session

    from .store import make_engine
    from .store.models import FUNNEL_EVENTS
    from .web.funnel import counts_by_source

    engine = make_engine(_database_url())
    try:
        with Session(engine) as session:
            table = counts_by_source(session)
    finally:
        engine.dispose()
    width = max([len(s) for s in table] + [8])
    click.echo(" ".join([f"{'source':<{width}}"] + [f"{e:>15}" for e in FUNNEL_EVENTS]))
    for source, counts in table.items():
        click.echo(" ".join([f"{source:<{width}}"] + [f"{counts[e]:>15}" for e in FUNNEL_EVENTS]))


if __name__ == "__main__":  # pragma: no cover
    main()
