"""Reports people look at: Markdown and HTML (and text for diffs and comparisons).

Every rendering is in Swedish or English, groups findings by policy section in policy order,
and shows each finding with the text of the units it cites. HTML is self-contained (a little
inline CSS), escapes every value, and is what Jupyter shows (``_repr_html_``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from .._base.escape import md, plain
from .._base.html import CSS, e
from .._policy.interpretations import shown
from .order import obligation_key
from .plots import inline_svgs
from .._policy.text import policy
from .._policy.words import counts_text, kind_label, parties_label, phrases, status_label

if TYPE_CHECKING:
    from .diff import ReportDiff
    from .._assess.portfolio import PortfolioReport
    from .._report.report import Finding, Obligation, Report
    from .._assess.whatif import InterpretationComparison

__all__ = [
    "comparison_html",
    "comparison_markdown",
    "comparison_text",
    "diff_html",
    "diff_markdown",
    "diff_text",
    "group_text",
    "grouped_findings",
    "obligation_line",
    "portfolio_html",
    "portfolio_markdown",
    "portfolio_text",
    "report_html",
    "report_markdown",
    "report_text",
    "scope_text",
]


def finding_html(finding: Finding, lang: str) -> str:
    """One finding as an HTML fragment (what Jupyter shows for a :class:`~kipolicy.Finding`)."""
    return f'{CSS}<div class="kipolicy">{_finding_html(finding, lang)}</div>'


def scope_text(report: Report, lang: str) -> str:
    """Whether the policy applies, in ``lang``: ``in scope``, ``out of scope``, or, after a
    halt that keeps sections, ``out of scope; still held to: Evaluation and follow-up``."""
    t = phrases("report", lang)
    if report.in_scope:
        return t["in_scope"]
    if not report.kept_sections:
        return t["out_of_scope"]
    pol = policy()
    return t["kept"].format(sections=", ".join(pol.section(s).heading(lang) for s in report.kept_sections))


def report_text(report: Report, lang: str) -> str:
    """The report as plain text: one block per finding with its cited units."""
    t = phrases("report", lang)
    pol = policy()
    scope, strategic, readings = _status(report, lang)
    lines = [
        f"{report.partnership_name} ({report.partnership_id})",
        f"{t['as_of']} {report.as_of.isoformat()}",
        f"{t['scope']}: {scope}; {t['definition'].lower()}: {strategic}",
    ]
    if report.interpretations.changed():
        lines.append(f"{t['interpretations']}: {readings}")
    lines.append(f"{t['findings']}: {_counts(report.counts(), lang)}")
    current = None
    for group in grouped_findings(report.findings):
        if group[0].section != current:
            current = group[0].section
            lines += ["", f"== {pol.section(current).heading(lang)} ({current}) =="]
        lines += group_text(group, lang)
    if report.obligations:
        lines += ["", f"== {t['calendar']} =="]
        lines += [obligation_line(o, lang) for o in report.obligations]
    lines += ["", _binding(lang)]
    return plain("\n".join(lines) + "\n")


def _status(report: Report, lang: str) -> tuple[str, str, str]:
    t = phrases("report", lang)
    scope = scope_text(report, lang)
    strategic = t["pending"] if report.definition_pending else t["strategic"][report.is_strategic]
    changed = report.interpretations.changed()
    readings = ", ".join(f"{k} = {shown(v)}" for k, v in changed.items()) or t["defaults"]
    return scope, strategic, readings


def _status_changes(diff: ReportDiff, lang: str, arrow: str = "→") -> list[str]:
    """A difference's changes of scope and outcome, in the report's words (``Scope: in scope →
    out of scope``)."""
    t = phrases("report", lang)
    words = {
        "in_scope": (t["scope"], lambda v: t["in_scope"] if v else t["out_of_scope"]),
        "is_strategic": (t["definition"], lambda v: t["strategic"][v]),
    }
    return [
        f"{words[name][0]}: {words[name][1](a)} {arrow} {words[name][1](b)}"
        for name, (a, b) in diff.status_changes().items()
    ]


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
    return counts_text(counts, lang) or phrases("report", lang)["none"]


# -- Markdown ---------------------------------------------------------------------------------


def _finding_markdown(finding: Finding, lang: str, level: str = "###") -> list[str]:
    t = phrases("report", lang)
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
    t = phrases("report", lang)
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
    t = phrases("report", lang)
    head = [t["due_column"]] + ([t["partnership"]] if with_partnership else [])
    head += [t["duty"], t["status"], t["met_on"], t["cites_column"]]
    rows = []
    for o in _calendar_order(obligations):
        cells = [str(o.due)] + ([o.partnership_name] if with_partnership else [])
        cells += [o.title(lang), status_label(o.status, lang), str(o.met_on or ""), ", ".join(o.cites)]
        rows.append((o, cells))
    return head, rows


def _calendar_markdown(obligations: Sequence[Obligation], lang: str, *, with_partnership: bool) -> list[str]:
    if not obligations:
        return []
    head, rows = _calendar(obligations, lang, with_partnership=with_partnership)
    status = head.index(phrases("report", lang)["status"])
    lines = [f"## {phrases('report', lang)['calendar']}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
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
    t = phrases("report", lang)
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
    t = phrases("report", lang)
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
    t = phrases("report", lang)
    lines: list[str] = []
    lines += [f"- {change}" for change in _status_changes(diff, lang)]
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
        return f"{phrases('report', lang)['due']} {change.before.due} → {change.after.due}"
    return f"“{escape(change.before.message(lang))}” → “{escape(change.after.message(lang))}”"


def diff_markdown(diff: ReportDiff, lang: str) -> str:
    t = phrases("report", lang)
    lines = [f"# {t['diff_title']}: {md(diff.after.partnership_name)}", ""]
    lines += _diff_markdown_body(diff, lang)
    return "\n".join(lines)


def comparison_markdown(comparison: InterpretationComparison, lang: str) -> str:
    t = phrases("report", lang)
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
    due = f" ({phrases('report', lang)['due']} {finding.due})" if finding.due else ""
    return [f"{pad}[{kind_label(finding.kind, lang)}] {finding.rule_id}{due} — {finding.subject}", f"{pad}  {finding.message(lang)}"]


def _diff_text_body(diff: ReportDiff, lang: str, pad: str = "") -> list[str]:
    t = phrases("report", lang)
    lines = [f"{pad}{change}" for change in _status_changes(diff, lang, "->")]
    for sign, findings in (("+", diff.added), ("-", diff.removed)):
        for finding in findings:
            lines += _finding_text(finding, lang, f"{pad}{sign} ")
    for change in diff.changed:
        lines.append(f"{pad}~ {change.after.rule_id} — {change.after.subject}: " + "; ".join(_change_part(change, w, lang) for w in change.what))
    if diff.empty:
        lines.append(f"{pad}{t['no_change']}")
    return lines


def diff_text(diff: ReportDiff, lang: str) -> str:
    t = phrases("report", lang)
    lines = [f"{t['diff_title']}: {diff.after.partnership_name} ({t['before']} → {t['after']})"]
    lines += _diff_text_body(diff, lang)
    return plain("\n".join(lines) + "\n")


def comparison_text(comparison: InterpretationComparison, lang: str) -> str:
    t = phrases("report", lang)
    base = comparison.baseline
    lines = [f"{t['compare']}: {base.partnership_name}, {t['as_of'].lower()} {base.as_of}"]
    for reading in comparison.readings:
        lines += ["", f"{t['reading']}: {reading.label}"]
        lines += _diff_text_body(reading.diff, lang, "  ")
    return plain("\n".join(lines) + "\n")


# -- HTML ---------------------------------------------------------------------------------------


def _finding_html(finding: Finding, lang: str) -> str:
    t = phrases("report", lang)
    due = f" <em>({e(t['due'])} {e(finding.due)})</em>" if finding.due else ""
    quotes = "".join(
        f"<blockquote><strong>{e(c.unit)}</strong> {e(c.text(lang))}</blockquote>" for c in finding.citations
    )
    return (
        f'<div class="finding"><p><span class="kind {e(finding.kind)}">{e(kind_label(finding.kind, lang))}</span> '
        f"<code>{e(finding.rule_id)}</code>{due} — {e(finding.subject)}</p>"
        f"<p>{e(finding.message(lang))}</p><p><em>{e(t['remedy'])}:</em> {e(finding.remedy(lang))}</p>"
        f"{quotes}</div>"
    )


def _group_html(group: tuple[Finding, ...], lang: str) -> str:
    """A rule's findings about several parties, as one entry listing them."""
    if len(group) == 1:
        return _finding_html(group[0], lang)
    t = phrases("report", lang)
    first = group[0]
    due = f" <em>({e(t['due'])} {e(first.due)})</em>" if first.due else ""
    items = "".join(f"<li><strong>{e(f.subject)}</strong>: {e(f.message(lang))}</li>" for f in group)
    remedies = list(dict.fromkeys(f.remedy(lang) for f in group))
    remedy = (
        f"<p><em>{e(t['remedy'])}:</em> {e(remedies[0])}</p>" if len(remedies) == 1
        else f"<p><em>{e(t['remedy'])}:</em></p><ul>" + "".join(f"<li>{e(r)}</li>" for r in remedies) + "</ul>"
    )
    quotes = "".join(
        f"<blockquote><strong>{e(c.unit)}</strong> {e(c.text(lang))}</blockquote>" for c in first.citations
    )
    return (
        f'<div class="finding"><p><span class="kind {e(first.kind)}">{e(kind_label(first.kind, lang))}</span> '
        f"<code>{e(first.rule_id)}</code>{due} — {e(parties_label(len(group), lang))}</p>"
        f"<ul>{items}</ul>{remedy}{quotes}</div>"
    )


