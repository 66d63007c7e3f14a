"""The named interpretations: readings of the policy a user can switch.

Each interpretation has a name (``traits-required``), a default and the values it takes. An
:class:`Interpretations` object holds one value for each; an unknown name or value is an
:class:`~kipolicy.InterpretationError`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from .._base.errors import InterpretationError, Problem, did_you_mean
from .._base.limits import number_problem, text_problem
from .vocabularies import VocabularyError, vocabulary

__all__ = ["INTERPRETATIONS", "Interpretation", "Interpretations", "in_force"]


@attrs.frozen
class Interpretation:
    """One named interpretation.

    Attributes:
        name: Its name, e.g. ``traits-required``.
        default: The default reading.
        choices: The values it takes, for a named choice; None for a number or a list.
        kind: ``choice``, ``int`` (a whole number ≥ 0), ``number`` (≥ 0), ``optional-int``
            (a whole number, or none), ``names`` (a list of names, or none) or
            ``int-or-choice`` (a whole number, or one of ``choices``).
        question: The question of the policy it answers.
        cites: The policy units the question is about.
        maximum: The largest value a number takes (numbers are bounded: a value past any
            sensible reading is a mistake, and the engine cannot hold every number).
        minimum: The smallest value a number takes (0 unless the question needs more).
        vocabulary: For a list of names, the vocabulary they come from (each name becomes its
            term's id), if any.
        dated: For a list of names, whether it may also be given as periods, each from a day
            on (``[{from = 2023-01-01, names = [...]}, ...]``): the list in force on a day is
            the last period that started on or before it (the first, before them all).
    """

    name: str
    default: Any
    kind: str
    question: str
    cites: tuple[str, ...]
    choices: tuple[str, ...] | None = None
    maximum: int | None = None
    minimum: int = 0
    vocabulary: str | None = None
    dated: bool = False

    @property
    def in_assessment_fact(self) -> bool:
        """Whether rules read it as a field of the ``assessment`` fact; lists and mixed values
        (a number or a word) are instead computed into the facts they apply to."""
        return self.kind not in ("names", "int-or-choice")

    @property
    def field(self) -> str:
        """The name of the ``assessment`` fact's field that carries the value in rules."""
        return self.name.replace("-", "_")

    def check(self, value: Any) -> str | None:
        """What is wrong with ``value`` for this interpretation, or None."""
        if self.kind == "int-or-choice":
            if isinstance(value, str):
                if value in (self.choices or ()):
                    return None
                hint = did_you_mean(value[:100], self.choices or ())
                return (
                    f"expected {', '.join(map(repr, self.choices or ()))} or a whole number from "
                    f"{self.minimum} to {self.maximum}, got {_shown(value)}{hint}"
                )
            if isinstance(value, bool) or not isinstance(value, int) or not self.minimum <= value <= (self.maximum or 0):
                return (
                    f"expected {', '.join(map(repr, self.choices or ()))} or a whole number from "
                    f"{self.minimum} to {self.maximum}, got {_shown(value)}"
                )
            return None
        if self.kind == "choice":
            if not isinstance(value, str) or value not in (self.choices or ()):
                hint = did_you_mean(value[:100], self.choices or ()) if isinstance(value, str) else ""
                return f"expected one of {', '.join(map(repr, self.choices or ()))}, got {_shown(value)}{hint}"
        elif self.kind in ("int", "optional-int", "number"):
            if value is None and self.kind == "optional-int":
                return None
            whole = self.kind != "number"
            expected = (
                f"a whole number from {self.minimum} to {self.maximum}"
                if whole else f"a number from {self.minimum} to {self.maximum}"
            ) + (" or none" if self.kind == "optional-int" else "")
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
                return f"expected {expected}, got {_shown(value)}"
            if isinstance(value, float) and not math.isfinite(value):
                return f"expected {expected}, got the non-finite number {value!r}"
            if value < self.minimum or (self.maximum is not None and value > self.maximum):
                return f"expected {expected}, got {_shown(value)}"
            wrong = number_problem(value)
            if wrong:
                return wrong
        elif self.kind == "names":
            if value is None:
                return None
            if self.dated and isinstance(value, (list, tuple)) and value and not isinstance(value[0], str):
                return self._check_periods(value)
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, str) and v.strip() for v in value
            ):
                dated = " or of periods ({from = DATE, names = [...]})" if self.dated else ""
                return f"expected a list of names{dated}, or none, got {_shown(value)}"
            if len(value) > 100:
                return f"expected at most 100 names, got {len(value)}"
            for name in value:
                wrong = text_problem(name, 200)
                if wrong:
                    return wrong
                if self.vocabulary is not None:
                    try:
                        vocabulary(self.vocabulary).canonical(name)
                    except VocabularyError as exc:
                        return str(exc)
        return None

    def _check_periods(self, value: Any) -> str | None:
        """What is wrong with a dated list: periods, each from a day on, with its names."""
        if len(value) > 100:
            return f"expected at most 100 periods, got {len(value)}"
        days = []
        for i, period in enumerate(value):
            period = _period_items(period)
            if period is None:
                return f"period {i + 1}: expected {{from = DATE, names = [...]}}, got {_shown(value[i])}"
            day, names = period
            if day is None:
                return f"period {i + 1}: 'from' is not a date (YYYY-MM-DD): {_shown(value[i])}"
            if day in days:
                return f"period {i + 1}: two periods start on {day.isoformat()}"
            days.append(day)
            wrong = self.check(list(names))
            if wrong:
                return f"period {i + 1} (from {day.isoformat()}): {wrong}"
        return None

    def normalise(self, value: Any) -> Any:
        if self.kind == "names" and value is not None and self.dated and value and not isinstance(value[0], str):
            periods: list[tuple[dt.date, tuple[Any, ...]]] = []
            for period in value:
                items = _period_items(period)
                if items is not None and items[0] is not None:  # checked before: always so
                    periods.append((items[0], items[1]))
            periods.sort(key=lambda p: p[0])
            return tuple((day.isoformat(), self.normalise(list(names))) for day, names in periods)
        if self.kind == "names" and value is not None:
            if self.vocabulary is not None:
                words = vocabulary(self.vocabulary)
                return tuple(dict.fromkeys(words.canonical(name) for name in value))
            return tuple(value)
        return value


