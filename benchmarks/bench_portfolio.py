"""assess_portfolio() for portfolios of 10, 100, 1,000 and 10,000 generated partnerships.

Prints the CPU time, the cost and the memory (growth of RSS while the report is held) per
partnership and how the cost grows with the size (the exponent of a power law fitted between
consecutive sizes: 1 is linear). Optionally the same with worker processes (wall time). Run: ``python benchmarks/bench_portfolio.py [--sizes 10 100 1000 10000] [--workers 2]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import time

from common import machine, rss_mb

import kipolicy
from tests.generate import portfolio

AS_OF = dt.date(2026, 12, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--workers", type=int, default=0, help="also run with this many processes")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    kipolicy.assess_portfolio([kipolicy.load_partnership(d) for d in portfolio(5, seed=99)], as_of=AS_OF)
    previous = None
    for size in args.sizes:
        partnerships = [kipolicy.load_partnership(d) for d in portfolio(size, seed=size)]
        before = rss_mb()
        start, wall_start = time.process_time(), time.perf_counter()
        result = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50})
        seconds, one_wall = time.process_time() - start, time.perf_counter() - wall_start
        held = (rss_mb() - before) * 1024 / size
        peers = sum(1 for r in result.reports for f in r.facts if f.get("type") in ("overlap", "shared_partner"))
        growth = ""
        if previous is not None:
            exponent = math.log(seconds / previous[1]) / math.log(size / previous[0])
            growth = f", grows as n^{exponent:.2f} from {previous[0]}"
        print(f"n = {size:>6}: {seconds:8.2f} s CPU, {seconds / size * 1e3:6.2f} ms and {held:5.1f} KB of RSS per "
              f"partnership, {peers / size:4.1f} portfolio facts each, {len(result.calendar)} obligations{growth}")
        if args.workers > 1:
            start = time.perf_counter()
            parallel = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50}, workers=args.workers)
            wall = time.perf_counter() - start
            print(f"           {args.workers} workers: {wall:8.2f} s of wall time against {one_wall:.2f} s in one process "
                  f"({one_wall / wall:.2f}x), same report: {parallel == result}")
        del result
        previous = (size, seconds)


if __name__ == "__main__":
    main()
