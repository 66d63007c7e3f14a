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

    [case.expect]
    fires = ["definition.management-not-engaged",
             { rule = "definition.not-strategic", subject = "parties[1]", kind = "note" }]
    quiet = ["definition.strategic"]
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
from ._documents import apply_overrides, read_document, structure
from ._errors import InputError, Problem, did_you_mean
from ._interpretations import Interpretations
from ._model import Partnership
from ._report import Report
from ._rules import KINDS, RuleBook, default_rules

__all__ = ["Case", "CaseResult", "Expected", "load_cases", "run_case", "run_case_files"]

CASE_SUFFIX = ".case.toml"
_CASE_KEYS = {"name", "description", "as_of", "interpretations", "document", "overrides", "partnership", "expect"}
_EXPECT_KEYS = {"fires", "quiet", "is_strategic", "in_scope"}
_FIRE_KEYS = {"rule", "subject", "kind"}


@attrs.frozen
class Expected:
    """One finding a case expects: a rule, and optionally its subject path and kind."""

    rule: str
    subject: str | None = None
    kind: str | None = None

    def matches(self, report: Report) -> bool:
        return any(
            f.rule_id == self.rule
            and (self.subject is None or f.subject.path == self.subject)
            and (self.kind is None or f.kind == self.kind)
            for f in report.findings
        )

    def __str__(self) -> str:
        extra = "".join(
            f" {k}={v}" for k, v in (("subject", self.subject), ("kind", self.kind)) if v is not None
        )
        return self.rule + extra


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
            lines.append(f"    {f.kind:<14} {f.rule_id}  subject={f.subject.path or '(partnership)'}")
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
            fires.append(Expected(item["rule"], item.get("subject"), item.get("kind")))
        for j, rule_id in enumerate(expect.get("quiet", [])):
            if rule_id not in known_rules:
                problems.append(Problem(file, f"{where}.expect.quiet[{j}]", f"unknown rule {rule_id!r}{did_you_mean(str(rule_id), known_rules)}"))
                continue
            quiet.append(rule_id)
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
                is_strategic=expect.get("is_strategic"),
                in_scope=expect.get("in_scope"),
                expects_strategic="is_strategic" in expect,
                expects_scope="in_scope" in expect,
            )
        )
    if problems:
        raise InputError(problems)
    return cases


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
    report = assess(case.partnership, as_of=case.as_of, interpretations=case.interpretations, rules=rules)
    failures = []
    for expected in case.fires:
        if not expected.matches(report):
            failures.append(f"expected {expected} to fire, it did not")
    for rule_id in case.quiet:
        fired = report.by_rule(rule_id)
        if fired:
            subjects = ", ".join(f.subject.path or "(partnership)" for f in fired)
            failures.append(f"expected {rule_id} to stay quiet, it fired ({subjects})")
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

