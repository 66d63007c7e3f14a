"""Reports without quotes (rules-catalogue rev. 2, principle 5): the document's own words and
figures are withheld from every rendering; the findings are those of the report with quotes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import kipolicy
from kipolicy._base.escape import md
from kipolicy._report.quotes import stand_in

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PORTFOLIO = sorted((EXAMPLES / "portfolio").glob("*.toml"))


def _words(partnership: kipolicy.Partnership) -> list[str]:
    """What the document says in its own words that the report could quote."""
    words = [partnership.name, *partnership.strategy.focus_areas]
    for party in partnership.parties:
        words += [party.name] + ([party.country] if party.country and len(party.country) > 2 else [])
    return [w for w in words if w and w.strip()]


def _renderings(report: kipolicy.Report) -> dict[str, str]:
    return {
        f"{kind} {lang}": text
        for lang in ("en", "sv")
        for kind, text in (
            ("text", report.to_text(lang)), ("markdown", report.to_markdown(lang)), ("html", report.to_html(lang)),
            ("csv", json.dumps(report.to_records(lang), default=str, ensure_ascii=False)),
            ("ics", report.to_ics(lang).decode("utf-8")),
            ("explain", "\n".join(report.explain(f, lang) for f in report.findings)),
        )
    } | {"json": json.dumps(report.to_dict(), default=str, ensure_ascii=False)}


@pytest.mark.parametrize("path", [EXAMPLES / "active-with-gaps.toml", EXAMPLES / "strategic-proposal.toml", *PORTFOLIO],
                         ids=lambda p: p.name)
def test_no_rendering_quotes_the_document(path: Path) -> None:
    partnership = kipolicy.load_partnership(path)
    others = [kipolicy.load_partnership(p) for p in PORTFOLIO if p != path]
    quoted = kipolicy.assess(partnership, as_of="2026-12-01", portfolio=others)
    withheld = kipolicy.assess(partnership, as_of="2026-12-01", portfolio=others, quote=False)
    assert [(f.rule_id, f.kind, f.subject.path, f.units) for f in withheld.findings] == [
        (f.rule_id, f.kind, f.subject.path, f.units) for f in quoted.findings
    ]
    words = _words(partnership) + [name for other in others for name in _words(other)]
    assert any(w in quoted.to_text("en") for w in words)  # the report with quotes does quote
    for rendering, text in _renderings(withheld).items():
        for word in words:
            assert word not in text, (rendering, word)
    assert withheld.to_text("en").startswith(f"{partnership.id} ({partnership.id})")


def test_a_withheld_value_stands_as_its_field_path() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01", quote=False)
    (finding,) = report.by_rule("definition.management-not-engaged")
    assert finding.subject.label == "‹parties[1].name›"
    assert "‹parties[1].name›" in finding.message("en")
    (party,) = [e for e in finding.because if e.fact_type == "party"]
    assert dict(party.values).get("name", "‹parties[1].name›") == "‹parties[1].name›"
    assert report.to_dict()["partnership"]["name"] == report.partnership_id == "ki-acme-2024"


def test_a_portfolio_without_quotes() -> None:
    documents = [kipolicy.load_partnership(p) for p in PORTFOLIO]
    withheld = kipolicy.assess_portfolio(documents, as_of="2026-12-01", quote=False, interpretations={"capacity": 2})
    words = [w for p in documents for w in _words(p)]
    for text in (withheld.to_text("en"), withheld.to_markdown("sv"), withheld.to_html("en"),
                 json.dumps(withheld.to_dict(), default=str, ensure_ascii=False), withheld.to_ics("en").decode()):
        for word in words:
            assert word not in text, word
    assert all(e.name == e.id for e in withheld.profile)
    assert {a for e in withheld.profile for a in e.focus_areas} <= {stand_in(f"focus area {n}") for n in range(1, 20)}


def test_the_command_line_and_the_service_withhold() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kipolicy._tools.cli", "assess", str(EXAMPLES / "active-with-gaps.toml"), "--as-of", "2026-01-01",
         "--no-quotes", "--format", "markdown"], capture_output=True, text=True, check=False,
    )
    assert result.returncode == 0, result.stderr
    partnership = kipolicy.load_partnership(EXAMPLES / "active-with-gaps.toml")
    assert all(word not in result.stdout for word in _words(partnership))
    assert md("‹parties[1].name›") in result.stdout

    from starlette.testclient import TestClient

    from kipolicy._tools.serve import ServeSettings, create_app

    document = json.loads(json.dumps(kipolicy.to_document(partnership), default=str))
    answer = TestClient(create_app(ServeSettings())).post(
        "/v1/assess", json={"document": document, "as_of": "2026-01-01", "quote": False}
    ).json()
    assert all(word not in json.dumps(answer, ensure_ascii=False) for word in _words(partnership))
