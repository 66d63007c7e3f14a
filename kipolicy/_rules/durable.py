"""The rule engine adapter: the one module that knows durable-rules exists.

It compiles a :class:`~kipolicy._rules.book.RuleBook` once into a durable-rules ruleset and runs
assessments on it, following what was measured of the engine (docs/engine.md):

* **one long-lived host, without timer threads.** durable's ``Host`` starts two timer threads
  that dispatch pending actions in the background; this host starts none, and every pending
  action runs synchronously in the caller's thread before results are read.
* **a fresh session per assessment**, deleted afterwards (also on error), under a lock: one
  session lives at a time, so the engine's 32-bit session hash can never mix two assessments.
* **phases.** Every rule waits for a ``phase`` marker fact; markers are asserted one by one
  after all base facts, and after each phase the facts its rules derived. A rule with a "there
  is no such fact" condition runs in a phase after every rule that could derive that fact
  (stratification), with the negation last and right after the marker, where the engine
  evaluates it reliably. Rules of a later *step* run only if no rule that halts fired.
* **errors are never swallowed.** Actions only record what matched; anything raised inside
  one, or reported by the engine, becomes :class:`~kipolicy.EngineError`.
* **canonical order.** Facts are asserted in the order the fact builder gives; the caller sorts
  the findings.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import json
import math
import os
import signal
import sys
import threading
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any


from .._base.errors import EngineError, Problem, RuleFileError
from .._base.limits import MAX_NUMBER
from .ast import Clause, Condition, ConditionVisitor, Ref, Rule
from .book import RESERVED_ALIASES, EngineProgram, Firing, PerBook, RuleBook, content_key, set_compile_check, variants

def _load_engine() -> tuple[Any, Any]:
    """Import durable-rules' C extension and its Python host.

    The extension references ``PyEval_CallObject``, which Python 3.13 removed, but calls it
    only from storage and idle-state callbacks kipolicy never sets. With lazy symbol binding
    the reference is resolved only if it is called (never), so the extension loads and runs on
    3.13 too; the interpreter's flags are restored at once. Where it still cannot load, one
    clear line says so.
    """
    flags = sys.getdlopenflags() if hasattr(sys, "getdlopenflags") else None
    try:
        if flags is not None and hasattr(os, "RTLD_LAZY"):
            sys.setdlopenflags((flags & ~getattr(os, "RTLD_NOW", 0)) | os.RTLD_LAZY)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import durable_rules_engine as native
            from durable import engine as durable
    except ImportError as exc:
        raise ImportError(
            f"kipolicy cannot load its rule engine, durable-rules 2.0.28, on Python "
            f"{sys.version_info.major}.{sys.version_info.minor}: {exc}"
        ) from exc
    finally:
        if flags is not None:
            sys.setdlopenflags(flags)
    return native, durable


class _Engine:
    """durable-rules' C extension, loaded when first used (the first rule book compiled), so that
    importing kipolicy costs nothing and an engine that cannot load is one error at that use."""

    _loaded: tuple[Any, Any] | None = None

    @classmethod
    def modules(cls) -> tuple[Any, Any]:
        if cls._loaded is None:
            cls._loaded = _load_engine()
            # From now on the module's functions are reached directly, not through this object.
            globals()["_native"] = cls._loaded[0]
        return cls._loaded

    def __getattr__(self, name: str) -> Any:
        return getattr(self.modules()[0], name)


#: The C extension's functions (``_native.assert_facts``, ...), loaded on first use.
_native: Any = _Engine()

__all__ = ["LEAKED_SESSION_LIMIT", "Firing", "Program", "compile_rules"]

#: Sessions that could not be deleted (an engine error in mid-assessment) are counted; when a
#: program has this many, its ruleset is deleted and compiled anew before the next assessment.
#: durable-rules crashes at 1,024 live sessions of one ruleset (docs/engine.md).
LEAKED_SESSION_LIMIT = 64
# What the engine's parser can hold: fewer than 255 properties in a fact, text under 16 MiB
# (a longer one is dropped without an error, with every fact after it in the batch).
_MAX_PROPERTIES = 250
_MAX_ENGINE_TEXT = 1 << 20

_RESERVED = {"id": "id_", "sid": "sid_"}
_MARKER_ALIAS = "phase_marker"
assert _MARKER_ALIAS in RESERVED_ALIASES and "end" in RESERVED_ALIASES  # the loader refuses them as aliases
_END_RULE = "kipolicy:end-of-assessment"
_RULESET_NUMBERS = itertools.count(1)
# Session ids are unique across every ruleset of the process: the engine crashed (munmap_chunk:
# invalid pointer) deleting session "a1" of one ruleset after session "a1" of another was used.
_SESSION_NUMBERS = itertools.count(1)


def _key(field: str) -> str:
    return _RESERVED.get(field, field)


def _engine_fact(fact: Mapping[str, Any], sid: str) -> dict[str, Any]:
    """A fact as the engine stores it: reserved field names renamed, the session id added."""
    out = dict(fact)
    for name, renamed in _RESERVED.items():
        if name in out:
            out[renamed] = out.pop(name)
    out["sid"] = sid
    return out


def _operand(value: Any) -> Any:
    if isinstance(value, Ref):
        return {value.alias: _key(value.field)}
    return value


class _Compiler(ConditionVisitor[dict[str, Any], dict[str, Any]]):
    """A condition of a :class:`~kipolicy._rules.book.Variant` as a durable-rules expression."""

    def clause(self, clause: Clause) -> dict[str, Any]:
        field = _key(clause.field)
        if clause.op == "missing":
            return {"$nex": {field: 1}}
        if clause.op == "present":
            return {"$ex": {field: 1}}
        operand = _operand(clause.operand)
        if clause.op == "==":
            return {field: operand}
        op = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}[clause.op]
        return {op: {field: operand}}

    def condition(self, condition: Condition, clauses: list[dict[str, Any]]) -> dict[str, Any]:
        key = f"{condition.alias}$not" if condition.negated else condition.alias
        return {key: {"$and": [{"type": condition.fact_type}, *clauses]}}


_condition = _Compiler().visit


def _unused_action(closure: Any) -> None:  # noqa: ARG001 - the engine's calling convention
    """Registered for every rule; never called: Program._drain dispatches actions itself."""
    raise AssertionError("durable called an action directly")  # pragma: no cover


@functools.cache
def _host_class() -> type:
    """A durable-rules host that starts no timer threads (actions run in the caller's thread,
    through Program._drain)."""
    durable = _Engine.modules()[1]

    class _Host(durable.Host):  # type: ignore[name-defined]
        def _run(self) -> None:
            return None

        def get_action(self, action_name: str) -> Callable[[Any], None]:  # noqa: ARG002
            return _unused_action

    return _Host


class Program(EngineProgram):
    """A rule book compiled into a durable-rules ruleset, ready to run assessments.

    The program lives as long as its rule book: :func:`compile_rules` keeps it on the book
    (weakly, from the engine's side), and when the book is collected the engine's ruleset is
    deleted with it.

    Besides what every engine's program has (:class:`~kipolicy._rules.book.EngineProgram`: the
    phases, a cache):

    Attributes:
        definition: The ruleset as given to the engine (for inspection and docs).
        rebuilds: How often the engine's ruleset was compiled anew to drop leaked sessions.
    """

    def __init__(self, rules: RuleBook) -> None:
        super().__init__(rules)
        self._action_rule: dict[str, tuple[Rule, int]] = {}
        # Per engine rule: its place in the canonical order of firings, and the aliases whose
        # facts (by fact number) complete that order.
        self._order: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {}
        definition: dict[str, Any] = {}
        for position, rule in enumerate(rules):
            marker = {_MARKER_ALIAS: {"$and": [{"type": "phase"}, {"n": self.phase_of[rule.id]}]}}
            for variant in variants(rule):
                definition[variant.name] = {
                    "all": [*map(_condition, variant.positives), marker, *map(_condition, variant.negations)],
                    "run": variant.name,
                }
                self._action_rule[variant.name] = (rule, variant.alternative)
                self._order[variant.name] = (
                    (position, variant.alternative, variant.number), tuple(c.alias for c in variant.positives)
                )
        # Every session must see at least one action run: deleting a session in which no rule
        # ever fired crashes the engine (docs/engine.md). This rule fires on the fact asserted
        # at the end of every assessment and does nothing.
        definition[_END_RULE] = {"all": [{"end": {"type": "end_of_assessment"}}], "run": _END_RULE}
        self.definition = copy.deepcopy(definition)
        self.rebuilds = 0
        self._lock = threading.Lock()
        self._collected: list[tuple[str, dict[str, int]]] = []
        self._errors: list[str] = []
        self._ended = False
        self._leaked = 0
        self._handle: list[int] = []  # the live ruleset's handle, shared with the finaliser
        try:
            self._register()
        except EngineError:
            problems = _culprits(self._action_rule, definition)
            if problems:
                raise RuleFileError(problems) from None
            raise
        weakref.finalize(self, _delete_rulesets, self._handle)

    @property
    def leaked_sessions(self) -> int:
        """Sessions of the current ruleset that could not be deleted (see
        :data:`LEAKED_SESSION_LIMIT`); 0 in every normal run."""
        return self._leaked

    def _register(self) -> None:
        _Engine.modules()  # an engine that cannot load is an ImportError, not a refused rule
        name = f"kipolicy{next(_RULESET_NUMBERS)}"
        try:
            host = _host_class()()
            # durable deletes "run" from the dict it is given: hand it a copy.
            host.register_rulesets({name: copy.deepcopy(self.definition)})
            ruleset = host.get_ruleset(name)
        except Exception as exc:
            raise EngineError([f"the engine refused the compiled rules: {exc}"]) from exc
        self._host, self._ruleset = host, ruleset
        self._handle[:] = [ruleset._handle]  # noqa: SLF001

    def _rebuild(self) -> None:
        """Delete the ruleset (and every session left in it) and compile it anew."""
        _delete_rulesets(self._handle)
        self._register()
        self._leaked = 0
        self.rebuilds += 1

    # -- running ----------------------------------------------------------------------------
    def _assert(self, sid: str, facts: Sequence[Mapping[str, Any]]) -> int:
        payload = [_engine_fact(f, sid) for f in facts]
        for fact in payload:
            _guard(fact)
        try:
            text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
        except ValueError as exc:  # a non-finite number: the engine would crash on it
            raise EngineError([f"a fact holds a value the engine cannot take: {exc}"]) from None
        try:
            code, state = _native.assert_facts(self._ruleset._handle, text)  # noqa: SLF001
        except Exception as exc:
            raise EngineError([f"the engine refused the facts: {exc}"]) from exc
        if code == 2:
            raise EngineError(["the engine saw the same fact twice (duplicate content or id)"])
        if code not in (0, 1):
            raise EngineError([f"the engine answered an assertion with the unexpected code {code}"])
        # 1 means a fact no rule tests (a fact used only in a negation, say): it is stored all
        # the same. Facts the engine's parser could not read would be dropped under code 0 or
        # 1 too; _guard keeps every such value out.
        return state
    def _drain(self, state: int) -> None:
        """Run every pending action of a session, in this thread, until none is left.

        This is durable's own action loop (``Ruleset._flush_actions``) without what kipolicy
        does not use: actions here never change the session's state or post messages, so the
        state the engine hands over is given back as it came, unparsed, and each action is
        called with the facts its rule matched.
        """
        handle = self._ruleset._handle  # noqa: SLF001
        try:
            started = _native.start_action_for_state(handle, state)
        except Exception as exc:
            raise EngineError([f"the engine failed to start an action: {exc}"]) from exc
        while started:
            state_text, message_text = started[0], started[1]
            message = json.loads(message_text)
            while True:
                ((name, matched),) = message.items()
                self._dispatch(name, matched)
                try:
                    _native.update_state(handle, state_text)
                    following = _native.complete_and_start_action(handle, state)
                except Exception as exc:
                    with contextlib.suppress(Exception):
                        _native.abandon_action(handle, state)
                    raise EngineError([f"the engine failed to complete an action: {exc}"]) from exc
                if not following:
                    break
                message = json.loads(following)
            try:
                started = _native.start_action_for_state(handle, state)
            except Exception as exc:
                raise EngineError([f"the engine failed to start an action: {exc}"]) from exc

    def _dispatch(self, name: str, matched: Any) -> None:
        if name == _END_RULE:
            self._ended = True
            return
        if name not in self._action_rule:
            self._errors.append(f"the engine started an unknown action {name!r}")
            return
        if not isinstance(matched, dict):
            self._errors.append(f"{name}: unexpected match {matched!r}")
            return
        numbers = {}
        for alias, fact in matched.items():
            if alias in RESERVED_ALIASES:
                continue
            fid = fact.get("fid") if isinstance(fact, dict) else None
            if not isinstance(fid, str) or not fid.startswith("f"):
                self._errors.append(f"{name}: a matched fact without kipolicy's number: {fact!r}")
                return
            numbers[alias] = int(fid[1:])
        self._collected.append((name, numbers))

    def run(
        self,
        facts: Sequence[Mapping[str, Any]],
        react: Callable[[Firing], Sequence[Mapping[str, Any]]],
        halted_step: Callable[[], int | None],
    ) -> list[dict[str, Any]]:
        """Assess one set of base facts; return the facts the rules derived (each once).

        The session is deleted however the assessment ends (an error, an exception in
        ``react``, an interrupt): in the main thread a Ctrl-C that arrives meanwhile is held
        until the session is gone, then raised.

        Args:
            facts: The base facts, each with ``type`` and ``path``.
            react: Called for every firing, in the order the engine fires; returns the facts
                the firing derives (asserted before the next phase).
            halted_step: The step index of a rule that halted, if one did.

        Raises:
            EngineError: The engine refused a fact, or an action failed.
        """
        with self._lock, _interrupts_held():
            if self._leaked >= LEAKED_SESSION_LIMIT:
                self._rebuild()
            sid = f"a{next(_SESSION_NUMBERS)}"
            self._collected.clear()
            self._errors.clear()
            created = False
            try:
                try:
                    state = self._assert(sid, [{**f, "fid": f"f{i}"} for i, f in enumerate(facts)])
                except BaseException:
                    # The engine may hold part of the session; it is never touched again
                    # (asserting on it once more crashed the engine), only counted.
                    self._leaked += 1
                    raise
                created = True
                self._drain(state)
                return self._phases(sid, facts, react, halted_step)
            finally:
                self._collected.clear()
                if created:
                    self._end_session(sid)

    def _phases(
        self,
        sid: str,
        facts: Sequence[Mapping[str, Any]],
        react: Callable[[Firing], Sequence[Mapping[str, Any]]],
        halted_step: Callable[[], int | None],
    ) -> list[dict[str, Any]]:
        # The engine hands back copies of the facts a rule matched; each is looked up by its
        # number in the facts as kipolicy made them, so a firing sees those.
        by_number: list[Mapping[str, Any]] = list(facts)
        seen: set[str] = set()
        asserted: list[dict[str, Any]] = []
        for phase in self.phases:
            stopped = halted_step()
            if stopped is not None and self.step_of_phase[phase] > stopped:
                break
            state = self._assert(sid, [{"type": "phase", "n": phase, "fid": f"p{phase}"}])
            self._drain(state)
            while self._collected:
                derived = []
                batch, self._collected[:] = list(self._collected), []
                for name, numbers in sorted(batch, key=self._canonical):
                    rule, index = self._action_rule[name]
                    matched = {alias: by_number[n] for alias, n in numbers.items()}
                    for fact in react(Firing(rule, index, matched, phase)):
                        signature = content_key(fact)
                        if signature not in seen:
                            seen.add(signature)
                            new = dict(fact)
                            asserted.append(new)
                            derived.append({**new, "fid": f"f{len(by_number)}"})
                            by_number.append(new)
                if self._errors:
                    raise EngineError(list(self._errors))
                if derived:
                    state = self._assert(sid, derived)
                    self._drain(state)
            if self._errors:
                raise EngineError(list(self._errors))
        return asserted

    def _canonical(self, firing: tuple[str, Mapping[str, int]]) -> tuple[Any, ...]:
        """Firings of one batch in an order that does not depend on the engine: by rule (book
        order), alternative, variant, then the numbers of the facts matched."""
        name, numbers = firing
        place, aliases = self._order[name]
        return (*place, *(numbers.get(a, -1) for a in aliases))

    def _end_session(self, sid: str) -> None:
        """Delete a session the engine created; count it as leaked if that is not safe."""
        self._ended = False
        deleted = False
        try:
            try:
                state = self._assert(sid, [{"type": "end_of_assessment", "fid": "end"}])
                self._drain(state)
            except EngineError:
                pass
            if self._ended:
                self._ruleset.delete_state(sid)
                deleted = True
        finally:
            self._collected.clear()
            self._errors.clear()
            if not deleted:
                # Deleting a session in which no action ran crashes the engine: the session
                # is left, counted, and dropped with the ruleset when too many are left.
                self._leaked += 1


def _guard(fact: Mapping[str, Any]) -> None:
    """Refuse a fact value the engine's parser cannot hold (the last of kipolicy's guards)."""
    if len(fact) > _MAX_PROPERTIES:
        raise EngineError([f"a {fact.get('type')} fact has {len(fact)} fields; the engine takes at most {_MAX_PROPERTIES}"])
    for key, value in fact.items():
        kind = type(value)
        if kind is str:
            if len(value) > _MAX_ENGINE_TEXT:
                raise EngineError([f"{fact.get('type')}.{key}: a text of {len(value):,} characters; the engine takes at most {_MAX_ENGINE_TEXT:,}"])
        elif kind is int:
            if not -MAX_NUMBER <= value <= MAX_NUMBER:
                raise EngineError([f"{fact.get('type')}.{key}: the number is beyond what the engine holds exactly"])
        elif kind is float:
            if not math.isfinite(value) or "e" in repr(value):
                raise EngineError([f"{fact.get('type')}.{key}: the number {value!r} cannot be given to the engine"])
        elif kind is not bool and value is not None:
            raise EngineError([f"{fact.get('type')}.{key}: a {kind.__name__} cannot be given to the engine"])


def _culprits(action_rule: Mapping[str, tuple[Rule, int]], definition: Mapping[str, Any]) -> list[Problem]:
    """The rules the engine refuses to compile, each tried alone."""
    by_rule: dict[str, tuple[Rule, dict[str, Any]]] = {}
    for name, (rule, _index) in action_rule.items():
        by_rule.setdefault(rule.id, (rule, {}))[1][name] = definition[name]
    problems = []
    for rule, entries in by_rule.values():
        name = f"kipolicy-check{next(_RULESET_NUMBERS)}"
        handles: list[int] = []
        try:
            host = _host_class()()
            host.register_rulesets({name: copy.deepcopy(entries)})
            handles.append(host.get_ruleset(name)._handle)  # noqa: SLF001
        except Exception as exc:  # noqa: BLE001 - the engine's own errors are untyped
            problems.append(Problem(rule.file, f"rule {rule.id}", f"the rule engine cannot compile it ({exc})"))
        finally:
            _delete_rulesets(handles)
    return problems


def _delete_rulesets(handles: list[int]) -> None:
    """Delete the engine's ruleset behind ``handles`` (once)."""
    while handles:
        handle = handles.pop()
        with contextlib.suppress(Exception):
            _native.delete_ruleset(handle)


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold a Ctrl-C (SIGINT) that arrives in the block until the block is done, then raise it.

    Only the main thread receives signals, and only it can set their handlers; elsewhere this
    does nothing. A handler that is not Python's (ignored, default) is left as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.getsignal(signal.SIGINT)
    except (ValueError, OSError):  # pragma: no cover - no signals in this interpreter
        yield
        return
    if not callable(previous):
        yield
        return
    caught: list[tuple[int, Any]] = []
    try:
        signal.signal(signal.SIGINT, lambda signum, frame: caught.append((signum, frame)))
    except (ValueError, OSError):  # pragma: no cover - e.g. a sub-interpreter
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            previous(*caught[0])


def compile_rules(rules: RuleBook) -> Program:
    """The compiled program for ``rules``, compiled once per rule book.

    The program is kept on the rule book, so it is released (and the engine's ruleset deleted)
    when no one holds the book any more.
    """
    return _PROGRAMS(rules)


# Keyed weakly by the rule book: a program lives exactly as long as its book.
_PROGRAMS: PerBook[Program] = PerBook(Program)

set_compile_check(compile_rules)
