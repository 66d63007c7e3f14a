"""Shared helpers of the benchmark scripts: the project on sys.path, timing and memory."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def machine() -> str:
    """One line about the machine and the Python running the benchmark."""
    cpus = os.cpu_count()
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, {cpus} CPUs {model}".strip()
            + f"; {versions()}")


def versions() -> str:
    """The versions of what is measured: kipolicy, its engine and the comparison's CLIPS binding."""
    from importlib import metadata

    found = []
    for name in ("kipolicy", "durable-rules", "clipspy"):
        try:
            found.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name} not installed")
    return ", ".join(found)


def rss_mb() -> float:
    """The process's resident set size now, in MB (Linux)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError):  # pragma: no cover - not Linux
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def latencies(call: Callable[[], object], n: int) -> list[float]:
    """``n`` timings of ``call`` in seconds."""
    out = []
    clock = time.perf_counter
    for _ in range(n):
        start = clock()
        call()
        out.append(clock() - start)
    return out


def summary(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    median = statistics.median(ordered)
    return f"median {median * 1e3:.3f} ms, p95 {p95 * 1e3:.3f} ms, {1 / statistics.mean(ordered):,.0f}/s"


def rate(call: Callable[[], object], items: int, seconds: float = 3.0) -> float:
    """Items per second over about ``seconds`` of repeated ``call`` (each doing ``items``)."""
    done, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        call()
        done += items
    return done / (time.perf_counter() - start)


def spread(values: list[float], digits: int = 0) -> str:
    """``median (min–max)`` of measurements."""
    fmt = f"{{:,.{digits}f}}"
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def add_round_options(parser: argparse.ArgumentParser, *, n: int, processes: int, rounds: int, seconds: float) -> None:
    """The options of a benchmark measured in rounds in several fresh processes."""
    parser.add_argument("--n", type=int, default=n, help=f"generated partnerships (default {n})")
    parser.add_argument("--processes", type=int, default=processes, help=f"fresh processes (default {processes})")
    parser.add_argument("--rounds", type=int, default=rounds, help=f"rounds per process (default {rounds})")
    parser.add_argument("--seconds", type=float, default=seconds, help=f"CPU seconds per measurement (default {seconds:g})")
    parser.add_argument("--json", action="store_true", help="also print the figures as JSON")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)


def in_processes(script: str, args: argparse.Namespace, worker: Callable[[int, int, float], dict]) -> list[dict] | None:
    """Run ``worker`` in ``args.processes`` fresh processes of ``script`` and gather what each
    measured; in such a worker process (``--worker``), measure, print and return None."""
    if args.worker:
        print(json.dumps(worker(args.n, args.rounds, args.seconds)))
        return None
    results = []
    for _ in range(args.processes):
        done = subprocess.run(
            [sys.executable, script, "--worker", "--n", str(args.n), "--rounds", str(args.rounds),
             "--seconds", str(args.seconds)], capture_output=True, text=True, check=True, cwd=ROOT,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    return results
