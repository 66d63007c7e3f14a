"""Explanations: the because tree, explain(), why_not(), and the evaluator that answers it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kipolicy
from kipolicy._views.explain import why_not

from . import strategies
from .conftest import CASES, EXAMPLES

ACTIVE = CASES / "documents" / "compliant-active.toml"


def test_because_is_a_tree_down_to_document_fields() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    (finding,) = [f for f in report.by_rule("definition.not-strategic") if f.subject.path == "parties[1]"]
    (derived,) = [e for e in finding.because if e.fact_type == "trait_failed"]
    assert derived.derived_by == "definition.management-not-engaged"
    assert derived.derived_cites == ("definition.5",)
    (party,) = [e for e in derived.sources if e.fact_type == "party"]
    assert party.derived_by is None and party.sources == ()
    assert party.values["management_engagement"] == "absent"
    assert party.field_paths["management_engagement"] == "parties[1].management_engagement"
    data = json.loads(json.dumps(finding.to_dict()))
    (tree,) = [e for e in data["because"] if e["fact_type"] == "trait_failed"]
    (source,) = [e for e in tree["sources"] if e["fact_type"] == "party"]
    assert source["field_paths"]["management_engagement"] == "parties[1].management_engagement"


def test_field_paths_name_the_document_and_the_arguments() -> None:
    partnership = kipolicy.load_partnership(ACTIVE)
    report = kipolicy.assess(partnership, as_of="2025-09-01", interpretations={"risk-interval-months": 3})
    (finding,) = report.by_rule("risk.joint-overdue")
    paths = {e.alias: dict(e.field_paths) for e in finding.because}
    assert paths["assessment"] == {"risk_interval_months": "interpretations.risk-interval-months"}
    # Overdue is the duty's status on `as_of`, the same word the report's obligations use.
    duty = next(e for e in finding.because if e.alias == "duty")
    assert duty.values["status"] == "overdue"
    (obligation,) = [o for o in report.obligations if o.duty == "risk-joint" and o.due == finding.due]
    assert obligation.status == "overdue"
    weighed = kipolicy.assess(
        kipolicy.load_partnership({**_doc(), "risk_assessments": [{"date": dt.date(2025, 1, 1), "risks": [{"description": "r"}], "weighed_against_benefit": False}]}),
        as_of="2025-09-01",
    ).by_rule("risk.not-weighed")[0]
    (evidence,) = weighed.because
    assert evidence.field_paths["weighed"] == "risk_assessments[0].weighed_against_benefit"


def _doc() -> dict:
    import tomllib

    return tomllib.loads(ACTIVE.read_text(encoding="utf-8"))


def test_explain_cites_units_at_each_step_in_both_languages() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    text = report.explain("definition.not-strategic")
    assert "derived by definition.management-not-engaged, which cites definition.5" in text
    assert 'definition.5: "Engagement and participation' in text
    assert "[from parties[1].management_engagement]" in text
    swedish = report.explain(report.by_rule("definition.not-strategic")[0], lang="sv")
    assert "Eftersom:" in swedish and "härlett av" in swedish
    # A rule that did not fire is answered by why_not.
    assert "did not fire" in report.explain("definition.strategic")
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'definition.strategic'"):
        report.explain("definition.strategc")
    with pytest.raises(ValueError, match="unknown language"):
        report.explain("definition.not-strategic", lang="de")


def test_why_not_names_the_failing_condition_and_values() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    answer = why_not(report, "urval.complementary")
    assert not answer.fired and answer.gate is None
    # Complementary in any of three ways: three alternatives, each failing on the stage.
    assert len(answer.alternatives) == 3
    for alternative in answer.alternatives:
        assert alternative.text == "a partnership where under_policy == true and stage == 'proposal'"
        assert alternative.facts[0]["fails"][0]["value"] == "active"
        assert alternative.facts[0]["fails"][0]["field_path"] == "stage"
    assert "stage == 'proposal' fails (stage = active)" in report.why_not("urval.complementary")


def test_why_not_names_the_blocking_fact() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    answer = why_not(report, "definition.strategic")
    (alternative,) = answer.alternatives
    assert alternative.negated
    assert {f["path"] for f in alternative.facts} == {"parties[1]", "traits.long_term", "traits.mutual_benefit"}
    assert "blocked by parties[1]" in answer.text("en")


def test_why_not_names_gates_and_interpretations() -> None:
    department = kipolicy.assess(EXAMPLES / "department-agreement.toml", as_of="2026-01-01")
    answer = why_not(department, "risk.not-weighed")
    assert answer.gate == "halted" and answer.halted_by == "omfattning.out-of-scope-level"
    early = kipolicy.load_partnership(
        {**_doc(), "started": dt.date(2022, 9, 1), "establishment": {"decision": {"date": dt.date(2022, 6, 1), "by": "dean"}},
         "agreement": {"signed": dt.date(2022, 9, 1), "ends": dt.date(2028, 5, 31)}}
    )
    report = kipolicy.assess(early, as_of="2025-09-01")
    assert why_not(report, "risk.preparation-missing").gate == "retroactivity"
    assert "retroactivity = ongoing-only" in report.why_not("risk.preparation-missing")
    geography = why_not(report, "definition.geography-outside-reading")
    assert geography.alternatives[0].interpretation == "geography = all"
    assert "avstängd av tolkningen geography = all" in geography.text("sv")
    fired = why_not(report, "dokument.entered-before-policy")
    assert fired.fired and "fired: 1 finding" in fired.text("en")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=strategies.valid_document, as_of=st.dates(dt.date(2022, 1, 1), dt.date(2030, 1, 1)), readings=strategies.readings)
def test_the_evaluator_agrees_with_the_engine_on_every_rule(document, as_of, readings) -> None:
    # why_not's evaluator reads the rules' conditions in plain Python over the same facts: it
    # must agree with the engine on whether every rule fires. A disagreement is a bug in one of
    # the two (the engine's negation and ordering pitfalls would show here).
    try:
        partnership = kipolicy.load_partnership(document)
    except kipolicy.InputError:
        return
    report = kipolicy.assess(partnership, as_of=as_of, interpretations=readings)
    for rule in kipolicy.rules():
        answer = why_not(report, rule.id)
        expected = answer.conditions_hold and answer.gate is None
        assert answer.fired == expected, (rule.id, answer.text("en"))
