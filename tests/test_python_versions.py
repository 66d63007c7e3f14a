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
        [sys.executable, "-c", "import sys; before = sys.getdlopenflags(); import kipolicy._rules.durable; "
         "print(before == sys.getdlopenflags())"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )
    assert result.stdout.strip() == "True", result.stderr


def test_an_engine_that_cannot_load_is_one_clear_line(tmp_path: Path) -> None:
    # As on a future Python where the extension does not load: a stand-in that fails to import.
    (tmp_path / "durable_rules_engine.py").write_text(
        "raise ImportError('undefined symbol: PyEval_SomethingRemoved')\n", encoding="utf-8"
    )
    env = {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    code = "import kipolicy; kipolicy.assess('examples/strategic-proposal.toml', as_of='2025-06-01')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    message = (
        f"kipolicy cannot load its rule engine, durable-rules 2.0.28, on Python {version}: "
        "undefined symbol: PyEval_SomethingRemoved"
    )
    assert last == f"ImportError: {message}"
    cli = subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", "assess", "examples/strategic-proposal.toml",
                          "--as-of", "2025-06-01"], capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert cli.returncode == 3 and cli.stderr.strip() == f"kipolicy: {message}"


def test_import_and_the_pytest_plugin_do_not_load_the_engine() -> None:
    # The engine is loaded by the first assessment (or rule book), not by `import kipolicy` nor by
    # pytest starting up in an environment where kipolicy is installed.
    code = (
        "import sys, kipolicy, kipolicy.pytest_plugin\n"
        "assert 'durable_rules_engine' not in sys.modules and 'kipolicy._assess.assess' not in sys.modules\n"
        "assert 'importlib.metadata' not in sys.modules or True\n"
        "kipolicy.load_partnership('examples/strategic-proposal.toml')\n"
        "assert 'durable_rules_engine' not in sys.modules\n"
        "kipolicy.assess('examples/strategic-proposal.toml', as_of='2025-06-01')\n"
        "assert 'durable_rules_engine' in sys.modules\n"
        "print(sorted(set(kipolicy.__all__) - set(dir(kipolicy))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
