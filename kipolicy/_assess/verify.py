"""Verify a saved report: assess its document again and say whether the same findings result.

A report kept as JSON (``kipolicy assess --format json``) carries its provenance. ``verify``
assesses the document again as of the same date, under the same interpretations, and compares
findings and obligations; when they differ it says what differs and which fingerprint changed
(the document, the rule book, the policy text, the kipolicy version, the portfolio).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .assess import assess
from .._document.read import read_regular_file, load_partnership
from .._base.errors import InputError, Problem
from .._document.model import Partnership
from .._document.provenance import ENGINES, Provenance
from .._rules.book import RuleBook
from .._policy.words import phrases

__all__ = ["Verification", "verify"]


def _key(finding: Mapping[str, Any]) -> tuple[str, str, str]:
    subject = finding.get("subject") or {}
    return (str(finding.get("rule_id")), str(subject.get("path", "")), str(subject.get("label", "")))


def _obligation_key(obligation: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(obligation.get("duty")), str(obligation.get("path", "")), str(obligation.get("due")))


@attrs.frozen
class Verification:
    """The outcome of :func:`verify`.

    Attributes:
        partnership_id: The partnership the report is about.
        same: Whether the same findings and obligations result.
        added: Findings (rule id, subject path) the new assessment has and the saved one lacks.
        removed: Findings the saved report has and the new assessment lacks.
        changed: Findings in both whose content (kind, message, due date, ...) differs.
        obligations_changed: Whether the calendar differs.
        fingerprints_changed: What changed since the report was made, in words ("the rule
            book", ...); empty when everything it was made from is the same.
        saved: The saved report's provenance; ``now``: the new assessment's.
    """

    partnership_id: str
    same: bool
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    changed: tuple[tuple[str, str], ...]
    obligations_changed: bool
    fingerprints_changed: tuple[str, ...]
    saved: Provenance
    now: Provenance

    def to_dict(self) -> dict[str, Any]:
        return {
            "partnership_id": self.partnership_id,
            "same": self.same,
            "added": [{"rule_id": r, "subject": s} for r, s in self.added],
            "removed": [{"rule_id": r, "subject": s} for r, s in self.removed],
            "changed": [{"rule_id": r, "subject": s} for r, s in self.changed],
            "obligations_changed": self.obligations_changed,
            "fingerprints_changed": list(self.fingerprints_changed),
            "saved": self.saved.to_dict(),
            "now": self.now.to_dict(),
        }

    def to_text(self, lang: str = "en") -> str:
        w = phrases("verify", lang)
        lines = [w["same" if self.same else "differ"].format(id=self.partnership_id)]
        for sign, items, word in (("+", self.added, "new"), ("-", self.removed, "gone"), ("~", self.changed, "changed")):
            for rule_id, subject in items:
                lines.append(f"  {sign} {rule_id} ({subject or w['the_partnership']}): {w[word]}")
        if self.obligations_changed:
            lines.append(w["calendar"])
        if self.fingerprints_changed:
            lines.append(w["changed_since"] + ", ".join(w.get(f, f) for f in self.fingerprints_changed))
        else:
            lines.append(w["nothing_changed"])
        return "\n".join(lines) + "\n"




def _saved_reports(data: Any, file: str) -> list[Mapping[str, Any]]:
    if isinstance(data, Mapping) and isinstance(data.get("reports"), list):
        return [r for r in data["reports"] if isinstance(r, Mapping)]
    if isinstance(data, Mapping) and "findings" in data:
        return [data]
    raise InputError([Problem(file, "", "expected the JSON output of 'kipolicy assess --format json' or one report")])


def read_saved_report(path: str | os.PathLike[str]) -> list[Mapping[str, Any]]:
    """The reports of a saved JSON file (``kipolicy assess --format json``)."""
    file = os.fspath(path)
    raw = read_regular_file(file)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError([Problem(file, "", f"is not valid JSON: {exc}")]) from None
    return _saved_reports(data, file)


def verify(
    saved: Mapping[str, Any],
    document: Partnership | Mapping[str, Any] | str | os.PathLike[str],
    *,
    portfolio: Iterable[Partnership] = (),
    rules: RuleBook | None = None,
    file: str = "<report>",
) -> Verification:
    """Assess ``document`` again as ``saved`` (a report's JSON) was made, and compare.

    Args:
        saved: One report as :meth:`Report.to_dict` wrote it (with its ``provenance``).
        document: The partnership document, as :func:`~kipolicy.assess` takes it.
        portfolio: The portfolio it was compared with, if any.
        rules: The rule book to assess with; default: the bundled rules.
        file: The saved report's file name, for errors.

    Raises:
        InputError: The saved report has no readable provenance, or is about another
            partnership than the document.
    """
    try:
        before = Provenance.from_dict(saved["provenance"])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise InputError([Problem(file, "provenance", "expected a report with its provenance (made by kipolicy 0.2 or later)")]) from None
    partnership = load_partnership(document)
    saved_id = (saved.get("partnership") or {}).get("id")
    if saved_id != partnership.id:
        raise InputError([Problem(file, "partnership.id", f"the report is about {saved_id!r}, the document about {partnership.id!r}")])
    # The engine the report names, if this kipolicy has it; else the default (and the
    # difference is reported as "the engine").
    engine = next((key for key, name in ENGINES.items() if name == before.engine), "durable")
    report = assess(partnership, as_of=before.as_of, interpretations=dict(before.interpretations),
                    portfolio=list(portfolio), rules=rules, engine=engine)
    now = report.to_dict()
    old_findings = {_key(f): f for f in saved.get("findings", [])}
    new_findings = {_key(f): f for f in now["findings"]}
    added = tuple((k[0], k[1]) for k in new_findings if k not in old_findings)
    removed = tuple((k[0], k[1]) for k in old_findings if k not in new_findings)
    changed = tuple((k[0], k[1]) for k in new_findings if k in old_findings and new_findings[k] != old_findings[k])
    obligations_changed = sorted(map(_obligation_key, saved.get("obligations", []))) != sorted(
        map(_obligation_key, now["obligations"])
    ) or saved.get("obligations", []) != now["obligations"]
    same = not (added or removed or changed or obligations_changed)
    return Verification(
        partnership_id=partnership.id, same=same, added=added, removed=removed, changed=changed,
        obligations_changed=obligations_changed,
        fingerprints_changed=tuple(before.changed(report.provenance)),
        saved=before, now=report.provenance,
    )


def verify_file(
    report_file: str | os.PathLike[str], document: str | os.PathLike[str], *,
    portfolio: Iterable[Partnership] = (), rules: RuleBook | None = None,
) -> Verification:
    """:func:`verify` for a saved JSON file and a document file."""
    file = os.fspath(report_file)
    partnership = load_partnership(Path(document))
    for saved in read_saved_report(file):
        if (saved.get("partnership") or {}).get("id") == partnership.id:
            return verify(saved, partnership, portfolio=portfolio, rules=rules, file=file)
    raise InputError([Problem(file, "reports", f"no report about {partnership.id!r} in it")])
