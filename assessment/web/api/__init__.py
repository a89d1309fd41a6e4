"""The JSON API: the same flow for other front ends (GET questionnaire, POST assessments)."""
from .routes import bp

__all__ = ["bp"]
