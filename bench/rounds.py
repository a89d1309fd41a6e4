"""Benchmark closing a round and reading a company's gap and trend (issue 14's server-side figures).

    .venv/bin/python bench/rounds.py [--companies 50] [--rounds 8] [--database-url URL]

Seeds companies x rounds x 2 respondents (management, marketing) through the services, then
prints the CPU per call of: close_round (reference and median rules: the round's diagnosis),
gap (management vs marketing) and latest_trend (the last two closed rounds). Target (issue 14):
closing a round, its diagnosis, gap and trend <= 50 ms of server CPU before its PDF render.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment.samples import uniform_answers
from assessment.services import assessments, companies, rounds
from assessment.store import Database
from assessment.store.migrate import upgrade


def respondent(session, level: int):
    a = assessments.start(session, locale="ja", utm={}, referrer=None, kind="invited", commit=False)
    assessments.save_answers(session, a, uniform_answers(level), commit=False)
    assessments.submit(session, a, commit=False)
    return a


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--companies", type=int, default=50)
    ap.add_argument("--rounds", type=int, default=8)
    ap.add_argument("--database-url")
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/rounds.db"
    upgrade(url)
    database = Database(url)
    rng = random.Random(7)
    close_ms: dict[str, list[float]] = {"reference": [], "median": []}
    gap_ms, trend_ms, total_ms = [], [], []
    with database.session() as s:
        for c in range(args.companies):
            company = companies.find_or_create(s, name=f"株式会社ベンチ{c:04d}")
            s.commit()
            for n in range(args.rounds):
                r = rounds.open_round(s, company, period=f"{2025 + n // 4}-Q{n % 4 + 1}")
                for role in ("management", "marketing"):
                    rounds.add_respondent(s, r, respondent(s, rng.randint(0, 3)), role)
                rule = "median" if n % 2 else "reference"
                t0 = time.process_time()
                rounds.close_round(s, r, rule=rule)
                t1 = time.process_time()
                rounds.gap(r)
                t2 = time.process_time()
                rounds.latest_trend(s, company)
                t3 = time.process_time()
                close_ms[rule].append((t1 - t0) * 1e3)
                gap_ms.append((t2 - t1) * 1e3)
                trend_ms.append((t3 - t2) * 1e3)
                total_ms.append((t3 - t0) * 1e3)
            s.expunge_all()
    database.dispose()

    def show(name, xs):
        xs = sorted(xs)
        print(f"{name:28s} p50 {statistics.median(xs):6.2f} ms   p95 {xs[int(len(xs) * 0.95)]:6.2f} ms   (n={len(xs)})")

    print(f"{args.companies} companies x {args.rounds} rounds x 2 respondents on {url.split(':')[0]}; CPU per call")
    for rule, xs in close_ms.items():
        show(f"close_round ({rule})", xs)
    show("gap", gap_ms)
    show("latest_trend", trend_ms)
    show("close + gap + trend", total_ms)


if __name__ == "__main__":
    main()
