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

from ._model import Level, Partnership, Stage

__all__ = ["Overlap", "Peer", "PortfolioIndex", "normalise"]


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


@attrs.frozen
class Overlap:
    """What one other partnership shares with the one assessed."""

    peer: Peer
    focus_areas: tuple[str, ...]
    countries: tuple[str, ...]
    partners: tuple[str, ...]


def _peer(partnership: Partnership, as_of: dt.date) -> Peer:
    partners = partnership.partners
    return Peer(
        id=partnership.id,
        name=partnership.name,
        active_strategic=is_active_strategic(partnership, as_of),
        focus_areas={normalise(a): a for a in partnership.strategy.focus_areas if a.strip()},
        countries={normalise(p.country): p.country for p in partners if p.country and p.country.strip()},
        partners={normalise(p.name): p.name for p in partners},
    )


class PortfolioIndex:
    """A portfolio indexed for comparisons, as of one day.

    Args:
        partnerships: The portfolio's partnerships (their ids must be unique).
        as_of: The day that decides which are active.

    Raises:
        ValueError: Two partnerships of the portfolio have the same id.
    """

    def __init__(self, partnerships: Iterable[Partnership], as_of: dt.date) -> None:
        self.as_of = as_of
        self.partnerships: list[Partnership] = []
        self.peers: dict[str, Peer] = {}
        self._by_profile: dict[tuple[str, str], list[str]] = defaultdict(list)
        self._by_partner: dict[str, list[str]] = defaultdict(list)
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
            for key in peer.partners:
                self._by_partner[key].append(peer.id)
        self.active_strategic_ids = frozenset(p.id for p in self.peers.values() if p.active_strategic)
        self._fingerprint: str | None = None

    @property
    def fingerprint(self) -> str | None:
        """One fingerprint of the portfolio's documents (for a report's provenance)."""
        if self._fingerprint is None:
            from ._provenance import document_fingerprint, portfolio_fingerprint

            self._fingerprint = portfolio_fingerprint(document_fingerprint(p) for p in self.partnerships)
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.peers)

    def active_strategic_besides(self, partnership_id: str) -> int:
        """How many active strategic partnerships the portfolio has, not counting this one."""
        return len(self.active_strategic_ids) - (partnership_id in self.active_strategic_ids)

    def overlaps(self, partnership: Partnership) -> list[Overlap]:
        """The other partnerships sharing a focus area and a partner country, or a partner."""
        me = _peer(partnership, self.as_of)
        candidates: set[str] = set()
        for area in me.focus_areas:
            for country in me.countries:
                candidates.update(self._by_profile.get((area, country), ()))
        for key in me.partners:
            candidates.update(self._by_partner.get(key, ()))
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
