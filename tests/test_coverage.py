"""The rule catalogue is complete, and every rule is exercised by a case that makes it fire and
one that keeps it quiet."""

from __future__ import annotations

import kipolicy
from kipolicy._cases import load_cases

from .conftest import CASES

#: The rule ids of the rule catalogue: a contract with legal staff and embedding programs.
CATALOGUE = """
dokument.not-in-force dokument.entered-before-policy omfattning.out-of-scope-level
definition.geography-outside-reading definition.no-partner definition.not-formalised
definition.management-not-engaged definition.not-long-term definition.no-mutual-value
definition.narrow definition.intentions-not-joint definition.intentions-after-startup
definition.strategic definition.not-strategic
urval.strategy-link-missing urval.complementary urval.not-complementary urval.overlaps-established
urval.partner-already-strategic urval.ethics-not-assessed urval.ethics-concern urval.capacity-reached
mervarde.no-value-stated mervarde.value-stated
risk.preparation-missing risk.joint-overdue risk.ki-overdue risk.reassessment-due risk.not-weighed
risk.external-support
resurssattning.no-ki-funding resurssattning.not-reciprocal resurssattning.multi-year
resurssattning.level-not-agreed resurssattning.external-funds
etablering.initiative-unknown etablering.decision-missing etablering.decision-not-delegated
etablering.decided-before-risk
organisation.no-steering-group organisation.party-not-represented organisation.single-level-fora
organisation.key-person-dependency organisation.admin-support-missing
uppfoljning.annual-overdue uppfoljning.annual-due uppfoljning.evaluation-before-renewal
uppfoljning.renewed-without-evaluation uppfoljning.agreement-expired
uppfoljning.underperforming-continues
""".split()


def test_every_catalogue_rule_is_loaded() -> None:
    missing = set(CATALOGUE) - set(kipolicy.rules().ids())
    assert not missing


def _expectations() -> tuple[set[str], set[str]]:
    fires: set[str] = set()
    quiet: set[str] = set()
    for file in sorted(CASES.glob("*.case.toml")):
        for case in load_cases(file):
            fires |= {e.rule for e in case.fires} | set(case.portfolio_fires)
            quiet |= set(case.quiet) | set(case.portfolio_quiet)
    return fires, quiet


def test_every_rule_has_a_case_that_makes_it_fire_and_one_that_keeps_it_quiet() -> None:
    # The cases themselves are run by the case plugin: a case that expects a rule to fire fails
    # when it does not, so an expectation here is a tested one.
    fires, quiet = _expectations()
    ids = set(kipolicy.rules().ids())
    assert sorted(ids - fires) == []
    assert sorted(ids - quiet) == []
