"""Generated documentation is up to date."""

from __future__ import annotations

import pytest

import kipolicy
from kipolicy._tools.reference import rule_reference

from .conftest import ROOT, load_refresh


def test_rule_reference_is_up_to_date() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rule_reference(), (
        "docs/rules.md is stale: regenerate it with `python docs/refresh.py`"
    )


def test_rule_reference_covers_every_rule_and_cited_unit() -> None:
    text = rule_reference()
    for rule in kipolicy.rules():
        assert f"### `{rule.id}`" in text
        for unit in rule.all_cites:
            assert kipolicy.policy().unit(unit).text_sv in text


def test_pages_show_what_their_code_prints(monkeypatch: pytest.MonkeyPatch) -> None:
    refresh = load_refresh()
    monkeypatch.chdir(ROOT)
    for page in refresh.PAGES_WITH_OUTPUT:
        text = (ROOT / page).read_text(encoding="utf-8")
        assert refresh.run_snippets(text) or "```console" in text, f"{page} shows no output"
        assert text == refresh.refreshed(text), f"{page} is stale: run `python docs/refresh.py`"




def test_traceability_table_is_up_to_date() -> None:
    current = (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8")
    assert current == load_refresh().traceability_page(), "docs/traceability.md is stale: run `python docs/refresh.py`"


def test_vocabularies_page_is_up_to_date() -> None:
    from kipolicy._policy.vocabularies import vocabularies_markdown

    current = (ROOT / "docs" / "vocabularies.md").read_text(encoding="utf-8")
    assert current == vocabularies_markdown(), "docs/vocabularies.md is stale: run `python docs/refresh.py`"


def test_interpretation_register_is_complete_and_up_to_date() -> None:
    from kipolicy._tools.register import REGISTER, interpretation_register, rules_changed_by

    assert set(REGISTER) == set(kipolicy.INTERPRETATIONS)
    for name in kipolicy.INTERPRETATIONS:
        assert rules_changed_by(name), f"the interpretation {name} changes no rule"
        for unit in REGISTER[name].quotes:
            kipolicy.policy().unit(unit)
    current = (ROOT / "docs" / "interpretations.md").read_text(encoding="utf-8")
    assert current == interpretation_register(), "docs/interpretations.md is stale: run `python docs/refresh.py`"


def test_the_service_api_page_is_current() -> None:
    current = (ROOT / "docs" / "service-api.md").read_text(encoding="utf-8")
    assert current == load_refresh().openapi_page(), "docs/service-api.md is stale: run `python docs/refresh.py`"
