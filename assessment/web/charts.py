"""The results page's radar: the report's own SVG chart, so page and PDF show the same picture."""

from __future__ import annotations

from markupsafe import Markup

from assessment.diagnose.diagnosis import Diagnosis
from assessment.web.branding import color as _color

# An illustration for the landing page, not anyone's result: a company strong on alignment, weak on review.
SAMPLE_SCORES = (62, 48, 40, 55, 30)


def sample_radar(area_names: list[str], locale: str) -> Markup:
    from assessment.report.charts import radar as report_radar

    label = "回答例のレーダーチャート" if locale == "ja" else "Radar chart of a sample result"
    axes: list[tuple[str, int | None]] = list(zip(area_names, SAMPLE_SCORES, strict=True))
    return Markup(report_radar(axes, _color(), label=label, cjk=locale == "ja", compact=True))


def radar(d: Diagnosis) -> Markup:
    from assessment.report.charts import radar as report_radar

    label = (
        ("領域別スコアのレーダーチャート" if d.locale == "ja" else "Radar chart of the area scores")
        + ": "
        + ", ".join(f"{a.name} {'–' if a.score is None else a.score}" for a in d.areas)
    )
    axes = [(a.name, a.score) for a in d.areas]
    # Two pictures, one shown (site.css): the report's on wide screens, a compact one on phones.
    wide = report_radar(axes, _color(), label=label, cjk=d.locale == "ja")
    compact = report_radar(axes, _color(), label=label, cjk=d.locale == "ja", compact=True)
    return Markup(f'<div class="radar-wide">{wide}</div><div class="radar-compact">{compact}</div>')
