"""The public self-assessment: landing, question pages, results, lead gate, report."""

from assessment.web.survey.routes import bp

__all__ = ["bp"]
