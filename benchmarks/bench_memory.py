"""Resident memory over many assessments in one process: it must stay flat.

Run: ``python benchmarks/bench_memory.py [--n 100000]``. Prints the RSS every tenth of the way
and the growth from the first checkpoint to the last.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import time

from common import machine, rss_mb

import kipolicy
from tests.generate import portfolio

AS_OF = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    inputs = [kipolicy.load_partnership(d) for d in portfolio(200, seed=3)]
    print(f"before: {rss_mb():.1f} MB")
    checkpoints = []
    start = time.perf_counter()
    step = max(1, args.n // 10)
    for i in range(1, args.n + 1):
        kipolicy.assess(inputs[i % len(inputs)], as_of=AS_OF)
        if i % step == 0:
            gc.collect()
            checkpoints.append((i, rss_mb()))
            print(f"{i:>8} assessments: {checkpoints[-1][1]:7.1f} MB")
    seconds = time.perf_counter() - start
    first, last = checkpoints[0][1], checkpoints[-1][1]
    print(f"growth from {checkpoints[0][0]:,} to {checkpoints[-1][0]:,} assessments: {last - first:+.1f} MB "
          f"({(last - first) / first * 100:+.1f}%); {args.n / seconds:,.0f} assessments/s")


if __name__ == "__main__":
    main()
