"""CMO思考診断: answers in, one Diagnosis out.

    from assessment import evaluate
    d = evaluate({"al_goal_agreement": "verbal_only", ...}, locale="ja")
    d.to_dict()  # the public JSON contract

    from assessment import localize, Verdict
    from assessment.diagnose.pipeline import diagnose
    v = diagnose(answers)  # ids and numbers only: the form to store
    localize(Verdict.from_dict(v.to_dict()), "en")  # the same Diagnosis evaluate(answers, "en") gives

The names load on first use, so importing assessment.store or assessment.report
does not start the rules engine (durable-rules takes most of a second to import).
diagnose() is not one of them: assessment.diagnose is the subpackage, and
Python binds that name to it as soon as it is imported.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessment.bank.yamlio import DataError
    from assessment.diagnose.answers import AnswerError
    from assessment.diagnose.diagnosis import Diagnosis
    from assessment.diagnose.legacy import verdict_from_diagnosis_dict
    from assessment.diagnose.localization import localize
    from assessment.diagnose.pipeline import evaluate
    from assessment.diagnose.verdict import Verdict

__all__ = ["AnswerError", "DataError", "Diagnosis", "Verdict", "evaluate", "localize", "verdict_from_diagnosis_dict"]
__version__ = "0.1.0"

_FACE = {
    "evaluate": "assessment.diagnose.pipeline",
    "Diagnosis": "assessment.diagnose.diagnosis",
    "localize": "assessment.diagnose.localization",
    "Verdict": "assessment.diagnose.verdict",
    "verdict_from_diagnosis_dict": "assessment.diagnose.legacy",
    "AnswerError": "assessment.diagnose.answers",
    "DataError": "assessment.bank.yamlio",
}


def __getattr__(name: str) -> Any:
    module = _FACE.get(name)
    if module is None:
        raise AttributeError(f"module 'assessment' has no attribute {name!r}")
    return getattr(import_module(module), name)