def _period_items(period: Any) -> tuple[dt.date | None, tuple[Any, ...]] | None:
    """A period's start and names, from ``{from, names}`` or the normalised ``(from, names)``."""
    if isinstance(period, Mapping) and set(period) == {"from", "names"}:
        start, names = period["from"], period["names"]
    elif isinstance(period, (list, tuple)) and len(period) == 2 and not isinstance(period[1], str):
        start, names = period
    else:
        return None
    if isinstance(start, str):
        try:
            start = dt.date.fromisoformat(start)
        except ValueError:
            start = None
    if isinstance(start, dt.datetime) or not isinstance(start, dt.date):
        start = None
    return start, tuple(names) if isinstance(names, (list, tuple)) else (names,)


def _plain(value: Any) -> Any:
    """A value as JSON holds it: lists for names, ``{from, names}`` tables for periods."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return [{"from": start, "names": list(names)} for start, names in value]
    return list(value) if isinstance(value, tuple) else value


def shown(value: Any) -> str:
    """An interpretation's value as reports show it: names joined; periods as ``from DATE:
    names`` joined by ``; `` (the form ``--set`` reads back)."""
    if isinstance(value, tuple) and value and isinstance(value[0], tuple):
        return "; ".join(f"from {start}: {', '.join(names)}" for start, names in value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return str(value)


def in_force(value: Any, day: dt.date) -> tuple[str, ...] | None:
    """The names of a (possibly dated) list that apply on ``day``: the last period that started
    on or before it, else the first; an undated list as it is."""
    if value is None or not value or isinstance(value[0], str):
        return value
    chosen = value[0][1]
    for start, names in value:
        if dt.date.fromisoformat(start) <= day:
            chosen = names
    return chosen


def _shown(value: Any) -> str:
    """A value as an error message shows it: short, whatever it is."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_ALL = (
    Interpretation(
        "scope-on-definition", "guidance", "choice",
        "Does omfattning.2 stop the assessment of a partnership that fails the definition?",
        ("omfattning.2", "definition.3"), ("guidance", "strict"),
    ),
    Interpretation(
        "traits-required", "core-four", "choice",
        "'kännetecknas av': which of the definition's traits are necessary?",
        ("definition.3", "definition.8"), ("core-four", "all-five"),
    ),
    Interpretation(
        "retroactivity", "ongoing-only", "choice",
        "Does the policy reach partnerships entered before it came into force?",
        ("dokument.2",), ("ongoing-only", "full"),
    ),
    Interpretation(
        "geography", "all", "choice",
        "Does the policy cover local and national partners, or only international ones?",
        ("definition.1",), ("all", "international-only"),
    ),
    Interpretation(
        "startup-months", 12, "int",
        "How long is the start-up phase of definition.9, in months after the start?",
        ("definition.9",), maximum=120,
    ),
    Interpretation(
        "long-term-years", 3, "number",
        "How many years of commitment are long-term (definition.6)?",
        ("definition.6", "resurssattning.2"), maximum=100,
    ),
    Interpretation(
        "follow-up-cadence", "rolling", "choice",
        "What does 'årligen' require: at most 12 months between follow-ups, or one per calendar year?",
        ("uppfoljning.2",), ("rolling", "calendar-year"),
    ),
    Interpretation(
        "risk-interval-months", 12, "int",
        "How often is 'kontinuerligt' (risk.2), in months between assessments?",
        ("risk.2",), maximum=120,
    ),
    Interpretation(
        "decision-authorities", ("rektor",), "names",
        "Who may decide to enter a strategic partnership under etablering.3?",
        ("etablering.3",), vocabulary="roles", dated=True,
    ),
    Interpretation(
        "due-soon-days", 60, "int",
        "How many days ahead does a due date become an obligation finding?",
        ("uppfoljning.2", "risk.2"), maximum=3660,
    ),
    Interpretation(
        "renewal-lead-months", 6, "int",
        "How many months before the agreement ends must the renewal evaluation be planned?",
        ("uppfoljning.2",), maximum=120,
    ),
    Interpretation(
        "capacity", None, "optional-int",
        "How many active strategic partnerships can KI run at once (urval.1)?",
        ("urval.1",), maximum=100_000,
    ),
    Interpretation(
        "focus-areas", None, "names",
        "Which names count as KI Strategy 2030 focus areas for urval.3?",
        ("urval.3",), dated=True,
    ),
    Interpretation(
        "expired-agreement", "not-formalised", "choice",
        "Does an agreement that ended without renewal end the formalisation (definition.4)?",
        ("definition.4", "uppfoljning.2"), ("not-formalised", "as-stated"),
    ),
    Interpretation(
        "intentions-after-startup", "fail", "choice",
        "After the start-up phase, does a trait resting on intentions still count (definition.9)?",
        ("definition.9",), ("fail", "warn"),
    ),
    Interpretation(
        "selection-scope", "proposals-and-active", "choice",
        "Do the strategy link and the ethical approach (urval.3, urval.6) hold only at selection, or for running partnerships too?",
        ("urval.2", "urval.3", "urval.6"), ("proposals-and-active", "proposals-only"),
    ),
    Interpretation(
        "overlap", "area-and-country", "choice",
        "What is the same orientation and profile as an established strategic partnership (urval.5)?",
        ("urval.5",), ("area-and-country", "area-only"),
    ),
    Interpretation(
        "ki-funding", "capacity", "choice",
        "Is 'ska KI kunna erbjuda finansiering' (resurssattning.1) a capacity of KI or a duty in each partnership?",
        ("resurssattning.1",), ("capacity", "per-partnership"),
    ),
    Interpretation(
        "underperformance", "below-or-repeated-partly", "choice",
        "What is 'inte utvecklas i enlighet med förväntningar' (uppfoljning.3)?",
        ("uppfoljning.3",), ("below-or-repeated-partly", "below-only"),
    ),
    Interpretation(
        "underperformance-decision", "next-follow-up", "int-or-choice",
        "By when must the decision to end or convert follow the follow-up that showed the partnership below expectations (uppfoljning.3)?",
        ("uppfoljning.3", "uppfoljning.2"), ("next-follow-up",), maximum=60, minimum=1,
    ),
    Interpretation(
        "evaluation-window-months", 12, "int-or-choice",
        "How recent must an evaluation 'inför beslut om eventuell förnyelse' be (uppfoljning.2), in months before the renewal or the end of the agreement?",
        ("uppfoljning.2",), ("since-last-renewal",), maximum=120, minimum=1,
    ),
    Interpretation(
        "open-ended-evaluation-years", 5, "int",
        "How often is an open-ended partnership evaluated (uppfoljning.1: 'fortlöpande … utvärderas och omprövas'), in years?",
        ("uppfoljning.1",), maximum=50, minimum=1,
    ),
    Interpretation(
        "fora-levels", 2, "int",
        "How many levels are 'flera olika nivåer' (organisation.3)?",
        ("organisation.3",), maximum=4, minimum=2,
    ),
)

