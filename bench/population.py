"""The findings over a population: which step comes first, how many pitfalls, which ones, how severe.

    .venv/bin/python bench/population.py [--n 3000] [--seed 1]

Two populations of respondents (assessment/samples.py): uniformly random answers, and plausible
respondents (one maturity per company, areas around it). Prints the share of each first step
(and of "no step"), of each pitfall count, of each pitfall and of high severities, and of levels.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment import samples
from assessment.diagnose.pipeline import diagnose


def share(counter: Counter, n: int, keys=None) -> str:
    keys = keys if keys is not None else sorted(counter, key=lambda k: (-counter[k], str(k)))
    return ", ".join(f"{k}: {100 * counter[k] / n:.0f}%" for k in keys)


def report(name: str, verdicts: list) -> None:
    n = len(verdicts)
    first = Counter(v.actions[0].id if v.actions else "(no step)" for v in verdicts)
    count = Counter(len(v.pitfalls) for v in verdicts)
    pitfalls = Counter(p.id for v in verdicts for p in v.pitfalls)
    high = Counter(p.id for v in verdicts for p in v.pitfalls if p.severity == "high")
    cleared = Counter(p.id for v in verdicts for p in v.cleared)
    levels = Counter(v.level if v.level is not None else "-" for v in verdicts)
    capped = sum(v.level_capped_by is not None for v in verdicts)
    print(f"== {name} (n={n})")
    print(f"first step:      {share(first, n)}")
    print(f"pitfall count:   {share(count, n, sorted(count))}")
    print(f"pitfall present: {share(pitfalls, n)}")
    print(f"  ... at high:   {share(high, n)}")
    print(f"set aside on counter-evidence: {share(cleared, n)}")
    print(
        f"level:           {share(levels, n, sorted(levels, key=str))}; capped by the weakest area: {100 * capped / n:.0f}%"
    )
    print(f"flags raised:    {share(Counter(f.id for v in verdicts for f in v.flags), n)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    report("uniformly random answers", [diagnose(samples.random_answers(rng)) for _ in range(args.n)])
    report("plausible respondents", [diagnose(samples.respondent_answers(rng)) for _ in range(args.n)])


if __name__ == "__main__":
    main()
