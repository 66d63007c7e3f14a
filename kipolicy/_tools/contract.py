"""The JSON contract: what ``kipolicy ... --format json`` prints and ``kipolicy serve`` answers.

One home for the envelope every JSON answer shares (``schema_version``, ``kind``, the kipolicy
version, the policy, ``as_of``, the interpretations) and for each kind of answer, so that the
command line and the service give the same bytes for the same question.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from .._policy.interpretations import Interpretations
from .._policy.text import policy
from .._base.version import version

__all__ = [
    "JSON_SCHEMA_VERSION", "assessment", "dump", "dump_compact", "envelope", "explanation", "portfolio", "what_if", "why_not_answer",
]

#: The version of the JSON answers (docs/cli.md). It changes when a field is removed or changes
#: meaning; new fields may be added within a version.
JSON_SCHEMA_VERSION = "1.0"


def envelope(kind: str, as_of: dt.date, interpretations: Interpretations) -> dict[str, Any]:
    """What every JSON answer starts with."""
    doc = policy().document
    return {
        "schema_version": JSON_SCHEMA_VERSION,
        "kind": kind,
        "kipolicy_version": version(),
        "policy": {"dnr": doc.dnr, "in_force_from": doc.in_force_from.isoformat(),
                   "title": {"sv": doc.title_sv, "en": doc.title_en}},
        "as_of": as_of.isoformat(),
        "interpretations": interpretations.to_dict(),
    }


def assessment(reports: Sequence[Any], as_of: dt.date, interpretations: Interpretations) -> dict[str, Any]:
    """``kipolicy assess --format json``."""
    return {**envelope("assessment", as_of, interpretations), "reports": [r.to_dict() for r in reports]}


def portfolio(result: Any, as_of: dt.date, interpretations: Interpretations) -> dict[str, Any]:
    """``kipolicy portfolio --format json``."""
    data = result.to_dict()
    data.pop("as_of")
    data.pop("interpretations")
    return {**envelope("portfolio", as_of, interpretations), **data}


def what_if(diffs: Sequence[Any], changes: dict[str, Any], as_of: dt.date, interpretations: Interpretations) -> dict[str, Any]:
    """``kipolicy assess --change ... --diff --format json``."""
    return {**envelope("what-if", as_of, interpretations), "changes": changes, "diffs": [d.to_dict() for d in diffs]}


def explanation(report: Any, findings: Sequence[Any], text: str, interpretations: Interpretations) -> dict[str, Any]:
    """``kipolicy explain --format json``."""
    return {**envelope("explanation", report.as_of, interpretations),
            "partnership": {"id": report.partnership_id, "name": report.partnership_name},
            "findings": [f.to_dict() for f in findings], "text": text}


def why_not_answer(report: Any, answer: Any, interpretations: Interpretations) -> dict[str, Any]:
    """``kipolicy why-not --format json``."""
    return {**envelope("why-not", report.as_of, interpretations),
            "partnership": {"id": report.partnership_id, "name": report.partnership_name},
            "why_not": answer.to_dict()}


def dump(data: Any) -> str:
    """JSON as kipolicy prints it: UTF-8 text, indented, in a stable order."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, allow_nan=False) + "\n"


def dump_compact(data: Any) -> str:
    """The same JSON without indentation (the service's answers: the same data, fewer bytes)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False, allow_nan=False)
