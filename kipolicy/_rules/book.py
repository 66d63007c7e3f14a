"""Rule files: the declarative rules in ``rules/``, loaded, checked and ordered into a rule book.

One TOML file per policy section; the format is documented in ``docs/rule-files.md``. Loading
takes two passes: the strict converter structures each file into the spec classes of
:mod:`.syntax` (every problem of form, with the file, the rule id and the field path), and
:class:`_Loader` checks what the form cannot say — cited units and their modality, fact types,
fields and aliases, placeholders, the engine's limits — and builds the syntax tree of
:mod:`.ast`. :func:`load_rules` then stratifies the book (a cycle through ``no`` conditions is
refused here) and has the engine compile it once.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import itertools
import json
import os
import re
import threading
import tomllib
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import attrs

from .._base.errors import Problem, RuleFileError, UnknownIdError, did_you_mean
from .._facts.facts import FACT_TYPES, FactType, Field
from .._base.limits import number_problem, text_problem
from .._policy.text import Policy, policy
from .._policy.words import LANGS
from .ast import (
    STEPS,
    WOULD_BE_KINDS,
    Alternative,
    Clause,
    Condition,
    NAME_PATTERN,
    PLACEHOLDER,
    REF_PATTERN,
    RULE_ID_PATTERN,
    Derivation,
    Ref,
    Rule,
)
from .syntax import (
    AlternativeSpec,
    ConditionSpec,
    DerivationSpec,
    FactDeclarationSpec,
    RuleFileSpec,
    RuleSpec,
    structure_rule,
    structure_rule_file,
)

__all__ = [
    "MAX_ENGINE_RULES",
    "Firing",
    "PhasePlan",
    "RuleBook",
    "Variant",
    "bundled_rules_dir",
    "default_rules",
    "load_rules",
    "stratify",
    "variants",
]

#: Aliases the engine adapter uses in every compiled rule; a rule may not name a fact so.
RESERVED_ALIASES = frozenset({"phase_marker", "end"})
#: An alternative's ``in`` clauses multiply into separate engine rules (one per combination of
#: values): at most this many per alternative (3 clauses of 10 values each would be 1,000).
MAX_EXPANSION = 32
#: Conditions of one engine rule (its facts, negations and the engine's own two, counted with
#: room to spare), and clauses of one condition: durable-rules takes at most 32 expressions in
#: a row.
MAX_CONDITIONS = 28
MAX_CLAUSES = 28
#: Engine rules of a whole rule book: durable-rules fails from about 480 (error 303).
MAX_ENGINE_RULES = 400


class RuleBook(Sequence[Rule]):
    """The loaded rules, in policy order, with the fact types they use.

    Index it like a sequence or look a rule up with :meth:`rule`.
    """

    def __init__(
        self, rules: Iterable[Rule], fact_types: Mapping[str, FactType], source: str, fingerprint: str = ""
    ) -> None:
        self._rules = tuple(rules)
        self._by_id = {r.id: r for r in self._rules}
        self.fact_types: Mapping[str, FactType] = dict(fact_types)
        self._quoted: dict[str, frozenset[str]] | None = None
        self.source = source
        #: A SHA-256 fingerprint of the rule files as loaded (their names and bytes): two books
        #: with the same fingerprint were loaded from the same text.
        self.fingerprint = fingerprint

    def __getitem__(self, index):
        return self._rules[index]

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def rule(self, rule_id: str) -> Rule:
        """The rule with ``rule_id``; an unknown id names the nearest one."""
        try:
            return self._by_id[rule_id]
        except KeyError:
            raise UnknownIdError("rule", rule_id, self._by_id) from None

    def ids(self) -> list[str]:
        return list(self._by_id)

    def quoted_fields(self) -> Mapping[str, frozenset[str]]:
        """Per fact type, the fields whose values are the document's own words or figures: those
        the fact model marks so, and the fields of derived facts that rules copy from them."""
        if self._quoted is None:
            quoted = {name: {f for f, spec in t.fields.items() if spec.quotes} for name, t in self.fact_types.items()}
            for rule in self._rules:
                for alternative in rule.alternatives:
                    aliases = alternative.aliases()
                    for derivation in alternative.derive if alternative.derive is not None else rule.derive:
                        for field, value in derivation.values.items():
                            if isinstance(value, Ref) and value.field in quoted.get(aliases.get(value.alias, ""), ()):
                                quoted.setdefault(derivation.fact_type, set()).add(field)
            self._quoted = {name: frozenset(fields) for name, fields in quoted.items()}
        return self._quoted

    def __repr__(self) -> str:
        return f"<RuleBook {len(self)} rules from {self.source}>"


# -- loading --------------------------------------------------------------------------------


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, where: str, message: str) -> None:
        self.problems.append(Problem(file, where, message))


def _type_of_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _compatible(field: Field, value: Any) -> str | None:
    """What is wrong with comparing ``field`` to the literal ``value``, or None."""
    kind = _type_of_literal(value)
    if kind in ("int", "number"):
        wrong = number_problem(value)
        if wrong:
            return wrong
    elif isinstance(value, str):
        wrong = text_problem(value, 1000)
        if wrong:
            return wrong
    if field.is_choice:
        if kind != "text" or value not in field.type:
            return f"expected one of {', '.join(map(repr, field.type))}, got {value!r}{did_you_mean(str(value), field.type)}"
        return None
    if field.type == "date":
        return "a date field is compared with another date field (ALIAS.FIELD), not a literal"
    if field.type in ("int", "number"):
        return None if kind in ("int", "number") else f"expected a number, got {value!r}"
    if field.type == "bool":
        return None if kind == "bool" else f"expected true or false, got {value!r}"
    return None if kind == "text" else f"expected a quoted text, got {value!r}"


def _field_kind(field: Field) -> str:
    if field.is_choice or field.type == "text":
        return "text"
    if field.type in ("int", "number"):
        return "number"
    return str(field.type)


class _Loader:
    """The second pass over a rule file: what the form (:mod:`.syntax`) cannot say, checked
    against the policy and the fact model, and the syntax tree built from the specs."""

    def __init__(self, pol: Policy) -> None:
        self.policy = pol
        self.c = _Collector()
        self.fact_types: dict[str, FactType] = dict(FACT_TYPES)

    # fact declarations --------------------------------------------------------------------
    def declare_facts(self, file: str, decls: Mapping[str, FactDeclarationSpec]) -> None:
        for name, decl in decls.items():
            where = f"facts.{name}"
            if name in self.fact_types:
                other = self.fact_types[name].declared_in or "the base fact model"
                self.c.add(file, where, f"fact type {name!r} is already declared in {other}")
                continue
            if not re.fullmatch(NAME_PATTERN, name) or name == "phase":
                self.c.add(file, where, "expected a fact type name in lower_snake_case (not 'phase')")
                continue
            fields: dict[str, Field] = {}
            for field_name, kind in decl.fields.items():
                if field_name in ("path", "type", "sid", "fid"):
                    self.c.add(file, f"{where}.fields.{field_name}", "is a reserved field name")
                    continue
                fields[field_name] = Field(cast("str | tuple[str, ...]", kind), "")
            self.fact_types[name] = FactType(name, decl.description, fields, True, file)

    def fields_of(self, fact_type: str) -> dict[str, Field]:
        fields = dict(self.fact_types[fact_type].fields)
        fields["path"] = Field("text", "Where in the document the fact comes from.")
        return fields

    # rules ----------------------------------------------------------------------------------
    def rule(self, file: str, section: str, step: str, spec: RuleSpec) -> Rule | None:
        c = self.c
        where = f"rule {spec.id}"
        if not RULE_ID_PATTERN.match(spec.id):
            c.add(file, where, f"id: expected '<section>.<name-in-kebab-case>', got {spec.id!r}")
            return None
        ok = True
        if spec.id.split(".")[0] != section:
            c.add(file, where, f"id: expected the file's section {section!r} before the dot")
            ok = False
        ok = self.check_cites(file, where, spec.cites, spec.modality) and ok
        alternatives = self.alternatives(file, where, spec)
        if alternatives is None:
            return None
        ok = self.check_alternative_cites(file, where, alternatives, spec.modality) and ok
        if spec.due is not None:
            ok = self.check_due(file, where, spec.due, alternatives) and ok
        ok = self.check_incomplete(file, where, spec) and ok
        derive = self.derivations(file, f"{where}: derive", spec.derive, alternatives)
        self.check_placeholders(file, where, {"message": spec.message, "remedy": spec.remedy}, alternatives)
        if not ok or derive is None:
            return None
        if not spec.halts and not any(a.halts for a in alternatives) and any(a.keeps for a in alternatives):
            c.add(file, where, "keeps: only a rule that halts (itself or in an alternative) keeps sections")
            return None
        return Rule(
            id=spec.id,
            section=section,
            kind=spec.kind,
            modality=spec.modality,
            cites=spec.cites,
            title=spec.title,
            message=spec.message,
            remedy=spec.remedy,
            alternatives=alternatives,
            step=spec.step or step,
            halts=spec.halts,
            derive=derive,
            file=file,
            due=spec.due,
            would_be=spec.would_be,
            needs=spec.needs or (),
            concludes=spec.concludes or (),
        )

    def check_alternative_cites(
        self, file: str, where: str, alternatives: Sequence[Alternative], modality: str
    ) -> bool:
        """An alternative's own cites: known units, the first one's modality being the one its
        findings carry."""
        ok = True
        for a_index, alternative in enumerate(alternatives):
            if alternative.cites is not None:
                first = alternative.cites[0] if alternative.cites else None
                own = (
                    self.policy.unit(first).modality
                    if first is not None and first in self.policy.unit_ids
                    else modality
                )
                ok = self.check_cites(file, f"{where}: either[{a_index}]", alternative.cites, own) and ok
        return ok

    def check_placeholders(
        self, file: str, where: str, texts: Mapping[str, Mapping[str, str]], alternatives: Sequence[Alternative]
    ) -> None:
        """Every placeholder of the rule's message and remedy (and an alternative's own) names a
        field of a fact every alternative that uses the text matches."""
        for lang in LANGS:
            for name, by_lang in texts.items():
                plain = [a for a in alternatives if getattr(a, name) is None]
                if plain:
                    self.placeholders(file, f"{where}: {name}.{lang}", by_lang[lang], plain)
                for a_index, alternative in enumerate(alternatives):
                    own = getattr(alternative, name)
                    if own is not None:
                        self.placeholders(file, f"{where}: either[{a_index}].{name}.{lang}", own[lang], [alternative])

    def check_incomplete(self, file: str, where: str, spec: RuleSpec) -> bool:
        """``would_be`` and ``needs`` go with kind ``incomplete``, and only with it."""
        c = self.c
        if spec.kind != "incomplete":
            for key in ("would_be", "needs"):
                if getattr(spec, key) is not None:
                    c.add(file, where, f"{key}: only a rule of kind 'incomplete' has it")
                    return False
            return True
        ok = True
        if spec.would_be is None:
            c.add(
                file, where,
                f"would_be: expected the kind the needing rules would give, one of {', '.join(WOULD_BE_KINDS)}",
            )
            ok = False
        if not spec.needs:
            c.add(file, where, "needs: expected a non-empty list of the ids of the rules that need the missing fact")
            ok = False
        return ok

    def check_cites(self, file: str, where: str, cites: Sequence[str], modality: str) -> bool:
        """Check a list of cited units, and that ``modality`` is the modality of one of them."""
        c = self.c
        units = []
        ok = True
        if not cites:
            c.add(file, where, "cites: expected a non-empty list of policy unit ids")
            return False
        for unit_id in cites:
            if unit_id not in self.policy.unit_ids:
                c.add(
                    file, where,
                    f"cites: unknown policy unit {unit_id!r}{did_you_mean(str(unit_id), self.policy.unit_ids)}",
                )
                ok = False
            else:
                units.append(self.policy.unit(unit_id))
        if units and modality not in {u.modality for u in units}:
            c.add(
                file, where,
                f"modality: expected the modality of a cited unit "
                f"({', '.join(sorted({u.modality for u in units}))}), got {modality!r}",
            )
            ok = False
        return ok

    def check_due(self, file: str, where: str, ref: Ref, alternatives: Sequence[Alternative]) -> bool:
        """``due = "ALIAS.FIELD"``: a date field of a fact every alternative matches."""
        for alt in alternatives:
            aliases = alt.aliases()
            field = self.fields_of(aliases[ref.alias]).get(ref.field) if ref.alias in aliases else None
            if field is None or field.type != "date":
                self.c.add(file, where, f"due: {ref} is not a date field of a fact every alternative matches")
                return False
        return True

    def alternatives(self, file: str, where: str, spec: RuleSpec) -> tuple[Alternative, ...] | None:
        c = self.c
        if (spec.when is None) == (spec.either is None):
            c.add(file, where, "expected either 'when' (one list of conditions) or 'either' (alternatives), not both or neither")
            return None
        if spec.when is not None:
            blocks: Sequence[AlternativeSpec] = [AlternativeSpec(when=spec.when, subject=spec.subject or "partnership")]
        else:
            if spec.subject is not None:
                c.add(file, where, "subject: with 'either', give each alternative its own subject")
            blocks = spec.either or ()
            if not blocks:
                c.add(file, where, "either: expected a non-empty list of alternatives")
                return None
        out = []
        for b_index, block in enumerate(blocks):
            bwhere = where if spec.when is not None else f"{where}: either[{b_index}]"
            alternative = self.alternative(file, bwhere, spec, block)
            if alternative is not None:
                out.append(alternative)
        if len(out) != len(blocks):
            return None
        return tuple(out)

    def alternative(self, file: str, where: str, spec: RuleSpec, block: AlternativeSpec) -> Alternative | None:
        c = self.c
        parsed = self.conditions(file, where, block.when)
        if parsed is None:
            return None
        both = {cond.fact_type for cond in parsed if cond.negated} & {
            cond.fact_type for cond in parsed if not cond.negated
        }
        if both:
            c.add(
                file, where,
                f"when: a 'no' condition on a fact type the rule also matches ({', '.join(sorted(both))}): "
                "durable-rules does not evaluate such a negation correctly (docs/engine.md); "
                "compute a count on another fact instead",
            )
            return None
        bound = {cond.alias for cond in parsed if not cond.negated}
        if block.subject not in bound:
            c.add(
                file, where,
                f"subject: {block.subject!r} is not the alias of a matched fact{did_you_mean(block.subject, bound)}; "
                f"matched: {', '.join(sorted(bound)) or 'none'}",
            )
            return None
        if block.would_be is not None and spec.kind != "incomplete":
            c.add(file, where, "would_be: only an alternative of a rule of kind 'incomplete' has it")
            return None
        sections = self.policy.section_ids
        if block.keeps is not None and (not block.keeps or any(k not in sections for k in block.keeps)):
            c.add(
                file, where,
                "keeps: expected, in an 'either' alternative, a non-empty list of the policy's "
                f"section ids ({', '.join(sections)}); got {list(block.keeps)!r}",
            )
            return None
        alternative = Alternative(
            tuple(parsed), block.subject, block.kind, block.cites, block.message, block.remedy,
            block.would_be, block.keeps or (), block.halts, None, block.concludes,
        )
        if block.derive is None:
            return alternative
        derive = self.derivations(file, f"{where}: derive", block.derive, [alternative])
        return None if derive is None else attrs.evolve(alternative, derive=derive)

    def conditions(self, file: str, where: str, conds: Sequence[ConditionSpec]) -> list[Condition] | None:
        c = self.c
        if not conds:
            c.add(file, where, "when: expected a non-empty list of conditions")
            return None
        out: list[Condition] = []
        bound: dict[str, str] = {}
        ok = True
        seen_negation = False
        for i, cond in enumerate(conds):
            cwhere = f"{where}: when[{i}]"
            negated = cond.no is not None
            if negated == (cond.fact is not None):
                c.add(file, cwhere, "expected exactly one of 'fact' (there is such a fact) or 'no' (there is none)")
                ok = False
                continue
            fact_type = str(cond.no if negated else cond.fact)
            if fact_type not in self.fact_types:
                c.add(file, cwhere, f"unknown fact type {fact_type!r}{did_you_mean(fact_type, self.fact_types)}")
                ok = False
                continue
            if negated:
                if cond.alias is not None:
                    c.add(file, cwhere, "as: a 'no' condition binds nothing, so it takes no alias")
                    ok = False
                alias = f"no_{fact_type}_{i}"
                seen_negation = True
            else:
                if seen_negation:
                    c.add(file, cwhere, "a 'fact' condition must come before every 'no' condition")
                    ok = False
                alias = cond.alias or fact_type
                if not self.check_alias(file, cwhere, alias, bound):
                    ok = False
                    continue
            fields = self.fields_of(fact_type)
            for j, clause in enumerate(cond.where):
                if not self.check_clause(file, f"{cwhere}.where[{j}]", clause, fact_type, fields, bound):
                    ok = False
            if not negated:
                if fact_type in bound.values():
                    # One fact matched by two conditions of a rule makes the engine free the
                    # session twice (a crash): see docs/engine.md.
                    c.add(file, cwhere, f"a rule matches at most one fact of each type; {fact_type!r} is already matched")
                    ok = False
                bound[alias] = fact_type
            out.append(Condition(fact_type, alias, cond.where, negated))
        if not bound and ok:
            c.add(file, where, "when: expected at least one 'fact' condition (a rule with only 'no' conditions never fires)")
            ok = False
        if ok and not self.within_engine_limits(file, where, out):
            ok = False
        return out if ok else None

    def check_alias(self, file: str, where: str, alias: str, bound: Mapping[str, str]) -> bool:
        """A positive condition's alias: a lower_snake_case name, not reserved, not yet used."""
        c = self.c
        if not re.fullmatch(NAME_PATTERN, alias) or alias.startswith("no_"):
            c.add(file, where, f"as: expected a lower_snake_case alias, got {alias!r}")
            return False
        if alias in RESERVED_ALIASES:
            c.add(file, where, f"as: {alias!r} is reserved for kipolicy's own use; choose another alias")
            return False
        if alias in bound:
            c.add(file, where, f"as: alias {alias!r} is already used in this rule; give one an 'as'")
            return False
        return True

    def within_engine_limits(self, file: str, where: str, conditions: Sequence[Condition]) -> bool:
        """Whether the engine can compile these conditions (see MAX_EXPANSION and friends)."""
        c = self.c
        ok = True
        for i, cond in enumerate(conditions):
            if len(cond.where) > MAX_CLAUSES:
                c.add(file, f"{where}: when[{i}]", f"expected at most {MAX_CLAUSES} clauses in one condition, got {len(cond.where)}")
                ok = False
        expansion = engine_rules_of(conditions)
        if expansion > MAX_EXPANSION:
            c.add(
                file, f"{where}: when",
                f"the 'in' clauses combine into {expansion:,} engine rules; at most {MAX_EXPANSION} "
                "(split the rule into alternatives, or compute the choice on a fact)",
            )
            return False
        width = sum(_choices(cd) if cd.negated else 1 for cd in conditions) + 2
        if width > MAX_CONDITIONS:
            c.add(
                file, f"{where}: when",
                f"expected at most {MAX_CONDITIONS - 2} conditions (a 'no' condition with 'in' clauses counts once "
                f"per combination of their values), got {width - 2}",
            )
            ok = False
        return ok

    def check_clause(
        self, file: str, where: str, clause: Clause, fact_type: str,
        fields: Mapping[str, Field], bound: Mapping[str, str],
    ) -> bool:
        c = self.c
        field = fields.get(clause.field)
        if field is None:
            c.add(file, where, f"fact type {fact_type!r} has no field {clause.field!r}{did_you_mean(clause.field, fields)}")
            return False
        if clause.op in ("missing", "present"):
            return True
        if clause.op == "in":
            for value in clause.operand:
                wrong = _compatible(field, value)
                if wrong:
                    c.add(file, where, f"{clause.field}: {wrong}")
                    return False
            return True
        operand = clause.operand
        if isinstance(operand, Ref):
            if operand.alias not in bound:
                c.add(
                    file, where,
                    f"{operand}: {operand.alias!r} is not matched before this condition"
                    f"{did_you_mean(operand.alias, bound)}",
                )
                return False
            other_fields = self.fields_of(bound[operand.alias])
            other = other_fields.get(operand.field)
            if other is None:
                c.add(
                    file, where,
                    f"{operand}: fact type {bound[operand.alias]!r} has no field {operand.field!r}"
                    f"{did_you_mean(operand.field, other_fields)}",
                )
                return False
            if _field_kind(field) != _field_kind(other):
                c.add(file, where, f"compares {clause.field} ({_field_kind(field)}) with {operand} ({_field_kind(other)})")
                return False
        else:
            wrong = _compatible(field, operand)
            if wrong:
                c.add(file, where, f"{clause.field}: {wrong}")
                return False
        if clause.op not in ("==", "!=") and (field.is_choice or field.type in ("text", "bool")):
            c.add(file, where, f"{clause.op}: {clause.field} is not a number or a date; use == or !=")
            return False
        return True

    def derivations(
        self, file: str, where: str, specs: Sequence[DerivationSpec], alternatives: Sequence[Alternative]
    ) -> tuple[Derivation, ...] | None:
        c = self.c
        out = []
        ok = True
        for i, item in enumerate(specs):
            dwhere = f"{where}[{i}]"
            declared = self.fact_types.get(item.fact)
            if declared is None or not declared.derived:
                derived = [n for n, t in self.fact_types.items() if t.derived]
                c.add(
                    file, dwhere,
                    "fact: expected a fact type declared under [facts] in a rule file, got "
                    f"{item.fact!r}{did_you_mean(item.fact, derived)}",
                )
                ok = False
                continue
            fields = self.fields_of(item.fact)
            for name, value in item.values.items():
                field = fields.get(name)
                if field is None:
                    c.add(file, f"{dwhere}.values", f"fact type {item.fact!r} has no field {name!r}{did_you_mean(name, fields)}")
                    ok = False
                elif isinstance(value, Ref):
                    for alt in alternatives:
                        aliases = alt.aliases()
                        if value.alias not in aliases or value.field not in self.fields_of(aliases[value.alias]):
                            c.add(file, f"{dwhere}.values.{name}", f"{value}: not a field of a fact every alternative matches")
                            ok = False
                            break
                elif field.type == "date":
                    c.add(file, f"{dwhere}.values.{name}", "a date is copied with { ref = 'ALIAS.FIELD' }")
                    ok = False
                else:
                    wrong = _compatible(field, value)
                    if wrong:
                        c.add(file, f"{dwhere}.values.{name}", wrong)
                        ok = False
            out.append(Derivation(item.fact, dict(item.values)))
        return tuple(out) if ok else None

    def placeholders(self, file: str, where: str, text: str, alternatives: Sequence[Alternative]) -> None:
        stripped = PLACEHOLDER.sub("", text)
        if "{" in stripped or "}" in stripped:
            self.c.add(file, where, "unbalanced '{' or '}': placeholders are written {ALIAS.FIELD}")
        for match in PLACEHOLDER.finditer(text):
            ref = REF_PATTERN.match(match[1].strip())
            if not ref:
                self.c.add(file, where, f"placeholder {{{match[1]}}}: expected {{ALIAS.FIELD}}")
                continue
            for alt in alternatives:
                aliases = alt.aliases()
                if ref["alias"] not in aliases:
                    self.c.add(
                        file, where,
                        f"placeholder {{{match[1]}}}: {ref['alias']!r} is not matched"
                        f"{did_you_mean(ref['alias'], aliases)}",
                    )
                    break
                fields = self.fields_of(aliases[ref["alias"]])
                if ref["field"] not in fields:
                    self.c.add(
                        file, where,
                        f"placeholder {{{match[1]}}}: fact type {aliases[ref['alias']]!r} has no field "
                        f"{ref['field']!r}{did_you_mean(ref['field'], fields)}",
                    )
                    break


