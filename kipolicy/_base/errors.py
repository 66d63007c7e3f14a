"""kipolicy's exceptions: one root, one class per kind of failure."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence

__all__ = [
    "EngineError",
    "InputError",
    "InterpretationError",
    "KipolicyError",
    "Problem",
    "RuleFileError",
    "UnknownIdError",
    "printable",
    "suggest",
]


_UNPRINTABLE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` safe to print anywhere: control characters and lone surrogates escaped.

    Error messages quote what a user wrote; a terminal must not act on it (an escape sequence
    can retitle or clear it) and an encoder must not fail on it.
    """
    text = str(text)
    if not _UNPRINTABLE.search(text):
        return text
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}" if ord(m[0]) > 0xFF else f"\\x{ord(m[0]):02x}", text)


def suggest(word: str, choices: Iterable[str]) -> str | None:
    """The closest of ``choices`` to ``word``, if any is close enough."""
    matches = difflib.get_close_matches(str(word), sorted(set(map(str, choices))), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    best = suggest(word, choices)
    return f" (did you mean {best!r}?)" if best else ""


class KipolicyError(Exception):
    """The root of every error kipolicy raises on purpose."""


class Problem:
    """One problem in a file: where it is and what was expected.

    Attributes:
        file: The file (or ``<mapping>`` for a document given as a dict).
        path: The field path inside it, e.g. ``parties[1].kind``; empty for the whole file.
        message: What is wrong and what was expected.
    """

    __slots__ = ("file", "message", "path")

    def __init__(self, file: str, path: str, message: str) -> None:
        self.file = printable(file)
        self.path = printable(path)
        self.message = printable(message)

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"Problem({self.file!r}, {self.path!r}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Problem) and (self.file, self.path, self.message) == (
            other.file,
            other.path,
            other.message,
        )

    def __hash__(self) -> int:
        return hash((self.file, self.path, self.message))


class _ProblemsError(KipolicyError):
    """An error that lists every problem found, one line each."""

    noun = "problem"
    where = "found"

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        lines = "\n".join(f"  {p}" for p in self.problems)
        count = len(self.problems)
        noun = self.noun if count == 1 else self.noun + "s"
        super().__init__(f"{count} {noun} {self.where}:\n{lines}")


class InputError(_ProblemsError, ValueError):
    """A partnership document, case file or argument is not valid.

    ``problems`` lists every problem at once, each with the file, the field path and what was
    expected.
    """

    where = "in the input"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(problems)


class InterpretationError(InputError):
    """An unknown interpretation name, or a value the interpretation does not take."""


class RuleFileError(_ProblemsError):
    """A rule file in ``rules/`` is not valid; each problem names the file and the rule id."""

    where = "in the rule files"


class EngineError(KipolicyError):
    """The rule engine failed while assessing; the assessment gave no result.

    Attributes:
        errors: What went wrong, one entry per failure (e.g. an exception in a rule's action).
    """

    def __init__(self, errors: Sequence[str]) -> None:
        self.errors = tuple(errors)
        super().__init__("the rule engine failed:\n" + "\n".join(f"  {e}" for e in self.errors))


class UnknownIdError(KipolicyError, LookupError):
    """An id (policy unit, section, rule, interpretation) that does not exist."""

    def __init__(self, kind: str, wanted: str, known: Iterable[str]) -> None:
        self.kind = kind
        self.wanted = wanted
        self.suggestion = suggest(wanted, known)
        hint = f"; did you mean {self.suggestion!r}?" if self.suggestion else ""
        super().__init__(f"unknown {kind} {wanted!r}{hint}")

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])
