"""CSV exports of leads and assessments: streamed, Excel-safe, formula-safe.

- UTF-8 with a BOM by default (Excel on Japanese Windows reads UTF-8 without one as Shift_JIS);
  cp932 on request, each character it cannot hold replaced by "?" and counted (Encoder.replaced);
- CRLF line ends; a cell starting with = + - @, a tab, CR or NUL gets a leading ' so a
  spreadsheet shows it as text instead of running it as a formula;
- rows are read in batches and written as they come: memory stays flat however many rows.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection, Select, Text, and_, cast, select
from sqlalchemy.orm import Session, contains_eager

from assessment.bank.questionnaire import AREA_IDS, Question, Questionnaire, default_questionnaire
from assessment.bank.roles import COMPANY_SIZE, RESPONDENT_ROLE
from assessment.services.accounts import visible_companies
from assessment.services.inbox import Filters, filtered
from assessment.store.models import Answer, Assessment, Company, Lead, Revision
from assessment.store.workspace import Account

BATCH = 500
ENCODINGS = ("utf-8", "cp932")
_RISKY = frozenset("=+-@\t\r\0")


def safe_cell(value) -> str:
    if value is None:
        return ""
    if value.__class__ is int:  # most cells of a large export: nothing to escape
        return str(value)
    text = str(value)
    return "'" + text if text and text[0] in _RISKY else text


def _escaped(row: list) -> list:
    """safe_cell over a row, its two common cases inline: text, and whole numbers (csv writes an int
    as its digits). Why: a call per cell was a tenth of a large export's time."""
    return [
        ("'" + c if c and c[0] in _RISKY else c) if c.__class__ is str else c if c.__class__ is int else safe_cell(c)
        for c in row
    ]


class Encoder:
    """Rows -> bytes in the chosen encoding; counts what cp932 could not hold."""

    def __init__(self, encoding: str):
        if encoding not in ENCODINGS:
            raise ValueError(f"unknown encoding {encoding!r}")
        self.encoding, self.replaced, self.rows_written = encoding, 0, 0
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")

    def start(self) -> bytes:
        return "\ufeff".encode() if self.encoding == "utf-8" else b""

    def rows(self, rows: Iterable[list], safe: bool = False) -> bytes:
        """The rows' bytes; safe=True: their cells are formula-safe already (made with safe_cell)."""
        rows = list(rows)
        self._writer.writerows(rows if safe else [_escaped(row) for row in rows])
        self.rows_written += len(rows)
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        if self.encoding == "utf-8":
            return text.encode("utf-8")
        try:
            return text.encode("cp932")
        except UnicodeEncodeError:
            out = bytearray()
            for ch in text:
                try:
                    out += ch.encode("cp932")
                except UnicodeEncodeError:
                    self.replaced += 1
                    out += b"?"
            return bytes(out)


def stream(encoder: Encoder, rows: Iterator[list], batch: int = BATCH, safe: bool = False) -> Iterator[bytes]:
    """The CSV's bytes, a batch of rows at a time; safe=True for rows made formula-safe already."""
    yield encoder.start()
    chunk: list[list] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            yield encoder.rows(chunk, safe)
            chunk = []
    if chunk:
        yield encoder.rows(chunk, safe)


LEAD_HEADER = [
    "lead_id", "created_at", "name", "company", "email", "role", "role_label", "company_size", "company_size_label",
    "level", "overall", "top_pitfall", "utm_source", "utm_medium", "utm_campaign", "consent", "consent_text", "status",
    "assignee_id",
]  # fmt: skip


def lead_rows(session: Session, account: Account, f: Filters, locale: str = "ja") -> Iterator[list]:
    """One row per lead; role and size as stored (codes) and as labels in `locale`, earlier banks' values too."""
    yield LEAD_HEADER
    qn = default_questionnaire()
    role_q, size_q = RESPONDENT_ROLE.question, COMPANY_SIZE.question
    query = filtered(account, f, with_assessment=True).options(contains_eager(Lead.assessment))
    query = query.order_by(Assessment.id).execution_options(yield_per=BATCH)
    for lead in session.scalars(query):
        a = lead.assessment
        yield [
            lead.id, lead.created_at.isoformat(), lead.name, lead.company_name, lead.email,
            lead.role, qn.answer_label(role_q, lead.role, locale),
            lead.company_size, qn.answer_label(size_q, lead.company_size, locale),
            a.level, a.overall, a.top_pitfall, a.utm_source, a.utm_medium, a.utm_campaign,
            int(lead.consent), lead.consent_text, lead.status, lead.assignee_id,
        ]  # fmt: skip


def _label(q, value, locale: str) -> str:
    if value is None:
        return ""
    values = value if isinstance(value, list) else [value]
    return " / ".join(o.label[locale] if isinstance(v, str) and (o := q.option(v)) else str(v) for v in values)


def _number(value):
    """A score as the verdict has it (a number); anything else made a safe cell."""
    return value if value.__class__ in (int, float) else safe_cell(value)


def _code(value) -> str:
    if value is None:
        return ""
    return "|".join(map(str, value)) if isinstance(value, list) else str(value)


