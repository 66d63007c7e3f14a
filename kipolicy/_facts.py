"""From a partnership to engine facts: flat records with day numbers and computed attributes.

The rule engine compares flat values only: it has no dates, no lists and no arithmetic across
facts. So each assessment turns the :class:`~kipolicy.Partnership` into typed *facts* (one
``partnership``, one ``party`` per party, one ``trait`` per trait of the definition, and one
``assessment`` with ``as_of`` and the interpretations in force), following three conventions:

* **dates are day numbers** (:meth:`datetime.date.toordinal`), so rules compare them with
  ``<`` and ``>``; reports show them as dates again;
* **a value that is not known is missing** (never null): rules test it with ``is missing``;
* **computed attributes** — counts, and dates that need arithmetic or an interpretation
  (``startup_ends`` is the start plus ``startup-months``) — are computed here, when the facts
  are made, and listed in :data:`FACT_TYPES` with what they mean.

:data:`FACT_TYPES` is the schema of every base fact type: the rule loader checks every field a
rule names against it, and the rule reference in docs/ is generated from it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from ._interpretations import INTERPRETATIONS, Interpretations
from ._model import Choice, Level, Partnership, PartyKind, PartyRole, Reach, Stage, TraitStatus

__all__ = ["FACT_TYPES", "FactType", "Field", "add_months", "make_facts", "to_day", "from_day"]

STATUS = tuple(s.value for s in TraitStatus)


@attrs.frozen
class Field:
    """A field of a fact type.

    Attributes:
        type: ``text``, ``int``, ``number``, ``bool``, ``date`` or a tuple of the values a
            choice takes.
        doc: What it means (and, for a computed attribute, how it is computed).
        source: The document field it comes from, if it is copied from one.
    """

    type: str | tuple[str, ...]
    doc: str
    source: str | None = None

    @property
    def is_choice(self) -> bool:
        return isinstance(self.type, tuple)


@attrs.frozen
class FactType:
    """A fact type: its fields, and whether rules derive it (else it comes from the document)."""

    name: str
    doc: str
    fields: Mapping[str, Field]
    derived: bool = False
    declared_in: str | None = None


def _choices(enum_type: type[Choice]) -> tuple[str, ...]:
    return tuple(m.value for m in enum_type)


def _interpretation_fields() -> dict[str, Field]:
    out = {}
    for interpretation in INTERPRETATIONS.values():
        if interpretation.kind == "names":
            continue  # lists: computed into the facts they apply to
        kind = {
            "choice": interpretation.choices,
            "int": "int",
            "optional-int": "int",
            "number": "number",
        }[interpretation.kind]
        missing = " Missing when none is set." if interpretation.kind == "optional-int" else ""
        out[interpretation.field] = Field(
            kind, f"The interpretation `{interpretation.name}` in force.{missing}"
        )
    return out


#: Every base fact type, with its fields. ``path`` (where in the document the fact comes from)
#: is a field of every fact type, base or derived.
FACT_TYPES: dict[str, FactType] = {
    "assessment": FactType(
        "assessment",
        "The assessment itself: the date it is made as of, and the interpretations in force.",
        {
            "as_of": Field("date", "The date the assessment is made as of."),
            "policy_in_force": Field("date", "The date the policy came into force (2023-02-21)."),
            "in_force": Field("bool", "Computed: the policy is in force on `as_of`."),
            **_interpretation_fields(),
        },
    ),
    "partnership": FactType(
        "partnership",
        "The partnership as a whole.",
        {
            "id": Field("text", "The partnership's id.", "id"),
            "name": Field("text", "The partnership's name.", "name"),
            "level": Field(_choices(Level), "The level it is entered at.", "level"),
            "stage": Field(_choices(Stage), "proposal, active or ended.", "stage"),
            "start": Field(
                "date",
                "Computed: the date it counts from: `started`, else the agreement's signing "
                "date, else the decision date. Missing if none is given.",
            ),
            "entered": Field(
                "date", "Computed: the date it was entered: the decision date, else `start`."
            ),
            "entered_before_policy": Field(
                "bool", "Computed: `entered` is before the policy came into force."
            ),
            "preparation_assessed": Field(
                "bool",
                "Computed: rules about how the partnership was prepared and entered apply to it: "
                "it was entered after the policy came into force, or `retroactivity` is `full`.",
            ),
            "startup_ends": Field(
                "date",
                "Computed: `start` plus `startup-months` months (see add_months). Missing "
                "without a start.",
            ),
            "in_startup": Field(
                "bool",
                "Computed: in the start-up phase of definition.9: a proposal, or `as_of` "
                "before `startup_ends`.",
            ),
            "formalised": Field(STATUS, "Trait 1: formalised cooperation.", "traits.formalised"),
            "long_term": Field(STATUS, "Trait 3: long-term commitments.", "traits.long_term"),
            "commitment_years": Field(
                "number", "Years the parties commit to. Missing if not given.",
                "traits.commitment_years",
            ),
            "common_goals": Field(
                "int", "Computed: how many common goals and challenges are stated.",
                "traits.common_goals",
            ),
            "mutual_benefit": Field(STATUS, "Trait 4: mutual benefit.", "traits.mutual_benefit"),
            "joint_value_stated": Field(
                "bool", "Computed: the joint value no party could reach alone is stated.",
                "traits.joint_value",
            ),
            "areas": Field(
                "int", "Computed: cooperation areas in place or jointly intended.", "traits.areas"
            ),
            "areas_in_place": Field(
                "int", "Computed: cooperation areas in place.", "traits.areas"
            ),
            "intentions_joint": Field(
                "bool", "The parties stated their intentions jointly (false unless said).",
                "traits.intentions_stated_jointly",
            ),
            "traits_basis": Field(
                ("in-place", "intentions"),
                "Computed: `in-place` if every required trait is in place, `intentions` if one "
                "rests on jointly stated intentions.",
            ),
            "partners": Field("int", "Computed: how many partner organisations.", "parties"),
        },
    ),
    "party": FactType(
        "party",
        "A party: KI itself, or a partner organisation.",
        {
            "id": Field("text", "The party's id.", "parties[].id"),
            "name": Field("text", "The party's name.", "parties[].name"),
            "role": Field(_choices(PartyRole), "ki or partner.", "parties[].role"),
            "kind": Field(_choices(PartyKind), "The kind of organisation.", "parties[].kind"),
            "reach": Field(
                _choices(Reach), "local, national or international. Missing if not given.",
                "parties[].reach",
            ),
            "country": Field("text", "Country. Missing if not given.", "parties[].country"),
            "management_engagement": Field(
                STATUS, "Trait 2 for this party.", "parties[].management_engagement"
            ),
            "benefit_stated": Field(
                "bool", "Computed: the party's benefit is stated.", "parties[].benefit"
            ),
            "contacts": Field(
                "int", "Computed: how many contact persons are named.",
                "parties[].contact_persons",
            ),
        },
    ),
    "trait": FactType(
        "trait",
        "One trait of the definition (definition.4-8) and how far it is met; the management "
        "trait (definition.5) has one fact per party.",
        {
            "name": Field(
                ("formalised", "management", "long-term", "mutual-benefit", "breadth"),
                "Which trait.",
            ),
            "status": Field(
                STATUS,
                "in-place, jointly-intended or absent. For breadth: in-place with two or more "
                "areas in place, jointly-intended with two or more in place or intended.",
            ),
            "required": Field(
                "bool",
                "Computed: the trait is required under `traits-required` (breadth only under "
                "`all-five`).",
            ),
            "unit": Field("text", "The unit of the definition that states the trait."),
            "party": Field("text", "For the management trait: the party's name."),
        },
    ),
}

_TRAIT_UNITS = {
    "formalised": "definition.4",
    "management": "definition.5",
    "long-term": "definition.6",
    "mutual-benefit": "definition.7",
    "breadth": "definition.8",
}


def to_day(date: dt.date) -> int:
    """A date as a day number (days since 0001-01-01, counting that day as 1)."""
    return date.toordinal()


def from_day(day: int) -> dt.date:
    """A day number as a date."""
    return dt.date.fromordinal(day)


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus ``months`` calendar months, clamped to the end of the month.

    The day of the month is kept where the target month has it, else the month's last day is
    used: 12 months after 2024-02-29 is 2025-02-28; 1 month after 2023-01-31 is 2023-02-28;
    12 months after 2023-03-31 is 2024-03-31. Negative ``months`` count backwards.
    """
    index = date.year * 12 + (date.month - 1) + months
    year, month0 = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{date} plus {months} months is out of the calendar's range")
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(date.day, last))


