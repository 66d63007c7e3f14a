"""assess_portfolio() for portfolios of 10, 100, 1,000 and 10,000 generated partnerships.

Prints the CPU time, the cost and the memory (growth of RSS while the report is held) per
partnership and how the cost grows with the size (the exponent of a power law fitted between
consecutive sizes: 1 is linear), on each engine given. Optionally the same with worker processes
(wall time). Run:
``python benchmarks/bench_portfolio.py [--sizes 10 100 1000 10000] [--engines durable python] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import subprocess
import sys
import time

from common import machine, rss_mb

import kipolicy
from tests.generate import portfolio

AS_OF = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--engines", nargs="+", choices=("durable", "python"), default=["durable", "python"])
    parser.add_argument("--workers", type=int, default=0, help="also run with this many processes")
    args = parser.parse_args()
    if len(args.engines) > 1:
        # Each engine in a fresh process: memory freed by one is not there for the other to reuse.
        print(f"machine: {machine()}", flush=True)
        for engine in args.engines:
            command = [sys.executable, __file__, "--engines", engine, "--workers", str(args.workers), "--sizes", *map(str, args.sizes)]
            subprocess.run(command, check=True, env={**os.environ, "KIPOLICY_BENCH_QUIET": "1"})
        return
    if not os.environ.get("KIPOLICY_BENCH_QUIET"):
        print(f"machine: {machine()}")
    for engine in args.engines:
        kipolicy.assess_portfolio([kipolicy.load_partnership(d) for d in portfolio(5, seed=99)], as_of=AS_OF, engine=engine)
    previous: dict[str, tuple[int, float]] = {}
    for size in args.sizes:
        partnerships = [kipolicy.load_partnership(d) for d in portfolio(size, seed=size)]
        for engine in args.engines:
            previous[engine] = measure(partnerships, size, engine, args.workers, previous.get(engine))


def measure(partnerships: list, size: int, engine: str, workers: int, previous: tuple[int, float] | None) -> tuple[int, float]:
    """One portfolio on one engine (and with workers); returns (size, CPU seconds)."""
    before = rss_mb()
    start, wall_start = time.process_time(), time.perf_counter()
    result = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50}, engine=engine)
    seconds, one_wall = time.process_time() - start, time.perf_counter() - wall_start
    held = (rss_mb() - before) * 1024 / size
    peers = sum(1 for r in result.reports for f in r.facts if f.get("type") in ("overlap", "shared_partner"))
    growth = ""
    if previous is not None:
        exponent = math.log(seconds / previous[1]) / math.log(size / previous[0])
        growth = f", grows as n^{exponent:.2f} from {previous[0]}"
    print(f"{engine:>7}, n = {size:>6}: {seconds:8.2f} s CPU, {seconds / size * 1e3:6.2f} ms and {held:5.1f} KB of RSS per "
          f"partnership (RSS {rss_mb():,.0f} MB), {peers / size:4.1f} portfolio facts each, {len(result.calendar)} obligations"
          f"{growth}", flush=True)
    if workers > 1:
        start = time.perf_counter()
        parallel = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50}, workers=workers,
                                             engine=engine)
        wall = time.perf_counter() - start
        print(f"                    {workers} workers: {wall:8.2f} s of wall time against {one_wall:.2f} s in one process "
              f"({one_wall / wall:.2f}x), same report: {parallel == result}", flush=True)
    del result
    return size, seconds


if __name__ == "__main__":
    main()
