"""Throughput and latency of assess() on one core, where the time goes, and the cold start.

Each of ``--processes`` fresh processes runs ``--rounds`` rounds; each round measures, in turn,
the bundled examples and ``--n`` generated partnerships for ``--seconds`` of thread CPU time
(throughput), then the latency of single calls. The figures are the median and the spread
(min–max) over all rounds of all processes; the cold start is measured in 5 more fresh processes.
``--json`` also prints them as JSON.

Run: ``python benchmarks/bench_assess.py [--processes 3] [--rounds 3] [--seconds 1] [--n 500]``.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import time

from common import ROOT, add_round_options, in_processes, machine, spread

AS_OF = dt.date(2026, 12, 1)
COLD = ("import time; t = time.perf_counter(); import kipolicy; from kipolicy._engine import compile_rules; "
        "compile_rules(kipolicy.rules()); print(time.perf_counter() - t)")
IMPORT_ONLY = "import time; t = time.perf_counter(); import kipolicy; print(time.perf_counter() - t)"


def cold(code: str, runs: int = 5) -> list[float]:
    out = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
        out.append(float(result.stdout.strip()))
    return out


def worker(n: int, rounds: int, seconds: float) -> dict:
    sys.path.insert(0, str(ROOT))
    import kipolicy
    from kipolicy._engine import compile_rules
    from kipolicy._facts import make_facts
    from kipolicy._interpretations import Interpretations
    from tests.generate import portfolio

    examples = [kipolicy.load_partnership(p) for p in sorted((ROOT / "examples").rglob("*.toml"))]
    generated = [kipolicy.load_partnership(d) for d in portfolio(n, seed=1)]
    for p in examples:
        kipolicy.assess(p, as_of=AS_OF)  # warm: rules loaded and compiled once per process
    program = compile_rules(kipolicy.rules())
    interp = Interpretations()
    in_force = kipolicy.policy().document.in_force_from
    facts = [make_facts(p, AS_OF, interp, in_force).facts for p in examples]
    sets = {"examples": examples, "generated": generated}
    out: dict = {"findings": {k: statistics.mean(len(kipolicy.assess(p, as_of=AS_OF).findings) for p in v)
                              for k, v in sets.items()},
                 "inputs": {k: len(v) for k, v in sets.items()},
                 "rate": {k: [] for k in sets}, "latency_ms": {k: [] for k in sets},
                 "split_us": {"facts": [], "engine": [], "full": []}}

    def cpu_rate(work, items: int) -> float:
        done, start = 0, time.thread_time()
        while time.thread_time() - start < seconds:
            work()
            done += items
        return done / (time.thread_time() - start)

    def per_item(work, items: int, repeat: int = 50) -> float:
        start = time.thread_time()
        for _ in range(repeat):
            work()
        return (time.thread_time() - start) / repeat / items * 1e6

    for _ in range(rounds):
        for name, inputs in sets.items():
            out["rate"][name].append(cpu_rate(lambda inputs=inputs: [kipolicy.assess(p, as_of=AS_OF) for p in inputs], len(inputs)))
            for p in inputs[:200]:
                start = time.perf_counter()
                kipolicy.assess(p, as_of=AS_OF)
                out["latency_ms"][name].append((time.perf_counter() - start) * 1e3)
        out["split_us"]["facts"].append(per_item(lambda: [make_facts(p, AS_OF, interp, in_force) for p in examples], len(examples)))
        out["split_us"]["engine"].append(per_item(lambda: [program.run(f, lambda firing: [], lambda: None) for f in facts], len(examples)))
        out["split_us"]["full"].append(per_item(lambda: [kipolicy.assess(p, as_of=AS_OF) for p in examples], len(examples)))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_round_options(parser, n=500, processes=3, rounds=3, seconds=1.0)
    args = parser.parse_args()
    if args.worker:
        in_processes(__file__, args, worker)
        return 0

    print(f"machine: {machine()}")
    imports = cold(IMPORT_ONLY)
    compiled = cold(COLD)
    print(f"cold import: median {statistics.median(imports) * 1e3:.0f} ms; import + load and compile the rules: "
          f"median {statistics.median(compiled) * 1e3:.0f} ms (5 fresh processes each)")
    results = in_processes(__file__, args, worker) or []
    print(f"{args.processes} processes x {args.rounds} rounds; throughput in thread CPU time")
    summary: dict = {"machine": machine(), "cold_import_ms": statistics.median(imports) * 1e3,
                     "cold_compile_ms": statistics.median(compiled) * 1e3}
    for name, label in (("examples", "bundled examples"), ("generated", "generated partnerships")):
        rates = [r for res in results for r in res["rate"][name]]
        lat = sorted(x for res in results for x in res["latency_ms"][name])
        p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
        findings = results[0]["findings"][name]
        print(f"assess, {label} ({results[0]['inputs'][name]}, {findings:.1f} findings each): throughput "
              f"{spread(rates)}/s; latency median {statistics.median(lat):.2f} ms, p95 {p95:.2f} ms")
        summary[name] = {"rates": rates, "latency_median_ms": statistics.median(lat), "latency_p95_ms": p95}
    split = {k: statistics.median(x for res in results for x in res["split_us"][k]) for k in ("facts", "engine", "full")}
    print(f"per bundled example (CPU): facts {split['facts']:.0f} µs, engine run {split['engine']:.0f} µs, full assess "
          f"{split['full']:.0f} µs (findings, explanations and report: {split['full'] - split['facts'] - split['engine']:.0f} µs)")
    summary["split_us"] = split
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