def _number(value: float) -> int | float:
    """A number the engine's JSON parser accepts (no exponent form)."""
    if float(value).is_integer():
        return int(value)
    return round(float(value), 4)


def _status(value: TraitStatus) -> str:
    return value.value


def _breadth(statuses: list[TraitStatus]) -> str:
    in_place = sum(s is TraitStatus.IN_PLACE for s in statuses)
    stated = sum(s is not TraitStatus.ABSENT for s in statuses)
    if in_place >= 2:
        return "in-place"
    if stated >= 2:
        return "jointly-intended"
    return "absent"


def _compact(fact: dict[str, Any]) -> dict[str, Any]:
    """Drop unknown (None) values: the convention is that unknown is missing."""
    return {k: v for k, v in fact.items() if v is not None}


def make_facts(
    partnership: Partnership,
    as_of: dt.date,
    interpretations: Interpretations,
    policy_in_force: dt.date,
) -> list[dict[str, Any]]:
    """The base facts for one assessment, in a canonical order.

    Every fact has ``type`` (its fact type) and ``path`` (where in the document it comes from,
    ``""`` for the whole document). Dates are day numbers; unknown values are left out.
    """
    interp = interpretations
    assessment: dict[str, Any] = {
        "type": "assessment",
        "path": "",
        "as_of": to_day(as_of),
        "policy_in_force": to_day(policy_in_force),
        "in_force": as_of >= policy_in_force,
    }
    for name, interpretation in INTERPRETATIONS.items():
        if interpretation.kind == "names":
            continue
        value = interp[name]
        assessment[interpretation.field] = _number(value) if isinstance(value, float) else value

    traits = partnership.traits
    start = partnership.start_date
    entered = partnership.entered
    entered_before = entered is not None and entered < policy_in_force
    startup_ends = None
    if start is not None:
        try:
            startup_ends = add_months(start, interp["startup-months"])
        except OverflowError:
            startup_ends = dt.date.max
    in_startup = partnership.stage is Stage.PROPOSAL or (
        startup_ends is not None and as_of < startup_ends
    )
    all_five = interp["traits-required"] == "all-five"

    breadth = _breadth(list(traits.areas.values()))
    trait_facts: list[dict[str, Any]] = [
        {"name": "formalised", "status": _status(traits.formalised), "path": "traits.formalised"},
    ]
    for index, party in enumerate(partnership.parties):
        trait_facts.append(
            {
                "name": "management",
                "status": _status(party.management_engagement),
                "path": f"parties[{index}]",
                "party": party.name,
            }
        )
    trait_facts += [
        {"name": "long-term", "status": _status(traits.long_term), "path": "traits.long_term"},
        {
            "name": "mutual-benefit",
            "status": _status(traits.mutual_benefit),
            "path": "traits.mutual_benefit",
        },
        {"name": "breadth", "status": breadth, "path": "traits.areas"},
    ]
    for fact in trait_facts:
        fact["type"] = "trait"
        fact["unit"] = _TRAIT_UNITS[fact["name"]]
        fact["required"] = fact["name"] != "breadth" or all_five
    basis = (
        "intentions"
        if any(f["required"] and f["status"] == "jointly-intended" for f in trait_facts)
        else "in-place"
    )

    facts: list[dict[str, Any]] = [assessment]
    facts.append(
        _compact(
            {
                "type": "partnership",
                "path": "",
                "id": partnership.id,
                "name": partnership.name,
                "level": partnership.level.value,
                "stage": partnership.stage.value,
                "start": to_day(start) if start else None,
                "entered": to_day(entered) if entered else None,
                "entered_before_policy": entered_before,
                "preparation_assessed": (not entered_before) or interp["retroactivity"] == "full",
                "startup_ends": to_day(startup_ends) if startup_ends else None,
                "in_startup": in_startup,
                "formalised": _status(traits.formalised),
                "long_term": _status(traits.long_term),
                "commitment_years": (
                    _number(traits.commitment_years) if traits.commitment_years is not None else None
                ),
                "common_goals": sum(1 for g in traits.common_goals if g.strip()),
                "mutual_benefit": _status(traits.mutual_benefit),
                "joint_value_stated": bool(traits.joint_value and traits.joint_value.strip()),
                "areas": sum(s is not TraitStatus.ABSENT for s in traits.areas.values()),
                "areas_in_place": sum(s is TraitStatus.IN_PLACE for s in traits.areas.values()),
                "intentions_joint": traits.intentions_stated_jointly is True,
                "traits_basis": basis,
                "partners": len(partnership.partners),
            }
        )
    )
    for index, party in enumerate(partnership.parties):
        facts.append(
            _compact(
                {
                    "type": "party",
                    "path": f"parties[{index}]",
                    "id": party.id,
                    "name": party.name,
                    "role": party.role.value,
                    "kind": party.kind.value,
                    "reach": party.reach.value if party.reach else None,
                    "country": party.country,
                    "management_engagement": _status(party.management_engagement),
                    "benefit_stated": bool(party.benefit and party.benefit.strip()),
                    "contacts": sum(1 for c in party.contact_persons if c.strip()),
                }
            )
        )
    facts.extend(trait_facts)
    return facts
