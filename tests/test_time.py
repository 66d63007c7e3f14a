"""Dates: month arithmetic, the schedule of dated duties, and the view as of a date."""

from __future__ import annotations

import calendar
import datetime as dt

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import kipolicy
from kipolicy._facts.duties import counting_from, schedule
from kipolicy._facts.facts import as_known_on

from .conftest import CASES

IN_FORCE = dt.date(2023, 2, 21)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2024, 2, 29), 12, dt.date(2025, 2, 28)),
        (dt.date(2024, 2, 29), 48, dt.date(2028, 2, 29)),
        (dt.date(2023, 3, 31), 12, dt.date(2024, 3, 31)),
        (dt.date(2023, 1, 31), 1, dt.date(2023, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2023, 8, 31), 6, dt.date(2024, 2, 29)),
        (dt.date(2023, 12, 15), 1, dt.date(2024, 1, 15)),
        (dt.date(2024, 3, 31), -1, dt.date(2024, 2, 29)),
        (dt.date(2024, 5, 20), 0, dt.date(2024, 5, 20)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_the_month(start, months, expected) -> None:
    assert kipolicy.add_months(start, months) == expected


def test_add_months_out_of_range() -> None:
    with pytest.raises(OverflowError, match="out of the calendar's range"):
        kipolicy.add_months(dt.date(9999, 12, 1), 1)


@given(st.dates(dt.date(1900, 1, 1), dt.date(2500, 12, 31)), st.integers(-1200, 1200))
def test_add_months_lands_in_the_right_month_on_the_nearest_day(date: dt.date, months: int) -> None:
    result = kipolicy.add_months(date, months)
    assert (result.year * 12 + result.month) - (date.year * 12 + date.month) == months
    last = calendar.monthrange(result.year, result.month)[1]
    assert result.day == min(date.day, last)


def _active(**changes) -> kipolicy.Partnership:
    base = kipolicy.load_partnership(CASES / "documents" / "compliant-active.toml")
    return attrs.evolve(base, **changes)


def _duties(partnership, as_of, **readings):
    options = {"retroactivity": "ongoing-only", "follow_up_cadence": "rolling", "risk_interval_months": 12,
               "evaluation_window": "since-last-renewal"}
    options.update(readings)
    return schedule(as_known_on(partnership, as_of), as_of, policy_in_force=IN_FORCE, **options)


def test_rolling_schedule_counts_from_the_start_then_from_each_follow_up() -> None:
    duties = [d for d in _duties(_active(), dt.date(2025, 9, 1)) if d.name == "follow-up"]
    assert [(d.due, d.met_on) for d in duties] == [
        (dt.date(2024, 6, 1), dt.date(2024, 5, 25)),
        (dt.date(2025, 5, 25), dt.date(2025, 5, 20)),
        (dt.date(2026, 5, 20), None),
    ]


def test_records_after_as_of_do_not_exist_yet() -> None:
    duties = [d for d in _duties(_active(), dt.date(2025, 1, 1)) if d.name == "follow-up"]
    assert [(d.due, d.met_on) for d in duties] == [
        (dt.date(2024, 6, 1), dt.date(2024, 5, 25)),
        (dt.date(2025, 5, 25), None),
    ]


def test_only_active_partnerships_have_dated_duties() -> None:
    assert _duties(_active(stage=kipolicy.Stage.PROPOSAL), dt.date(2025, 9, 1)) == []
    assert _duties(_active(stage=kipolicy.Stage.ENDED), dt.date(2025, 9, 1)) == []
    ended = kipolicy.Termination(date=dt.date(2025, 1, 1))
    assert _duties(_active(termination=ended), dt.date(2025, 9, 1)) == []
    # A termination after as_of has not happened yet.
    assert _duties(_active(termination=ended), dt.date(2024, 9, 1)) != []


def test_counting_from_under_each_retroactivity() -> None:
    early = _active(
        started=dt.date(2022, 9, 1),
        establishment=kipolicy.Establishment(decision=kipolicy.Decision(dt.date(2022, 6, 1), "rektor")),
    )
    assert counting_from(early, IN_FORCE, "ongoing-only") == IN_FORCE
    assert counting_from(early, IN_FORCE, "full") == dt.date(2022, 9, 1)
    assert counting_from(_active(), IN_FORCE, "ongoing-only") == dt.date(2023, 6, 1)


def test_calendar_year_cadence_has_one_duty_per_year_after_the_start() -> None:
    duties = [
        d for d in _duties(_active(), dt.date(2026, 2, 1), follow_up_cadence="calendar-year")
        if d.name == "follow-up"
    ]
    assert [(d.due, d.met_on) for d in duties] == [
        (dt.date(2024, 12, 31), dt.date(2024, 5, 25)),
        (dt.date(2025, 12, 31), dt.date(2025, 5, 20)),
        (dt.date(2026, 12, 31), None),
    ]


def test_duty_paths_point_into_the_users_document_when_later_records_are_left_out() -> None:
    # follow_ups[0] is after as_of and left out; the remaining one keeps its own index.
    later_first = _active(
        follow_ups=(kipolicy.FollowUp(dt.date(2026, 1, 1)), kipolicy.FollowUp(dt.date(2024, 5, 25)))
    )
    report = kipolicy.assess(later_first, as_of="2025-09-01")
    met = [o for o in report.obligations if o.duty == "follow-up" and o.met_on]
    assert [o.path for o in met] == ["follow_ups[1]"]


def test_obligations_are_sorted_and_carry_the_rules_about_them() -> None:
    report = kipolicy.assess(_active(follow_ups=()), as_of="2025-09-01")
    dues = [o.due for o in report.obligations]
    assert dues == sorted(dues)
    (overdue,) = report.overdue()
    assert overdue.duty == "follow-up" and overdue.due == dt.date(2024, 6, 1)
    assert overdue.rule_ids == ("uppfoljning.annual-overdue",)
    assert overdue.to_dict()["status"] == "overdue"
    assert "== Calendar ==" in report.to_text("en") and "== Kalender ==" in report.to_text("sv")


def test_a_report_that_stops_early_has_no_calendar() -> None:
    report = kipolicy.assess(_active(level=kipolicy.Level.FACULTY), as_of="2025-09-01")
    assert report.halted_by == "omfattning.out-of-scope-level"
    assert report.obligations == ()
