"""The rule catalogue is complete, and every rule is exercised by a case that makes it fire and
one that keeps it quiet."""

from __future__ import annotations

import kipolicy

from .conftest import CASES

#: The rule ids of the rule catalogue: a contract with legal staff and embedding programs.
CATALOGUE = ["dokument.not-in-force", "dokument.entered-before-policy", "omfattning.out-of-scope-level", "definition.geography-outside-reading", "definition.no-partner", "definition.not-formalised", "definition.management-not-engaged", "definition.not-long-term", "definition.no-mutual-value", "definition.narrow", "definition.intentions-not-joint", "definition.intentions-after-startup", "definition.strategic", "definition.not-strategic", "urval.strategy-link-missing", "urval.complementary", "urval.not-complementary", "urval.overlaps-established", "urval.partner-already-strategic", "urval.ethics-not-assessed", "urval.ethics-concern", "urval.capacity-reached", "mervarde.no-value-stated", "mervarde.value-stated", "risk.preparation-missing", "risk.joint-overdue", "risk.ki-overdue", "risk.reassessment-due", "risk.not-weighed", "risk.external-support", "resurssattning.no-ki-funding", "resurssattning.not-reciprocal", "resurssattning.multi-year", "resurssattning.level-not-agreed", "resurssattning.external-funds", "etablering.initiative-unknown", "etablering.decision-missing", "etablering.decision-not-delegated", "etablering.decided-before-risk", "organisation.no-steering-group", "organisation.party-not-represented", "organisation.single-level-fora", "organisation.key-person-dependency", "organisation.admin-support-missing", "uppfoljning.annual-overdue", "uppfoljning.annual-due", "uppfoljning.evaluation-before-renewal", "uppfoljning.renewed-without-evaluation", "uppfoljning.agreement-expired", "uppfoljning.underperforming-continues"]


def test_every_catalogue_rule_is_loaded() -> None:
    missing = set(CATALOGUE) - set(kipolicy.rules().ids())
    assert not missing


def test_the_suite_covers_every_rule_and_every_normative_unit() -> None:
    # Every rule has a case that makes it fire and one that keeps it quiet, and every normative
    # unit is cited by a rule. The cases themselves run through the case plugin: an expectation
    # counted here is one that is tested.
    report = kipolicy.coverage([CASES])
    assert report.complete, report.to_text()
    trace = kipolicy.traceability([CASES])
    assert trace.gaps() == ()
    risk2 = trace.unit("risk.2")
    assert "risk.joint-overdue" in risk2.rules and risk2.firing and risk2.quiet


def test_coverage_finds_gaps(tmp_path) -> None:
    case = tmp_path / "one.case.toml"
    case.write_text(
        '''
[[case]]
name = "only one rule"
as_of = 2025-01-01
partnership = { id = "p", name = "P", stage = "proposal", level = "ki-wide", parties = [{ id = "ki", name = "KI", role = "ki" }] }
[case.expect]
fires = ["definition.no-partner"]
''',
        encoding="utf-8",
    )
    report = kipolicy.coverage([case])
    assert not report.complete and report.cases == 1
    assert "definition.no-partner" not in report.rules_never_firing
    assert "definition.no-partner" in report.rules_never_quiet
    assert "risk.not-weighed" in report.rules_never_firing
    assert report.units_uncited == ()
    trace = kipolicy.traceability([case])
    assert trace.unit("definition.4").firing and not trace.unit("risk.3").firing
    assert not trace.unit("inledning.1").unit.normative and trace.unit("inledning.1").covered
    assert "rules no case keeps quiet" in report.to_text()


def test_the_pytest_option_prints_coverage(pytester) -> None:
    pytester.makefile(
        ".case.toml",
        one='''
[[case]]
name = "no partner"
as_of = 2025-01-01
partnership = { id = "p", name = "P", stage = "proposal", level = "ki-wide", parties = [{ id = "ki", name = "KI", role = "ki" }] }
[case.expect]
fires = ["definition.no-partner"]
''',
    )
    result = pytester.runpytest("--kipolicy-coverage", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([
        "*kipolicy coverage over 1 passing case:*", "*rules a case makes fire: 1 of 65*",
        "*rules no case keeps quiet: *definition.no-partner*", "*coverage: 0.8% of the 130 expectations*",
    ])


def test_coverage_counts_cases_run_in_parallel_workers(pytester) -> None:
    # With pytest-xdist the cases run in worker processes; their passes reach the coverage.
    for name, rule in (("one", "definition.no-partner"), ("two", "omfattning.out-of-scope-level")):
        level = "department" if name == "two" else "ki-wide"
        pytester.makefile(".case.toml", **{name: f'''
[[case]]
name = "{name}"
as_of = 2025-01-01
partnership = {{ id = "p", name = "P", stage = "proposal", level = "{level}", parties = [{{ id = "ki", name = "KI", role = "ki" }}] }}
[case.expect]
fires = ["{rule}"]
'''})
    result = pytester.runpytest_subprocess("-n", "2", "--kipolicy-coverage", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*kipolicy coverage over 2 passing cases:*", "*rules a case makes fire: 2 of 65*"])
