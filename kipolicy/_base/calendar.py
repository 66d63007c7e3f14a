"""Calendar arithmetic: day numbers and exact month arithmetic.

The rule engine has no dates: rules compare *day numbers* (:meth:`datetime.date.toordinal`).
Every date that needs arithmetic is computed here, before the engine runs.
"""

from __future__ import annotations

import calendar
import datetime as dt

__all__ = ["add_days", "add_months", "from_day", "to_day"]


def to_day(date: dt.date) -> int:
    """A date as a day number (days since 0001-01-01, counting that day as 1)."""
    return date.toordinal()


def from_day(day: int) -> dt.date:
    """A day number as a date."""
    return dt.date.fromordinal(day)


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` plus ``months`` calendar months, clamped to the end of the month.

    The day of the month is kept where the target month has it, else the month's last day is
    used: 12 months after 2024-02-29 is 2025-02-28; 1 month after 2023-01-31 is 2023-02-28;
    12 months after 2023-03-31 is 2024-03-31. Negative ``months`` count backwards.

    >>> import datetime as dt
    >>> from kipolicy import add_months
    >>> add_months(dt.date(2024, 2, 29), 12)
    datetime.date(2025, 2, 28)
    >>> add_months(dt.date(2023, 3, 31), 12)
    datetime.date(2024, 3, 31)

    Raises:
        OverflowError: The result is outside the calendar (year 1 to 9999).
    """
    index = date.year * 12 + (date.month - 1) + months
    year, month0 = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise OverflowError(f"{date} plus {months} months is out of the calendar's range")
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(date.day, last))


def add_days(date: dt.date, days: int) -> dt.date:
    """``date`` plus ``days`` days, clamped to the calendar's last day."""
    try:
        return date + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
