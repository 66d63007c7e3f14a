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
    "CATALOGUE",
    "LANGS",
    "check_lang",
    "counts_text",
    "kind_label",
    "parties_label",
    "phrases",
    "status_label",
    "value_label",
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
    "met-late": ("met late", "uppfylld för sent"),
    "met": ("met", "uppfylld"),
}


def status_label(status: str, lang: str) -> str:
    """How a calendar names an obligation's status (``overdue`` / *försenad*)."""
    return _STATUS[status][0 if lang == "en" else 1]


def parties_label(count: int, lang: str) -> str:
    """``3 parties`` / ``3 parter``."""
    return f"{count} " + _REPORT[lang]["party" if count == 1 else "parties"]



_REPORT: dict[str, dict[str, Any]] = {
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
        "due_column": "Due",
        "cites_column": "cites",
        "party": "party",
        "parties": "parties",
        "status": "Status",
        "met_on": "Met on",
        "partnership": "Partnership",
        "partnerships": "Partnerships",
        "portfolio": "Portfolio",
        "portfolio_findings": "Portfolio-wide findings",
        "portfolio_head": "Portfolio of {n} partnerships, as of {as_of}",
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
        "due_column": "Senast",
        "cites_column": "hänvisar till",
        "party": "part",
        "parties": "parter",
        "status": "Status",
        "met_on": "Uppfyllt",
        "partnership": "Partnerskap",
        "partnerships": "Partnerskap",
        "portfolio": "Portfölj",
        "portfolio_findings": "Iakttagelser om portföljen",
        "portfolio_head": "Portfölj med {n} partnerskap, per {as_of}",
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

#: Every phrase kipolicy prints, by area and language (placeholders in braces): reports and
#: renderings, explanations and why-not answers, case failures, pictures, verification.
CATALOGUE: dict[str, dict[str, dict[Any, Any]]] = {
    "report": _REPORT,
    "explain": {
    "en": {
        "because": "Because",
        "derived": "derived by {rule}, which cites",
        "from": "from",
        "cites": "Cites",
        "subject": "Subject",
        "remedy": "Remedy",
        "none": "{rule} did not fire in this assessment.",
        "alternative": "Alternative {n}: ",
        "holds": "its conditions hold.",
        "switched_off": "switched off by the interpretation {interpretation} (the rule needs: {text}).",
        "blocked": "the condition \"{text}\" is not met: blocked by {paths}.",
        "no_such_fact": "the condition \"{text}\" is not met: there is no such fact at all.",
        "no_fact_meets": "no fact meets the condition \"{text}\":",
        "fails": "{clause} fails ({field} = {value})",
        "missing": "missing",
        "the_partnership": "(partnership)",
        "more": "  … {n} more",
        "fired": "{rule} fired: {n} finding(s).",
        "halted": "It was not assessed: {rule} stopped the assessment before the step '{step}'.",
        "not_retroactive": (
            "It does not apply: it is about how a partnership was prepared and entered, and this one "
            "was entered before the policy came into force (retroactivity = ongoing-only)."
        ),
        "engine_bug": "Its conditions hold over the assessment's facts, yet the engine did not fire it: please report this as a bug.",
    },
    "sv": {
        "because": "Eftersom",
        "derived": "härlett av {rule}, som hänvisar till",
        "from": "från",
        "cites": "Hänvisar till",
        "subject": "Gäller",
        "remedy": "Åtgärd",
        "none": "{rule} gav ingen iakttagelse i denna bedömning.",
        "alternative": "Alternativ {n}: ",
        "holds": "dess villkor är uppfyllda.",
        "switched_off": "avstängd av tolkningen {interpretation} (regeln kräver: {text}).",
        "blocked": "villkoret \"{text}\" är inte uppfyllt: hindras av {paths}.",
        "no_such_fact": "villkoret \"{text}\" är inte uppfyllt: det finns inget sådant faktum alls.",
        "no_fact_meets": "inget faktum uppfyller villkoret \"{text}\":",
        "fails": "{clause} uppfylls inte ({field} = {value})",
        "missing": "saknas",
        "the_partnership": "(partnerskapet)",
        "more": "  … {n} till",
        "fired": "{rule} gav {n} iakttagelse(r).",
        "halted": "Den bedömdes inte: {rule} avbröt bedömningen före steget '{step}'.",
        "not_retroactive": (
            "Den tillämpas inte: den gäller hur ett partnerskap bereddes och ingicks, och detta "
            "ingicks innan policyn trädde i kraft (retroactivity = ongoing-only)."
        ),
        "engine_bug": "Dess villkor är uppfyllda, men motorn utlöste den inte: rapportera detta som ett fel.",
    },
},
    "cases": {
    "en": {
        "case": "case", "in": "in", "fire": "expected {rule} to fire; it did not",
        "quiet": "expected {rule} to stay quiet; it fired for {subjects}",
        "obligation": "expected {what} in the calendar; it is not there",
        "portfolio-fire": "expected {rule} to fire for the portfolio; it did not",
        "portfolio-quiet": "expected {rule} to stay quiet for the portfolio; it fired",
        "flag": "expected {rule} = {expected}; got {actual}",
        "cites": "cites", "why_not": "why it did not fire", "see": "for more: kipolicy why-not {file} {rule} --as-of {as_of}",
        "actual": "actual findings", "none": "(none)", "obligations": "actual obligations",
        "partnership": "(the partnership)",
    },
    "sv": {
        "case": "fall", "in": "i", "fire": "väntade att {rule} skulle ge en iakttagelse; det gjorde den inte",
        "quiet": "väntade att {rule} skulle vara tyst; den gav en iakttagelse för {subjects}",
        "obligation": "väntade {what} i kalendern; det finns inte där",
        "portfolio-fire": "väntade att {rule} skulle ge en iakttagelse för portföljen; det gjorde den inte",
        "portfolio-quiet": "väntade att {rule} skulle vara tyst för portföljen; den gav en iakttagelse",
        "flag": "väntade {rule} = {expected}; blev {actual}",
        "cites": "hänvisar till", "why_not": "varför den inte gav någon iakttagelse",
        "see": "mer: kipolicy why-not {file} {rule} --as-of {as_of}",
        "actual": "faktiska iakttagelser", "none": "(inga)", "obligations": "faktiska åligganden",
        "partnership": "(partnerskapet)",
    },
},
    "plots": {
    "en": {
        "timeline": "Obligations of the portfolio as of {as_of}", "profile": "Profile of the portfolio as of {as_of}",
        "met": "met", "open": "open", "due-soon": "due soon", "overdue": "overdue", "as_of": "as of {as_of}",
        "areas": "Focus area (KI Strategy 2030)", "countries": "Partner country",
        "capacity": "capacity {capacity}: {active} active strategic", "active": "{active} active strategic",
        "overlap": "a proposal overlaps", "none": "no obligations", "no_profile": "no focus areas and countries",
        "proposals": "+{n} proposed",
    },
    "sv": {
        "timeline": "Portföljens åligganden per {as_of}", "profile": "Portföljens profil per {as_of}",
        "met": "uppfyllt", "open": "öppet", "due-soon": "snart", "overdue": "försenat", "as_of": "per {as_of}",
        "areas": "Insatsområde (KI:s strategi 2030)", "countries": "Partnerns land",
        "capacity": "kapacitet {capacity}: {active} aktiva strategiska", "active": "{active} aktiva strategiska",
        "overlap": "ett förslag överlappar", "none": "inga åligganden", "no_profile": "inga insatsområden och länder",
        "proposals": "+{n} föreslagna",
    },
},
    "workbench": {
        "en": {
            "title": "kipolicy workbench",
            "intro": "Karolinska Institutet's policy for strategic partnerships (Dnr 1-1005/2022): assess a "
            "partnership document, switch a reading, and see what changes.",
            "document": "Document", "example": "Bundled example", "choose": "(choose)", "load": "Load example",
            "upload": "Or upload a file", "text": "TOML or JSON", "assessment": "Assessment", "as_of": "As of",
            "language": "Language", "interpretations": "Interpretations", "assess": "Assess",
            "changed": "What changed since the previous run", "why_not": "Why not?", "rule": "Rule",
            "why_button": "Why did it not fire?", "default": "(default)", "months": "{default} (default), or a number of months",
            "none": "none", "why_default": "Why the default; the alternatives", "error": "error",
        },
        "sv": {
            "title": "kipolicy arbetsyta",
            "intro": "Karolinska Institutets policy för strategiska partnerskap (Dnr 1-1005/2022): bedöm ett "
            "partnerskapsdokument, byt tolkning och se vad som ändras.",
            "document": "Dokument", "example": "Medföljande exempel", "choose": "(välj)", "load": "Läs in exemplet",
            "upload": "Eller ladda upp en fil", "text": "TOML eller JSON", "assessment": "Bedömning", "as_of": "Per",
            "language": "Språk", "interpretations": "Tolkningar", "assess": "Bedöm",
            "changed": "Vad som ändrats sedan förra körningen", "why_not": "Varför inte?", "rule": "Regel",
            "why_button": "Varför slog den inte till?", "default": "(standard)", "months": "{default} (standard), eller ett antal månader",
            "none": "ingen", "why_default": "Varför standardtolkningen; alternativen", "error": "fel",
        },
    },
    "tables": {
        "en": {
            "portfolio": "portfolio", "calendar_name": "Obligations of strategic partnerships",
            "partnership": "Partnership", "status_as_of": "Status as of", "rules": "Rules",
        },
        "sv": {
            "portfolio": "portfölj", "calendar_name": "Åligganden för strategiska partnerskap",
            "partnership": "Partnerskap", "status_as_of": "Status per", "rules": "Regler",
        },
    },
    "conditions": {
        "en": {
            "fact_a": "a {type}", "fact_an": "an {type}", "no_fact": "no {type}", "where": " where ",
            "and": " and ",
            "md_fact_a": "there is a `{type}` fact{alias}", "md_fact_an": "there is an `{type}` fact{alias}",
            "md_no_fact": "there is **no** `{type}` fact",
            "md_alias": " (called `{alias}`)",
        },
        "sv": {
            "fact_a": "ett faktum {type}", "fact_an": "ett faktum {type}", "no_fact": "inget faktum {type}",
            "where": " där ", "and": " och ",
            "md_fact_a": "det finns ett faktum `{type}`{alias}", "md_fact_an": "det finns ett faktum `{type}`{alias}",
            "md_no_fact": "det finns **inget** faktum `{type}`",
            "md_alias": " (kallat `{alias}`)",
        },
    },
    "verify": {
    "en": {
        "same": "{id}: the same findings result",
        "differ": "{id}: the findings differ",
        "new": "new", "gone": "gone", "changed": "changed",
        "the_partnership": "(partnership)",
        "calendar": "  the calendar of obligations differs",
        "changed_since": "Changed since the report was made: ",
        "nothing_changed": "Nothing it was made from has changed.",
        "the document": "the document", "the rule book": "the rule book", "the policy text": "the policy text",
        "the kipolicy version": "the kipolicy version", "the portfolio": "the portfolio",
    },
    "sv": {
        "same": "{id}: samma iakttagelser blir resultatet",
        "differ": "{id}: iakttagelserna skiljer sig",
        "new": "ny", "gone": "borta", "changed": "ändrad",
        "the_partnership": "(partnerskapet)",
        "calendar": "  kalendern med åligganden skiljer sig",
        "changed_since": "Ändrat sedan rapporten gjordes: ",
        "nothing_changed": "Inget som den gjordes av har ändrats.",
        "the document": "dokumentet",
        "the rule book": "regelboken",
        "the policy text": "policytexten",
        "the kipolicy version": "kipolicy-versionen",
        "the portfolio": "portföljen",
    },
},
}


def phrases(area: str, lang: str) -> dict[Any, Any]:
    """The phrases of ``area`` (a key of :data:`CATALOGUE`) in ``lang``."""
    return CATALOGUE[area][check_lang(lang)]
