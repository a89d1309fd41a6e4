"""The JSON API: the same flow for other front ends (GET questionnaire, POST assessments)."""

from assessment.web.api.routes import bp

__all__ = ["bp"]
