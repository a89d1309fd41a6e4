"""What an assessment's revisions concluded: the kept Verdict, and the Diagnosis in a locale.

Reading needs no rules engine: the Verdict holds ids and numbers, localize() adds the texts.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from assessment.bank.questionnaire import Questionnaire
from assessment.bank.text import LOCALES
from assessment.diagnose.diagnosis import Diagnosis
from assessment.diagnose.localization import localize
from assessment.diagnose.verdict import Verdict
from assessment.store.models import Assessment, Revision


def verdict(a: Assessment, number: int | None = None) -> Verdict | None:
    """The kept verdict of revision `number` (default: the latest), or None before the first submit.

    One row is read, not every revision: a verdict is a few kB of JSON.
    """
    number = a.revision if number is None else number
    session = object_session(a)
    if session is None:  # a detached assessment: what it had loaded
        data = next((r.verdict for r in a.revisions if r.number == number), None)
    else:
        data = session.scalar(select(Revision.verdict).where(Revision.assessment_id == a.id, Revision.number == number))
    return None if data is None else Verdict.from_dict(data)


def diagnosis(a: Assessment, locale: str, qn: Questionnaire | None = None, number: int | None = None) -> Diagnosis:
    """The Diagnosis of revision `number` (default: the latest) in `locale`, made from the kept verdict."""
    kept = verdict(a, number)
    if kept is None:
        raise LookupError(f"assessment {a.id} has no revision {a.revision if number is None else number}")
    return localize(kept, locale if locale in LOCALES else a.locale, questionnaire=qn)
