"""Throughput and latency of assess() on one core, and import plus rule compilation, cold.

Run: ``python benchmarks/bench_assess.py [--seconds 3] [--n 500]``. Prints figures; asserts
nothing (machines are shared and noisy: compare ratios within one run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import time

from common import ROOT, latencies, machine, rate, summary

import kipolicy
from tests.generate import portfolio

AS_OF = dt.date(2026, 12, 1)
COLD = "import time; t = time.perf_counter(); import kipolicy; from kipolicy._engine import compile_rules; compile_rules(kipolicy.rules()); print(time.perf_counter() - t)"
IMPORT_ONLY = "import time; t = time.perf_counter(); import kipolicy; print(time.perf_counter() - t)"


def cold(code: str, runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        out.append(float(result.stdout.strip()))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--n", type=int, default=500, help="generated partnerships")
    args = parser.parse_args()
    print(f"machine: {machine()}")

    imports = cold(IMPORT_ONLY)
    compiled = cold(COLD)
    print(f"cold import: median {statistics.median(imports) * 1e3:.0f} ms; import + load and compile the rules: "
          f"median {statistics.median(compiled) * 1e3:.0f} ms (5 fresh processes each)")

    examples = [kipolicy.load_partnership(p) for p in sorted((ROOT / "examples").rglob("*.toml"))]
    generated = [kipolicy.load_partnership(d) for d in portfolio(args.n, seed=1)]
    for p in examples:
        kipolicy.assess(p, as_of=AS_OF)  # warm: rules loaded and compiled once per process

    for name, inputs in (("bundled examples", examples), ("generated partnerships", generated)):
        per_call: list[float] = []
        deadline = time.perf_counter() + args.seconds
        while time.perf_counter() < deadline:
            for p in inputs:
                per_call += latencies(lambda p=p: kipolicy.assess(p, as_of=AS_OF), 1)
        findings = statistics.mean(len(kipolicy.assess(p, as_of=AS_OF).findings) for p in inputs)
        throughput = rate(lambda inputs=inputs: [kipolicy.assess(p, as_of=AS_OF) for p in inputs], len(inputs), args.seconds)
        print(f"assess, {name} ({len(inputs)}, {findings:.1f} findings each): throughput {throughput:,.0f}/s; "
              f"latency {summary(per_call)}")

    # Where the time goes, for the bundled examples: facts, engine, report.
    from kipolicy._engine import compile_rules
    from kipolicy._facts import make_facts
    from kipolicy._interpretations import Interpretations

    program = compile_rules(kipolicy.rules())
    interp = Interpretations()
    in_force = kipolicy.policy().document.in_force_from
    facts = [make_facts(p, AS_OF, interp, in_force).facts for p in examples]
    t_facts = statistics.median(latencies(lambda: [make_facts(p, AS_OF, interp, in_force) for p in examples], 200)) / len(examples)
    t_engine = statistics.median(latencies(lambda: [program.run(f, lambda firing: [], lambda: None) for f in facts], 200)) / len(examples)
    t_full = statistics.median(latencies(lambda: [kipolicy.assess(p, as_of=AS_OF) for p in examples], 200)) / len(examples)
    print(f"per bundled example: facts {t_facts * 1e6:.0f} µs, engine run {t_engine * 1e6:.0f} µs, "
          f"full assess {t_full * 1e6:.0f} µs (findings, explanations and report: {(t_full - t_facts - t_engine) * 1e6:.0f} µs)")


if __name__ == "__main__":
    main()
