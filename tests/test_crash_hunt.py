"""The crash hunt: generated hostile inputs, each category in its own process.

Documents, interpretations, case files and rule files are generated from a seed
(tests/crash_hunt.py) and fed to kipolicy in a subprocess. The test fails if the process dies by
a signal (a crash of the C engine: exit 139 is SIGSEGV) or if any input raises anything but
kipolicy's own errors. The size of the hunt is bounded: ``KIPOLICY_CRASH_HUNT_INPUTS`` inputs
per category (default 500) and ``KIPOLICY_CRASH_HUNT_SEED`` (default 1); CI runs a larger one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.crash_hunt import CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
INPUTS = int(os.environ.get("KIPOLICY_CRASH_HUNT_INPUTS", "500"))
SEED = int(os.environ.get("KIPOLICY_CRASH_HUNT_SEED", "1"))


@pytest.mark.parametrize("category", CATEGORIES)
def test_no_input_crashes_the_process_or_escapes_kipolicys_errors(category: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tests.crash_hunt", category, str(SEED), str(INPUTS)],
        capture_output=True, text=True, cwd=ROOT, timeout=600,
    )
    started = [line for line in result.stdout.splitlines() if line.startswith("START ")]
    last = started[-1].split()[1] if started else "none"
    if result.returncode < 0:
        name = signal.Signals(-result.returncode).name
        pytest.fail(
            f"the process died by {name} at input {last} of {category} (seed {SEED}); "
            f"make it again with: python -m tests.crash_hunt {category} {SEED} {int(last) + 1}\n{result.stderr[-2000:]}"
        )
    bad = [line for line in result.stdout.splitlines() if not line.startswith("START ")]
    assert result.returncode == 0, "\n".join(bad) + result.stderr[-2000:]
    assert f"DONE {INPUTS} inputs" in result.stdout
