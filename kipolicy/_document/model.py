"""The fact model: what a user describes about a partnership.

Plain, frozen attrs classes. They know nothing about documents or the engine: turning a TOML or
JSON document into these classes is :mod:`kipolicy._document.read`' job, and turning them into
engine facts is :mod:`kipolicy._facts.facts`'. Use :func:`attrs.evolve` to make what-if variants.

Every enumeration's values are the strings a document uses (``"ki-wide"``, ``"in-place"``).
Fields whose words come from a controlled vocabulary (``metadata={"vocabulary": ...}``: roles,
levels of contact fora, countries, fields of research) hold the term's id once read from a
document; a partnership built in code is read the same way when it is checked (assessed).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Hashable

import attrs


__all__ = [
    "AddedValue",
    "AdminSupport",
    "Agreement",
    "Area",
    "AssessedBy",
    "Choice",
    "ContributionKind",
    "Decision",
    "Establishment",
    "Ethics",
    "EthicsAspect",
    "EthicsStatus",
    "Evaluation",
    "EvaluationPurpose",
    "Extension",
    "FieldValueError",
    "FollowUp",
    "Forum",
    "Initiative",
    "Level",
    "OpenEnded",
    "Outcome",
    "Partnership",
    "Party",
    "PartyKind",
    "PartyRole",
    "Reach",
    "Renewal",
    "Resourcing",
    "Risk",
    "RiskAssessment",
    "RiskLevel",
    "RiskPurpose",
    "Selection",
    "Stage",
    "SteeringGroup",
    "SteeringMember",
    "Strategy",
    "Termination",
    "TerminationKind",
    "TraitStatus",
    "Traits",
    "ValueDimension",
]


class Choice(str, enum.Enum):  # noqa: UP042 - the members compare equal to the documents' words
    """An enumeration whose values are the words a document uses."""

    def __str__(self) -> str:
        return self.value


class Level(Choice):
    """The level at which a partnership is entered (omfattning.2)."""

    KI_WIDE = "ki-wide"
    FACULTY = "faculty"
    DEPARTMENT = "department"
    RESEARCH_GROUP = "research-group"


class Stage(Choice):
    """Where the partnership is in its life."""

    PROPOSAL = "proposal"
    ACTIVE = "active"
    ENDED = "ended"


class PartyRole(Choice):
    """KI itself, or a partner organisation."""

    KI = "ki"
    PARTNER = "partner"


class PartyKind(Choice):
    """What kind of organisation a party is (definition.2)."""

    UNIVERSITY = "university"
    COMPANY = "company"
    GOVERNMENT_AGENCY = "government-agency"
    CIVIL_SOCIETY = "civil-society"
    PUBLIC_SECTOR = "public-sector"
    OTHER = "other"


class Reach(Choice):
    """Local, national or international partner (definition.1)."""

    LOCAL = "local"
    NATIONAL = "national"
    INTERNATIONAL = "international"
    #: An international organisation (e.g. WHO): international, with no country of its own.
    INTERNATIONAL_ORGANISATION = "international-organisation"


class TraitStatus(Choice):
    """How far a trait of the definition is met (definition.3-9)."""

    IN_PLACE = "in-place"
    JOINTLY_INTENDED = "jointly-intended"
    ABSENT = "absent"


class Area(Choice):
    """Areas of cooperation (definition.8)."""

    RESEARCH = "research"
    EDUCATION = "education"
    UTILISATION = "utilisation"


class ValueDimension(Choice):
    """The kinds of added value the policy names, each with its own section."""

    PERSPECTIVES = "perspectives"
    SHARED_RESOURCES = "shared-resources"
    INTERNATIONALISATION = "internationalisation"
    VISIBILITY = "visibility"


class EthicsStatus(Choice):
    """The result of assessing one ethical aspect (urval.6)."""

    FINE = "fine"
    CONCERN = "concern"
    NOT_ASSESSED = "not-assessed"


class EthicsAspect(Choice):
    """One of the four ethical aspects of urval.6."""

    ACADEMIC_FREEDOM = "academic-freedom"
    DEMOCRATIC_VALUES = "democratic-values"
    CRITICAL_REFLECTION = "critical-reflection"
    HIGH_QUALITY = "high-quality"


class AssessedBy(Choice):
    """Who made a risk assessment (risk.2)."""

    JOINT = "joint"
    KI = "ki"


class RiskPurpose(Choice):
    """Why a risk assessment was made (risk.1, risk.2)."""

    PREPARATION = "preparation"
    CONTINUOUS = "continuous"


class RiskLevel(Choice):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class ContributionKind(Choice):
    """How a partner contributes (resurssattning.1)."""

    CASH = "cash"
    IN_KIND = "in-kind"
    EXPERTISE = "expertise"


class Initiative(Choice):
    """Where the initiative came from (etablering.1-2)."""

    MANAGEMENT = "management"
    EXTERNAL_REQUEST = "external-request"
    INDIVIDUAL_STAFF = "individual-staff"
    OTHER = "other"
    UNKNOWN = "unknown"


class AdminSupport(Choice):
    """Administrative support assigned to the partnership (organisation.4)."""

    COORDINATION = "coordination"
    COMMUNICATION = "communication"
    OTHER = "other"


class Outcome(Choice):
    """The result of a follow-up or an evaluation (uppfoljning.2-3)."""

    MEETS = "meets"
    PARTLY_MEETS = "partly-meets"
    BELOW_EXPECTATIONS = "below-expectations"


class OpenEnded(Choice):
    """A term without an end: *tills vidare* (definition.6: an open-ended commitment is
    long-term)."""

    OPEN_ENDED = "open-ended"


class Extension(Choice):
    """How an agreement runs on past its end date without a renewal decision."""

    TACIT = "tacit"
    AUTOMATIC = "automatic"


class EvaluationPurpose(Choice):
    """Why an evaluation was made (uppfoljning.2: *inför beslut om eventuell förnyelse*)."""

    RENEWAL = "renewal"
    PERIODIC = "periodic"
    OTHER = "other"


class TerminationKind(Choice):
    """How a partnership stopped being a strategic one (uppfoljning.3)."""

    ENDED = "ended"
    CONVERTED = "converted"


class FieldValueError(ValueError):
    """A field's value is out of range; ``field`` names the field."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _unique(attribute_name: str):
    def check(instance: object, attribute: attrs.Attribute, value: tuple) -> None:  # noqa: ARG001
        seen: set[object] = set()
        if not isinstance(value, (tuple, list)):
            return  # a wrong type is reported when the partnership is checked
        for index, item in enumerate(value):
            key = getattr(item, attribute_name, None) if attribute_name else item
            if key is None or not isinstance(key, Hashable):
                continue
            if key in seen:
                what = f"{attribute_name} " if attribute_name else ""
                raise FieldValueError(
                    f"{attribute.name}[{index}]", f"duplicate {what}{str(key)!r}: expected each once"
                )
            seen.add(key)

    return check


