"""The form of a rule file (``rules/*.toml``): spec classes the strict converter structures.

A rule file is read in two passes. This module is the first: the converter that structures
partnership documents and case files (strict: unknown keys, wrong types and words outside a
list are problems, each with its path) turns the TOML into the spec classes below, and clauses
(``"status == 'absent'"``) and references (``"party.name"``) into the syntax tree's
:class:`~kipolicy._rules.ast.Clause` and :class:`~kipolicy._rules.ast.Ref` on the way. The
second pass (:mod:`.book`) checks what the form alone cannot say: cited units and their
modality, fact types and fields, aliases, placeholders, the engine's limits, and builds the
syntax tree.

The JSON Schema of a rule file (``kipolicy schema rules``) is generated from these classes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, NewType

import attrs
import cattrs
from cattrs.errors import ClassValidationError

from .._base.errors import Problem, did_you_mean
from .._base.limits import text_problem
from .._document.model import FieldValueError
from .._document.read import make_converter, problems_of
from .._policy.words import LANGS
from .ast import FIELD_TYPES, KINDS, NAME_PATTERN, OPERATORS, OUTCOMES, STEPS, WOULD_BE_KINDS, Clause, Ref, parse_clause, parse_ref

__all__ = [
    "TYPE_SCHEMAS",
    "AlternativeSpec",
    "ConditionSpec",
    "DerivationSpec",
    "FactDeclarationSpec",
    "RuleFileSpec",
    "RuleSpec",
    "structure_rule",
    "structure_rule_file",
]

#: A text in every language the library speaks (``{ sv = "...", en = "..." }``).
Texts = NewType("Texts", dict)
#: A derived fact's field value: a literal (text, number, true/false) or ``{ ref = "ALIAS.FIELD" }``.
Value = NewType("Value", object)
#: The outcomes a firing concludes: one of :data:`~kipolicy._rules.ast.OUTCOMES`, or a list of them.
Outcomes = NewType("Outcomes", tuple)
#: A declared field's type: one of :data:`~kipolicy._rules.ast.FIELD_TYPES`, or a list of the words it takes.
FieldType = NewType("FieldType", object)

#: The JSON Schema of each type above and of a clause or a reference, for ``kipolicy schema rules``.
TYPE_SCHEMAS: dict[Any, dict[str, Any]] = {
    Texts: {
        "type": "object",
        "properties": {lang: {"type": "string", "minLength": 1} for lang in LANGS},
        "required": list(LANGS),
        "additionalProperties": False,
    },
    Value: {
        "anyOf": [
            {"type": ["string", "number", "boolean"]},
            {"type": "object", "properties": {"ref": {"type": "string"}}, "required": ["ref"], "additionalProperties": False},
        ]
    },
    Outcomes: {"anyOf": [{"enum": list(OUTCOMES)}, {"type": "array", "items": {"enum": list(OUTCOMES)}, "minItems": 1}]},
    FieldType: {"anyOf": [{"enum": list(FIELD_TYPES)}, {"type": "array", "items": {"type": "string"}, "minItems": 1}]},
    Clause: {
        "type": "string",
        "description": f"FIELD OP VALUE (OP one of {' '.join(OPERATORS)}), FIELD in [VALUE, ...], or FIELD is missing / present",
    },
    Ref: {"type": "string", "pattern": rf"^{NAME_PATTERN}\.{NAME_PATTERN}$", "description": "ALIAS.FIELD"},
}


@attrs.frozen(kw_only=True)
class ConditionSpec:
    """A condition: there is a fact of a type (``fact``), or there is none (``no``), such that
    every ``where`` clause holds.

    Attributes:
        fact: There is such a fact (its type).
        no: There is no such fact (its type); after every ``fact`` condition.
        alias: The name the rule uses for the matched fact (written ``as``); default: its type.
        where: Clauses that must all hold.
    """

    __retired__: ClassVar[Mapping[str, str]] = {
        "any": (
            "retired: one way to say 'or'. For one field write FIELD in [VALUE, ...] in 'where'; "
            "for several fields, give the rule one alternative ([[rule.either]]) each"
        )
    }

    fact: str | None = None
    no: str | None = None
    alias: str | None = attrs.field(default=None, metadata={"key": "as"})
    where: tuple[Clause, ...] = ()


@attrs.frozen(kw_only=True)
class DerivationSpec:
    """A fact the rule derives when it fires.

    Attributes:
        fact: Its type, declared under ``[facts]`` in a rule file.
        values: Its fields: literals, or ``{ ref = "ALIAS.FIELD" }`` to copy a matched fact's field.
    """

    fact: str
    values: dict[str, Value] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class AlternativeSpec:
    """One way for a rule to fire (``[[rule.either]]``), with what differs from the rule.

    Attributes:
        when: Its conditions.
        subject: The alias of the matched fact its findings are about.
        kind: Its own kind.
        cites: Its own cited units; its findings carry the first one's modality.
        message: Its own message.
        remedy: Its own remedy.
        would_be: For a rule of kind incomplete, its own kind the needing rules would give.
        keeps: When the rule halts through it, the policy sections whose later rules still run.
        halts: Whether it halts (else the rule's ``halts``).
        derive: What it derives (else the rule's ``derive``).
        concludes: The outcomes it concludes (else the rule's ``concludes``).
    """

    when: tuple[ConditionSpec, ...]
    subject: str = "partnership"
    kind: str | None = attrs.field(default=None, metadata={"choices": KINDS})
    cites: tuple[str, ...] | None = None
    message: Texts | None = None
    remedy: Texts | None = None
    would_be: str | None = attrs.field(default=None, metadata={"choices": WOULD_BE_KINDS})
    keeps: tuple[str, ...] | None = None
    halts: bool | None = None
    derive: tuple[DerivationSpec, ...] | None = None
    concludes: Outcomes | None = None


_UNDER_RETIRED = (
    "retired; an alternative ([[rule.either]]) that depends on an interpretation says so with a "
    "condition on the assessment fact ({ fact = \"assessment\", where = [\"traits_required == "
    "'all-five'\"] }) and gives its own kind, halts or derive"
)
_STAGE_RENAMED = "renamed to 'step' (when the rules run: in-force, scope, definition, policy)"


@attrs.frozen(kw_only=True)
class RuleSpec:
    """A rule (``[[rule]]``).

    Attributes:
        id: ``<section>.<name-in-kebab-case>``: a stable contract.
        kind: What its findings are.
        modality: The modality of a cited unit: the policy's own words' force.
        cites: The policy units it cites, most relevant first.
        title: Its title.
        message: Its findings' message, with ``{ALIAS.FIELD}`` placeholders.
        remedy: What to do about it.
        when: Its conditions (or ``either``, alternatives).
        subject: With ``when``: the alias of the matched fact its findings are about.
        either: Its alternatives (or ``when``, one list of conditions).
        derive: Facts it derives when it fires.
        halts: When it fires, no rule of a later step runs.
        step: When it runs, if not at its file's step.
        due: ``ALIAS.FIELD``: the date field that gives a finding's due date.
        would_be: For kind incomplete: the kind the needing rules would give.
        needs: For kind incomplete: the ids of the rules that need the missing fact.
        concludes: The outcomes of the report its firing concludes (``strategic``,
            ``not-strategic``, ``out-of-scope``; one, or a list).
    """

    __retired__: ClassVar[Mapping[str, str]] = {
        "stage": _STAGE_RENAMED,
        "under": _UNDER_RETIRED,
        "retroactive": (
            "retired: one way to say what the policy reaches. A rule about how a partnership was "
            "prepared and entered requires it of the partnership: { fact = \"partnership\", where = "
            "[\"under_policy == true\"] }"
        ),
    }

    id: str
    kind: str = attrs.field(metadata={"choices": KINDS})
    modality: str
    cites: tuple[str, ...]
    title: Texts
    message: Texts
    remedy: Texts
    when: tuple[ConditionSpec, ...] | None = None
    subject: str | None = None
    either: tuple[AlternativeSpec, ...] | None = None
    derive: tuple[DerivationSpec, ...] = ()
    halts: bool = False
    step: str | None = attrs.field(default=None, metadata={"choices": STEPS})
    due: Ref | None = None
    would_be: str | None = attrs.field(default=None, metadata={"choices": WOULD_BE_KINDS})
    needs: tuple[str, ...] | None = None
    concludes: Outcomes | None = None


@attrs.frozen(kw_only=True)
class FactDeclarationSpec:
    """A fact type the file's rules derive (``[facts.NAME]``).

    Attributes:
        description: What such a fact says.
        fields: Its fields: name = type (text, int, number, bool, date, or a list of words).
    """

    description: str = ""
    fields: dict[str, FieldType] = attrs.field(factory=dict)


@attrs.frozen(kw_only=True)
class RuleFileSpec:
    """A rule file: the rules of one policy section.

    Attributes:
        section: The policy section; the file is named after it.
        step: When its rules run: in-force, scope, definition or policy.
        description: What the file encodes.
        facts: The fact types its rules derive.
        rule: Its rules (structured one by one, so a problem names its rule).
    """

    __retired__: ClassVar[Mapping[str, str]] = {"stage": _STAGE_RENAMED}

    section: str
    step: str = attrs.field(default="policy", metadata={"choices": STEPS})
    description: str = ""
    facts: dict[str, FactDeclarationSpec] = attrs.field(factory=dict)
    rule: tuple[Any, ...] = ()


def _texts(value: Any, _type: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ValueError(f"expected a table with {' and '.join(map(repr, LANGS))} texts")
    errors: list[Exception] = [
        FieldValueError(str(key), f"unknown language{did_you_mean(str(key), LANGS)}; expected {', '.join(LANGS)}")
        for key in value
        if key not in LANGS
    ]
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            errors.append(FieldValueError(lang, "expected a non-empty text"))
        elif text_problem(text):
            errors.append(FieldValueError(lang, str(text_problem(text))))
    if errors:
        raise ClassValidationError("While structuring texts", errors, dict)
    return {lang: value[lang] for lang in LANGS}


def _value(value: Any, _type: Any) -> Any:
    if isinstance(value, Mapping):
        ref = parse_ref(value.get("ref")) if set(value) == {"ref"} else None
        if ref is None:
            raise ValueError("expected a literal or { ref = 'ALIAS.FIELD' }")
        return ref
    if isinstance(value, (bool, int, float, str)):
        return value
    raise ValueError(f"expected a literal (a text, a number, true or false) or {{ ref = 'ALIAS.FIELD' }}, got {value!r}")


def _field_type(value: Any, _type: Any) -> str | tuple[str, ...]:
    if isinstance(value, list) and value and all(isinstance(k, str) for k in value):
        return tuple(value)
    if isinstance(value, str) and value in FIELD_TYPES:
        return value
    raise ValueError(f"expected one of {', '.join(FIELD_TYPES)} or a list of choices, got {value!r}")


def _outcomes(value: Any, _type: Any) -> tuple[str, ...]:
    words = [value] if isinstance(value, str) else value
    if not isinstance(words, list) or not words or not all(isinstance(w, str) for w in words):
        raise ValueError(f"expected one of {', '.join(map(repr, OUTCOMES))}, or a list of them; got {value!r}")
    for word in words:
        if word not in OUTCOMES:
            raise ValueError(f"expected one of {', '.join(map(repr, OUTCOMES))}, got {word!r}{did_you_mean(word, OUTCOMES)}")
    return tuple(words)


def _ref(value: Any, _type: Any) -> Ref:
    ref = parse_ref(value)
    if ref is None:
        raise ValueError(f"expected 'ALIAS.FIELD', got {value!r}")
    return ref


def _make_converter() -> cattrs.Converter:
    conv = make_converter()
    conv.register_structure_hook(Clause, lambda value, _type: parse_clause(value))
    conv.register_structure_hook(Ref, _ref)
    conv.register_structure_hook(Texts, _texts)
    conv.register_structure_hook(Value, _value)
    conv.register_structure_hook(FieldType, _field_type)
    conv.register_structure_hook(Outcomes, _outcomes)
    return conv


_CONVERTER = _make_converter()


def structure_rule_file(data: Mapping[str, Any], file: str) -> RuleFileSpec | list[Problem]:
    """A rule file's header (section, step, facts; its rules stay as tables), or its problems."""
    try:
        return _CONVERTER.structure(data, RuleFileSpec)
    except Exception as exc:  # noqa: BLE001 - every structuring error becomes a problem list
        return problems_of(exc, file)


def structure_rule(raw: Any, file: str, index: int) -> RuleSpec | list[Problem]:
    """One ``[[rule]]`` table as a :class:`RuleSpec`, or its problems, each path starting with
    ``rule ID:`` (or ``rule[INDEX]`` where the id is not readable)."""
    rule_id = raw.get("id") if isinstance(raw, Mapping) else None
    where = f"rule {rule_id}" if isinstance(rule_id, str) and not text_problem(rule_id, 200) else f"rule[{index}]"
    try:
        return _CONVERTER.structure(raw, RuleSpec)
    except Exception as exc:  # noqa: BLE001 - every structuring error becomes a problem list
        return [Problem(p.file, f"{where}: {p.path}" if p.path else where, p.message) for p in problems_of(exc, file)]
