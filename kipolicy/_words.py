"""Every word a report prints, in Swedish and English: the message catalogue.

Finding kinds and the values messages insert come from ``data/labels.toml``; the words of
report headings, statuses and counts are here. A Swedish report is Swedish throughout: every
rendering takes its words from this module and from the policy text, never its own.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

__all__ = [
    "LANGS", "REPORT_WORDS", "check_lang", "counts_text", "kind_label", "parties_label",
    "status_label", "value_label",
]

#: The languages of every rendering.
LANGS: tuple[str, ...] = ("sv", "en")


def check_lang(lang: str) -> str:
    """``lang`` if kipolicy speaks it (``sv`` or ``en``); else a ValueError saying so."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: expected 'sv' or 'en'")
    return lang


@functools.cache
def _labels() -> dict[str, dict[str, str]]:
    return _label_file()["values"]


@functools.cache
def _label_file() -> dict[str, Any]:
    text = resources.files("kipolicy").joinpath("data/labels.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def kind_label(kind: str, lang: str, *, plural: bool = False) -> str:
    """How a report names a finding kind in ``lang`` (``violation`` is *avvikelse* in Swedish)."""
    names = _label_file()["kinds"].get(kind)
    if names is None:
        return kind
    return names[f"{lang}_plural" if plural else lang]


def counts_text(counts: Mapping[str, int], lang: str) -> str:
    """``11 avvikelser, 6 varningar`` / ``11 violation, 6 warning``: the kinds that occur.

    A kind whose labels give a count phrase says it its own way: missing facts are counted as
    *ofullständigt underlag: 2 uppgifter* / *incomplete: 2 facts*."""
    return ", ".join(_count_text(k, n, lang) for k, n in counts.items() if n)


def _count_text(kind: str, n: int, lang: str) -> str:
    phrase = _label_file()["kinds"].get(kind, {}).get(f"{lang}_count")
    if phrase is None:
        return f"{n} {kind_label(kind, lang, plural=n != 1)}"
    one, many = phrase.split("|")
    return (one if n == 1 else many).format(n=n)


def value_label(value: Any, lang: str) -> str:
    """How a value is shown in a message in ``lang``: dates as ISO dates, known words translated."""
    if isinstance(value, bool):
        return {"sv": {True: "ja", False: "nej"}, "en": {True: "yes", False: "no"}}[lang][value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    label = _labels().get(str(value))
    return label[lang] if label else str(value)


_STATUS = {
    "overdue": ("overdue", "försenad"),
    "open": ("open", "öppen"),
    "met-late": ("met late", "uppfylld sent"),
    "met": ("met", "uppfylld"),
}


def status_label(status: str, lang: str) -> str:
    """How a calendar names an obligation's status (``overdue`` / *försenad*)."""
    return _STATUS[status][0 if lang == "en" else 1]


def parties_label(count: int, lang: str) -> str:
    """``3 parties`` / ``3 parter``."""
    return f"{count} " + (("party" if count == 1 else "parties") if lang == "en" else ("part" if count == 1 else "parter"))



REPORT_WORDS: dict[str, dict[str, Any]] = {
    "en": {
        "as_of": "Assessed as of",
        "scope": "Scope",
        "in_scope": "in scope",
        "out_of_scope": "out of scope",
        "kept": "out of scope; still held to: {sections}",
        "definition": "Definition",
        "strategic": {True: "strategic", False: "not strategic", None: "not assessed"},
        "pending": "awaits missing facts",
        "interpretations": "Interpretations",
        "defaults": "the defaults",
        "findings": "Findings",
        "none": "none",
        "remedy": "Remedy",
        "due": "due",
        "calendar": "Calendar",
        "duty": "Duty",
        "status": "Status",
        "met_on": "Met on",
        "partnership": "Partnership",
        "partnerships": "Partnerships",
        "portfolio": "Portfolio",
        "portfolio_findings": "Portfolio-wide findings",
        "added": "Added",
        "removed": "Removed",
        "changed": "Changed",
        "no_change": "No finding differs.",
        "compare": "Interpretations compared",
        "baseline": "Under the default reading",
        "reading": "Reading",
        "rules": "Rules that differ",
        "diff_title": "What changes",
        "before": "before",
        "after": "after",
    },
    "sv": {
        "as_of": "Bedömd per",
        "scope": "Omfattning",
        "in_scope": "omfattas",
        "out_of_scope": "omfattas inte",
        "kept": "omfattas inte; gäller ändå: {sections}",
        "definition": "Definition",
        "strategic": {True: "strategiskt", False: "inte strategiskt", None: "inte bedömt"},
        "pending": "avvaktar uppgifter som saknas",
        "interpretations": "Tolkningar",
        "defaults": "standardtolkningarna",
        "findings": "Iakttagelser",
        "none": "inga",
        "remedy": "Åtgärd",
        "due": "senast",
        "calendar": "Kalender",
        "duty": "Åtagande",
        "status": "Status",
        "met_on": "Uppfyllt",
        "partnership": "Partnerskap",
        "partnerships": "Partnerskap",
        "portfolio": "Portfölj",
        "portfolio_findings": "Iakttagelser om portföljen",
        "added": "Tillkommer",
        "removed": "Försvinner",
        "changed": "Ändras",
        "no_change": "Ingen iakttagelse skiljer sig.",
        "compare": "Tolkningar jämförda",
        "baseline": "Under standardtolkningen",
        "reading": "Tolkning",
        "rules": "Regler som skiljer sig",
        "diff_title": "Vad som ändras",
        "before": "före",
        "after": "efter",
    },
}
