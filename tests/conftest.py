from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CASES = ROOT / "tests" / "cases"


@pytest.fixture
def base_document() -> dict:
    import tomllib

    return tomllib.loads((CASES / "documents" / "strategic-active.toml").read_text(encoding="utf-8"))
