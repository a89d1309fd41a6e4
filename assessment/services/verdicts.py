"""What an assessment's revisions concluded: the kept Verdict, and the Diagnosis in a locale.

Reading needs no rules engine: the Verdict holds ids and numbers, localize() adds the texts.
"""

from __future__ import annotations

from assessment.bank.questionnaire import Questionnaire
from assessment.bank.text import LOCALES
from assessment.diagnose.diagnosis import Diagnosis
from assessment.diagnose.localization import localize
from assessment.diagnose.verdict import Verdict
from assessment.store.models import Assessment


def verdict(a: Assessment, number: int | None = None) -> Verdict | None:
    """The kept verdict of revision `number` (default: the latest), or None before the first submit."""
    chosen = a.latest if number is None else next((r for r in a.revisions if r.number == number), None)
    return None if chosen is None else Verdict.from_dict(chosen.verdict)


def diagnosis(a: Assessment, locale: str, qn: Questionnaire | None = None, number: int | None = None) -> Diagnosis:
    """The Diagnosis of revision `number` (default: the latest) in `locale`, made from the kept verdict."""
    kept = verdict(a, number)
    if kept is None:
        raise LookupError(f"assessment {a.id} has not been submitted")
    return localize(kept, locale if locale in LOCALES else a.locale, questionnaire=qn)
