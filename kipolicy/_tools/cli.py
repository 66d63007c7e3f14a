"""The command line: ``kipolicy assess | portfolio | rules | policy | cases | schema | new``.

Exit codes (every command):

* 0 — it ran; for ``assess`` and ``portfolio``, no finding at or above ``--fail-on``;
* 1 — ``assess``/``portfolio``: a finding of the ``--fail-on`` kind or worse exists;
  ``cases``: a case failed;
* 2 — bad input: a missing or unreadable file, an invalid document (every problem listed with
  file and field path), an unreadable date, an unknown interpretation, a wrong option;
* 3 — the rule files or the rule engine failed;
* 4 — the output could not be written (standard output closed, a full disk, a broken pipe, or
  an output encoding that cannot hold a character of the report);
* 130 — interrupted (Ctrl-C).

Errors go to stderr, one message without a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from . import contract as contract
from .._base.version import version
from .._assess.assess import assess, coerce_date
from .._document.read import load_partnership, variant
from .._base.escape import md, md_block
from .._base.html import html_document
from .._views.explain import why_not
from .._document.model import Partnership
from .._base.errors import EngineError, InputError, KipolicyError, Problem, RuleFileError, UnknownIdError, did_you_mean
from .._policy.interpretations import INTERPRETATIONS, Interpretations
from .._policy.text import policy
from .._views.order import obligation_key
from .._report.report import Report
from .._rules.ast import KINDS
from .._rules.book import RuleBook, default_rules, load_rules
from .._policy.vocabularies import names as vocabulary_names
from .._policy.vocabularies import vocabulary
from .._policy.words import LANGS

__all__ = ["JSON_SCHEMA_VERSION", "main"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130

JSON_SCHEMA_VERSION = contract.JSON_SCHEMA_VERSION

FORMATS = ("text", "json", "markdown", "html")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _command(commands: Any, name: str, help_: str, description: str, examples: Sequence[str]) -> argparse.ArgumentParser:
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    return commands.add_parser(name, help=help_, description=description, epilog=epilog, formatter_class=_Formatter)


def _add_rules_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--rules", metavar="DIR",
        help="a directory of rule files to assess with instead of the bundled rules (see docs/rule-files.md)",
    )


def _add_engine_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine", choices=("durable", "python"), default="durable",
        help="the rule engine: durable (durable-rules, the default) or python (kipolicy's plain-Python engine; "
        "the same findings, see docs/engine.md)",
    )


def _add_assessment_options(parser: argparse.ArgumentParser, formats: Sequence[str] = ("text", "json", "markdown", "html")) -> None:
    _add_rules_option(parser)
    _add_engine_option(parser)
    parser.add_argument("--as-of", metavar="DATE", help="the date to assess as of (YYYY-MM-DD); default: today, stated on stderr")
    parser.add_argument(
        "--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
        help="an interpretation, e.g. --set scope-on-definition=strict --set capacity=10 "
        "--set focus-areas='Life science,Public health' (repeatable; 'none' clears capacity or a list); "
        "a dated list as periods: --set decision-authorities='from 2020-01-01: rektor, prorektor; "
        "from 2024-01-01: rektor'",
    )
    parser.add_argument("--format", choices=formats, default="text", help="output format (default: text)")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of the report (default: en)")


def _add_quote_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--no-quotes", action="store_true",
        help="withhold the documents' own words and figures (names, countries, focus areas, terms): each stands as "
        "its field path, e.g. ‹parties[1].name›, for a report that may become a public record (docs/explain.md)",
    )


def _add_fail_on(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--fail-on", choices=KINDS, metavar="KIND",
        help=f"exit 1 when a finding of this kind or a more serious one exists ({' > '.join(KINDS)})",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kipolicy",
        description="Assess partnerships against Karolinska Institutet's policy for strategic partnerships "
        "(Dnr 1-1005/2022), browse its rules and text, and run test cases.",
        epilog="exit codes: 0 ok, 1 findings at --fail-on or a failed case, 2 bad input, 3 rule or engine failure,\n"
        "4 output could not be written, 130 interrupted\n"
        "run 'kipolicy COMMAND --help' for each command's options and examples",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"kipolicy {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # One function per command, in the order `kipolicy --help` lists them.
    for add in (
        _add_assess, _add_portfolio, _add_explain, _add_why_not, _add_verify, _add_rules, _add_policy,
        _add_vocabularies, _add_cases, _add_schema, _add_check, _add_serve, _add_new,
    ):
        add(commands)
    return parser


def _add_assess(commands: Any) -> None:
    """``kipolicy assess``."""
    cmd = _command(
        commands, "assess", "assess partnership documents and print the findings",
        "Assess one or more partnership documents (TOML or JSON) against the policy, as of a date.",
        [
            "kipolicy assess examples/strategic-proposal.toml --as-of 2025-06-01",
            "kipolicy assess partnerships/*.toml --as-of 2026-01-01 --format json --fail-on violation",
            "kipolicy assess proposal.toml --portfolio register/ --set capacity=12 --lang sv",
        ],
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="partnership documents (.toml or .json)")
    cmd.add_argument("--portfolio", metavar="DIR", help="a directory of the partnerships KI already has, to compare with")
    cmd.add_argument(
        "--change", metavar="PATH=VALUE", action="append", default=[], dest="changes",
        help="what if: set a document field by its path before assessing, e.g. "
        "--change 'parties[1].management_engagement=absent' (repeatable; VALUE is read as a TOML value, "
        "else as text)",
    )
    cmd.add_argument("--diff", action="store_true", help="with --change: show what changes against the unchanged document")
    _add_assessment_options(cmd, ("text", "json", "markdown", "html", "csv", "ics"))
    _add_quote_option(cmd)
    _add_fail_on(cmd)


def _add_portfolio(commands: Any) -> None:
    """``kipolicy portfolio``."""
    cmd = _command(
        commands, "portfolio", "assess every partnership of a directory against the others",
        "Assess every partnership document of a directory (and below) against the policy and against the "
        "others: each report, the portfolio-wide findings, and one calendar of obligations.",
        [
            "kipolicy portfolio examples/portfolio --as-of 2026-12-01",
            "kipolicy portfolio register/ --set capacity=12 --format markdown > portfolio.md",
        ],
    )
    cmd.add_argument("directory", metavar="DIR", help="a directory of partnership documents")
    _add_assessment_options(cmd, ("text", "json", "markdown", "html", "csv", "ics"))
    _add_quote_option(cmd)
    _add_fail_on(cmd)
    cmd.add_argument(
        "--plot", choices=("timeline", "profile"),
        help="draw a picture instead of a report: the calendar as a timeline, or the profile as a map of "
        "focus areas x partner countries (needs: pip install 'kipolicy[plots]')",
    )
    cmd.add_argument("-o", "--output", metavar="FILE", help="with --plot: the file to write (.svg or .png)")


def _add_explain(commands: Any) -> None:
    """``kipolicy explain``."""
    cmd = _command(
        commands, "explain", "why the findings of a document were concluded (the 'because' tree)",
        "Assess a document and explain its findings: each with the facts it rests on, down to the document's "
        "fields. With RULE_ID, only that rule's findings (a rule that did not fire is answered as why-not).",
        [
            "kipolicy explain examples/active-with-gaps.toml definition.management-not-engaged --as-of 2026-01-01",
            "kipolicy explain proposal.toml --as-of 2025-06-01 --lang sv --format markdown",
        ],
    )
    cmd.add_argument("file", metavar="FILE", help="a partnership document")
    cmd.add_argument("rule", nargs="?", metavar="RULE_ID", help="only this rule's findings")
    _add_assessment_options(cmd, ("text", "markdown", "json"))
    _add_quote_option(cmd)


def _add_why_not(commands: Any) -> None:
    """``kipolicy why-not``."""
    cmd = _command(
        commands, "why-not", "why a rule did not fire for a document",
        "Assess a document and say why RULE_ID did not fire: which condition failed, on which document field.",
        ["kipolicy why-not examples/strategic-proposal.toml risk.preparation-missing --as-of 2025-06-01"],
    )
    cmd.add_argument("file", metavar="FILE", help="a partnership document")
    cmd.add_argument("rule", metavar="RULE_ID", help="the rule that did not fire")
    _add_assessment_options(cmd, ("text", "markdown", "json"))


def _add_verify(commands: Any) -> None:
    """``kipolicy verify``."""
    cmd = _command(
        commands, "verify", "assess a document again and compare with a saved JSON report",
        "Re-assess DOCUMENT as the saved report was made (its as_of and interpretations, from its provenance) "
        "and say whether the same findings result; if not, what differs and which fingerprint changed "
        "(the document, the rule book, the policy text, the kipolicy version, the portfolio). "
        "Exit 0: the same; 1: different.",
        ["kipolicy assess p.toml --as-of 2026-01-01 --format json > report.json && kipolicy verify report.json p.toml"],
    )
    cmd.add_argument("report", metavar="REPORT.json", help="a report saved with 'kipolicy assess --format json'")
    cmd.add_argument("document", metavar="DOCUMENT", help="the partnership document it is about")
    cmd.add_argument("--portfolio", metavar="DIR", help="the portfolio the report was compared with")
    _add_rules_option(cmd)
    cmd.add_argument("--format", choices=("text", "json"), default="text")
    cmd.add_argument("--lang", choices=LANGS, default="en")


def _add_rules(commands: Any) -> None:
    """``kipolicy rules``."""
    cmd = _command(
        commands, "rules", "list the rules with their ids, kinds and cited units",
        "List the rules (from the bundled rules/), with kind, modality, cited units and title.",
        ["kipolicy rules", "kipolicy rules --section risk --lang sv", "kipolicy rules --format json"],
    )
    cmd.add_argument("--section", metavar="ID", help="only the rules of one policy section (e.g. risk)")
    cmd.add_argument(
        "--check", metavar="DIR",
        help="check a directory of rule files (as --rules would load it) and list every problem; exit 0 if it loads",
    )
    cmd.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    cmd.add_argument("--lang", choices=LANGS, default="en")


def _add_policy(commands: Any) -> None:
    """``kipolicy policy``."""
    cmd = _command(
        commands, "policy", "show the policy text with its section and unit ids",
        "Show the policy text: the sections, one section's units, or one unit with the rules citing it.",
        ["kipolicy policy", "kipolicy policy risk", "kipolicy policy risk.3 --lang en"],
    )
    cmd.add_argument("target", nargs="?", metavar="SECTION|UNIT", help="a section id (risk) or a unit id (risk.3)")
    cmd.add_argument("--lang", choices=LANGS, default="sv", help="language of the text (default: sv, the policy's own)")
    cmd.add_argument("--format", choices=("text", "json"), default="text")


def _add_vocabularies(commands: Any) -> None:
    """``kipolicy vocabularies``."""
    cmd = _command(
        commands, "vocabularies", "list the words a document's compared values come from",
        "List the controlled vocabularies (roles, levels of contact fora, countries, fields of research), "
        "or the terms of one: each term's id, its Swedish and English names and the aliases a document may use.",
        ["kipolicy vocabularies", "kipolicy vocabularies roles", "kipolicy vocabularies fora-levels --format json"],
    )
    cmd.add_argument("name", nargs="?", metavar="NAME", help="a vocabulary's name")
    cmd.add_argument("--format", choices=("text", "json"), default="text")


def _add_cases(commands: Any) -> None:
    """``kipolicy cases``."""
    cmd = _command(
        commands, "cases", "run case files without writing pytest",
        "Run test cases (*.case.toml): each failure with its expected and actual findings, then a summary.",
        ["kipolicy cases tests/cases", "kipolicy cases my-cases/risk.case.toml --coverage"],
    )
    cmd.add_argument("paths", nargs="+", metavar="PATH", help="case files, or directories searched for *.case.toml")
    _add_rules_option(cmd)
    _add_engine_option(cmd)
    cmd.add_argument("--coverage", action="store_true", help="also list rules no passing case makes fire or keeps quiet")
    cmd.add_argument(
        "--fail-under", metavar="PERCENT", type=float,
        help="with --coverage: exit 1 when less than PERCENT of the rules' expectations (fire, stay quiet) are covered",
    )
    cmd.add_argument("--lang", choices=LANGS, default="en", help="language of the failure reports (default: en)")


def _add_schema(commands: Any) -> None:
    """``kipolicy schema``."""
    cmd = _command(
        commands, "schema", "print a JSON Schema: of a document, a case file, a rule file or the report output",
        "Print a JSON Schema (draft 2020-12): of a partnership document (generated from the fact model; "
        "the default), of a case file, of a rule file, or of the JSON report output. Editors validate and "
        "complete with it; 'kipolicy check' checks what a schema cannot say.",
        ["kipolicy schema > partnership.schema.json", "kipolicy schema cases > cases.schema.json",
         "kipolicy schema report > report.schema.json"],
    )
    cmd.add_argument("which", nargs="?", choices=("document", "cases", "rules", "report"), default="document")


def _add_check(commands: Any) -> None:
    """``kipolicy check``."""
    cmd = _command(
        commands, "check", "check partnership documents and case files with kipolicy itself",
        "Check TOML or JSON partnership documents, and case files (*.case.toml), as kipolicy reads them: every "
        "problem with its field path, including what a JSON Schema cannot say (one KI party, unique ids, "
        "references). Exit 0 when every file is valid, 2 otherwise.",
        ["kipolicy check partnerships/*.toml", "kipolicy check tests/cases/risk.case.toml"],
    )
    cmd.add_argument("files", nargs="+", metavar="FILE", help="documents (.toml, .json) or case files (.case.toml)")
    _add_rules_option(cmd)


def _add_serve(commands: Any) -> None:
    """``kipolicy serve``."""
    cmd = _command(
        commands, "serve", "run kipolicy as a web service with a workbench page",
        "Serve the JSON API under /v1 (the same answers as --format json), its OpenAPI document at /openapi.json "
        "and the workbench page at /. Needs: pip install 'kipolicy[serve]'. Binds 127.0.0.1 unless --host says "
        "otherwise; see docs/service.md.",
        ["kipolicy serve", "kipolicy serve --port 8080 --workers 4 --decision-log decisions.jsonl"],
    )
    cmd.add_argument("--host", default="127.0.0.1", help="the address to listen on (default: 127.0.0.1, this machine only)")
    cmd.add_argument("--port", type=int, default=8000, help="the port (default: 8000)")
    cmd.add_argument("--workers", type=int, metavar="N", help="worker processes (default: the number of cores)")
    _add_rules_option(cmd)
    _add_engine_option(cmd)
    cmd.add_argument("--decision-log", metavar="FILE", help="append one JSON line per assessment to FILE")
    cmd.add_argument("--log-documents", action="store_true", help="with --decision-log: log the documents too (they can be confidential)")
    cmd.add_argument("--cors-origin", metavar="ORIGIN", action="append", default=[], dest="cors_origins",
                     help="allow browser calls from ORIGIN (repeatable; default: no CORS headers)")
    cmd.add_argument("--max-body", type=int, metavar="BYTES", default=4 * 1024 * 1024, help="the largest request body (default: 4 MiB)")
    cmd.add_argument("--timeout", type=float, metavar="SECONDS", default=30.0, help="the longest an assessment may take (default: 30)")


def _add_new(commands: Any) -> None:
    """``kipolicy new``."""
    cmd = _command(
        commands, "new", "print a commented template of a partnership document",
        "Print a commented TOML template of a partnership document: every field explained, example values "
        "that load as they are.",
        ["kipolicy new proposal > my-proposal.toml", "kipolicy new active > my-partnership.toml"],
    )
    cmd.add_argument("kind", nargs="?", choices=("proposal", "active"), default="proposal")
    cmd.add_argument(
        "--schema", metavar="PATH", default="partnership.schema.json",
        help="the schema the template's first line points editors to (default: partnership.schema.json, "
        "written with 'kipolicy schema > partnership.schema.json'); 'none' leaves the line out",
    )


# -- helpers ---------------------------------------------------------------------------------


def _as_of(value: str | None, err: TextIO) -> dt.date:
    if value is None:
        today = dt.date.today()
        _write_error(f"kipolicy: --as-of not given: assessed as of today, {today.isoformat()}", err)
        return today
    return coerce_date(value, "--as-of")


def _parse_setting(text: str) -> tuple[str, Any]:
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    if not sep or not name:
        raise InputError([Problem("--set", text, "expected NAME=VALUE, e.g. scope-on-definition=strict")])
    interpretation = INTERPRETATIONS.get(name) or INTERPRETATIONS.get(name.replace("_", "-"))
    if interpretation is None:
        from .._base.errors import did_you_mean

        raise InputError([Problem("--set", name, f"unknown interpretation{did_you_mean(name, INTERPRETATIONS)}")])
    kind = interpretation.kind
    if raw.lower() == "none" and kind in ("optional-int", "names"):
        return interpretation.name, None
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    if kind in ("int", "optional-int", "number"):
        pattern = r"-?\d{1,18}" if kind != "number" else r"-?\d{1,18}(\.\d{1,18})?"
        if not re.fullmatch(pattern, raw):
            what = "a whole number" if kind != "number" else "a number (digits, with a decimal point if needed)"
            bound = (
                f" from {interpretation.minimum} to {interpretation.maximum}" if interpretation.maximum is not None else ""
            )
            raise InputError([Problem("--set", name, f"expected {what}{bound}, got {shown!r}")])
        if kind != "number" or "." not in raw:
            return interpretation.name, int(raw)
        return interpretation.name, float(raw)
    if kind == "names" and interpretation.dated and raw.lower().startswith("from "):
        # Periods as reports show them: ``from 2020-01-01: rektor, prorektor; from 2024-01-01: rektor``.
        periods = []
        for part in raw.split(";"):
            match = re.fullmatch(r"\s*from\s+(\S+?)\s*:(.*)", part, flags=re.IGNORECASE | re.DOTALL)
            if match is None:
                raise InputError([Problem(
                    "--set", name,
                    f"expected periods 'from YYYY-MM-DD: name, name; from YYYY-MM-DD: name', got {part.strip()!r}",
                )])
            periods.append({"from": match[1], "names": [n.strip() for n in match[2].split(",") if n.strip()]})
        return interpretation.name, periods
    if kind == "names":
        return interpretation.name, [n.strip() for n in raw.split(",") if n.strip()]
    if kind == "int-or-choice" and re.fullmatch(r"\d{1,18}", raw):
        return interpretation.name, int(raw)
    return interpretation.name, raw


def _rulebook(args: argparse.Namespace) -> RuleBook:
    """The rule book a command assesses with: ``--rules DIR``, else the bundled rules."""
    directory = getattr(args, "rules", None)
    return load_rules(directory) if directory else default_rules()


def _parse_change(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` of ``--change``: VALUE as a TOML value (5, true, 2025-01-01, "x", [..]),
    else as the text it is."""
    path, sep, raw = text.partition("=")
    path, raw = path.strip(), raw.strip()
    if not sep or not path:
        raise InputError([Problem("--change", text, "expected PATH=VALUE, e.g. 'parties[1].management_engagement=absent'")])
    try:
        return path, tomllib.loads(f"value = {raw}")["value"]
    except tomllib.TOMLDecodeError:
        return path, raw


