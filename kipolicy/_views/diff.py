"""The difference between two reports: the findings one adds, removes or changes.

:meth:`Report.diff <kipolicy.Report.diff>` gives it; it knows reports only by their findings,
so the report can offer it without an import cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from .order import sorted_findings
from .render import diff_html, diff_markdown, diff_text
from .._policy.words import check_lang

if TYPE_CHECKING:
    from .._report.report import Finding, Report

__all__ = ["Change", "ReportDiff", "diff_reports"]


def _key(finding: Finding) -> tuple[str, str, str]:
    return (finding.rule_id, finding.subject.path, finding.subject.label)


@attrs.frozen
class Change:
    """A finding present in both reports that differs: its kind, due date or message."""

    before: Finding
    after: Finding

    @property
    def what(self) -> tuple[str, ...]:
        """Which aspects differ: ``kind``, ``due``, ``message``."""
        out = []
        if self.before.kind != self.after.kind:
            out.append("kind")
        if self.before.due != self.after.due:
            out.append("due")
        if dict(self.before.messages) != dict(self.after.messages):
            out.append("message")
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"what": list(self.what), "before": self.before.to_dict(), "after": self.after.to_dict()}


@attrs.frozen
class ReportDiff:
    """What changes from one report (``before``) to another (``after``).

    Attributes:
        before: The first report.
        after: The second report.
        added: Findings only the second report has.
        removed: Findings only the first report has.
        changed: Findings both have (same rule and subject) that differ.
    """

    before: Report = attrs.field(repr=False)
    after: Report = attrs.field(repr=False)
    added: tuple[Finding, ...]
    removed: tuple[Finding, ...]
    changed: tuple[Change, ...]

    @property
    def empty(self) -> bool:
        """No finding is added, removed or changed, and scope and definition are the same."""
        return not (self.added or self.removed or self.changed) and not self.status_changes()

    def status_changes(self) -> dict[str, tuple[Any, Any]]:
        """``in_scope`` and ``is_strategic`` where they differ, as (before, after)."""
        out = {}
        for name in ("in_scope", "is_strategic"):
            a, b = getattr(self.before, name), getattr(self.after, name)
            if a != b:
                out[name] = (a, b)
        return out

    def rule_ids(self) -> tuple[str, ...]:
        """The rules whose findings differ, once each, in report order."""

        involved = sorted_findings((*self.removed, *self.added, *(c.after for c in self.changed)))
        return tuple(dict.fromkeys(f.rule_id for f in involved))

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": {"partnership": self.before.partnership_id, "as_of": self.before.as_of.isoformat(),
                       "interpretations": self.before.interpretations.changed()},
            "after": {"partnership": self.after.partnership_id, "as_of": self.after.as_of.isoformat(),
                      "interpretations": self.after.interpretations.changed()},
            "status": {k: list(v) for k, v in self.status_changes().items()},
            "added": [f.to_dict() for f in self.added],
            "removed": [f.to_dict() for f in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }

    def to_text(self, lang: str = "en") -> str:

        return diff_text(self, check_lang(lang))

    def to_markdown(self, lang: str = "en") -> str:

        return diff_markdown(self, check_lang(lang))

    def to_html(self, lang: str = "en") -> str:

        return diff_html(self, check_lang(lang))

    def _repr_html_(self) -> str:
        return self.to_html()


def diff_reports(before: Report, after: Report) -> ReportDiff:
    """The findings ``after`` adds, removes or changes compared with ``before``."""
    first = {_key(f): f for f in before.findings}
    second = {_key(f): f for f in after.findings}
    added = tuple(f for k, f in second.items() if k not in first)
    removed = tuple(f for k, f in first.items() if k not in second)
    changed = []
    for key, finding in second.items():
        old = first.get(key)
        if old is not None:
            change = Change(old, finding)
            if change.what:
                changed.append(change)
    return ReportDiff(before, after, added, removed, tuple(changed))