def stratify(rules: Sequence[Rule]) -> dict[str, int]:
    """Each rule's stratum within its step: after every rule deriving what it negates.

    Raises:
        RuleFileError: A rule uses a fact type only a later step derives, or rules depend on
            each other through "no" conditions in a cycle (no order can run them).
    """
    problems = []
    step_of = {r.id: STEPS.index(r.step) for r in rules}
    producers: dict[str, list[Rule]] = {}
    for rule in rules:
        for fact_type in rule.derivable():
            producers.setdefault(fact_type, []).append(rule)
    for rule in rules:
        for fact_type in rule.fact_types(negated=False) | rule.fact_types(negated=True):
            for producer in producers.get(fact_type, []):
                if step_of[producer.id] > step_of[rule.id]:
                    problems.append(
                        Problem(
                            rule.file, f"rule {rule.id}",
                            f"uses {fact_type!r}, which {producer.id} derives only in the later "
                            f"step {producer.step!r}",
                        )
                    )
    if problems:
        raise RuleFileError(problems)
    stratum = {r.id: 0 for r in rules}
    for _ in range(len(rules) + 1):
        changed = False
        for rule in rules:
            need = 0
            for negated in (False, True):
                for fact_type in rule.fact_types(negated=negated):
                    for producer in producers.get(fact_type, []):
                        if step_of[producer.id] != step_of[rule.id]:
                            continue
                        need = max(need, stratum[producer.id] + (1 if negated else 0))
            if need > stratum[rule.id]:
                stratum[rule.id] = need
                changed = True
        if not changed:
            return stratum
    cyclic = sorted(r.id for r in rules if stratum[r.id] >= len(rules))
    raise RuleFileError(
        [Problem("rules", "", f"rules depend on each other through 'no' conditions in a cycle: {', '.join(cyclic)}")]
    )