def _interpretations(settings: Sequence[str]) -> Interpretations:
    return Interpretations(dict(_parse_setting(s) for s in settings))


def _documents(directory: str) -> list[Path]:
    root = Path(directory)
    if not root.exists():
        raise InputError([Problem(directory, "", "no such directory")])
    if not root.is_dir():
        raise InputError([Problem(directory, "", "expected a directory of partnership documents")])
    files = sorted(p for p in root.rglob("*") if p.suffix.lower() in (".toml", ".json") and p.is_file()
                   and not p.name.endswith(".case.toml"))
    if not files:
        raise InputError([Problem(directory, "", "no .toml or .json documents in it")])
    return files


def _load_all(paths: Sequence[str | Path]) -> list[Any]:
    loaded: list[Any] = []
    problems: list[Problem] = []
    for path in paths:
        try:
            loaded.append(load_partnership(path))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return loaded


def _fails(kinds: Sequence[str], fail_on: str | None) -> bool:
    if fail_on is None:
        return False
    worst = KINDS.index(fail_on)
    return any(KINDS.index(k) <= worst for k in kinds)


_dump = contract.dump


# -- commands ----------------------------------------------------------------------------------


def _assess(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    interpretations = _interpretations(args.settings)
    as_of = _as_of(args.as_of, err)
    book = _rulebook(args)
    portfolio = _load_all(_documents(args.portfolio)) if args.portfolio else []
    partnerships = _load_all(args.files)
    changes = dict(_parse_change(c) for c in args.changes)
    if args.diff and not changes:
        raise InputError([Problem("--diff", "", "expected one or more --change PATH=VALUE to compare with")])
    if args.diff and args.format in ("csv", "ics"):
        raise InputError([Problem("--diff", "", "a difference is shown as text, markdown, html or json, not csv or ics")])

    def run(p: Partnership) -> Report:
        return assess(p, as_of=as_of, portfolio=portfolio, interpretations=interpretations, rules=book, engine=args.engine,
                      quote=not args.no_quotes)

    originals = partnerships
    if changes:
        partnerships = [_variant(p, changes) for p in partnerships]
    reports: list[Report] = [run(p) for p in partnerships]
    kinds = [f.kind for r in reports for f in r.findings]
    if args.diff:
        diffs = [run(original).diff(report) for original, report in zip(originals, reports, strict=True)]
        if args.format == "json":
            out.write(_dump(contract.what_if(diffs, {k: _plain(v) for k, v in changes.items()}, as_of, interpretations)))
        else:
            render_diff: Callable[[Any], str] = {
                "text": lambda d: d.to_text(args.lang), "markdown": lambda d: d.to_markdown(args.lang),
                "html": lambda d: d.to_html(args.lang),
            }[args.format]
            text = "\n".join(render_diff(d) for d in diffs)
            if args.format == "html":
                text = html_document(text, args.lang, f"kipolicy: {diffs[0].after.partnership_name}")
            out.write(text)
        return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK
    if args.format == "json":
        out.write(_dump(contract.assessment(reports, as_of, interpretations)))
    elif args.format == "csv":
        from .._views.tables import records_csv

        out.write(records_csv(row for r in reports for row in r.to_records(args.lang)))
    elif args.format == "ics":
        from .._views.tables import calendar_ics

        obligations = sorted((o for r in reports for o in r.obligations), key=obligation_key)
        out.write(calendar_ics(obligations, as_of, args.lang).decode("utf-8"))
    else:
        render: Callable[[Report], str] = {
            "text": lambda r: r.to_text(args.lang),
            "markdown": lambda r: r.to_markdown(args.lang),
            "html": lambda r: r.to_html(args.lang),
        }[args.format]
        separator = {"text": "\n", "markdown": "\n---\n\n", "html": "\n"}[args.format]
        text = separator.join(render(r) for r in reports)
        if args.format == "html":
            title = reports[0].partnership_name if len(reports) == 1 else f"kipolicy: {len(reports)}"
            text = html_document(text, args.lang, title)
        out.write(text)
    return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK


def _variant(partnership: Partnership, changes: dict[str, Any]) -> Partnership:
    try:
        return variant(partnership, changes)
    except InputError as exc:
        raise InputError([Problem("--change", p.path, p.message) for p in exc.problems]) from None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _one_report(args: argparse.Namespace, err: TextIO) -> tuple[Report, Interpretations, dt.date]:
    interpretations = _interpretations(args.settings)
    as_of = _as_of(args.as_of, err)
    report = assess(
        load_partnership(args.file), as_of=as_of, interpretations=interpretations, rules=_rulebook(args), engine=args.engine,
        quote=not getattr(args, "no_quotes", False),
    )
    return report, interpretations, as_of


def _explain(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report, interpretations, _ = _one_report(args, err)
    if args.rule is not None:
        report.rules.rule(args.rule)  # an unknown rule id names the nearest one
        findings = list(report.by_rule(args.rule))
        if not findings:
            return _show_why_not(report, args, out, interpretations)
    else:
        findings = list(report.findings)
    none = "No findings.\n" if args.lang == "en" else "Inga iakttagelser.\n"
    text = "\n".join(report.explain(f, args.lang) for f in findings) if findings else none
    if args.format == "json":
        out.write(_dump(contract.explanation(report, findings, text, interpretations)))
    elif args.format == "markdown":
        title = "Why" if args.lang == "en" else "Varför"
        out.write(f"# {title}: {md(report.partnership_name)} ({md(report.partnership_id)})\n\n" + md_block(text))
    else:
        out.write(text)
    return EXIT_OK


def _why_not(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    report, interpretations, _ = _one_report(args, err)
    report.rules.rule(args.rule)  # an unknown rule id names the nearest one
    return _show_why_not(report, args, out, interpretations)


def _show_why_not(report: Report, args: argparse.Namespace, out: TextIO, interpretations: Interpretations) -> int:
    answer = why_not(report, args.rule)
    if args.format == "json":
        out.write(_dump(contract.why_not_answer(report, answer, interpretations)))
    elif args.format == "markdown":
        title = "Why not" if args.lang == "en" else "Varför inte"
        out.write(f"# {title} {args.rule}: {md(report.partnership_name)}\n\n" + md_block(answer.text(args.lang)))
    else:
        out.write(answer.text(args.lang))
    return EXIT_OK


def _verify(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from .._assess.verify import verify_file

    portfolio = _load_all(_documents(args.portfolio)) if args.portfolio else []
    result = verify_file(args.report, args.document, portfolio=portfolio, rules=_rulebook(args))
    if args.format == "json":
        out.write(_dump(result.to_dict()))
    else:
        out.write(result.to_text(args.lang))
    return EXIT_OK if result.same else EXIT_FINDINGS


def _portfolio(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .._assess.portfolio import assess_portfolio

    interpretations = _interpretations(args.settings)
    as_of = _as_of(args.as_of, err)
    if (args.plot is None) != (args.output is None):
        raise InputError([Problem("--plot", "", "expected --plot KIND together with -o FILE.svg or FILE.png")])
    if args.output is not None and not args.output.lower().endswith((".svg", ".png")):
        raise InputError([Problem(args.output, "", "expected a .svg or .png file to write the picture to")])
    result = assess_portfolio(
        _documents(args.directory), as_of=as_of, interpretations=interpretations, rules=_rulebook(args), engine=args.engine,
        quote=not args.no_quotes,
    )
    if args.plot is not None:
        from .._views.plots import available, plot, save

        if not available():
            raise InputError([Problem("--plot", "", "pictures need matplotlib: pip install 'kipolicy[plots]'")])
        try:
            save(plot(result, args.plot, args.lang), args.output)
        except OSError as exc:
            raise InputError([Problem(args.output, "", f"cannot be written: {exc.strerror or exc}")]) from None
        out.write(f"{args.output}: the {args.plot} of {len(result.reports)} partnerships as of {as_of.isoformat()}\n")
        kinds = [f.kind for f in result.findings] + [f.kind for r in result.reports for f in r.findings]
        return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK
    if args.format == "json":
        out.write(_dump(contract.portfolio(result, as_of, interpretations)))
    elif args.format == "csv":
        out.write(result.to_csv(args.lang))
    elif args.format == "ics":
        out.write(result.to_ics(args.lang).decode("utf-8"))
    elif args.format == "html":
        title = ("Portfölj" if args.lang == "sv" else "Portfolio") + f" {as_of.isoformat()}"
        out.write(html_document(result.to_html(args.lang), args.lang, title))
    else:
        out.write({"text": result.to_text, "markdown": result.to_markdown}[args.format](args.lang))
    kinds = [f.kind for f in result.findings] + [f.kind for r in result.reports for f in r.findings]
    return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    if args.check is not None:
        try:
            checked = load_rules(args.check)
        except RuleFileError as exc:
            out.write(f"{args.check}: {len(exc.problems)} problem{'s' if len(exc.problems) != 1 else ''}\n")
            out.write("".join(f"  {p}\n" for p in exc.problems))
            return EXIT_FINDINGS
        out.write(f"{args.check}: {len(checked)} rules load and compile ({checked.fingerprint})\n")
        return EXIT_OK
    book = default_rules()
    pol = policy()
    rules = list(book)
    if args.section is not None:
        pol.section(args.section)  # an unknown section names the nearest
        rules = [r for r in rules if r.section == args.section]
    if args.format == "json":
        out.write(_dump([
            {"id": r.id, "section": r.section, "kind": r.kind, "modality": r.modality, "cites": list(r.all_cites),
             "step": r.step, "retroactive": r.retroactive, "halts": r.halts, "title": dict(r.title)}
            for r in rules
        ]))
    elif args.format == "markdown":
        lines = ["| rule | kind | modality | cites | title |", "|---|---|---|---|---|"]
        lines += [f"| `{r.id}` | {r.kind} | {r.modality} | {', '.join(r.all_cites)} | {r.title[args.lang]} |" for r in rules]
        out.write("\n".join(lines) + "\n")
    else:
        width = max((len(r.id) for r in rules), default=0)
        for rule in rules:
            out.write(f"{rule.id:<{width}}  {rule.kind:<14} {rule.modality:<12} {', '.join(rule.all_cites):<28} {rule.title[args.lang]}\n")
    return EXIT_OK


def _vocabularies(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    available = vocabulary_names()
    if args.name is None:
        listed = [vocabulary(name) for name in available]
        if args.format == "json":
            out.write(_dump([{"name": v.name, "title": dict(v.title), "field": v.field, "terms": len(v.terms),
                              "source": v.source} for v in listed]))
        else:
            for v in listed:
                out.write(f"{v.name:<14} {v.title['en']} ({len(v.terms)} terms) — {v.field}\n")
        return EXIT_OK
    if args.name not in available:
        raise InputError([Problem("NAME", args.name, f"expected one of {', '.join(available)}{did_you_mean(args.name, available)}")])
    words = vocabulary(args.name)
    if args.format == "json":
        out.write(_dump({
            "name": words.name, "title": dict(words.title), "source": words.source, "field": words.field,
            "terms": [{"id": t.id, "sv": t.sv, "en": t.en, "aliases": list(t.aliases), "parent": t.parent}
                      for t in words.terms],
        }))
        return EXIT_OK
    out.write(f"{words.title['en']} ({words.field})\n{words.source}\n\n")
    for term in words.terms:
        aliases = f"  also: {', '.join(term.aliases)}" if term.aliases else ""
        out.write(f"{term.id:<22} {term.sv} / {term.en}{aliases}\n")
    return EXIT_OK


def _policy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    pol = policy()
    lang = args.lang
    citing: dict[str, list[str]] = {}
    for rule in default_rules():
        for unit_id in rule.all_cites:
            citing.setdefault(unit_id, []).append(rule.id)
    target = args.target
    if target is None:
        sections = [(s, [u for u in pol.units() if u.section == s.id]) for s in pol.sections]
        if args.format == "json":
            out.write(_dump([{"id": s.id, "heading": {"sv": s.heading_sv, "en": s.heading_en}, "units": len(us)} for s, us in sections]))
        else:
            doc = pol.document
            out.write(f"{doc.title(lang)} ({doc.dnr})\n\n")
            for section, units in sections:
                out.write(f"{section.id:<22} {section.heading(lang)} ({len(units)} unit{'' if len(units) == 1 else 's'})\n")
        return EXIT_OK
    if "." in target:
        unit = pol.unit(target)
        units = [unit]
    else:
        section = pol.section(target)
        units = [u for u in pol.units() if u.section == section.id]
    if args.format == "json":
        out.write(_dump([
            {"id": u.id, "modality": u.modality, "text": {"sv": u.text_sv, "en": u.text_en}, "reason": u.reason,
             "rules": citing.get(u.id, [])}
            for u in units
        ]))
        return EXIT_OK
    if "." not in target:
        out.write(f"{pol.section(target).heading(lang)} ({target})\n\n")
    for unit in units:
        out.write(f"{unit.id} [{unit.modality}] {unit.text(lang)}\n")
        if unit.reason:
            out.write(f"    no obligation: {unit.reason}\n")
        if citing.get(unit.id):
            out.write(f"    rules: {', '.join(citing[unit.id])}\n")
    return EXIT_OK


def _cases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001 - every command's signature
    from .cases import run_case_files

    if args.fail_under is not None and not args.coverage:
        raise InputError([Problem("--fail-under", "", "goes with --coverage")])
    book = _rulebook(args)
    run = run_case_files(args.paths, book, engine=args.engine)
    for result in run.failed:
        out.write("FAILED " + result.explain(args.lang) + "\n\n")
    passed, failed = len(run.passed), len(run.failed)
    under = False
    if args.coverage:
        from .trace import coverage

        measured = coverage([r.case for r in run.passed], rules=book)
        out.write(measured.to_text())
        if args.fail_under is not None and measured.percent < args.fail_under:
            under = True
            out.write(f"coverage {measured.percent:.1f}% is under --fail-under {args.fail_under:g}%\n")
    if run.problems:
        # Not the usual summary: with files unread, "N passed, 0 failed" would look like success.
        out.write(f"{passed} passed, {failed} failed, and {run.unread} case file{'s' if run.unread != 1 else ''} "
                  "could not be read (listed on stderr): not a successful run\n")
        raise InputError(list(run.problems))
    out.write(f"{passed} passed, {failed} failed\n")
    return EXIT_FINDINGS if failed or under else EXIT_OK


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from .cases import CASE_SUFFIX, load_cases

    problems: list[Problem] = []
    book = _rulebook(args)
    for file in args.files:
        try:
            if str(file).endswith(CASE_SUFFIX):
                count = len(load_cases(file, book))
                out.write(f"{file}: {count} case{'s' if count != 1 else ''}, valid\n")
            else:
                partnership = load_partnership(file)
                out.write(f"{file}: valid ({partnership.id})\n")
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return EXIT_OK


def _serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from .serve import ServeSettings, serve

    if args.log_documents and not args.decision_log:
        raise InputError([Problem("--log-documents", "", "goes with --decision-log FILE")])
    if args.workers is not None and args.workers < 1:
        raise InputError([Problem("--workers", "", f"expected a whole number >= 1, got {args.workers}")])
    if not 0 < args.port < 65536:
        raise InputError([Problem("--port", "", f"expected a port from 1 to 65535, got {args.port}")])
    settings = ServeSettings(
        rules=args.rules, decision_log=args.decision_log, log_documents=args.log_documents,
        cors_origins=tuple(args.cors_origins), max_body=args.max_body, timeout=args.timeout, engine=args.engine,
    )
    try:
        serve(args.host, args.port, args.workers, settings)
    except ImportError as exc:
        raise InputError([Problem("serve", "", str(exc))]) from None
    return EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from .schema import schema

    out.write(_dump(schema(args.which)))
    return EXIT_OK


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from .template import template

    out.write(template(args.kind, None if args.schema == "none" else args.schema))
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "assess": _assess,
    "portfolio": _portfolio,
    "explain": _explain,
    "why-not": _why_not,
    "verify": _verify,
    "rules": _rules,
    "policy": _policy,
    "vocabularies": _vocabularies,
    "cases": _cases,
    "serve": _serve,
    "schema": _schema,
    "check": _check,
    "new": _new,
}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run the command line; returns the exit code.

    A command writes its output into a buffer; the buffer is written to ``out`` once, so a
    failure to write (a closed stream, a full disk, an encoding that cannot hold a name) is
    one message and exit code 4, never a traceback or the code for findings.
    """
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    args = _parser().parse_args(argv)
    buffer = io.StringIO()
    message: str | None = None
    try:
        code = _COMMANDS[args.command](args, buffer, err)
    except (InputError, UnknownIdError) as exc:
        code, message = EXIT_INPUT, f"kipolicy: {exc}"
    except (RuleFileError, EngineError) as exc:
        code, message = EXIT_INTERNAL, f"kipolicy: {exc}"
    except KipolicyError as exc:  # pragma: no cover - every error has a class above
        code, message = EXIT_INTERNAL, f"kipolicy: {exc}"
    except KeyboardInterrupt:
        code, message = EXIT_INTERRUPTED, "kipolicy: interrupted"
    except ImportError as exc:  # the rule engine (or an optional extra) cannot be loaded
        code, message = EXIT_INTERNAL, f"kipolicy: {exc}"
    written = _write_output(buffer.getvalue(), out)
    if message is not None:
        _write_error(message, err)
    if written is not None:
        _write_error(f"kipolicy: cannot write the output: {written}", err)
        return EXIT_OUTPUT
    return code


def _write_output(text: str, out: TextIO | None) -> str | None:
    """Write ``text`` to ``out``; what went wrong, or None."""
    if not text:
        return None
    if out is None:
        return "standard output is closed"
    try:
        out.write(text)
        out.flush()
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start]
        return (
            f"the output encoding ({getattr(out, 'encoding', None) or exc.encoding}) cannot hold "
            f"the character U+{ord(bad):04X}; use a UTF-8 output (PYTHONIOENCODING=utf-8) or write to a file"
        )
    except BrokenPipeError:
        _silence_stdout()
        return "the pipe was closed by the reader"
    except (OSError, ValueError) as exc:  # ValueError: a closed file
        return getattr(exc, "strerror", None) or str(exc)
    return None


def _silence_stdout() -> None:
    """After a broken pipe, point stdout at devnull so the interpreter's final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - no real stdout
        pass


def _write_error(message: str, err: TextIO | None) -> None:
    if err is None:
        return
    try:
        err.write(message + "\n")
        err.flush()
    except UnicodeEncodeError:
        with contextlib.suppress(OSError, ValueError):
            err.write(message.encode("ascii", "backslashreplace").decode("ascii") + "\n")
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
