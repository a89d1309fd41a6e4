"""CMO思考診断: answers in, one Diagnosis out.

    from assessment import evaluate
    d = evaluate({"al_goal_agreement": "verbal_only", ...}, locale="ja")
    d.to_dict()  # the public JSON contract
"""
from .answers import AnswerError
from .diagnosis import Diagnosis
from .pipeline import evaluate
from .yamlio import DataError

__all__ = ["evaluate", "Diagnosis", "AnswerError", "DataError"]
__version__ = "0.1.0"
