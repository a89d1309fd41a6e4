"""The consultancy's branding and contact as an admin sets them: one row (store SiteSettings) over the environment.

The report (services/reports.py) reads `report_branding`, the public pages read `stored` through
the web's cache; an admin changes them with `update` (/workspace/settings). A value left empty
keeps what the environment says (report.branding.Branding.from_env, the site's BRAND_NAME, ...).
"""

from __future__ import annotations

import dataclasses
import io
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from assessment.report.branding import Branding
from assessment.services import audit
from assessment.store.models import utcnow
from assessment.store.workspace import Account, SiteSettings

TEXT_FIELDS = ("name", "color", "contact_url", "booking_url", "phone", "email", "privacy_url")
URL_FIELDS = ("contact_url", "booking_url", "privacy_url")
LOGO_MAX_BYTES = 200 * 1024
LOGO_MAX_PIXELS = 2000  # on either side: a logo prints at 4 cm
# Raster images only, recognised by their content: an SVG upload could carry script and links.
LOGO_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_PHONE = re.compile(r"^[0-9+()\- ]{4,40}$")


@dataclass(frozen=True)
class Stored:
    """What the admin set; None where the environment's value stands."""

    name: str | None = None
    color: str | None = None
    contact_url: str | None = None
    booking_url: str | None = None
    phone: str | None = None
    email: str | None = None
    privacy_url: str | None = None
    logo: bytes | None = None
    logo_type: str | None = None


def valid_color(value: str) -> bool:
    return bool(_COLOR.match(value))


def valid_https_url(value: str) -> bool:
    """An absolute https URL with a host: what a report or page may link to (never javascript:, http: or a path)."""
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not any(c.isspace() for c in value)


def valid_phone(value: str) -> bool:
    return bool(_PHONE.match(value))


def logo_type(data: bytes) -> str | None:
    """The MIME type of a PNG or JPEG that decodes and fits LOGO_MAX_PIXELS, or None for anything else."""
    from PIL import Image, UnidentifiedImageError

    if not data or len(data) > LOGO_MAX_BYTES:
        return None
    # A cut or corrupt file must fail here, not in a PDF render. Decoding alone does not tell:
    # WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES for the whole process.
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if kind not in LOGO_TYPES or not (0 < width <= LOGO_MAX_PIXELS and 0 < height <= LOGO_MAX_PIXELS):
                return None
            image.verify()  # PNG: every chunk's checksum, up to IEND
        if kind == "JPEG" and not data.endswith(b"\xff\xd9"):  # verify() reads no JPEG data; a cut one lacks EOI
            return None
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return LOGO_TYPES[kind]


def stored(session: Session) -> Stored:
    row = session.get(SiteSettings, 1)
    if row is None:
        return Stored()
    return Stored(**{f.name: getattr(row, f.name) for f in dataclasses.fields(Stored)})


def apply(base: Branding, s: Stored) -> Branding:
    """`base` (the environment's branding) with what the admin set in its place."""
    changes: dict = {
        field: value
        for field, value in (
            ("name", s.name),
            ("color", s.color),
            ("url", s.contact_url),
            ("booking_url", s.booking_url),
            ("phone", s.phone),
            ("email", s.email),
        )
        if value
    }
    if s.logo and s.logo_type:
        changes.update(logo_data=s.logo, logo_type=s.logo_type)
    return dataclasses.replace(base, **changes)


def report_branding(session: Session) -> Branding:
    """The branding a report is rendered with now."""
    return apply(Branding.from_env(), stored(session))


def update(
    session: Session,
    account: Account,
    values: dict[str, str | None],
    *,
    logo: bytes | None = None,
    remove_logo: bool = False,
    address: str | None = None,
) -> list[str]:
    """Store `values` (TEXT_FIELDS; empty or None: back to the environment's), a new logo or none; audit-log it.

    Returns the names of what changed. The caller's form has checked the values; a value that
    still fails the checks raises ValueError and nothing is stored.
    """
    cleaned = {field: (values.get(field) or "").strip() or None for field in TEXT_FIELDS}
    _check(cleaned)
    kind = logo_type(logo) if logo else None
    if logo and kind is None:
        raise ValueError("the logo must be a PNG or JPEG of at most 200 KB and 2000 px")
    row = session.get(SiteSettings, 1) or SiteSettings(id=1)
    changed = [field for field in TEXT_FIELDS if getattr(row, field) != cleaned[field]]
    detail = [f"{field}: {_shown(getattr(row, field))} -> {_shown(cleaned[field])}" for field in changed]
    for field in changed:
        setattr(row, field, cleaned[field])
    if logo:
        row.logo, row.logo_type = logo, kind
        changed.append("logo")
        detail.append(f"logo: {kind}, {len(logo)} bytes")
    elif remove_logo and row.logo is not None:
        row.logo = row.logo_type = None
        changed.append("logo")
        detail.append("logo: removed")
    if not changed:
        return []
    row.updated_at, row.updated_by_id = utcnow(), account.id
    session.add(row)
    audit.record(session, account, "change", "settings:branding", "; ".join(detail), address=address, commit=False)
    session.commit()
    return changed


def _shown(value: str | None) -> str:
    return "(default)" if value is None else repr(value[:60])


def _check(cleaned: dict[str, str | None]) -> None:
    for field in URL_FIELDS:
        if cleaned[field] and not valid_https_url(cleaned[field] or ""):
            raise ValueError(f"{field} must be an https URL")
    if cleaned["color"] and not valid_color(cleaned["color"] or ""):
        raise ValueError("color must be a hex colour like #1f4e79")
    if cleaned["phone"] and not valid_phone(cleaned["phone"] or ""):
        raise ValueError("phone may hold digits, spaces, + - ( ) only")
    if cleaned["email"] and "@" not in (cleaned["email"] or ""):
        raise ValueError("email must be an e-mail address")
