"""One message catalogue: every phrase in both languages, and a Swedish report Swedish throughout."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import attrs
import pytest

import kipolicy
from kipolicy._policy.words import CATALOGUE, LANGS, phrases

PACKAGE = Path(kipolicy.__file__).parent
GAPS = "examples/active-with-gaps.toml"


def test_every_area_says_every_phrase_in_both_languages() -> None:
    for area, by_lang in CATALOGUE.items():
        assert set(by_lang) == set(LANGS), area
        assert set(by_lang["sv"]) == set(by_lang["en"]), area
        for key, en in by_lang["en"].items():
            sv = by_lang["sv"][key]
            placeholders = set(re.findall(r"{(\w+)}", str(en)))
            assert placeholders == set(re.findall(r"{(\w+)}", str(sv))), f"{area}.{key}"


def test_no_module_switches_language_inline() -> None:
    # Words live in the catalogue (and the policy's and vocabularies' own data), not in
    # `"x" if en else "y"` expressions spread over the renderers.
    inline = re.compile(r"""if en else|if lang == ["'](?:en|sv)["'] else""")
    offenders = [
        f"{path.name}:{n}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.name != "words.py"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if inline.search(line)
    ]
    assert offenders == []


#: The document's field names: a report shows them as paths (``parties[1]``), not as words.
FIELD_NAMES = {field.name for field in attrs.fields(kipolicy.Partnership)}


def _english_only(area: str) -> list[str]:
    en, sv = phrases(area, "en"), phrases(area, "sv")
    return [
        text for key, text in en.items()
        if isinstance(text, str) and "{" not in text and text != sv[key] and len(text.strip()) >= 5
        and text.strip() not in FIELD_NAMES
    ]


@pytest.fixture(scope="module")
def swedish_outputs() -> dict[str, str]:
    report = kipolicy.assess(GAPS, as_of=dt.date(2026, 1, 1))
    rule = report.findings[0].rule_id
    portfolio = kipolicy.assess_portfolio(sorted(Path("examples/portfolio").glob("*.toml")), as_of=dt.date(2026, 1, 1))
    strict = kipolicy.assess(GAPS, as_of=dt.date(2026, 1, 1), interpretations={"scope-on-definition": "strict"})
    diff = report.diff(strict)
    assert diff.status_changes()  # the scope changes: its line is in the difference
    return {
        "text": report.to_text("sv"),
        "markdown": report.to_markdown("sv"),
        "html": report.to_html("sv"),
        "explain": report.explain(rule, "sv"),
        "why_not": report.why_not("definition.strategic", "sv"),
        "portfolio": portfolio.to_text("sv") + portfolio.to_markdown("sv"),
        "calendar": report.to_ics("sv").decode("utf-8"),
        "diff": diff.to_text("sv") + diff.to_markdown("sv") + diff.to_html("sv"),
    }


@pytest.mark.parametrize("output", ["text", "markdown", "html", "explain", "why_not", "portfolio", "calendar", "diff"])
def test_a_swedish_report_prints_no_english_phrase_of_the_catalogue(swedish_outputs: dict[str, str], output: str) -> None:
    text = swedish_outputs[output]
    english = [
        phrase for area in ("report", "explain", "tables", "conditions") for phrase in _english_only(area)
        if re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", text)
    ]
    assert english == []
    assert "in_scope" not in text and "is_strategic" not in text  # field names are no words
    # The kinds are Swedish too: a departure, not a violation.
    assert "avvikelse" in swedish_outputs["text"]
    assert "[violation]" not in swedish_outputs["text"]
