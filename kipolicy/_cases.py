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
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from ._assess import assess
from ._documents import apply_overrides, read_document, remove_paths, structure
from ._errors import InputError, Problem, did_you_mean
from ._interpretations import Interpretations
from ._model import Partnership
from ._report import Report
from ._rules import KINDS, RuleBook, default_rules

__all__ = [
    "Case",
    "CaseResult",
    "Expected",
    "ExpectedObligation",
    "load_cases",
    "run_case",
    "run_case_files",
]

CASE_SUFFIX = ".case.toml"
_CASE_KEYS = {
    "name", "description", "as_of", "interpretations", "document", "overrides", "partnership",
    "portfolio", "remove", "expect",
}
_EXPECT_KEYS = {
    "fires", "quiet", "is_strategic", "in_scope", "obligations", "portfolio_fires",
    "portfolio_quiet",
}
_FIRE_KEYS = {"rule", "subject", "kind", "due"}
_OBLIGATION_KEYS = {"duty", "due", "status", "met_on"}


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


@attrs.frozen
class CaseResult:
    """The outcome of running a case: the report, and what did not match (empty: passed)."""

    case: Case
    report: Report
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures

    def explain(self) -> str:
        """Expected vs actual, for a person."""
        lines = [f"case {self.case.name!r} in {self.case.file}"]
        lines += [f"  - {f}" for f in self.failures]
        lines.append(f"  as_of: {self.report.as_of}; in_scope: {self.report.in_scope}; is_strategic: {self.report.is_strategic}")
        lines.append("  actual findings:")
        if not self.report.findings:
            lines.append("    (none)")
        for f in self.report.findings:
            due = f"  due={f.due}" if f.due else ""
            lines.append(f"    {f.kind:<14} {f.rule_id}  subject={f.subject.path or '(partnership)'}{due}")
        if self.report.obligations:
            lines.append("  actual obligations:")
            for o in self.report.obligations:
                met = f" met_on={o.met_on}" if o.met_on else ""
                lines.append(f"    {o.duty:<20} due={o.due} status={o.status}{met}")
        return "\n".join(lines)


