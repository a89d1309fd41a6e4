"""The consultant's comments for the report: overall, per area, per pitfall (with a "discussed" mark).

A revision shows the comments it was made with (Revision.comments), so a changed comment
makes a new revision holding the same verdict: the earlier report stays as it was handed over.
Notes on questions join the snapshot only where the consultant marked them for the report.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from assessment.bank.questionnaire import AREA_IDS
from assessment.bank.rules import PITFALL_IDS
from assessment.store.models import Assessment, Revision, utcnow
from assessment.store.workspace import Account, Comment

BODY_MAX = 10_000
SCOPES = ("overall", *(f"area:{a}" for a in AREA_IDS), *(f"pitfall:{p}" for p in PITFALL_IDS))


class CommentError(ValueError):
    def __init__(self, code: str, scope: str | None = None):
        super().__init__(f"{code}: {scope}")
        self.code, self.scope = code, scope


def current(a: Assessment) -> dict[str, Comment]:
    from sqlalchemy.orm import object_session

    session = object_session(a)
    if session is None:
        return {}
    return {c.scope: c for c in session.scalars(select(Comment).where(Comment.assessment_id == a.id))}


def snapshot(a: Assessment) -> dict:
    """What a revision made now shows: every non-empty comment with its author and date, and the report notes."""
    kept = {}
    for scope, c in current(a).items():
        if c.body or c.discussed:
            kept[scope] = {
                "body": c.body,
                "discussed": c.discussed,
                "author": c.author.label if c.author else "",
                "date": (c.updated_at or utcnow()).date().isoformat(),
            }
    notes = {r.question: r.note for r in a.answers if r.note and r.note_in_report}
    return {"comments": kept, "notes": notes}


def of_revision(a: Assessment, number: int) -> dict:
    from sqlalchemy.orm import object_session

    session = object_session(a)
    data = None
    if session is not None:
        data = session.scalar(
            select(Revision.comments).where(Revision.assessment_id == a.id, Revision.number == number)
        )
    return data or {"comments": {}, "notes": {}}


def stamp_latest(session: Session, a: Assessment) -> None:
    """Give the latest revision (just submitted) the comments and report notes as they stand."""
    row = session.scalar(select(Revision).where(Revision.assessment_id == a.id, Revision.number == a.revision))
    if row is not None:
        row.comments = snapshot(a)
        session.commit()


def save(session: Session, account: Account, a: Assessment, values: dict[str, tuple[str, bool]]) -> bool:
    """Store the comments; when the report's content changed, add a revision. Returns whether it did."""
    if not a.has_verdict:
        raise CommentError("not_submitted")
    if not a.submitted:
        raise CommentError("reopened")  # answers are being revised: the comments go with the next submit
    for scope, (body, _discussed) in values.items():
        if scope not in SCOPES:
            raise CommentError("unknown_scope", scope)
        if not isinstance(body, str) or len(body) > BODY_MAX:
            raise CommentError("too_long", scope)
    rows = current(a)
    for scope, (body, discussed) in values.items():
        body = body.strip()
        row = rows.get(scope)
        if row is None:
            if not body and not discussed:
                continue
            row = Comment(assessment_id=a.id, scope=scope, body="", discussed=False)
            session.add(row)
            rows[scope] = row
        if row.body != body or row.discussed != bool(discussed):
            row.body, row.discussed, row.author_id = body, bool(discussed), account.id
    session.flush()
    session.expire_all()
    new = snapshot(a)
    latest = session.scalar(select(Revision).where(Revision.assessment_id == a.id, Revision.number == a.revision))
    if latest is None or _content(latest.comments) == _content(new):
        session.commit()
        return False
    number = a.revision + 1
    session.add(Revision(assessment_id=a.id, number=number, verdict=latest.verdict, comments=new))
    a.revision = number
    session.commit()
    return True


def _content(snap: dict | None) -> dict:
    """What the reader sees, less the dates: re-saving the same words is no new revision."""
    snap = snap or {}
    comments = {s: (c["body"], c["discussed"]) for s, c in (snap.get("comments") or {}).items()}
    return {"comments": comments, "notes": snap.get("notes") or {}}