# The validators below check what a value of the right type can get wrong; a value of a wrong
# type (possible in code, never from a document) is reported, with its field path, when the
# partnership is checked (kipolicy._document.read.checked) before it is assessed.


def _text(instance: object, attribute: attrs.Attribute, value: str) -> None:  # noqa: ARG001
    if isinstance(value, str) and not value.strip():
        raise FieldValueError(attribute.name, "expected a non-empty text")


def _non_negative(instance: object, attribute: attrs.Attribute, value: float | None) -> None:  # noqa: ARG001
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        raise FieldValueError(attribute.name, f"expected a number >= 0, got {value!r}")


@attrs.frozen
class Party:
    """KI or a partner organisation.

    Attributes:
        id: A short identifier, unique within the partnership, that other facts refer to
            (steering-group members, contact fora).
        name: The organisation's name.
        role: ``ki`` for Karolinska Institutet itself, ``partner`` for a partner organisation.
        kind: University, company, government agency, civil society, public sector or other;
            None (not stated) is unknown.
        reach: Local, national or international (definition.1).
        country: The country, ISO 3166-1: an alpha-2 or alpha-3 code or the country's English or
            Swedish name (``Germany``, ``DEU`` and ``DE`` are one country), kept as its alpha-2
            code. An international organisation has no country (give its ``seat``).
        seat: For an international organisation (``reach = international-organisation``), the
            country of its seat, if wanted: it is not the organisation's country and counts
            neither for overlaps (urval.5) nor for the reach (definition.1).
        fields: Fields of competence, from the OECD fields of research (FORD, Frascati 2015):
            a broad area or a field, by code (``3.3``), Statistics Sweden's code (``303``) or
            name (``Health sciences``, ``public health``); kept as the FORD code.
        management_engagement: Whether the party's management is engaged (definition.5);
            None (not stated) is unknown: an ``incomplete`` finding, never ``absent``.
        benefit: The benefit this party draws from the partnership (definition.7).
        contact_persons: Named contact persons at this party (organisation.2).
        brings: Complementary approaches or resources the party brings that KI lacks (urval.4:
            *komplementära angreppssätt, kompetenser och resurser*), e.g. a patient registry, engineering
            platforms; none stated if left out (the record itself is what urval.4 asks for).
        contribution: What this partner contributes to the joint activities (cash, in-kind,
            expertise): reciprocity is judged per partner (resurssattning.1). With one partner,
            ``resourcing.partner_contribution`` says the same.
    """

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    role: PartyRole = PartyRole.PARTNER
    kind: PartyKind | None = None
    reach: Reach | None = None
    country: str | None = attrs.field(default=None, metadata={"vocabulary": "countries"})
    seat: str | None = attrs.field(default=None, metadata={"vocabulary": "countries"})
    fields: tuple[str, ...] = attrs.field(default=(), metadata={"vocabulary": "fields"})
    management_engagement: TraitStatus | None = None
    benefit: str | None = None
    contact_persons: tuple[str, ...] = ()
    brings: tuple[str, ...] = ()
    contribution: tuple[ContributionKind, ...] = attrs.field(default=(), validator=_unique(""))