def _check_keys(problems: list[Problem], file: str, where: str, table: Mapping[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            problems.append(Problem(file, f"{where}.{key}" if where else key, f"unknown field{did_you_mean(key, known)}; expected one of: {', '.join(sorted(known))}"))


def load_cases(path: str | os.PathLike[str], rules: RuleBook | None = None) -> list[Case]:
    """Read every case of a case file.

    Raises:
        InputError: Every problem of the file, with the case's field path (``case[1].expect``),
            including rule ids the rule book does not have and problems of the partnership.
    """
    file = os.fspath(path)
    data = read_document(file)
    rulebook = rules if rules is not None else default_rules()
    known_rules = rulebook.ids()
    problems: list[Problem] = []
    _check_keys(problems, file, "", data, {"case"})
    raw_cases = data.get("case")
    if not isinstance(raw_cases, list) or not raw_cases:
        problems.append(Problem(file, "case", "expected one or more [[case]] tables"))
        raise InputError(problems)
    cases: list[Case] = []
    for index, raw in enumerate(raw_cases):
        where = f"case[{index}]"
        if not isinstance(raw, Mapping):
            problems.append(Problem(file, where, "expected a table"))
            continue
        _check_keys(problems, file, where, raw, _CASE_KEYS)
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            problems.append(Problem(file, f"{where}.name", "expected a non-empty text"))
            name = f"case {index}"
        as_of = raw.get("as_of")
        if not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime):
            problems.append(Problem(file, f"{where}.as_of", f"expected a date (YYYY-MM-DD), got {as_of!r}"))
            as_of = None
        try:
            interpretations = Interpretations(raw.get("interpretations") or {})
        except InputError as exc:
            problems += [Problem(file, f"{where}.interpretations.{p.path}", p.message) for p in exc.problems]
            interpretations = Interpretations()
        partnership = _partnership(problems, file, where, raw)
        expect = raw.get("expect")
        fires: list[Expected] = []
        quiet: list[str] = []
        if not isinstance(expect, Mapping):
            problems.append(Problem(file, f"{where}.expect", "expected a table with 'fires' and/or 'quiet'"))
            expect = {}
        _check_keys(problems, file, f"{where}.expect", expect, _EXPECT_KEYS)
        for j, item in enumerate(expect.get("fires", [])):
            fwhere = f"{where}.expect.fires[{j}]"
            if isinstance(item, str):
                item = {"rule": item}
            if not isinstance(item, Mapping) or not isinstance(item.get("rule"), str):
                problems.append(Problem(file, fwhere, "expected a rule id, or { rule = ..., subject = ..., kind = ... }"))
                continue
            _check_keys(problems, file, fwhere, item, _FIRE_KEYS)
            if item["rule"] not in known_rules:
                problems.append(Problem(file, fwhere, f"unknown rule {item['rule']!r}{did_you_mean(item['rule'], known_rules)}"))
                continue
            if item.get("kind") is not None and item["kind"] not in KINDS:
                problems.append(Problem(file, f"{fwhere}.kind", f"expected one of {', '.join(KINDS)}"))
                continue
            if item.get("due") is not None and not _is_date(item["due"]):
                problems.append(Problem(file, f"{fwhere}.due", f"expected a date (YYYY-MM-DD), got {item['due']!r}"))
                continue
            fires.append(Expected(item["rule"], item.get("subject"), item.get("kind"), item.get("due")))
        obligations = _obligations(problems, file, f"{where}.expect.obligations", expect.get("obligations", []))
        portfolio = _portfolio(problems, file, f"{where}.portfolio", raw.get("portfolio", []))
        for j, rule_id in enumerate(expect.get("quiet", [])):
            if rule_id not in known_rules:
                problems.append(Problem(file, f"{where}.expect.quiet[{j}]", f"unknown rule {rule_id!r}{did_you_mean(str(rule_id), known_rules)}"))
                continue
            quiet.append(rule_id)
        portfolio_rules: dict[str, list[str]] = {"portfolio_fires": [], "portfolio_quiet": []}
        for key, found in portfolio_rules.items():
            for j, rule_id in enumerate(expect.get(key, [])):
                if rule_id not in known_rules:
                    problems.append(Problem(file, f"{where}.expect.{key}[{j}]", f"unknown rule {rule_id!r}{did_you_mean(str(rule_id), known_rules)}"))
                    continue
                found.append(rule_id)
        for flag in ("is_strategic", "in_scope"):
            if flag in expect and not isinstance(expect[flag], bool):
                problems.append(Problem(file, f"{where}.expect.{flag}", "expected true or false"))
        if not any(key in expect for key in _EXPECT_KEYS):
            problems.append(Problem(file, f"{where}.expect", "expects nothing: name rules that fire or stay quiet"))
        if partnership is None or as_of is None:
            continue
        cases.append(
            Case(
                name=name.strip(),
                file=file,
                index=index,
                description=str(raw.get("description", "")),
                as_of=as_of,
                interpretations=interpretations,
                partnership=partnership,
                fires=tuple(fires),
                quiet=tuple(quiet),
                obligations=tuple(obligations),
                portfolio=tuple(portfolio),
                portfolio_fires=tuple(portfolio_rules["portfolio_fires"]),
                portfolio_quiet=tuple(portfolio_rules["portfolio_quiet"]),
                is_strategic=expect.get("is_strategic"),
                in_scope=expect.get("in_scope"),
                expects_strategic="is_strategic" in expect,
                expects_scope="in_scope" in expect,
            )
        )
    if problems:
        raise InputError(problems)
    return cases


def _is_date(value: Any) -> bool:
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _obligations(problems: list[Problem], file: str, where: str, raw: Any) -> list[ExpectedObligation]:
    from ._duties import DUTIES
    from ._report import OBLIGATION_STATUSES

    out: list[ExpectedObligation] = []
    if not isinstance(raw, list):
        problems.append(Problem(file, where, "expected a list of { duty = ..., due = ..., status = ... }"))
        return out
    for j, item in enumerate(raw):
        owhere = f"{where}[{j}]"
        if not isinstance(item, Mapping):
            problems.append(Problem(file, owhere, "expected { duty = ..., due = ..., status = ... }"))
            continue
        _check_keys(problems, file, owhere, item, _OBLIGATION_KEYS)
        ok = True
        if item.get("duty") not in DUTIES:
            problems.append(Problem(file, f"{owhere}.duty", f"expected one of {', '.join(DUTIES)}, got {item.get('duty')!r}"))
            ok = False
        if item.get("status") is not None and item["status"] not in OBLIGATION_STATUSES:
            problems.append(Problem(file, f"{owhere}.status", f"expected one of {', '.join(OBLIGATION_STATUSES)}, got {item['status']!r}"))
            ok = False
        for key in ("due", "met_on"):
            if item.get(key) is not None and not _is_date(item[key]):
                problems.append(Problem(file, f"{owhere}.{key}", f"expected a date (YYYY-MM-DD), got {item[key]!r}"))
                ok = False
        if ok:
            out.append(ExpectedObligation(item["duty"], item.get("due"), item.get("status"), item.get("met_on")))
    return out


def _portfolio(problems: list[Problem], file: str, where: str, raw: Any) -> list[Partnership]:
    out: list[Partnership] = []
    if not isinstance(raw, list):
        problems.append(Problem(file, where, "expected a list of document paths relative to the case file"))
        return out
    for j, item in enumerate(raw):
        if not isinstance(item, str):
            problems.append(Problem(file, f"{where}[{j}]", "expected a document path relative to the case file"))
            continue
        path = Path(file).parent / item
        try:
            out.append(structure(read_document(path), f"{file} ({where}[{j}]: {item})"))
        except InputError as exc:
            problems += list(exc.problems)
    return out


def _partnership(problems: list[Problem], file: str, where: str, raw: Mapping[str, Any]) -> Partnership | None:
    has_doc, has_inline = "document" in raw, "partnership" in raw
    if has_doc == has_inline:
        problems.append(Problem(file, where, "expected either 'document' (a path) or [case.partnership], not both or neither"))
        return None
    if has_doc:
        document = raw["document"]
        if not isinstance(document, str):
            problems.append(Problem(file, f"{where}.document", "expected a path relative to the case file"))
            return None
        doc_path = Path(file).parent / document
        try:
            data = read_document(doc_path)
        except InputError as exc:
            problems += [Problem(file, f"{where}.document", str(p)) for p in exc.problems]
            return None
        source = f"{file} ({where}: {document})"
    else:
        data = raw["partnership"]
        if not isinstance(data, Mapping):
            problems.append(Problem(file, f"{where}.partnership", "expected a table"))
            return None
        source = f"{file} ({where}.partnership)"
    remove = raw.get("remove", [])
    if not isinstance(remove, list) or not all(isinstance(r, str) for r in remove):
        problems.append(Problem(file, f"{where}.remove", "expected a list of field paths"))
        return None
    try:
        data = remove_paths(data, remove)
    except ValueError as exc:
        problems.append(Problem(file, f"{where}.remove", str(exc)))
        return None
    overrides = raw.get("overrides", {})
    if not isinstance(overrides, Mapping):
        problems.append(Problem(file, f"{where}.overrides", "expected a table of 'field.path' = value"))
        return None
    try:
        data = apply_overrides(data, overrides)
    except ValueError as exc:
        problems.append(Problem(file, f"{where}.overrides", str(exc)))
        return None
    try:
        return structure(data, source)
    except InputError as exc:
        problems += list(exc.problems)
        return None


def run_case(case: Case, rules: RuleBook | None = None) -> CaseResult:
    """Assess a case's partnership and compare the report with what the case expects."""
    report = assess(
        case.partnership, as_of=case.as_of, interpretations=case.interpretations,
        portfolio=case.portfolio, rules=rules,
    )
    failures = []
    for expected in case.fires:
        if not expected.matches(report):
            failures.append(f"expected {expected} to fire, it did not")
    for obligation in case.obligations:
        if not obligation.matches(report):
            failures.append(f"expected {obligation} in the calendar, it is not")
    for rule_id in case.quiet:
        fired = report.by_rule(rule_id)
        if fired:
            subjects = ", ".join(f.subject.path or "(partnership)" for f in fired)
            failures.append(f"expected {rule_id} to stay quiet, it fired ({subjects})")
    if case.portfolio_fires or case.portfolio_quiet:
        from ._portfolio import assess_portfolio

        whole = assess_portfolio(
            [case.partnership, *case.portfolio], as_of=case.as_of,
            interpretations=case.interpretations, rules=rules,
        )
        fired = {f.rule_id for f in whole.findings}
        failures += [f"expected {r} to fire for the portfolio, it did not" for r in case.portfolio_fires if r not in fired]
        failures += [f"expected {r} to stay quiet for the portfolio, it fired" for r in case.portfolio_quiet if r in fired]
    if case.expects_strategic and report.is_strategic != case.is_strategic:
        failures.append(f"expected is_strategic = {case.is_strategic}, got {report.is_strategic}")
    if case.expects_scope and report.in_scope != case.in_scope:
        failures.append(f"expected in_scope = {case.in_scope}, got {report.in_scope}")
    return CaseResult(case, report, tuple(failures))


def run_case_files(paths: Sequence[str | os.PathLike[str]], rules: RuleBook | None = None) -> list[CaseResult]:
    """Run every case of every file (directories: every ``*.case.toml`` below them)."""
    results = []
    for path in paths:
        p = Path(path)
        files = sorted(p.rglob(f"*{CASE_SUFFIX}")) if p.is_dir() else [p]
        for file in files:
            for case in load_cases(file, rules):
                results.append(run_case(case, rules))
    return results

