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
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from ._version import version
from ._assess import assess, coerce_date
from ._documents import load_partnership
from ._errors import EngineError, InputError, KipolicyError, Problem, RuleFileError, UnknownIdError
from ._interpretations import INTERPRETATIONS, Interpretations
from ._policy import policy
from ._report import Report
from ._rules import KINDS, default_rules

__all__ = ["JSON_SCHEMA_VERSION", "main"]

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT, EXIT_INTERNAL, EXIT_OUTPUT, EXIT_INTERRUPTED = 0, 1, 2, 3, 4, 130

#: The version of the JSON that ``assess`` and ``portfolio`` print (docs/cli.md). It changes
#: when a field is removed or changes meaning; new fields may be added within a version.
JSON_SCHEMA_VERSION = "1.0"

FORMATS = ("text", "json", "markdown", "html")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    pass


def _command(commands: Any, name: str, help_: str, description: str, examples: Sequence[str]) -> argparse.ArgumentParser:
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples)
    return commands.add_parser(name, help=help_, description=description, epilog=epilog, formatter_class=_Formatter)


def _add_assessment_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="DATE", help="the date to assess as of (YYYY-MM-DD); default: today, stated on stderr")
    parser.add_argument(
        "--set", metavar="NAME=VALUE", action="append", default=[], dest="settings",
        help="an interpretation, e.g. --set scope-on-definition=strict --set capacity=10 "
        "--set focus-areas='Life science,Public health' (repeatable; 'none' clears capacity or a list)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--lang", choices=("sv", "en"), default="en", help="language of the report (default: en)")
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
    _add_assessment_options(cmd)

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
    _add_assessment_options(cmd)

    cmd = _command(
        commands, "rules", "list the rules with their ids, kinds and cited units",
        "List the rules (from the bundled rules/), with kind, modality, cited units and title.",
        ["kipolicy rules", "kipolicy rules --section risk --lang sv", "kipolicy rules --format json"],
    )
    cmd.add_argument("--section", metavar="ID", help="only the rules of one policy section (e.g. risk)")
    cmd.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    cmd.add_argument("--lang", choices=("sv", "en"), default="en")

    cmd = _command(
        commands, "policy", "show the policy text with its section and unit ids",
        "Show the policy text: the sections, one section's units, or one unit with the rules citing it.",
        ["kipolicy policy", "kipolicy policy risk", "kipolicy policy risk.3 --lang en"],
    )
    cmd.add_argument("target", nargs="?", metavar="SECTION|UNIT", help="a section id (risk) or a unit id (risk.3)")
    cmd.add_argument("--lang", choices=("sv", "en"), default="sv", help="language of the text (default: sv, the policy's own)")
    cmd.add_argument("--format", choices=("text", "json"), default="text")

    cmd = _command(
        commands, "cases", "run case files without writing pytest",
        "Run test cases (*.case.toml): each failure with its expected and actual findings, then a summary.",
        ["kipolicy cases tests/cases", "kipolicy cases my-cases/risk.case.toml --coverage"],
    )
    cmd.add_argument("paths", nargs="+", metavar="PATH", help="case files, or directories searched for *.case.toml")
    cmd.add_argument("--coverage", action="store_true", help="also list rules no passing case makes fire or keeps quiet")

    _command(
        commands, "schema", "print the JSON Schema of a partnership document",
        "Print the JSON Schema (draft 2020-12) of a partnership document, generated from the fact model.",
        ["kipolicy schema > partnership.schema.json"],
    )

    cmd = _command(
        commands, "new", "print a commented template of a partnership document",
        "Print a commented TOML template of a partnership document: every field explained, example values "
        "that load as they are.",
        ["kipolicy new proposal > my-proposal.toml", "kipolicy new active > my-partnership.toml"],
    )
    cmd.add_argument("kind", nargs="?", choices=("proposal", "active"), default="proposal")
    return parser


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
        from ._errors import did_you_mean

        raise InputError([Problem("--set", name, f"unknown interpretation{did_you_mean(name, INTERPRETATIONS)}")])
    kind = interpretation.kind
    if raw.lower() == "none" and kind in ("optional-int", "names"):
        return interpretation.name, None
    shown = raw if len(raw) <= 40 else raw[:37] + "..."
    if kind in ("int", "optional-int", "number"):
        pattern = r"-?\d{1,18}" if kind != "number" else r"-?\d{1,18}(\.\d{1,18})?"
        if not re.fullmatch(pattern, raw):
            what = "a whole number" if kind != "number" else "a number (digits, with a decimal point if needed)"
            bound = f" from 0 to {interpretation.maximum}" if interpretation.maximum is not None else ""
            raise InputError([Problem("--set", name, f"expected {what}{bound}, got {shown!r}")])
        if kind != "number" or "." not in raw:
            return interpretation.name, int(raw)
        return interpretation.name, float(raw)
    if kind == "names":
        return interpretation.name, [n.strip() for n in raw.split(",") if n.strip()]
    return interpretation.name, raw


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
    loaded, problems = [], []
    for path in paths:
        try:
            loaded.append(load_partnership(path))
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    return loaded