def _findings_html(findings: Sequence[Finding], lang: str) -> str:
    parts = []
    for section_id, items in _sections(findings):
        parts.append(f"<h3>{e(policy().section(section_id).heading(lang))} <small>({e(section_id)})</small></h3>")
        parts += [_group_html(group, lang) for group in grouped_findings(items)]
    return "".join(parts)


def _calendar_html(obligations: Sequence[Obligation], lang: str, *, with_partnership: bool) -> str:
    if not obligations:
        return ""
    head, rows = _calendar(obligations, lang, with_partnership=with_partnership)
    overdue = ' class="overdue"'
    body = "".join(
        f"<tr{overdue if o.status == 'overdue' else ''}>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>"
        for o, cells in rows
    )
    header = "".join(f"<th>{e(h)}</th>" for h in head)
    return f"<h3>{e(phrases('report', lang)['calendar'])}</h3><table><tr>{header}</tr>{body}</table>"


def report_html(report: Report, lang: str) -> str:
    t = phrases("report", lang)
    scope, strategic, readings = _status(report, lang)
    summary = (
        f"<ul><li>{e(t['as_of'])} {e(report.as_of)}</li>"
        f"<li>{e(t['scope'])}: {e(scope)}; {e(t['definition'].lower())}: {e(strategic)}</li>"
        f"<li>{e(t['interpretations'])}: {e(readings)}</li>"
        f"<li>{e(t['findings'])}: {e(_counts(report.counts(), lang))}</li></ul>"
    )
    return (
        f'{CSS}<div class="kipolicy"><h2>{e(report.partnership_name)} <small>({e(report.partnership_id)})</small></h2>'
        f"{summary}{_findings_html(report.findings, lang)}"
        f"{_calendar_html(report.obligations, lang, with_partnership=False)}"
        f"<p><em>{e(_binding(lang))}</em></p></div>"
    )


