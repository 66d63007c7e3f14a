"""What if: one partnership under several readings.

:func:`kipolicy.variant` makes a what-if variant of a partnership by document paths;
:func:`compare_interpretations` assesses one partnership under several interpretation settings
and says, reading by reading, which findings differ from the default reading.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._views.diff import ReportDiff, diff_reports
from .._base.errors import UnknownIdError
from .._views.render import comparison_html, comparison_markdown, comparison_text
from .._report.report import Report
from .._policy.words import check_lang

__all__ = ["InterpretationComparison", "Reading", "compare_interpretations"]


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

        return comparison_text(self, check_lang(lang))

    def to_markdown(self, lang: str = "en") -> str:

        return comparison_markdown(self, check_lang(lang))

    def to_html(self, lang: str = "en") -> str:

        return comparison_html(self, check_lang(lang))

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
    from .assess import assess, coerce_date
    from .._document.read import load_partnership
    from .._policy.interpretations import Interpretations

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
