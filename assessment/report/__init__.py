"""The scored report: a Diagnosis rendered as HTML and, through WeasyPrint, as PDF.

render_pdf() and render_html() only read the Diagnosis. The UI strings come
from the gettext domain "report"; the Diagnosis texts are already localized.
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import mimetypes
import re
import threading
import zlib
from contextlib import contextmanager
from functools import lru_cache

from markupsafe import Markup

from assessment.diagnose.diagnosis import Diagnosis
from assessment.paths import TEMPLATES_DIR
from assessment.report import view
from assessment.report.branding import Branding
from assessment.report.comments import ConsultantComments
from assessment.report.fonts import check_fonts, face_css, face_files, font_config
from assessment.report.i18n import environment, translations
from assessment.report.tracking import GapView, TargetRows, TrendView

__all__ = ["STYLESHEET", "Branding", "check_fonts", "render_html", "render_pdf"]

STYLESHEET = TEMPLATES_DIR / "report" / "report.css"
# One render at a time per process: Pango/fontconfig and the shared FontConfiguration
# are not thread-safe. Scale out with processes (or the job queue), not threads.
_RENDER_LOCK = threading.Lock()


def _gettext(locale: str):
    t = translations(locale)

    def _(message: str, **values) -> str:
        text = t.gettext(message)
        return text % values if values else text

    return _


def _locale_of(diagnosis: Diagnosis, locale: str | None) -> str:
    # The Diagnosis texts are in diagnosis.locale; a report mixing two languages is worse than an error.
    if locale and locale != diagnosis.locale:
        raise ValueError(
            f"the diagnosis is in {diagnosis.locale!r}, not {locale!r}: evaluate the answers with locale={locale!r}"
        )
    return diagnosis.locale


def _logo_data_uri(branding: Branding) -> str | None:
    if branding.logo_data:
        return f"data:{branding.logo_type};base64,{base64.b64encode(branding.logo_data).decode()}"
    if not branding.logo or not branding.logo.is_file():
        return None
    mime = mimetypes.guess_type(branding.logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(branding.logo.read_bytes()).decode()}"


def _html(
    diagnosis,
    *,
    locale,
    branding,
    company,
    respondent,
    date,
    standalone,
    extra_css="",
    fetcher=None,
    tracking: TrendView | None = None,
    gap: GapView | None = None,
    targets: TargetRows = (),
    comments=None,
) -> str:
    locale = _locale_of(diagnosis, locale)
    branding = branding or Branding.from_env()
    if standalone:  # a browser gets everything inline: no file URLs on a web page
        logo_src, css = _logo_data_uri(branding), STYLESHEET.read_text(encoding="utf-8")
    elif branding.logo_data:  # served to WeasyPrint by the fetcher, like the charts
        logo_src, css = fetcher.add_image(branding.logo_data, branding.logo_type), ""
    else:  # WeasyPrint fetches the logo through the project-only fetcher
        logo = branding.logo if branding.logo and branding.logo.is_file() else None
        logo_src, css = (logo.as_uri() if logo else None), ""
    place_svg = Markup if standalone else (lambda svg: _svg_img(svg, fetcher))
    context = view.build(
        diagnosis,
        _gettext(locale),
        branding=branding,
        company=company,
        respondent=respondent,
        date=date,
        logo_src=logo_src,
        place_svg=place_svg,
    )
    return (
        environment(locale)
        .get_template("report.html")
        .render(
            **context,
            inline_css=css + extra_css,
            lang=locale,
            tracking=tracking,
            tracking_chart=tracking and place_svg(tracking.plot),  # the table below is its legend
            gap=gap,
            gap_chart=gap and place_svg(gap.chart),
            targets=targets,
            comments=comments,
        )
    )


def _svg_img(svg: str, fetcher) -> Markup:
    # The <img> keeps the chart's own size; width/height attributes come from the SVG root.
    size = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
    if size is None:
        raise ValueError("a report chart's SVG root needs width and height attributes")
    width, height = size.groups()
    return Markup('<img class="chart" src="{}" width="{}" height="{}" alt="">').format(
        fetcher.add_svg(svg), width, height
    )


def render_html(
    diagnosis: Diagnosis,
    *,
    locale: str | None = None,
    branding: Branding | None = None,
    company: str | None = None,
    respondent: str | None = None,
    date: dt.date | None = None,
    tracking: TrendView | None = None,
    gap: GapView | None = None,
    targets: TargetRows = (),
) -> str:
    """The report as one self-contained HTML document (stylesheet and logo inline)."""
    return _html(
        diagnosis,
        locale=locale,
        branding=branding,
        company=company,
        respondent=respondent,
        date=date,
        standalone=True,
        tracking=tracking,
        gap=gap,
        targets=targets,
    )


class _Deflate:
    """zlib with another default level for pydyf's streams (it asks for level 9)."""

    def __init__(self, level: int):
        self.level = level

    def compressobj(self, level=None, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(zlib, name)


def _use_deflate_level(level: int = 6) -> None:
    """Why: pydyf deflates every PDF stream at level 9, and most of a report's bytes are the
    embedded font programs, on which level 6 is 2.4x faster for 0.4% more bytes (26 -> 11 ms
    a render). pydyf has no setting for it, so its module's zlib is wrapped, once."""
    import pydyf

    if getattr(pydyf, "zlib", None) is zlib:
        pydyf.zlib = _Deflate(level)


@lru_cache(maxsize=1)
def _stylesheets() -> tuple:
    """Parsed once per process: the stylesheet does not depend on the report, and parsing
    @font-face registers the report's font files with the FontConfiguration."""
    from weasyprint import CSS

    from assessment.report.fetcher import ProjectFetcher

    _use_deflate_level()
    fetcher = ProjectFetcher(extra_files=tuple((face_files() or {}).values()))
    return (
        CSS(filename=str(STYLESHEET), font_config=font_config(), url_fetcher=fetcher),
        CSS(string=face_css(), font_config=font_config(), url_fetcher=fetcher),
    )


def render_pdf(
    diagnosis: Diagnosis,
    *,
    locale: str | None = None,
    branding: Branding | None = None,
    company: str | None = None,
    respondent: str | None = None,
    date: dt.date | None = None,
    fetcher=None,
    extra_css: str = "",
    comments: ConsultantComments | None = None,
    tracking: TrendView | None = None,
    gap: GapView | None = None,
    targets: TargetRows = (),
) -> bytes:
    """The report as PDF bytes. fetcher: a ProjectFetcher to inspect afterwards (tests).

    comments: a consultant's comments and report notes, already in the report's language.
    tracking, gap: a round's sections (report/tracking.py), shown after the summary when given;
    targets: a first round's targets for the next one (a later round's are in tracking).
    """
    from weasyprint import HTML

    from assessment.report.fetcher import ProjectFetcher

    branding = branding or Branding.from_env()
    fetcher = fetcher or ProjectFetcher()
    html = _html(
        diagnosis,
        locale=locale,
        branding=branding,
        company=company,
        respondent=respondent,
        date=date,
        standalone=False,
        extra_css=extra_css,
        fetcher=fetcher,
        tracking=tracking,
        gap=gap,
        targets=targets,
        comments=comments,
    )
    if branding.logo:
        fetcher.extra_files = (*fetcher.extra_files, branding.logo)
    with _RENDER_LOCK, _collector_paused():
        doc = HTML(string=html, base_url=STYLESHEET.parent.as_uri() + "/", url_fetcher=fetcher)
        return doc.write_pdf(stylesheets=list(_stylesheets()), font_config=font_config())


@contextmanager
def _collector_paused():
    """Why: a render allocates some 10^5 objects that all live until it ends, so the cyclic
    collector runs dozens of times during it and finds nothing, walking the whole heap on its
    older passes: 5-7% of a render's wall time here (alternating renders with and without the pause,
    the deferred pass counted: 0.278/0.283 s -> 0.265/0.263 s). Paused only while rendering; the
    render's own garbage is collected by the first pass after it."""
    if not gc.isenabled():  # somebody else paused it: leave their setting alone
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
