"""The principles of rules-catalogue revision 2 hold across the whole rule book.

1. Unknown is not absent: no default of the fact model feeds a rule condition.
2. Controlled vocabularies: every value a rule compares a text with is a word of a declared
   choice, never free text.
"""

from __future__ import annotations

import typing

import attrs

import kipolicy
from kipolicy._facts.facts import FACT_TYPES
from kipolicy._document.model import Partnership
from kipolicy._rules.ast import Clause
from kipolicy._rules.book import default_rules

#: Fields the document format still defaults, each with why the default is not a reading.
#: The list may only shrink: a new defaulted field that feeds a rule fails the test.
STILL_DEFAULTED = {
    # The document marks KI's party (exactly one, checked); every other party is a partner by
    # definition, not by a default.
    "parties[].role": "the KI party is marked; the others are partners",
    # `unknown` is the word for an unknown initiative; it decides only a note that says so.
    "establishment.initiative": "the default is the word 'unknown' itself",
}


def _clauses():
    for rule in default_rules():
        for alternative in rule.alternatives:
            for condition in alternative.conditions:
                for clause in condition.where:
                    yield rule, condition, clause


def _attribute(path: str) -> attrs.Attribute | None:
    """The model attribute a document path names (``parties[].kind``), or None."""
    cls: typing.Any = Partnership
    parts = path.replace("[]", "").split(".")
    for i, name in enumerate(parts):
        fields = attrs.fields_dict(cls)
        if name not in fields:
            return None
        if i == len(parts) - 1:
            return fields[name]
        hint = typing.get_type_hints(cls)[name]
        inner = [t for t in (getattr(hint, "__args__", None) or (hint,)) if attrs.has(t)]
        if not inner:
            return None
        cls = inner[0]
    return None


def test_no_default_of_the_fact_model_feeds_a_rule_condition() -> None:
    deciding = {}
    for rule, condition, clause in _clauses():
        field = FACT_TYPES.get(condition.fact_type)
        declared = field.fields.get(clause.field) if field is not None else None
        if declared is None or declared.source is None:
            continue
        attribute = _attribute(declared.source)
        if attribute is None:
            continue
        default = attribute.default
        if default is None or default is attrs.NOTHING or isinstance(default, attrs.Factory) or default == ():
            continue
        if declared.source not in STILL_DEFAULTED:
            deciding.setdefault(declared.source, []).append(f"{rule.id}: {clause.field}")
    assert deciding == {}, f"defaults that decide findings: {deciding}"


def test_the_allowed_defaults_are_still_defaults() -> None:
    # The exception list cannot outlive what it excuses.
    for path in STILL_DEFAULTED:
        attribute = _attribute(path)
        assert attribute is not None and attribute.default not in (None, attrs.NOTHING), path


def test_every_text_a_rule_compares_with_is_a_declared_word() -> None:
    book = default_rules()
    free = []
    for rule, condition, clause in _clauses():
        texts = clause.operand if clause.op == "in" else (clause.operand,)
        if not isinstance(clause, Clause) or not any(isinstance(text, str) for text in texts):
            continue
        declared = book.fact_types[condition.fact_type].fields[clause.field]
        if not declared.is_choice:
            free.append(f"{rule.id}: {condition.fact_type}.{clause.field} {clause.op} {clause.operand!r}")
    assert free == []


def test_vocabulary_fields_of_the_documents_are_choices_in_the_facts() -> None:
    # A document field that takes a vocabulary's words gives the rules the term ids as a choice.
    from kipolicy._policy.vocabularies import vocabulary

    decision = FACT_TYPES["decision"].fields["by"]
    assert decision.is_choice and set(decision.type) == set(vocabulary("roles").ids)
    assert kipolicy.load_rules() is not None
