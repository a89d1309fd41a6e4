"""The consultancy's branding on the report: name, logo, colour, contact."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from assessment.paths import STATIC_DIR

DEFAULT_LOGO = STATIC_DIR / "report" / "logo.svg"
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


@dataclass(frozen=True)
class Branding:
    name: str = "CMO Thinking Partners"
    logo: Path | None = DEFAULT_LOGO
    color: str = "#1f4e79"
    url: str = "https://example.com/contact"
    # The call to action on the last page, as on the results pages: a booking page, a phone, an e-mail.
    booking_url: str = ""
    phone: str = ""
    email: str = ""
    # A logo kept in the database (the admin's upload, services/branding.py) instead of a file:
    # its bytes and MIME type. Shown in place of `logo` when set.
    logo_data: bytes | None = None
    logo_type: str = ""

    def __post_init__(self):
        # The colour goes into a stylesheet: accept only a hex colour, never free CSS.
        if not _COLOR.match(self.color):
            raise ValueError(f"branding colour must be a hex colour like #1f4e79, got {self.color!r}")
        # A link in the PDF: http(s) only, never javascript: or file:.
        if self.booking_url and not self.booking_url.startswith(("https://", "http://")):
            raise ValueError(f"booking URL must be an http(s) URL, got {self.booking_url!r}")
        if self.logo is not None:
            object.__setattr__(self, "logo", Path(self.logo).resolve())

    @classmethod
    def from_env(cls, env=None) -> Branding:
        """Read CMO_BRAND_NAME, CMO_BRAND_LOGO, CMO_BRAND_COLOR, CMO_BRAND_URL; unset keeps the default.

        The site's own settings fill what these leave unset, so one setting brands both: BRAND_NAME,
        and BOOKING_URL, CONTACT_PHONE, CONTACT_EMAIL for the call to action.
        """
        env = os.environ if env is None else env
        default = cls()
        logo = env.get("CMO_BRAND_LOGO")
        return cls(
            name=env.get("CMO_BRAND_NAME") or env.get("BRAND_NAME") or default.name,
            logo=Path(logo) if logo else default.logo,
            color=env.get("CMO_BRAND_COLOR") or default.color,
            url=env.get("CMO_BRAND_URL") or default.url,
            booking_url=env.get("BOOKING_URL", ""),
            phone=env.get("CONTACT_PHONE", ""),
            email=env.get("CONTACT_EMAIL", ""),
        )
