"""The portfolio as seen from one partnership: which others overlap with it.

A portfolio may hold thousands of partnerships, and each assessment compares one partnership
with all the others. :class:`PortfolioIndex` indexes the portfolio once, by (focus area,
partner country) pair and by partner name, so that a comparison looks only at the
partnerships that have the same orientation and profile (a common focus area *and* a common
partner country, urval.5) or a common partner: its cost grows with those overlaps, not with
the size of the portfolio.

Names are compared without case and extra spaces (``"  Karolinska  "`` is ``"karolinska"``).
A partnership of the portfolio is an *active strategic partnership* as of a day when it is at
stage ``active``, entered at KI-wide level, and no termination is recorded on or before that
day: the portfolio is KI's register of its strategic partnerships, and whether each one meets
the definition is for its own assessment to say.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import attrs

from .._document.model import Level, Partnership, Stage
from .._policy.vocabularies import partner_category

__all__ = ["Established", "Overlap", "Peer", "PortfolioIndex", "normalise"]


def normalise(name: str) -> str:
    """A name as compared: case-folded, with runs of spaces made one."""
    return " ".join(name.casefold().split())


def is_active_strategic(partnership: Partnership, as_of: dt.date) -> bool:
    """Whether a partnership of the portfolio counts as an active strategic one on ``as_of``."""
    terminated = partnership.termination is not None and partnership.termination.date <= as_of
    return (
        partnership.stage is Stage.ACTIVE
        and partnership.level is Level.KI_WIDE
        and not terminated
    )


@attrs.frozen
class Peer:
    """What the comparison needs of one partnership of the portfolio."""

    id: str
    name: str
    active_strategic: bool
    focus_areas: dict[str, str]
    countries: dict[str, str]
    partners: dict[str, str]
    categories: frozenset[str] = frozenset()


@attrs.frozen
class Overlap:
    """What one other partnership shares with the one assessed."""

    peer: Peer
    focus_areas: tuple[str, ...]
    countries: tuple[str, ...]
    partners: tuple[str, ...]


@attrs.frozen
class Established:
    """The active strategic partnerships a proposal overlaps (urval.5), and what they share
    with it: the focus areas and the partner countries in common with any of them, in the
    proposal's own words, each once, in the order first met going through them by id."""

    peers: tuple[Peer, ...]
    focus_areas: tuple[str, ...]
    countries: tuple[str, ...]


def _peer(partnership: Partnership, as_of: dt.date) -> Peer:
    partners = partnership.partners
    return Peer(
        id=partnership.id,
        name=partnership.name,
        active_strategic=is_active_strategic(partnership, as_of),
        focus_areas={normalise(a): a for a in partnership.strategy.focus_areas if a.strip()},
        countries={normalise(p.country): p.country for p in partners if p.country and p.country.strip()},
        partners={normalise(p.name): p.name for p in partners},
        categories=frozenset(
            c for p in partners if (c := partner_category(p.kind._value_ if p.kind is not None else None))
        ),
    )


