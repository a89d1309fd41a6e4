"""CMO思考診断: answers in, one Diagnosis out.

    from assessment import evaluate
    d = evaluate({"al_goal_agreement": "verbal_only", ...}, locale="ja")
    d.to_dict()  # the public JSON contract

The names load on first use, so importing assessment.store or assessment.report
does not start the rules engine (durable-rules takes most of a second to import).
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assessment.bank.yamlio import DataError
    from assessment.diagnose.answers import AnswerError
    from assessment.diagnose.diagnosis import Diagnosis
    from assessment.diagnose.pipeline import evaluate

__all__ = ["evaluate", "Diagnosis", "AnswerError", "DataError"]
__version__ = "0.1.0"

_FACE = {
    "evaluate": "assessment.diagnose.pipeline",
    "Diagnosis": "assessment.diagnose.diagnosis",
    "AnswerError": "assessment.diagnose.answers",
    "DataError": "assessment.bank.yamlio",
}


def __getattr__(name: str) -> Any:
    module = _FACE.get(name)
    if module is None:
        raise AttributeError(f"module 'assessment' has no attribute {name!r}")
    return getattr(import_module(module), name)