T = TypeVar("T")


class EngineProgram:
    """What every engine's program for a rule book has: the book (weakly: a program lives as long
    as its book), the phases (:class:`PhasePlan`) and a cache for its callers.

    Attributes:
        phase_of: Each rule's phase; phases run in ascending order.
        step_of_phase: The step index of each phase.
        phases: The phases that have rules, ascending.
        cache: Per-program data of the callers (e.g. what every firing of a rule shares), kept
            as long as the program.
    """

    def __init__(self, rules: RuleBook) -> None:
        self._rules_ref = weakref.ref(rules)
        plan = PhasePlan.of(list(rules))
        self.phase_of: Mapping[str, int] = plan.phase_of
        self.step_of_phase: Mapping[int, int] = plan.step_of_phase
        self.phases: tuple[int, ...] = plan.phases
        self.cache: dict[Any, Any] = {}

    @property
    def rules(self) -> RuleBook | None:
        """The rule book it was made from (None once that was collected)."""
        return self._rules_ref()


class PerBook(Generic[T]):
    """One value per rule book, made once (under a lock) and released with the book: each engine
    keeps its program for a book this way."""

    def __init__(self, make: Callable[[RuleBook], T]) -> None:
        self._make = make
        self._values: weakref.WeakKeyDictionary[RuleBook, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, book: RuleBook) -> T:
        with self._lock:
            value = self._values.get(book)
            if value is None:
                value = self._values[book] = self._make(book)
            return value


