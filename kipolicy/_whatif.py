"""What if: the difference between two reports, and one partnership under several readings.

:meth:`Report.diff <kipolicy.Report.diff>` tells which findings another report adds, removes
or changes; :func:`kipolicy.variant` makes a what-if variant of a partnership by document paths;
:func:`compare_interpretations` assesses one partnership under several interpretation settings
and says, reading by reading, which findings differ from the default reading.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from ._report import Finding, Report, _check_lang

__all__ = ["Change", "InterpretationComparison", "Reading", "ReportDiff", "compare_interpretations", "diff_reports"]


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
        from ._report import sorted_findings

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
        from ._render import diff_text

        return diff_text(self, _check_lang(lang))

    def to_markdown(self, lang: str = "en") -> str:
        from ._render import diff_markdown

        return diff_markdown(self, _check_lang(lang))

    def to_html(self, lang: str = "en") -> str:
        from ._render import diff_html

        return diff_html(self, _check_lang(lang))

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


@attrs.frozen
class Reading:
    """One interpretation setting of a comparison, its report, and how it differs from the default."""

    label: str
    interpretations: Mapping[str, Any]
    report: Report = attrs.field(repr=False)
    diff: ReportDiff = attrs.field(repr=False)


@attrs.frozen
class InterpretationComparison:
    """One partnership assessed under the default reading and under each other reading.

    Attributes:
        baseline: The report under the default interpretations.
        readings: Each other reading, with its report and its difference from the baseline.
    """

    baseline: Report = attrs.field(repr=False)
    readings: tuple[Reading, ...]

    def reading(self, label: str) -> Reading:
        for reading in self.readings:
            if reading.label == label:
                return reading
        from ._errors import UnknownIdError

        raise UnknownIdError("reading", label, [r.label for r in self.readings])

    def differing_rules(self) -> dict[str, tuple[str, ...]]:
        """For each reading, the rules whose findings differ from the default reading."""
        return {r.label: r.diff.rule_ids() for r in self.readings}

    def to_dict(self) -> dict[str, Any]:
        return {
            "partnership": {"id": self.baseline.partnership_id, "name": self.baseline.partnership_name},
            "as_of": self.baseline.as_of.isoformat(),
            "readings": [
                {"label": r.label, "interpretations": dict(r.interpretations), "diff": r.diff.to_dict()}
                for r in self.readings
            ],
        }

    def to_text(self, lang: str = "en") -> str:
        from ._render import comparison_text

        return comparison_text(self, _check_lang(lang))

    def to_markdown(self, lang: str = "en") -> str:
        from ._render import comparison_markdown

        return comparison_markdown(self, _check_lang(lang))

    def to_html(self, lang: str = "en") -> str:
        from ._render import comparison_html

        return comparison_html(self, _check_lang(lang))

    def _repr_html_(self) -> str:
        return self.to_html()


def _label(settings: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in settings.items()) or "default"


def compare_interpretations(
    partnership: Any,
    *,
    as_of: dt.date | str,
    readings: Mapping[str, Mapping[str, Any]] | Sequence[Mapping[str, Any]],
    portfolio: Iterable[Any] = (),
    rules: Any = None,
    engine: str = "durable",
) -> InterpretationComparison:
    """Assess one partnership under the default reading and under each of ``readings``.

    Args:
        partnership: A :class:`~kipolicy.Partnership`, a path or a mapping.
        as_of: The date the assessments are made as of.
        readings: Interpretation settings, each a mapping of name to value; as a mapping of
            label to setting, or a list (each labelled by its settings, e.g.
            ``scope-on-definition=strict``).
        portfolio: The other partnerships, as for :func:`~kipolicy.assess`.
        rules: A rule book (default: the bundled rules).
        engine: The rule engine, as for :func:`~kipolicy.assess`.

    Returns:
        An :class:`InterpretationComparison`: the baseline report, and per reading its report
        and which findings it adds, removes or changes.

    Raises:
        InputError: The partnership, the date or a reading is not valid.

    Example:
        >>> import kipolicy
        >>> c = kipolicy.compare_interpretations("examples/active-with-gaps.toml",
        ...     as_of="2026-01-01", readings=[{"traits-required": "all-five"}])
        >>> c.differing_rules()["traits-required=all-five"]
        ('definition.narrow', 'definition.not-strategic')
    """
    from ._assess import assess, coerce_date
    from ._documents import load_partnership
    from ._interpretations import Interpretations

    day = coerce_date(as_of)
    subject = load_partnership(partnership if not isinstance(partnership, os.PathLike) else os.fspath(partnership))
    others = list(portfolio)
    if isinstance(readings, Mapping):
        labelled = [(str(label), dict(setting)) for label, setting in readings.items()]
    else:
        labelled = [(_label(setting), dict(setting)) for setting in readings]
    checked = [(label, Interpretations.coerce(setting), setting) for label, setting in labelled]
    baseline = assess(subject, as_of=day, portfolio=others, rules=rules, engine=engine)
    out = []
    for label, interpretations, setting in checked:
        report = assess(subject, as_of=day, portfolio=others, interpretations=interpretations, rules=rules, engine=engine)
        out.append(Reading(label, setting, report, diff_reports(baseline, report)))
    return InterpretationComparison(baseline, tuple(out))