@attrs.frozen
class Traits:
    """The traits of the definition (definition.4-9).

    Attributes:
        formalised: Formalised, institution-wide cooperation (an agreement), trait 1.
        long_term: Long-term commitments, trait 3.
        commitment_years: How many years the parties commit to (or intend to), or
            ``open-ended`` (*tills vidare*: long-term). None (not stated) is unknown.
        common_goals: The common goals and challenges, trait 3.
        mutual_benefit: Mutual benefit no party could reach alone, trait 4.
        joint_value: The value generated jointly that no party could reach alone.
        areas: Cooperation areas and how far each is in place, trait 5.
        intentions_stated_jointly: Whether the intentions a trait rests on were stated jointly
            by the parties (definition.9).

    A trait left out (None) is unknown, not absent: the judgement whether the partnership is
    strategic awaits it.
    """

    formalised: TraitStatus | None = None
    long_term: TraitStatus | None = None
    commitment_years: float | OpenEnded | None = attrs.field(default=None, validator=_non_negative)
    common_goals: tuple[str, ...] = ()
    mutual_benefit: TraitStatus | None = None
    joint_value: str | None = None
    areas: dict[Area, TraitStatus] = attrs.field(factory=dict, hash=False)
    intentions_stated_jointly: bool | None = None


@attrs.frozen
class Strategy:
    """The link to KI's strategy (urval.3).

    Attributes:
        focus_areas: KI Strategy 2030 focus areas (insatsområden) the partnership supports.
        rationale: How the partnership supports them.
    """

    focus_areas: tuple[str, ...] = attrs.field(default=(), validator=_unique(""))
    rationale: str | None = None


