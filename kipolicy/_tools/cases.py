"""Test cases as data: TOML files legal staff write, run by pytest or by :func:`run_case`.

A case file (``*.case.toml``) holds one or more ``[[case]]`` tables::

    [[case]]
    name = "A partner whose management is absent"
    description = "definition.5: every party's management must be engaged."
    as_of = 2025-06-01
    interpretations = { traits-required = "all-five" }     # optional
    document = "../../examples/active-with-gaps.toml"      # a document, relative to this file,
    overrides = { "parties[1].management_engagement" = "absent" }   # with fields changed
    # ... or the partnership inline, as [case.partnership]
    remove = ["steering_group", "risk_assessments[3]"]     # optional: fields or items removed
    portfolio = ["documents/portfolio-a.toml"]             # optional: the other partnerships

    [case.expect]
    fires = ["definition.management-not-engaged",
             { rule = "definition.not-strategic", subject = "parties[1]", kind = "note" },
             { rule = "uppfoljning.annual-overdue", due = 2026-03-10 }]
    quiet = ["definition.strategic"]
    obligations = [{ duty = "follow-up", due = 2025-03-01, status = "met-late" }]   # optional
    portfolio_fires = ["urval.portfolio-over-capacity"]   # optional: the portfolio-wide findings
    portfolio_quiet = []                                  # of this partnership and its portfolio
    is_strategic = false                                   # optional
    in_scope = true                                        # optional
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from .._assess.assess import assess
from .._document.read import apply_overrides, make_converter, problems_of, read_document, remove_paths, structure
from .._base.errors import InputError, Problem, did_you_mean
from .._base.escape import plain
from .._views.explain import why_not
from .._policy.interpretations import Interpretations
from .._document.model import Partnership
from .._base.names import CASE_SUFFIX
from .._policy.text import policy
from .._report.report import Report
from .._policy.words import kind_label, phrases
from .._rules.ast import KINDS
from .._rules.book import RuleBook, default_rules

__all__ = [
    "Case",
    "CaseResult",
    "Expected",
    "ExpectedObligation",
    "load_cases",
    "run_case",
    "run_case_files",
]



@attrs.frozen
class Expected:
    """One finding a case expects: a rule, and optionally its subject path, kind and due date."""

    rule: str
    subject: str | None = None
    kind: str | None = None
    due: dt.date | None = None

    def matches(self, report: Report) -> bool:
        return any(
            f.rule_id == self.rule
            and (self.subject is None or f.subject.path == self.subject)
            and (self.kind is None or f.kind == self.kind)
            and (self.due is None or f.due == self.due)
            for f in report.findings
        )

    def __str__(self) -> str:
        extra = "".join(
            f" {k}={v}"
            for k, v in (("subject", self.subject), ("kind", self.kind), ("due", self.due))
            if v is not None
        )
        return self.rule + extra


@attrs.frozen
class ExpectedObligation:
    """One obligation a case expects in the report's calendar."""

    duty: str
    due: dt.date | None = None
    status: str | None = None
    met_on: dt.date | None = None

    def matches(self, report: Report) -> bool:
        return any(
            o.duty == self.duty
            and (self.due is None or o.due == self.due)
            and (self.status is None or o.status == self.status)
            and (self.met_on is None or o.met_on == self.met_on)
            for o in report.obligations
        )

    def __str__(self) -> str:
        extra = "".join(
            f" {k}={v}"
            for k, v in (("due", self.due), ("status", self.status), ("met_on", self.met_on))
            if v is not None
        )
        return f"obligation {self.duty}{extra}"


@attrs.frozen
class Case:
    """A test case read from a case file."""

    name: str
    file: str
    index: int
    description: str
    as_of: dt.date
    interpretations: Interpretations = attrs.field(eq=False)
    partnership: Partnership
    fires: tuple[Expected, ...] = ()
    quiet: tuple[str, ...] = ()
    obligations: tuple[ExpectedObligation, ...] = ()
    portfolio: tuple[Partnership, ...] = ()
    portfolio_fires: tuple[str, ...] = ()
    portfolio_quiet: tuple[str, ...] = ()
    is_strategic: bool | None = None
    in_scope: bool | None = None
    expects_strategic: bool = False
    expects_scope: bool = False
    document: str | None = None
    """The case's document file, if it names one (not an inline partnership)."""


