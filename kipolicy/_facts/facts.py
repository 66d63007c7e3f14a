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

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from .._base.calendar import add_days, add_months, from_day, to_day
from .duties import DUTIES, STATUSES, Duty, PolicyReach, renewals_with_evaluations, schedule
from .._policy.interpretations import INTERPRETATIONS, Interpretations, in_force
from .peers import normalise
from .._policy.vocabularies import outside, own_competence, partner_category, vocabulary
from .._document.model import (
    AddedValue,
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
    """

    type: str | tuple[str, ...]
    doc: str
    source: str | None = None
    quotes: bool = attrs.field(default=False, kw_only=True)
    computed_with: tuple[str, ...] = attrs.field(default=(), kw_only=True)

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


def _choices(enum_type: type[Choice]) -> tuple[str, ...]:
    return tuple(m.value for m in enum_type)


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
            "soon_until": Field(
                "date",
                "Computed: `as_of` plus `due-soon-days` days: a duty due on or before it (and not "
                "before `as_of`) falls due soon.",
                computed_with=("due-soon-days",),
            ),
            "lead_until": Field(
                "date",
                "Computed: `as_of` plus `renewal-lead-months` months (see add_months): an "
                "agreement ending on or before it ends within the renewal lead time.",
                computed_with=("renewal-lead-months",),
            ),
            **_interpretation_fields(),
        },
    ),
    "partnership": FactType(
        "partnership",
        "The partnership as a whole.",
        {
            "id": Field("text", "The partnership's id.", "id"),
            "name": Field("text", "The partnership's name.", "name", quotes=True),
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
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches how the partnership was prepared and entered: it was "
                "entered on or after the day the policy came into force, or `retroactivity` is "
                "`full` (see PolicyReach). The rules about preparing and entering read it.",
                computed_with=("retroactivity",),
            ),
            "startup_ends": Field(
                "date",
                "Computed: the day the start-up phase of definition.9 ends: the day after "
                "`establishment.phase_ends` when the document gives it, else `start` plus "
                "`startup-months` months (see add_months). Missing without either.",
                "establishment.phase_ends",
                computed_with=("startup-months",),
            ),
            "in_startup": Field(
                "bool",
                "Computed: in the start-up phase of definition.9: a proposal, or `as_of` "
                "before `startup_ends`.",
                computed_with=("startup-months",),
            ),
            "formalised": Field(STATUS, "Trait 1: formalised cooperation. Missing if not stated.", "traits.formalised"),
            "long_term": Field(STATUS, "Trait 3: long-term commitments. Missing if not stated.", "traits.long_term"),
            "commitment_years": Field(
                "number", "Years the parties commit to. Missing if not stated or open-ended.",
                "traits.commitment_years", quotes=True,
            ),
            "commitment_open_ended": Field(
                "bool", "Computed: the commitment is open-ended (*tills vidare*): long-term.",
                "traits.commitment_years",
            ),
            "common_goals": Field(
                "int", "Computed: how many common goals and challenges are stated.",
                "traits.common_goals",
            ),
            "mutual_benefit": Field(STATUS, "Trait 4: mutual benefit. Missing if not stated.", "traits.mutual_benefit"),
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
                computed_with=("traits-required",),
            ),
            "partners": Field("int", "Computed: how many partner organisations.", "parties"),
            "continues": Field(
                "bool",
                "Computed: it continues as a strategic partnership: not at stage `ended` and no "
                "termination or conversion recorded (as of `as_of`).",
                "termination",
            ),
            "focus_areas": Field(
                "int", "Computed: how many KI strategy focus areas are named.",
                "strategy.focus_areas",
            ),
            "alternatives_considered": Field(
                "int", "Computed: how many other possible partners or partnerships the record says were "
                "considered (urval.1).", "selection.alternatives",
            ),
            "choice_reason_stated": Field(
                "bool", "Computed: the record says why this partner was chosen (urval.1).", "selection.reason",
            ),
            "added_values": Field(
                "int", "Computed: how many added-value dimensions are claimed.", "added_value"
            ),
            "risks_identified": Field(
                "int", "Computed: how many risks the risk assessments identified, in all.",
                "risk_assessments",
            ),
            "complementary_partners": Field(
                "int",
                "Computed: how many partners bring a field of research outside KI's own or are of "
                "a new category outside academia (urval.4; a partner of unknown kind counts only "
                "by its fields).",
                "parties",
            ),
            "steering_group": Field(
                "bool", "Computed: a steering group or equivalent is described.", "steering_group"
            ),
            "fora_levels": Field(
                "int",
                "Computed: on how many different levels of the level vocabulary contact fora "
                "exist, the steering group counting as a forum at the management level.",
                "fora",
            ),
            "planned_decision": Field(
                "date", "For a proposal not yet decided, the day the decision is planned for. "
                "Missing if not given, or once decided.", "establishment.planned_decision",
            ),
            "initiative": Field(
                _choices(Initiative), "Who took the initiative.", "establishment.initiative"
            ),
            "decided": Field(
                "bool", "Computed: a decision to enter is recorded (dated on or before `as_of`).",
                "establishment.decision",
            ),
            "preparation_assessments": Field(
                "int", "Computed: how many risk assessments were made for the preparation.",
                "risk_assessments",
            ),
            "ki_funding": Field(
                "bool", "KI offers funding for joint activities. Missing if not stated.", "resourcing.ki_funding"
            ),
            "ki_funding_years": Field(
                "number", "For how many years KI commits funding. Missing if not given.",
                "resourcing.ki_funding_years", quotes=True,
            ),
            "multi_year_funding": Field(
                "bool",
                "Computed: KI funds and commits for at least `long-term-years` years ('flera år', "
                "resurssattning.2).",
                "resourcing.ki_funding_years",
                computed_with=("long-term-years",),
            ),
            "level_agreed": Field(
                "bool", "The funding level was set in consultation with the partner. Missing if not stated.",
                "resourcing.level_agreed_with_partner",
            ),
            "partner_contributes": Field(
                "bool", "Computed: the partner contributes in cash or in kind.",
                "resourcing.partner_contribution",
            ),
            "external_funds": Field(
                "int", "Computed: how many external funds are used or considered.",
                "resourcing.external_funds",
            ),
            "others_fund": Field(
                "bool", "Computed: someone besides KI carries joint activities: the partner contributes "
                "(`partner_contributes`) or external funds are used or considered (`external_funds`).",
                "resourcing",
            ),
            "agreement_ends": Field(
                "date",
                "Computed: the day the agreement ends: the last renewal's `until`, else "
                "`agreement.ends`. Missing if not known.",
                "agreement.ends",
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
            ),
            "agreement_expired": Field(
                "bool",
                "Computed: the agreement ended before `as_of` (`agreement_ends` < `as_of`) and does "
                "not run on by a tacit or automatic extension.",
                "agreement.ends",
            ),
            "active_in_portfolio": Field(
                "int",
                "Computed: how many other partnerships of the portfolio are active strategic "
                "partnerships (stage active, KI-wide, not terminated as of `as_of`).",
            ),
        },
    ),
    "party": FactType(
        "party",
        "A party: KI itself, or a partner organisation.",
        {
            "id": Field("text", "The party's id.", "parties[].id"),
            "name": Field("text", "The party's name.", "parties[].name", quotes=True),
            "role": Field(_choices(PartyRole), "ki or partner.", "parties[].role"),
            "kind": Field(_choices(PartyKind), "The kind of organisation. Missing if not stated.", "parties[].kind"),
            "reach": Field(
                _choices(Reach), "local, national or international. Missing if not given.",
                "parties[].reach",
            ),
            "country": Field("text", "Country. Missing if not given.", "parties[].country", quotes=True),
            "management_engagement": Field(
                STATUS, "Trait 2 for this party. Missing if not stated.", "parties[].management_engagement"
            ),
            "benefit_stated": Field(
                "bool", "Computed: the party's benefit is stated.", "parties[].benefit"
            ),
            "contacts": Field(
                "int", "Computed: how many contact persons are named.",
                "parties[].contact_persons",
            ),
            "complementary_fields": Field(
                "int",
                "Computed: how many of the party's fields of competence (FORD) are outside KI's "
                "own: the KI party's fields if the document gives them, else broad area 3 "
                "(medical and health sciences) and 1.6 (biological sciences).",
                "parties[].fields",
            ),
            "complementary_field_codes": Field(
                "text", "Computed: the FORD codes of those fields, e.g. `2, 5.2`. Missing if none.",
                "parties[].fields",
            ),
            "new_category": Field(
                "bool",
                "Computed: the party is of a *new* category outside academia (urval.4): the public "
                "sector and government agencies, civil society, or companies, and none of KI's "
                "other active strategic partnerships in the portfolio has a partner of that "
                "category. Missing if the kind is not stated.",
                "parties[].kind",
            ),
            "category": Field(
                ("public", "civil-society", "company"),
                "Computed: the party's category outside academia (urval.4). Missing for a "
                "university, `other`, or an unstated kind.",
                "parties[].kind",
            ),
            "contributes": Field(
                "bool",
                "Computed: the party contributes to the joint activities, in cash, in kind or in "
                "expertise (its `contribution`; with a single partner, also "
                "`resourcing.partner_contribution`).",
                "parties[].contribution",
            ),
            "complementary_resources": Field(
                "int", "Computed: how many complementary approaches or resources the party brings "
                "(`brings`).", "parties[].brings",
            ),
            "represented": Field(
                "bool",
                "Computed: a member of the steering group is a management representative of the "
                "party.",
                "steering_group.members",
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
                "in-place, jointly-intended or absent; missing if the document does not state it. "
                "For breadth: in-place with two or more areas in place, jointly-intended with two or "
                "more in place or intended.",
            ),
            "required": Field(
                "bool",
                "Computed: the trait is required under `traits-required` (breadth only under "
                "`all-five`).",
                computed_with=("traits-required",),
            ),
            "unit": Field("text", "The unit of the definition that states the trait."),
            "party": Field("text", "For the management trait: the party's name.", quotes=True),
        },
    ),
    "focus_area": FactType(
        "focus_area",
        "A KI Strategy 2030 focus area the partnership names (urval.3).",
        {
            "name": Field("text", "The focus area as named.", "strategy.focus_areas[]", quotes=True),
            "listed": Field(
                "bool",
                "Computed: the name is in the configured `focus-areas` list (compared without "
                "case and extra spaces); true when no list is configured.",
                computed_with=("focus-areas",),
            ),
        },
    ),
    "added_value": FactType(
        "added_value",
        "An added-value dimension the partnership claims (mervarde.1 and its subsections).",
        {
            "dimension": Field(
                _choices(ValueDimension), "The dimension.", "added_value[].dimension"
            ),
            "described": Field(
                "bool", "Computed: a description is given.", "added_value[].description"
            ),
        },
        label="dimension",
    ),
    "ethics": FactType(
        "ethics",
        "One aspect of the ethics assessment of urval.6.",
        {
            "aspect": Field(
                ("academic-freedom", "democratic-values", "critical-reflection", "high-quality"),
                "The aspect.",
            ),
            "status": Field(
                _choices(EthicsStatus),
                "fine, concern or not-assessed, as the ethics part states it; `concern` also when a "
                "risk assessment known on the day names the aspect among its `ethics_concerns` "
                "(the fact's path is then that assessment's). Missing if not stated.",
                "ethics.*",
            ),
        },
        label="aspect",
    ),
    "risk_assessment": FactType(
        "risk_assessment",
        "A risk assessment (risk.1-4) dated on or before `as_of`.",
        {
            "date": Field("date", "When it was made.", "risk_assessments[].date"),
            "by": Field(_choices(AssessedBy), "joint or ki.", "risk_assessments[].by"),
            "purpose": Field(
                _choices(RiskPurpose),
                "preparation or continuous: as recorded, else inferred from the date (on or before "
                "the decision, or with no decision during the proposal stage or before the start: "
                "preparation).",
                "risk_assessments[].purpose",
            ),
            "purpose_inferred": Field(
                "bool", "Computed: the purpose was not recorded but inferred from the date.",
                "risk_assessments[].purpose",
            ),
            "risks": Field("int", "Computed: how many risks were identified.", "risk_assessments[].risks"),
            "high_risks": Field(
                "int", "Computed: how many identified risks are high.", "risk_assessments[].risks"
            ),
            "weighed": Field(
                "bool", "The risks were weighed against the potential benefit. Missing if not recorded.",
                "risk_assessments[].weighed_against_benefit",
            ),
            "external_support": Field(
                "bool", "External support was used. Missing if not stated.", "risk_assessments[].external_support"
            ),
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches it: made on or after the day the policy came into "
                "force, or `retroactivity` is `full` (see PolicyReach).",
                computed_with=("retroactivity",),
            ),
            "label": Field("text", "Computed: how reports name it (by, purpose and date)."),
        },
        label="label",
    ),
    "decision": FactType(
        "decision",
        "The decision to enter the partnership (etablering.3), if dated on or before `as_of`.",
        {
            "date": Field("date", "When it was taken.", "establishment.decision.date"),
            "by": Field(
                vocabulary("roles").ids, "The deciding role, from the role vocabulary.",
                "establishment.decision.by",
            ),
            "authorised": Field(
                "bool",
                "Computed: the deciding role is one of `decision-authorities` (both from the role "
                "vocabulary).",
                computed_with=("decision-authorities",),
            ),
        },
        label="by",
    ),
    "renewal": FactType(
        "renewal",
        "A renewal of the agreement dated on or before `as_of`.",
        {
            "date": Field("date", "When it was decided.", "agreement.renewals[].date"),
            "until": Field("date", "Until when it runs. Missing if not given.", "agreement.renewals[].until"),
            "by": Field(
                vocabulary("roles").ids, "The role that decided it, from the role vocabulary. Missing if not given.",
                "agreement.renewals[].by",
            ),
            "authorised": Field(
                "bool",
                "Computed: the deciding role is one of `decision-authorities`. Missing without a role.",
                "agreement.renewals[].by",
            ),
            "evaluated": Field(
                "bool",
                "Computed: an evaluation was made before it: the one it names, if dated on or "
                "before the renewal; without a name, one since the start or the previous renewal "
                "made for the renewal, or within `evaluation-window-months` before it.",
                "agreement.renewals[].evaluation",
                computed_with=("evaluation-window-months",),
            ),
            "under_policy": Field(
                "bool",
                "Computed: the policy reaches it: decided on or after the day the policy came into "
                "force, or `retroactivity` is `full` (see PolicyReach).",
                computed_with=("retroactivity",),
            ),
            "label": Field("text", "Computed: how reports name it."),
        },
        label="label",
    ),
    "review": FactType(
        "review",
        "A follow-up or an evaluation dated on or before `as_of`.",
        {
            "kind": Field(("follow-up", "evaluation"), "Which of the two."),
            "date": Field("date", "When it was made.", "follow_ups[].date"),
            "outcome": Field(
                _choices(Outcome), "What it concluded. Missing if not recorded.", "follow_ups[].outcome"
            ),
            "latest": Field(
                "bool", "Computed: no other follow-up or evaluation is later (ties: both are latest)."
            ),
            "repeated_partly": Field(
                "bool",
                "Computed: it found the partnership only partly meeting expectations, and so did the "
                "follow-up or evaluation before it (uppfoljning.3, `underperformance`).",
            ),
            "after_partly": Field(
                "bool",
                "Computed: the follow-up or evaluation before it found the partnership only partly "
                "meeting expectations.",
            ),
            "decision_due": Field(
                "date",
                "Computed: by when the decision to end or convert the partnership is due after it "
                "(`underperformance-decision`): the due date of the next annual follow-up after "
                "it, or that many months after it. Missing if no follow-up can be scheduled.",
                computed_with=("underperformance-decision", "follow-up-cadence"),
            ),
            "label": Field("text", "Computed: how reports name it."),
        },
        label="label",
    ),
    "duty": FactType(
        "duty",
        "A dated duty of an active partnership (see kipolicy/_facts/duties.py and docs/dates-and-facts.md): "
        "a follow-up, a joint or KI risk reassessment, or an evaluation before renewal.",
        {
            "name": Field(tuple(DUTIES), "Which duty."),
            "topic": Field(
                tuple(dict.fromkeys(d.topic for d in DUTIES.values())), "follow-up, risk or evaluation."
            ),
            "due": Field(
                "date", "Computed: the day it falls (or fell) due.",
                computed_with=(
                    "retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]",
                    "risk-interval-months[name=risk-joint]", "risk-interval-months[name=risk-ki]",
                ),
            ),
            "basis": Field(
                "date", "Computed: the day it counts from.",
                computed_with=("retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
            ),
            "met": Field(
                "bool", "Computed: it was met (on any day).",
                computed_with=("follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
            ),
            "met_on": Field("date", "The day it was met. Missing if not met."),
            "status": Field(
                STATUSES,
                "Computed: where it stands on `as_of`: overdue (not met, and due before `as_of`), "
                "open (not met, due on or after it), met-late (met after it fell due) or met; a "
                "report's obligations say the same.",
                computed_with=(
                    "retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]",
                    "risk-interval-months[name=risk-joint]", "risk-interval-months[name=risk-ki]",
                ),
            ),
            "undecided": Field(
                "bool",
                "Computed: a risk assessment whose assessor (`by`) is not stated was made since the "
                "day the duty counts from: whether the duty was met is unknown.",
                "risk_assessments[].by",
            ),
            "label": Field(
                "text", "Computed: its name and due date.",
                computed_with=("retroactivity", "follow-up-cadence[name=follow-up]", "risk-interval-months[topic=risk]"),
            ),
        },
        label="label",
    ),
    "support": FactType(
        "support",
        "A kind of administrative support organisation.4 names, and whether it is assigned.",
        {
            "kind": Field(("coordination", "communication"), "The kind of support."),
            "assigned": Field("bool", "Computed: it is assigned.", "admin_support"),
        },
        label="kind",
    ),
    "overlap": FactType(
        "overlap",
        "The active strategic partnerships of the portfolio with the same orientation and profile "
        "as this one — a common focus area and a common partner country (urval.5) — all in one "
        "fact, so that a proposal gets one finding however many there are. Made for proposals "
        "only (urval.2: the portfolio is weighed when a new partnership is considered), and only "
        "when there is at least one.",
        {
            "established": Field("int", "Computed: how many active strategic partnerships overlap.", computed_with=("overlap",)),
            "names": Field("text", "Computed: their names, '; '-separated, by id.", quotes=True, computed_with=("overlap",)),
            "ids": Field("text", "Computed: their ids, comma-separated.", computed_with=("overlap",)),
            "focus_overlap": Field(
                "text", "Computed: the focus areas in common with any of them, comma-separated.",
                quotes=True, computed_with=("overlap",),
            ),
            "country_overlap": Field(
                "text", "Computed: the partner countries in common with any of them, comma-separated.",
                quotes=True, computed_with=("overlap",),
            ),
        },
        label="names",
    ),
    "shared_partner": FactType(
        "shared_partner",
        "A partner organisation of this partnership that is also a partner in another "
        "partnership of the portfolio (same name, compared without case and extra spaces). Made "
        "for proposals only.",
        {
            "partner": Field("text", "The partner's name (as this document gives it).", quotes=True),
            "peer_id": Field("text", "The other partnership's id."),
            "peer_name": Field("text", "The other partnership's name.", quotes=True),
            "peer_active_strategic": Field(
                "bool", "Computed: the other partnership is an active strategic partnership."
            ),
            "label": Field("text", "Computed: partner and other partnership.", quotes=True),
        },
        label="label",
    ),
    "portfolio": FactType(
        "portfolio",
        "The portfolio as a whole: only in the portfolio-wide assessment of assess_portfolio().",
        {
            "partnerships": Field("int", "How many partnerships the portfolio has."),
            "active_strategic": Field(
                "int", "Computed: how many are active strategic partnerships as of `as_of`."
            ),
            "proposals": Field("int", "Computed: how many are proposals."),
        },
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


_TRAIT_UNITS = {
    "formalised": "definition.4",
    "management": "definition.5",
    "long-term": "definition.6",
    "mutual-benefit": "definition.7",
    "breadth": "definition.8",
}

_ETHICS_ASPECTS = ("academic_freedom", "democratic_values", "critical_reflection", "high_quality")


def _ethics_facts(partnership: Partnership, assessment_index: list[int]) -> list[dict[str, Any]]:
    """One fact per aspect of urval.6: as the ethics part states it, unless a risk assessment
    known on the day names the aspect as a concern. Then the concern stands (the latest such
    assessment is the fact's path), whatever the ethics part said before it."""
    facts = []
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
                path = f"risk_assessments[{assessment_index[latest]}].ethics_concerns"
        facts.append(_compact({"type": "ethics", "path": path, "aspect": word, "status": status}))
    return facts


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
    interp = interpretations
    fact: dict[str, Any] = {
        "type": "assessment",
        "path": "",
        "as_of": to_day(as_of),
        "policy_in_force": to_day(policy_in_force),
        "in_force": as_of >= policy_in_force,
        "soon_until": to_day(add_days(as_of, interp["due-soon-days"])),
    }
    try:
        fact["lead_until"] = to_day(add_months(as_of, interp["renewal-lead-months"]))
    except OverflowError:
        fact["lead_until"] = to_day(dt.date.max)
    fact.update(_interpretation_fields_of(interp.settings))
    return _compact(fact)


@functools.lru_cache(maxsize=256)
def _interpretation_fields_of(settings: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The assessment fact's interpretation fields, for one setting of every interpretation."""
    out = {}
    for name, value in settings:
        interpretation = INTERPRETATIONS[name]
        if not interpretation.in_assessment_fact:
            continue
        out[interpretation.field] = _number(value) if isinstance(value, float) else value
    return out


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
    purposes: list[tuple[str | None, bool | None]]
    agreement_ends: dt.date | None
    grounds: dict[int, _Grounds]
    reach: PolicyReach

    @property
    def decision(self) -> Any:
        return self.partnership.establishment.decision


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
    return _Known(
        partnership=partnership,
        original=original,
        as_of=as_of,
        interp=interp,
        policy_in_force=policy_in_force,
        portfolio=portfolio,
        index=_kept_paths(original, partnership),
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
    ``""`` for the whole document). Dates are day numbers; unknown values are left out.
    ``portfolio`` is a :class:`~kipolicy._facts.peers.PortfolioIndex` (or None for no portfolio).
    ``assessment`` is the :func:`assessment_fact` of these arguments, when the caller shares one
    among many assessments (the partnerships of a portfolio).
    """
    known = _known(partnership, as_of, interpretations, policy_in_force, portfolio)
    if assessment is None:
        assessment = assessment_fact(as_of, interpretations, policy_in_force)
    traits = _trait_facts(known)
    duties = _duties(known)
    facts: list[dict[str, Any]] = [
        assessment,
        _partnership_fact(known, traits),
        *_party_facts(known),
        *traits,
        *_focus_area_facts(known),
        *(_added_value(i, value) for i, value in enumerate(known.partnership.added_value)),
        *_ethics_facts(known.partnership, known.index["risk_assessments"]),
        *_risk_assessment_facts(known),
        *_decision_facts(known),
        *_renewal_facts(known),
        *_review_facts(known, duties),
        *_duty_facts(known, duties),
        *_support_facts(known),
    ]
    if portfolio is not None and known.partnership.stage is Stage.PROPOSAL:
        # The portfolio is weighed when a new partnership is considered (urval.2): only a
        # proposal is compared with the partnerships KI already has.
        facts += _peer_facts(known.partnership, portfolio, interpretations["overlap"])
    return Facts(facts, duties, known.partnership)


def _trait_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per trait of the definition (one per party for the management's engagement)."""
    partnership, traits = known.partnership, known.partnership.traits
    all_five = known.interp["traits-required"] == "all-five"
    trait_facts: list[dict[str, Any]] = [
        {"name": "formalised", "status": _status(traits.formalised), "path": "traits.formalised"},
    ]
    for i, party in enumerate(partnership.parties):
        trait_facts.append(
            {"name": "management", "status": _status(party.management_engagement), "path": f"parties[{i}]", "party": party.name}
        )
    trait_facts += [
        {"name": "long-term", "status": _status(traits.long_term), "path": "traits.long_term"},
        {"name": "mutual-benefit", "status": _status(traits.mutual_benefit), "path": "traits.mutual_benefit"},
        {"name": "breadth", "status": _breadth(list(traits.areas.values())), "path": "traits.areas"},
    ]
    trait_facts = [_compact(fact) for fact in trait_facts]
    for fact in trait_facts:
        fact["type"] = "trait"
        fact["unit"] = _TRAIT_UNITS[fact["name"]]
        fact["required"] = fact["name"] != "breadth" or all_five
    return trait_facts


def _partnership_fact(known: _Known, trait_facts: list[dict[str, Any]]) -> dict[str, Any]:
    """The partnership as a whole: its stage, dates, traits, selection, resourcing, agreement."""
    partnership, as_of, interp = known.partnership, known.as_of, known.interp
    traits, resourcing, agreement = partnership.traits, partnership.resourcing, partnership.agreement
    start, entered, startup_ends, agreement_ends = known.start, known.entered, known.startup_ends, known.agreement_ends
    decision, grounds, portfolio = known.decision, known.grounds, known.portfolio
    in_startup = partnership.stage is Stage.PROPOSAL or (startup_ends is not None and as_of < startup_ends)
    basis = (
        "intentions"
        if any(f["required"] and f.get("status") == "jointly-intended" for f in trait_facts)
        else "in-place"
    )
    steering = partnership.steering_group
    long_term_years = interp["long-term-years"]
    in_portfolio = portfolio.active_strategic_besides(partnership.id) if portfolio is not None else 0
    purposes = known.purposes
    continues = partnership.stage is not Stage.ENDED and partnership.termination is None
    partner_contributes = bool(resourcing.partner_contribution) or any(p.contribution for p in partnership.partners)
    external_funds = sum(1 for f in resourcing.external_funds if f.strip())
    return (
        _compact(
            {
                "type": "partnership",
                "path": "",
                "id": partnership.id,
                "name": partnership.name,
                "level": partnership.level._value_,
                "stage": partnership.stage._value_,
                "start": _day(start),
                "entered": _day(entered),
                "entered_before_policy": known.reach.entered_before,
                "under_policy": known.reach.entering,
                "startup_ends": _day(startup_ends),
                "in_startup": in_startup,
                "formalised": _status(traits.formalised),
                "long_term": _status(traits.long_term),
                "commitment_years": (
                    _number(traits.commitment_years)
                    if isinstance(traits.commitment_years, (int, float))
                    else None
                ),
                "commitment_open_ended": traits.commitment_years is OpenEnded.OPEN_ENDED,
                "common_goals": sum(1 for g in traits.common_goals if g.strip()),
                "mutual_benefit": _status(traits.mutual_benefit),
                "joint_value_stated": bool(traits.joint_value and traits.joint_value.strip()),
                "areas": sum(s is not TraitStatus.ABSENT for s in traits.areas.values()),
                "areas_in_place": sum(s is TraitStatus.IN_PLACE for s in traits.areas.values()),
                "intentions_joint": traits.intentions_stated_jointly is True,
                "traits_basis": basis,
                "partners": len(partnership.partners),
                "continues": continues,
                "focus_areas": sum(1 for a in partnership.strategy.focus_areas if a.strip()),
                "alternatives_considered": sum(1 for a in partnership.selection.alternatives if a.strip()),
                "choice_reason_stated": bool(partnership.selection.reason and partnership.selection.reason.strip()),
                "added_values": len(partnership.added_value),
                "risks_identified": sum(len(r.risks) for r in partnership.risk_assessments),
                "complementary_partners": sum(
                    1 for p in partnership.partners
                    if grounds[id(p)].fields or grounds[id(p)].resources or grounds[id(p)].new_category
                ),
                "steering_group": steering is not None,
                "fora_levels": len(
                    {f.level for f in partnership.fora} | ({"management"} if steering is not None else set())
                ),
                "initiative": partnership.establishment.initiative._value_,
                "decided": decision is not None,
                "planned_decision": (
                    _day(partnership.establishment.planned_decision) if decision is None else None
                ),
                "preparation_assessments": sum(purpose == "preparation" for purpose, _ in purposes),
                "ki_funding": resourcing.ki_funding,
                "ki_funding_years": (
                    _number(resourcing.ki_funding_years)
                    if resourcing.ki_funding_years is not None
                    else None
                ),
                "multi_year_funding": bool(
                    resourcing.ki_funding
                    and resourcing.ki_funding_years is not None
                    and resourcing.ki_funding_years >= long_term_years
                ),
                "level_agreed": resourcing.level_agreed_with_partner,
                "partner_contributes": partner_contributes,
                "external_funds": external_funds,
                "others_fund": partner_contributes or external_funds > 0,
                "agreement_ends": _day(agreement_ends),
                "open_evaluation_due": _day(_open_evaluation_due(partnership, start, interp)),
                "agreement_expired": (
                    agreement_ends is not None and agreement_ends < as_of and agreement.extension is None
                ),
                "active_in_portfolio": in_portfolio,
            }
        )
    )


def _party_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per party: KI and each partner."""
    partnership, grounds = known.partnership, known.grounds
    resourcing = partnership.resourcing
    steering = partnership.steering_group
    represented = {m.party for m in (steering.members if steering else ()) if m.management_representative}
    return [
        _compact(
            {
                "type": "party",
                "path": f"parties[{i}]",
                "id": party.id,
                "name": party.name,
                "role": party.role._value_,
                "kind": _status(party.kind),
                "reach": party.reach._value_ if party.reach else None,
                "country": party.country,
                "management_engagement": _status(party.management_engagement),
                "benefit_stated": bool(party.benefit and party.benefit.strip()),
                "contacts": sum(1 for c in party.contact_persons if c.strip()),
                "complementary_fields": len(grounds[id(party)].fields),
                "complementary_field_codes": ", ".join(grounds[id(party)].fields) or None,
                "new_category": None if party.kind is None else grounds[id(party)].new_category,
                "category": grounds[id(party)].category,
                "complementary_resources": grounds[id(party)].resources,
                "contributes": bool(party.contribution) or (
                    len(partnership.partners) == 1 and bool(resourcing.partner_contribution)
                ),
                "represented": party.id in represented,
            }
        )
        for i, party in enumerate(partnership.parties)
    ]


def _focus_area_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per focus area named, judged against the strategy in force at the decision (a
    proposal: as of the assessment)."""
    decision = known.decision
    listed = in_force(known.interp["focus-areas"], decision.date if decision is not None else known.as_of)
    listed_names = {normalise(n) for n in listed} if listed is not None else None
    return [
        {
            "type": "focus_area",
            "path": f"strategy.focus_areas[{i}]",
            "name": area,
            "listed": listed_names is None or normalise(area) in listed_names,
        }
        for i, area in enumerate(known.partnership.strategy.focus_areas)
        if area.strip()
    ]


def _risk_assessment_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per risk assessment known on the day."""
    out = []
    for j, risk_assessment in enumerate(known.partnership.risk_assessments):
        i = known.index["risk_assessments"][j]
        purpose, inferred = known.purposes[j]
        out.append(
            _compact(
                {
                    "type": "risk_assessment",
                    "path": f"risk_assessments[{i}]",
                    "date": to_day(risk_assessment.date),
                    "by": _status(risk_assessment.by),
                    "purpose": purpose,
                    "purpose_inferred": inferred,
                    "risks": len(risk_assessment.risks),
                    "high_risks": sum(r.level._value_ == "high" for r in risk_assessment.risks),
                    "weighed": risk_assessment.weighed_against_benefit,
                    "external_support": risk_assessment.external_support,
                    "under_policy": known.reach.record(risk_assessment.date),
                    "label": f"{_status(risk_assessment.by) or 'by-not-stated'} {purpose} {risk_assessment.date.isoformat()}",
                }
            )
        )
    return out


def _decision_facts(known: _Known) -> list[dict[str, Any]]:
    decision = known.decision
    if decision is None:
        return []
    return [
        {
            "type": "decision",
            "path": "establishment.decision",
            "date": to_day(decision.date),
            "by": decision.by,
            "authorised": _authorised(decision.by, decision.date, known.interp),
        }
    ]


def _duties(known: _Known) -> list[Duty]:
    """The dated duties of the partnership, their paths in the document as given."""
    interp = known.interp
    duties = schedule(
        known.partnership,
        known.as_of,
        policy_in_force=known.policy_in_force,
        retroactivity=interp["retroactivity"],
        follow_up_cadence=interp["follow-up-cadence"],
        risk_interval_months=interp["risk-interval-months"],
        evaluation_window=interp["evaluation-window-months"],
    )
    if known.partnership is not known.original:
        duties = [_remap(d, known.index) for d in duties]
    return duties


def _renewal_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per renewal of the agreement, with the evaluation before it if there was one."""
    partnership, interp = known.partnership, known.interp
    out = []
    for j, renewal, _, evaluation in renewals_with_evaluations(partnership, known.start, interp["evaluation-window-months"]):
        i = known.index["renewals"][j]
        out.append(
            _compact(
                {
                    "type": "renewal",
                    "path": f"agreement.renewals[{i}]",
                    "date": to_day(renewal.date),
                    "until": _day(renewal.until),
                    "evaluated": evaluation is not None,
                    "by": renewal.by,
                    "authorised": None if renewal.by is None else _authorised(renewal.by, renewal.date, interp),
                    "under_policy": known.reach.record(renewal.date),
                    "label": f"renewal {renewal.date.isoformat()}",
                }
            )
        )
    return out


def _review_facts(known: _Known, duties: Sequence[Duty]) -> list[dict[str, Any]]:
    """One fact per follow-up and evaluation: its outcome, whether it is the latest, the one
    before it, and by when a decision to end or convert is due after it (uppfoljning.3)."""
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
    follow_ups_due = sorted(((d.due, d.met_on) for d in duties if d.name == "follow-up"), key=lambda t: t[0])
    out = []
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
        out.append(
            _compact(
                {
                    "type": "review",
                    "path": path,
                    "kind": kind,
                    "date": to_day(date),
                    "outcome": _status(outcome),
                    "latest": date == latest,
                    "after_partly": previous is not None and previous[2] is Outcome.PARTLY_MEETS,
                    "repeated_partly": (
                        outcome is Outcome.PARTLY_MEETS
                        and previous is not None and previous[2] is Outcome.PARTLY_MEETS
                    ),
                    "decision_due": _day(decision_due),
                    "label": f"{kind} {date.isoformat()}",
                }
            )
        )
    return out


def _duty_facts(known: _Known, duties: Sequence[Duty]) -> list[dict[str, Any]]:
    """One fact per dated duty, met or not."""
    partnership = known.partnership
    return [
        _compact(
            {
                "type": "duty",
                "path": duty.path,
                "name": duty.name,
                "topic": duty.kind.topic,
                "due": to_day(duty.due),
                "basis": to_day(duty.basis),
                "met": duty.met_on is not None,
                "met_on": _day(duty.met_on),
                "status": duty.status(known.as_of),
                "undecided": duty.kind.topic == "risk" and any(
                    r.by is None and duty.basis <= r.date for r in partnership.risk_assessments
                ),
                "label": duty.label,
            }
        )
        for duty in duties
    ]


def _support_facts(known: _Known) -> list[dict[str, Any]]:
    """One fact per kind of administrative support (organisation.4), assigned or not."""
    assigned = set(known.partnership.admin_support)
    return [
        {"type": "support", "path": "admin_support", "kind": kind._value_, "assigned": kind in assigned}
        for kind in (AdminSupport.COORDINATION, AdminSupport.COMMUNICATION)
    ]


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


@attrs.frozen
class _Grounds:
    """What a party brings on urval.4's three grounds."""

    fields: tuple[str, ...]
    resources: int
    category: str | None
    new_category: bool


def _complementary(party: Party, own: frozenset[str], partnership_id: str, portfolio: Any) -> _Grounds:
    """urval.4 for one party: its FORD fields outside KI's own ``own``; the complementary
    approaches or resources it brings; its category outside academia (the public sector and
    government agencies, civil society, companies), and whether that category is new: none of
    KI's other active strategic partnerships in the portfolio has a partner of it (without a
    portfolio, every such category is new)."""
    category = partner_category(_status(party.kind))
    new = category is not None and (portfolio is None or not portfolio.category_established(category, partnership_id))
    return _Grounds(outside(party.fields, own), sum(1 for b in party.brings if b.strip()), category, new)


def _added_value(i: int, value: AddedValue) -> dict[str, Any]:
    return {
        "type": "added_value",
        "path": f"added_value[{i}]",
        "dimension": value.dimension._value_,
        "described": bool(value.description and value.description.strip()) or bool(value.aspects),
    }


def _peer_facts(partnership: Partnership, portfolio: Any, reading: str) -> list[dict[str, Any]]:
    """The facts comparing a proposal with the portfolio: shared partners, and the established
    strategic partnerships it overlaps under the ``overlap`` reading (urval.5)."""
    facts: list[dict[str, Any]] = []
    party_paths = {
        normalise(p.name): f"parties[{i}]"
        for i, p in enumerate(partnership.parties)
        if p.role is PartyRole.PARTNER
    }
    for overlap in portfolio.sharing_partners(partnership):
        peer = overlap.peer
        for partner in overlap.partners:
            facts.append(
                {
                    "type": "shared_partner",
                    "path": party_paths.get(normalise(partner), "parties"),
                    "partner": partner,
                    "peer_id": peer.id,
                    "peer_name": peer.name,
                    "peer_active_strategic": peer.active_strategic,
                    "label": f"{partner} / {peer.name}",
                }
            )
    established = portfolio.established(partnership, reading)
    if established.peers:
        facts.append(
            {
                "type": "overlap",
                "path": "portfolio",
                "established": len(established.peers),
                "names": "; ".join(p.name for p in established.peers),
                "ids": ", ".join(p.id for p in established.peers),
                "focus_overlap": ", ".join(established.focus_areas),
                "country_overlap": ", ".join(established.countries),
            }
        )
    return facts


def portfolio_facts(
    portfolio: Any, as_of: dt.date, interpretations: Interpretations, policy_in_force: dt.date
) -> list[dict[str, Any]]:
    """The facts of the portfolio-wide assessment: the assessment and the portfolio."""
    proposals = sum(1 for p in portfolio.partnerships if p.stage is Stage.PROPOSAL)
    return [
        assessment_fact(as_of, interpretations, policy_in_force),
        {
            "type": "portfolio",
            "path": "",
            "partnerships": len(portfolio.peers),
            "active_strategic": len(portfolio.active_strategic_ids),
            "proposals": proposals,
        },
    ]