@attrs.frozen
class Variant:
    """One conjunctive form of a rule alternative: what every engine runs.

    An alternative whose positive conditions have ``FIELD in [...]`` clauses is one variant per
    choice of values (each such clause becomes ``FIELD == VALUE``); a negated condition with them
    is one negation per choice ("no fact with x in [a, b]" is "no fact with x == a and no fact
    with x == b").

    Attributes:
        rule: The rule.
        alternative: The alternative's index.
        number: The variant's number within the alternative.
        positives: The positive conditions, in the rule's order, each without ``in`` clauses.
        negations: The negated conditions, each without ``in`` clauses.
    """

    rule: Rule
    alternative: int
    number: int
    positives: tuple[Condition, ...]
    negations: tuple[Condition, ...]

    @property
    def name(self) -> str:
        """The variant's name, unique in its rule book (``rule-id#alternative.number``)."""
        return f"{self.rule.id}#{self.alternative}.{self.number}"


def variants(rule: Rule) -> list[Variant]:
    """The variants of every alternative of ``rule`` (see :class:`Variant`), in order."""
    out = []
    for index, alternative in enumerate(rule.alternatives):
        positives = [c for c in alternative.conditions if not c.negated]
        negations: list[Condition] = []
        for condition in alternative.conditions:
            if condition.negated:
                forms = _conjunctive(condition)
                negations += (
                    [attrs.evolve(form, alias=f"{condition.alias}_{i}") for i, form in enumerate(forms)]
                    if len(forms) > 1 else forms
                )
        for number, chosen in enumerate(itertools.product(*(_conjunctive(c) for c in positives))):
            out.append(Variant(rule, index, number, tuple(chosen), tuple(negations)))
    return out


