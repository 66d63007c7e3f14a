"""The rule reference: every rule of a rule book as Markdown, generated from ``rules/``.

``docs/rules.md`` is this module's output for the bundled rules; a test fails when it is stale.
Regenerate it with::

    python docs/refresh.py
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from .._facts.facts import FactType
from .._policy.text import policy
from .._rules.ast import Rule, describe_condition
from .._rules.book import RuleBook, default_rules

__all__ = ["rule_reference"]


def _quote(unit_id: str) -> list[str]:
    unit = policy().unit(unit_id)
    return [f"> **{unit.id}** ({unit.modality}) {unit.text_sv}", ">", f"> *{unit.text_en}*", ""]


def _rule(rule: Rule) -> list[str]:
    lines = [f"### `{rule.id}`", "", f"**{rule.title['en']}** — *{rule.title['sv']}*", ""]
    facts = [
        f"- kind: `{rule.kind}`; modality: `{rule.modality}`; step: `{rule.step}`",
        f"- cites: {', '.join(f'`{u}`' for u in rule.all_cites)}",
    ]
    concluded = {o: None for a in range(len(rule.alternatives)) for o in rule.concludes_for(a)}
    if concluded:
        facts.append(f"- concludes: {', '.join(f'`{o}`' for o in concluded)} (the report's outcome when it fires)")
    if rule.halts:
        facts.append("- halts: when it fires, nothing of a later step is assessed")
    if not rule.retroactive:
        facts.append(
            "- not retroactive: under `retroactivity = ongoing-only` it does not apply to a "
            "partnership entered before the policy came into force"
        )
    if rule.due is not None:
        facts.append(f"- due date: `{rule.due}`")
    lines += [*facts, ""]
    for unit_id in rule.all_cites:
        lines += _quote(unit_id)
    lines.append("**Fires when**" + (" any of:" if len(rule.alternatives) > 1 else ":"))
    lines.append("")
    for index, alternative in enumerate(rule.alternatives):
        own = []
        if alternative.kind:
            own.append(f"kind `{alternative.kind}`")
        if alternative.cites:
            own.append("cites " + ", ".join(f"`{u}`" for u in alternative.cites))
        if alternative.halts is not None:
            own.append("halts" if alternative.halts else "does not halt")
        if alternative.derive is not None:
            own.append("derives " + (", ".join(f"`{d.fact_type}`" for d in alternative.derive) or "nothing"))
        if alternative.keeps:
            own.append(
                "a halt through it keeps " + ", ".join(f"`{s}`" for s in alternative.keeps) + " assessed"
            )
        prefix = f"{index + 1}. " if len(rule.alternatives) > 1 else "- "
        head = ("(" + "; ".join(own) + ") ") if own else ""
        conditions = ", and ".join(describe_condition(c, markdown=True) for c in alternative.conditions)
        lines.append(f"{prefix}{head}{conditions}. Subject: `{alternative.subject}`.")
    lines.append("")
    lines += [
        f"**Message** (en): {rule.message['en']}",
        "",
        f"**Remedy** (en): {rule.remedy['en']}",
        "",
        f"**Åtgärd** (sv): {rule.remedy['sv']}",
        "",
    ]
    return lines


def _fact_type(fact_type: FactType) -> list[str]:
    origin = f"derived by rules, declared in `{fact_type.declared_in}`" if fact_type.derived else "made from the document and the assessment"
    lines = [f"### `{fact_type.name}` ({origin})", "", fact_type.doc or "", "", "| field | type | meaning |", "|---|---|---|"]
    for name, field in fact_type.fields.items():
        kind = " / ".join(f"`{c}`" for c in field.type) if field.is_choice else f"`{field.type}`"
        doc = field.doc.replace("|", "\\|") or "—"
        lines.append(f"| `{name}` | {kind} | {doc} |")
    lines.append("")
    return lines


def rule_reference(rules: RuleBook | None = None) -> str:
    """The rule reference of a rule book (default: the bundled rules) as Markdown."""
    book = rules if rules is not None else default_rules()
    pol = policy()
    lines = [
        "# Rule reference",
        "",
        "Generated from `rules/` by `python -m kipolicy._tools.reference`; a test fails when this file",
        "is stale. Each rule shows its kind, the modality of the policy's own words, the units it",
        "cites (Swedish original, English translation), when it fires, and its remedy. Field names",
        "are those of the fact types listed at the end.",
        "",
        f"{len(book)} rules.",
        "",
    ]
    sections: dict[str, list[Rule]] = {}
    for rule in book:
        sections.setdefault(rule.section, []).append(rule)
    lines += ["| rule | kind | modality | cites |", "|---|---|---|---|"]
    for rule in book:
        lines.append(
            f"| [`{rule.id}`](#{rule.id.replace('.', '')}) | {rule.kind} | {rule.modality} | "
            f"{', '.join(rule.all_cites)} |"
        )
    lines.append("")
    for section_id, section_rules in sections.items():
        section = pol.section(section_id)
        lines += [f"## {section.heading_en} — {section.heading_sv} (`{section_id}`)", ""]
        for rule in section_rules:
            lines += _rule(rule)
    lines += ["## Fact types", ""]
    for fact_type in _used_fact_types(book):
        lines += _fact_type(fact_type)
    return "\n".join(lines).rstrip() + "\n"


def _used_fact_types(book: RuleBook) -> Iterable[FactType]:
    return [book.fact_types[name] for name in book.fact_types]


if __name__ == "__main__":  # pragma: no cover - exercised through the docs test
    sys.stdout.write(rule_reference())
