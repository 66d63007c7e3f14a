"""Python versions: the engine loads on every supported version, and says so when it cannot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_engine_loads_and_assesses_on_this_python() -> None:
    import kipolicy

    report = kipolicy.assess(ROOT / "examples" / "strategic-proposal.toml", as_of="2025-06-01")
    assert report.is_strategic
    # The interpreter's dlopen flags are restored after the engine was loaded lazily.
    result = subprocess.run(
        [sys.executable, "-c", "import sys; before = sys.getdlopenflags(); import kipolicy._engine; "
         "print(before == sys.getdlopenflags())"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_an_engine_that_cannot_load_is_one_clear_line(tmp_path: Path) -> None:
    # As on a future Python where the extension does not load: a stand-in that fails to import.
    (tmp_path / "durable_rules_engine.py").write_text(
        "raise ImportError('undefined symbol: PyEval_SomethingRemoved')\n", encoding="utf-8"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import kipolicy"], capture_output=True, text=True, cwd=ROOT, timeout=60,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert last == (
        f"ImportError: kipolicy cannot load its rule engine, durable-rules 2.0.28, on Python {version}: "
        "undefined symbol: PyEval_SomethingRemoved"
    )