def _conjunctive(condition: Condition) -> list[Condition]:
    """``condition`` with each ``FIELD in [...]`` clause replaced by ``FIELD == VALUE``: one
    condition per combination of values (one, the condition itself, without ``in`` clauses)."""
    choices = [
        [Clause(c.field, "==", value, f"{c.field} == {_literal(value)}") for value in c.operand]
        if c.op == "in" else [c]
        for c in condition.where
    ]
    if all(len(choice) == 1 for choice in choices):
        return [condition]
    return [attrs.evolve(condition, where=tuple(combination)) for combination in itertools.product(*choices)]


def _choices(condition: Condition) -> int:
    """How many conjunctive conditions ``condition``'s ``in`` clauses make."""
    count = 1
    for clause in condition.where:
        if clause.op == "in":
            count *= len(clause.operand)
    return count


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


@attrs.frozen
class Firing:
    """One firing of a rule: the rule, which alternative, and the facts each alias matched."""

    rule: Rule
    alternative: int
    facts: Mapping[str, Mapping[str, Any]]
    phase: int


# Fields of a derived fact that say where it comes from, not what it says.
_PROVENANCE = ("derived_by", "derivation")


def content_key(fact: Mapping[str, Any]) -> str:
    """What a derived fact says, as a text: two derivations of the same content are one fact
    (every engine keeps the first)."""
    return json.dumps({k: v for k, v in fact.items() if k not in _PROVENANCE}, sort_keys=True)


