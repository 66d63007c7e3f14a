"""Every code example in the docstrings and in the docs runs."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re

import pytest

import kipolicy

from .conftest import ROOT

# Every module of every subpackage (the plugin and ``python -m kipolicy`` only run as such).
MODULES = sorted(
    m.name for m in pkgutil.walk_packages(kipolicy.__path__, "kipolicy.")
    if m.name not in ("kipolicy.pytest_plugin", "kipolicy.__main__")
)


@pytest.mark.parametrize("name", ["kipolicy", *MODULES])
def test_docstring_examples_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(module, name):
        runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0


def test_the_public_functions_have_runnable_examples() -> None:
    for name in ("assess", "assess_portfolio", "load_partnership", "variant", "compare_interpretations", "add_months", "rules"):
        assert ">>>" in (getattr(kipolicy, name).__doc__ or ""), name


PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_blocks_in_the_docs_run(page, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(ROOT)
    blocks = re.findall(r"```python\n(.*?)```", page.read_text(encoding="utf-8"), re.S)
    namespace: dict = {"__name__": "__docs__"}
    for block in blocks:
        exec(compile(block, str(page), "exec"), namespace)
    capsys.readouterr()
