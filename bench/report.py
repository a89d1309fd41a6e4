"""Benchmark the PDF report; prints figures, asserts nothing.

    .venv/bin/python bench/report.py [--runs 30] [--chromium-runs 5] [--rss-renders 500]

1. WeasyPrint p50/p99 for the full Japanese report (profile campaign_machine,
   a large company: all sections but the small-company advice), rendered again and
   again in one warm process; then the longest report, small_campaigns, which adds
   the small-team advice and takes one more page; then a round's PDF with its trend (8 rounds)
   and gap sections (issue 14), built without a database as services/rounds.report_pdf does.
2. The same document with a Latin-only font stack (DejaVu Sans), interleaved:
   for the Japanese document (fontconfig still falls back to a CJK font for
   the kana and kanji) and for the English one (a true Latin-only render).
3. Headless Chromium --print-to-pdf on the same HTML, side by side.
4. Peak RSS over N renders in a fresh process, sampled along the way.
5. (--stages) Where the CPU time of one Japanese render goes, by WeasyPrint stage.
"""

from __future__ import annotations

import argparse
import gc
import io
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypedDict

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import evaluate
from assessment.report import check_fonts, render_html, render_pdf

LATIN = 'html, svg { font-family: "DejaVu Sans" !important; }'


class Named(TypedDict):
    """The names a report prints: the same in every render here."""

    company: str
    respondent: str


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def diagnosis(profile: str, locale: str):
    path = ROOT / "tests" / "profiles" / f"{profile}.yaml"
    if not path.is_file():
        path = ROOT / "tests" / "report" / "answers" / f"{profile}.yaml"
    return evaluate(yaml.safe_load(path.read_text(encoding="utf-8")), locale)


def round_sections(locale: str):
    """A company's 8th closed round: its Diagnosis, the trend over 8 rounds and the gap between
    management and marketing, as rounds.report_views makes them from the rounds' verdicts."""
    import random

    from assessment.bank.questionnaire import default_questionnaire
    from assessment.diagnose.compare import perception_gap, trend
    from assessment.diagnose.localization import localize
    from assessment.diagnose.pipeline import diagnose
    from assessment.report.tracking import gap_view, trend_view
    from assessment.samples import respondent_answers
    from assessment.services.rounds import default_targets

    qn, rng = default_questionnaire(), random.Random(7)
    periods = [f"{2025 + n // 4}-Q{n % 4 + 1}" for n in range(8)]
    sides = [
        (diagnose(respondent_answers(rng), questionnaire=qn), diagnose(respondent_answers(rng), questionnaire=qn))
        for _ in periods
    ]
    kept = [management for management, _marketing in sides]  # the "reference" rule keeps management's
    before, after = (localize(v, locale, questionnaire=qn) for v in kept[-2:])
    tracking = trend_view(
        [(period, dict(v.scores)) for period, v in zip(periods, kept, strict=True)],
        trend(kept[-2], kept[-1], qn),
        qn,
        locale,
        before=before,
        after=after,
        step_status={},
        targets=default_targets(kept[-2], qn),
    )
    management, marketing = sides[-1]
    return after, tracking, gap_view(perception_gap(management, marketing, qn), qn, locale)


def timed(fn, runs: int) -> list[float]:
    fn()  # warm-up: font configuration, templates, stylesheet
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(p / 100 * (len(xs) - 1)))]


def line(label: str, xs: list[float]) -> float:
    p50 = statistics.median(xs)
    print(f"  {label:44s} p50 {p50:6.3f} s   p99 {pct(xs, 99):6.3f} s   (n={len(xs)})")
    return p50


Seconds = dict[str, list[float]]


def interleaved(fns: dict[str, Callable[[], object]], runs: int) -> tuple[Seconds, Seconds]:
    """Alternate the variants so machine load hits them alike; wall and CPU seconds."""
    for fn in fns.values():
        fn()
    wall: Seconds = {k: [] for k in fns}
    cpu: Seconds = {k: [] for k in fns}
    for _ in range(runs):
        for k, fn in fns.items():
            t, c = time.perf_counter(), time.process_time()
            fn()
            wall[k].append(time.perf_counter() - t)
            cpu[k].append(time.process_time() - c)
    return wall, cpu


def chromium(html: str, runs: int) -> list[float] | None:
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        return None
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "report.html"
        src.write_text(html, encoding="utf-8")
        for i in range(runs + 1):
            profile = Path(tmp) / f"profile-{i}"
            cmd = [
                exe,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--print-to-pdf={tmp}/out.pdf",
                "--no-pdf-header-footer",
                src.as_uri(),
            ]
            t = time.perf_counter()
            subprocess.run(cmd, check=True, capture_output=True, timeout=120)
            if i:  # the first run warms the disk cache
                out.append(time.perf_counter() - t)
    return out


