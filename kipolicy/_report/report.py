"""Findings and reports: what an assessment concludes, with its citations and its reasons."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from .._base.calendar import from_day
from .._views.diff import ReportDiff, diff_reports
from .._views.explain import explain, explain_finding, why_not
from .._base.html import preformatted_html
from .._policy.interpretations import Interpretations
from .._views.order import obligation_key
from .._policy.text import policy
from .._facts.duties import STATUSES
from .._rules.ast import KINDS
from .._views.render import finding_html, report_html, report_markdown, report_text
from .._views.tables import Tabular, calendar_ics, report_records
from .._policy.words import check_lang

__all__ = ["Citation", "Evidence", "FactValues", "Finding", "Obligation", "Report", "Subject", "shown_value"]

#: The statuses of an obligation, in the order a calendar shows them: a duty's (one home,
#: :data:`kipolicy._facts.duties.STATUSES`, which the duty fact's ``status`` says too).
OBLIGATION_STATUSES: tuple[str, ...] = STATUSES


@attrs.frozen
class Citation:
    """A policy unit a finding cites, with its text in both languages.

    Attributes:
        unit: The unit id, e.g. ``risk.3``.
        section: The section id, e.g. ``risk``.
        heading_sv: The section's heading in Swedish.
        heading_en: The section's heading in English.
        text_sv: The unit's Swedish text (the policy's own).
        text_en: The unit's English translation.
        modality: The unit's modality.
    """

    unit: str
    section: str
    heading_sv: str
    heading_en: str
    text_sv: str
    text_en: str
    modality: str

    @classmethod
    def of(cls, unit_id: str) -> Citation:
        """The citation of a unit of the policy."""
        return _citation(unit_id)

    @classmethod
    def _make(cls, unit_id: str) -> Citation:
        pol = policy()
        unit = pol.unit(unit_id)
        section = pol.section(unit.section)
        return cls(
            unit.id, section.id, section.heading_sv, section.heading_en,
            unit.text_sv, unit.text_en, unit.modality,
        )

    def heading(self, lang: str = "sv") -> str:
        return self.heading_sv if check_lang(lang) == "sv" else self.heading_en

    def text(self, lang: str = "sv") -> str:
        return self.text_sv if check_lang(lang) == "sv" else self.text_en

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


@functools.cache
def _citation(unit_id: str) -> Citation:
    return Citation._make(unit_id)


@attrs.frozen
class Subject:
    """What a finding is about: the partnership, or one party, trait, assessment, ...

    Attributes:
        path: Where it is in the partnership document (``""`` for the whole partnership,
            ``parties[1]`` for the second party).
        label: A name to show.
        fact_type: The kind of fact (``partnership``, ``party``, ``trait``, ...).
    """

    path: str
    label: str
    fact_type: str

    def __str__(self) -> str:
        return self.label if not self.path else f"{self.label} ({self.path})"

    def to_dict(self) -> dict[str, Any]:
        return attrs.asdict(self)


def shown_value(value: Any, is_date: bool) -> Any:
    """A fact's value as reports show it: a date field's day number as a date."""
    if is_date and isinstance(value, int) and not isinstance(value, bool):
        return from_day(value)
    return value


class FactValues(Mapping[str, Any]):
    """Some fields of a fact, read from the fact itself, as a finding shows them (a date field's
    day number as a date).

    A finding's evidence names the fields its rule looked at; holding those and the fact, rather
    than a copy of their values, keeps a large portfolio report small. It is read-only, equal to
    any mapping with the same items, and pickles with its fact.
    """

    __slots__ = ("_dates", "_fact", "_fields")

    def __init__(self, fact: Mapping[str, Any], fields: tuple[str, ...], dates: frozenset[str] = frozenset()) -> None:
        self._fact = fact
        self._fields = fields
        self._dates = dates

    def __getitem__(self, field: str) -> Any:
        if field not in self._fields:
            raise KeyError(field)
        return shown_value(self._fact[field], field in self._dates)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (FactValues, (self._fact, self._fields, self._dates))


@attrs.frozen
class Evidence:
    """A fact that made a rule fire: one node of a finding's explanation.

    A fact of the document (a *base* fact) is a leaf; a fact another rule derived carries that
    rule's id, the units it cites and, as ``sources``, the facts that made *it* fire, down to
    base facts.

    Attributes:
        fact_type: The kind of fact.
        path: Where it is in the document (derived facts: where their source is).
        values: The fields the rule tested, with their values (dates as dates).
        derived_by: For a fact a rule derived, that rule's id; None for a fact of the document.
        alias: The name the rule gives the fact.
        field_paths: For each field in ``values``, where in the document (or the assessment's
            arguments: ``as_of``, ``interpretations.NAME``) its value comes from.
        derived_cites: For a derived fact, the units the deriving rule cites.
        sources: For a derived fact, the facts that made the deriving rule fire.
    """

    fact_type: str
    path: str
    values: Mapping[str, Any] = attrs.field(hash=False)
    derived_by: str | None = None
    alias: str = ""
    field_paths: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    derived_cites: tuple[str, ...] = ()
    sources: tuple[Evidence, ...] = ()

    def walk(self) -> Iterable[Evidence]:
        """This node and every node below it, depth first."""
        yield self
        for source in self.sources:
            yield from source.walk()

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact_type": self.fact_type,
            "path": self.path,
            "alias": self.alias,
            "values": {k: _jsonable(v) for k, v in self.values.items()},
            "field_paths": dict(self.field_paths),
            "derived_by": self.derived_by,
            "derived_cites": list(self.derived_cites),
            "sources": [s.to_dict() for s in self.sources],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    return value


@attrs.frozen
class Finding:
    """One conclusion of an assessment.

    Attributes:
        rule_id: The rule's stable id, e.g. ``definition.management-not-engaged``.
        kind: ``violation``, ``warning``, ``obligation``, ``recommendation`` or ``note``.
        modality: The modality of the policy's words (``shall``, ``must``, ...).
        section: The policy section of the rule.
        citations: The policy units the finding cites.
        subject: What the finding is about.
        because: The facts that made the rule fire.
        due: For an obligation, the date it falls due; None otherwise.
        title_sv: The rule's title in Swedish.
        title_en: The rule's title in English.
        would_be: For an ``incomplete`` finding (a fact the policy needs is not in the
            document), the kind the rules it stands for would give if the fact turned out
            unfavourable (``violation`` or ``warning``); None otherwise.
        needed_by: For an ``incomplete`` finding, the rules that need the missing fact.
    """

    rule_id: str
    kind: str
    modality: str
    section: str
    citations: tuple[Citation, ...]
    subject: Subject
    because: tuple[Evidence, ...]
    messages: Mapping[str, str] = attrs.field(hash=False, repr=False)
    remedies: Mapping[str, str] = attrs.field(hash=False, repr=False)
    title_sv: str = ""
    title_en: str = ""
    due: dt.date | None = None
    would_be: str | None = None
    needed_by: tuple[str, ...] = ()

    def message(self, lang: str = "sv") -> str:
        """The message in ``lang`` (``sv`` or ``en``)."""
        return self.messages[check_lang(lang)]

    def remedy(self, lang: str = "sv") -> str:
        """What to do about it, in ``lang`` (``sv`` or ``en``)."""
        return self.remedies[check_lang(lang)]

    def title(self, lang: str = "sv") -> str:
        return self.title_sv if check_lang(lang) == "sv" else self.title_en

    @property
    def units(self) -> tuple[str, ...]:
        """The ids of the cited units."""
        return tuple(c.unit for c in self.citations)

    def _repr_html_(self) -> str:

        return finding_html(self, "en")

    def explain(self, lang: str = "en") -> Explanation:
        """Why this finding was concluded: its cited text and the facts behind it."""

        return Explanation(explain_finding(self, check_lang(lang)))

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-serialisable data, in a stable shape."""
        return {
            "rule_id": self.rule_id,
            "kind": self.kind,
            "modality": self.modality,
            "section": self.section,
            "title": {"sv": self.title_sv, "en": self.title_en},
            "subject": self.subject.to_dict(),
            "message": dict(self.messages),
            "remedy": dict(self.remedies),
            "due": self.due.isoformat() if self.due else None,
            "would_be": self.would_be,
            "needed_by": list(self.needed_by),
            "citations": [c.to_dict() for c in self.citations],
            "because": [e.to_dict() for e in self.because],
        }


