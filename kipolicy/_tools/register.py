"""The interpretation register: for each named interpretation, the policy's own words, the
default reading and why, the alternatives, and the rules each reading changes.

The words, reasons and alternatives are written here; which rules a reading changes is computed
from the rule book (a rule whose conditions read the interpretation, a fact computed with it, or
that has a reading under it), so the register cannot drift from the rules.
``docs/interpretations.md`` is generated from it and checked by a test.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from .._facts.facts import FACT_TYPES
from .._policy.interpretations import INTERPRETATIONS
from .._policy.text import policy
from .._rules.ast import Ref, Rule
from .._rules.book import RuleBook, default_rules

__all__ = ["REGISTER", "Entry", "computed_with", "interpretation_register", "rules_changed_by"]


@attrs.frozen
class Entry:
    """What the register says of one interpretation.

    Attributes:
        quotes: The units whose words raise the question.
        default_reason: Why the default reading is the default.
        alternatives: Each other reading and what it means.

    The fact fields computed with the interpretation are declared with the fields
    (:attr:`Field.computed_with <kipolicy._facts.facts.Field.computed_with>`); :func:`computed_with`
    lists them.
    """

    quotes: tuple[str, ...]
    default_reason: str
    alternatives: Mapping[str, str]


def computed_with(name: str) -> tuple[str, ...]:
    """The fact fields computed with the interpretation ``name``, as ``type.field`` or
    ``type.field[f=v]`` (only the facts whose field ``f`` is ``v``)."""
    out = []
    for fact_type in FACT_TYPES.values():
        for field_name, field in fact_type.fields.items():
            for declared in field.computed_with:
                interpretation, _, facts = declared.partition("[")
                if interpretation == name:
                    out.append(f"{fact_type.name}.{field_name}" + (f"[{facts}" if facts else ""))
    return tuple(out)


REGISTER: dict[str, Entry] = {
    "scope-on-definition": Entry(
        ("omfattning.2", "definition.3"),
        "A proposal that fails a trait should see every other gap too; the policy's purpose is to "
        "support work on partnerships (syfte.2), which a full list of gaps serves better.",
        {"strict": "A partnership that fails the definition is outside the policy (omfattning.2): "
                   "only the definition's findings are given. A running partnership whose "
                   "traits lapsed (its agreement ended without renewal, or its start-up phase "
                   "ended with a trait still intended only) and failed no other way keeps its "
                   "follow-up, evaluation and ending duties (uppfoljning.2-3 matter most exactly "
                   "then; rev. 2)."},
    ),
    "traits-required": Entry(
        ("definition.3", "definition.8"),
        "definition.8 says partnerships are *often* (\"ofta\") broad: breadth is typical, not "
        "necessary; the four other traits are stated without such a qualifier.",
        {"all-five": "Breadth (definition.8) is required too: fewer than two areas fails the definition."},
    ),
    "retroactivity": Entry(
        ("dokument.2",),
        "A policy in force from 2023-02-21 cannot have governed how a partnership was prepared "
        "and entered before that day; its ongoing duties can apply from that day on.",
        {"full": "Every rule applies to every partnership, with dates as they are."},
    ),
    "geography": Entry(
        ("definition.1",),
        "definition.1 names local, national and international partners in so many words; the "
        "title's \"internationella\" names the typical case.",
        {"international-only": "A partnership with no international partner is out of scope."},
    ),
    "startup-months": Entry(
        ("definition.9",),
        "The start-up phase is the establishment phase the document states "
        "(`establishment.phase_ends`: resurssattning.2's *etableringsfas*, e.g. the end of KI's "
        "start-up funding); only when none is stated is it this many months. The policy does not "
        "say how long it is; a year matches the annual follow-up (uppfoljning.2), after which "
        "the intentions should have become practice. A number chosen, not read (*läsart utan "
        "textstöd*).",
        {"any whole number": "Intentions count while a proposal and this many months after the start."},
    ),
    "long-term-years": Entry(
        ("definition.6", "resurssattning.2"),
        "resurssattning.2 speaks of funding \"under en period av flera år\"; three years is the "
        "least that is \"flera\" (several), and the same reading serves definition.6.",
        {"any number": "Commitments of at least this many years are long-term (and funding for "
                       "this many years is multi-year)."},
    ),
    "follow-up-cadence": Entry(
        ("uppfoljning.2",),
        "\"Årligen\" read as a rolling year keeps follow-ups about twelve months apart; a "
        "calendar-year reading would allow almost two years between two of them.",
        {"calendar-year": "One follow-up in each calendar year after the start's, due by 31 December."},
    ),
    "risk-interval-months": Entry(
        ("risk.2",),
        "\"Kontinuerligt\" gives no interval; a yearly reassessment matches the annual follow-up.",
        {"any whole number": "Each of the joint and the KI assessment falls due this many months "
                             "after the last of its kind."},
    ),
    "decision-authorities": Entry(
        ("etablering.3",),
        "The policy itself was decided by the President (rektor, dokument.4); without the delegation "
        "order, only the President (rektor) is known to be authorised.",
        {"a list of roles": "The roles of the delegation order in force, from the role vocabulary.",
         "periods": "The delegation order as it was revised: [{from = DATE, names = [...]}, ...]; "
                    "a decision (or a renewal) is judged against the order in force on its date "
                    "(*gällande* besluts- och delegationsordningar)."},
    ),
    "expired-agreement": Entry(
        ("definition.4", "uppfoljning.2"),
        "definition.4 asks for *formaliserat samarbete*: the agreement is the formalisation, so "
        "when it has ended without a renewal (uppfoljning.2: *förnyelse av samarbetsavtal*) or a "
        "tacit or automatic extension, the cooperation is no longer formalised, whatever the "
        "document's trait field says, and the partnership is not strategic until it is renewed.",
        {"as-stated": "Revision 1: the trait as the document states it, and a separate warning "
                      "that the agreement has expired (uppfoljning.agreement-expired)."},
    ),
    "intentions-after-startup": Entry(
        ("definition.9",),
        "*I ett uppstartsskede … görs utifrån de intentioner som parterna gemensamt uttalat*: "
        "intentions stand in for a trait only in the start-up phase. Read a contrario, "
        "once it is over the judgement rests on what is in place, so a trait that still rests on "
        "intentions fails.",
        {"warn": "Revision 1: a warning, and the trait still counts (the partnership stays strategic)."},
    ),
    "selection-scope": Entry(
        ("urval.2", "urval.3", "urval.6"),
        "urval.2 names when the criteria *ska följande urvalsgrunder beaktas* (when a new partnership is considered), but "
        "urval.3 says *De strategiska partnerskapen ska stödja genomförandet av de övergripande målsättningarna i KI:s strategi* and "
        "urval.6 that a strategic partnership *ska kunna bedrivas* with an ethical approach: "
        "standing conditions of a running partnership. For an active partnership entered under "
        "the policy an unstated strategy link is incomplete (the record should show it), a named "
        "focus area outside the configured list, an aspect not assessed, or a concern are "
        "findings as for a proposal (a concern arising while it runs is weighed under risk.2). "
        "The prioritisation criteria (complementary, overlap, already strategic, capacity) stay "
        "with proposals.",
        {"proposals-only": "Revision 1: the strategy link and the ethics assessment are judged for "
                           "proposals only (urval.2: *vid överväganden om nytt strategiskt partnerskap*)."},
    ),
    "overlap": Entry(
        ("urval.5",),
        "The new partnership shall *komplettera … i fråga om inriktning och profil*: orientation is what the partnership works on (its focus "
        "areas of KI's strategy), profile who and where it is with (its partners' countries); "
        "both must match for a new partnership not to complement an established one. Countries "
        "are compared as ISO codes, focus areas without case and spacing.",
        {"area-only": "A focus area in common is enough: a new partnership in the same focus "
                      "area as an established one, wherever its partner is, does not complement it."},
    ),
    "ki-funding": Entry(
        ("resurssattning.1",),
        "*ska KI kunna erbjuda finansiering* says what KI must be able to do (*kunna*): a capacity "
        "that creates the conditions for long-term partnerships, not a duty to fund every one. "
        "Where nothing funds the joint activities the long-term commitment of definition.6 is at "
        "risk (a warning); where the partner or external funds carry them, it is noted.",
        {"per-partnership": "Revision 1: a departure whenever KI offers no funding of joint activities."},
    ),
    "underperformance": Entry(
        ("uppfoljning.3",),
        "*Partnerskap som inte utvecklas i enlighet med förväntningar*: a partnership whose "
        "follow-ups or evaluations twice in a row find it only partly meeting expectations is "
        "not developing as expected either, only less starkly than one below them; it is a "
        "warning, not a departure, because the text leaves the degree open.",
        {"below-only": "Revision 1: only a latest follow-up or evaluation below expectations counts."},
    ),
    "underperformance-decision": Entry(
        ("uppfoljning.3", "uppfoljning.2"),
        "The decision to end or convert the partnership needs time, and uppfoljning.3 sets no "
        "deadline; the annual follow-up of uppfoljning.2 (*årligen*) is the policy's own rhythm, "
        "so the decision is due by the next follow-up after the one that showed it (the date "
        "that follow-up falls due under `follow-up-cadence`; an earlier follow-up that again "
        "finds it below expectations does not move it). Until then it is an obligation, after "
        "it a departure. The anchor is read, the length follows from it.",
        {"a whole number of months": "The decision is due this many months after the follow-up "
                                     "or evaluation that showed it."},
    ),
    "evaluation-window-months": Entry(
        ("uppfoljning.2",),
        "*Inför beslut om eventuell förnyelse* names a purpose: an evaluation recorded as made for the "
        "renewal counts whatever its date; one made for another purpose, or none recorded, "
        "serves the decision only if it is recent — by default within one follow-up cycle (12 "
        "months) before the renewal decision or the end of the agreement. An evaluation made a "
        "month after the start, five years before the renewal, is not one made ahead of it. "
        "The twelve months are a number chosen, not read (*läsart utan textstöd*).",
        {"any whole number of months": "Evaluations without the renewal as their purpose count "
                                       "when made within this many months before.",
         "since-last-renewal": "Revision 1: any evaluation since the start or the last renewal counts."},
    ),
    "open-ended-evaluation-years": Entry(
        ("uppfoljning.1", "resurssattning.2"),
        "An agreement until further notice has no renewal to evaluate before, yet uppfoljning.1 "
        "asks that a partnership *fortlöpande … utvärderas och omprövas*. The natural moment is "
        "the end of KI's multi-year funding commitment (resurssattning.2); where none is stated, "
        "every five years — a number chosen, not read (*läsart utan textstöd*): longer than the "
        "long-term threshold of three years, short enough to reconsider within a strategy period.",
        {"any whole number of years": "An evaluation is recommended this many years after the "
                                      "start or the last evaluation."},
    ),
    "fora-levels": Entry(
        ("organisation.3", "organisation.2"),
        "*Flera olika nivåer* reads as two, the least that is several, because levels are few: "
        "the level vocabulary has four (management, operational, administrative, student), and "
        "organisation.2's purpose — bridging a change of managers or other key people — is "
        "served once contact runs on a second level besides management. *Flera år* reads as "
        "three (long-term-years) because years of commitment are many. A number chosen, not "
        "read (*läsart utan textstöd*).",
        {"any whole number from 2 to 4": "Contact fora must sit on at least this many levels of "
                                         "the vocabulary (the steering group counting as management)."},
    ),
    "due-soon-days": Entry(
        ("uppfoljning.2", "risk.2"),
        "Two months give time to plan a follow-up or a risk assessment.",
        {"any whole number": "A duty due within this many days is an obligation finding."},
    ),
    "renewal-lead-months": Entry(
        ("uppfoljning.2",),
        "An evaluation that a renewal decision can rest on takes months; six leaves time for it "
        "and for the decision.",
        {"any whole number": "An agreement ending within this many months needs its evaluation planned."},
    ),
    "capacity": Entry(
        ("urval.1",),
        "The policy says capacity is limited but sets no number: none is assessed until one is set.",
        {"a whole number": "The number of active strategic partnerships KI can run."},
    ),
    "focus-areas": Entry(
        ("urval.3",),
        "The policy names no list of focus areas: any name is accepted until the list is set.",
        {"a list of names": "Only these names count as Strategy 2030 focus areas.",
         "periods": "The focus areas of each strategy period: [{from = DATE, names = [...]}, ...]; "
                    "a partnership is judged against the list in force at its decision (a proposal: "
                    "on the day assessed), so a successor strategy does not turn running "
                    "partnerships into departures."},
    ),
}


def _reads(rule: Rule) -> set[str]:
    """Every ``type.field`` a rule's conditions read (clauses and references), also as
    ``type.field[f=v]`` where the same condition requires ``f == 'v'``."""
    out = set()
    for alternative in rule.alternatives:
        aliases = alternative.aliases()
        for condition in alternative.conditions:
            fixed = [f"[{c.field}={c.operand}]" for c in condition.where if c.op == "==" and isinstance(c.operand, str)]
            for clause in condition.where:
                read = f"{condition.fact_type}.{clause.field}"
                out.add(read)
                out.update(read + f for f in fixed)
                if isinstance(clause.operand, Ref) and clause.operand.alias in aliases:
                    out.add(f"{aliases[clause.operand.alias]}.{clause.operand.field}")
    return out


def rules_changed_by(name: str, rules: RuleBook | None = None) -> list[tuple[str, str]]:
    """The rules a reading of ``name`` changes, each with how: (rule id, how)."""
    book = rules if rules is not None else default_rules()
    interpretation = INTERPRETATIONS[name]
    direct = f"assessment.{interpretation.field}"
    out = []
    for rule in book:
        how = []
        reads = _reads(rule)
        if direct in reads:
            how.append("its conditions read it")
        computed = sorted({f.split("[")[0] for f in computed_with(name) if f in reads})
        if computed:
            how.append("reads " + ", ".join(f"`{f}`" for f in computed))
        if how:
            out.append((rule.id, "; ".join(how)))
    return out


def interpretation_register(rules: RuleBook | None = None) -> str:
    """docs/interpretations.md: the register as Markdown."""
    pol = policy()
    lines = [
        "# Interpretation register",
        "",
        "Where the policy's words leave a question open, kipolicy names the question, takes a",
        "default reading, and lets an assessment switch to another (`interpretations={...}` in",
        "Python, `--set NAME=VALUE` on the command line). Generated by `python docs/refresh.py`",
        "from `kipolicy/_tools/register.py` and the rules; a test fails when it is stale. Readings taken",
        "without a switch are in [readings.md](readings.md).",
        "",
        "| name | default | the question |",
        "|---|---|---|",
    ]
    for name, interpretation in INTERPRETATIONS.items():
        default = interpretation.default
        shown = "none" if default is None else (", ".join(default) if isinstance(default, tuple) else default)
        lines.append(f"| [`{name}`](#{name}) | `{shown}` | {interpretation.question} |")
    lines.append("")
    for name, interpretation in INTERPRETATIONS.items():
        entry = REGISTER[name]
        default = interpretation.default
        shown = "none" if default is None else (", ".join(default) if isinstance(default, tuple) else default)
        lines += [f"## {name}", "", interpretation.question, ""]
        for unit_id in entry.quotes:
            unit = pol.unit(unit_id)
            lines += [f"> **{unit.id}** {unit.text_sv}", ">", f"> *{unit.text_en}*", ""]
        lines += [f"**Default:** `{shown}`. {entry.default_reason}", ""]
        lines.append("**Alternatives:**")
        lines.append("")
        for value, meaning in entry.alternatives.items():
            lines.append(f"- `{value}`: {meaning}")
        lines.append("")
        changed = rules_changed_by(name, rules)
        lines.append("**Rules it changes:**")
        lines.append("")
        lines += [f"- `{rule_id}` ({how})" for rule_id, how in changed] or ["- none yet"]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
