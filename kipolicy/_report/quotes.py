"""Reports without quotes: the document's own words and figures withheld.

A report filed at KI can become an *allmän handling*, and what a document says about a
partnership — a partner's name in a proposal under negotiation, the terms it commits to — may
fall under secrecy (offentlighets- och sekretesslagen 15:1, 31:16). A report made with
``quote=False`` (``--no-quotes``) keeps every finding, its rule, kind, modality, cited policy
text and field paths, but never shows a value the fact model marks as the document's own
(``Field.quotes``: names, countries, focus areas as written, terms in years; and the fields of
derived facts copied from them): each stands as ``‹field path›``, e.g. ``‹parties[1].name›``.
The partnership is named by its id; in a portfolio's profile each focus area and country is
``‹focus area N›`` / ``‹country N›``, the same one the same number throughout.

The report is made by assessing as usual and then withholding, so the findings are exactly
those of the report with quotes. ``Report.facts`` keeps the facts as assessed (``why_not`` and
``explain`` evaluate them); the JSON, text, Markdown, HTML, CSV and iCalendar renderings of the
report withhold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from .._facts.facts import field_path
from .._facts.peers import normalise
from .report import Evidence, Finding, Obligation, Report, Subject

if TYPE_CHECKING:
    from .._assess.portfolio import PortfolioReport
    from .._rules.book import RuleBook

__all__ = ["portfolio_without_quotes", "stand_in", "without_quotes"]


def stand_in(path: str) -> str:
    """What a report without quotes shows instead of the value at ``path`` of the document."""
    return f"‹{path}›"


def without_quotes(report: Report, rules: RuleBook) -> Report:
    """``report`` with the document's own words and figures withheld (see the module)."""
    quoted = rules.quoted_fields()
    return attrs.evolve(
        report,
        partnership_name=report.partnership_id,
        findings=tuple(_finding(f, quoted, rules, report.partnership_id) for f in report.findings),
        obligations=tuple(_obligation(o) for o in report.obligations),
    )


def portfolio_without_quotes(portfolio: PortfolioReport, rules: RuleBook) -> PortfolioReport:
    """A portfolio report with every report, finding and calendar line withholding."""
    quoted = rules.quoted_fields()
    # The profile keeps its shape: the same focus area (or country) has the same stand-in in
    # every partnership, numbered in the order first met.
    areas: dict[str, str] = {}
    countries: dict[str, str] = {}
    for entry in portfolio.profile:
        for area in entry.focus_areas:
            areas.setdefault(normalise(area), stand_in(f"focus area {len(areas) + 1}"))
        for country in entry.countries:
            countries.setdefault(normalise(country), stand_in(f"country {len(countries) + 1}"))
    return attrs.evolve(
        portfolio,
        reports=tuple(without_quotes(r, rules) for r in portfolio.reports),
        findings=tuple(_finding(f, quoted, rules, "portfolio") for f in portfolio.findings),
        calendar=tuple(_obligation(o) for o in portfolio.calendar),
        profile=tuple(
            attrs.evolve(
                entry, name=entry.id,
                focus_areas=tuple(areas[normalise(a)] for a in entry.focus_areas),
                countries=tuple(countries[normalise(c)] for c in entry.countries),
            )
            for entry in portfolio.profile
        ),
    )


def _obligation(obligation: Obligation) -> Obligation:
    return attrs.evolve(obligation, partnership_name=obligation.partnership_id)


def _finding(finding: Finding, quoted: Mapping[str, frozenset[str]], rules: RuleBook, own_id: str) -> Finding:
    messages, remedies = finding.messages, finding.remedies
    inserted = getattr(messages, "inserted", None)
    if inserted is not None:
        withheld = {
            alias: {f: stand_in(field_path(rules.fact_types.get(str(fact["type"])), fact, f)) for f in quoted.get(str(fact["type"]), ())}
            for alias, fact in inserted.items()
        }
        messages = messages.withholding(withheld)  # type: ignore[attr-defined]
        remedies = remedies.withholding(withheld)  # type: ignore[attr-defined]
    return attrs.evolve(
        finding,
        subject=_subject(finding.subject, quoted, rules, own_id),
        because=tuple(_evidence(e, quoted) for e in finding.because),
        messages=messages,
        remedies=remedies,
    )


def _subject(subject: Subject, quoted: Mapping[str, frozenset[str]], rules: RuleBook, own_id: str) -> Subject:
    fact_type = rules.fact_types.get(subject.fact_type)
    label_field = (fact_type.label if fact_type is not None else None) or "name"
    if label_field not in quoted.get(subject.fact_type, ()):
        return subject
    if subject.fact_type == "partnership":
        return attrs.evolve(subject, label=own_id)
    return attrs.evolve(subject, label=stand_in(field_path(fact_type, {"type": subject.fact_type, "path": subject.path}, label_field)))


def _evidence(evidence: Evidence, quoted: Mapping[str, frozenset[str]]) -> Evidence:
    withheld = quoted.get(evidence.fact_type, frozenset())
    values: Mapping[str, Any] = evidence.values
    if withheld & set(values):
        values = {
            field: stand_in(evidence.field_paths.get(field) or f"{evidence.path}.{field}".lstrip(".")) if field in withheld else value
            for field, value in values.items()
        }
    return attrs.evolve(evidence, values=values, sources=tuple(_evidence(s, quoted) for s in evidence.sources))
