"""Throughput and latency of assess() on one core, on each engine, where the time goes, and the
cold start.

Each of ``--processes`` fresh processes runs ``--rounds`` rounds; each round measures, in turn and
for each engine (durable-rules, then kipolicy's plain-Python engine), the bundled examples and
``--n`` generated partnerships for ``--seconds`` of thread CPU time (throughput), then the
latency of single calls, then where the time of one assessment goes. The figures are the median and the spread
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
COLD = ("import time; t = time.perf_counter(); import kipolicy; from kipolicy._rules.durable import compile_rules; "
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
    from kipolicy._assess.assess import program_for
    from kipolicy._facts.facts import make_facts
    from kipolicy._policy.interpretations import Interpretations
    from tests.generate import portfolio

    examples = [kipolicy.load_partnership(p) for p in sorted((ROOT / "examples").rglob("*.toml"))]
    generated = [kipolicy.load_partnership(d) for d in portfolio(n, seed=1)]
    engines = ("durable", "python")
    for engine in engines:
        for p in examples:
            kipolicy.assess(p, as_of=AS_OF, engine=engine)  # warm: rules loaded and compiled once per process
    programs = {engine: program_for(kipolicy.rules(), engine) for engine in engines}
    interp = Interpretations()
    in_force = kipolicy.policy().document.in_force_from
    facts = [make_facts(p, AS_OF, interp, in_force).facts for p in examples]
    sets = {"examples": examples, "generated": generated}
    keys = [f"{engine}:{name}" for engine in engines for name in sets]
    out: dict = {"findings": {k: statistics.mean(len(kipolicy.assess(p, as_of=AS_OF).findings) for p in v)
                              for k, v in sets.items()},
                 "inputs": {k: len(v) for k, v in sets.items()},
                 "rate": {k: [] for k in keys}, "latency_ms": {k: [] for k in keys},
                 "split_us": {f"{engine}:{part}": [] for engine in engines for part in ("engine", "full")} | {"facts": []}}

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
        for engine in engines:
            for name, inputs in sets.items():
                key = f"{engine}:{name}"
                out["rate"][key].append(cpu_rate(
                    lambda inputs=inputs, engine=engine: [kipolicy.assess(p, as_of=AS_OF, engine=engine) for p in inputs],
                    len(inputs)))
                for p in inputs[:200]:
                    start = time.perf_counter()
                    kipolicy.assess(p, as_of=AS_OF, engine=engine)
                    out["latency_ms"][key].append((time.perf_counter() - start) * 1e3)
        out["split_us"]["facts"].append(per_item(lambda: [make_facts(p, AS_OF, interp, in_force) for p in examples], len(examples)))
        for engine, program in programs.items():
            out["split_us"][f"{engine}:engine"].append(
                per_item(lambda program=program: [program.run(f, lambda firing: [], lambda: None) for f in facts], len(examples)))
            out["split_us"][f"{engine}:full"].append(
                per_item(lambda engine=engine: [kipolicy.assess(p, as_of=AS_OF, engine=engine) for p in examples], len(examples)))
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
    for engine in ("durable", "python"):
        for name, label in (("examples", "bundled examples"), ("generated", "generated partnerships")):
            key = f"{engine}:{name}"
            rates = [r for res in results for r in res["rate"][key]]
            lat = sorted(x for res in results for x in res["latency_ms"][key])
            p95 = lat[min(len(lat) - 1, int(0.95 * len(lat)))]
            findings = results[0]["findings"][name]
            print(f"assess on {engine}, {label} ({results[0]['inputs'][name]}, {findings:.1f} findings each): throughput "
                  f"{spread(rates)}/s; latency median {statistics.median(lat):.2f} ms, p95 {p95:.2f} ms")
            summary[key] = {"rates": rates, "latency_median_ms": statistics.median(lat), "latency_p95_ms": p95}
    split = {k: statistics.median(x for res in results for x in res["split_us"][k]) for k in results[0]["split_us"]}
    for engine in ("durable", "python"):
        alone, full = split[f"{engine}:engine"], split[f"{engine}:full"]
        print(f"per bundled example on {engine} (CPU): facts {split['facts']:.0f} µs, engine run {alone:.0f} µs, full assess "
              f"{full:.0f} µs (findings, explanations and report: {full - split['facts'] - alone:.0f} µs); "
              f"full path / engine alone {full / alone:.2f}x")
    summary["split_us"] = split
    if args.json:
        print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
