"""The plain-Python engine: the same rule book, run without durable-rules.

It runs exactly what the durable-rules adapter (:mod:`.durable`) runs, from the same lowering
of the rule language (:func:`~kipolicy._rules.book.variants`: ``in`` clauses expanded) and the
same phases (:class:`~kipolicy._rules.book.PhasePlan`):

* phases run in ascending order; a phase's rules join the rules already running, and rules of
  a later step run only if no halting rule of an earlier step fired;
* within a phase, every rule that is running fires once for each combination of facts that
  meets its positive conditions (one fact per condition, in the rule's order) while no fact
  meets any of its negated ones; the firings of one round are handed over in the canonical
  order (rule, alternative, variant, fact numbers), and the facts they derive (each content
  once) are added before the next round, until a round fires nothing;
* facts are numbered as the durable adapter numbers them, so both engines hand the same
  firings, in the same order, to the same reaction.

Identical reports from both engines are a tested invariant (tests/test_engines.py): each
engine is the other's oracle. Clauses are compiled once into Python functions
(:mod:`.evaluate`), and a round after the first looks again only at the rules that test a
type of fact just derived.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .evaluate import Test, all_of, refers
from .ast import Clause, Condition, Rule
from .book import EngineProgram, Firing, PerBook, RuleBook, Variant, content_key, variants

__all__ = ["PythonProgram", "compile_python"]


Fact = Mapping[str, Any]
_EMPTY: dict[str, Fact] = {}


@attrs.frozen
class _Alpha:
    """What one fact must be on its own: its type, and the clauses that compare it with values
    (not with other facts). Conditions of several rules that say the same share one."""

    fact_type: str
    test: Test


@attrs.frozen
class _Compiled:
    """One variant, ready to match: per condition its alpha (an index into the program's alphas),
    its alias and the clauses that refer to facts matched earlier; its place in the firing order."""

    variant: Variant
    rule: Rule
    place: tuple[int, int, int]
    positives: tuple[tuple[int, str, Test | None], ...]  # (alpha, alias, test with references)
    negations: tuple[tuple[int, Test | None], ...]  # (alpha, test with references)
    tested_types: frozenset[str]
    phase: int
    name: str
    joined: bool  # whether any clause refers to another matched fact


class PythonProgram(EngineProgram):
    """A rule book made ready for the plain-Python engine (see the module's description).

    It has the interface of the durable adapter's :class:`~kipolicy._rules.durable.Program`:
    :meth:`run` with the same arguments and result, ``cache`` for its callers' per-program data,
    ``phases`` and ``phase_of``; ``leaked_sessions`` and ``rebuilds`` are always 0 (there are
    no engine sessions).

    Each condition is split into what a fact must be on its own (an *alpha*: the type and the
    clauses against values, shared by every condition that says the same) and the clauses that
    refer to other matched facts. During one assessment each alpha is evaluated once per fact,
    when first needed, and kept up to date as facts are derived; rules then join the facts of
    their alphas.
    """

    leaked_sessions = 0
    rebuilds = 0

    def __init__(self, rules: RuleBook) -> None:
        super().__init__(rules)
        self._alphas: list[_Alpha] = []
        alpha_index: dict[tuple[str, tuple[Clause, ...]], int] = {}

        def split(condition: Condition) -> tuple[int, Test | None]:
            assert all(c.op != "in" for c in condition.where), "variants carry no 'in' clauses"
            own = tuple(c for c in condition.where if not refers(c))
            joined = tuple(c for c in condition.where if refers(c))
            key = (condition.fact_type, own)
            if key not in alpha_index:
                alpha_index[key] = len(self._alphas)
                self._alphas.append(_Alpha(condition.fact_type, all_of(own)))
            return alpha_index[key], all_of(joined) if joined else None

        def positive(condition: Condition) -> tuple[int, str, Test | None]:
            index, joined = split(condition)
            return index, condition.alias, joined

        self._by_phase: dict[int, list[_Compiled]] = {}
        for position, rule in enumerate(rules):
            for variant in variants(rule):
                compiled = _Compiled(
                    variant=variant,
                    rule=rule,
                    place=(position, variant.alternative, variant.number),
                    positives=tuple(positive(c) for c in variant.positives),
                    negations=tuple(split(c) for c in variant.negations),
                    tested_types=frozenset(c.fact_type for c in variant.positives),
                    phase=self.phase_of[rule.id],
                    name=variant.name,
                    joined=any(refers(clause) for c in (*variant.positives, *variant.negations) for clause in c.where),
                )
                self._by_phase.setdefault(compiled.phase, []).append(compiled)

    def run(
        self,
        facts: Sequence[Mapping[str, Any]],
        react: Callable[[Firing], Sequence[Mapping[str, Any]]],
        halted_step: Callable[[], int | None],
    ) -> list[dict[str, Any]]:
        """Assess one set of base facts; return the facts the rules derived (each once).

        Args:
            facts: The base facts, each with ``type`` and ``path``.
            react: Called for every firing, in the canonical order; returns the facts the
                firing derives (added before the next round).
            halted_step: The step index of a rule that halted, if one did.
        """
        store: list[Fact] = list(facts)
        by_type: dict[str, list[int]] = {}
        for n, fact in enumerate(store):
            by_type.setdefault(str(fact.get("type")), []).append(n)
        alphas = self._alphas
        # Per alpha: the numbers of the facts that pass it, and how many facts of its type were
        # looked at (facts are only ever added, so the rest is looked at when next needed).
        passed: list[list[int] | None] = [None] * len(alphas)
        looked: list[int] = [0] * len(alphas)

        def alpha(index: int) -> list[int]:
            found = passed[index]
            if found is None:
                found = passed[index] = []
            spec = alphas[index]
            of_type = by_type.get(spec.fact_type, ())
            if looked[index] < len(of_type):
                test = spec.test
                found += [n for n in of_type[looked[index]:] if test(store[n], _EMPTY)]
                looked[index] = len(of_type)
            return found

        fired: set[tuple[str, tuple[int, ...]]] = set()
        seen: set[str] = set()
        asserted: list[dict[str, Any]] = []
        running: list[_Compiled] = []
        for phase in self.phases:
            stopped = halted_step()
            if stopped is not None and self.step_of_phase[phase] > stopped:
                break
            entering = self._by_phase.get(phase, [])
            running += entering
            to_match = entering
            while to_match:
                batch: list[tuple[tuple[int, ...], _Compiled, tuple[int, ...]]] = []
                for compiled in to_match:
                    name = compiled.name
                    for numbers in _joins(compiled, store, alpha):
                        key = (name, numbers)
                        if key not in fired:
                            fired.add(key)
                            batch.append((self._order(compiled, numbers), compiled, numbers))
                batch.sort(key=lambda entry: entry[0])
                new_types: set[str] = set()
                for _order, compiled, numbers in batch:
                    matched = {
                        alias: store[n]
                        for (_alpha, alias, _test), n in zip(compiled.positives, numbers, strict=True)
                    }
                    for fact in react(Firing(compiled.rule, compiled.variant.alternative, matched, phase)):
                        signature = content_key(fact)
                        if signature not in seen:
                            seen.add(signature)
                            new = dict(fact)
                            asserted.append(new)
                            by_type.setdefault(str(new.get("type")), []).append(len(store))
                            store.append(new)
                            new_types.add(str(new.get("type")))
                to_match = [c for c in running if c.tested_types & new_types] if new_types else []
        return asserted

    @staticmethod
    def _order(compiled: _Compiled, numbers: tuple[int, ...]) -> tuple[int, ...]:
        """The canonical order of a firing (as :meth:`kipolicy._rules.durable.Program._canonical`):
        rule, alternative, variant, then the numbers of the facts matched."""
        return (*compiled.place, *numbers)


def _joins(compiled: _Compiled, store: Sequence[Fact], alpha: Callable[[int], list[int]]) -> list[tuple[int, ...]]:
    """The numbers of the facts of each combination that meets a variant: one fact per positive
    condition (from its alpha, meeting its references to the facts before it), and no fact
    meeting any negated condition."""
    candidates = []
    for index, _alias, _test in compiled.positives:
        found = alpha(index)
        if not found:
            return []
        candidates.append(found)
    for index, test in compiled.negations:
        if test is None and alpha(index):
            return []
    if not compiled.joined:
        # No clause refers to another fact: every combination of the alphas' facts meets it.
        return list(itertools.product(*candidates))
    positives = compiled.positives
    negations = [(i, t) for i, t in compiled.negations if t is not None]
    count = len(positives)
    numbers = [0] * count
    bound: dict[str, Fact] = {}
    out: list[tuple[int, ...]] = []

    def search(i: int) -> None:
        if i == count:
            for index, blocks in negations:
                if any(blocks(store[n], bound) for n in alpha(index)):
                    return
            out.append(tuple(numbers))
            return
        _index, alias, joined = positives[i]
        for n in candidates[i]:
            fact = store[n]
            if joined is None or joined(fact, bound):
                numbers[i] = n
                bound[alias] = fact
                search(i + 1)
        bound.pop(alias, None)

    search(0)
    return out


def compile_python(rules: RuleBook) -> PythonProgram:
    """The plain-Python program for ``rules``, made once per rule book."""
    return _PROGRAMS(rules)


_PROGRAMS: PerBook[PythonProgram] = PerBook(PythonProgram)