@attrs.frozen
class Obligation:
    """A dated duty of a partnership, met or not: one line of the calendar.

    Attributes:
        duty: ``follow-up``, ``risk-joint``, ``risk-ki`` or ``renewal-evaluation``.
        due: The day it falls (or fell) due.
        basis: The day it counts from (the start, or the last time it was met).
        met_on: The day it was met, or None.
        status: ``overdue`` (not met, due before ``as_of``), ``open`` (not met, not yet due),
            ``met-late`` or ``met``.
        path: Where in the document the record that met it is, or the list it belongs in.
        cites: The policy units that impose it.
        partnership_id: The partnership's id.
        partnership_name: The partnership's name.
        rule_ids: The rules whose findings are about this duty (e.g. an overdue violation).
        title_sv: What the duty is, in Swedish.
        title_en: What the duty is, in English.
    """

    duty: str
    due: dt.date
    basis: dt.date
    met_on: dt.date | None
    status: str
    path: str
    cites: tuple[str, ...]
    partnership_id: str
    partnership_name: str
    rule_ids: tuple[str, ...] = ()
    title_sv: str = ""
    title_en: str = ""

    @classmethod
    def of(
        cls, duty: Any, as_of: dt.date, *, partnership_id: str, partnership_name: str,
        rule_ids: tuple[str, ...] = (),
    ) -> Obligation:
        """The obligation of a computed duty (:class:`kipolicy._facts.duties.Duty`) as of a day."""
        kind = duty.kind
        return cls(
            duty.name, duty.due, duty.basis, duty.met_on, duty.status(as_of), duty.path, kind.cites,
            partnership_id, partnership_name, rule_ids, kind.title_sv, kind.title_en,
        )

    def title(self, lang: str = "sv") -> str:
        return self.title_sv if check_lang(lang) == "sv" else self.title_en

    def to_dict(self) -> dict[str, Any]:
        return {
            "duty": self.duty,
            "title": {"sv": self.title_sv, "en": self.title_en},
            "due": self.due.isoformat(),
            "basis": self.basis.isoformat(),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "status": self.status,
            "path": self.path,
            "cites": list(self.cites),
            "partnership": {"id": self.partnership_id, "name": self.partnership_name},
            "rule_ids": list(self.rule_ids),
        }


