"""Controlled vocabularies: the words a document may use where the policy's reading compares
values (rules-catalogue rev. 2, principle 2).

Each vocabulary maps every accepted word — a term's id, its Swedish and English names and its
aliases, in any case and spacing — to the term's id, which is what kipolicy stores and
compares. A word outside the vocabulary is refused with did-you-mean. The vocabularies are
package data (``kipolicy/data/vocabularies.toml``); countries are ISO 3166-1, from the
maintained ``pycountry`` package.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Mapping
from importlib import resources
from typing import Any

import attrs

from .._base.errors import suggest

__all__ = ["Term", "Vocabulary", "VocabularyError", "normalise_word", "vocabulary"]


def normalise_word(text: str) -> str:
    """How words are compared: without case, and with runs of spaces, hyphens and underscores
    as one space."""
    return " ".join(text.casefold().replace("-", " ").replace("_", " ").split())


@attrs.frozen
class Term:
    """One term of a vocabulary.

    Attributes:
        id: What kipolicy stores and compares (``rektor``).
        sv: Its Swedish name.
        en: Its English name.
        aliases: Other words that mean it.
        note: Why an alias or the term is there, if it needs saying.
        parent: The broader term it belongs to (a field of research's broad area), if any.
    """

    id: str
    sv: str
    en: str
    aliases: tuple[str, ...] = ()
    note: str = ""
    parent: str | None = None

    def name(self, lang: str) -> str:
        """The term's name in ``lang``."""
        return {"sv": self.sv, "en": self.en}[lang]

    @property
    def words(self) -> tuple[str, ...]:
        """Every word that means this term."""
        return (self.id, self.sv, self.en, *self.aliases)


class VocabularyError(ValueError):
    """A word outside a vocabulary, or one that could mean several terms."""


@attrs.frozen
class Vocabulary:
    """A named vocabulary.

    Attributes:
        name: Its name (``roles``).
        title: Its title by language.
        source: Where its terms come from.
        field: The document field that takes its words.
        terms: Its terms, in order.
        refused: Words refused on purpose, each with why (and what to use instead).
    """

    name: str
    title: Mapping[str, str]
    source: str
    field: str
    terms: tuple[Term, ...]
    refused: Mapping[str, str] = attrs.field(factory=dict)
    _index: dict[str, str] = attrs.field(init=False, repr=False, eq=False)
    _spelled: dict[str, str] = attrs.field(init=False, repr=False, eq=False)
    _terms: dict[str, Term] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, str] = {}
        spelled: dict[str, str] = {}
        for term in self.terms:
            for word in term.words:
                key = normalise_word(word)
                if index.get(key, term.id) != term.id:
                    raise ValueError(f"vocabulary {self.name}: {word!r} means both {index[key]!r} and {term.id!r}")
                index[key] = term.id
                spelled.setdefault(key, word)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_spelled", spelled)
        object.__setattr__(self, "_terms", {t.id: t for t in self.terms})
        for word in self.refused:
            if word in index:
                raise ValueError(f"vocabulary {self.name}: {word!r} is refused but means {index[word]!r}")

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self.terms)

    def term(self, term_id: str) -> Term:
        return self._terms[term_id]

    def words(self) -> list[str]:
        """Every word a document may use, each once, in the order of the terms."""
        seen: dict[str, None] = {}
        for term in self.terms:
            for word in term.words:
                seen.setdefault(word, None)
        return list(seen)

    def lookup(self, word: str) -> str | None:
        """The id of the term ``word`` means, or None."""
        return self._index.get(normalise_word(word))

    def canonical(self, word: str) -> str:
        """The id of the term ``word`` means.

        Raises:
            VocabularyError: ``word`` is refused on purpose, or means no term (with the
                nearest word).
        """
        refused = self.refused.get(normalise_word(word))
        if refused is not None:
            raise VocabularyError(f"{word!r} is not used: {refused}")
        found = self.lookup(word)
        if found is None:
            best = suggest(normalise_word(word), list(self._index))
            hint = ""
            if best:
                spelled = self._spelled[best]
                means = self._index[best]
                hint = f" (did you mean {spelled!r}?)" if spelled == means else f" (did you mean {spelled!r}, {means}?)"
            listed = (
                ", ".join(self.ids) if len(self.terms) <= 20
                else f"{len(self.terms)} terms: `kipolicy vocabularies {self.name}`"
            )
            raise VocabularyError(f"expected a word of the vocabulary '{self.name}' ({listed}), got {word!r}{hint}")
        return found


