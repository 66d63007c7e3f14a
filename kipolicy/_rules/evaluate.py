"""The rule language evaluated in plain Python: whether a clause or a condition holds for a fact.

One home for what a comparison means, used by ``why_not`` (:mod:`kipolicy._views.explain`)
and by the plain-Python engine (:mod:`.python`); one of the three readers of the syntax tree
(:class:`~kipolicy._rules.ast.ConditionVisitor`). It follows durable-rules, the default engine, where the
two could differ:

* a field the fact does not have makes every comparison false (``is missing`` and
  ``is present`` test presence), and so does a reference to a field the referenced fact lacks;
* a truth value equals only a truth value (``true`` is not ``1``);
* values that cannot be ordered against each other (a text and a number) compare false.

Facts never hold ``None``: an unknown value is a missing field.

Each clause is compiled once into a small function (:func:`clause_test`), so evaluating a rule
costs a few calls per fact, not a walk over the rule's structure.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping
from typing import Any

from .ast import Clause, Condition, ConditionVisitor, Ref

__all__ = ["Fact", "Test", "all_of", "clause_test", "condition_test", "holds", "matches", "refers"]

Fact = Mapping[str, Any]
#: A compiled clause or condition: called with the fact and the facts matched so far (by alias).
Test = Callable[[Fact, Mapping[str, Fact]], bool]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MISSING = object()


def _compare(compare: Callable[[Any, Any], bool], left: Any, right: Any) -> bool:
    if isinstance(left, bool) is not isinstance(right, bool):
        return False
    try:
        return bool(compare(left, right))
    except TypeError:
        return False


@functools.lru_cache(maxsize=4096)
def clause_test(clause: Clause) -> Test:
    """``clause`` as a function of (fact, facts matched so far)."""
    field = clause.field
    if clause.op == "missing":
        return lambda fact, _bound: field not in fact
    if clause.op == "present":
        return lambda fact, _bound: field in fact
    if clause.op == "in":
        values = clause.operand

        def among(fact: Fact, _bound: Mapping[str, Fact]) -> bool:
            left = fact.get(field, _MISSING)
            return left is not _MISSING and any(_compare(operator.eq, left, value) for value in values)

        return among
    compare = _COMPARE[clause.op]
    operand = clause.operand
    if isinstance(operand, Ref):
        alias, other = operand.alias, operand.field

        def against_ref(fact: Fact, bound: Mapping[str, Fact]) -> bool:
            left = fact.get(field, _MISSING)
            source = bound.get(alias)
            if left is _MISSING or source is None:
                return False
            right = source.get(other, _MISSING)
            return right is not _MISSING and _compare(compare, left, right)

        return against_ref

    # The common cases in one step each (the same results as the general comparison below):
    # a missing field is None to .get, which equals no text; True and False are singletons.
    if clause.op == "==" and isinstance(operand, str):
        return lambda fact, _bound: fact.get(field) == operand
    if clause.op == "==" and isinstance(operand, bool):
        return lambda fact, _bound: fact.get(field, _MISSING) is operand

    def against_value(fact: Fact, bound: Mapping[str, Fact]) -> bool:  # noqa: ARG001 - one signature for all tests
        left = fact.get(field, _MISSING)
        return left is not _MISSING and _compare(compare, left, operand)

    return against_value


class _Tests(ConditionVisitor[Test, Test]):
    """The plain-Python reader of the syntax tree: a clause → :func:`clause_test`, a condition
    → the test of its type and every clause."""

    def clause(self, clause: Clause) -> Test:
        return clause_test(clause)

    def condition(self, condition: Condition, clauses: list[Test]) -> Test:
        fact_type = condition.fact_type
        where = _every(tuple(clauses))

        def test(fact: Fact, bound: Mapping[str, Fact]) -> bool:
            return fact.get("type") == fact_type and where(fact, bound)

        return test


@functools.lru_cache(maxsize=4096)
def condition_test(condition: Condition) -> Test:
    """Whether a fact meets ``condition``: its type and every ``where`` clause (whether the
    condition is negated is the caller's business)."""
    return _Tests().visit(condition)


def refers(clause: Clause) -> bool:
    """Whether a clause compares with a field of another matched fact (``ALIAS.FIELD``)."""
    return isinstance(clause.operand, Ref)


def all_of(clauses: tuple[Clause, ...]) -> Test:
    """A test that holds when every one of ``clauses`` holds (no clauses: always)."""
    return _every(tuple(clause_test(c) for c in clauses))


def _every(tests: tuple[Test, ...]) -> Test:
    if not tests:
        return lambda _fact, _bound: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        first, second = tests
        return lambda fact, bound: first(fact, bound) and second(fact, bound)
    if len(tests) == 3:
        first, second, third = tests
        return lambda fact, bound: first(fact, bound) and second(fact, bound) and third(fact, bound)

    def every(fact: Fact, bound: Mapping[str, Fact]) -> bool:
        for test in tests:  # noqa: SIM110 - a loop is faster than all() over a generator here
            if not test(fact, bound):
                return False
        return True

    return every


def holds(clause: Clause, fact: Fact, bound: Mapping[str, Fact]) -> bool:
    """Whether one clause holds for ``fact`` (with the facts matched earlier, by alias)."""
    return clause_test(clause)(fact, bound)


def matches(condition: Condition, fact: Fact, bound: Mapping[str, Fact]) -> bool:
    """Whether ``fact`` meets a condition's type and ``where`` clauses."""
    return condition_test(condition)(fact, bound)
