"""The consultant workspace: clients, interviews, comments, leads, exports, users. Signed-in only."""

from assessment.web.workspace.access import bp

# Each module adds its routes to bp.
from assessment.web.workspace import admin, clients, exports, interviews, leads, webhooks  # noqa: F401  isort: skip

__all__ = ["bp"]