#: Every named interpretation, by name.
INTERPRETATIONS: Mapping[str, Interpretation] = {i.name: i for i in _ALL}


class Interpretations(Mapping[str, Any]):
    """The interpretations in force for an assessment: every name with its value.

    Build it from keyword arguments or a mapping, with the names as in the catalogue
    (``Interpretations({"traits-required": "all-five"})``) or with underscores
    (``Interpretations(traits_required="all-five")``); names not given keep their default.

    Raises:
        InterpretationError: An unknown name, or a value the interpretation does not take.
    """

    __slots__ = ("__weakref__", "_settings", "_values")

    def __init__(self, values: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        if values is not None and not isinstance(values, Mapping):
            raise InterpretationError(
                [Problem("<interpretations>", "", f"expected a table of name = value, got {_shown(values)}")]
            )
        given = dict(values or {})
        given.update({k.replace("_", "-"): v for k, v in kwargs.items()})
        problems = []
        chosen = {name: i.default for name, i in INTERPRETATIONS.items()}
        for name, value in given.items():
            key = str(name).replace("_", "-")
            interpretation = INTERPRETATIONS.get(key)
            if interpretation is None:
                problems.append(
                    Problem(
                        "<interpretations>", str(name),
                        f"unknown interpretation{did_you_mean(key, INTERPRETATIONS)}; "
                        f"known: {', '.join(INTERPRETATIONS)}",
                    )
                )
                continue
            wrong = interpretation.check(value)
            if wrong:
                problems.append(Problem("<interpretations>", key, wrong))
                continue
            chosen[key] = interpretation.normalise(value)
        if problems:
            raise InterpretationError(problems)
        self._values = chosen
        self._settings = tuple(chosen.items())

    @property
    def settings(self) -> tuple[tuple[str, Any], ...]:
        """Every interpretation with its value, in catalogue order (hashable, for caches)."""
        return self._settings

    @classmethod
    def coerce(cls, value: Interpretations | Mapping[str, Any] | None) -> Interpretations:
        """``value`` as an :class:`Interpretations` (None: every default)."""
        if isinstance(value, Interpretations):
            return value
        return cls(value or {})

    def __getitem__(self, name: str) -> Any:
        return self._values[name.replace("_", "-")]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Interpretations):
            return self._values == other._values
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._settings)

    def replace(self, **changes: Any) -> Interpretations:
        """A copy with some values changed (names with underscores)."""
        values = dict(self._values)
        values.update({k.replace("_", "-"): v for k, v in changes.items()})
        return Interpretations(values)

    def changed(self) -> dict[str, Any]:
        """The interpretations that differ from their default."""
        return {
            k: v for k, v in self._values.items() if v != INTERPRETATIONS[k].normalise(
                INTERPRETATIONS[k].default
            )
        }

    def to_dict(self) -> dict[str, Any]:
        """Every value, JSON-serialisable (lists for names)."""
        return {k: _plain(v) for k, v in self._values.items()}

    def __repr__(self) -> str:
        changed = ", ".join(f"{k!r}: {v!r}" for k, v in self.changed().items())
        return f"Interpretations({{{changed}}})"