def toml_value(value: Any) -> str:
    """A value as a case file writes it: ``true``, ``false``, ``2025-01-01``, ``"text"``."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, int, float)):
        return str(value) if not isinstance(value, dt.date) else value.isoformat()
    return json.dumps(str(value), ensure_ascii=False)




@attrs.frozen
class Failure:
    """One thing a case expected that the report does not show.

    Attributes:
        what: ``fire``, ``quiet``, ``obligation``, ``portfolio-fire``, ``portfolio-quiet`` or
            ``flag`` (``is_strategic``, ``in_scope``).
        rule: The rule id (or the flag's name).
        expected: What the case expected (an :class:`Expected`, an obligation, a value).
        actual: What the report gave instead (a flag's value).
        subjects: The document paths a rule fired for, when it should have stayed quiet.
    """

    what: str
    rule: str
    expected: Any = None
    actual: Any = None
    subjects: tuple[str, ...] = ()

    def text(self, lang: str = "en", labels: Mapping[str, str] | None = None) -> str:
        words = phrases("cases", lang)
        labels = labels or {}

        def subject(path: str) -> str:
            if not path:
                return words["partnership"]
            return f"{path} ({labels[path]})" if labels.get(path) else path

        if self.what == "fire":
            return words["fire"].format(rule=_expected_text(self.expected, subject))
        if self.what == "quiet":
            return words["quiet"].format(rule=self.rule, subjects=", ".join(subject(s) for s in self.subjects))
        if self.what == "obligation":
            return words["obligation"].format(what=self.expected)
        if self.what == "flag":
            return words["flag"].format(rule=self.rule, expected=toml_value(self.expected), actual=toml_value(self.actual))
        return words[self.what].format(rule=self.rule)


def _expected_text(expected: Expected, subject: Callable[[str], str]) -> str:
    parts = [expected.rule]
    if expected.subject is not None:
        parts.append(f"subject = {subject(expected.subject)}")
    if expected.kind is not None:
        parts.append(f"kind = {toml_value(expected.kind)}")
    if expected.due is not None:
        parts.append(f"due = {toml_value(expected.due)}")
    return " ".join(parts)


@attrs.frozen
class CaseResult:
    """The outcome of running a case: the report, and what did not match (empty: passed).

    Attributes:
        case: The case.
        report: The report its partnership got.
        details: Each thing that did not match, as data.
        failures: The same in English, one line each.
    """

    case: Case
    report: Report
    details: tuple[Failure, ...] = ()
    failures: tuple[str, ...] = attrs.field()

    @failures.default
    def _failures(self) -> tuple[str, ...]:
        return tuple(d.text("en") for d in self.details)

    @property
    def passed(self) -> bool:
        return not self.details

    def _labels(self) -> dict[str, str]:
        """Document paths with the names a reader knows them by (``parties[1]`` → its name)."""
        labels = {f"parties[{i}]": p.name for i, p in enumerate(self.case.partnership.parties)}
        labels.update({f.subject.path: f.subject.label for f in self.report.findings if f.subject.path})
        return labels

    def explain(self, lang: str = "en") -> str:
        """Expected against actual, for a person: each failure with the rule's title and the
        policy text it cites, why a rule that should have fired did not, party names beside
        document paths, values written as in a case file."""
        words = phrases("cases", lang)
        labels = self._labels()
        rules = self.report.rules
        lines = [f"{words['case']} {self.case.name!r} {words['in']} {self.case.file}"]
        for detail in self.details:
            lines.append(f"  - {detail.text(lang, labels)}")
            rule = rules.rule(detail.rule) if rules is not None and detail.rule in rules else None
            if rule is None:
                continue
            lines.append(f"      {rule.id}: {rule.title[lang]}")
            for unit_id in rule.cites[:1]:
                unit = policy().unit(unit_id)
                lines.append(f"      {words['cites']} {unit.id}: \"{unit.text(lang)}\"")
            if detail.what == "fire":
                answer = why_not(self.report, rule.id).text(lang).strip().splitlines()
                lines.append(f"      {words['why_not']}:")
                lines += [f"        {line}" for line in answer[:6]]
                document = self.case.document or "FILE"
                lines.append("      " + words["see"].format(file=document, rule=rule.id, as_of=self.case.as_of))
        report = self.report
        lines.append(
            f"  as_of = {report.as_of}; in_scope = {toml_value(report.in_scope)}; "
            f"is_strategic = {toml_value(report.is_strategic)}"
        )
        lines.append(f"  {words['actual']}:")
        if not report.findings:
            lines.append(f"    {words['none']}")
        for f in report.findings:
            due = f"  due = {f.due}" if f.due else ""
            where = f.subject.path or words["partnership"]
            name = f" ({f.subject.label})" if f.subject.path and f.subject.label not in ("", f.subject.path) else ""
            lines.append(f"    {kind_label(f.kind, lang):<14} {f.rule_id}  subject = {where}{name}{due}")
        if report.obligations:
            lines.append(f"  {words['obligations']}:")
            for o in report.obligations:
                met = f" met_on = {o.met_on}" if o.met_on else ""
                lines.append(f"    {o.duty:<20} due = {o.due} status = {toml_value(o.status)}{met}")
        return plain("\n".join(lines))


# -- the case file's form, structured by the document converter ------------------------------


@attrs.frozen
class _FireSpec:
    rule: str
    subject: str | None = None
    kind: str | None = None
    due: dt.date | None = None


@attrs.frozen
class _ObligationSpec:
    duty: str
    due: dt.date | None = None
    status: str | None = None
    met_on: dt.date | None = None


@attrs.frozen
class _ExpectSpec:
    fires: tuple[_FireSpec, ...] = ()
    quiet: tuple[str, ...] = ()
    obligations: tuple[_ObligationSpec, ...] = ()
    portfolio_fires: tuple[str, ...] = ()
    portfolio_quiet: tuple[str, ...] = ()
    is_strategic: bool | None = None
    in_scope: bool | None = None


@attrs.frozen
class _CaseSpec:
    name: str
    as_of: dt.date
    expect: _ExpectSpec
    description: str = ""
    interpretations: dict[str, Any] = attrs.field(factory=dict)
    document: str | None = None
    partnership: dict[str, Any] | None = None
    overrides: dict[str, Any] = attrs.field(factory=dict)
    remove: tuple[str, ...] = ()
    portfolio: tuple[str, ...] = ()


@attrs.frozen
class CaseFileSpec:
    case: tuple[_CaseSpec, ...]


def _make_case_converter() -> Any:
    conv = make_converter()
    attrs_hook = conv.get_structure_hook(_FireSpec)

    def fire(value: Any, type_: Any) -> _FireSpec:
        # A rule id alone is short for { rule = "..." }.
        if isinstance(value, str):
            value = {"rule": value}
        return attrs_hook(value, type_)

    conv.register_structure_hook(_FireSpec, fire)
    return conv


_CASE_CONVERTER = _make_case_converter()


def _structure_file(data: Mapping[str, Any], file: str) -> CaseFileSpec:
    try:
        return _CASE_CONVERTER.structure(data, CaseFileSpec)
    except Exception as exc:  # noqa: BLE001 - every structuring error becomes a problem list
        raise InputError(problems_of(exc, file)) from None


class _Checker:
    """Checks what the form alone cannot: rule ids, kinds, duties, interpretations."""

    def __init__(self, file: str, rulebook: RuleBook) -> None:
        from .._facts.duties import DUTIES
        from .._report.report import OBLIGATION_STATUSES

        self.file = file
        self.rules = rulebook.ids()
        self.duties = tuple(DUTIES)
        self.statuses = tuple(OBLIGATION_STATUSES)
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(self.file, where, message))

    def rule(self, where: str, rule_id: str) -> bool:
        if rule_id in self.rules:
            return True
        self.add(where, f"unknown rule {rule_id!r}{did_you_mean(rule_id, self.rules)}")
        return False

    def one_of(self, where: str, value: str | None, choices: Sequence[str]) -> bool:
        if value is None or value in choices:
            return True
        self.add(where, f"expected one of {', '.join(choices)}, got {value!r}{did_you_mean(value, choices)}")
        return False

    def case(self, spec: _CaseSpec, index: int) -> Case | None:
        where = f"case[{index}]"
        expect = spec.expect
        ok = True
        for j, fire in enumerate(expect.fires):
            ok &= self.rule(f"{where}.expect.fires[{j}]", fire.rule)
            ok &= self.one_of(f"{where}.expect.fires[{j}].kind", fire.kind, KINDS)
        for j, obligation in enumerate(expect.obligations):
            ok &= self.one_of(f"{where}.expect.obligations[{j}].duty", obligation.duty, self.duties)
            ok &= self.one_of(f"{where}.expect.obligations[{j}].status", obligation.status, self.statuses)
        for key in ("quiet", "portfolio_fires", "portfolio_quiet"):
            for j, rule_id in enumerate(getattr(expect, key)):
                ok &= self.rule(f"{where}.expect.{key}[{j}]", rule_id)
        if expect == _ExpectSpec():
            self.add(f"{where}.expect", "expects nothing: name rules that fire or stay quiet")
            ok = False
        if not spec.name.strip():
            self.add(f"{where}.name", "expected a non-empty text")
            ok = False
        try:
            interpretations = Interpretations(spec.interpretations)
        except InputError as exc:
            for p in exc.problems:
                self.add(f"{where}.interpretations" + (f".{p.path}" if p.path else ""), p.message)
            return None
        partnership = self.partnership(spec, where)
        portfolio = self.portfolio(spec, where)
        if not ok or partnership is None or portfolio is None:
            return None
        return Case(
            name=spec.name.strip(),
            file=self.file,
            index=index,
            description=spec.description,
            as_of=spec.as_of,
            interpretations=interpretations,
            partnership=partnership,
            fires=tuple(Expected(f.rule, f.subject, f.kind, f.due) for f in expect.fires),
            quiet=expect.quiet,
            obligations=tuple(
                ExpectedObligation(o.duty, o.due, o.status, o.met_on) for o in expect.obligations
            ),
            portfolio=portfolio,
            portfolio_fires=expect.portfolio_fires,
            portfolio_quiet=expect.portfolio_quiet,
            is_strategic=expect.is_strategic,
            in_scope=expect.in_scope,
            expects_strategic=expect.is_strategic is not None,
            expects_scope=expect.in_scope is not None,
            document=str(Path(self.file).parent / spec.document) if spec.document is not None else None,
        )

    def partnership(self, spec: _CaseSpec, where: str) -> Partnership | None:
        if (spec.document is None) == (spec.partnership is None):
            self.add(where, "expected either 'document' (a path) or [case.partnership], not both or neither")
            return None
        if spec.document is not None:
            try:
                data: Mapping[str, Any] = read_document(Path(self.file).parent / spec.document)
            except InputError as exc:
                for p in exc.problems:
                    self.add(f"{where}.document", str(p))
                return None
            source = f"{self.file} ({where}: {spec.document})"
        else:
            data = spec.partnership or {}
            source = f"{self.file} ({where}.partnership)"
        try:
            data = remove_paths(data, list(spec.remove))
        except ValueError as exc:
            self.add(f"{where}.remove", str(exc))
            return None
        try:
            data = apply_overrides(data, spec.overrides)
        except ValueError as exc:
            self.add(f"{where}.overrides", str(exc))
            return None
        try:
            return structure(data, source)
        except InputError as exc:
            self.problems += exc.problems
            return None

    def portfolio(self, spec: _CaseSpec, where: str) -> tuple[Partnership, ...] | None:
        out: list[Partnership] = []
        ok = True
        for j, item in enumerate(spec.portfolio):
            path = Path(self.file).parent / item
            try:
                out.append(structure(read_document(path), f"{self.file} ({where}.portfolio[{j}]: {item})"))
            except InputError as exc:
                self.problems += exc.problems
                ok = False
        return tuple(out) if ok else None


def load_cases(path: str | os.PathLike[str], rules: RuleBook | None = None) -> list[Case]:
    """Read every case of a case file.

    The file is structured with the same strict converter as partnership documents: unknown
    keys (with a did-you-mean), wrong types and bad dates are reported with the case's field
    path (``case[1].expect.fires[0].kind``).

    Raises:
        InputError: Every problem of the file, with the case's field path, including rule ids
            the rule book does not have and problems of the partnership.
    """
    file = os.fspath(path)
    data = read_document(file)
    rulebook = rules if rules is not None else default_rules()
    if "case" not in data:
        unknown = [k for k in data if k != "case"]
        hint = f" (found {', '.join(map(repr, unknown[:5]))})" if unknown else ""
        raise InputError([Problem(file, "case", f"expected one or more [[case]] tables{hint}")])
    spec = _structure_file(data, file)
    if not spec.case:
        raise InputError([Problem(file, "case", "expected one or more [[case]] tables")])
    checker = _Checker(file, rulebook)
    cases = [case for index, item in enumerate(spec.case) if (case := checker.case(item, index)) is not None]
    if checker.problems:
        raise InputError(checker.problems)
    return cases


def run_case(case: Case, rules: RuleBook | None = None, *, engine: str = "durable") -> CaseResult:
    """Assess a case's partnership (on ``engine``, as :func:`~kipolicy.assess` takes it) and
    compare the report with what the case expects."""
    report = assess(
        case.partnership, as_of=case.as_of, interpretations=case.interpretations,
        portfolio=case.portfolio, rules=rules, engine=engine,
    )
    failures: list[Failure] = []
    for expected in case.fires:
        if not expected.matches(report):
            failures.append(Failure("fire", expected.rule, expected))
    for obligation in case.obligations:
        if not obligation.matches(report):
            failures.append(Failure("obligation", obligation.duty, obligation))
    for rule_id in case.quiet:
        fired = report.by_rule(rule_id)
        if fired:
            failures.append(Failure("quiet", rule_id, subjects=tuple(f.subject.path for f in fired)))
    if case.portfolio_fires or case.portfolio_quiet:
        from .._assess.portfolio import assess_portfolio

        whole = assess_portfolio(
            [case.partnership, *case.portfolio], as_of=case.as_of,
            interpretations=case.interpretations, rules=rules, engine=engine,
        )
        fired_ids = {f.rule_id for f in whole.findings}
        failures += [Failure("portfolio-fire", r) for r in case.portfolio_fires if r not in fired_ids]
        failures += [Failure("portfolio-quiet", r) for r in case.portfolio_quiet if r in fired_ids]
    if case.expects_strategic and report.is_strategic != case.is_strategic:
        failures.append(Failure("flag", "is_strategic", case.is_strategic, report.is_strategic))
    if case.expects_scope and report.in_scope != case.in_scope:
        failures.append(Failure("flag", "in_scope", case.in_scope, report.in_scope))
    return CaseResult(case, report, tuple(failures))


@attrs.frozen
class CaseRun:
    """What running case files gave: each case's result, and the files that could not be read.

    Attributes:
        results: Every case's result, file by file in path order.
        problems: Why a file could not be read (a path that is missing, a directory without
            case files, a case file with errors); such a run is not a successful one.
    """

    results: tuple[CaseResult, ...]
    problems: tuple[Problem, ...] = ()

    @property
    def passed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if r.passed)

    @property
    def failed(self) -> tuple[CaseResult, ...]:
        return tuple(r for r in self.results if not r.passed)

    @property
    def unread(self) -> int:
        """How many files could not be read."""
        return len({p.file for p in self.problems})


def case_files(paths: Sequence[str | os.PathLike[str]]) -> tuple[list[Path], list[Problem]]:
    """The case files ``paths`` name (a directory: every ``*.case.toml`` below it), and a problem
    for each path that names none."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        p = Path(path)
        if p.is_dir():
            found = sorted(p.rglob(f"*{CASE_SUFFIX}"))
            if not found:
                problems.append(Problem(str(path), "", f"no {CASE_SUFFIX} files in it"))
            files += found
        elif p.exists():
            files.append(p)
        else:
            problems.append(Problem(str(path), "", "no such file or directory"))
    return files, problems


def run_case_files(
    paths: Sequence[str | os.PathLike[str]], rules: RuleBook | None = None, *, engine: str = "durable"
) -> CaseRun:
    """Run every case of every file (directories: every ``*.case.toml`` below them), on
    ``engine``: the runner of ``kipolicy cases``. A file that cannot be read is a problem of the
    run, and the other files still run."""
    files, problems = case_files(paths)
    results = []
    for file in files:
        try:
            cases = load_cases(file, rules)
        except InputError as exc:
            problems += exc.problems
            continue
        results += [run_case(case, rules, engine=engine) for case in cases]
    return CaseRun(tuple(results), tuple(problems))

