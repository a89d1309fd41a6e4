"""Benchmark evaluate() against the bare durable-rules call on the same fact.

    .venv/bin/python bench/evaluate.py [--n 20000] [--soak 100000] [--profiles mature,vanity_shop]

Prints evaluations per second and p50/p99 latency of evaluate(), of the
bare engine call on the same prebuilt fact (the floor), and of durable's
Host API on that fact; the ratio (our overhead: validation, scoring,
evidence, assembly); and RSS over a soak.
Targets (issue #2): p50 < 0.3 ms; evaluate p50 <= 3x the bare call; RSS flat.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assessment import evaluate
from assessment.bank.questionnaire import default_questionnaire
from assessment.bank.rules import default_rulebook
from assessment.diagnose import engine
from assessment.diagnose.answers import validate_answers
from assessment.diagnose.scoring import score

PROFILES = sorted((Path(__file__).resolve().parents[1] / "tests" / "profiles").glob("*.yaml"))


def rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * 4096 / 2**20


def timed(fn, args_list, n):
    lat = []
    k = len(args_list)
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter_ns()
        fn(*args_list[i % k])
        lat.append(time.perf_counter_ns() - t)
    wall = time.perf_counter() - start
    lat.sort()
    return n / wall, lat[len(lat) // 2] / 1e6, lat[int(len(lat) * 0.99)] / 1e6


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--soak", type=int, default=100_000)
    ap.add_argument("--profiles", default="", help="comma-separated profile names (default: all in tests/profiles)")
    args = ap.parse_args()
    chosen = set(filter(None, args.profiles.split(",")))
    profiles = [p for p in PROFILES if not chosen or p.stem in chosen]

    qn, book = default_questionnaire(), default_rulebook()
    compiled = engine.compiled(book)
    answer_sets = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in profiles]
    facts = []
    for a in answer_sets:
        v = validate_answers(a, qn)
        facts.append(compiled.fact(qn, v, score(v, qn)))

    for a in answer_sets:  # warm up
        evaluate(a)
    ours = timed(lambda a: evaluate(a), [(a,) for a in answer_sets], args.n)
    floor = timed(compiled.fire, [(f,) for f in facts], args.n)
    host = timed(lambda f: engine.host_api_fire(compiled.name, f), [(f,) for f in facts], args.n)

    print(
        f"profiles: {', '.join(p.stem for p in profiles)}; n={args.n}; rules={len(book.rules)} "
        f"({len(compiled.definition)} durable rules)"
    )
    print(f"{'':24}{'evals/s':>10}{'p50 ms':>10}{'p99 ms':>10}")
    print(f"{'evaluate()':24}{ours[0]:10.0f}{ours[1]:10.3f}{ours[2]:10.3f}")
    print(
        f"{'bare engine call':24}{floor[0]:10.0f}{floor[1]:10.3f}{floor[2]:10.3f}   (assert+drain+delete, as fire() does)"
    )
    print(f"{'durable Host API':24}{host[0]:10.0f}{host[1]:10.3f}{host[2]:10.3f}   (same fact, Python actions)")
    print(
        f"ratio evaluate/bare engine call: p50 {ours[1] / floor[1]:.2f}x, p99 {ours[2] / floor[2]:.2f}x "
        f"(targets: p50 < 0.300 ms, ratio <= 3x)"
    )

    marks = {}
    checkpoints = {args.soak // 10, args.soak // 2, args.soak}
    for i in range(1, args.soak + 1):
        evaluate(answer_sets[i % len(answer_sets)])
        if i in checkpoints:
            marks[i] = rss_mib()
    print("RSS over soak: " + ", ".join(f"{i:,}: {m:.1f} MiB" for i, m in sorted(marks.items())))
    values = list(marks.values())
    print(
        f"RSS growth from first checkpoint: {values[-1] - values[0]:+.1f} MiB (stdev {statistics.pstdev(values):.2f})"
    )


if __name__ == "__main__":
    main()
