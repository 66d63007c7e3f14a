"""Reports people look at: Markdown and HTML (and text for diffs and comparisons).

Every rendering is in Swedish or English, groups findings by policy section in policy order,
and shows each finding with the text of the units it cites. HTML is self-contained (a little
inline CSS), escapes every value, and is what Jupyter shows (``_repr_html_``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._escape import md, plain
from ._interpretations import shown
from ._plots import inline_svgs
from ._policy import policy
from ._report import (
    _STATUS_WORDS, Finding, Obligation, Report, counts_text, grouped_findings, kind_label, obligation_key, parties_label,
)

if TYPE_CHECKING:
    from ._portfolio import PortfolioReport
    from ._whatif import InterpretationComparison, ReportDiff

__all__ = [
    "comparison_html",
    "comparison_markdown",
    "comparison_text",
    "diff_html",
    "diff_markdown",
    "diff_text",
    "portfolio_html",
    "portfolio_markdown",
    "report_html",
    "report_markdown",
]

_T: dict[str, dict[str, Any]] = {
    "en": {
        "as_of": "Assessed as of",
        "scope": "Scope",
        "definition": "Definition",
        "strategic": {True: "strategic", False: "not strategic", None: "not assessed"},
        "pending": "awaits missing facts",
        "interpretations": "Interpretations",
        "defaults": "the defaults",
        "findings": "Findings",
        "none": "none",
        "remedy": "Remedy",
        "due": "due",
        "calendar": "Calendar",
        "duty": "Duty",
        "status": "Status",
        "met_on": "Met on",
        "partnership": "Partnership",
        "partnerships": "Partnerships",
        "portfolio": "Portfolio",
        "portfolio_findings": "Portfolio-wide findings",
        "added": "Added",
        "removed": "Removed",
        "changed": "Changed",
        "no_change": "No finding differs.",
        "compare": "Interpretations compared",
        "baseline": "Under the default reading",
        "reading": "Reading",
        "rules": "Rules that differ",
        "diff_title": "What changes",
        "before": "before",
        "after": "after",
    },
    "sv": {
        "as_of": "Bedömd per",
        "scope": "Omfattning",
        "definition": "Definition",
        "strategic": {True: "strategiskt", False: "inte strategiskt", None: "inte bedömt"},
        "pending": "avvaktar uppgifter som saknas",
        "interpretations": "Tolkningar",
        "defaults": "standardtolkningarna",
        "findings": "Iakttagelser",
        "none": "inga",
        "remedy": "Åtgärd",
        "due": "senast",
        "calendar": "Kalender",
        "duty": "Åtagande",
        "status": "Status",
        "met_on": "Uppfyllt",
        "partnership": "Partnerskap",
        "partnerships": "Partnerskap",
        "portfolio": "Portfölj",
        "portfolio_findings": "Iakttagelser om portföljen",
        "added": "Tillkommer",
        "removed": "Försvinner",
        "changed": "Ändras",
        "no_change": "Ingen iakttagelse skiljer sig.",
        "compare": "Tolkningar jämförda",
        "baseline": "Under standardtolkningen",
        "reading": "Tolkning",
        "rules": "Regler som skiljer sig",
        "diff_title": "Vad som ändras",
        "before": "före",
        "after": "efter",
    },
}

_CSS = (
    "<style>.kipolicy{font-family:system-ui,sans-serif;line-height:1.4;max-width:60em}"
    ".kipolicy .kind{display:inline-block;padding:0 .4em;border-radius:.3em;font-size:.85em;"
    "font-weight:600;color:#fff;background:#666}"
    ".kipolicy .violation{background:#b3261e}.kipolicy .warning{background:#b86e00}"
    ".kipolicy .obligation{background:#1b5e9f}.kipolicy .recommendation{background:#2e7d32}"
    ".kipolicy .note{background:#666}.kipolicy .overdue{color:#b3261e;font-weight:600}"
    ".kipolicy blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:3px solid #ccc;color:#333}"
    ".kipolicy figure.plot{margin:1em 0}.kipolicy figure.plot svg{max-width:100%;height:auto}"
    ".kipolicy table{border-collapse:collapse}.kipolicy td,.kipolicy th{border:1px solid #ddd;"
    "padding:.2em .5em;text-align:left}</style>"
)


# For a page of its own (the command line's --format html): readable printed, on A4 or Letter.
_PAGE_CSS = (
    "<style>body{margin:2em auto;padding:0 1em;max-width:62em;color:#111;background:#fff}"
    "@page{margin:2cm}"
    "@media print{body{margin:0;max-width:none;font-size:10.5pt}"
    ".kipolicy .finding,.kipolicy blockquote,.kipolicy tr{break-inside:avoid}"
    ".kipolicy h2,.kipolicy h3{break-after:avoid}"
    ".kipolicy .kind{color:#000;background:none!important;border:1px solid #000}"
    "a{color:inherit;text-decoration:none}}</style>"
)


def html_document(fragment: str, lang: str, title: str) -> str:
    """A complete HTML page around ``fragment``: doctype, language, charset, title and styles for
    the screen and for print. Jupyter shows the fragment; the command line writes the page."""
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kipolicy">\n<title>{_e(title)}</title>\n{_PAGE_CSS}\n</head>\n'
        f"<body>\n{fragment}\n</body>\n</html>\n"
    )


def finding_html(finding: Finding, lang: str) -> str:
    """One finding as an HTML fragment (what Jupyter shows for a :class:`~kipolicy.Finding`)."""
    return f'{_CSS}<div class="kipolicy">{_finding_html(finding, lang)}</div>'


def preformatted_html(text: str, title: str = "") -> str:
    """A text answer (an explanation, a why-not) as an HTML fragment."""
    head = f"<h3>{_e(title)}</h3>" if title else ""
    return f'{_CSS}<div class="kipolicy">{head}<pre style="white-space:pre-wrap">{_e(text)}</pre></div>'


def policy_html(pol: Any, lang: str) -> str:
    """The policy text as an HTML fragment: sections, units with their ids and modality."""
    doc = pol.document
    parts = [f"<h2>{_e(doc.title_sv if lang == 'sv' else doc.title_en)} <small>({_e(doc.dnr)})</small></h2>"]
    for section in pol.sections:
        rows = "".join(
            f"<tr><td><code>{_e(u.id)}</code></td><td>{_e(u.modality)}</td><td>{_e(u.text_sv)}</td>"
            f"<td>{_e(u.text_en)}</td></tr>"
            for u in section.units
        )
        parts.append(f"<h3>{_e(section.heading(lang))} <code>{_e(section.id)}</code></h3>"
                     f"<table><tr><th>id</th><th>modality</th><th>sv</th><th>en</th></tr>{rows}</table>")
    return f'{_CSS}<div class="kipolicy">{"".join(parts)}</div>'


def traceability_html(trace: Any) -> str:
    """Policy units with the rules citing them and the cases exercising those rules."""
    rows = "".join(
        f"<tr><td><code>{_e(t.unit.id)}</code></td><td>{_e(t.unit.modality)}</td>"
        f"<td>{_e(', '.join(t.rules) or '—')}</td><td>{len(t.firing)}</td><td>{len(t.quiet)}</td>"
        f"<td>{'✓' if t.covered else '✗'}</td></tr>"
        for t in trace.units
    )
    return (
        f'{_CSS}<div class="kipolicy"><h3>Traceability</h3><table><tr><th>unit</th><th>modality</th>'
        f"<th>rules</th><th>cases firing</th><th>cases quiet</th><th>covered</th></tr>{rows}</table></div>"
    )


def _e(value: Any) -> str:
    return html.escape(str(value))


def _status(report: Report, lang: str) -> tuple[str, str, str]:
    t = _T[lang]
    scope = report.scope_text(lang)
    strategic = t["pending"] if report.definition_pending else t["strategic"][report.is_strategic]
    changed = report.interpretations.changed()
    readings = ", ".join(f"{k} = {shown(v)}" for k, v in changed.items()) or t["defaults"]
    return scope, strategic, readings


def _sections(findings: Iterable[Finding]) -> list[tuple[str, list[Finding]]]:
    out: list[tuple[str, list[Finding]]] = []
    for finding in findings:
        if not out or out[-1][0] != finding.section:
            out.append((finding.section, []))
        out[-1][1].append(finding)
    return out


def _binding(lang: str) -> str:
    pol = policy()
    unit = pol.unit(pol.document.binding_note_unit)
    return f"{unit.id}: {unit.text(lang)}"


def _counts(counts: dict[str, int], lang: str) -> str:
    return counts_text(counts, lang) or _T[lang]["none"]


# -- Markdown ---------------------------------------------------------------------------------


def _finding_markdown(finding: Finding, lang: str, level: str = "###") -> list[str]:
    t = _T[lang]
    due = f" ({t['due']} {finding.due})" if finding.due else ""
    lines = [
        f"{level} `{kind_label(finding.kind, lang)}` {finding.rule_id}{due} — {md(finding.subject)}",
        "",
        md(finding.message(lang)),
        "",
        f"*{t['remedy']}:* {md(finding.remedy(lang))}",
        "",
    ]
    for citation in finding.citations:
        lines += [f"> **{citation.unit}** {citation.text(lang)}", ""]
    return lines


def _group_markdown(group: tuple[Finding, ...], lang: str) -> list[str]:
    """A rule's findings about several parties, as one entry listing them."""
    if len(group) == 1:
        return _finding_markdown(group[0], lang)
    t = _T[lang]
    first = group[0]
    due = f" ({t['due']} {first.due})" if first.due else ""
    lines = [f"### `{kind_label(first.kind, lang)}` {first.rule_id}{due} — {parties_label(len(group), lang)}", ""]
    lines += [f"- **{md(f.subject)}**: {md(f.message(lang))}" for f in group]
    lines.append("")
    remedies = list(dict.fromkeys(f.remedy(lang) for f in group))
    if len(remedies) == 1:
        lines += [f"*{t['remedy']}:* {md(remedies[0])}", ""]
    else:
        lines += [f"*{t['remedy']}:*", "", *(f"- {md(r)}" for r in remedies), ""]
    for citation in first.citations:
        lines += [f"> **{citation.unit}** {citation.text(lang)}", ""]
    return lines