def assessment_header(qn: Questionnaire) -> list[str]:
    head = ["assessment_id", "company_id", "company", "kind", "status", "revision", "submitted_at", "overall",
            "level", *(f"score_{a}" for a in AREA_IDS), "pitfalls"]  # fmt: skip
    for q in qn.questions:
        head += [q.id, f"{q.id}_label", f"{q.id}_note", f"{q.id}_to_verify"]
    return head


def _driver_rows(db: Connection, statement: Select) -> list[tuple]:
    """The statement's rows as the driver's own tuples, in the connection's transaction.

    Why: a batch's answers are some 15,000 rows, and a Row object made for each (then dropped)
    cost this export about a fifth of its time. Only plain columns with no result processing
    belong here (the to-verify mark arrives as 0/1 on SQLite, as a bool on PostgreSQL).
    """
    compiled = statement.compile(dialect=db.dialect, compile_kwargs={"render_postcompile": True})
    params: Any = compiled.params
    if compiled.positiontup is not None:  # SQLite's "?" placeholders take a sequence
        params = tuple(params[name] for name in compiled.positiontup)
    driver = db.connection.dbapi_connection
    assert driver is not None  # the session's connection, open in its transaction
    cursor = driver.cursor()
    try:
        cursor.execute(str(compiled), params)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def assessment_rows(session: Session, account: Account, locale: str, qn: Questionnaire | None = None) -> Iterator[list]:
    """One row per assessment of the clients this account sees; notes and marks from interviews.

    Read as plain rows, a batch at a time (no ORM objects: 30 answers an assessment would be
    millions of them). A batch's revisions and answers are asked for by the batch's id range among
    the visible assessments, not by a list of 500 ids each query would have to carry and parse.
    The rows come out formula-safe already (Encoder.rows(..., safe=True)): the answers' cells are
    escaped once per distinct answer, not once per row.
    """
    qn = qn or default_questionnaire()
    yield assessment_header(qn)
    companies = visible_companies(account).with_only_columns(Company.id)
    a = Assessment
    columns = (a.id, a.company_id, Company.name, a.kind, a.status, a.revision, a.submitted_at, a.overall, a.level)
    last_id = 0
    # Each question's four cells (code, label, note, to-verify) sit at 4 * its place in the bank; a
    # question the bank no longer has is left out, as the header leaves it out.
    slots: dict[str, tuple[int, Question, dict[str | None, tuple[str, str]]]] = {
        q.id: (4 * k, q, {}) for k, q in enumerate(qn.questions)
    }
    blank: list = ["", "", "", 0] * len(qn.questions)
    db = session.connection()  # plain rows: the ORM session would wrap each row again
    while True:
        batch = db.execute(
            select(*columns)
            .join(Company, Company.id == a.company_id)
            .where(a.id > last_id, a.company_id.in_(companies))
            .order_by(a.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        in_batch = and_(a.id.between(batch[0][0], batch[-1][0]), a.company_id.in_(companies))
        last_id = batch[-1][0]
        # The verdict as its text, decoded here: PostgreSQL's own parse of it (to jsonb, or once for
        # each -> taken from the json) cost it 5-10 times what json.loads costs this process.
        latest = (
            select(Revision.assessment_id, cast(Revision.verdict, Text))
            .join(a, and_(a.id == Revision.assessment_id, a.revision == Revision.number))
            .where(in_batch)
        )
        found = dict(db.execute(latest).all())
        # Values come as their JSON text: the few distinct ones are decoded once (below), not 30 a row.
        raw_answers = (
            select(Answer.assessment_id, Answer.question, cast(Answer.value, Text), Answer.note, Answer.to_verify)
            .join(a, a.id == Answer.assessment_id)
            .where(in_batch)
        )
        answers: dict[int, list] = {}
        for aid, question, raw, note, to_verify in _driver_rows(db, raw_answers):
            slot = slots.get(question)
            if slot is None:
                continue
            i, q, seen = slot
            pair = seen.get(raw)
            if pair is None:  # a question has a few options: each answer's cells are made once per export
                value = json.loads(raw) if raw is not None else None
                pair = seen[raw] = (safe_cell(_code(value)), safe_cell(_label(q, value, locale)))
            cells = answers.get(aid)
            if cells is None:
                cells = answers[aid] = blank.copy()
            cells[i], cells[i + 1] = pair
            if note:
                cells[i + 2] = safe_cell(note)
            if to_verify:
                cells[i + 3] = 1
        for aid, company_id, company, kind, status, revision, submitted_at, overall, level in batch:
            # Decoded one at a time and let go: a batch of decoded verdicts alive at once kept the
            # cyclic collector busy with tens of thousands of containers.
            verdict = json.loads(found[aid]) if aid in found else {}
            scores, pitfalls = verdict.get("scores") or {}, verdict.get("pitfalls") or []
            row = [aid, company_id, safe_cell(company), kind, status, revision,
                   submitted_at.isoformat() if submitted_at else "", overall, level,
                   *(_number(scores.get(x)) for x in AREA_IDS),
                   safe_cell("|".join(p.get("id", "") for p in pitfalls if isinstance(p, dict)))]  # fmt: skip
            row += answers.get(aid) or blank
            yield row
