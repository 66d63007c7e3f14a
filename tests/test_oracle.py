"""A differential oracle: kipolicy's findings for a subset of rules equal a plain-Python
reference implementation's, on generated partnerships and dates.

This is what catches the engine's silent failures: a negation evaluated too early, a firing
lost or duplicated, an ordering that changes an answer.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kipolicy

from . import strategies
from .generate import portfolio, realistic_documents
from .reference import SUBSET, reference


def _kipolicy(partnership: kipolicy.Partnership, as_of: dt.date) -> set[tuple]:
    report = kipolicy.assess(partnership, as_of=as_of)
    return {(f.rule_id, f.subject.path, f.kind, f.due) for f in report.findings if f.rule_id in SUBSET}


def _agree(document: dict, as_of: dt.date) -> None:
    try:
        partnership = kipolicy.load_partnership(document)
    except kipolicy.InputError:
        return
    assert _kipolicy(partnership, as_of) == reference(partnership, as_of)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=realistic_documents, as_of=st.dates(dt.date(2022, 6, 1), dt.date(2028, 12, 31)))
def test_kipolicy_equals_the_reference_on_realistic_partnerships(document, as_of) -> None:
    _agree(document, as_of)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=strategies.valid_document, as_of=st.dates(dt.date(2022, 6, 1), dt.date(2031, 12, 31)))
def test_kipolicy_equals_the_reference_on_arbitrary_partnerships(document, as_of) -> None:
    _agree(document, as_of)


def test_the_oracle_sees_every_rule_of_the_subset_fire() -> None:
    # The comparison means something only if the subset's rules do fire on this input.
    fired: set[str] = set()
    for document in portfolio(300, seed=7):
        partnership = kipolicy.load_partnership(document)
        found = reference(partnership, dt.date(2026, 12, 1))
        assert _kipolicy(partnership, dt.date(2026, 12, 1)) == found
        fired |= {f[0] for f in found}
    fired |= {f[0] for f in reference(kipolicy.load_partnership({"id": "x", "name": "X", "level": "ki-wide", "stage": "proposal", "parties": [{"id": "ki", "name": "KI", "role": "ki"}]}), dt.date(2025, 1, 1))}
    assert fired == set(SUBSET)


def _boundaries(partnership: kipolicy.Partnership) -> set[dt.date]:
    """Days around every date a due date can fall on: a year after each record and the start."""
    days = [partnership.started, partnership.agreement.signed, dt.date(2023, 2, 21)]
    days += [r.date for r in partnership.risk_assessments] + [f.date for f in partnership.follow_ups]
    days += [partnership.agreement.ends] + [r.until for r in partnership.agreement.renewals]
    out = set()
    for day in filter(None, days):
        for base in (day, kipolicy.add_months(day, 12)):
            out |= {base + dt.timedelta(days=d) for d in (-1, 0, 1)}
    return out


def test_kipolicy_equals_the_reference_on_every_date_boundary() -> None:
    # Random dates rarely land on a due date; these do: the day before, on and after each one.
    for document in portfolio(40, seed=11):
        partnership = kipolicy.load_partnership(document)
        for as_of in sorted(_boundaries(partnership)):
            assert _kipolicy(partnership, as_of) == reference(partnership, as_of), (document["id"], as_of)