@attrs.frozen
class PhasePlan:
    """When each rule runs: phases in ascending order, each within one step.

    A rule's phase is its step's first phase plus its stratum (:func:`stratify`): after every
    rule that derives what it tests, and one phase after every rule that derives what it
    negates. Rules of a later step run only if no halting rule of an earlier step fired.

    Attributes:
        phase_of: Each rule's phase (from 1).
        step_of_phase: The step index of each phase that has rules.
        phases: The phases that have rules, ascending.
    """

    phase_of: Mapping[str, int]
    step_of_phase: Mapping[int, int]
    phases: tuple[int, ...]

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> PhasePlan:
        strata = stratify(list(rules))
        offset, base = 0, {}
        for step in STEPS:
            base[step] = offset
            offset += max([strata[r.id] for r in rules if r.step == step], default=-1) + 1
        phase_of = {r.id: base[r.step] + strata[r.id] + 1 for r in rules}
        step_of_phase = {phase_of[r.id]: STEPS.index(r.step) for r in rules}
        return cls(phase_of, step_of_phase, tuple(sorted(step_of_phase)))


def engine_rules_of(conditions: Sequence[Condition]) -> int:
    """How many engine rules one alternative compiles into (the values of the ``in`` clauses of
    its positive conditions multiply)."""
    count = 1
    for condition in conditions:
        if not condition.negated:
            count *= _choices(condition)
    return count