def portfolio_html(portfolio: PortfolioReport, lang: str) -> str:
    t = phrases("report", lang)
    rows = []
    for report in portfolio.reports:
        scope, strategic, _ = _status(report, lang)
        rows.append(
            f"<tr><td>{e(report.partnership_name)} <code>{e(report.partnership_id)}</code></td>"
            f"<td>{e(scope)}</td><td>{e(strategic)}</td><td>{e(_counts(report.counts(), lang))}</td></tr>"
        )
    wide = ""
    if portfolio.findings:
        wide = f"<h3>{e(t['portfolio_findings'])}</h3>" + "".join(_finding_html(f, lang) for f in portfolio.findings)
    head = "".join(f"<th>{e(h)}</th>" for h in (t["partnership"], t["scope"], t["definition"], t["findings"]))
    return (
        f'{CSS}<div class="kipolicy"><h2>{e(t["portfolio"])}: {len(portfolio.reports)} '
        f"{e(t['partnerships'].lower())}, {e(t['as_of'].lower())} {e(portfolio.as_of)}</h2>{wide}"
        f"<h3>{e(t['partnerships'])}</h3><table><tr>{head}</tr>{''.join(rows)}</table>"
        f"{inline_svgs(portfolio, lang)}"
        f"{_calendar_html(portfolio.calendar, lang, with_partnership=True)}</div>"
    )


def _diff_html_body(diff: ReportDiff, lang: str) -> str:
    t = phrases("report", lang)
    parts = [f"<p>{e(change)}</p>" for change in _status_changes(diff, lang)]
    for title, findings in ((t["added"], diff.added), (t["removed"], diff.removed)):
        if findings:
            parts.append(f"<h4>{e(title)}</h4>" + "".join(_finding_html(f, lang) for f in findings))
    if diff.changed:
        items = "".join(
            f"<li><code>{e(c.after.rule_id)}</code> — {e(c.after.subject)}: "
            + e("; ".join(_change_part(c, w, lang) for w in c.what))
            + "</li>"
            for c in diff.changed
        )
        parts.append(f"<h4>{e(t['changed'])}</h4><ul>{items}</ul>")
    if diff.empty:
        parts.append(f"<p>{e(t['no_change'])}</p>")
    return "".join(parts)


