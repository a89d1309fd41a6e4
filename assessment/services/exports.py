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

from sqlalchemy import Text, and_, cast, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from assessment.bank.questionnaire import AREA_IDS, Questionnaire, default_questionnaire
from assessment.bank.roles import COMPANY_SIZE, RESPONDENT_ROLE
from assessment.services.accounts import visible_companies
from assessment.services.inbox import Filters, filtered
from assessment.store.models import Answer, Assessment, Company, Revision
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

    def rows(self, rows: Iterable[list]) -> bytes:
        rows = list(rows)
        self._writer.writerows([[safe_cell(c) for c in row] for row in rows])
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


def stream(encoder: Encoder, rows: Iterator[list], batch: int = BATCH) -> Iterator[bytes]:
    yield encoder.start()
    chunk: list[list] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= batch:
            yield encoder.rows(chunk)
            chunk = []
    if chunk:
        yield encoder.rows(chunk)


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
    query = filtered(account, f).order_by(Assessment.id).execution_options(yield_per=BATCH)
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


def assessment_rows(session: Session, account: Account, locale: str, qn: Questionnaire | None = None) -> Iterator[list]:
    """One row per assessment of the clients this account sees; notes and marks from interviews.

    Read as plain rows, a batch at a time (no ORM objects: 30 answers an assessment would be
    millions of them), and of each verdict only the scores and pitfalls, extracted by the database.
    """
    qn = qn or default_questionnaire()
    yield assessment_header(qn)
    companies = visible_companies(account).with_only_columns(Company.id)
    a = Assessment
    columns = (a.id, a.company_id, Company.name, a.kind, a.status, a.revision, a.submitted_at, a.overall, a.level)
    last_id = 0
    shown: dict[tuple[str, str | None], tuple[str, str]] = {}
    # PostgreSQL parses a json value again for each -> taken from it; as jsonb it is parsed once a row.
    postgres = session.get_bind().dialect.name == "postgresql"
    verdict = cast(Revision.verdict, JSONB) if postgres else Revision.verdict
    while True:
        batch = session.execute(
            select(*columns)
            .join(Company, Company.id == a.company_id)
            .where(a.id > last_id, a.company_id.in_(companies))
            .order_by(a.id)
            .limit(BATCH)
        ).all()
        if not batch:
            return
        ids = [row[0] for row in batch]
        last_id = ids[-1]
        latest = (
            select(Revision.assessment_id, verdict["scores"], verdict["pitfalls"])
            .join(a, and_(a.id == Revision.assessment_id, a.revision == Revision.number))
            .where(Revision.assessment_id.in_(ids))
        )
        found = {row[0]: (row[1] or {}, row[2] or []) for row in session.execute(latest)}
        # Values come as their JSON text: the few distinct ones are decoded once (below), not 30 a row.
        answers: dict[int, dict] = {}
        raw_answers = select(
            Answer.assessment_id, Answer.question, cast(Answer.value, Text), Answer.note, Answer.to_verify
        ).where(Answer.assessment_id.in_(ids))
        for aid, question, raw, note, to_verify in session.connection().execute(raw_answers):
            answers.setdefault(aid, {})[question] = (raw, note, to_verify)
        for aid, company_id, company, kind, status, revision, submitted_at, overall, level in batch:
            scores, pitfalls = found.get(aid, ({}, []))
            row = [aid, company_id, company, kind, status, revision, submitted_at.isoformat() if submitted_at else "",
                   overall, level, *(scores.get(x) for x in AREA_IDS),
                   "|".join(p.get("id", "") for p in pitfalls if isinstance(p, dict))]  # fmt: skip
            given = answers.get(aid, {})
            for q in qn.questions:
                raw, note, to_verify = given.get(q.id, (None, None, False))
                pair = shown.get((q.id, raw))
                if pair is None:  # a question has a few options: each answer's cells are made once per export
                    value = json.loads(raw) if raw is not None else None
                    pair = shown[(q.id, raw)] = (_code(value), _label(q, value, locale))
                row += [*pair, note or "", 1 if to_verify else 0]
            yield row