class PortfolioIndex:
    """A portfolio indexed for comparisons, as of one day.

    Args:
        partnerships: The portfolio's partnerships (their ids must be unique).
        as_of: The day that decides which are active.
        fingerprint: The portfolio's fingerprint, when it is known already (a worker process
            gets it from the process that took it); else it is taken when first asked for.

    Raises:
        ValueError: Two partnerships of the portfolio have the same id.
    """

    def __init__(self, partnerships: Iterable[Partnership], as_of: dt.date, *, fingerprint: str | None = None) -> None:
        self.as_of = as_of
        self.partnerships: list[Partnership] = []
        self.peers: dict[str, Peer] = {}
        self._by_profile: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._by_partner: dict[str, list[str]] = defaultdict(list)
        # The same, of the active strategic partnerships only (what urval.5 compares with).
        self._active_by_profile: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._active_by_area: dict[str, list[str]] = defaultdict(list)
        for partnership in partnerships:
            if not isinstance(partnership, Partnership):
                raise TypeError(
                    f"portfolio: expected Partnership objects, got {type(partnership).__name__}"
                )
            if partnership.id in self.peers:
                raise ValueError(f"portfolio: two partnerships have the id {partnership.id!r}")
            peer = _peer(partnership, as_of)
            self.partnerships.append(partnership)
            self.peers[peer.id] = peer
            for area in peer.focus_areas:
                for country in peer.countries:
                    self._by_profile[(area, country)].append(peer.id)
                    if peer.active_strategic:
                        self._active_by_profile[(area, country)].append(peer.id)
                if peer.active_strategic:
                    self._active_by_area[area].append(peer.id)
            for key in peer.partners:
                self._by_partner[key].append(peer.id)
        self.active_strategic_ids = frozenset(p.id for p in self.peers.values() if p.active_strategic)
        # urval.4: the categories outside academia KI's active strategic partnerships have.
        self._categories: dict[str, set[str]] = defaultdict(set)
        for peer_id in self.active_strategic_ids:
            for category in self.peers[peer_id].categories:
                self._categories[category].add(peer_id)
        self._fingerprint: str | None = fingerprint

    @property
    def fingerprint(self) -> str | None:
        """One fingerprint of the portfolio's documents (for a report's provenance)."""
        if self._fingerprint is None:
            from .._document.provenance import document_fingerprint, portfolio_fingerprint

            self._fingerprint = portfolio_fingerprint(document_fingerprint(p) for p in self.partnerships)
        return self._fingerprint

    @property
    def fingerprint_if_taken(self) -> str | None:
        """The fingerprint if it was taken already (without taking it)."""
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.peers)

    def category_established(self, category: str, partnership_id: str) -> bool:
        """Whether an active strategic partnership other than ``partnership_id`` already has a
        partner of this category outside academia (urval.4: then it is not a *new* category)."""
        return bool(self._categories.get(category, set()) - {partnership_id})

    def active_strategic_besides(self, partnership_id: str) -> int:
        """How many active strategic partnerships the portfolio has, not counting this one."""
        return len(self.active_strategic_ids) - (partnership_id in self.active_strategic_ids)

    def overlaps(self, partnership: Partnership) -> list[Overlap]:
        """The other partnerships sharing a focus area and a partner country, or a partner."""
        me = _peer(partnership, self.as_of)
        candidates = self._sharing_a_partner(me, partnership.id)
        for area in me.focus_areas:
            for country in me.countries:
                candidates.update(self._by_profile.get((area, country), ()))
        candidates.discard(partnership.id)
        out = []
        for peer_id in sorted(candidates):
            peer = self.peers[peer_id]
            out.append(
                Overlap(
                    peer,
                    tuple(me.focus_areas[k] for k in sorted(me.focus_areas.keys() & peer.focus_areas.keys())),
                    tuple(me.countries[k] for k in sorted(me.countries.keys() & peer.countries.keys())),
                    tuple(me.partners[k] for k in sorted(me.partners.keys() & peer.partners.keys())),
                )
            )
        return out

    def established(self, partnership: Partnership, overlap: str = "area-and-country") -> Established:
        """The active strategic partnerships sharing a focus area and a partner country with
        ``partnership`` (urval.5), in id order, and what they share with it. Under the reading
        ``overlap = area-only``, a focus area in common is enough.

        Its cost grows with the number of such partnerships, as the finding that names them
        all does; the focus areas and countries in common are found without comparing every
        one of them once all have been seen.
        """
        me = _peer(partnership, self.as_of)
        if overlap == "area-only":
            by_area = {
                area: ids for area in me.focus_areas
                if (ids := [i for i in self._active_by_area.get(area, ()) if i != partnership.id])
            }
            found = sorted({i for ids in by_area.values() for i in ids})
            areas_only = {
                me.focus_areas[k]: None
                for peer_id in found for k in sorted(me.focus_areas.keys() & self.peers[peer_id].focus_areas.keys())
            }
            countries_only = {
                me.countries[k]: None
                for peer_id in found for k in sorted(me.countries.keys() & self.peers[peer_id].countries.keys())
            }
            return Established(tuple(self.peers[i] for i in found), tuple(areas_only), tuple(countries_only))
        cells = {
            (area, country): ids
            for area in me.focus_areas
            for country in me.countries
            if (ids := [i for i in self._active_by_profile.get((area, country), ()) if i != partnership.id])
        }
        found = sorted({i for ids in cells.values() for i in ids})
        possible_areas = {area for area, _ in cells}
        possible_countries = {country for _, country in cells}
        areas: dict[str, None] = {}
        countries: dict[str, None] = {}
        # In id order, each peer's areas (and countries) in common, sorted, first seen first.
        for peer_id in found:
            peer = self.peers[peer_id]
            areas.update(dict.fromkeys(me.focus_areas[k] for k in sorted(me.focus_areas.keys() & peer.focus_areas.keys())))
            countries.update(dict.fromkeys(me.countries[k] for k in sorted(me.countries.keys() & peer.countries.keys())))
            if len(areas) == len(possible_areas) and len(countries) == len(possible_countries):
                break
        return Established(tuple(self.peers[i] for i in found), tuple(areas), tuple(countries))

    def sharing_partners(self, partnership: Partnership) -> list[Overlap]:
        """The other partnerships that have a partner in common with ``partnership``, in id
        order, each with the partners in common (and nothing else)."""
        me = _peer(partnership, self.as_of)
        out = []
        for peer_id in sorted(self._sharing_a_partner(me, partnership.id)):
            peer = self.peers[peer_id]
            out.append(Overlap(peer, (), (), tuple(me.partners[k] for k in sorted(me.partners.keys() & peer.partners.keys()))))
        return out

    def _sharing_a_partner(self, me: Peer, own_id: str) -> set[str]:
        """The ids of the other partnerships with a partner in common with ``me``."""
        found: set[str] = set()
        for key in me.partners:
            found.update(self._by_partner.get(key, ()))
        found.discard(own_id)
        return found
