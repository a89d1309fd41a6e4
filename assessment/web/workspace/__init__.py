"""The consultant workspace: clients, interviews, comments, leads, exports, users. Signed-in only."""

from assessment.web.workspace.access import bp

# Each module adds its routes to bp.
from assessment.web.workspace import (  # noqa: F401  isort: skip
    admin,
    clients,
    dashboard,
    exports,
    interviews,
    leads,
    rounds,
    settings,
    webhooks,
)

__all__ = ["bp"]
