"""The results page's radar: the report's own SVG chart, so page and PDF show the same picture."""

from __future__ import annotations

from functools import lru_cache

from markupsafe import Markup

from assessment.diagnose.diagnosis import Diagnosis


@lru_cache(maxsize=1)
def _color() -> str:
    from assessment.report.branding import Branding

    return Branding.from_env().color


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