def stages(fn, runs: int, document: str = "Japanese report") -> None:
    """CPU seconds per render in each WeasyPrint stage, by wrapping its entry points for a while."""
    import pydyf
    import weasyprint
    import weasyprint.document as wdoc
    import weasyprint.pdf.fonts as wfonts
    import weasyprint.svg

    acc: dict[str, float] = {}
    targets = [  # (owner, attribute, label); nested stages are subtracted from their parent below
        (weasyprint.HTML, "__init__", "HTML parse"),
        (wdoc, "get_all_computed_styles", "CSS cascade"),
        (wdoc, "build_formatting_structure", "box tree"),
        (weasyprint.HTML, "render", "render"),
        (wdoc.Page, "paint", "paint (text, borders, backgrounds)"),
        (weasyprint.svg.SVG, "draw", "paint: SVG charts (their text one character at a time)"),
        (wfonts.Font, "__init__", "fonts: load face (copies the font file)"),
        (wfonts.Font, "clean", "fonts: HarfBuzz subset"),
        (pydyf.PDF, "write", "PDF serialise + zlib"),
        (wdoc.Document, "write_pdf", "write"),
    ]
    saved = [(owner, name, owner.__dict__[name]) for owner, name, _ in targets]

    def wrap(f, label):
        def w(*a, **k):
            t = time.process_time()
            try:
                return f(*a, **k)
            finally:
                acc[label] = acc.get(label, 0.0) + time.process_time() - t

        return w

    for owner, name, label in targets:
        setattr(owner, name, wrap(getattr(owner, name), label))
    try:
        fn()
        acc.clear()
        total = 0.0
        for _ in range(runs):
            t = time.process_time()
            fn()
            total += time.process_time() - t
    finally:
        for owner, name, f in saved:
            setattr(owner, name, f)
    per = {k: v / runs for k, v in acc.items()}
    load = "fonts: load face (copies the font file)"
    per["paint (text, borders, backgrounds)"] -= per.get(load, 0.0)  # faces are loaded while painting
    per["paint (text, borders, backgrounds)"] -= per.get("paint: SVG charts (their text one character at a time)", 0.0)
    layout = per["render"] - per["CSS cascade"] - per["box tree"]
    write_rest = per["write"] - sum(v for k, v in per.items() if k.startswith(("paint", "fonts", "PDF")))
    rows = [
        ("HTML parse", per["HTML parse"]),
        ("CSS cascade", per["CSS cascade"]),
        ("box tree", per["box tree"]),
        ("layout (pagination, line breaking)", layout),
    ]
    rows += [(k, v) for k, v in per.items() if k.startswith(("paint", "fonts", "PDF"))]
    rows += [
        ("PDF other (page tree, metadata, fonts dictionary)", write_rest),
        ("ours: view, Jinja, fetcher", total / runs - per["HTML parse"] - per["render"] - per["write"]),
    ]
    print(f"\nWhere the CPU goes, {document}, mean of {runs} renders ({total / runs:.3f} s CPU each):")
    for label, v in rows:
        print(f"  {label:48s} {v:6.3f} s  {100 * v / (total / runs):4.0f}%")


