"""assess(): a partnership in, a report out.

The one direction of flow: document → facts (:mod:`kipolicy._facts`) → rules and engine
(:mod:`kipolicy._rules`) → findings → :class:`~kipolicy.Report`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import weakref
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from .._document.read import load_partnership
from .._rules.durable import compile_rules
from .._base.errors import InputError, Problem, did_you_mean
from .._base.calendar import from_day
from .._facts.duties import DUTIES, Duty
from .._facts.facts import field_paths, make_facts
from .._facts.peers import PortfolioIndex
from .._base.identity import IdentityCache
from .._policy.interpretations import Interpretations
from .._document.model import Partnership
from .._policy.text import policy
from .._document.provenance import ENGINES, Provenance, document_fingerprint
from .._base.version import version
from .._report.report import (
    Citation,
    Evidence,
    FactValues,
    Finding,
    Obligation,
    Report,
    Subject,
    shown_value,
)
from .._views.order import sorted_findings
from .._rules.python import compile_python
from .._rules.ast import OUTCOMES, PLACEHOLDER, STEPS, Ref, Rule
from .._rules.book import Firing, RuleBook, bundled_rules_dir, default_rules
from .._policy.vocabularies import pycountry_version
from .._policy.words import value_label

__all__ = ["ENGINES", "assess", "check_engine", "coerce_date", "program_for"]

#: The rule whose firing means the partnership meets the definition.


def coerce_date(value: Any, what: str = "as_of") -> dt.date:
    """``value`` as a date: a :class:`datetime.date` or an ISO ``YYYY-MM-DD`` text.

    Raises:
        InputError: Anything else (a datetime too: assessments are made as of a day).
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InputError([Problem(f"<{what}>", "", f"expected a date (YYYY-MM-DD), got {value!r}")])


def check_engine(engine: Any) -> str:
    """``engine`` if it names an engine (:data:`ENGINES`).

    Raises:
        InputError: It does not.
    """
    if isinstance(engine, str) and engine in ENGINES:
        return engine
    hint = did_you_mean(str(engine), ENGINES) if isinstance(engine, str) else ""
    raise InputError([Problem("<engine>", "", f"expected one of {', '.join(ENGINES)}, got {engine!r}{hint}")])


def program_for(rulebook: RuleBook, engine: str) -> Any:
    """The program that runs ``rulebook`` on ``engine`` (made once per rule book and engine)."""
    return compile_python(rulebook) if check_engine(engine) == "python" else compile_rules(rulebook)


class _Plan:
    """What every firing of one rule alternative shares, computed once per process: the units
    it cites, the fields of each alias it looks at (for ``because``), and its effect (kind,
    halting, derivations)."""

    def __init__(self, rule: Rule, index: int) -> None:
        self.citations = tuple(Citation.of(u) for u in rule.cites_for(index))
        self.cites = rule.cites_for(index)
        self.message = rule.message_for(index)
        self.remedy = rule.remedy_for(index)
        self.uses = {alias: tuple(sorted(fields)) for alias, fields in _uses(rule, index).items()}
        # The fields the message and remedy insert: all a finding keeps of the facts it matched.
        self.placeholders: dict[str, set[str]] = {}
        for texts in (self.message, self.remedy):
            for text in texts.values():
                for match in PLACEHOLDER.finditer(text):
                    alias, _, field = match[1].strip().partition(".")
                    self.placeholders.setdefault(alias, set()).add(field)
        self.subject = rule.alternatives[index].subject
        # Per alias whose fields the messages insert, the fields that are dates (set at the
        # first firing, from the rule book's fact types).
        self.dates: dict[str, frozenset[str]] | None = None
        self.effect = rule.effect(index)

    @classmethod
    def of(cls, program: Any, rule: Rule, index: int) -> _Plan:
        """The plan of one alternative, kept in the compiled program (so it is released with
        the program's rule book)."""
        key = ("plan", rule.id, index)
        found = program.cache.get(key)
        if found is None:
            found = program.cache[key] = cls(rule, index)
        return found


def _uses(rule: Rule, index: int) -> dict[str, set[str]]:
    """Which fields of which alias an alternative looks at: its clauses and its texts."""
    alternative = rule.alternatives[index]
    uses: dict[str, set[str]] = {a: set() for a in alternative.aliases()}
    for condition in alternative.conditions:
        for clause in condition.where:
            if not condition.negated:
                uses[condition.alias].add(clause.field)
            if isinstance(clause.operand, Ref):
                uses.setdefault(clause.operand.alias, set()).add(clause.operand.field)
    for texts in (rule.message_for(index), rule.remedy_for(index)):
        for text in texts.values():
            for match in PLACEHOLDER.finditer(text):
                alias, _, field = match[1].strip().partition(".")
                if alias in uses:
                    uses[alias].add(field)
    return uses