def _envelope(kind: str, as_of: dt.date, interpretations: Interpretations) -> dict[str, Any]:
    doc = policy().document
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "kind": kind,
        "kipolicy_version": version(),
        "policy": {"dnr": doc.dnr, "in_force_from": doc.in_force_from.isoformat(), "title": {"sv": doc.title_sv, "en": doc.title_en}},
        "as_of": as_of.isoformat(),
        "interpretations": interpretations.to_dict(),
    }


def _fails(kinds: Sequence[str], fail_on: str | None) -> bool:
    if fail_on is None:
        return False
    worst = KINDS.index(fail_on)
    return any(KINDS.index(k) <= worst for k in kinds)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"


# -- commands ----------------------------------------------------------------------------------


def _assess(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    interpretations = _interpretations(args.settings)
    as_of = _as_of(args.as_of, err)
    portfolio = _load_all(_documents(args.portfolio)) if args.portfolio else []
    partnerships = _load_all(args.files)
    reports: list[Report] = [
        assess(p, as_of=as_of, portfolio=portfolio, interpretations=interpretations) for p in partnerships
    ]
    if args.format == "json":
        out.write(_dump({**_envelope("assessment", as_of, interpretations), "reports": [r.to_dict() for r in reports]}))
    else:
        render: Callable[[Report], str] = {
            "text": lambda r: r.to_text(args.lang),
            "markdown": lambda r: r.to_markdown(args.lang),
            "html": lambda r: r.to_html(args.lang),
        }[args.format]
        separator = {"text": "\n", "markdown": "\n---\n\n", "html": "\n"}[args.format]
        out.write(separator.join(render(r) for r in reports))
    kinds = [f.kind for r in reports for f in r.findings]
    return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK


def _portfolio(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._portfolio import assess_portfolio

    interpretations = _interpretations(args.settings)
    as_of = _as_of(args.as_of, err)
    result = assess_portfolio(_documents(args.directory), as_of=as_of, interpretations=interpretations)
    if args.format == "json":
        data = result.to_dict()
        data.pop("as_of"), data.pop("interpretations")
        out.write(_dump({**_envelope("portfolio", as_of, interpretations), **data}))
    else:
        out.write({"text": result.to_text, "markdown": result.to_markdown, "html": result.to_html}[args.format](args.lang))
    kinds = [f.kind for f in result.findings] + [f.kind for r in result.reports for f in r.findings]
    return EXIT_FINDINGS if _fails(kinds, args.fail_on) else EXIT_OK


def _rules(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    book = default_rules()
    pol = policy()
    rules = list(book)
    if args.section is not None:
        pol.section(args.section)  # an unknown section names the nearest
        rules = [r for r in rules if r.section == args.section]
    if args.format == "json":
        out.write(_dump([
            {"id": r.id, "section": r.section, "kind": r.kind, "modality": r.modality, "cites": list(r.all_cites),
             "stage": r.stage, "retroactive": r.retroactive, "halts": r.halts, "title": dict(r.title)}
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
            out.write(f"{doc.title_sv if lang == 'sv' else doc.title_en} ({doc.dnr})\n\n")
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


def _cases(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ._cases import CASE_SUFFIX, load_cases, run_case

    files: list[Path] = []
    problems: list[Problem] = []
    for path in args.paths:
        p = Path(path)
        if p.is_dir():
            found = sorted(p.rglob(f"*{CASE_SUFFIX}"))
            if not found:
                problems.append(Problem(path, "", f"no {CASE_SUFFIX} files in it"))
            files += found
        elif p.exists():
            files.append(p)
        else:
            problems.append(Problem(path, "", "no such file or directory"))
    passed, failed, ran = 0, 0, []
    for file in files:
        try:
            cases = load_cases(file)
        except InputError as exc:
            problems += exc.problems
            continue
        for case in cases:
            result = run_case(case)
            if result.passed:
                passed += 1
                ran.append(case)
            else:
                failed += 1
                out.write("FAILED " + result.explain() + "\n\n")
    if args.coverage:
        from ._trace import coverage

        out.write(coverage(ran).to_text())
    if problems:
        # Not the usual summary: with files unread, "N passed, 0 failed" would look like success.
        unread = len({p.file for p in problems})
        out.write(f"{passed} passed, {failed} failed, and {unread} case file{'s' if unread != 1 else ''} "
                  "could not be read (listed on stderr): not a successful run\n")
        raise InputError(problems)
    out.write(f"{passed} passed, {failed} failed\n")
    return EXIT_FINDINGS if failed else EXIT_OK


def _schema(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from ._schema import partnership_schema

    out.write(_dump(partnership_schema()))
    return EXIT_OK


def _new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:  # noqa: ARG001
    from ._template import template

    out.write(template(args.kind))
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO, TextIO], int]] = {
    "assess": _assess,
    "portfolio": _portfolio,
    "rules": _rules,
    "policy": _policy,
    "cases": _cases,
    "schema": _schema,
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
