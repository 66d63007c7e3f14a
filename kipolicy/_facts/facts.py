"""From a partnership to engine facts: flat records with day numbers and computed attributes.

The rule engine compares flat values only: it has no dates, no lists and no arithmetic across
facts. So each assessment turns the :class:`~kipolicy.Partnership` into typed *facts* (one
``partnership``, one ``party`` per party, one ``trait`` per trait of the definition, and one
``assessment`` with ``as_of`` and the interpretations in force), following three conventions:

* **dates are day numbers** (:meth:`datetime.date.toordinal`), so rules compare them with
  ``<`` and ``>``; reports show them as dates again;
* **a value that is not known is missing** (never null): rules test it with ``is missing``;
* **computed attributes** — counts, and dates that need arithmetic or an interpretation
  (``startup_ends`` is the start plus ``startup-months``) — are computed when the facts are
  made.

:data:`FACT_TYPES` declares every base fact type once: what its facts are made from (``rows``),
and for each field its type, what it means, the document path it comes from, the
interpretations it is computed with and the function that makes its value. :func:`make_facts`
makes the facts from these declarations; the rule loader checks every field a rule names
against them, and the rule reference, the interpretation register and the field paths of
explanations come from them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from .._base.calendar import add_days, add_months, from_day, to_day
from .duties import DUTIES, STATUSES, Duty, PolicyReach, renewals_with_evaluations, schedule
from .._policy.interpretations import INTERPRETATIONS, Interpretations, in_force
from .peers import normalise
from .._policy.vocabularies import outside, own_competence, partner_category, vocabulary
from .._document.model import (
    AdminSupport,
    AssessedBy,
    Choice,
    EthicsStatus,
    Initiative,
    Level,
    OpenEnded,
    Outcome,
    Partnership,
    Party,
    PartyKind,
    PartyRole,
    Reach,
    RiskAssessment,
    RiskPurpose,
    Stage,
    TraitStatus,
    ValueDimension,
)

__all__ = [
    "FACT_TYPES",
    "FactType",
    "Facts",
    "Field",
    "add_months",
    "as_known_on",
    "field_path",
    "from_day",
    "make_facts",
    "to_day",
]

STATUS = tuple(s.value for s in TraitStatus)


@attrs.frozen
class Field:
    """A field of a fact type.

    Attributes:
        type: ``text``, ``int``, ``number``, ``bool``, ``date`` or a tuple of the values a
            choice takes.
        doc: What it means (and, for a computed attribute, how it is computed).
        source: The document field it comes from, if it is copied from one.
        quotes: Its value is the document's own words or figures (a name, a term of years), which
            a report made with ``quote=False`` withholds.
        computed_with: The interpretations its value is computed with, each optionally with
            the facts it concerns (``follow-up-cadence[name=follow-up]``: only duties named so):
            the interpretation register's "rules each reading changes" comes from these, and a
            test checks them against what the facts do under each reading.
        value: How a fact's value of it is made from what the fact is made from (its fact
            type's ``rows``): copied from the document, or computed. None is unknown, left out
            of the fact. A field of a derived fact type has none: rules fill it.
    """

    type: str | tuple[str, ...]
    doc: str
    source: str | None = None
    quotes: bool = attrs.field(default=False, kw_only=True)
    computed_with: tuple[str, ...] = attrs.field(default=(), kw_only=True)
    value: Callable[[Any], Any] | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)

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
    label: str | None = None
    """The field whose value names a fact of this type in a report (else ``name``, else its path)."""
    rows: Callable[[Any], Iterable[Any]] | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)
    """What the facts of this type are made from, one each, given the assessment's shared
    knowledge (a base fact type; a derived one has none)."""
    path: str | Callable[[Any], str] | None = attrs.field(default=None, kw_only=True, eq=False, repr=False)
    """Where in the document the facts come from: one path, or the path of the fact made from a row."""
    _values: tuple[tuple[str, Callable[[Any], Any]], ...] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # The fields a fact is made with, with their functions: found once per fact type.
        values = tuple((name, f.value) for name, f in self.fields.items() if f.value is not None)
        object.__setattr__(self, "_values", values)

    def __reduce__(self) -> tuple[Any, ...]:
        # A base fact type is pickled as its name (its fields' values are functions of this
        # module): another process (a portfolio's workers) finds the same declaration.
        if FACT_TYPES.get(self.name) is self:
            return (_base_fact_type, (self.name,))
        return (FactType, (self.name, self.doc, dict(self.fields), self.derived, self.declared_in, self.label))

    def facts(self, source: Any) -> list[dict[str, Any]]:
        """The facts of this type made from ``source``: one per row, each field's value from
        its declaration, unknown (None) values left out."""
        if self.rows is None or self.path is None:
            raise TypeError(f"the facts of {self.name!r} are derived by rules, not made from a document")
        path = self.path
        out = []
        for row in self.rows(source):
            fact: dict[str, Any] = {"type": self.name, "path": path if isinstance(path, str) else path(row)}
            for name, value in self._values:
                known = value(row)
                if known is not None:
                    fact[name] = known
            out.append(fact)
        return out


def _base_fact_type(name: str) -> FactType:
    return FACT_TYPES[name]


def _choices(enum_type: type[Choice]) -> tuple[str, ...]:
    return tuple(m.value for m in enum_type)


def _interpretation_of(name: str) -> Callable[[_AssessmentSource], Any]:
    """The value of an interpretation's field of the assessment fact: the reading in force."""

    def value(source: _AssessmentSource) -> Any:
        reading = source.interp[name]
        return _number(reading) if isinstance(reading, float) else reading

    return value


def _interpretation_fields() -> dict[str, Field]:
    out = {}
    for interpretation in INTERPRETATIONS.values():
        if not interpretation.in_assessment_fact:
            continue  # computed into the facts they apply to
        kinds: dict[str, str | tuple[str, ...]] = {
            "choice": tuple(interpretation.choices or ()),
            "int": "int",
            "optional-int": "int",
            "number": "number",
        }
        kind = kinds[interpretation.kind]
        missing = " Missing when none is set." if interpretation.kind == "optional-int" else ""
        out[interpretation.field] = Field(
            kind, f"The interpretation `{interpretation.name}` in force.{missing}",
            value=_interpretation_of(interpretation.name),
        )
    return out