def _fields(fields: tuple[str, ...]) -> tuple[str, ...]:
    """One tuple for every equal tuple of field names (evidence of many findings holds them)."""
    found = _FIELD_TUPLES.get(fields)
    if found is None:
        if len(_FIELD_TUPLES) > 10_000:
            _FIELD_TUPLES.clear()
        found = _FIELD_TUPLES[fields] = fields
    return found


_FIELD_TUPLES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _date_fields(fact_type: Any) -> frozenset[str]:
    """The fields of a fact type that hold dates (as day numbers), found once per fact type."""
    found = _DATE_FIELDS.get(fact_type)
    if found is None:
        found = frozenset(name for name, spec in fact_type.fields.items() if spec.type == "date")
        _DATE_FIELDS.put(fact_type, found)
    return found


_DATE_FIELDS: IdentityCache[frozenset[str]] = IdentityCache()
_INTERPRETATIONS: IdentityCache[dict[str, Any]] = IdentityCache()


def _render(
    text: str, inserted: Mapping[str, Mapping[str, Any]], dates: Mapping[str, frozenset[str]], lang: str,
    withheld: Mapping[str, Mapping[str, str]] | None = None,
) -> str:
    """A message template with its placeholders filled from the facts a firing matched (a
    withheld value as its stand-in)."""

    def replace(match: re.Match[str]) -> str:
        alias, _, field = match[1].strip().partition(".")
        if withheld and field in withheld.get(alias, {}):
            return withheld[alias][field]
        fact = inserted.get(alias, {})
        if field not in fact:
            return "—"
        return value_label(shown_value(fact[field], field in dates.get(alias, ())), lang)

    # A single pass over the rule's own text: values are inserted, never interpreted.
    return PLACEHOLDER.sub(replace, text)


