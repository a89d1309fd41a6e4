"""The public self-assessment: landing, question pages, results, lead gate, report."""

from assessment.web.survey import invited as _invited  # noqa: F401  (registers the invitation views on bp)
from assessment.web.survey import resume as _resume  # noqa: F401  (registers the resume views on bp)
from assessment.web.survey.routes import bp

__all__ = ["bp"]
