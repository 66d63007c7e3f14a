"""The HTML every rendering shares: styles for the screen and for print, escaping, a page
around a fragment, and a text answer (an explanation, a why-not) as a fragment."""

from __future__ import annotations

import html
from typing import Any

__all__ = ["CSS", "e", "html_document", "preformatted_html"]


def e(value: Any) -> str:
    """``value`` as HTML text, escaped."""
    return html.escape(str(value))


CSS = (
    "<style>.kipolicy{font-family:system-ui,sans-serif;line-height:1.4;max-width:60em}"
    ".kipolicy .kind{display:inline-block;padding:0 .4em;border-radius:.3em;font-size:.85em;"
    "font-weight:600;color:#fff;background:#666}"
    ".kipolicy .violation{background:#b3261e}.kipolicy .warning{background:#b86e00}"
    ".kipolicy .obligation{background:#1b5e9f}.kipolicy .recommendation{background:#2e7d32}"
    ".kipolicy .note{background:#666}.kipolicy .overdue{color:#b3261e;font-weight:600}"
    ".kipolicy blockquote{margin:.3em 0 .3em 1em;padding-left:.6em;border-left:3px solid #ccc;color:#333}"
    ".kipolicy figure.plot{margin:1em 0}.kipolicy figure.plot svg{max-width:100%;height:auto}"
    ".kipolicy table{border-collapse:collapse}.kipolicy td,.kipolicy th{border:1px solid #ddd;"
    "padding:.2em .5em;text-align:left}</style>"
)


# For a page of its own (the command line's --format html): readable printed, on A4 or Letter.
PAGE_CSS = (
    "<style>body{margin:2em auto;padding:0 1em;max-width:62em;color:#111;background:#fff}"
    "@page{margin:2cm}"
    "@media print{body{margin:0;max-width:none;font-size:10.5pt}"
    ".kipolicy .finding,.kipolicy blockquote,.kipolicy tr{break-inside:avoid}"
    ".kipolicy h2,.kipolicy h3{break-after:avoid}"
    ".kipolicy .kind{color:#000;background:none!important;border:1px solid #000}"
    "a{color:inherit;text-decoration:none}}</style>"
)


def html_document(fragment: str, lang: str, title: str) -> str:
    """A complete HTML page around ``fragment``: doctype, language, charset, title and styles for
    the screen and for print. Jupyter shows the fragment; the command line writes the page."""
    return (
        f'<!DOCTYPE html>\n<html lang="{e(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="kipolicy">\n<title>{e(title)}</title>\n{PAGE_CSS}\n</head>\n'
        f"<body>\n{fragment}\n</body>\n</html>\n"
    )


def preformatted_html(text: str, title: str = "") -> str:
    """A text answer (an explanation, a why-not) as an HTML fragment."""
    head = f"<h3>{e(title)}</h3>" if title else ""
    return f'{CSS}<div class="kipolicy">{head}<pre style="white-space:pre-wrap">{e(text)}</pre></div>'
