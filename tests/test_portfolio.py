"""The portfolio: comparing a partnership with the others, and assessing all of them at once."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest

import kipolicy
from kipolicy._facts.facts import make_facts
from kipolicy._policy.interpretations import Interpretations
from kipolicy._facts.peers import PortfolioIndex

from .conftest import EXAMPLES

PORTFOLIO = sorted((EXAMPLES / "portfolio").glob("*.toml"))
AS_OF = "2026-12-01"


def _load() -> list[kipolicy.Partnership]:
    return [kipolicy.load_partnership(p) for p in PORTFOLIO]


def test_the_worked_example_portfolio() -> None:
    result = kipolicy.assess_portfolio(PORTFOLIO, as_of=AS_OF, interpretations={"capacity": 2})
    assert [r.partnership_id for r in result.reports] == ["ki-aurora", "ki-borealis", "ki-cascade", "ki-delta"]
    cascade = result.report("ki-cascade")
    (overlap,) = cascade.by_rule("urval.overlaps-established")
    assert overlap.subject.label == "KI – Aurora University Alliance"
    assert "Digitalisation" in overlap.message("en") and "DE" in overlap.message("en")
    (shared,) = cascade.by_rule("urval.partner-already-strategic")
    assert shared.subject.path == "parties[2]" and "KI – Borealis Health Sciences" in shared.message("en")
    assert cascade.by_rule("urval.capacity-reached")
    aurora = result.report("ki-aurora")
    assert {"risk.joint-overdue", "uppfoljning.annual-overdue", "uppfoljning.evaluation-before-renewal"} <= set(aurora.rule_ids)
    # Selection compares proposals only.
    assert not aurora.by_rule("urval.overlaps-established")
    # One calendar for all, by due date; the text shows overdue obligations first.
    dues = [o.due for o in result.calendar]
    assert dues == sorted(dues)
    assert {o.partnership_id for o in result.calendar} == {"ki-aurora", "ki-borealis"}
    assert len(result.calendar) == sum(len(r.obligations) for r in result.reports)
    text = result.to_text()
    calendar = text.split("== Calendar ==")[1].strip().splitlines()
    assert calendar[0].split()[1] == "overdue" and "open" in calendar[-1]
    assert result.findings == ()
    assert json.loads(json.dumps(result.to_dict()))["reports"][0]["partnership"]["id"] == "ki-aurora"
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'ki-aurora'"):
        result.report("ki-aurorra")


def test_portfolio_wide_findings() -> None:
    over = kipolicy.assess_portfolio(PORTFOLIO, as_of=AS_OF, interpretations={"capacity": 1})
    (finding,) = over.findings
    assert finding.rule_id == "urval.portfolio-over-capacity" and finding.subject.fact_type == "portfolio"
    assert "2 active strategic partnerships" in finding.message("en")
    at = kipolicy.assess_portfolio(PORTFOLIO, as_of=AS_OF, interpretations={"capacity": 2})
    assert at.findings == ()


def test_assess_with_a_portfolio_gives_the_report_assess_portfolio_gives() -> None:
    partnerships = _load()
    whole = kipolicy.assess_portfolio(partnerships, as_of=AS_OF)
    for partnership in partnerships:
        alone = kipolicy.assess(partnership, as_of=AS_OF, portfolio=partnerships)
        assert alone == whole.report(partnership.id)


def test_a_partnership_is_not_compared_with_itself() -> None:
    (cascade,) = [p for p in _load() if p.id == "ki-cascade"]
    active = attrs.evolve(cascade, stage=kipolicy.Stage.ACTIVE)
    report = kipolicy.assess(cascade, as_of=AS_OF, portfolio=[active], interpretations={"capacity": 1})
    assert not report.by_rule("urval.overlaps-established")
    assert not report.by_rule("urval.capacity-reached")


def test_only_partnerships_with_the_same_profile_or_partner_become_facts() -> None:
    partnerships = _load()
    unrelated = [
        attrs.evolve(
            partnerships[3], id=f"x{i}", name=f"X{i}",
            strategy=kipolicy.Strategy(focus_areas=("Oncology",)),
            parties=(partnerships[3].parties[0], attrs.evolve(partnerships[3].parties[1], name=f"Org {i}", country="JP")),
        )
        for i in range(50)
    ]
    index = PortfolioIndex([*partnerships, *unrelated], dt.date(2026, 12, 1))
    made = make_facts(partnerships[2], dt.date(2026, 12, 1), Interpretations(), dt.date(2023, 2, 21), index)
    (overlap,) = [f for f in made.facts if f["type"] == "overlap"]
    assert overlap["ids"] == "ki-aurora" and overlap["established"] == 1  # same focus area and partner country
    shared = [f["peer_id"] for f in made.facts if f["type"] == "shared_partner"]
    assert shared == ["ki-borealis"]  # same partner organisation
    partnership = next(f for f in made.facts if f["type"] == "partnership")
    assert partnership["active_in_portfolio"] == 2


def test_portfolio_input_errors() -> None:
    partnerships = _load()
    with pytest.raises(kipolicy.InputError, match="'ki-aurora' is also the id of partnership"):
        kipolicy.assess_portfolio([*partnerships, partnerships[0]], as_of=AS_OF)
    with pytest.raises(kipolicy.InputError, match="two partnerships have the id"):
        kipolicy.assess(partnerships[0], as_of=AS_OF, portfolio=[partnerships[1], partnerships[1]])
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.assess_portfolio([{"id": "a", "name": "A", "level": "ki-wide", "stage": "proposal"}, {"id": "b", "name": "B", "level": "ki-wide", "stage": "activ"}], as_of=AS_OF)
    messages = [str(p) for p in info.value.problems]
    assert any("stage" in m and "did you mean 'active'" in m for m in messages)
    assert any("exactly one party with role 'ki'" in m for m in messages)
    with pytest.raises(TypeError, match="Partnership objects"):
        kipolicy.assess(partnerships[0], as_of=AS_OF, portfolio=["examples/portfolio/ki-delta.toml"])
    with pytest.raises(ValueError, match="indexed as of"):
        kipolicy.assess(partnerships[0], as_of="2026-01-01", portfolio=PortfolioIndex(partnerships, dt.date(2026, 12, 1)))


def test_one_overlap_finding_lists_every_overlapping_partnership() -> None:
    # urval.5 (rules-catalogue rev. 2): one finding per proposal, however many partnerships
    # overlap, so that a large portfolio does not flood the report.
    partnerships = _load()
    aurora = partnerships[0]
    copies = [attrs.evolve(aurora, id=f"aurora-{i}", name=f"Aurora {i}") for i in range(30)]
    report = kipolicy.assess(partnerships[2], as_of=AS_OF, portfolio=[*partnerships, *copies])
    (finding,) = report.by_rule("urval.overlaps-established")
    assert finding.message("en").startswith("31 established strategic partnership(s)")
    assert "Aurora 29" in finding.message("en") and "KI – Aurora University Alliance" in finding.message("en")
    assert finding.subject.path == "portfolio"


@pytest.mark.parametrize("size, seed", [(300, 1), (1500, 2)])
def test_established_overlaps_are_the_active_ones_sharing_an_area_and_a_country(size: int, seed: int) -> None:
    # The index's fast answer equals the definition: every other partnership sharing a focus
    # area and a partner country, kept if active strategic; areas and countries in common,
    # first met in id order.

    from .generate import portfolio as generated

    partnerships = [kipolicy.load_partnership(d) for d in generated(size, seed=seed)]
    index = PortfolioIndex(partnerships, dt.date(2026, 12, 1))
    checked = 0
    for p in partnerships:
        wanted = [o for o in index.overlaps(p) if o.focus_areas and o.countries and o.peer.active_strategic]
        got = index.established(p)
        assert got.peers == tuple(o.peer for o in wanted)
        assert got.focus_areas == tuple(dict.fromkeys(a for o in wanted for a in o.focus_areas))
        assert got.countries == tuple(dict.fromkeys(c for o in wanted for c in o.countries))
        sharing = [(o.peer.id, o.partners) for o in index.overlaps(p) if o.partners]
        assert [(o.peer.id, o.partners) for o in index.sharing_partners(p)] == sharing
        checked += bool(wanted)
    assert checked > size // 10