def _findings_markdown(findings: Sequence[Finding], lang: str) -> list[str]:
    lines: list[str] = []
    for section_id, items in _sections(findings):
        lines += [f"## {policy().section(section_id).heading(lang)} (`{section_id}`)", ""]
        for group in grouped_findings(items):
            lines += _group_markdown(group, lang)
    return lines


def _calendar(obligations: Sequence[Obligation], lang: str, *, with_partnership: bool) -> tuple[list[str], list[tuple[Obligation, list[str]]]]:
    """The calendar's column heads and, overdue first, each obligation with its cells."""
    t = _T[lang]
    head = ["Due" if lang == "en" else "Senast"] + ([t["partnership"]] if with_partnership else [])
    head += [t["duty"], t["status"], t["met_on"], "cites"]
    rows = []
    for o in _calendar_order(obligations):
        cells = [str(o.due)] + ([o.partnership_name] if with_partnership else [])
        cells += [o.title(lang), _STATUS_WORDS[o.status][0 if lang == "en" else 1], str(o.met_on or ""), ", ".join(o.cites)]
        rows.append((o, cells))
    return head, rows


def _calendar_markdown(obligations: Sequence[Obligation], lang: str, *, with_partnership: bool) -> list[str]:
    if not obligations:
        return []
    head, rows = _calendar(obligations, lang, with_partnership=with_partnership)
    status = head.index(_T[lang]["status"])
    lines = [f"## {_T[lang]['calendar']}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for obligation, cells in rows:
        cells = [md(cell) for cell in cells]
        if obligation.status == "overdue":
            cells[status] = f"**{cells[status]}**"
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _calendar_order(obligations: Sequence[Obligation]) -> list[Obligation]:
    """Overdue first, then by due date."""
    return sorted(obligations, key=lambda o: (o.status != "overdue", obligation_key(o)))


def report_markdown(report: Report, lang: str) -> str:
    t = _T[lang]
    scope, strategic, readings = _status(report, lang)
    lines = [
        f"# {md(report.partnership_name)} ({md(report.partnership_id)})",
        "",
        f"- {t['as_of']} {report.as_of}",
        f"- {t['scope']}: {scope}; {t['definition'].lower()}: {strategic}",
        f"- {t['interpretations']}: {md(readings)}",
        f"- {t['findings']}: {_counts(report.counts(), lang)}",
        "",
    ]
    lines += _findings_markdown(report.findings, lang)
    lines += _calendar_markdown(report.obligations, lang, with_partnership=False)
    lines += [f"*{_binding(lang)}*", ""]
    return "\n".join(lines)


def portfolio_markdown(portfolio: PortfolioReport, lang: str) -> str:
    t = _T[lang]
    lines = [f"# {t['portfolio']}: {len(portfolio.reports)} {t['partnerships'].lower()}, {t['as_of'].lower()} {portfolio.as_of}", ""]
    if portfolio.findings:
        lines += [f"## {t['portfolio_findings']}", ""]
        for finding in portfolio.findings:
            lines += _finding_markdown(finding, lang)
    lines += [f"## {t['partnerships']}", "", f"| {t['partnership']} | {t['scope']} | {t['definition']} | {t['findings']} |", "|---|---|---|---|"]
    for report in portfolio.reports:
        scope, strategic, _ = _status(report, lang)
        lines.append(f"| {md(report.partnership_name)} ({md(report.partnership_id)}) | {scope} | {strategic} | {_counts(report.counts(), lang)} |")
    lines.append("")
    lines += _calendar_markdown(portfolio.calendar, lang, with_partnership=True)
    return "\n".join(lines)


def _diff_markdown_body(diff: ReportDiff, lang: str) -> list[str]:
    t = _T[lang]
    lines: list[str] = []
    for name, (a, b) in diff.status_changes().items():
        lines.append(f"- {name}: {a} → {b}")
    if lines:
        lines.append("")
    for title, findings in ((t["added"], diff.added), (t["removed"], diff.removed)):
        if findings:
            lines += [f"### {title}", ""]
            for finding in findings:
                lines += _finding_markdown(finding, lang, "####")
    if diff.changed:
        lines += [f"### {t['changed']}", ""]
        for change in diff.changed:
            lines.append(
                f"- {change.after.rule_id} — {md(change.after.subject)}: "
                + "; ".join(_change_part(change, what, lang, md) for what in change.what)
            )
        lines.append("")
    if diff.empty:
        lines += [t["no_change"], ""]
    return lines


def _change_part(change: Any, what: str, lang: str, escape: Any = str) -> str:
    if what == "kind":
        return f"{kind_label(change.before.kind, lang)} → {kind_label(change.after.kind, lang)}"
    if what == "due":
        return f"{_T[lang]['due']} {change.before.due} → {change.after.due}"
    return f"“{escape(change.before.message(lang))}” → “{escape(change.after.message(lang))}”"


def diff_markdown(diff: ReportDiff, lang: str) -> str:
    t = _T[lang]
    lines = [f"# {t['diff_title']}: {md(diff.after.partnership_name)}", ""]
    lines += _diff_markdown_body(diff, lang)
    return "\n".join(lines)


def comparison_markdown(comparison: InterpretationComparison, lang: str) -> str:
    t = _T[lang]
    base = comparison.baseline
    lines = [f"# {t['compare']}: {md(base.partnership_name)}", "", f"{t['as_of']} {base.as_of}.", ""]
    lines += [f"| {t['reading']} | {t['rules']} |", "|---|---|"]
    for reading in comparison.readings:
        lines.append(f"| {md(reading.label)} | {', '.join(f'`{r}`' for r in reading.diff.rule_ids()) or t['none']} |")
    lines.append("")
    for reading in comparison.readings:
        lines += [f"## {t['reading']}: {md(reading.label)}", ""]
        lines += _diff_markdown_body(reading.diff, lang)
    return "\n".join(lines)


# -- text ---------------------------------------------------------------------------------------


def _finding_text(finding: Finding, lang: str, pad: str = "") -> list[str]:
    due = f" ({_T[lang]['due']} {finding.due})" if finding.due else ""
    return [f"{pad}[{kind_label(finding.kind, lang)}] {finding.rule_id}{due} — {finding.subject}", f"{pad}  {finding.message(lang)}"]


def _diff_text_body(diff: ReportDiff, lang: str, pad: str = "") -> list[str]:
    t = _T[lang]
    lines = [f"{pad}{name}: {a} -> {b}" for name, (a, b) in diff.status_changes().items()]
    for sign, findings in (("+", diff.added), ("-", diff.removed)):
        for finding in findings:
            lines += _finding_text(finding, lang, f"{pad}{sign} ")
    for change in diff.changed:
        lines.append(f"{pad}~ {change.after.rule_id} — {change.after.subject}: " + "; ".join(_change_part(change, w, lang) for w in change.what))
    if diff.empty:
        lines.append(f"{pad}{t['no_change']}")
    return lines


def diff_text(diff: ReportDiff, lang: str) -> str:
    t = _T[lang]
    lines = [f"{t['diff_title']}: {diff.after.partnership_name} ({t['before']} → {t['after']})"]
    lines += _diff_text_body(diff, lang)
    return plain("\n".join(lines) + "\n")


def comparison_text(comparison: InterpretationComparison, lang: str) -> str:
    t = _T[lang]
    base = comparison.baseline
    lines = [f"{t['compare']}: {base.partnership_name}, {t['as_of'].lower()} {base.as_of}"]
    for reading in comparison.readings:
        lines += ["", f"{t['reading']}: {reading.label}"]
        lines += _diff_text_body(reading.diff, lang, "  ")
    return plain("\n".join(lines) + "\n")


# -- HTML ---------------------------------------------------------------------------------------


def _finding_html(finding: Finding, lang: str) -> str:
    t = _T[lang]
    due = f" <em>({_e(t['due'])} {_e(finding.due)})</em>" if finding.due else ""
    quotes = "".join(
        f"<blockquote><strong>{_e(c.unit)}</strong> {_e(c.text(lang))}</blockquote>" for c in finding.citations
    )
    return (
        f'<div class="finding"><p><span class="kind {_e(finding.kind)}">{_e(kind_label(finding.kind, lang))}</span> '
        f"<code>{_e(finding.rule_id)}</code>{due} — {_e(finding.subject)}</p>"
        f"<p>{_e(finding.message(lang))}</p><p><em>{_e(t['remedy'])}:</em> {_e(finding.remedy(lang))}</p>"
        f"{quotes}</div>"
    )


def _group_html(group: tuple[Finding, ...], lang: str) -> str:
    """A rule's findings about several parties, as one entry listing them."""
    if len(group) == 1:
        return _finding_html(group[0], lang)
    t = _T[lang]
    first = group[0]
    due = f" <em>({_e(t['due'])} {_e(first.due)})</em>" if first.due else ""
    items = "".join(f"<li><strong>{_e(f.subject)}</strong>: {_e(f.message(lang))}</li>" for f in group)
    remedies = list(dict.fromkeys(f.remedy(lang) for f in group))
    remedy = (
        f"<p><em>{_e(t['remedy'])}:</em> {_e(remedies[0])}</p>" if len(remedies) == 1
        else f"<p><em>{_e(t['remedy'])}:</em></p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in remedies) + "</ul>"
    )
    quotes = "".join(
        f"<blockquote><strong>{_e(c.unit)}</strong> {_e(c.text(lang))}</blockquote>" for c in first.citations
    )
    return (
        f'<div class="finding"><p><span class="kind {_e(first.kind)}">{_e(kind_label(first.kind, lang))}</span> '
        f"<code>{_e(first.rule_id)}</code>{due} — {_e(parties_label(len(group), lang))}</p>"
        f"<ul>{items}</ul>{remedy}{quotes}</div>"
    )


def _findings_html(findings: Sequence[Finding], lang: str) -> str:
    parts = []
    for section_id, items in _sections(findings):
        parts.append(f"<h3>{_e(policy().section(section_id).heading(lang))} <small>({_e(section_id)})</small></h3>")
        parts += [_group_html(group, lang) for group in grouped_findings(items)]
    return "".join(parts)


def _calendar_html(obligations: Sequence[Obligation], lang: str, *, with_partnership: bool) -> str:
    if not obligations:
        return ""
    head, rows = _calendar(obligations, lang, with_partnership=with_partnership)
    overdue = ' class="overdue"'
    body = "".join(
        f"<tr{overdue if o.status == 'overdue' else ''}>" + "".join(f"<td>{_e(c)}</td>" for c in cells) + "</tr>"
        for o, cells in rows
    )
    header = "".join(f"<th>{_e(h)}</th>" for h in head)
    return f"<h3>{_e(_T[lang]['calendar'])}</h3><table><tr>{header}</tr>{body}</table>"


def report_html(report: Report, lang: str) -> str:
    t = _T[lang]
    scope, strategic, readings = _status(report, lang)
    summary = (
        f"<ul><li>{_e(t['as_of'])} {_e(report.as_of)}</li>"
        f"<li>{_e(t['scope'])}: {_e(scope)}; {_e(t['definition'].lower())}: {_e(strategic)}</li>"
        f"<li>{_e(t['interpretations'])}: {_e(readings)}</li>"
        f"<li>{_e(t['findings'])}: {_e(_counts(report.counts(), lang))}</li></ul>"
    )
    return (
        f'{_CSS}<div class="kipolicy"><h2>{_e(report.partnership_name)} <small>({_e(report.partnership_id)})</small></h2>'
        f"{summary}{_findings_html(report.findings, lang)}"
        f"{_calendar_html(report.obligations, lang, with_partnership=False)}"
        f"<p><em>{_e(_binding(lang))}</em></p></div>"
    )


def portfolio_html(portfolio: PortfolioReport, lang: str) -> str:
    t = _T[lang]
    rows = []
    for report in portfolio.reports:
        scope, strategic, _ = _status(report, lang)
        rows.append(
            f"<tr><td>{_e(report.partnership_name)} <code>{_e(report.partnership_id)}</code></td>"
            f"<td>{_e(scope)}</td><td>{_e(strategic)}</td><td>{_e(_counts(report.counts(), lang))}</td></tr>"
        )
    wide = ""
    if portfolio.findings:
        wide = f"<h3>{_e(t['portfolio_findings'])}</h3>" + "".join(_finding_html(f, lang) for f in portfolio.findings)
    head = "".join(f"<th>{_e(h)}</th>" for h in (t["partnership"], t["scope"], t["definition"], t["findings"]))
    return (
        f'{_CSS}<div class="kipolicy"><h2>{_e(t["portfolio"])}: {len(portfolio.reports)} '
        f"{_e(t['partnerships'].lower())}, {_e(t['as_of'].lower())} {_e(portfolio.as_of)}</h2>{wide}"
        f"<h3>{_e(t['partnerships'])}</h3><table><tr>{head}</tr>{''.join(rows)}</table>"
        f"{inline_svgs(portfolio, lang)}"
        f"{_calendar_html(portfolio.calendar, lang, with_partnership=True)}</div>"
    )


def _diff_html_body(diff: ReportDiff, lang: str) -> str:
    t = _T[lang]
    parts = [f"<p>{_e(name)}: {_e(a)} → {_e(b)}</p>" for name, (a, b) in diff.status_changes().items()]
    for title, findings in ((t["added"], diff.added), (t["removed"], diff.removed)):
        if findings:
            parts.append(f"<h4>{_e(title)}</h4>" + "".join(_finding_html(f, lang) for f in findings))
    if diff.changed:
        items = "".join(
            f"<li><code>{_e(c.after.rule_id)}</code> — {_e(c.after.subject)}: "
            + _e("; ".join(_change_part(c, w, lang) for w in c.what))
            + "</li>"
            for c in diff.changed
        )
        parts.append(f"<h4>{_e(t['changed'])}</h4><ul>{items}</ul>")
    if diff.empty:
        parts.append(f"<p>{_e(t['no_change'])}</p>")
    return "".join(parts)


def diff_html(diff: ReportDiff, lang: str) -> str:
    t = _T[lang]
    return f'{_CSS}<div class="kipolicy"><h2>{_e(t["diff_title"])}: {_e(diff.after.partnership_name)}</h2>{_diff_html_body(diff, lang)}</div>'


def comparison_html(comparison: InterpretationComparison, lang: str) -> str:
    t = _T[lang]
    base = comparison.baseline
    rows = "".join(
        f"<tr><td>{_e(r.label)}</td><td>{_e(', '.join(r.diff.rule_ids()) or t['none'])}</td></tr>"
        for r in comparison.readings
    )
    sections = "".join(
        f"<h3>{_e(t['reading'])}: {_e(r.label)}</h3>{_diff_html_body(r.diff, lang)}" for r in comparison.readings
    )
    return (
        f'{_CSS}<div class="kipolicy"><h2>{_e(t["compare"])}: {_e(base.partnership_name)}</h2>'
        f"<p>{_e(t['as_of'])} {_e(base.as_of)}</p>"
        f"<table><tr><th>{_e(t['reading'])}</th><th>{_e(t['rules'])}</th></tr>{rows}</table>{sections}</div>"
    )
