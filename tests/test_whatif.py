"""What-if variants, report differences, interpretations side by side, and the renderings."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings

import kipolicy

from . import strategies
from .conftest import EXAMPLES

PROPOSAL = EXAMPLES / "strategic-proposal.toml"
PORTFOLIO = sorted((EXAMPLES / "portfolio").glob("*.toml"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=strategies.valid_document)
def test_to_document_is_the_inverse_of_loading(document) -> None:
    try:
        partnership = kipolicy.load_partnership(document)
    except kipolicy.InputError:
        return
    assert kipolicy.load_partnership(kipolicy.to_document(partnership)) == partnership
    assert kipolicy.variant(partnership) == partnership


def test_variant_sets_and_removes_by_path() -> None:
    proposal = kipolicy.load_partnership(PROPOSAL)
    changed = kipolicy.variant(proposal, {"parties[1].management_engagement": "absent", "stage": "active"}, remove=["added_value"])
    assert changed.parties[1].management_engagement is kipolicy.TraitStatus.ABSENT
    assert changed.stage is kipolicy.Stage.ACTIVE and changed.added_value == ()
    assert proposal.parties[1].management_engagement is kipolicy.TraitStatus.JOINTLY_INTENDED
    with pytest.raises(kipolicy.InputError, match="did you mean 'active'"):
        kipolicy.variant(proposal, {"stage": "activ"})
    with pytest.raises(kipolicy.InputError, match=r"no list item \[7\]"):
        kipolicy.variant(proposal, {"parties[7].name": "X"})
    with pytest.raises(kipolicy.InputError, match="there is no 'termination' to remove"):
        kipolicy.variant(proposal, remove=["termination"])


def test_diff_adds_removes_and_changes() -> None:
    proposal = kipolicy.load_partnership(PROPOSAL)
    before = kipolicy.assess(proposal, as_of="2025-06-01")
    assert before.diff(before).empty
    withdrawn = kipolicy.assess(kipolicy.variant(proposal, {"parties[1].management_engagement": "absent"}), as_of="2025-06-01")
    diff = before.diff(withdrawn)
    assert [f.rule_id for f in diff.added] == ["definition.management-not-engaged", "definition.not-strategic"]
    assert [f.rule_id for f in diff.removed] == ["definition.strategic"]
    assert diff.status_changes() == {"is_strategic": (True, False)}
    narrow = kipolicy.assess(proposal, as_of="2025-06-01", interpretations={"traits-required": "all-five"})
    one_area = kipolicy.variant(proposal, remove=["traits.areas.education", "traits.areas.utilisation"])
    changed = kipolicy.assess(one_area, as_of="2025-06-01").diff(
        kipolicy.assess(one_area, as_of="2025-06-01", interpretations={"traits-required": "all-five"})
    )
    (change,) = changed.changed
    assert change.after.rule_id == "definition.narrow" and change.what == ("kind",)
    assert narrow.diff(narrow).to_dict()["added"] == []
    data = json.loads(json.dumps(diff.to_dict()))
    assert data["status"] == {"is_strategic": [True, False]}


def test_compare_interpretations_reading_by_reading() -> None:
    comparison = kipolicy.compare_interpretations(
        EXAMPLES / "active-with-gaps.toml",
        as_of="2026-01-01",
        readings={"strict": {"scope-on-definition": "strict"}, "all five": {"traits-required": "all-five"}},
    )
    differing = comparison.differing_rules()
    assert differing["all five"] == ("definition.narrow", "definition.not-strategic")
    assert "organisation.no-steering-group" in differing["strict"]
    strict = comparison.reading("strict")
    assert strict.report.in_scope is False and strict.diff.status_changes()["in_scope"] == (True, False)
    assert comparison.baseline.interpretations.changed() == {}
    listed = kipolicy.compare_interpretations(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01", readings=[{"geography": "international-only"}])
    assert [r.label for r in listed.readings] == ["geography=international-only"]
    with pytest.raises(kipolicy.InterpretationError, match="did you mean 'traits-required'"):
        kipolicy.compare_interpretations(PROPOSAL, as_of="2025-06-01", readings=[{"traits-requird": "all-five"}])
    with pytest.raises(kipolicy.UnknownIdError):
        comparison.reading("lenient")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_renderings_group_by_section_and_quote_the_policy(lang: str) -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    markdown = report.to_markdown(lang)
    html = report.to_html(lang)
    pol = kipolicy.policy()
    headings = [pol.section(s).heading(lang) for s in dict.fromkeys(f.section for f in report.findings)]
    positions = [markdown.index(h) for h in headings]
    assert positions == sorted(positions)
    assert pol.unit("definition.5").text(lang) in markdown
    assert pol.unit("definition.5").text(lang).replace("'", "&#x27;") in html
    assert report._repr_html_() == report.to_html("en")
    assert ("Calendar" if lang == "en" else "Kalender") in markdown
    assert pol.unit("inledning.6").text(lang) in markdown


def test_html_escapes_what_the_document_says() -> None:
    proposal = kipolicy.variant(kipolicy.load_partnership(PROPOSAL), {"name": "<script>alert(1)</script>"})
    html = kipolicy.assess(proposal, as_of="2025-06-01").to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_portfolio_diff_and_comparison_render() -> None:
    portfolio = kipolicy.assess_portfolio(PORTFOLIO, as_of="2026-12-01", interpretations={"capacity": 1})
    markdown = portfolio.to_markdown("en")
    calendar = markdown.split("## Calendar")[1]
    rows = [line for line in calendar.splitlines() if line.startswith("| 20")]
    assert "**overdue**" in rows[0] and "open" in rows[-1]
    assert "Portfolio-wide findings" in markdown and "urval.portfolio-over-capacity" in markdown
    assert 'class="overdue"' in portfolio._repr_html_()
    assert "Portfölj" in portfolio.to_html("sv")
    comparison = kipolicy.compare_interpretations(PROPOSAL, as_of="2025-06-01", readings=[{"scope-on-definition": "strict"}])
    for lang in ("sv", "en"):
        assert comparison.to_text(lang) and comparison.to_markdown(lang) and comparison.to_html(lang)
    assert ("No finding differs." in comparison.to_text("en")) == comparison.readings[0].diff.empty
    diff = kipolicy.assess(PROPOSAL, as_of="2025-06-01").diff(kipolicy.assess(PROPOSAL, as_of="2020-01-01"))
    assert "dokument.not-in-force" in diff.to_markdown("en") and "+ [note] dokument.not-in-force" in diff.to_text("en")
    assert "Tillkommer" in diff.to_html("sv")