@functools.cache
def _data() -> dict[str, Any]:
    text = resources.files("kipolicy").joinpath("data/vocabularies.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@functools.cache
def vocabulary(name: str) -> Vocabulary:
    """The vocabulary ``name`` (``roles``, ``fora-levels``, ``countries``, ``fields``)."""
    raw = _data()[name]
    if name == "countries":
        return _countries(raw)
    terms = tuple(
        Term(
            t["id"], t["sv"], t["en"], tuple(t.get("aliases", ())), t.get("note", ""), t.get("parent"),
        )
        for t in raw["terms"]
    )
    refused = {normalise_word(word): why for word, why in raw.get("refused", {}).items()}
    return Vocabulary(name, raw["title"], raw["source"], raw["field"], terms, refused)


def _countries(raw: Mapping[str, Any]) -> Vocabulary:
    """ISO 3166-1 from pycountry: alpha-2 ids; alpha-3, the English names and the package's
    Swedish names as words; the everyday aliases of the package data. A word that would mean
    two countries (a Swedish name equal to another country's code) keeps its first meaning."""
    import gettext

    import pycountry

    swedish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["sv"], fallback=True)
    extra: dict[str, list[str]] = {}
    for word, code in raw.get("aliases", {}).items():
        extra.setdefault(code, []).append(word)
    taken: dict[str, str] = {}
    terms = []
    countries = sorted(pycountry.countries, key=lambda c: c.alpha_2)
    for country in countries:  # codes first: a code always means its own country
        for word in (country.alpha_2, country.alpha_3):
            taken[normalise_word(word)] = country.alpha_2
    for country in countries:
        code = country.alpha_2
        sv = swedish.gettext(country.name)
        words = [country.alpha_3, getattr(country, "common_name", None), getattr(country, "official_name", None),
                 *extra.get(code, ())]
        aliases = []
        for word in words:
            if word and taken.setdefault(normalise_word(word), code) == code:
                aliases.append(word)
        en = country.name
        names_ok = [w for w in (en, sv) if taken.setdefault(normalise_word(w), code) == code]
        terms.append(Term(code, sv if sv in names_ok else code, en if en in names_ok else code, tuple(dict.fromkeys(aliases))))
    refused = {normalise_word(word): why for word, why in raw.get("refused", {}).items()}
    return Vocabulary("countries", raw["title"], raw["source"], raw["field"], tuple(terms), refused)


def own_competence(ki_fields: tuple[str, ...] = ()) -> frozenset[str]:
    """KI's own competence for urval.4, as FORD codes: the KI party's fields when the document
    gives them, else the package data's reading (broad area 3 and 1.6 Biological sciences)."""
    return frozenset(ki_fields or _data()["fields"]["ki_own"])


def outside(fields: tuple[str, ...], own: frozenset[str]) -> tuple[str, ...]:
    """The FORD codes of ``fields`` outside ``own``: a field is inside when it, or its broad
    area, is own; a broad area is inside only when it is own itself (a broad area with a field
    outside KI's own, such as natural sciences beside 1.6, brings competence KI lacks)."""
    words = vocabulary("fields")
    out = []
    for code in fields:
        parent = words.term(code).parent
        if code not in own and (parent is None or parent not in own):
            out.append(code)
    return tuple(dict.fromkeys(out))


def pycountry_version() -> str:
    """The version of the pycountry package the country vocabulary comes from."""
    from importlib.metadata import version

    return version("pycountry")


def names() -> tuple[str, ...]:
    """The names of the vocabularies in the package data."""
    return tuple(name for name, table in _data().items() if "terms" in table or name == "countries")


def partner_category(kind: str | None) -> str | None:
    """urval.4's category outside academia of a partner of ``kind`` (``public`` for the public
    sector and government agencies, ``civil-society``, ``company``), or None."""
    if kind is None:
        return None
    return _data()["partner-categories"]["of_kind"].get(kind)


def vocabularies_markdown() -> str:
    """The page docs/vocabularies.md: every vocabulary with its terms (generated; a test checks
    it is current)."""
    lines = [
        "# Vocabularies",
        "",
        "Where the policy's reading compares a value, the document's value comes from a controlled",
        "vocabulary (rules-catalogue rev. 2, principle 2): a term's id, its Swedish or English name,",
        "or an alias, in any case and spacing. kipolicy keeps the term's id; a word outside the",
        "vocabulary is an `InputError` naming the field, with the nearest word. `kipolicy",
        "vocabularies NAME` lists the same. Generated by `python docs/refresh.py` from",
        "`kipolicy/data/vocabularies.toml`; a test fails when it is stale.",
        "",
    ]
    for name in names():
        words = vocabulary(name)
        lines += [f"## {words.title['en']} (`{name}`)", "", f"Field: `{words.field}`. {words.source}", ""]
        if name == "countries":
            lines += [
                f"{len(words.terms)} countries: `kipolicy vocabularies countries` lists them with their "
                "names and aliases. Besides the package's names, these everyday names are accepted:",
                "",
            ]
            lines += [f"- {word} = `{code}`" for word, code in _data()["countries"].get("aliases", {}).items()]
            lines += ["", "Refused on purpose:", ""]
            lines += [f"- *{word}*: {why}" for word, why in _data()["countries"].get("refused", {}).items()]
            lines.append("")
            continue
        lines += ["| id | Swedish | English | also accepted |", "|---|---|---|---|"]
        for term in words.terms:
            also = ", ".join(term.aliases)
            lines.append(f"| `{term.id}` | {term.sv} | {term.en} | {also} |")
        if words.refused:
            lines += ["", "Refused on purpose:", ""]
            lines += [f"- *{word}*: {why}" for word, why in words.refused.items()]
        lines.append("")
    return "\n".join(lines)