def _rule_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.suffix == ".toml" and p.is_file())


def load_rules(directory: str | os.PathLike[str] | None = None, *, policy_: Policy | None = None) -> RuleBook:
    """Load and check every rule file of ``directory`` (default: the bundled ``rules/``).

    Returns:
        A :class:`RuleBook` with the rules in policy order (section, then file order).

    Raises:
        RuleFileError: Every problem of every file: unknown fields, unknown policy units,
            duplicate ids, references to facts or fields that do not exist, unreadable
            clauses, placeholders that name nothing.
    """
    pol = policy_ or policy()
    root = Path(directory) if directory is not None else bundled_rules_dir()
    if not root.is_dir():
        raise RuleFileError([Problem(str(root), "", "expected a directory of rule files")])
    loader = _Loader(pol)
    c = loader.c
    headers: list[tuple[str, RuleFileSpec]] = []
    digest = hashlib.sha256()
    for path in _rule_files(root):
        file = path.name
        try:
            raw = path.read_bytes()
            digest.update(f"{file}\0{len(raw)}\0".encode() + raw)
            data = tomllib.loads(raw.decode("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
            c.add(file, "", f"is not valid TOML: {exc}")
            continue
        header = structure_rule_file(data, file)
        if isinstance(header, list):
            c.problems.extend(header)
            continue
        if header.section not in pol.section_ids:
            c.add(file, "section", f"unknown policy section {header.section!r}{did_you_mean(header.section, pol.section_ids)}")
            continue
        if path.stem != header.section:
            c.add(file, "section", f"expected the file to be named {header.section}.toml")
        headers.append((file, header))
        loader.declare_facts(file, header.facts)
    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for file, header in headers:
        for index, raw_rule in enumerate(header.rule):
            spec = structure_rule(raw_rule, file, index)
            if isinstance(spec, list):
                c.problems.extend(spec)
                continue
            rule = loader.rule(file, header.section, header.step, spec)
            if rule is None:
                continue
            if rule.id in seen:
                c.add(file, f"rule {rule.id}", f"duplicate rule id (also in {seen[rule.id]})")
                continue
            seen[rule.id] = file
            rules.append(rule)
    for rule in rules:
        for needed in rule.needs:
            if needed not in seen:
                c.add(rule.file, f"rule {rule.id}", f"needs: unknown rule {needed!r}{did_you_mean(needed, seen)}")
        for fact_type in rule.fact_types(negated=False) | rule.fact_types(negated=True):
            declared = loader.fact_types[fact_type]
            if declared.derived and not any(fact_type in r.derivable() for r in rules):
                c.add(rule.file, f"rule {rule.id}", f"uses fact type {fact_type!r}, which no rule derives")
    total = sum(engine_rules_of(a.conditions) for r in rules for a in r.alternatives)
    if total > MAX_ENGINE_RULES:
        c.add(str(root), "", f"the rules compile into {total:,} engine rules; the engine takes at most {MAX_ENGINE_RULES}")
    if c.problems:
        raise RuleFileError(c.problems)
    rules.sort(key=lambda r: pol.section_position(r.section))
    stratify(rules)  # refuses a cycle through "no" conditions here, not at the first assess
    book = RuleBook(rules, loader.fact_types, str(root), "sha256:" + digest.hexdigest())
    if _compile_check is None:
        # The engine adapter registers the check when it is imported; `import kipolicy` does
        # not import it (the engine loads with the first use), so load it now.
        importlib.import_module("kipolicy._rules.durable")
    if _compile_check is not None:
        # What the engine cannot compile is refused here, by rule. Where durable-rules cannot be
        # loaded at all, the plain-Python engine runs the book all the same, and using
        # durable-rules says why it cannot.
        with contextlib.suppress(ImportError):
            _compile_check(book)
    return book


# The engine adapter registers how a rule book is compiled (it imports this module, so this
# module cannot import it): load_rules then refuses a book the engine would refuse.
_compile_check: Callable[[RuleBook], object] | None = None


def set_compile_check(check: Callable[[RuleBook], object]) -> None:
    """Have :func:`load_rules` compile every book it loads with ``check`` (the engine's)."""
    global _compile_check
    _compile_check = check


def bundled_rules_dir() -> Path:
    """The directory of the bundled rule files.

    In an installed wheel they are inside the package (``kipolicy/rules``); in a source
    checkout, the ``rules/`` directory beside the package.
    """
    packaged = Path(str(resources.files("kipolicy"))) / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"


_DEFAULT: RuleBook | None = None


def default_rules() -> RuleBook:
    """The bundled rules, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_rules()
    return _DEFAULT
