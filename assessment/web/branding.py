"""The branding an admin stored (services/branding.py), as the public pages read it: once per few seconds per process.

Every page shows the brand (name, contact, call to action); a query on each would add to the
funnel's per-request cost for values that change a few times a year. The process that saves new
values forgets its copy at once; other processes see them within STALE_SECONDS.
"""

from __future__ import annotations

import time

from flask import current_app
from sqlalchemy.exc import SQLAlchemyError

from assessment.services import branding
from assessment.web.database import db

STALE_SECONDS = 10.0


def stored() -> branding.Stored:
    kept = current_app.extensions.get("stored_branding")
    now = time.monotonic()
    if kept is not None and now - kept[0] < STALE_SECONDS:
        return kept[1]
    try:
        value = branding.stored(db.session)
    except SQLAlchemyError:
        # An error page must still render while the database is away: the environment's brand then.
        db.session.rollback()
        return branding.Stored()
    current_app.extensions["stored_branding"] = (now, value)
    return value


def forget() -> None:
    current_app.extensions.pop("stored_branding", None)


def site(config) -> dict:
    """The public pages' brand and contact: the admin's values over the environment's (config)."""
    s = stored()
    return {
        "name": s.name or config["BRAND_NAME"],
        "contact_email": s.email or config["CONTACT_EMAIL"],
        "privacy_url": s.privacy_url or config["PRIVACY_URL"],
        "booking_url": s.booking_url or config["BOOKING_URL"],
        "phone": s.phone or config["CONTACT_PHONE"],
    }


def color() -> str:
    """The brand colour for the charts drawn on the pages."""
    from assessment.report.branding import Branding

    return stored().color or Branding.from_env().color
