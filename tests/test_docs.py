"""Generated documentation is up to date."""

from __future__ import annotations

import contextlib
import io

import pytest

import kipolicy
from kipolicy._reference import rule_reference

from .conftest import ROOT


def test_rule_reference_is_up_to_date() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rule_reference(), (
        "docs/rules.md is stale: regenerate it with `python -m kipolicy._reference > docs/rules.md`"
    )


def test_rule_reference_covers_every_rule_and_cited_unit() -> None:
    text = rule_reference()
    for rule in kipolicy.rules():
        assert f"### `{rule.id}`" in text
        for unit in rule.all_cites:
            assert kipolicy.policy().unit(unit).text_sv in text


def _blocks(text: str, language: str) -> list[str]:
    parts = text.split(f"```{language}\n")[1:]
    return [part.split("```", 1)[0] for part in parts]


def test_worked_example_shows_what_its_code_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    text = (ROOT / "docs" / "worked-example.md").read_text(encoding="utf-8")
    code, outputs = _blocks(text, "python"), _blocks(text, "text")
    assert len(code) == len(outputs) == 2
    namespace: dict = {}
    monkeypatch.chdir(ROOT)
    for snippet, expected in zip(code, outputs, strict=True):
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(snippet, "worked-example.md", "exec"), namespace)  # noqa: S102
        assert printed.getvalue().rstrip() == expected.rstrip()