@attrs.frozen
class Selection:
    """How the partner was chosen (urval.1: *ett urval måste ske bland möjliga partnerskap*).

    Attributes:
        alternatives: The other possible partners or partnerships that were considered.
        reason: Why this partner was chosen among them.
    """

    alternatives: tuple[str, ...] = ()
    reason: str | None = None


@attrs.frozen
class AddedValue:
    """One kind of added value claimed (mervarde.1 and the sections after it).

    Attributes:
        dimension: perspectives (perspektiv), shared-resources (resursdelning),
            internationalisation (internationalisering) or visibility (synlighet).
        description: What the added value is, in this partnership.
        aspects: Aspects of the dimension, e.g. interdisciplinarity, mobility, core facilities.
    """

    dimension: ValueDimension
    description: str | None = None
    aspects: tuple[str, ...] = ()


@attrs.frozen
class Ethics:
    """The ethics assessment of urval.6, one status per aspect.

    Attributes:
        academic_freedom: Can the partnership be run safeguarding academic freedom?
        democratic_values: ... safeguarding democratic values?
        critical_reflection: ... safeguarding critical reflection?
        high_quality: ... with high quality?
        note: How the assessment was made, or what the concerns are.

    An aspect left out (None) is unknown; ``not-assessed`` says it was not assessed.
    """

    academic_freedom: EthicsStatus | None = None
    democratic_values: EthicsStatus | None = None
    critical_reflection: EthicsStatus | None = None
    high_quality: EthicsStatus | None = None
    note: str | None = None


@attrs.frozen
class Risk:
    """One identified risk.

    Attributes:
        description: What the risk is.
        level: low, medium or high.
    """

    description: str = attrs.field(validator=_text)
    level: RiskLevel = RiskLevel.MEDIUM


@attrs.frozen
class RiskAssessment:
    """A risk assessment (risk.1-4).

    Attributes:
        date: When it was made.
        by: ``joint`` (together with the partner) or ``ki`` (by KI alone); None (not stated) is
            unknown: the assessment meets neither continuous duty for sure.
        purpose: ``preparation`` of the proposal, or ``continuous`` within the partnership.
            None (not recorded): inferred from the date (before the decision, or with no
            decision during the proposal stage or before the start: preparation).
        risks: The risks identified.
        weighed_against_benefit: Whether the risks were weighed against the potential benefit;
            None (not recorded) is unknown.
        external_support: Whether external support was used.
        ethics_concerns: The ethical aspects of urval.6 the assessment names as a concern
            (``academic-freedom``, ``democratic-values``, ``critical-reflection``,
            ``high-quality``): a concern raised while the partnership runs is weighed in the
            continuous risk assessment (risk.2).
    """

    date: dt.date
    by: AssessedBy | None = None
    purpose: RiskPurpose | None = None
    risks: tuple[Risk, ...] = ()
    weighed_against_benefit: bool | None = None
    external_support: bool | None = None
    ethics_concerns: tuple[EthicsAspect, ...] = attrs.field(default=(), validator=_unique(""))


@attrs.frozen
class Resourcing:
    """Funding of the partnership (resurssattning.1-4).

    Attributes:
        ki_funding: Whether KI offers funding for joint activities; None (not stated) is unknown.
        ki_funding_amount: The amount offered per year (in SEK), if known.
        ki_funding_years: For how many years KI commits funding.
        level_agreed_with_partner: Whether the level was set in consultation with the partner.
        partner_contribution: What the partner contributes (cash, in kind); empty: nothing.
        external_funds: External funds used or considered (names of funders or programmes).
    """

    ki_funding: bool | None = None
    ki_funding_amount: float | None = attrs.field(default=None, validator=_non_negative)
    ki_funding_years: float | None = attrs.field(default=None, validator=_non_negative)
    level_agreed_with_partner: bool | None = None
    partner_contribution: tuple[ContributionKind, ...] = attrs.field(
        default=(), validator=_unique("")
    )
    external_funds: tuple[str, ...] = ()


