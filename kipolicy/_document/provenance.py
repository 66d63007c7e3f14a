"""Provenance: what a report was made from, so that the decision can be reproduced later.

A report is a record a partnership office may have to defend. Each carries the kipolicy version,
fingerprints of the rule book and of the policy text, the interpretations in force, ``as_of``,
and fingerprints of the assessed document and of the portfolio it was compared with.
``kipolicy verify`` assesses again and says which of these changed when the findings differ.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from .read import to_document
from .._base.identity import IdentityCache
from .model import Partnership

__all__ = ["ENGINE", "ENGINES", "Provenance", "document_fingerprint", "portfolio_fingerprint"]

#: The engines an assessment can run on (``engine=``), each with the name its reports record.
ENGINES: dict[str, str] = {
    "durable": "durable-rules 2.0.28",
    "python": "kipolicy plain-Python engine",
}
#: The default engine's name.
ENGINE = ENGINES["durable"]


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot fingerprint a {type(value).__name__}")


def document_fingerprint(partnership: Partnership) -> str:
    """A SHA-256 fingerprint of what a partnership document says.

    It is taken over the document as kipolicy reads it (canonical JSON of
    :func:`~kipolicy.to_document`), so a TOML file and the JSON file with the same content, or
    the same file re-indented or with comments changed, have the same fingerprint. A partnership
    object is fingerprinted once (they are frozen), however often it is assessed.
    """
    known = _FINGERPRINTS.get(partnership)
    if known is not None:
        return known
    text = json.dumps(to_document(partnership), sort_keys=True, ensure_ascii=False, default=_plain,
                      separators=(",", ":"))
    fingerprint = "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    _FINGERPRINTS.put(partnership, fingerprint)
    return fingerprint


_FINGERPRINTS: IdentityCache[str] = IdentityCache()


def portfolio_fingerprint(fingerprints: Iterable[str]) -> str | None:
    """One fingerprint of a portfolio: of its documents' fingerprints, in any order."""
    ordered = sorted(fingerprints)
    if not ordered:
        return None
    return "sha256:" + hashlib.sha256("\n".join(ordered).encode("ascii")).hexdigest()


@attrs.frozen
class Provenance:
    """What a report was made from.

    Attributes:
        kipolicy_version: The version of kipolicy that made it.
        engine: The rule engine that concluded the findings.
        rules_fingerprint: The rule book's fingerprint (its rule files' names and bytes).
        rules_source: Where the rule book was loaded from: ``bundled`` (kipolicy's own rules)
            or the directory given to :func:`~kipolicy.load_rules`.
        policy_fingerprint: The policy text's fingerprint.
        as_of: The date assessed as of.
        interpretations: Every interpretation with its value.
        document_fingerprint: The assessed document's fingerprint.
        portfolio_fingerprint: The portfolio's fingerprint, if it was compared with one.
        vocabularies: The versions of the packages vocabularies come from (``pycountry``:
            country names change between its releases).
    """

    kipolicy_version: str
    engine: str
    rules_fingerprint: str
    rules_source: str
    policy_fingerprint: str
    as_of: dt.date
    interpretations: Mapping[str, Any] = attrs.field(hash=False)
    document_fingerprint: str
    portfolio_fingerprint: str | None = None
    vocabularies: Mapping[str, str] = attrs.field(factory=dict, hash=False)

    #: What ``verify`` compares, with the words it uses for each.
    FINGERPRINTS: ClassVar[dict[str, str]] = {
        "document_fingerprint": "the document",
        "rules_fingerprint": "the rule book",
        "policy_fingerprint": "the policy text",
        "kipolicy_version": "the kipolicy version",
        "portfolio_fingerprint": "the portfolio",
        "engine": "the engine",
        "vocabularies": "the vocabularies' packages",
    }

    def to_dict(self) -> dict[str, Any]:
        return {
            "kipolicy_version": self.kipolicy_version,
            "engine": self.engine,
            "rules_fingerprint": self.rules_fingerprint,
            "rules_source": self.rules_source,
            "policy_fingerprint": self.policy_fingerprint,
            "as_of": self.as_of.isoformat(),
            "interpretations": dict(self.interpretations),
            "document_fingerprint": self.document_fingerprint,
            "portfolio_fingerprint": self.portfolio_fingerprint,
            "vocabularies": dict(self.vocabularies),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        """The provenance as :meth:`to_dict` wrote it (raises KeyError/ValueError otherwise)."""
        return cls(
            kipolicy_version=str(data["kipolicy_version"]),
            engine=str(data.get("engine", "")),
            rules_fingerprint=str(data["rules_fingerprint"]),
            rules_source=str(data.get("rules_source", "")),
            policy_fingerprint=str(data["policy_fingerprint"]),
            as_of=dt.date.fromisoformat(str(data["as_of"])),
            interpretations=dict(data["interpretations"]),
            document_fingerprint=str(data["document_fingerprint"]),
            portfolio_fingerprint=data.get("portfolio_fingerprint"),
            vocabularies=dict(data.get("vocabularies", {})),
        )

    def changed(self, other: Provenance) -> list[str]:
        """What differs between two provenances, in words ("the rule book", ...)."""
        return [words for name, words in self.FINGERPRINTS.items() if getattr(self, name) != getattr(other, name)]
