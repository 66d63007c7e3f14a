"""The order of findings and obligations in every report and calendar."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._policy.text import policy
from .._rules.ast import KINDS

if TYPE_CHECKING:
    from .._report.report import Finding, Obligation

__all__ = ["obligation_key", "sort_key", "sorted_findings"]

_SEVERITY = {kind: rank for rank, kind in enumerate(KINDS)}


def sorted_findings(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=sort_key))


def sort_key(finding: Finding) -> tuple:
    """Section order, then severity (violation first, note last), then rule id, then subject:
    the order of every report (a rule gives one finding per subject, so the order is total)."""
    return (
        policy().section_position(finding.section),
        _SEVERITY.get(finding.kind, len(KINDS)),
        finding.rule_id,
        finding.subject.path,
        finding.subject.label,
    )


def obligation_key(obligation: Obligation) -> tuple:
    """Due date, then partnership, then duty: the order of every calendar."""
    return (obligation.due, obligation.partnership_id, obligation.duty, obligation.path)
