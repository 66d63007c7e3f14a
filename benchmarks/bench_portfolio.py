"""assess_portfolio() for portfolios of 10, 100, 1,000 and 10,000 generated partnerships.

Each size on each engine is measured in a fresh process, ``--rounds`` times, the engines
interleaved in each round: the CPU time, the cost per partnership, the resident memory the
report holds per partnership (growth of RSS while it is held), the process's peak RSS, and how
the cost grows with the size (the exponent of a power law fitted between the medians of
consecutive sizes: 1 is linear). Figures are medians with the spread (min–max) over the rounds.
With ``--workers N`` the same portfolio is also assessed with N processes (wall time against one
process, and whether the report is the same).

Run: ``python benchmarks/bench_portfolio.py [--sizes 10 100 1000 10000] [--engines durable python]
[--rounds 3] [--workers 2] [--json]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import resource
import statistics
import subprocess
import sys
import time

from common import machine, rss_mb, spread

AS_OF = dt.date(2026, 12, 1)


def measure(size: int, engine: str, workers: int) -> dict:
    """One portfolio on one engine, in this (fresh) process."""
    import kipolicy
    from tests.generate import portfolio

    kipolicy.assess_portfolio([kipolicy.load_partnership(d) for d in portfolio(5, seed=99)], as_of=AS_OF, engine=engine)
    partnerships = [kipolicy.load_partnership(d) for d in portfolio(size, seed=size)]
    before = rss_mb()
    start, wall_start = time.process_time(), time.perf_counter()
    result = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50}, engine=engine)
    seconds, one_wall = time.process_time() - start, time.perf_counter() - wall_start
    out = {
        "size": size, "engine": engine, "cpu_s": seconds, "wall_s": one_wall,
        "held_kb_per_partnership": (rss_mb() - before) * 1024 / size,
        "rss_before_mb": before, "rss_mb": rss_mb(),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "findings": sum(len(r.findings) for r in result.reports), "obligations": len(result.calendar),
    }
    if workers > 1:
        start = time.perf_counter()
        parallel = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 50},
                                             workers=workers, engine=engine)
        out["workers"] = {"n": workers, "wall_s": time.perf_counter() - start, "same": parallel == result}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 10000])
    parser.add_argument("--engines", nargs="+", choices=("durable", "python"), default=["durable", "python"])
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per size and engine (default 3)")
    parser.add_argument("--workers", type=int, default=0, help="also run with this many processes")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1], args.workers)))
        return 0
    print(f"machine: {machine()}", flush=True)
    runs: dict[tuple[str, int], list[dict]] = {}
    for _ in range(args.rounds):
        for size in args.sizes:
            for engine in args.engines:
                # A fresh process each: memory one run freed is not there for the next to reuse.
                done = subprocess.run(
                    [sys.executable, __file__, "--one", str(size), engine, "--workers", str(args.workers)],
                    capture_output=True, text=True, check=True,
                )
                runs.setdefault((engine, size), []).append(json.loads(done.stdout.strip().splitlines()[-1]))
    results = []
    for engine in args.engines:
        previous = None
        for size in args.sizes:
            rounds = runs[(engine, size)]
            cpu = [r["cpu_s"] for r in rounds]
            r = {"engine": engine, "size": size, "rounds": rounds, "cpu_s": statistics.median(cpu),
                 "held_kb_per_partnership": statistics.median(x["held_kb_per_partnership"] for x in rounds),
                 "peak_rss_mb": statistics.median(x["peak_rss_mb"] for x in rounds),
                 "rss_before_mb": statistics.median(x["rss_before_mb"] for x in rounds)}
            growth = ""
            if previous is not None:
                r["growth_exponent"] = math.log(r["cpu_s"] / previous["cpu_s"]) / math.log(size / previous["size"])
                growth = f", grows as n^{r['growth_exponent']:.2f} from {previous['size']:,}"
            print(f"{engine:>7}, n = {size:>6,}: {spread(cpu, 2)} s CPU, {r['cpu_s'] / size * 1e3:5.2f} ms and "
                  f"{r['held_kb_per_partnership']:5.1f} KB of RSS per partnership held in the report; peak RSS "
                  f"{r['peak_rss_mb']:,.0f} MB (inputs {r['rss_before_mb']:,.0f} MB){growth}", flush=True)
            if args.workers > 1:
                ratios = [x["wall_s"] / x["workers"]["wall_s"] for x in rounds]
                same = all(x["workers"]["same"] for x in rounds)
                print(f"{'':>20}{args.workers} workers: {spread(ratios, 2)}x the speed of one process "
                      f"(wall time), same report: {same}", flush=True)
            results.append(r)
            previous = r
    if args.json:
        print(json.dumps({"machine": machine(), "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
