"""Commands on the question bank and the rules: questions, evaluate, rules check. No database."""

from __future__ import annotations

import json
import sys

import click
import yaml

from assessment.bank.listing import CHARS_PER_MINUTE, SECONDS_PER_QUESTION, questions_as_dict, reading_time
from assessment.bank.questionnaire import load_questionnaire
from assessment.bank.rules import load_rules
from assessment.bank.text import LOCALES
from assessment.bank.yamlio import DataError
from assessment.cli.text import render_questions_text, render_text
from assessment.diagnose.answers import AnswerError
from assessment.diagnose.pipeline import evaluate

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


@click.command()
@_format
@_locale
@click.option("--stats", is_flag=True, help="Print the question count and the time estimate the landing page uses.")
def questions(fmt, locale, stats):
    """List the question bank."""
    qn, _ = _load_data()
    if stats:
        t = reading_time(qn)
        if fmt == "json":
            click.echo(json.dumps({"questions": t.questions, "characters": t.characters, "seconds": round(t.seconds)}))
        else:
            click.echo(
                f"{t.questions} questions, {t.characters} Japanese characters: "
                f"{t.characters} / {CHARS_PER_MINUTE} per minute + {SECONDS_PER_QUESTION} s per question = "
                f"{t.seconds / 60:.1f} min (promised: about {t.minutes} min)"
            )
        return
    if fmt == "json":
        click.echo(json.dumps(questions_as_dict(qn, locale), ensure_ascii=False, indent=2))
    else:
        click.echo(render_questions_text(qn, locale))


@click.command("evaluate")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@_format
@_locale
@click.option(
    "--pdf", "pdf_out", type=click.Path(dir_okay=False, writable=True), help="Also write the PDF report here."
)
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
        click.echo(render_text(diagnosis, qn))
    if pdf_out:
        from assessment.report import check_fonts, render_pdf  # WeasyPrint loads only when a PDF is asked for

        for problem in check_fonts():
            click.echo(f"warning: {problem}", err=True)
        content = render_pdf(diagnosis, locale=locale, company=company, respondent=respondent)
        try:
            with open(pdf_out, "wb") as fh:
                fh.write(content)
        except OSError as exc:
            _fail([f"{pdf_out}: cannot write the PDF: {exc.strerror}"])
        click.echo(f"PDF written: {pdf_out}", err=True)


@click.group()
def rules():
    """Work with the rule files."""


@rules.command("check")
def rules_check():
    """Load and validate questions/ and rules/; exit 1 on any error."""
    qn, book = _load_data()
    from assessment.diagnose.engine import compiled

    compiled(book)
    counts: dict[str, int] = {}
    for r in book.rules:
        counts[r.effect] = counts.get(r.effect, 0) + 1
    click.echo(
        f"ok: {len(qn.questions)} questions ({len(qn.scored_questions)} scored), "
        f"{len(book.rules)} rules ({', '.join(f'{n} {k}' for k, n in sorted(counts.items()))}); "
        f"questionnaire {qn.version}, rules {book.version}"
    )