def rss_child(renders: int) -> None:
    d = diagnosis("campaign_machine", "ja")
    marks = sorted({1, 10, 50, 100, 200, 300, 400, 500, 750, 1000, 1500, renders} & set(range(1, renders + 1)))
    for i in range(1, renders + 1):
        render_pdf(d, company="株式会社ベンチマーク", respondent="山田 太郎")
        if i in marks:
            # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork + exec, so a child started
            # by this bench reported the parent's peak (about 190 MiB after its Chromium runs).
            status = Path("/proc/self/status").read_text()
            hwm = re.search(r"VmHWM:\s+(\d+) kB", status)
            assert hwm, "/proc/self/status has no VmHWM line"
            peak = int(hwm.group(1)) / 1024
            current = int(Path("/proc/self/statm").read_text().split()[1]) * resource.getpagesize() / 2**20
            # Live Python objects tell a leak (they grow) from allocator fragmentation (they don't).
            gc.collect()
            print(
                f"  after {i:4d} renders: peak RSS {peak:6.1f} MiB, current {current:6.1f} MiB, "
                f"live Python objects {len(gc.get_objects()):,}",
                flush=True,
            )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--chromium-runs", type=int, default=5)
    ap.add_argument("--rss-renders", type=int, default=500)
    ap.add_argument("--stages", type=int, default=5, help="renders for the per-stage CPU breakdown (0: skip)")
    ap.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        return rss_child(args.rss_child)

    for problem in check_fonts():
        print(f"WARNING: {problem}")
    ja, en = diagnosis("campaign_machine", "ja"), diagnosis("campaign_machine", "en")
    kw: Named = {"company": "株式会社ベンチマーク", "respondent": "山田 太郎"}
    from pypdf import PdfReader  # dev dependency; the bench is a dev tool

    def target_series(label: str, d, target: float = 0.30, **sections) -> None:
        """Renders in a row, timed against the target."""
        pages = len(PdfReader(io.BytesIO(render_pdf(d, **kw, **sections))).pages)
        p50 = line(f"{label}, {pages} pages", timed(lambda: render_pdf(d, **kw, **sections), args.runs))
        print(f"  target p50 <= {target:.2f} s: {'met' if p50 <= target else 'NOT met'} ({p50:.3f} s)")

    print(
        f"WeasyPrint, Japanese, Noto Sans CJK JP (JIS cut), {args.runs} renders in a row "
        "in a warm process, as a render worker does them:"
    )
    target_series("full report (campaign_machine)", ja)
    # The small-company report is the longest one: every section, the small-team advice included.
    target_series("every section (small_campaigns)", diagnosis("small_campaigns", "ja"))
    in_round, tracking, gap = round_sections("ja")
    target_series("a round: trend and gap sections", in_round, 0.40, tracking=tracking, gap=gap)

    # Alternating four documents slows each of them (caches), so the ratios below come from
    # their own interleaved runs, and the target above from the series.
    print(f"\nFont cost: the same documents with other fonts, {args.runs} runs each, interleaved:")
    t, cpu = interleaved(
        {
            "ja": lambda: render_pdf(ja, **kw),
            "ja_latin": lambda: render_pdf(ja, extra_css=LATIN, **kw),
            "en": lambda: render_pdf(en, **kw),
            "en_latin": lambda: render_pdf(en, extra_css=LATIN, **kw),
        },
        args.runs,
    )
    ja50 = line("Japanese, Noto Sans CJK JP (JIS cut)", t["ja"])
    jl50 = line("Japanese, Latin-only font stack (fallback)", t["ja_latin"])
    en50 = line("English, Noto Sans CJK JP (JIS cut)", t["en"])
    el50 = line("English, Latin-only font (DejaVu Sans)", t["en_latin"])
    print("  CPU time of the same runs (what an idle machine would see; other work shares this one):")
    cj50 = line("  Japanese, Noto Sans CJK JP (CPU)", cpu["ja"])
    ce50 = line("  English, DejaVu Sans (CPU)", cpu["en_latin"])
    print(
        f"  load average now: {' '.join(f'{x:.2f}' for x in __import__('os').getloadavg())} on {__import__('os').cpu_count()} CPUs"
    )
    print(f"  ratio ja Noto / ja Latin-only stack: {ja50 / jl50:.2f}x   (target <= 1.15x)")
    print(f"  ratio en Noto / en DejaVu Sans:      {en50 / el50:.2f}x")
    print(f"  ratio ja Noto / en DejaVu Sans:      {ja50 / el50:.2f}x   (CPU {cj50 / ce50:.2f}x)")

    if args.stages:
        stages(lambda: render_pdf(ja, **kw), args.stages)
        stages(lambda: render_pdf(in_round, tracking=tracking, gap=gap, **kw), args.stages, "round PDF (trend, gap)")

    html = render_html(ja, **kw)
    print(f"\nHeadless Chromium --print-to-pdf on the same HTML ({args.chromium_runs} runs, new process each):")
    ch = chromium(html, args.chromium_runs) if args.chromium_runs else None
    if not args.chromium_runs:
        print("  --chromium-runs 0: skipped")
    elif ch is None:
        print("  chromium not found: skipped")
    else:
        c50 = line("Chromium", ch)
        w = timed(lambda: render_pdf(ja, **kw), args.chromium_runs)
        w50 = line("WeasyPrint (same moment)", w)
        print(f"  WeasyPrint is {c50 / w50:.2f}x faster than Chromium   (target >= 2x)")

    if not args.rss_renders:
        return
    print(f"\nMemory over {args.rss_renders} renders in a fresh process:")
    subprocess.run([sys.executable, __file__, "--rss-child", str(args.rss_renders)], check=True)


if __name__ == "__main__":
    main()
