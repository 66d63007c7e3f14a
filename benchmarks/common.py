"""Shared helpers of the benchmark scripts: the project on sys.path, timing and memory."""

from __future__ import annotations

import os
import platform
import statistics
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
    return f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}, {cpus} CPUs {model}".strip()


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