class Explanation(str):
    """An explanation as text (a ``str``) that Jupyter shows as a formatted block."""

    __slots__ = ()

    def _repr_html_(self) -> str:

        return preformatted_html(str(self))


@attrs.frozen
class Report(Tabular):
    """The result of assessing one partnership as of a date.

    Attributes:
        partnership_id: The assessed partnership's id.
        partnership_name: Its name.
        as_of: The date the assessment is made as of.
        findings: Every finding, in section order, then rule id, then subject.
        in_scope: Whether the policy applies: in force on ``as_of``, a KI-wide partnership
            and, under ``scope-on-definition = strict``, one that meets the definition.
        is_strategic: Whether it meets the definition of a strategic partnership; None when
            the definition was not assessed (the policy was not in force, or the partnership
            is out of scope).
        interpretations: The interpretations in force.
        halted_by: The id of the rule that stopped the assessment early, if one did.
        kept_sections: The policy sections still assessed after that halt (under
            ``scope-on-definition = strict``, a partnership whose definition lapsed keeps its
            follow-up, evaluation and ending duties: ``("uppfoljning",)``); empty otherwise.
        obligations: Every dated duty of the partnership, met or not, sorted by due date:
            the calendar a partnership office works from. Empty when the assessment stopped
            early (but for the duties of the sections kept) or the partnership is not active.
    """

    partnership_id: str
    partnership_name: str
    as_of: dt.date
    findings: tuple[Finding, ...]
    in_scope: bool
    is_strategic: bool | None
    interpretations: Interpretations = attrs.field(eq=False)
    halted_by: str | None = None
    kept_sections: tuple[str, ...] = ()
    obligations: tuple[Obligation, ...] = attrs.field(
        default=(), converter=lambda o: tuple(sorted(o, key=obligation_key))
    )
    facts: tuple[Mapping[str, Any], ...] = attrs.field(default=(), eq=False, repr=False)
    """The facts the rules saw (base facts, then derived ones): what why_not() reasons over."""
    rules: Any = attrs.field(default=None, eq=False, repr=False)
    """The rule book the assessment ran."""
    provenance: Any = attrs.field(default=None, eq=False, repr=False)
    """What the report was made from (:class:`~kipolicy.Provenance`): versions, fingerprints of
    the rule book, the policy text and the document, the interpretations and ``as_of``."""

    def overdue(self) -> tuple[Obligation, ...]:
        """The obligations not met and due before ``as_of``."""
        return tuple(o for o in self.obligations if o.status == "overdue")

    def diff(self, other: Report) -> ReportDiff:
        """What ``other`` adds, removes or changes compared with this report
        (a :class:`~kipolicy.ReportDiff`)."""

        return diff_reports(self, other)

    def to_records(self, lang: str = "en") -> list[dict[str, Any]]:
        """One row per finding, then one per obligation, with plain values (texts, ISO dates,
        None); the columns are :data:`kipolicy.RECORD_COLUMNS`."""

        return report_records(self, check_lang(lang))

    def to_ics(self, lang: str = "en") -> bytes:
        """The obligations as an iCalendar file, one event per obligation on its due date."""

        return calendar_ics(self.obligations, self.as_of, check_lang(lang), self.partnership_name)

    def to_markdown(self, lang: str = "en") -> str:
        """The report as Markdown: findings by section in policy order with their cited text,
        and the calendar."""

        return report_markdown(self, check_lang(lang))

    def to_html(self, lang: str = "en") -> str:
        """The report as self-contained HTML (what Jupyter shows)."""

        return report_html(self, check_lang(lang))

    def _repr_html_(self) -> str:
        return self.to_html()

    def explain(self, target: str | Finding, lang: str = "en") -> Explanation:
        """Why a finding (or every finding of a rule id) was concluded: its cited text and the
        facts behind it, down to the document's fields. A rule that did not fire is answered
        as :meth:`why_not` answers."""

        return Explanation(explain(self, target, lang))

    def why_not(self, rule_id: str, lang: str = "en") -> Explanation:
        """Why a rule did not fire: the condition no fact met (with each fact's failing
        values and document paths), the fact that blocked a "no such fact" condition, or the
        gate or interpretation that switched it off. :func:`kipolicy.why_not` gives the same
        answer as data."""

        return Explanation(why_not(self, rule_id).text(lang))

    def by_kind(self, *kinds: str) -> tuple[Finding, ...]:
        """The findings of the given kinds (e.g. ``report.by_kind("violation", "warning")``)."""
        for kind in kinds:
            if kind not in KINDS:
                raise ValueError(f"unknown finding kind {kind!r}: expected one of {', '.join(KINDS)}")
        return tuple(f for f in self.findings if f.kind in kinds)

    def by_rule(self, rule_id: str) -> tuple[Finding, ...]:
        """The findings of one rule."""
        return tuple(f for f in self.findings if f.rule_id == rule_id)

    @property
    def rule_ids(self) -> tuple[str, ...]:
        """The ids of the rules that fired, once each, in report order."""
        return tuple(dict.fromkeys(f.rule_id for f in self.findings))

    @property
    def definition_pending(self) -> bool:
        """The definition was assessed, but whether the partnership is strategic awaits facts the
        document does not give (an ``incomplete`` finding about a required trait)."""
        return (
            self.in_scope and self.is_strategic is None
            and any(f.kind == "incomplete" and f.section == "definition" for f in self.findings)
        )

    def counts(self) -> dict[str, int]:
        """How many findings of each kind."""
        return {kind: sum(f.kind == kind for f in self.findings) for kind in KINDS}

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-serialisable data, stable for the same input."""
        pol = policy()
        doc = pol.document
        binding = pol.unit(doc.binding_note_unit)
        return {
            "policy": {
                "title": {"sv": doc.title_sv, "en": doc.title_en},
                "dnr": doc.dnr,
                "in_force_from": doc.in_force_from.isoformat(),
                "binding_note": {"unit": binding.id, "sv": binding.text_sv, "en": binding.text_en},
            },
            "partnership": {"id": self.partnership_id, "name": self.partnership_name},
            "provenance": self.provenance.to_dict() if self.provenance is not None else None,
            "as_of": self.as_of.isoformat(),
            "in_scope": self.in_scope,
            "is_strategic": self.is_strategic,
            "halted_by": self.halted_by,
            "kept_sections": list(self.kept_sections),
            "interpretations": self.interpretations.to_dict(),
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "obligations": [o.to_dict() for o in self.obligations],
        }

    def to_text(self, lang: str = "en") -> str:
        """The report as plain text: one block per finding with its cited units."""
        return report_text(self, check_lang(lang))
