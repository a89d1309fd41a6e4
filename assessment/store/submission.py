"""Store a whole submission at once: the assessment row, its funnel events and its report link.

On PostgreSQL this is one INSERT statement (the assessment in a data-modifying WITH, the others
reading its new id), run outside an explicit transaction: a single statement is atomic on its own,
so the three-statement transaction's BEGIN, two more statements and COMMIT would be four more round
trips to a server that shares the web workers' cores. SQLite has no INSERT inside WITH; there
the three INSERTs run in one transaction under the write lock, which costs no round trips.
"""
from __future__ import annotations

from functools import cache

from sqlalchemy import Insert, bindparam, insert, literal, select, union_all

from .models import UTM_KEYS, Assessment, FunnelEvent, ReportLink

EVENTS = ("started", "submitted")  # what the funnel records for an assessment taken in one go


def insert_submission(store, assessment: dict, link: dict) -> None:
    """Insert `assessment` (every column but id), its EVENTS and the report `link` (token, expires_at).

    The events and the link take their created_at and UTM values from the assessment.
    """
    engine = store.engine
    if engine.dialect.name == "postgresql":
        params = {f"a_{k}": v for k, v in assessment.items()}
        params.update(link_token=link["token"], link_expires_at=link["expires_at"])
        with store.autocommit_engine.connect() as conn:
            conn.execute(_postgresql_statement(tuple(assessment)), params)
        return
    utm = {k: assessment[k] for k in UTM_KEYS}
    now = assessment["created_at"]
    with store.writing() as conn:
        assessment_id = conn.execute(insert(Assessment.__table__), assessment).inserted_primary_key[0]
        conn.execute(insert(FunnelEvent.__table__),
                     [dict(type=t, assessment_id=assessment_id, created_at=now, **utm) for t in EVENTS])
        conn.execute(insert(ReportLink.__table__),
                     dict(token=link["token"], assessment_id=assessment_id, created_at=now,
                          expires_at=link["expires_at"]))


@cache
def _postgresql_statement(columns: tuple[str, ...]) -> Insert:
    """WITH new AS (INSERT INTO assessment ... RETURNING id), events AS (INSERT INTO funnel_event
    SELECT ... FROM new) INSERT INTO report_link SELECT ... FROM new. Built once per column set."""
    a, e, r = Assessment.__table__, FunnelEvent.__table__, ReportLink.__table__

    def param(name, column):
        return bindparam(name, type_=column.type)

    new = insert(a).values({c: param(f"a_{c}", a.c[c]) for c in columns}).returning(a.c.id).cte("new_assessment")
    now = param("a_created_at", a.c.created_at)
    utm = [param(f"a_{k}", a.c[k]) for k in UTM_KEYS]
    events = insert(e).from_select(
        ["type", "assessment_id", "created_at", *UTM_KEYS],
        union_all(*(select(literal(t, e.c.type.type), new.c.id, now, *utm) for t in EVENTS)),
    ).cte("new_events")
    return insert(r).from_select(
        ["token", "assessment_id", "created_at", "expires_at"],
        select(param("link_token", r.c.token), new.c.id, now, param("link_expires_at", r.c.expires_at)),
    ).add_cte(events)
