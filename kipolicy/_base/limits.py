"""The limits kipolicy enforces at its boundaries, in one place.

The rule engine (durable-rules) parses every fact from JSON text with its own parser. Some
values it cannot hold: it crashes on ``Infinity``, reads ``NaN`` as null, drops a fact whose
text is 16 MiB or longer (and every fact after it in the same batch) without an error, cannot
read a number in exponent form without a decimal point (``1e-05``), saturates integers beyond
64 bits and refuses text that is not valid UTF-8. Every boundary (documents, in-code
partnerships, interpretations, rule files, derived values) checks values against the limits
here and refuses what is outside them with its own error, so the engine never sees such a value;
the engine adapter checks them once more as a last guard. docs/documents.md lists them.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "MAX_DOCUMENT_BYTES",
    "MAX_LIST_ITEMS",
    "MAX_NUMBER",
    "MAX_TEXT_CHARS",
    "MIN_FRACTION",
    "number_problem",
    "text_problem",
]

#: The largest document file kipolicy reads, in bytes (a partnership document is a few KB).
MAX_DOCUMENT_BYTES = 4 * 1024 * 1024

#: The longest text a field may hold, in characters (far below the engine's 16 MiB).
MAX_TEXT_CHARS = 10_000

#: The most items a list of a document may hold (parties, follow-ups, fields, ...).
MAX_LIST_ITEMS = 1_000

#: The largest magnitude of a number (integers up to it are exact in a double, too).
MAX_NUMBER = 10**15

#: The smallest magnitude of a number other than zero: smaller ones are written in exponent
#: form, which the engine's parser cannot read, and no quantity of the policy needs them.
MIN_FRACTION = 0.0001

# C0 and C1 control characters except tab, line feed and carriage return, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def number_problem(value: Any) -> str | None:
    """What keeps ``value`` (an int or a float) out of the engine, or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"expected a finite number, got {value!r}"
    if abs(value) > MAX_NUMBER:
        return f"expected a number of at most {MAX_NUMBER:.0e} in magnitude, got {_short(value)}"
    if value != 0 and abs(value) < MIN_FRACTION:
        return f"expected 0 or a number of at least {MIN_FRACTION} in magnitude, got {value!r}"
    return None


def text_problem(value: str, limit: int = MAX_TEXT_CHARS) -> str | None:
    """What keeps the text ``value`` out of the engine (or a report), or None."""
    if len(value) > limit:
        return f"expected a text of at most {limit:,} characters, got {len(value):,}"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"expected valid Unicode text, got a lone surrogate (U+{ord(value[exc.start]):04X}) "
            f"at character {exc.start}"
        )
    control = _CONTROL.search(value)
    if control:
        return (
            f"expected text without control characters, got U+{ord(control[0]):04X} at character "
            f"{control.start()}"
        )
    return None


def _short(value: Any) -> str:
    """A number as text, shortened if it has very many digits."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    return repr(value)