def diff_html(diff: ReportDiff, lang: str) -> str:
    t = phrases("report", lang)
    return f'{CSS}<div class="kipolicy"><h2>{e(t["diff_title"])}: {e(diff.after.partnership_name)}</h2>{_diff_html_body(diff, lang)}</div>'


def comparison_html(comparison: InterpretationComparison, lang: str) -> str:
    t = phrases("report", lang)
    base = comparison.baseline
    rows = "".join(
        f"<tr><td>{e(r.label)}</td><td>{e(', '.join(r.diff.rule_ids()) or t['none'])}</td></tr>"
        for r in comparison.readings
    )
    sections = "".join(
        f"<h3>{e(t['reading'])}: {e(r.label)}</h3>{_diff_html_body(r.diff, lang)}" for r in comparison.readings
    )
    return (
        f'{CSS}<div class="kipolicy"><h2>{e(t["compare"])}: {e(base.partnership_name)}</h2>'
        f"<p>{e(t['as_of'])} {e(base.as_of)}</p>"
        f"<table><tr><th>{e(t['reading'])}</th><th>{e(t['rules'])}</th></tr>{rows}</table>{sections}</div>"
    )


def grouped_findings(findings: Iterable[Finding]) -> list[tuple[Finding, ...]]:
    """Findings as renderings show them: each alone, except that the findings of one rule about
    several parties (an alliance's partners, say) make one entry listing the parties.

    The findings are taken in the order given (sorted: those of one rule are together); the API
    keeps one finding per party as its subject.
    """
    out: list[list[Finding]] = []
    for finding in findings:
        last = out[-1][-1] if out else None
        if (
            last is not None
            and finding.subject.fact_type == "party"
            and last.subject.fact_type == "party"
            and (finding.rule_id, finding.kind, finding.due) == (last.rule_id, last.kind, last.due)
        ):
            out[-1].append(finding)
        else:
            out.append([finding])
    return [tuple(group) for group in out]


def obligation_line(obligation: Obligation, lang: str, *, with_partnership: bool = False) -> str:
    status = status_label(obligation.status, lang)
    met = f" ({obligation.met_on})" if obligation.met_on else ""
    who = f"{obligation.partnership_name}: " if with_partnership else ""
    return f"{obligation.due}  {status}{met}  {who}{obligation.title(lang)} [{', '.join(obligation.cites)}]"


def group_text(group: tuple[Finding, ...], lang: str) -> list[str]:
    """One entry of a plain-text report: a finding, or a rule's findings about several parties."""
    t = phrases("report", lang)
    first = group[0]
    due = f" ({t['due']} {first.due})" if first.due else ""
    head = f"[{kind_label(first.kind, lang)}] {first.rule_id}{due} — "
    remedy = f"  {t['remedy']}: "
    if len(group) == 1:
        lines = [head + str(first.subject), f"  {first.message(lang)}", remedy + first.remedy(lang)]
    else:
        lines = [head + parties_label(len(group), lang) + ": " + "; ".join(str(f.subject) for f in group)]
        lines += [f"  - {f.subject}: {f.message(lang)}" for f in group]
        remedies = list(dict.fromkeys(f.remedy(lang) for f in group))
        lines += [remedy + remedies[0]] if len(remedies) == 1 else [remedy.rstrip()] + [f"  - {r}" for r in remedies]
    lines += [f"  {citation.unit}: \"{citation.text(lang)}\"" for citation in first.citations]
    return lines


def portfolio_text(portfolio: PortfolioReport, lang: str) -> str:
    """The portfolio as plain text: portfolio-wide findings, one line per partnership, and the
    calendar with overdue obligations first."""
    t = phrases("report", lang)
    lines = [t["portfolio_head"].format(n=len(portfolio.reports), as_of=portfolio.as_of.isoformat())]
    for finding in portfolio.findings:
        lines.append(f"[{kind_label(finding.kind, lang)}] {finding.rule_id} — {finding.message(lang)}")
    lines += ["", f"== {t['partnerships']} =="]
    for report in portfolio.reports:
        counts = counts_text(report.counts(), lang) or "-"
        lines.append(f"{report.partnership_name} ({report.partnership_id}): {counts}")
    if portfolio.calendar:
        lines += ["", f"== {t['calendar']} =="]
        lines += [obligation_line(o, lang, with_partnership=True) for o in _calendar_order(portfolio.calendar)]
    return plain("\n".join(lines) + "\n")
