"""The rule language's syntax tree: what a loaded rule is, and what its parts mean.

A rule file (``rules/*.toml``, :mod:`.syntax` gives its form) is structured and checked into
these classes by :func:`kipolicy.load_rules` (:mod:`.book`). Three readers walk the same tree
(:class:`ConditionVisitor`): the durable-rules compiler (:mod:`.durable`), the plain-Python
evaluation (:mod:`.evaluate`: the plain engine and why-not answers) and the description in
words (:func:`describe_condition`: the rule reference, explanations and the register).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .._policy.words import phrases

#: What a visitor makes of a clause, and of a condition.
C = TypeVar("C")
R = TypeVar("R")

__all__ = [
    "FIELD_TYPES",
    "KINDS",
    "NAME_PATTERN",
    "OPERATORS",
    "OUTCOMES",
    "PLACEHOLDER",
    "REF_PATTERN",
    "RULE_ID_PATTERN",
    "STEPS",
    "WOULD_BE_KINDS",
    "Alternative",
    "Clause",
    "Condition",
    "ConditionVisitor",
    "Derivation",
    "Effect",
    "Ref",
    "Rule",
    "describe_condition",
    "parse_clause",
    "parse_ref",
]

#: Finding kinds, from the most to the least serious.
KINDS: tuple[str, ...] = ("violation", "warning", "incomplete", "obligation", "recommendation", "note")
#: The kinds an ``incomplete`` finding can stand in for: a missing fact is reported only where
#: it could decide a violation or a warning (rules-catalogue rev. 2, principle 1).
WOULD_BE_KINDS: tuple[str, ...] = ("violation", "warning")

#: The outcomes a rule may conclude (``concludes = "..."``, or a list of them), each a value of
#: a report field: ``Report.is_strategic`` is True when a rule concluding ``strategic`` fired,
#: False when one concluding ``not-strategic`` did, None when neither did (the definition was
#: not reached, or awaits a missing fact); ``Report.in_scope`` is False when a rule concluding
#: ``out-of-scope`` fired (the policy not in force, a partnership outside its scope), else True.
OUTCOMES: dict[str, tuple[str, bool]] = {
    "strategic": ("is_strategic", True),
    "not-strategic": ("is_strategic", False),
    "out-of-scope": ("in_scope", False),
}

#: When rules run, in order. A rule that ``halts`` stops every later step.
STEPS: tuple[str, ...] = ("in-force", "scope", "definition", "policy")

OPERATORS = ("==", "!=", "<", "<=", ">", ">=")
FIELD_TYPES = ("text", "int", "number", "bool", "date")

NAME_PATTERN = r"[a-z_][a-z0-9_]*"
_CLAUSE = re.compile(
    rf"^\s*(?P<field>{NAME_PATTERN})\s*(?:(?P<op>==|!=|<=|>=|<|>)\s*(?P<operand>.+?)"
    rf"|in\s*\[(?P<values>.*)\]|is\s+(?P<presence>missing|present))\s*$"
)
_LIST_ITEM = re.compile(r"\s*('[^']*'|\"[^\"]*\"|[^,'\"]+?)\s*(?:,|$)")
REF_PATTERN = re.compile(rf"^(?P<alias>{NAME_PATTERN})\.(?P<field>{NAME_PATTERN})$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
RULE_ID_PATTERN = re.compile(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$")


@attrs.frozen
class Ref:
    """A reference to a field of a fact matched earlier in the rule (``party.name``)."""

    alias: str
    field: str

    def __str__(self) -> str:
        return f"{self.alias}.{self.field}"


@attrs.frozen
class Clause:
    """One comparison: ``field op operand``; op ``missing``/``present`` takes no operand, op
    ``in`` a tuple of literals (the field equals one of them: the rule language's one way to
    say "or" within a field; across fields, a rule has alternatives)."""

    field: str
    op: str
    operand: Any = None
    text: str = ""

    def __str__(self) -> str:
        return self.text or f"{self.field} {self.op} {self.operand!r}"


@attrs.frozen
class Condition:
    """There is (``negated`` false) or there is no (true) fact of ``fact_type`` such that ...

    Attributes:
        fact_type: The fact type.
        alias: The name the rule uses for the matched fact.
        where: Clauses that must all hold.
        negated: "there is no such fact".
    """

    fact_type: str
    alias: str
    where: tuple[Clause, ...] = ()
    negated: bool = False


class ConditionVisitor(Generic[C, R]):
    """A reader of the syntax tree: what it makes of each clause, then of a condition from what
    its clauses made. The three readers of the rule language are visitors: the durable-rules
    compiler (a clause → an engine expression, :mod:`.durable`), the plain-Python evaluation (a
    clause → a test, :mod:`.evaluate`) and the description in words (a clause → its text,
    :func:`describe_condition`)."""

    def clause(self, clause: Clause) -> C:
        raise NotImplementedError

    def condition(self, condition: Condition, clauses: list[C]) -> R:
        raise NotImplementedError

    def visit(self, condition: Condition) -> R:
        """What this reader makes of ``condition``."""
        return self.condition(condition, [self.clause(c) for c in condition.where])


class _Describer(ConditionVisitor[str, str]):
    def __init__(self, lang: str, markdown: bool) -> None:
        self.words = phrases("conditions", lang)
        self.markdown = markdown

    def clause(self, clause: Clause) -> str:
        # The clauses stay as the rule file writes them.
        return f"`{clause}`" if self.markdown else str(clause)

    def condition(self, condition: Condition, clauses: list[str]) -> str:
        w = self.words
        such = (w["where"] + w["and"].join(clauses)) if clauses else ""
        fact = "fact_an" if condition.fact_type[:1] in "aeiou" else "fact_a"
        if self.markdown:
            if condition.negated:
                return w["md_no_fact"].format(type=condition.fact_type) + such
            alias = w["md_alias"].format(alias=condition.alias) if condition.alias != condition.fact_type else ""
            return w[f"md_{fact}"].format(type=condition.fact_type, alias=alias) + such
        return w["no_fact" if condition.negated else fact].format(type=condition.fact_type) + such


def describe_condition(condition: Condition, lang: str = "en", *, markdown: bool = False) -> str:
    """A condition in words, in ``lang``: plain (``a trait where status == 'absent'``, for
    explanations and why-not answers) or Markdown (``there is a `trait` fact where
    `status == 'absent'```, for the rule reference). The clauses stay as the rule file writes
    them."""
    return _Describer(lang, markdown).visit(condition)


@attrs.frozen
class Alternative:
    """One way for a rule to fire: its conditions, the alias of its subject and, if it differs
    from the rule's, its own kind, cited units, message, remedy or (for an ``incomplete`` rule)
    the kind the needing rules would give, whether it halts, what it derives and the outcomes it
    concludes. ``keeps``: when the rule halts through this alternative, the policy sections whose
    rules of later steps are still assessed. An alternative that depends on an interpretation says so with a condition
    on the ``assessment`` fact."""

    conditions: tuple[Condition, ...]
    subject: str
    kind: str | None = None
    cites: tuple[str, ...] | None = None
    message: Mapping[str, str] | None = None
    remedy: Mapping[str, str] | None = None
    would_be: str | None = None
    keeps: tuple[str, ...] = ()
    halts: bool | None = None
    derive: tuple[Derivation, ...] | None = None
    concludes: tuple[str, ...] | None = None

    def aliases(self) -> dict[str, str]:
        """Alias → fact type, for the positive conditions."""
        return {c.alias: c.fact_type for c in self.conditions if not c.negated}


@attrs.frozen
class Derivation:
    """A fact the rule derives when it fires: its type and field values (literals or refs)."""

    fact_type: str
    values: Mapping[str, Any]


@attrs.frozen
class Effect:
    """What a firing of one alternative does: its kind, whether it halts, what it derives."""

    kind: str
    halts: bool
    derive: tuple[Derivation, ...]


@attrs.frozen
class Rule:
    """A rule, as loaded from its rule file.

    Attributes:
        id: The stable id, ``<section>.<name>``.
        section: The policy section the rule belongs to.
        kind: ``violation``, ``warning``, ``obligation``, ``recommendation`` or ``note``.
        modality: The modality of the policy's own words the rule encodes.
        cites: The policy units it cites, most relevant first.
        title: Title by language (``sv``, ``en``).
        message: Message by language, with ``{alias.field}`` placeholders.
        remedy: Remedy by language.
        alternatives: The ways it can fire (one for most rules).
        step: When it runs.
        halts: Whether nothing of a later step is assessed once it fires.
        derive: Facts it derives when it fires.
        file: The rule file it comes from.
        due: The date field that gives a finding's due date, if any.
        would_be: For a rule of kind ``incomplete`` (a fact the policy needs is missing), the
            kind the rules in ``needs`` would give if the fact turned out unfavourable.
        needs: For a rule of kind ``incomplete``, the rules that need the missing fact.
        concludes: The outcomes of the report the rule's firing concludes (keys of
            :data:`OUTCOMES`), unless an alternative gives its own.
    """

    id: str
    section: str
    kind: str
    modality: str
    cites: tuple[str, ...]
    title: Mapping[str, str]
    message: Mapping[str, str]
    remedy: Mapping[str, str]
    alternatives: tuple[Alternative, ...]
    step: str
    halts: bool = False
    derive: tuple[Derivation, ...] = ()
    file: str = ""
    due: Ref | None = None
    would_be: str | None = None
    needs: tuple[str, ...] = ()
    concludes: tuple[str, ...] = ()

    @property
    def retroactive(self) -> bool:
        """False for a rule about how a partnership was prepared and entered: every alternative
        requires ``under_policy == true`` of the partnership fact (the policy's reach: under
        ``retroactivity = ongoing-only`` it does not apply to a partnership entered before the
        policy came into force)."""
        return not all(
            any(
                c.fact_type == "partnership" and not c.negated
                and any(cl.field == "under_policy" and cl.op == "==" and cl.operand is True for cl in c.where)
                for c in alternative.conditions
            )
            for alternative in self.alternatives
        )

    @property
    def all_cites(self) -> tuple[str, ...]:
        """Every unit the rule cites, in any alternative (the rule's own first)."""
        units = list(self.cites)
        for alternative in self.alternatives:
            units += [u for u in alternative.cites or () if u not in units]
        return tuple(units)

    def cites_for(self, alternative: int) -> tuple[str, ...]:
        """The units a firing of one alternative cites."""
        return self.alternatives[alternative].cites or self.cites

    def message_for(self, alternative: int) -> Mapping[str, str]:
        """The message of a firing of one alternative (its own, else the rule's)."""
        return self.alternatives[alternative].message or self.message

    def would_be_for(self, alternative: int) -> str | None:
        """For an ``incomplete`` rule, the kind the needing rules would give (the alternative's
        own, else the rule's)."""
        return self.alternatives[alternative].would_be or self.would_be

    def concludes_for(self, alternative: int) -> tuple[str, ...]:
        """The outcomes a firing of one alternative concludes (its own, else the rule's)."""
        own = self.alternatives[alternative].concludes
        return own if own is not None else self.concludes

    def remedy_for(self, alternative: int) -> Mapping[str, str]:
        """The remedy of a firing of one alternative (its own, else the rule's)."""
        return self.alternatives[alternative].remedy or self.remedy

    def effect(self, alternative: int) -> Effect:
        """What a firing of one alternative does: its own kind, halting and derivations where
        it gives them, else the rule's."""
        own = self.alternatives[alternative]
        return Effect(
            own.kind or self.kind,
            own.halts if own.halts is not None else self.halts,
            own.derive if own.derive is not None else self.derive,
        )

    def derivations(self) -> tuple[Derivation, ...]:
        """Every derivation of the rule, in any alternative."""
        return (*self.derive, *(d for a in self.alternatives for d in a.derive or ()))

    def derivable(self) -> set[str]:
        """Every fact type the rule can derive, in any alternative."""
        return {d.fact_type for d in self.derivations()}

    def fact_types(self, *, negated: bool) -> set[str]:
        """The fact types the rule's conditions test (positively, or by negation)."""
        return {
            c.fact_type
            for a in self.alternatives
            for c in a.conditions
            if c.negated is negated
        }



def _parse_operand(text: str) -> Any:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    if text in ("true", "false"):
        return text == "true"
    if _NUMBER.match(text):
        return float(text) if "." in text else int(text)
    ref = REF_PATTERN.match(text)
    if ref:
        return Ref(ref["alias"], ref["field"])
    raise ValueError(
        f"cannot read the value {text!r}: expected a quoted text, a number, true, false or ALIAS.FIELD"
    )


def _parse_list(text: str) -> tuple[Any, ...]:
    """The values of ``FIELD in [...]``: two or more literals (quoted texts, numbers, true/false)."""
    items = [m[1] for m in _LIST_ITEM.finditer(text) if m[1].strip()]
    values = []
    for item in items:
        value = _parse_operand(item)
        if isinstance(value, Ref):
            raise ValueError(f"cannot read the value {item!r} in a list: expected a quoted text, a number, true or false")
        values.append(value)
    if len(values) < 2 or len(set(map(repr, values))) != len(values):
        raise ValueError(f"expected a list of two or more different values in 'FIELD in [...]', got [{text.strip()}]")
    return tuple(values)


def parse_ref(text: Any) -> Ref | None:
    """``"ALIAS.FIELD"`` as a :class:`Ref`, or None if it is not one."""
    match = REF_PATTERN.match(text.strip()) if isinstance(text, str) else None
    return Ref(match["alias"], match["field"]) if match else None


def parse_clause(text: str) -> Clause:
    """Read one clause (``"status == 'absent'"``); raises ValueError if it cannot be read."""
    if not isinstance(text, str):
        raise ValueError(f"expected a clause as text, got {text!r}")
    match = _CLAUSE.match(text)
    if not match:
        raise ValueError(
            f"cannot read the clause {text!r}: expected 'FIELD OP VALUE' (OP one of "
            f"{' '.join(OPERATORS)}), 'FIELD in [VALUE, ...]' or 'FIELD is missing' / 'FIELD is present'"
        )
    if match["presence"]:
        return Clause(match["field"], match["presence"], None, text.strip())
    if match["values"] is not None:
        return Clause(match["field"], "in", _parse_list(match["values"]), text.strip())
    return Clause(match["field"], match["op"], _parse_operand(match["operand"]), text.strip())


