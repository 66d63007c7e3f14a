"""Which sentences of the policy are encoded, and which cases test them.

:func:`traceability` maps every unit of the policy to the rules that cite it and to the cases
that exercise those rules, by making them fire or keeping them quiet. A unit that carries no
obligation (background, document details, descriptions of added value) is marked so in the
policy data with its reason, so "not covered" always means a real gap.

:func:`coverage` lists the gaps: rules no case makes fire, rules no case keeps quiet, and
normative units no rule cites. The case plugin prints it with ``pytest --kipolicy-coverage``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from .cases import CASE_SUFFIX, Case, load_cases
from .._base.html import CSS, e
from .._policy.text import Unit, policy
from .._rules.book import RuleBook, default_rules

__all__ = ["CaseRef", "Coverage", "Traceability", "UnitTrace", "coverage", "traceability"]


@attrs.frozen(order=True)
class CaseRef:
    """A case, named by its file and its name."""

    file: str
    name: str

    def __str__(self) -> str:
        return f"{self.file}: {self.name}"


@attrs.frozen
class UnitTrace:
    """One unit of the policy, the rules that cite it and the cases that exercise them.

    Attributes:
        unit: The unit.
        rules: The rules citing it, in policy order.
        firing: Cases that expect one of those rules to fire.
        quiet: Cases that expect one of those rules to stay quiet.
    """

    unit: Unit
    rules: tuple[str, ...]
    firing: tuple[CaseRef, ...]
    quiet: tuple[CaseRef, ...]

    @property
    def covered(self) -> bool:
        """Whether the unit is informative, or cited by a rule that cases make fire and keep quiet."""
        return not self.unit.normative or bool(self.rules and self.firing and self.quiet)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit.id,
            "modality": self.unit.modality,
            "normative": self.unit.normative,
            "reason": self.unit.reason,
            "text": {"sv": self.unit.text_sv, "en": self.unit.text_en},
            "rules": list(self.rules),
            "firing": [str(c) for c in self.firing],
            "quiet": [str(c) for c in self.quiet],
        }


@attrs.frozen
class Coverage:
    """What the cases leave untested, and what the rules leave uncited.

    Attributes:
        rules_never_firing: Rules no case expects to fire.
        rules_never_quiet: Rules no case expects to stay quiet.
        units_uncited: Normative units no rule cites.
        cases: How many cases were counted (the passing ones, from ``kipolicy cases`` and the
            pytest plugin).
        rules_total: How many rules the rule book has.
    """

    rules_never_firing: tuple[str, ...]
    rules_never_quiet: tuple[str, ...]
    units_uncited: tuple[str, ...]
    cases: int
    rules_total: int = 0

    @property
    def complete(self) -> bool:
        return not (self.rules_never_firing or self.rules_never_quiet or self.units_uncited)

    @property
    def percent(self) -> float:
        """The share of the rules' two expectations (a case that makes the rule fire, a case
        that keeps it quiet) some case states, in percent."""
        if not self.rules_total:
            return 100.0
        met = 2 * self.rules_total - len(self.rules_never_firing) - len(self.rules_never_quiet)
        return 100.0 * met / (2 * self.rules_total)

    def to_text(self) -> str:
        total = self.rules_total
        lines = [f"kipolicy coverage over {self.cases} passing case{'s' if self.cases != 1 else ''}:"]
        lines.append(f"  rules a case makes fire: {total - len(self.rules_never_firing)} of {total}")
        lines.append(f"  rules a case keeps quiet: {total - len(self.rules_never_quiet)} of {total}")
        for title, items in (
            ("rules no case makes fire", self.rules_never_firing),
            ("rules no case keeps quiet", self.rules_never_quiet),
            ("normative units no rule cites", self.units_uncited),
        ):
            lines.append(f"  {title}: {', '.join(items) if items else 'none'}")
        lines.append(
            f"  coverage: {self.percent:.1f}% of the {2 * total} expectations "
            "(each rule made to fire by a case, and kept quiet by a case)"
        )
        lines.append("  complete" if self.complete else "  incomplete")
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rules_never_firing": list(self.rules_never_firing),
            "rules_never_quiet": list(self.rules_never_quiet),
            "units_uncited": list(self.units_uncited),
            "cases": self.cases,
            "rules_total": self.rules_total,
            "percent": round(self.percent, 2),
            "complete": self.complete,
        }


def _case_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        p = Path(path)
        files += sorted(p.rglob(f"*{CASE_SUFFIX}")) if p.is_dir() else [p]
    return files


def _read_cases(
    cases: Iterable[str | os.PathLike[str] | Case], rules: RuleBook, root: Path | None
) -> list[tuple[CaseRef, Case]]:
    out = []
    items = list(cases)
    loaded: list[Case] = [c for c in items if isinstance(c, Case)]
    for file in _case_files(c for c in items if not isinstance(c, Case)):
        loaded += load_cases(file, rules)
    for case in loaded:
        file = Path(case.file)
        shown = file.relative_to(root).as_posix() if root and file.is_relative_to(root) else file.name
        out.append((CaseRef(shown, case.name), case))
    return out


@attrs.frozen
class Traceability:
    """Every unit of the policy with its rules and cases, in policy order."""

    units: tuple[UnitTrace, ...]
    coverage: Coverage

    def unit(self, unit_id: str) -> UnitTrace:
        for trace in self.units:
            if trace.unit.id == unit_id:
                return trace
        from .._base.errors import UnknownIdError

        raise UnknownIdError("unit", unit_id, [t.unit.id for t in self.units])

    def gaps(self) -> tuple[UnitTrace, ...]:
        """Normative units that are not covered."""
        return tuple(t for t in self.units if not t.covered)

    def to_dict(self) -> dict[str, Any]:
        return {"units": [t.to_dict() for t in self.units], "coverage": self.coverage.to_dict()}

    def _repr_html_(self) -> str:

        return traceability_html(self)

    def to_markdown(self) -> str:
        """The traceability table as Markdown (docs/traceability.md)."""
        pol = policy()
        normative = [t for t in self.units if t.unit.normative]
        lines = [
            "# Traceability: policy text → rules → cases",
            "",
            "Generated by `python docs/refresh.py` from the policy data, `rules/` and",
            "`tests/cases/`; a test fails when it is stale. For each unit of the policy: its text,",
            "the rules that cite it, and the cases that make those rules fire or keep them quiet.",
            "Units that carry no obligation say why.",
            "",
            f"{len(normative)} normative units, {sum(bool(t.rules) for t in normative)} cited by a rule and "
            f"{sum(t.covered for t in normative)} exercised (a case makes a citing rule fire and one keeps it "
            f"quiet); {self.coverage.cases} cases.",
            "",
        ]
        current = None
        for trace in self.units:
            unit = trace.unit
            if unit.section != current:
                current = unit.section
                section = pol.section(current)
                lines += [f"## {section.heading_en} — {section.heading_sv} (`{current}`)", ""]
            lines += [
                f"### {unit.id} ({unit.modality})",
                "",
                f"> {unit.text_sv}",
                ">",
                f"> *{unit.text_en}*",
                "",
            ]
            if not unit.normative:
                lines += [f"No obligation: {unit.reason}.", ""]
                if trace.rules:
                    lines += [f"Cited by: {', '.join(f'`{r}`' for r in trace.rules)}.", ""]
                continue
            lines.append(f"- Rules: {', '.join(f'`{r}`' for r in trace.rules) or '**none**'}")
            lines.append(f"- Cases where they fire ({len(trace.firing)}): " + ("; ".join(str(c) for c in trace.firing) or "**none**"))
            lines.append(f"- Cases where they stay quiet ({len(trace.quiet)}): " + ("; ".join(str(c) for c in trace.quiet) or "**none**"))
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


def traceability(
    cases: Sequence[str | os.PathLike[str] | Case] = (),
    *,
    rules: RuleBook | None = None,
    root: str | os.PathLike[str] | None = None,
) -> Traceability:
    """Every policy unit with the rules citing it and the cases exercising those rules.

    Args:
        cases: Case files, directories of case files, or :class:`Case` objects.
        rules: The rule book (default: the bundled rules).
        root: Case files are named relative to it (default: by file name).

    Raises:
        InputError: A case file cannot be read.
    """
    book = rules if rules is not None else default_rules()
    read = _read_cases(cases, book, Path(root) if root is not None else None)
    firing: dict[str, set[CaseRef]] = {}
    quiet: dict[str, set[CaseRef]] = {}
    for ref, case in read:
        for expected in case.fires:
            firing.setdefault(expected.rule, set()).add(ref)
        for rule_id in case.portfolio_fires:
            firing.setdefault(rule_id, set()).add(ref)
        for rule_id in (*case.quiet, *case.portfolio_quiet):
            quiet.setdefault(rule_id, set()).add(ref)
    citing: dict[str, list[str]] = {}
    for rule in book:
        for unit_id in rule.all_cites:
            citing.setdefault(unit_id, []).append(rule.id)
    units = []
    for unit in policy().units():
        rule_ids = tuple(citing.get(unit.id, ()))
        units.append(
            UnitTrace(
                unit,
                rule_ids,
                tuple(sorted(set().union(*(firing.get(r, set()) for r in rule_ids)))),
                tuple(sorted(set().union(*(quiet.get(r, set()) for r in rule_ids)))),
            )
        )
    result = Coverage(
        rules_never_firing=tuple(r.id for r in book if r.id not in firing),
        rules_never_quiet=tuple(r.id for r in book if r.id not in quiet),
        units_uncited=tuple(u.unit.id for u in units if u.unit.normative and not u.rules),
        cases=len(read),
        rules_total=len(book),
    )
    return Traceability(tuple(units), result)


def coverage(
    cases: Sequence[str | os.PathLike[str] | Case] = (), *, rules: RuleBook | None = None
) -> Coverage:
    """Rules no case makes fire, rules no case keeps quiet, normative units no rule cites."""
    return traceability(cases, rules=rules).coverage


def traceability_html(trace: Any) -> str:
    """Policy units with the rules citing them and the cases exercising those rules."""
    rows = "".join(
        f"<tr><td><code>{e(t.unit.id)}</code></td><td>{e(t.unit.modality)}</td>"
        f"<td>{e(', '.join(t.rules) or '—')}</td><td>{len(t.firing)}</td><td>{len(t.quiet)}</td>"
        f"<td>{'✓' if t.covered else '✗'}</td></tr>"
        for t in trace.units
    )
    return (
        f'{CSS}<div class="kipolicy"><h3>Traceability</h3><table><tr><th>unit</th><th>modality</th>'
        f"<th>rules</th><th>cases firing</th><th>cases quiet</th><th>covered</th></tr>{rows}</table></div>"
    )
