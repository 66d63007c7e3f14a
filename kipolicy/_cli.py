"""The command line: ``kipolicy assess FILE [--as-of DATE] [--lang sv|en]``.

Exit codes: 0 the assessment ran (whatever it found); 2 bad input (every problem listed on
stderr, with file and field path); 3 the rule files or the engine failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence

from . import __version__
from ._assess import assess, coerce_date
from ._documents import load_partnership
from ._errors import EngineError, InputError, RuleFileError

EXIT_OK, EXIT_INPUT, EXIT_INTERNAL = 0, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kipolicy",
        description="Assess partnerships against Karolinska Institutet's policy for strategic partnerships.",
    )
    parser.add_argument("--version", action="version", version=f"kipolicy {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    assess_cmd = commands.add_parser(
        "assess",
        help="assess a partnership document and print the findings",
        description="Assess a partnership document (TOML or JSON) and print its findings.",
        epilog="example: kipolicy assess examples/strategic-proposal.toml --as-of 2025-06-01",
    )
    assess_cmd.add_argument("file", help="the partnership document (.toml or .json)")
    assess_cmd.add_argument(
        "--as-of",
        metavar="DATE",
        help="the date to assess as of (YYYY-MM-DD); default: today, stated in the output",
    )
    assess_cmd.add_argument("--lang", choices=("sv", "en"), default="en", help="language of the report (default: en)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.as_of is None:
            as_of = dt.date.today()
            note = f"(--as-of not given: assessed as of today, {as_of.isoformat()})\n"
        else:
            as_of = coerce_date(args.as_of, "--as-of")
            note = ""
        report = assess(load_partnership(args.file), as_of=as_of)
    except InputError as exc:
        print(f"kipolicy: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except (RuleFileError, EngineError) as exc:
        print(f"kipolicy: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    sys.stdout.write(note + report.to_text(args.lang))
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
