"""The benchmark scripts run (with tiny inputs): they must not rot. They measure nothing here."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize(
    ("script", "args", "expected"),
    [
        ("bench_assess.py", ["--processes", "1", "--rounds", "1", "--seconds", "0.1", "--n", "10"], "throughput"),
        ("bench_portfolio.py", ["--sizes", "5", "20", "--workers", "2", "--rounds", "1"], "same report: True"),
        ("bench_memory.py", ["--n", "50"], "growth from"),
        ("bench_engines.py", ["--n", "20", "--processes", "1", "--rounds", "1", "--seconds", "0.05"],
         "agreement (kipolicy on both engines == reference == CLIPS): "),
        ("bench_serve.py", ["--rounds", "1", "--requests", "30", "--clients", "2", "--workers", "1", "--seconds", "0.1"],
         "every answer equal to the library's"),
    ],
)
def test_benchmark_script_runs(script: str, args: list[str], expected: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert expected in result.stdout
    if script == "bench_engines.py":
        line = next(l for l in result.stdout.splitlines() if l.startswith("agreement"))
        done, total = line.rsplit(" ", 1)[1].split("/")
        assert done == total