class _Texts(Mapping[str, str]):
    """A message in both languages, rendered when first read (most reports are read in one).

    It holds the rule's templates, the facts its placeholders read (the assessment's own, not
    copies) and which of their fields are dates, so it is small, and pickles small and
    unrendered: a report sent between processes renders its messages where they are read.
    ``withheld`` gives, per alias and field, what stands in for a value a report made without
    quotes does not show.
    """

    __slots__ = ("_dates", "_done", "_inserted", "_templates", "_withheld")

    def __init__(
        self, templates: Mapping[str, str], inserted: Mapping[str, Mapping[str, Any]], dates: Mapping[str, frozenset[str]],
        withheld: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._templates = templates
        self._inserted = inserted
        self._dates = dates
        self._withheld = withheld
        self._done: dict[str, str] | None = None  # made when first read

    def __getitem__(self, lang: str) -> str:
        if self._done is None:
            self._done = {}
        text = self._done.get(lang)
        if text is None:
            text = self._done[lang] = _render(self._templates[lang], self._inserted, self._dates, lang, self._withheld)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._templates)

    def __len__(self) -> int:
        return len(self._templates)

    def __repr__(self) -> str:
        return repr(dict(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_Texts, (self._templates, self._inserted, self._dates, self._withheld))

    def withholding(self, withheld: Mapping[str, Mapping[str, str]]) -> _Texts:
        """The same message with the values in ``withheld`` replaced by their stand-ins."""
        return _Texts(self._templates, self._inserted, self._dates, withheld)

    @property
    def inserted(self) -> Mapping[str, Mapping[str, Any]]:
        """The facts the placeholders read, by alias."""
        return self._inserted


def assess(
    partnership: Partnership | Mapping[str, Any] | str | os.PathLike[str],
    *,
    as_of: dt.date | str,
    portfolio: Iterable[Partnership] | PortfolioIndex = (),
    interpretations: Interpretations | Mapping[str, Any] | None = None,
    rules: RuleBook | None = None,
    engine: str = "durable",
    quote: bool = True,
) -> Report:
    """Assess a partnership against the policy, as of a date.

    Args:
        partnership: A :class:`~kipolicy.Partnership`, or a path or mapping that
            :func:`~kipolicy.load_partnership` reads.
        as_of: The date the assessment is made as of (a date, or ``YYYY-MM-DD``). Never the
            wall clock: the same input gives the same report on any day.
        portfolio: The other partnerships KI has, to compare with (urval.1, urval.5):
            :class:`~kipolicy.Partnership` objects; a partnership with the assessed one's id
            is left out.
        interpretations: The readings in force (:class:`~kipolicy.Interpretations` or a
            mapping of name to value); every other interpretation keeps its default.
        rules: A rule book from :func:`~kipolicy.load_rules`; default: the bundled rules.
        engine: ``durable`` (default: durable-rules) or ``python`` (kipolicy's plain-Python
            engine, which runs the same rule book through the same stages; both give the
            same report but for the engine named in its provenance).
        quote: False withholds the document's own words and figures (names, countries, focus
            areas as written, terms in years) from the report's findings and renderings: each
            stands as ``‹field path›`` (docs/explain.md#reports-without-quotes). The findings
            are the same.

    Returns:
        The :class:`~kipolicy.Report`.

    Raises:
        InputError: The partnership document, the date or an interpretation is not valid, or
            two partnerships of the portfolio have the same id.
        EngineError: The rule engine failed.

    Example:
        >>> import kipolicy
        >>> p = kipolicy.load_partnership({"id": "x", "name": "X", "stage": "proposal", "level": "department",
        ...     "parties": [{"id": "ki", "name": "Karolinska Institutet", "role": "ki"}]})
        >>> kipolicy.assess(p, as_of="2025-01-01").rule_ids
        ('omfattning.out-of-scope-level',)
    """
    day = coerce_date(as_of)
    subject_partnership = load_partnership(partnership)
    interp = Interpretations.coerce(interpretations)
    rulebook = rules if rules is not None else default_rules()
    program = program_for(rulebook, engine)
    pol = policy()
    index = _index(portfolio, day)
    made = make_facts(subject_partnership, day, interp, pol.document.in_force_from, index)
    report = run_rules(
        program, rulebook, made.facts, made.duties, subject_partnership, day, interp,
        provenance=provenance_of(rulebook, subject_partnership, day, interp, index, engine),
    )
    if not quote:
        from .._report.quotes import without_quotes

        report = without_quotes(report, rulebook)
    return report


def rules_source(rulebook: RuleBook) -> str:
    """Where a rule book came from: ``bundled`` for kipolicy's own rules, else its directory
    (found once per rule book: the paths are resolved on the file system)."""
    found = _SOURCES.get(rulebook)
    if found is None:
        bundled = rulebook is default_rules() or os.path.realpath(rulebook.source) == os.path.realpath(bundled_rules_dir())
        found = _SOURCES[rulebook] = "bundled" if bundled else rulebook.source
    return found


_SOURCES: weakref.WeakKeyDictionary[RuleBook, str] = weakref.WeakKeyDictionary()


def provenance_of(
    rulebook: RuleBook, partnership: Partnership, day: dt.date, interp: Interpretations,
    index: PortfolioIndex | None,
    engine: str = "durable",
) -> Provenance:
    """The provenance of a report on ``partnership``, assessed on ``engine``."""
    return Provenance(
        kipolicy_version=version(),
        engine=ENGINES[engine],
        rules_fingerprint=rulebook.fingerprint,
        rules_source=rules_source(rulebook),
        policy_fingerprint=policy().fingerprint,
        as_of=day,
        interpretations=_interpretations_dict(interp),
        document_fingerprint=document_fingerprint(partnership),
        portfolio_fingerprint=index.fingerprint if index is not None else None,
        vocabularies=_VOCABULARY_PACKAGES,
    )


#: The versions of the packages vocabularies come from, as a report's provenance records them.
_VOCABULARY_PACKAGES = {"pycountry": pycountry_version()}


def _interpretations_dict(interp: Interpretations) -> dict[str, Any]:
    """``interp.to_dict()``, made once per Interpretations object: every report of a portfolio
    shares it (read-only)."""
    found = _INTERPRETATIONS.get(interp)
    if found is None:
        found = interp.to_dict()
        _INTERPRETATIONS.put(interp, found)
    return found


def _index(portfolio: Iterable[Partnership] | PortfolioIndex | None, day: dt.date) -> PortfolioIndex | None:
    if portfolio is None or (isinstance(portfolio, (list, tuple)) and not portfolio):
        return None
    if isinstance(portfolio, PortfolioIndex):
        if portfolio.as_of != day:
            raise ValueError(f"portfolio: indexed as of {portfolio.as_of}, assessed as of {day}")
        return portfolio
    if isinstance(portfolio, (str, bytes, Mapping)):
        raise TypeError("portfolio: expected an iterable of Partnership objects")
    try:
        return PortfolioIndex(portfolio, day)
    except ValueError as exc:
        raise InputError([Problem("<portfolio>", "", str(exc))]) from None


class _Run:
    """One run of the rules over one set of facts: the firings become findings, halts are kept
    track of, and derived facts remember the firing that derived them."""

    def __init__(self, program: Any, rulebook: RuleBook, subject_label: str) -> None:
        self.program = program
        self.rulebook = rulebook
        self.subject_label = subject_label
        self.findings: dict[tuple[str, str, str], Finding] = {}
        # The outcomes the firings conclude (`concludes` in the rule files).
        self.concluded: set[str] = set()
        # The earliest step a rule halted at, the rule, and the sections whose rules of later
        # steps still run (None: none do; a halt that keeps no section stops every later step).
        self.halted_step: int | None = None
        self.halted_by: str | None = None
        self.keeps: frozenset[str] | None = None
        # Each derived fact carries a key to the firing that derived it: its rule and reasons.
        self.derivations: dict[str, tuple[str, tuple[str, ...], tuple[Evidence, ...]]] = {}

    def stopped_step(self) -> int | None:
        """The step after which the engine stops: a halt that keeps no section stops it; one
        that keeps some lets it run on (the firings of other sections are dropped)."""
        return None if self.keeps else self.halted_step

    def react(self, firing: Firing) -> list[dict[str, Any]]:
        """A firing: its finding, its halt, and the facts it derives."""
        rule = firing.rule
        if (
            self.halted_step is not None
            and STEPS.index(rule.step) > self.halted_step
            and rule.section not in (self.keeps or ())
        ):
            return []
        plan = _Plan.of(self.program, rule, firing.alternative)
        finding = self._finding(firing, plan)
        self.findings.setdefault((rule.id, finding.subject.path, finding.subject.label), finding)
        self.concluded.update(rule.concludes_for(firing.alternative))
        if plan.effect.halts:
            self._halt(rule, firing.alternative)
        return self._derive(firing, plan, finding)

    def _finding(self, firing: Firing, plan: _Plan) -> Finding:
        rule, rulebook = firing.rule, self.rulebook
        subject_fact = firing.facts[plan.subject]
        subject = Subject(
            subject_fact.get("path", ""), _label(subject_fact, rulebook, self.subject_label), subject_fact["type"],
        )
        due = None
        if rule.due is not None and rule.due.field in firing.facts.get(rule.due.alias, {}):
            due = from_day(firing.facts[rule.due.alias][rule.due.field])
        # The facts the messages insert from (references, not copies), and which of their fields
        # are dates: all a finding keeps for its messages.
        if plan.dates is None:
            plan.dates = {
                alias: _date_fields(rulebook.fact_types[fact_type])
                for alias, fact_type in rule.alternatives[firing.alternative].aliases().items()
                if alias in plan.placeholders
            }
        inserted = {alias: firing.facts[alias] for alias in plan.placeholders if alias in firing.facts}
        return Finding(
            rule_id=rule.id,
            kind=plan.effect.kind,
            # The modality of the first unit the firing cites: the one that imposes the duty
            # (an alternative may cite its own units).
            modality=plan.citations[0].modality if plan.citations else rule.modality,
            section=rule.section,
            citations=plan.citations,
            subject=subject,
            because=self._because(firing, plan),
            messages=_Texts(plan.message, inserted, plan.dates),
            remedies=_Texts(plan.remedy, inserted, plan.dates),
            title_sv=rule.title["sv"],
            title_en=rule.title["en"],
            due=due,
            would_be=rule.would_be_for(firing.alternative),
            needed_by=rule.needs,
        )

    def _because(self, firing: Firing, plan: _Plan) -> tuple[Evidence, ...]:
        """The facts the firing matched, with the fields its conditions read and, for a derived
        fact, the firing that derived it."""
        because = []
        for alias in sorted(firing.facts):
            fact = firing.facts[alias]
            fact_type = self.rulebook.fact_types[fact["type"]]
            used = _fields(tuple(f for f in plan.uses.get(alias, ()) if f in fact))
            origin = self.derivations.get(str(fact.get("derivation", "")))
            because.append(
                Evidence(
                    fact["type"], fact.get("path", ""), FactValues(fact, used, _date_fields(fact_type)),
                    fact.get("derived_by"), alias, field_paths(fact_type, fact, used),
                    origin[1] if origin else (), origin[2] if origin else (),
                )
            )
        return tuple(because)

    def _halt(self, rule: Rule, alternative: int) -> None:
        step = STEPS.index(rule.step)
        keeps = frozenset(rule.alternatives[alternative].keeps)
        if self.halted_step is None or step < self.halted_step:
            self.halted_step, self.halted_by, self.keeps = step, rule.id, keeps
        elif step == self.halted_step:
            # Several halts at one step: a section runs on only if every halt keeps it.
            self.keeps = (self.keeps or frozenset()) & keeps

    def _derive(self, firing: Firing, plan: _Plan, finding: Finding) -> list[dict[str, Any]]:
        derived = []
        for derivation in plan.effect.derive:
            new_fact: dict[str, Any] = {"type": derivation.fact_type, "path": finding.subject.path}
            for name, value in derivation.values.items():
                if isinstance(value, Ref):
                    source = firing.facts.get(value.alias, {})
                    if value.field in source:
                        new_fact[name] = source[value.field]
                else:
                    new_fact[name] = value
            new_fact["derived_by"] = firing.rule.id
            key = f"x{len(self.derivations)}"
            new_fact["derivation"] = key
            self.derivations[key] = (firing.rule.id, plan.cites, finding.because)
            derived.append(new_fact)
        return derived


def run_rules(
    program: Any,
    rulebook: RuleBook,
    facts: list[dict[str, Any]],
    duties: list[Duty],
    subject_partnership: Partnership | None,
    day: dt.date,
    interp: Interpretations,
    *,
    label: str = "",
    provenance: Provenance | None = None,
) -> Report:
    """Run the engine on ``facts`` and build the report: the one pipeline of :func:`assess`
    and :func:`~kipolicy.assess_portfolio`."""
    run = _Run(program, rulebook, subject_partnership.name if subject_partnership else label)
    derived_facts = program.run(facts, run.react, run.stopped_step)
    kept = tuple(sorted(run.keeps or ()))
    ordered = sorted_findings(run.findings.values())
    # The outcomes the rules that fired conclude (`concludes` in the rule files): with none
    # (the definition not reached, or a trait the document leaves unknown and none failed) the
    # judgement awaits: None.
    outcomes = {OUTCOMES[name] for name in run.concluded}
    strategic = {value for field, value in outcomes if field == "is_strategic"}
    # A failed definition outweighs a met one (the rule book never concludes both).
    is_strategic = False if False in strategic else (True if strategic else None)
    obligations: tuple[Obligation, ...] = ()
    if run.halted_step is None or kept:
        obligations = _obligations(duties, ordered, day, subject_partnership, kept)
    return Report(
        partnership_id=subject_partnership.id if subject_partnership else "",
        partnership_name=subject_partnership.name if subject_partnership else label,
        as_of=day,
        findings=ordered,
        in_scope=("in_scope", False) not in outcomes,
        is_strategic=is_strategic,
        interpretations=interp,
        halted_by=run.halted_by,
        kept_sections=kept,
        obligations=obligations,
        facts=tuple(facts) + tuple(derived_facts),
        rules=rulebook,
        provenance=provenance,
    )


def _obligations(
    duties: Sequence[Duty], findings: Sequence[Finding], day: dt.date, partnership: Partnership | None,
    kept: tuple[str, ...],
) -> tuple[Obligation, ...]:
    """Every dated duty as an obligation, with the rules that found something about it; after a
    halt that keeps some sections, only the duties those sections impose."""
    about: dict[tuple[str, str], list[str]] = {}
    for finding in findings:
        if finding.subject.fact_type == "duty":
            about.setdefault((finding.subject.path, finding.subject.label), []).append(finding.rule_id)
    return tuple(
        Obligation.of(
            duty, day,
            partnership_id=partnership.id if partnership else "",
            partnership_name=partnership.name if partnership else "",
            rule_ids=tuple(about.get((duty.path, duty.label), ())),
        )
        for duty in duties
        if not kept or {unit.split(".")[0] for unit in DUTIES[duty.name].cites} <= set(kept)
    )


def _label(fact: Mapping[str, Any], rulebook: RuleBook, fallback: str) -> str:
    """How a report names the fact a finding is about."""
    fact_type = rulebook.fact_types.get(fact["type"])
    field = fact_type.label if fact_type is not None else None
    for name in (field, "name", "trait"):
        if name and fact.get(name) not in (None, ""):
            return str(fact[name])
    return str(fact.get("path") or fallback)