@attrs.frozen
class Decision:
    """The decision to enter the partnership (etablering.3).

    Attributes:
        date: When it was taken.
        by: The deciding role, from the role vocabulary (``rektor``, or its English title
            ``President``, or ``Vice-Chancellor``: one role; ``kipolicy vocabularies roles``
            lists them), checked against ``decision-authorities``.
    """

    date: dt.date
    by: str = attrs.field(validator=_text, metadata={"vocabulary": "roles"})


@attrs.frozen
class Establishment:
    """How the partnership came about (etablering.1-3).

    Attributes:
        initiative: management, external-request, individual-staff, other or unknown.
        decision: The decision to enter the partnership, once taken.
        planned_decision: For a proposal, the day the decision is planned for: the risk
            assessment of the preparation falls due then (risk.1).
        phase_ends: The last day of the establishment phase (resurssattning.2's
            *etableringsfas*, e.g. the end of KI's start-up funding): the start-up phase of
            definition.9 ends after it. When not given, the start-up phase is
            ``startup-months`` after the start.
    """

    initiative: Initiative = Initiative.UNKNOWN
    decision: Decision | None = None
    planned_decision: dt.date | None = None
    phase_ends: dt.date | None = None


@attrs.frozen
class SteeringMember:
    """A member of the steering group.

    Attributes:
        party: The ``id`` of the party the member represents.
        name: The member's name or role.
        management_representative: Whether the member represents the party's management.
    """

    party: str = attrs.field(validator=_text)
    name: str | None = None
    management_representative: bool = False


@attrs.frozen
class SteeringGroup:
    """The steering group or equivalent (organisation.1).

    Attributes:
        name: Its name.
        members: Its members, each representing a party.
    """

    name: str | None = None
    members: tuple[SteeringMember, ...] = ()


@attrs.frozen
class Forum:
    """A contact forum and the level within the partnership it sits at (organisation.3).

    Attributes:
        name: Its name.
        level: The level it sits at, from the level vocabulary: management (alias
            leadership), operational (research and teaching staff), administrative or student.
        parties: The ids of the parties taking part.
    """

    name: str = attrs.field(validator=_text)
    level: str = attrs.field(validator=_text, metadata={"vocabulary": "fora-levels"})
    parties: tuple[str, ...] = ()


@attrs.frozen
class Renewal:
    """A renewal of the agreement, and the evaluation (by id) that preceded it.

    Attributes:
        date: When the renewal was decided.
        until: The agreement's new end date.
        evaluation: The id of the evaluation made before the decision.
        by: The role that decided the renewal, from the role vocabulary (a renewal is a
            decision to enter again, etablering.3), if the document gives it.
    """

    date: dt.date
    until: dt.date | None = None
    evaluation: str | None = None
    by: str | None = attrs.field(default=None, metadata={"vocabulary": "roles"})


@attrs.frozen
class Agreement:
    """The cooperation agreement (definition.4, uppfoljning.2).

    Attributes:
        signed: When it was signed.
        ends: The last day it is in force (before any renewal).
        renewals: Renewals decided, oldest first.
        extension: ``tacit`` or ``automatic`` if the agreement runs on past its end date
            without a renewal decision (it has then not expired); None if it does not.
        open_ended: True if the agreement runs until further notice (*tills vidare*), with no
            end date: there is no renewal to evaluate before, and an evaluation is recommended
            from time to time instead (uppfoljning.1).
    """

    signed: dt.date | None = None
    ends: dt.date | None = None
    renewals: tuple[Renewal, ...] = ()
    extension: Extension | None = None
    open_ended: bool | None = None


@attrs.frozen
class FollowUp:
    """An annual follow-up (uppfoljning.2).

    Attributes:
        date: When it was made.
        outcome: meets, partly-meets or below-expectations; None (not recorded) is unknown.
        note: What it found.
    """

    date: dt.date
    outcome: Outcome | None = None
    note: str | None = None


