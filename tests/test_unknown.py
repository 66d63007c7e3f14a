"""Unknown is not absent (rules-catalogue rev. 2, principle 1).

A fact the document does not give is unknown: a rule that needs it neither fires nor counts as
met, and the report gets an ``incomplete`` finding instead, standing in for the rules that need
the fact (``needed_by``) with the kind they would give (``would_be``).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kipolicy

from .generate import realistic_documents

AS_OF = dt.date(2025, 1, 1)


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": "x", "name": "X", "level": "ki-wide", "stage": "proposal",
        "parties": [
            {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "management_engagement": "in-place", "benefit": "b"},
            {"id": "p", "name": "Partner", "kind": "university", "management_engagement": "in-place", "benefit": "b"},
        ],
        "ethics": {"academic_freedom": "fine", "democratic_values": "fine", "critical_reflection": "fine", "high_quality": "fine"},
        "resourcing": {"ki_funding": True},
        "traits": {
            "formalised": "in-place", "long_term": "in-place", "commitment_years": 5, "common_goals": ["g"],
            "mutual_benefit": "in-place", "joint_value": "v", "areas": {"research": "in-place", "education": "in-place"},
        },
    }
    document.update(changes)
    return document


def _unknown_engagement() -> dict[str, Any]:
    document = _document()
    del document["parties"][1]["management_engagement"]
    return document


def test_the_model_does_not_default_the_facts_rev_2_names() -> None:
    # The defaults that used to decide findings (rules-catalogue rev. 2, principle 1).
    assert kipolicy.Party(id="p", name="P").management_engagement is None
    assert kipolicy.FollowUp(date=AS_OF).outcome is None
    assert kipolicy.Evaluation(id="e", date=AS_OF).outcome is None
    assert kipolicy.Evaluation(id="e", date=AS_OF).purpose is None
    assessment = kipolicy.RiskAssessment(date=AS_OF)
    assert assessment.purpose is None and assessment.weighed_against_benefit is None
    assert kipolicy.Traits().commitment_years is None


def test_an_unknown_trait_leaves_the_definition_pending() -> None:
    report = kipolicy.assess(kipolicy.load_partnership(_unknown_engagement()), as_of=AS_OF)
    (finding,) = report.by_kind("incomplete")
    assert finding.rule_id == "definition.management-unknown"
    assert finding.would_be == "violation"
    assert finding.needed_by == ("definition.management-not-engaged",)
    assert finding.subject.path == "parties[1]"
    assert "parties[1].management_engagement" in finding.message("en")
    assert report.is_strategic is None and report.in_scope and report.definition_pending
    text = report.to_text("sv")
    assert "definition: avvaktar uppgifter som saknas" in text
    assert "ofullständigt underlag: 1 uppgift" in text
    assert "incomplete: 1 fact" in report.to_text("en")
    assert "avvaktar uppgifter som saknas" in report.to_markdown("sv")
    data = report.to_dict()
    (entry,) = [f for f in data["findings"] if f["kind"] == "incomplete"]
    assert entry["would_be"] == "violation" and entry["needed_by"] == ["definition.management-not-engaged"]
    assert data["counts"]["incomplete"] == 1


def test_stated_facts_decide_as_before() -> None:
    strategic = kipolicy.assess(kipolicy.load_partnership(_document()), as_of=AS_OF)
    assert strategic.is_strategic is True and not strategic.by_kind("incomplete")
    absent = _document()
    absent["parties"][1]["management_engagement"] = "absent"
    report = kipolicy.assess(kipolicy.load_partnership(absent), as_of=AS_OF)
    assert report.is_strategic is False and not report.by_kind("incomplete")


def test_an_unknown_trait_does_not_trip_the_strict_scope() -> None:
    report = kipolicy.assess(
        kipolicy.load_partnership(_unknown_engagement()), as_of=AS_OF,
        interpretations={"scope-on-definition": "strict"},
    )
    assert report.in_scope and report.halted_by is None


def test_fail_on_ranks_incomplete_between_warning_and_obligation(tmp_path) -> None:
    document = tmp_path / "p.json"
    document.write_text(json.dumps(_unknown_engagement()), encoding="utf-8")

    def exit_code(kind: str) -> int:
        return subprocess.run(
            [sys.executable, "-m", "kipolicy._tools.cli", "assess", str(document), "--as-of", "2025-01-01", "--fail-on", kind],
            capture_output=True, text=True, check=False,
        ).returncode

    assert kipolicy.KINDS.index("warning") < kipolicy.KINDS.index("incomplete") < kipolicy.KINDS.index("obligation")
    assert exit_code("incomplete") == 1
    assert exit_code("obligation") == 1
    # This document's worst finding is the missing fact (and warnings about the rest are absent).
    report = kipolicy.assess(kipolicy.load_partnership(_unknown_engagement()), as_of=AS_OF)
    if not report.by_kind("violation") and not report.by_kind("warning"):
        assert exit_code("warning") == 0


# Decisive (criterion c): the value each missing fact is set to if it turns out unfavourable.
_UNFAVOURABLE = {
    "definition.management-unknown": ("{path}.management_engagement", "absent"),
    "definition.commitment-unknown": ("traits.commitment_years", 0),
    "risk.weighing-unknown": ("{path}.weighed_against_benefit", False),
    "uppfoljning.outcome-unknown": ("{path}.outcome", "below-expectations"),
}


def _forget(document: dict[str, Any], draw: st.DrawFn) -> dict[str, Any]:
    """The document with some of the facts rev. 2 lets a document leave unstated left out."""
    forgetful = st.booleans()
    for party in document.get("parties", []):
        if draw(forgetful):
            party.pop("management_engagement", None)
    if draw(forgetful):
        document.get("traits", {}).pop("commitment_years", None)
    for record, field in (("risk_assessments", "weighed_against_benefit"), ("risk_assessments", "purpose"),
                          ("follow_ups", "outcome"), ("evaluations", "outcome")):
        for item in document.get(record, []):
            if draw(forgetful):
                item.pop(field, None)
    return document


@st.composite
def _forgetful_documents(draw: st.DrawFn) -> dict[str, Any]:
    return _forget(draw(realistic_documents), draw)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=_forgetful_documents(), as_of=st.dates(dt.date(2023, 3, 1), dt.date(2030, 12, 31)))
def test_a_missing_fact_is_reported_only_where_it_decides(document, as_of) -> None:
    partnership = kipolicy.load_partnership(document)
    report = kipolicy.assess(partnership, as_of=as_of)
    for finding in report.by_kind("incomplete"):
        assert finding.would_be in ("violation", "warning") and finding.needed_by
        # The rules it stands for do not also fire about the same subject ...
        assert not any(
            f.rule_id in finding.needed_by and f.subject.path == finding.subject.path for f in report.findings
        )
        if finding.rule_id not in _UNFAVOURABLE:
            continue
        # ... and if the fact turns out unfavourable, one of them fires, with the kind it said.
        path, value = _UNFAVOURABLE[finding.rule_id]
        if finding.rule_id == "uppfoljning.outcome-unknown" and finding.would_be == "warning":
            value = "partly-meets"   # after a "partly": another one is the warning
        worse = kipolicy.variant(partnership, {path.format(path=finding.subject.path): value})
        after = kipolicy.assess(worse, as_of=as_of)
        unfavourable = {"violation", finding.would_be}   # a departure is worse than a warning
        assert any(f.rule_id in finding.needed_by and f.kind in unfavourable for f in after.findings), finding