#: Every base fact type, with its fields. ``path`` (where in the document the fact comes from)
#: is a field of every fact type, base or derived.
FACT_TYPES: dict[str, FactType] = {
    "assessment": FactType(
        "assessment",
        "The assessment itself: the date it is made as of, and the interpretations in force.",
        {
            "as_of": Field("date", "The date the assessment is made as of.", value=lambda r: to_day(r.as_of)),
            "policy_in_force": Field("date", "The date the policy came into force (2023-02-21).", value=lambda r: to_day(r.policy_in_force)),
            "in_force": Field("bool", "Computed: the policy is in force on `as_of`.", value=lambda r: r.as_of >= r.policy_in_force),
            "soon_until": Field(
                "date",
                "Computed: `as_of` plus `due-soon-days` days: a duty due on or before it (and not "
                "before `as_of`) falls due soon.",
                computed_with=("due-soon-days",),
                value=lambda r: to_day(add_days(r.as_of, r.interp["due-soon-days"])),
            ),
            "lead_until": Field(
                "date",
                "Computed: `as_of` plus `renewal-lead-months` months (see add_months): an "
                "agreement ending on or before it ends within the renewal lead time.",
                computed_with=("renewal-lead-months",),
                value=lambda r: _lead_until(r),
            ),
            **_interpretation_fields(),
        },
        rows=lambda s: (s,),
        path="",
    ),
    "partnership": FactType(
        "partnership",
        "The partnership as a whole.",
        {
            "id": Field("text", "The partnership's id.", "id", value=lambda r: r.partnership.id),
            "name": Field("text", "The partnership's name.", "name", quotes=True, value=lambda r: r.partnership.name),
            "level": Field(_choices(Level), "The level it is entered at.", "level", value=lambda r: r.partnership.level._value_),
            "stage": Field(_choices(Stage), "proposal, active or ended.", "stage", value=lambda r: r.partnership.stage._value_),
            "start": Field(
                "date",
                "Computed: the date it counts from: `started`, else the agreement's signing "
                "date, else the decision date. Missing if none is given.",
                value=lambda r: _day(r.start),
            ),
            "entered": Field(
                "date", "Computed: the date it was entered: the decision date, else `start`.",
                value=lambda r: _day(r.entered),
            ),
            "entered_before_policy": Field(
                "bool", "Computed: `entered` is before the policy came into force.",
                value=lambda r: r.reach.entered_before,
            ),
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches how the partnership was prepared and entered: it was "
                "entered on or after the day the policy came into force, or `retroactivity` is "
                "`full` (see PolicyReach). The rules about preparing and entering read it.",
                computed_with=("retroactivity",),
                value=lambda r: r.reach.entering,
            ),
            "startup_ends": Field(
                "date",
                "Computed: the day the start-up phase of definition.9 ends: the day after "
                "`establishment.phase_ends` when the document gives it, else `start` plus "
                "`startup-months` months (see add_months). Missing without either.",
                "establishment.phase_ends",
                computed_with=("startup-months",),
                value=lambda r: _day(r.startup_ends),
            ),
            "in_startup": Field(
                "bool",
                "Computed: in the start-up phase of definition.9: a proposal, or `as_of` "
                "before `startup_ends`.",
                computed_with=("startup-months",),
                value=lambda r: r.partnership.stage is Stage.PROPOSAL or (r.startup_ends is not None and r.as_of < r.startup_ends),
            ),
            "formalised": Field(
                STATUS, "Trait 1: formalised cooperation. Missing if not stated.", "traits.formalised",
                value=lambda r: _status(r.traits.formalised),
            ),
            "long_term": Field(
                STATUS, "Trait 3: long-term commitments. Missing if not stated.", "traits.long_term",
                value=lambda r: _status(r.traits.long_term),
            ),
            "commitment_years": Field(
                "number", "Years the parties commit to. Missing if not stated or open-ended.",
                "traits.commitment_years", quotes=True,
                value=lambda r: _number(r.traits.commitment_years) if isinstance(r.traits.commitment_years, (int, float)) else None,
            ),
            "commitment_open_ended": Field(
                "bool", "Computed: the commitment is open-ended (*tills vidare*): long-term.",
                "traits.commitment_years",
                value=lambda r: r.traits.commitment_years is OpenEnded.OPEN_ENDED,
            ),
            "common_goals": Field(
                "int", "Computed: how many common goals and challenges are stated.",
                "traits.common_goals",
                value=lambda r: sum(1 for g in r.traits.common_goals if g.strip()),
            ),
            "mutual_benefit": Field(
                STATUS, "Trait 4: mutual benefit. Missing if not stated.", "traits.mutual_benefit",
                value=lambda r: _status(r.traits.mutual_benefit),
            ),
            "joint_value_stated": Field(
                "bool", "Computed: the joint value no party could reach alone is stated.",
                "traits.joint_value",
                value=lambda r: bool(r.traits.joint_value and r.traits.joint_value.strip()),
            ),
            "areas": Field(
                "int", "Computed: cooperation areas in place or jointly intended.", "traits.areas",
                value=lambda r: sum(s is not TraitStatus.ABSENT for s in r.traits.areas.values()),
            ),
            "areas_in_place": Field(
                "int", "Computed: cooperation areas in place.", "traits.areas",
                value=lambda r: sum(s is TraitStatus.IN_PLACE for s in r.traits.areas.values()),
            ),
            "intentions_joint": Field(
                "bool", "The parties stated their intentions jointly (false unless said).",
                "traits.intentions_stated_jointly",
                value=lambda r: r.traits.intentions_stated_jointly is True,
            ),
            "traits_basis": Field(
                ("in-place", "intentions"),
                "Computed: `in-place` if every required trait is in place, `intentions` if one "
                "rests on jointly stated intentions.",
                computed_with=("traits-required",),
                value=lambda r: "intentions" if any(t.required and t.status == "jointly-intended" for t in r.trait_rows) else "in-place",
            ),
            "partners": Field("int", "Computed: how many partner organisations.", "parties", value=lambda r: len(r.partnership.partners)),
            "continues": Field(
                "bool",
                "Computed: it continues as a strategic partnership: not at stage `ended` and no "
                "termination or conversion recorded (as of `as_of`).",
                "termination",
                value=lambda r: r.partnership.stage is not Stage.ENDED and r.partnership.termination is None,
            ),
            "focus_areas": Field(
                "int", "Computed: how many KI strategy focus areas are named.",
                "strategy.focus_areas",
                value=lambda r: sum(1 for a in r.partnership.strategy.focus_areas if a.strip()),
            ),
            "alternatives_considered": Field(
                "int", "Computed: how many other possible partners or partnerships the record says were "
                "considered (urval.1).", "selection.alternatives",
                value=lambda r: sum(1 for a in r.partnership.selection.alternatives if a.strip()),
            ),
            "choice_reason_stated": Field(
                "bool", "Computed: the record says why this partner was chosen (urval.1).", "selection.reason",
                value=lambda r: bool(r.partnership.selection.reason and r.partnership.selection.reason.strip()),
            ),
            "added_values": Field(
                "int", "Computed: how many added-value dimensions are claimed.", "added_value",
                value=lambda r: len(r.partnership.added_value),
            ),
            "risks_identified": Field(
                "int", "Computed: how many risks the risk assessments identified, in all.",
                "risk_assessments",
                value=lambda r: sum(len(a.risks) for a in r.partnership.risk_assessments),
            ),
            "complementary_partners": Field(
                "int",
                "Computed: how many partners bring a field of research outside KI's own or are of "
                "a new category outside academia (urval.4; a partner of unknown kind counts only "
                "by its fields).",
                "parties",
                value=lambda r: sum(1 for p in r.partnership.partners if r.grounds[id(p)].complementary),
            ),
            "steering_group": Field(
                "bool", "Computed: a steering group or equivalent is described.", "steering_group",
                value=lambda r: r.steering is not None,
            ),
            "fora_levels": Field(
                "int",
                "Computed: on how many different levels of the level vocabulary contact fora "
                "exist, the steering group counting as a forum at the management level.",
                "fora",
                value=lambda r: len({f.level for f in r.partnership.fora} | ({"management"} if r.steering is not None else set())),
            ),
            "planned_decision": Field(
                "date", "For a proposal not yet decided, the day the decision is planned for. "
                "Missing if not given, or once decided.", "establishment.planned_decision",
                value=lambda r: _day(r.partnership.establishment.planned_decision) if r.decision is None else None,
            ),
            "initiative": Field(
                _choices(Initiative), "Who took the initiative.", "establishment.initiative",
                value=lambda r: r.partnership.establishment.initiative._value_,
            ),
            "decided": Field(
                "bool", "Computed: a decision to enter is recorded (dated on or before `as_of`).",
                "establishment.decision",
                value=lambda r: r.decision is not None,
            ),
            "preparation_assessments": Field(
                "int", "Computed: how many risk assessments were made for the preparation.",
                "risk_assessments",
                value=lambda r: sum(purpose == "preparation" for purpose, _ in r.purposes),
            ),
            "ki_funding": Field(
                "bool", "KI offers funding for joint activities. Missing if not stated.", "resourcing.ki_funding",
                value=lambda r: r.resourcing.ki_funding,
            ),
            "ki_funding_years": Field(
                "number", "For how many years KI commits funding. Missing if not given.",
                "resourcing.ki_funding_years", quotes=True,
                value=lambda r: _number(r.resourcing.ki_funding_years) if r.resourcing.ki_funding_years is not None else None,
            ),
            "multi_year_funding": Field(
                "bool",
                "Computed: KI funds and commits for at least `long-term-years` years ('flera år', "
                "resurssattning.2).",
                "resourcing.ki_funding_years",
                computed_with=("long-term-years",),
                value=lambda r: bool(
                    r.resourcing.ki_funding
                    and r.resourcing.ki_funding_years is not None
                    and r.resourcing.ki_funding_years >= r.interp["long-term-years"]
                ),
            ),
            "level_agreed": Field(
                "bool", "The funding level was set in consultation with the partner. Missing if not stated.",
                "resourcing.level_agreed_with_partner",
                value=lambda r: r.resourcing.level_agreed_with_partner,
            ),
            "partner_contributes": Field(
                "bool", "Computed: the partner contributes in cash or in kind.",
                "resourcing.partner_contribution",
                value=lambda r: _partner_contributes(r.partnership),
            ),
            "external_funds": Field(
                "int", "Computed: how many external funds are used or considered.",
                "resourcing.external_funds",
                value=lambda r: _external_funds(r.partnership),
            ),
            "others_fund": Field(
                "bool", "Computed: someone besides KI carries joint activities: the partner contributes "
                "(`partner_contributes`) or external funds are used or considered (`external_funds`).",
                "resourcing",
                value=lambda r: _partner_contributes(r.partnership) or _external_funds(r.partnership) > 0,
            ),
            "agreement_ends": Field(
                "date",
                "Computed: the day the agreement ends: the last renewal's `until`, else "
                "`agreement.ends`. Missing if not known.",
                "agreement.ends",
                value=lambda r: _day(r.agreement_ends),
            ),
            "open_evaluation_due": Field(
                "date",
                "Computed, for an active partnership whose agreement is open-ended: by when an "
                "evaluation is recommended (uppfoljning.1): the end of KI's multi-year funding "
                "commitment (start plus `resourcing.ki_funding_years`) until an evaluation within "
                "`evaluation-window-months` before it, or any after, is made; then "
                "`open-ended-evaluation-years` after the latest evaluation (or the start). Missing "
                "otherwise.",
                "agreement.open_ended",
                computed_with=("open-ended-evaluation-years",),
                value=lambda r: _day(_open_evaluation_due(r.partnership, r.start, r.interp)),
            ),
            "agreement_expired": Field(
                "bool",
                "Computed: the agreement ended before `as_of` (`agreement_ends` < `as_of`) and does "
                "not run on by a tacit or automatic extension.",
                "agreement.ends",
                value=lambda r: r.agreement_ends is not None and r.agreement_ends < r.as_of and r.partnership.agreement.extension is None,
            ),
            "active_in_portfolio": Field(
                "int",
                "Computed: how many other partnerships of the portfolio are active strategic "
                "partnerships (stage active, KI-wide, not terminated as of `as_of`).",
                value=lambda r: r.portfolio.active_strategic_besides(r.partnership.id) if r.portfolio is not None else 0,
            ),
        },
        rows=lambda k: (k,),
        path="",
    ),
    "party": FactType(
        "party",
        "A party: KI itself, or a partner organisation.",
        {
            "id": Field("text", "The party's id.", "parties[].id", value=lambda r: r.item.id),
            "name": Field("text", "The party's name.", "parties[].name", quotes=True, value=lambda r: r.item.name),
            "role": Field(_choices(PartyRole), "ki or partner.", "parties[].role", value=lambda r: r.item.role._value_),
            "kind": Field(_choices(PartyKind), "The kind of organisation. Missing if not stated.", "parties[].kind", value=lambda r: _status(r.item.kind)),
            "reach": Field(
                _choices(Reach), "local, national or international. Missing if not given.",
                "parties[].reach",
                value=lambda r: r.item.reach._value_ if r.item.reach else None,
            ),
            "country": Field("text", "Country. Missing if not given.", "parties[].country", quotes=True, value=lambda r: r.item.country),
            "management_engagement": Field(
                STATUS, "Trait 2 for this party. Missing if not stated.", "parties[].management_engagement",
                value=lambda r: _status(r.item.management_engagement),
            ),
            "benefit_stated": Field(
                "bool", "Computed: the party's benefit is stated.", "parties[].benefit",
                value=lambda r: bool(r.item.benefit and r.item.benefit.strip()),
            ),
            "contacts": Field(
                "int", "Computed: how many contact persons are named.",
                "parties[].contact_persons",
                value=lambda r: sum(1 for c in r.item.contact_persons if c.strip()),
            ),
            "complementary_fields": Field(
                "int",
                "Computed: how many of the party's fields of competence (FORD) are outside KI's "
                "own: the KI party's fields if the document gives them, else broad area 3 "
                "(medical and health sciences) and 1.6 (biological sciences).",
                "parties[].fields",
                value=lambda r: len(r.known.grounds[id(r.item)].fields),
            ),
            "complementary_field_codes": Field(
                "text", "Computed: the FORD codes of those fields, e.g. `2, 5.2`. Missing if none.",
                "parties[].fields",
                value=lambda r: ", ".join(r.known.grounds[id(r.item)].fields) or None,
            ),
            "new_category": Field(
                "bool",
                "Computed: the party is of a *new* category outside academia (urval.4): the public "
                "sector and government agencies, civil society, or companies, and none of KI's "
                "other active strategic partnerships in the portfolio has a partner of that "
                "category. Missing if the kind is not stated.",
                "parties[].kind",
                value=lambda r: None if r.item.kind is None else r.known.grounds[id(r.item)].new_category,
            ),
            "category": Field(
                ("public", "civil-society", "company"),
                "Computed: the party's category outside academia (urval.4). Missing for a "
                "university, `other`, or an unstated kind.",
                "parties[].kind",
                value=lambda r: r.known.grounds[id(r.item)].category,
            ),
            "contributes": Field(
                "bool",
                "Computed: the party contributes to the joint activities, in cash, in kind or in "
                "expertise (its `contribution`; with a single partner, also "
                "`resourcing.partner_contribution`).",
                "parties[].contribution",
                value=lambda r: bool(r.item.contribution) or (len(r.known.partnership.partners) == 1 and bool(r.known.resourcing.partner_contribution)),
            ),
            "complementary_resources": Field(
                "int", "Computed: how many complementary approaches or resources the party brings "
                "(`brings`).", "parties[].brings",
                value=lambda r: r.known.grounds[id(r.item)].resources,
            ),
            "represented": Field(
                "bool",
                "Computed: a member of the steering group is a management representative of the "
                "party.",
                "steering_group.members",
                value=lambda r: r.item.id in r.known.represented,
            ),
        },
        rows=lambda k: [_Item(k, i, party) for i, party in enumerate(k.partnership.parties)],
        path=lambda r: f"parties[{r.index}]",
    ),
    "trait": FactType(
        "trait",
        "One trait of the definition (definition.4-8) and how far it is met; the management "
        "trait (definition.5) has one fact per party.",
        {
            "name": Field(
                ("formalised", "management", "long-term", "mutual-benefit", "breadth"),
                "Which trait.",
                value=lambda r: r.name,
            ),
            "status": Field(
                STATUS,
                "in-place, jointly-intended or absent; missing if the document does not state it. "
                "For breadth: in-place with two or more areas in place, jointly-intended with two or "
                "more in place or intended.",
                value=lambda r: r.status,
            ),
            "required": Field(
                "bool",
                "Computed: the trait is required under `traits-required` (breadth only under "
                "`all-five`).",
                computed_with=("traits-required",),
                value=lambda r: r.required,
            ),
            "unit": Field("text", "The unit of the definition that states the trait.", value=lambda r: _TRAIT_UNITS[r.name]),
            "party": Field("text", "For the management trait: the party's name.", quotes=True, value=lambda r: r.party),
        },
        rows=lambda k: k.trait_rows,
        path=lambda r: r.path,
    ),
    "focus_area": FactType(
        "focus_area",
        "A KI Strategy 2030 focus area the partnership names (urval.3).",
        {
            "name": Field("text", "The focus area as named.", "strategy.focus_areas[]", quotes=True, value=lambda r: r.item),
            "listed": Field(
                "bool",
                "Computed: the name is in the configured `focus-areas` list (compared without "
                "case and extra spaces); true when no list is configured.",
                computed_with=("focus-areas",),
                value=lambda r: r.listed,
            ),
        },
        rows=lambda k: _focus_area_rows(k),
        path=lambda r: f"strategy.focus_areas[{r.index}]",
    ),
    "added_value": FactType(
        "added_value",
        "An added-value dimension the partnership claims (mervarde.1 and its subsections).",
        {
            "dimension": Field(
                _choices(ValueDimension), "The dimension.", "added_value[].dimension",
                value=lambda r: r.item.dimension._value_,
            ),
            "described": Field(
                "bool", "Computed: a description is given.", "added_value[].description",
                value=lambda r: bool(r.item.description and r.item.description.strip()) or bool(r.item.aspects),
            ),
        },
        label="dimension",
        rows=lambda k: [_Item(k, i, value) for i, value in enumerate(k.partnership.added_value)],
        path=lambda r: f"added_value[{r.index}]",
    ),
    "ethics": FactType(
        "ethics",
        "One aspect of the ethics assessment of urval.6.",
        {
            "aspect": Field(
                ("academic-freedom", "democratic-values", "critical-reflection", "high-quality"),
                "The aspect.",
                value=lambda r: r.aspect,
            ),
            "status": Field(
                _choices(EthicsStatus),
                "fine, concern or not-assessed, as the ethics part states it; `concern` also when a "
                "risk assessment known on the day names the aspect among its `ethics_concerns` "
                "(the fact's path is then that assessment's). Missing if not stated.",
                "ethics.*",
                value=lambda r: r.status,
            ),
        },
        label="aspect",
        rows=lambda k: _ethics_rows(k),
        path=lambda r: r.path,
    ),
    "risk_assessment": FactType(
        "risk_assessment",
        "A risk assessment (risk.1-4) dated on or before `as_of`.",
        {
            "date": Field("date", "When it was made.", "risk_assessments[].date", value=lambda r: to_day(r.item.date)),
            "by": Field(_choices(AssessedBy), "joint or ki.", "risk_assessments[].by", value=lambda r: _status(r.item.by)),
            "purpose": Field(
                _choices(RiskPurpose),
                "preparation or continuous: as recorded, else inferred from the date (on or before "
                "the decision, or with no decision during the proposal stage or before the start: "
                "preparation).",
                "risk_assessments[].purpose",
                value=lambda r: r.purpose,
            ),
            "purpose_inferred": Field(
                "bool", "Computed: the purpose was not recorded but inferred from the date.",
                "risk_assessments[].purpose",
                value=lambda r: r.inferred,
            ),
            "risks": Field("int", "Computed: how many risks were identified.", "risk_assessments[].risks", value=lambda r: len(r.item.risks)),
            "high_risks": Field(
                "int", "Computed: how many identified risks are high.", "risk_assessments[].risks",
                value=lambda r: sum(risk.level._value_ == "high" for risk in r.item.risks),
            ),
            "weighed": Field(
                "bool", "The risks were weighed against the potential benefit. Missing if not recorded.",
                "risk_assessments[].weighed_against_benefit",
                value=lambda r: r.item.weighed_against_benefit,
            ),
            "external_support": Field(
                "bool", "External support was used. Missing if not stated.", "risk_assessments[].external_support",
                value=lambda r: r.item.external_support,
            ),
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches it: made on or after the day the policy came into "
                "force, or `retroactivity` is `full` (see PolicyReach).",
                computed_with=("retroactivity",),
                value=lambda r: r.known.reach.record(r.item.date),
            ),
            "label": Field(
                "text", "Computed: how reports name it (by, purpose and date).",
                value=lambda r: f"{_status(r.item.by) or 'by-not-stated'} {r.purpose} {r.item.date.isoformat()}",
            ),
        },
        label="label",
        rows=lambda k: _risk_assessment_rows(k),
        path=lambda r: f"risk_assessments[{r.index}]",
    ),
    "decision": FactType(
        "decision",
        "The decision to enter the partnership (etablering.3), if dated on or before `as_of`.",
        {
            "date": Field("date", "When it was taken.", "establishment.decision.date", value=lambda r: to_day(r.decision.date)),
            "by": Field(
                vocabulary("roles").ids, "The deciding role, from the role vocabulary.",
                "establishment.decision.by",
                value=lambda r: r.decision.by,
            ),
            "authorised": Field(
                "bool",
                "Computed: the deciding role is one of `decision-authorities` (both from the role "
                "vocabulary).",
                computed_with=("decision-authorities",),
                value=lambda r: _authorised(r.decision.by, r.decision.date, r.interp),
            ),
        },
        label="by",
        rows=lambda k: [] if k.decision is None else [k],
        path="establishment.decision",
    ),
    "renewal": FactType(
        "renewal",
        "A renewal of the agreement dated on or before `as_of`.",
        {
            "date": Field("date", "When it was decided.", "agreement.renewals[].date", value=lambda r: to_day(r.item.date)),
            "until": Field("date", "Until when it runs. Missing if not given.", "agreement.renewals[].until", value=lambda r: _day(r.item.until)),
            "by": Field(
                vocabulary("roles").ids, "The role that decided it, from the role vocabulary. Missing if not given.",
                "agreement.renewals[].by",
                value=lambda r: r.item.by,
            ),
            "authorised": Field(
                "bool",
                "Computed: the deciding role is one of `decision-authorities`. Missing without a role.",
                "agreement.renewals[].by",
                value=lambda r: None if r.item.by is None else _authorised(r.item.by, r.item.date, r.known.interp),
            ),
            "evaluated": Field(
                "bool",
                "Computed: an evaluation was made before it: the one it names, if dated on or "
                "before the renewal; without a name, one since the start or the previous renewal "
                "made for the renewal, or within `evaluation-window-months` before it.",
                "agreement.renewals[].evaluation",
                computed_with=("evaluation-window-months",),
                value=lambda r: r.evaluation is not None,
            ),
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches it: decided on or after the day the policy came into "
                "force, or `retroactivity` is `full` (see PolicyReach).",
                computed_with=("retroactivity",),
                value=lambda r: r.known.reach.record(r.item.date),
            ),
            "label": Field("text", "Computed: how reports name it.", value=lambda r: f"renewal {r.item.date.isoformat()}"),
        },
        label="label",
        rows=lambda k: _renewal_rows(k),
        path=lambda r: f"agreement.renewals[{r.index}]",
    ),
    "review": FactType(
        "review",
        "A follow-up or an evaluation dated on or before `as_of`.",
        {
            "kind": Field(("follow-up", "evaluation"), "Which of the two.", value=lambda r: r.kind),
            "date": Field("date", "When it was made.", "follow_ups[].date", value=lambda r: to_day(r.date)),
            "outcome": Field(
                _choices(Outcome), "What it concluded. Missing if not recorded.", "follow_ups[].outcome",
                value=lambda r: _status(r.outcome),
            ),
            "latest": Field(
                "bool", "Computed: no other follow-up or evaluation is later (ties: both are latest).",
                value=lambda r: r.latest,
            ),
            "repeated_partly": Field(
                "bool",
                "Computed: it found the partnership only partly meeting expectations, and so did the "
                "follow-up or evaluation before it (uppfoljning.3, `underperformance`).",
                value=lambda r: r.outcome is Outcome.PARTLY_MEETS and r.previous is Outcome.PARTLY_MEETS,
            ),
            "after_partly": Field(
                "bool",
                "Computed: the follow-up or evaluation before it found the partnership only partly "
                "meeting expectations.",
                value=lambda r: r.previous is Outcome.PARTLY_MEETS,
            ),
            "decision_due": Field(
                "date",
                "Computed: by when the decision to end or convert the partnership is due after it "
                "(`underperformance-decision`): the due date of the next annual follow-up after "
                "it, or that many months after it. Missing if no follow-up can be scheduled.",
                computed_with=("underperformance-decision", "follow-up-cadence"),
                value=lambda r: _day(r.decision_due),
            ),
            "label": Field("text", "Computed: how reports name it.", value=lambda r: f"{r.kind} {r.date.isoformat()}"),
        },
        label="label",
        rows=lambda k: _review_rows(k),
        path=lambda r: r.path,
    ),
    "duty": FactType(
        "duty",
        "A dated duty of an active partnership (see kipolicy/_facts/duties.py and docs/dates-and-facts.md): "
        "a follow-up, a joint or KI risk reassessment, or an evaluation before renewal.",
        {
            "name": Field(tuple(DUTIES), "Which duty.", value=lambda r: r.item.name),
            "topic": Field(
                tuple(dict.fromkeys(d.topic for d in DUTIES.values())), "follow-up, risk or evaluation.",
                value=lambda r: r.item.kind.topic,
            ),
            "due": Field(
                "date", "Computed: the day it falls (or fell) due.",
                computed_with=(
                    "retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]",
                    "risk-interval-months[name=risk-joint]", "risk-interval-months[name=risk-ki]",
                ),
                value=lambda r: to_day(r.item.due),
            ),
            "basis": Field(
                "date", "Computed: the day it counts from.",
                computed_with=("retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
                value=lambda r: to_day(r.item.basis),
            ),
            "met": Field(
                "bool", "Computed: it was met (on any day).",
                computed_with=("follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
                value=lambda r: r.item.met_on is not None,
            ),
            "met_on": Field("date", "The day it was met. Missing if not met.", value=lambda r: _day(r.item.met_on)),
            "status": Field(
                STATUSES,
                "Computed: where it stands on `as_of`: overdue (not met, and due before `as_of`), "
                "open (not met, due on or after it), met-late (met after it fell due) or met; a "
                "report's obligations say the same.",
                computed_with=(
                    "retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]",
                    "risk-interval-months[name=risk-joint]", "risk-interval-months[name=risk-ki]",
                ),
                value=lambda r: r.item.status(r.known.as_of),
            ),
            "undecided": Field(
                "bool",
                "Computed: a risk assessment whose assessor (`by`) is not stated was made since the "
                "day the duty counts from: whether the duty was met is unknown.",
                "risk_assessments[].by",
                value=lambda r: r.item.kind.topic == "risk" and any(a.by is None and r.item.basis <= a.date for a in r.known.partnership.risk_assessments),
            ),
            "label": Field(
                "text", "Computed: its name and due date.",
                computed_with=("retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
                value=lambda r: r.item.label,
            ),
        },
        label="label",
        rows=lambda k: [_Item(k, i, duty) for i, duty in enumerate(k.duties)],
        path=lambda r: r.item.path,
    ),
    "support": FactType(
        "support",
        "A kind of administrative support organisation.4 names, and whether it is assigned.",
        {
            "kind": Field(("coordination", "communication"), "The kind of support.", value=lambda r: r.item._value_),
            "assigned": Field("bool", "Computed: it is assigned.", "admin_support", value=lambda r: r.item in r.known.partnership.admin_support),
        },
        label="kind",
        rows=lambda k: [_Item(k, i, kind) for i, kind in enumerate((AdminSupport.COORDINATION, AdminSupport.COMMUNICATION))],
        path="admin_support",
    ),
    "overlap": FactType(
        "overlap",
        "The active strategic partnerships of the portfolio with the same orientation and profile "
        "as this one — a common focus area and a common partner country (urval.5) — all in one "
        "fact, so that a proposal gets one finding however many there are. Made for proposals "
        "only (urval.2: the portfolio is weighed when a new partnership is considered), and only "
        "when there is at least one.",
        {
            "established": Field("int", "Computed: how many active strategic partnerships overlap.", computed_with=("overlap",), value=lambda r: len(r.peers)),
            "names": Field(
                "text", "Computed: their names, '; '-separated, by id.", quotes=True, computed_with=("overlap",),
                value=lambda r: "; ".join(p.name for p in r.peers),
            ),
            "ids": Field("text", "Computed: their ids, comma-separated.", computed_with=("overlap",), value=lambda r: ", ".join(p.id for p in r.peers)),
            "focus_overlap": Field(
                "text", "Computed: the focus areas in common with any of them, comma-separated.",
                quotes=True, computed_with=("overlap",),
                value=lambda r: ", ".join(r.focus_areas),
            ),
            "country_overlap": Field(
                "text", "Computed: the partner countries in common with any of them, comma-separated.",
                quotes=True, computed_with=("overlap",),
                value=lambda r: ", ".join(r.countries),
            ),
        },
        label="names",
        rows=lambda k: _overlap_rows(k),
        path="portfolio",
    ),
    "shared_partner": FactType(
        "shared_partner",
        "A partner organisation of this partnership that is also a partner in another "
        "partnership of the portfolio (same name, compared without case and extra spaces). Made "
        "for proposals only.",
        {
            "partner": Field("text", "The partner's name (as this document gives it).", quotes=True, value=lambda r: r.partner),
            "peer_id": Field("text", "The other partnership's id.", value=lambda r: r.peer.id),
            "peer_name": Field("text", "The other partnership's name.", quotes=True, value=lambda r: r.peer.name),
            "peer_active_strategic": Field(
                "bool", "Computed: the other partnership is an active strategic partnership.",
                value=lambda r: r.peer.active_strategic,
            ),
            "label": Field("text", "Computed: partner and other partnership.", quotes=True, value=lambda r: f"{r.partner} / {r.peer.name}"),
        },
        label="label",
        rows=lambda k: _shared_partner_rows(k),
        path=lambda r: r.path,
    ),
    "portfolio": FactType(
        "portfolio",
        "The portfolio as a whole: only in the portfolio-wide assessment of assess_portfolio().",
        {
            "partnerships": Field("int", "How many partnerships the portfolio has.", value=lambda r: len(r.peers)),
            "active_strategic": Field(
                "int", "Computed: how many are active strategic partnerships as of `as_of`.",
                value=lambda r: len(r.active_strategic_ids),
            ),
            "proposals": Field("int", "Computed: how many are proposals.", value=lambda r: sum(1 for p in r.partnerships if p.stage is Stage.PROPOSAL)),
        },
        rows=lambda portfolio: (portfolio,),
        path="",
    ),
}


_FIELD_PATHS: dict[tuple[str, str | None, str, str], str] = {}


def field_path(fact_type: FactType | None, fact: Mapping[str, Any], field: str) -> str:
    """Where a fact's field comes from (see :func:`_field_path`), remembered per fact type."""
    key = (str(fact.get("type")), fact_type.declared_in if fact_type is not None else None, str(fact.get("path", "")), field)
    found = _FIELD_PATHS.get(key)
    if found is None:
        if len(_FIELD_PATHS) > 100_000:
            _FIELD_PATHS.clear()
        found = _FIELD_PATHS[key] = _field_path(fact_type, fact, field)
    return found


def field_paths(fact_type: FactType, fact: Mapping[str, Any], fields: Sequence[str]) -> Mapping[str, str]:
    """:func:`field_path` of several fields of a fact, as one mapping.

    The mapping is shared by every caller asking about the same fields of a fact of the same
    type at the same path (the findings of a large portfolio hold many such): treat it as
    read-only.
    """
    key = (fact_type.name, fact_type.declared_in, str(fact.get("path", "")), tuple(fields))
    found = _FIELD_PATH_MAPS.get(key)
    if found is None:
        if len(_FIELD_PATH_MAPS) > 100_000:
            _FIELD_PATH_MAPS.clear()
        found = _FIELD_PATH_MAPS[key] = {field: field_path(fact_type, fact, field) for field in fields}
    return found


_FIELD_PATH_MAPS: dict[tuple[Any, ...], dict[str, str]] = {}


def _field_path(fact_type: FactType | None, fact: Mapping[str, Any], field: str) -> str:
    """Where in the user's document (or the assessment's arguments) a fact's field comes from.

    ``risk_assessments[0]``'s ``weighed`` is ``risk_assessments[0].weighed_against_benefit``;
    the ``assessment`` fact's fields are ``as_of`` or ``interpretations.NAME``; a computed field
    without a single source is the fact's own path.
    """
    path = str(fact.get("path", ""))
    if fact.get("type") == "assessment":
        interpretation = next((i for i in INTERPRETATIONS.values() if i.field == field), None)
        return f"interpretations.{interpretation.name}" if interpretation else "as_of"
    spec = fact_type.fields.get(field) if fact_type is not None else None
    source = spec.source if spec is not None else None
    if not source or source.endswith("[]") or source.endswith("*"):
        return path
    if "[]." in source:
        leaf = source.split("[].", 1)[1]
        return f"{path}.{leaf}" if path else leaf
    return source


_TRAIT_UNITS: dict[str, str] = {
    "formalised": "definition.4",
    "management": "definition.5",
    "long-term": "definition.6",
    "mutual-benefit": "definition.7",
    "breadth": "definition.8",
}

_ETHICS_ASPECTS = ("academic_freedom", "democratic_values", "critical_reflection", "high_quality")




def _number(value: float) -> int | float:
    """A number as a fact holds it: whole numbers as integers, others exactly as given.

    Every boundary keeps numbers within kipolicy._base.limits (finite, at most 10**15, and 0 or at
    least 0.0001), where Python writes them without an exponent, as the engine's parser needs.
    """
    if float(value).is_integer():
        return int(value)
    return float(value)


def _status(value: Choice | None) -> str | None:
    # ``_value_`` is the member's value as a plain attribute: reading ``.value`` goes through
    # the enum's descriptor, ten times slower, and facts read dozens of them per assessment.
    # None (not stated) stays None: unknown, left out of the fact.
    return None if value is None else value._value_


def risk_purpose(
    assessment: RiskAssessment, decision: dt.date | None, stage: Stage, start: dt.date | None
) -> tuple[str, bool]:
    """A risk assessment's purpose, and whether it was inferred (rev. 2, principle 1).

    A recorded purpose always wins. Otherwise: made on or before the decision, it was made
    for the preparation; with no decision yet, one made during the proposal stage, or before
    the start, was too; any other was continuous.
    """
    if assessment.purpose is not None:
        return assessment.purpose._value_, False
    if decision is not None:
        preparation = assessment.date <= decision
    else:
        preparation = stage is Stage.PROPOSAL or (start is not None and assessment.date < start)
    return ("preparation" if preparation else "continuous"), True


#: definition.8: a strategic partnership *innefattar olika samarbetsområden* (includes
#: different areas of cooperation, such as research, education and utilisation): breadth is
#: this many areas or more. The one place the number is written: the rules read the breadth
#: trait's status.
BREADTH_AREAS = 2


def _partner_contributes(partnership: Partnership) -> bool:
    """The partner contributes in cash or in kind: the resourcing says so, or a partner does."""
    return bool(partnership.resourcing.partner_contribution) or any(p.contribution for p in partnership.partners)


def _external_funds(partnership: Partnership) -> int:
    """How many external funds are named."""
    return sum(1 for f in partnership.resourcing.external_funds if f.strip())


def _breadth(statuses: list[TraitStatus]) -> str:
    """The breadth trait's status: in place with :data:`BREADTH_AREAS` areas in place, jointly
    intended with that many in place or intended, else absent."""
    in_place = sum(s is TraitStatus.IN_PLACE for s in statuses)
    stated = sum(s is not TraitStatus.ABSENT for s in statuses)
    if in_place >= BREADTH_AREAS:
        return "in-place"
    if stated >= BREADTH_AREAS:
        return "jointly-intended"
    return "absent"


def _day(date: dt.date | None) -> int | None:
    return to_day(date) if date is not None else None


def _has_later_records(partnership: Partnership, as_of: dt.date) -> bool:
    decision = partnership.establishment.decision
    termination = partnership.termination
    return (
        (decision is not None and decision.date > as_of)
        or (termination is not None and termination.date > as_of)
        or any(r.date > as_of for r in partnership.agreement.renewals)
        or any(r.date > as_of for r in partnership.risk_assessments)
        or any(f.date > as_of for f in partnership.follow_ups)
        or any(e.date > as_of for e in partnership.evaluations)
    )


def as_known_on(partnership: Partnership, as_of: dt.date) -> Partnership:
    """The partnership as known on ``as_of``: records dated later are left out.

    Risk assessments, follow-ups, evaluations, renewals, the decision and a termination dated
    after ``as_of`` have not happened yet as of ``as_of``; an assessment as of an earlier day
    judges the partnership as it stood then.
    """
    if not _has_later_records(partnership, as_of):
        return partnership
    establishment = partnership.establishment
    decision = establishment.decision
    if decision is not None and decision.date > as_of:
        establishment = attrs.evolve(establishment, decision=None)
    termination = partnership.termination
    if termination is not None and termination.date > as_of:
        termination = None
    agreement = partnership.agreement
    renewals = tuple(r for r in agreement.renewals if r.date <= as_of)
    if len(renewals) != len(agreement.renewals):
        agreement = attrs.evolve(agreement, renewals=renewals)
    return attrs.evolve(
        partnership,
        establishment=establishment,
        termination=termination,
        agreement=agreement,
        risk_assessments=tuple(r for r in partnership.risk_assessments if r.date <= as_of),
        follow_ups=tuple(f for f in partnership.follow_ups if f.date <= as_of),
        evaluations=tuple(e for e in partnership.evaluations if e.date <= as_of),
    )


def _kept_paths(original: Partnership, view: Partnership) -> dict[str, list[int]]:
    """For each dated list, the original indexes of the records the view keeps (for paths)."""
    if view is original:
        return {
            "risk_assessments": list(range(len(original.risk_assessments))),
            "follow_ups": list(range(len(original.follow_ups))),
            "evaluations": list(range(len(original.evaluations))),
            "renewals": list(range(len(original.agreement.renewals))),
        }
    out = {}
    for name in ("risk_assessments", "follow_ups", "evaluations"):
        kept = set(map(id, getattr(view, name)))
        out[name] = [i for i, item in enumerate(getattr(original, name)) if id(item) in kept]
    kept = set(map(id, view.agreement.renewals))
    out["renewals"] = [i for i, r in enumerate(original.agreement.renewals) if id(r) in kept]
    return out


@attrs.frozen
class Facts:
    """The facts of one assessment, and the dated duties computed for them.

    Attributes:
        facts: The base facts, in a canonical order.
        duties: Every dated duty of the partnership, met or not, by due date.
        partnership: The partnership as known on ``as_of`` (see :func:`as_known_on`).
    """

    facts: list[dict[str, Any]]
    duties: list[Duty]
    partnership: Partnership










def assessment_fact(as_of: dt.date, interpretations: Interpretations, policy_in_force: dt.date) -> dict[str, Any]:
    """The ``assessment`` fact: the date, the interpretations in force and computed windows."""
    (fact,) = FACT_TYPES["assessment"].facts(_AssessmentSource(as_of, interpretations, policy_in_force))
    return fact


@attrs.frozen
class _Known:
    """What every group of facts of one assessment shares: the partnership as known on the day,
    the readings, and the dates and judgements derived from the document once."""

    partnership: Partnership
    original: Partnership
    as_of: dt.date
    interp: Interpretations
    policy_in_force: dt.date
    portfolio: Any
    index: Mapping[str, list[int]]
    start: dt.date | None
    entered: dt.date | None
    startup_ends: dt.date | None
    purposes: list[tuple[str, bool]]
    agreement_ends: dt.date | None
    grounds: dict[int, _Grounds]
    reach: PolicyReach
    trait_rows: tuple[_TraitRow, ...]
    represented: frozenset[str]
    duties: tuple[Duty, ...]

    @property
    def decision(self) -> Any:
        return self.partnership.establishment.decision

    @property
    def traits(self) -> Any:
        return self.partnership.traits

    @property
    def resourcing(self) -> Any:
        return self.partnership.resourcing

    @property
    def steering(self) -> Any:
        return self.partnership.steering_group


def _known(
    original: Partnership, as_of: dt.date, interp: Interpretations, policy_in_force: dt.date, portfolio: Any
) -> _Known:
    partnership = as_known_on(original, as_of)
    start = partnership.start_date
    startup_ends = None
    phase_ends = partnership.establishment.phase_ends
    if phase_ends is not None:
        startup_ends = phase_ends + dt.timedelta(days=1) if phase_ends < dt.date.max else dt.date.max
    elif start is not None:
        try:
            startup_ends = add_months(start, interp["startup-months"])
        except OverflowError:
            startup_ends = dt.date.max
    decision = partnership.establishment.decision
    renewals_by_date = sorted(partnership.agreement.renewals, key=lambda r: r.date)
    ki = partnership.ki
    own = own_competence(ki.fields if ki is not None else ())
    steering = partnership.steering_group
    index = _kept_paths(original, partnership)
    return _Known(
        partnership=partnership,
        original=original,
        as_of=as_of,
        interp=interp,
        policy_in_force=policy_in_force,
        portfolio=portfolio,
        index=index,
        start=start,
        entered=partnership.entered,
        startup_ends=startup_ends,
        purposes=[
            risk_purpose(r, decision.date if decision else None, partnership.stage, start)
            for r in partnership.risk_assessments
        ],
        agreement_ends=renewals_by_date[-1].until if renewals_by_date else partnership.agreement.ends,
        grounds={id(p): _complementary(p, own, partnership.id, portfolio) for p in partnership.parties},
        reach=PolicyReach.of(partnership, policy_in_force, interp["retroactivity"]),
        trait_rows=_trait_rows(partnership, interp["traits-required"] == "all-five"),
        represented=frozenset(m.party for m in (steering.members if steering else ()) if m.management_representative),
        duties=_duties(partnership, original, as_of, interp, policy_in_force, index),
    )


#: The base fact types made from a document, in the order of the facts of an assessment (after
#: the assessment fact). Each is made by its declaration (FACT_TYPES): its rows and its fields'
#: values.
_MADE = (
    "partnership", "party", "trait", "focus_area", "added_value", "ethics", "risk_assessment",
    "decision", "renewal", "review", "duty", "support", "shared_partner", "overlap",
)


def make_facts(
    partnership: Partnership,
    as_of: dt.date,
    interpretations: Interpretations,
    policy_in_force: dt.date,
    portfolio: Any = None,
    assessment: dict[str, Any] | None = None,
) -> Facts:
    """The base facts for one assessment, in a canonical order, with the dated duties.

    Every fact has ``type`` (its fact type) and ``path`` (where in the document it comes from,
    ``""`` for the whole document). Dates are day numbers; unknown values are left out. Each
    fact type is made as :data:`FACT_TYPES` declares it (:meth:`FactType.facts`).
    ``portfolio`` is a :class:`~kipolicy._facts.peers.PortfolioIndex` (or None for no portfolio).
    ``assessment`` is the :func:`assessment_fact` of these arguments, when the caller shares one
    among many assessments (the partnerships of a portfolio).
    """
    known = _known(partnership, as_of, interpretations, policy_in_force, portfolio)
    if assessment is None:
        assessment = assessment_fact(as_of, interpretations, policy_in_force)
    facts: list[dict[str, Any]] = [assessment]
    for name in _MADE:
        facts += FACT_TYPES[name].facts(known)
    return Facts(facts, list(known.duties), known.partnership)














def _duties(
    partnership: Partnership, original: Partnership, as_of: dt.date, interp: Interpretations,
    policy_in_force: dt.date, index: Mapping[str, list[int]],
) -> tuple[Duty, ...]:
    """The dated duties of the partnership (as known on ``as_of``), their paths in the document
    as given (``original``)."""
    duties = schedule(
        partnership,
        as_of,
        policy_in_force=policy_in_force,
        retroactivity=interp["retroactivity"],
        follow_up_cadence=interp["follow-up-cadence"],
        risk_interval_months=interp["risk-interval-months"],
        evaluation_window=interp["evaluation-window-months"],
    )
    if partnership is not original:
        duties = [_remap(d, index) for d in duties]
    return tuple(duties)










_INDEXED = re.compile(r"^(risk_assessments|follow_ups|evaluations|agreement\.renewals)\[(\d+)\]")


def _remap(duty: Duty, index: Mapping[str, list[int]]) -> Duty:
    """A duty of the view with its path in the user's document (records after as_of removed)."""
    match = _INDEXED.match(duty.path)
    if not match:
        return duty
    name = match[1].removeprefix("agreement.")
    original = index[name][int(match[2])]
    path = f"{match[1]}[{original}]" + duty.path[match.end():]
    return attrs.evolve(duty, path=path)


def _open_evaluation_due(partnership: Partnership, start: dt.date | None, interp: Interpretations) -> dt.date | None:
    """When an evaluation of an open-ended partnership is recommended (uppfoljning.1), or None."""
    if not partnership.agreement.open_ended or partnership.stage is not Stage.ACTIVE or start is None:
        return None
    evaluated = sorted(e.date for e in partnership.evaluations)
    resourcing = partnership.resourcing
    try:
        if resourcing.ki_funding and resourcing.ki_funding_years:
            funding_ends = add_months(start, round(resourcing.ki_funding_years * 12))
            window = interp["evaluation-window-months"]
            counts_from = add_months(funding_ends, -window) if isinstance(window, int) else start
            if not any(day >= counts_from for day in evaluated):
                return funding_ends
        basis = max(evaluated, default=start)
        return add_months(basis, 12 * interp["open-ended-evaluation-years"])
    except OverflowError:
        return None


def _authorised(role: str, day: dt.date, interp: Interpretations) -> bool:
    """Whether ``role`` may decide on ``day``: it is among the `decision-authorities` in force
    then (etablering.3: *gällande* besluts- och delegationsordningar)."""
    return role in (in_force(interp["decision-authorities"], day) or ())


# -- what facts are made from ---------------------------------------------------------------
# Each base fact type names its rows (FactType.rows): what one fact is made from, given the
# assessment's shared knowledge (_Known). The fields' values are declared with the fields.


@attrs.frozen
class _AssessmentSource:
    """What the ``assessment`` fact is made from."""

    as_of: dt.date
    interp: Interpretations
    policy_in_force: dt.date


def _lead_until(source: _AssessmentSource) -> int:
    try:
        return to_day(add_months(source.as_of, source.interp["renewal-lead-months"]))
    except OverflowError:
        return to_day(dt.date.max)


@attrs.frozen
class _Item:
    """One item of a list of the document (a party, an added value, a duty, ...): its index
    in the document and the assessment's shared knowledge."""

    known: _Known
    index: int
    item: Any


@attrs.frozen
class _TraitRow:
    name: str
    status: str | None
    path: str
    party: str | None
    required: bool


def _trait_rows(partnership: Partnership, all_five: bool) -> tuple[_TraitRow, ...]:
    """One row per trait of the definition (one per party for the management's engagement)."""
    traits = partnership.traits
    rows: list[tuple[str, str | None, str, str | None]] = [
        ("formalised", _status(traits.formalised), "traits.formalised", None),
        *(
            ("management", _status(party.management_engagement), f"parties[{i}]", party.name)
            for i, party in enumerate(partnership.parties)
        ),
        ("long-term", _status(traits.long_term), "traits.long_term", None),
        ("mutual-benefit", _status(traits.mutual_benefit), "traits.mutual_benefit", None),
        ("breadth", _breadth(list(traits.areas.values())), "traits.areas", None),
    ]
    return tuple(_TraitRow(name, status, path, party, name != "breadth" or all_five) for name, status, path, party in rows)


@attrs.frozen
class _FocusAreaRow:
    index: int
    item: str
    listed: bool


def _focus_area_rows(known: _Known) -> list[_FocusAreaRow]:
    """One row per focus area named, judged against the strategy in force at the decision (a
    proposal: as of the assessment)."""
    decision = known.decision
    listed = in_force(known.interp["focus-areas"], decision.date if decision is not None else known.as_of)
    names = {normalise(n) for n in listed} if listed is not None else None
    return [
        _FocusAreaRow(i, area, names is None or normalise(area) in names)
        for i, area in enumerate(known.partnership.strategy.focus_areas)
        if area.strip()
    ]


@attrs.frozen
class _EthicsRow:
    aspect: str
    status: str | None
    path: str


def _ethics_rows(known: _Known) -> list[_EthicsRow]:
    """One row per aspect of urval.6: as the ethics part states it, unless a risk assessment
    known on the day names the aspect as a concern. Then the concern stands (the latest such
    assessment is the fact's path), whatever the ethics part said before it."""
    partnership = known.partnership
    rows = []
    for aspect in _ETHICS_ASPECTS:
        word = aspect.replace("_", "-")
        status = _status(getattr(partnership.ethics, aspect))
        path = f"ethics.{aspect}"
        if status != EthicsStatus.CONCERN.value:
            named = [
                j for j, assessment in enumerate(partnership.risk_assessments)
                if word in assessment.ethics_concerns
            ]
            if named:
                latest = max(named, key=lambda j: partnership.risk_assessments[j].date)
                status = EthicsStatus.CONCERN.value
                path = f"risk_assessments[{known.index['risk_assessments'][latest]}].ethics_concerns"
        rows.append(_EthicsRow(word, status, path))
    return rows


@attrs.frozen
class _RiskAssessmentRow:
    known: _Known
    index: int
    item: RiskAssessment
    purpose: str
    inferred: bool


def _risk_assessment_rows(known: _Known) -> list[_RiskAssessmentRow]:
    """One row per risk assessment known on the day, with its purpose (recorded or inferred)."""
    return [
        _RiskAssessmentRow(known, known.index["risk_assessments"][j], assessment, *known.purposes[j])
        for j, assessment in enumerate(known.partnership.risk_assessments)
    ]


@attrs.frozen
class _RenewalRow:
    known: _Known
    index: int
    item: Any
    evaluation: Any


def _renewal_rows(known: _Known) -> list[_RenewalRow]:
    """One row per renewal of the agreement, with the evaluation before it if there was one."""
    window = known.interp["evaluation-window-months"]
    return [
        _RenewalRow(known, known.index["renewals"][j], renewal, evaluation)
        for j, renewal, _, evaluation in renewals_with_evaluations(known.partnership, known.start, window)
    ]


@attrs.frozen
class _ReviewRow:
    kind: str
    date: dt.date
    outcome: Outcome | None
    path: str
    latest: bool
    previous: Outcome | None
    decision_due: dt.date | None


def _review_rows(known: _Known) -> list[_ReviewRow]:
    """One row per follow-up and evaluation: its outcome, whether it is the latest, the outcome
    of the one before it, and by when a decision to end or convert is due after it
    (uppfoljning.3)."""
    partnership, index = known.partnership, known.index
    reviews = [
        ("follow-up", f.date, f.outcome, f"follow_ups[{index['follow_ups'][j]}]")
        for j, f in enumerate(partnership.follow_ups)
    ] + [
        ("evaluation", e.date, e.outcome, f"evaluations[{index['evaluations'][j]}]")
        for j, e in enumerate(partnership.evaluations)
    ]
    latest = max((r[1] for r in reviews), default=None)
    in_order = sorted(reviews, key=lambda r: r[1])
    before = {id(r): in_order[i - 1] if i else None for i, r in enumerate(in_order)}
    decision_months = known.interp["underperformance-decision"]
    follow_ups_due = sorted(((d.due, d.met_on) for d in known.duties if d.name == "follow-up"), key=lambda t: t[0])
    rows = []
    for review in reviews:
        kind, date, outcome, path = review
        previous = before[id(review)]
        if isinstance(decision_months, int):
            decision_due: dt.date | None = add_months(date, decision_months)
        else:
            # The next follow-up: the first falling due after it that it did not itself meet.
            decision_due = next(
                (due for due, met_on in follow_ups_due if due > date and (met_on is None or met_on > date)), None
            )
        rows.append(
            _ReviewRow(kind, date, outcome, path, date == latest, previous[2] if previous else None, decision_due)
        )
    return rows


@attrs.frozen
class _SharedPartnerRow:
    partner: str
    peer: Any
    path: str


def _compared(known: _Known) -> bool:
    """Whether the partnership is compared with the portfolio: the portfolio is weighed when a
    new partnership is considered (urval.2), so only a proposal is."""
    return known.portfolio is not None and known.partnership.stage is Stage.PROPOSAL


def _shared_partner_rows(known: _Known) -> list[_SharedPartnerRow]:
    """One row per partner the proposal shares with a partnership of the portfolio."""
    if not _compared(known):
        return []
    partnership = known.partnership
    party_paths = {
        normalise(p.name): f"parties[{i}]"
        for i, p in enumerate(partnership.parties)
        if p.role is PartyRole.PARTNER
    }
    return [
        _SharedPartnerRow(partner, overlap.peer, party_paths.get(normalise(partner), "parties"))
        for overlap in known.portfolio.sharing_partners(partnership)
        for partner in overlap.partners
    ]


def _overlap_rows(known: _Known) -> list[Any]:
    """The established strategic partnerships the proposal overlaps under the ``overlap``
    reading (urval.5): one row, if there are any."""
    if not _compared(known):
        return []
    established = known.portfolio.established(known.partnership, known.interp["overlap"])
    return [established] if established.peers else []


@attrs.frozen
class _Grounds:
    """What a party brings on urval.4's three grounds."""

    fields: tuple[str, ...]
    resources: int
    category: str | None
    new_category: bool

    @property
    def complementary(self) -> bool:
        """Complementary on any of urval.4's grounds."""
        return bool(self.fields) or bool(self.resources) or self.new_category


def _complementary(party: Party, own: frozenset[str], partnership_id: str, portfolio: Any) -> _Grounds:
    """urval.4 for one party: its FORD fields outside KI's own ``own``; the complementary
    approaches or resources it brings; its category outside academia (the public sector and
    government agencies, civil society, companies), and whether that category is new: none of
    KI's other active strategic partnerships in the portfolio has a partner of it (without a
    portfolio, every such category is new)."""
    category = partner_category(_status(party.kind))
    new = category is not None and (portfolio is None or not portfolio.category_established(category, partnership_id))
    return _Grounds(outside(party.fields, own), sum(1 for b in party.brings if b.strip()), category, new)






def portfolio_facts(
    portfolio: Any, as_of: dt.date, interpretations: Interpretations, policy_in_force: dt.date
) -> list[dict[str, Any]]:
    """The facts of the portfolio-wide assessment: the assessment and the portfolio."""
    return [assessment_fact(as_of, interpretations, policy_in_force), *FACT_TYPES["portfolio"].facts(portfolio)]