@attrs.frozen
class Evaluation:
    """An evaluation, e.g. before a renewal (uppfoljning.2).

    Attributes:
        id: An id that a renewal can refer to.
        date: When it was made.
        purpose: renewal, periodic or other; None if not recorded.
        outcome: meets, partly-meets or below-expectations; None (not recorded) is unknown.
    """

    id: str = attrs.field(validator=_text)
    date: dt.date = attrs.field()
    purpose: EvaluationPurpose | None = None
    outcome: Outcome | None = None


@attrs.frozen
class Termination:
    """The partnership ended, or continued in another form (uppfoljning.3).

    Attributes:
        date: When.
        kind: ended, or converted to another form of cooperation.
        new_form: The form it continues in, if converted.
    """

    date: dt.date
    kind: TerminationKind = TerminationKind.ENDED
    new_form: str | None = None


@attrs.frozen
class Partnership:
    """One partnership, as described by its document.

    Attributes:
        id: A stable identifier.
        name: The partnership's name.
        level: The level at which it is entered (omfattning.2).
        stage: ``proposal``, ``active`` or ``ended``.
        started: When the cooperation started (defaults, for dates that count from the start,
            to the agreement's signing date, then to the decision date).
        parties: KI and the partner organisations.
        traits: The definition's traits.
        strategy: The link to KI's strategy.
        selection: How the partner was chosen among the possible ones.
        added_value: The added value claimed, one entry per dimension.
        ethics: The ethics assessment.
        risk_assessments: Risk assessments made.
        resourcing: Funding.
        establishment: Initiative and decision.
        steering_group: The steering group or equivalent, if any.
        fora: Contact fora.
        admin_support: Administrative support assigned.
        agreement: The cooperation agreement.
        follow_ups: Annual follow-ups made.
        evaluations: Evaluations made.
        termination: How it ended or was converted, if it was.
    """

    id: str = attrs.field(validator=_text)
    name: str = attrs.field(validator=_text)
    level: Level
    stage: Stage
    started: dt.date | None = None
    parties: tuple[Party, ...] = attrs.field(default=(), validator=_unique("id"))
    traits: Traits = attrs.field(factory=Traits)
    strategy: Strategy = attrs.field(factory=Strategy)
    selection: Selection = attrs.field(factory=Selection)
    added_value: tuple[AddedValue, ...] = attrs.field(default=(), validator=_unique("dimension"))
    ethics: Ethics = attrs.field(factory=Ethics)
    risk_assessments: tuple[RiskAssessment, ...] = ()
    resourcing: Resourcing = attrs.field(factory=Resourcing)
    establishment: Establishment = attrs.field(factory=Establishment)
    steering_group: SteeringGroup | None = None
    fora: tuple[Forum, ...] = ()
    admin_support: tuple[AdminSupport, ...] = attrs.field(default=(), validator=_unique(""))
    agreement: Agreement = attrs.field(factory=Agreement)
    follow_ups: tuple[FollowUp, ...] = ()
    evaluations: tuple[Evaluation, ...] = attrs.field(default=(), validator=_unique("id"))
    termination: Termination | None = None

    @property
    def ki(self) -> Party | None:
        """KI's own party, if the document names it."""
        return next((p for p in self.parties if p.role is PartyRole.KI), None)

    @property
    def partners(self) -> tuple[Party, ...]:
        """The partner organisations."""
        return tuple(p for p in self.parties if p.role is PartyRole.PARTNER)

    @property
    def start_date(self) -> dt.date | None:
        """The date the partnership counts from: started, else signed, else decided."""
        if self.started is not None:
            return self.started
        if self.agreement.signed is not None:
            return self.agreement.signed
        if self.establishment.decision is not None:
            return self.establishment.decision.date
        return None

    @property
    def entered(self) -> dt.date | None:
        """The date it was entered: the decision, else the start."""
        if self.establishment.decision is not None:
            return self.establishment.decision.date
        return self.start_date
