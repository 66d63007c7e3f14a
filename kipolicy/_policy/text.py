"""The policy text as data: sections and citable units, in Swedish and English."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import tomllib
from collections.abc import Iterator
from importlib import resources

import attrs

from .._base.errors import UnknownIdError
from .._base.html import CSS, e

__all__ = ["NORMATIVE_MODALITIES", "Document", "Modality", "Policy", "Section", "Unit", "policy"]

#: The modalities a unit can have, from the strongest duty to none.
Modality = str
MODALITIES: tuple[str, ...] = (
    "shall",
    "must",
    "practice",
    "definition",
    "should",
    "may",
    "informative",
)
#: Modalities that carry a duty, a definition or an option, i.e. everything a rule can encode.
NORMATIVE_MODALITIES: frozenset[str] = frozenset(MODALITIES) - {"informative"}


@attrs.frozen
class Unit:
    """One citable unit: a sentence, or a whole bullet.

    Attributes:
        id: ``<section>.<n>``, e.g. ``risk.3``.
        section: The section id.
        number: The unit's number inside its section, from 1.
        text_sv: The policy's own Swedish text.
        text_en: kipolicy's English translation.
        modality: ``shall``, ``must``, ``should``, ``may``, ``definition``, ``practice`` or
            ``informative``.
        reason: For an informative unit, why it carries no duty.
    """

    id: str
    section: str
    number: int
    text_sv: str
    text_en: str
    modality: Modality
    reason: str | None = None

    @property
    def normative(self) -> bool:
        """Whether the unit carries a duty, a definition or an option."""
        return self.modality in NORMATIVE_MODALITIES

    def text(self, lang: str = "sv") -> str:
        """The unit's text in ``lang`` (``sv`` or ``en``)."""
        return _pick(lang, self.text_sv, self.text_en)


@attrs.frozen
class Section:
    """A section of the policy with its units, in document order."""

    id: str
    heading_sv: str
    heading_en: str
    units: tuple[Unit, ...]
    position: int

    def heading(self, lang: str = "sv") -> str:
        """The heading in ``lang`` (``sv`` or ``en``)."""
        return _pick(lang, self.heading_sv, self.heading_en)

    def unit(self, number: int) -> Unit:
        """The unit numbered ``number`` (from 1)."""
        if not 1 <= number <= len(self.units):
            raise UnknownIdError("unit", f"{self.id}.{number}", (u.id for u in self.units))
        return self.units[number - 1]


@attrs.frozen
class Document:
    """The policy document's details."""

    title_sv: str
    title_en: str
    issuer: str
    dnr: str
    decided: dt.date
    in_force_from: dt.date
    valid_until: str
    decided_by_sv: str
    decided_by_en: str
    document_type_sv: str
    document_type_en: str
    binding_note_unit: str

    def title(self, lang: str = "sv") -> str:
        """The policy's title in ``lang`` (``sv`` or ``en``)."""
        return _pick(lang, self.title_sv, self.title_en)


@attrs.frozen
class Policy:
    """The whole policy: its document details and its sections.

    Look units and sections up by id with :meth:`unit` and :meth:`section`; an unknown id raises
    :class:`~kipolicy.UnknownIdError` naming the nearest id.
    """

    document: Document
    sections: tuple[Section, ...]
    _unit_index: dict[str, Unit] = attrs.field(repr=False, eq=False, hash=False)
    _section_index: dict[str, Section] = attrs.field(repr=False, eq=False, hash=False)
    fingerprint: str = attrs.field(default="", repr=False, eq=False)
    """A SHA-256 fingerprint of the policy text as kipolicy holds it (its data file)."""

    def unit(self, unit_id: str) -> Unit:
        """The unit with ``unit_id``, e.g. ``"risk.3"``."""
        try:
            return self._unit_index[unit_id]
        except (KeyError, TypeError):
            raise UnknownIdError("policy unit", str(unit_id), self._unit_index) from None

    def section(self, section_id: str) -> Section:
        """The section with ``section_id``, e.g. ``"risk"``."""
        try:
            return self._section_index[section_id]
        except (KeyError, TypeError):
            raise UnknownIdError("policy section", str(section_id), self._section_index) from None

    @property
    def unit_ids(self) -> tuple[str, ...]:
        """The id of every unit, in document order."""
        return tuple(self._unit_index)

    @property
    def section_ids(self) -> tuple[str, ...]:
        """The id of every section, in document order."""
        return tuple(self._section_index)

    def units(self) -> Iterator[Unit]:
        """Every unit, in document order."""
        for section in self.sections:
            yield from section.units

    def __contains__(self, unit_or_section_id: object) -> bool:
        return unit_or_section_id in self._unit_index or unit_or_section_id in self._section_index

    def _repr_html_(self) -> str:
        return policy_html(self, "sv")

    def section_position(self, section_id: str) -> int:
        """The section's position in the document (0 for the first)."""
        return self.section(section_id).position


def _pick(lang: str, sv: str, en: str) -> str:
    if lang == "sv":
        return sv
    if lang == "en":
        return en
    raise ValueError(f"unknown language {lang!r}: expected 'sv' or 'en'")


@functools.cache
def policy() -> Policy:
    """The policy: Karolinska Institutet's policy for strategic partnerships (Dnr 1-1005/2022).

    Returns:
        The :class:`Policy`, with every section and unit in Swedish and English.

    Example:
        >>> import kipolicy
        >>> kipolicy.policy().unit("risk.3").modality
        'shall'
    """
    raw_bytes = resources.files("kipolicy").joinpath("data/policy.toml").read_bytes()
    data = tomllib.loads(raw_bytes.decode("utf-8"))
    sections = []
    for position, raw in enumerate(data["section"]):
        units = tuple(
            Unit(
                id=f"{raw['id']}.{n}",
                section=raw["id"],
                number=n,
                text_sv=u["sv"],
                text_en=u["en"],
                modality=u["modality"],
                reason=u.get("reason"),
            )
            for n, u in enumerate(raw["units"], start=1)
        )
        for unit in units:
            if unit.modality not in MODALITIES:  # pragma: no cover - guards the data file
                raise ValueError(f"policy.toml: {unit.id}: unknown modality {unit.modality!r}")
        sections.append(
            Section(raw["id"], raw["heading_sv"], raw["heading_en"], units, position)
        )
    return Policy(
        document=Document(**data["document"]),
        sections=tuple(sections),
        unit_index={u.id: u for s in sections for u in s.units},
        section_index={s.id: s for s in sections},
        fingerprint="sha256:" + hashlib.sha256(raw_bytes).hexdigest(),
    )


def policy_html(pol: Policy, lang: str) -> str:
    """The policy text as an HTML fragment: sections, units with their ids and modality."""
    doc = pol.document
    parts = [f"<h2>{e(doc.title(lang))} <small>({e(doc.dnr)})</small></h2>"]
    for section in pol.sections:
        rows = "".join(
            f"<tr><td><code>{e(u.id)}</code></td><td>{e(u.modality)}</td><td>{e(u.text_sv)}</td>"
            f"<td>{e(u.text_en)}</td></tr>"
            for u in section.units
        )
        parts.append(f"<h3>{e(section.heading(lang))} <code>{e(section.id)}</code></h3>"
                     f"<table><tr><th>id</th><th>modality</th><th>sv</th><th>en</th></tr>{rows}</table>")
    return f'{CSS}<div class="kipolicy">{"".join(parts)}</div>'
