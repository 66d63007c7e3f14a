"""Making user text safe in the outputs other programs render.

A partnership's own texts (names, ids, interpretation values) reach reports. In Markdown they
could add headings, links, raw HTML or break a table; on a terminal a control sequence could
retitle or clear the screen. HTML is escaped where it is written (``html.escape``); these two
functions do the same for Markdown and plain text.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["md", "md_block", "plain"]

# C0 and C1 control characters but tab and line feed, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")
# Characters Markdown (CommonMark and GitHub's tables) gives a meaning anywhere in a line.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~])")
# What gives a meaning at the start of a line: a list, a quote, a setext underline.
_MD_LINE_START = re.compile(r"^([-+>=]|\d+(?=[.)]))")


def plain(text: str) -> str:
    """``text`` without control characters (tab and line feed kept), for a terminal."""
    return _CONTROL.sub("", text)


def md(value: Any) -> str:
    """``value`` as Markdown text that renders as the same characters and nothing else.

    Line breaks become spaces (a value never starts a block), control characters are removed,
    and every character Markdown would read as syntax is escaped with a backslash.

    Example:
        >>> print(md("x | [click](javascript:alert(1)) <img>"))
        x \\| \\[click\\](javascript:alert(1)) \\<img\\>
    """
    text = _LINE_BREAKS.sub(" ", plain(str(value)))
    text = _MD_SPECIAL.sub(r"\\\1", text)
    match = _MD_LINE_START.match(text)
    if match:
        if match[1].isdigit():
            end = match.end()
            text = text[:end] + "\\" + text[end:]
        else:
            text = "\\" + text
    return text


def md_block(text: str) -> str:
    """``text`` as a Markdown code block shown exactly as it is (its fence longer than any run
    of backticks inside, so no value can close it)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{plain(text).rstrip()}\n{fence}\n"
