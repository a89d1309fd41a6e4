"""The public self-assessment: landing, question pages, results, lead gate, report."""
from .routes import bp

__all__ = ["bp"]
