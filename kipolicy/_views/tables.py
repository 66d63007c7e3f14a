"""Reports as tables and calendars: records, pandas data frames, CSV and iCalendar.

One row per finding and one per obligation, with plain values (texts, ISO dates, None), so a
report goes into a spreadsheet, a data frame or a database as it is; and a calendar of
obligations as iCalendar (RFC 5545), one event per obligation, that a partnership office can
subscribe to.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from .._policy.words import phrases, status_label

__all__ = ["RECORD_COLUMNS", "Tabular", "calendar_ics", "records_csv", "records_frame", "report_records"]

#: The columns of every record, in order. A finding leaves ``status``, ``duty``, ``basis`` and
#: ``met_on`` empty; an obligation leaves ``kind``, ``modality``, ``section``, ``remedy`` and
#: ``subject_label`` empty.
RECORD_COLUMNS: tuple[str, ...] = (
    "record", "partnership_id", "partnership_name", "as_of", "rule_id", "kind", "modality", "section",
    "subject_path", "subject_label", "title", "message", "remedy", "due", "status", "duty", "basis",
    "met_on", "cites", "rule_ids",
)


class Tabular:
    """What a report with rows (``to_records``) is as a table: a data frame, CSV."""

    __slots__ = ()

    def to_records(self, lang: str = "en") -> list[dict[str, Any]]:  # pragma: no cover - each report's own
        raise NotImplementedError

    def to_pandas(self, lang: str = "en") -> Any:
        """:meth:`to_records` as a pandas DataFrame (``pip install 'kipolicy[tables]'``)."""
        return records_frame(self.to_records(lang))

    def to_csv(self, lang: str = "en") -> str:
        """:meth:`to_records` as CSV, with a header row."""
        return records_csv(self.to_records(lang))


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def finding_record(finding: Any, partnership_id: str | None, partnership_name: str, as_of: dt.date, lang: str) -> dict[str, Any]:
    return {
        "record": "finding",
        "partnership_id": partnership_id,
        "partnership_name": partnership_name,
        "as_of": as_of.isoformat(),
        "rule_id": finding.rule_id,
        "kind": finding.kind,
        "modality": finding.modality,
        "section": finding.section,
        "subject_path": finding.subject.path,
        "subject_label": finding.subject.label,
        "title": finding.title(lang),
        "message": finding.message(lang),
        "remedy": finding.remedy(lang),
        "due": _date(finding.due),
        "status": None,
        "duty": None,
        "basis": None,
        "met_on": None,
        "cites": ", ".join(c.unit for c in finding.citations),
        "rule_ids": finding.rule_id,
    }


def obligation_record(obligation: Any, as_of: dt.date, lang: str) -> dict[str, Any]:
    return {
        "record": "obligation",
        "partnership_id": obligation.partnership_id,
        "partnership_name": obligation.partnership_name,
        "as_of": as_of.isoformat(),
        "rule_id": None,
        "kind": None,
        "modality": None,
        "section": None,
        "subject_path": obligation.path,
        "subject_label": None,
        "title": obligation.title(lang),
        "message": None,
        "remedy": None,
        "due": _date(obligation.due),
        "status": obligation.status,
        "duty": obligation.duty,
        "basis": _date(obligation.basis),
        "met_on": _date(obligation.met_on),
        "cites": ", ".join(obligation.cites),
        "rule_ids": ", ".join(obligation.rule_ids),
    }


def report_records(report: Any, lang: str = "en") -> list[dict[str, Any]]:
    """One record per finding, then one per obligation, of a :class:`~kipolicy.Report`."""
    rows = [finding_record(f, report.partnership_id, report.partnership_name, report.as_of, lang) for f in report.findings]
    rows += [obligation_record(o, report.as_of, lang) for o in report.obligations]
    return rows


def portfolio_records(portfolio: Any, lang: str = "en") -> list[dict[str, Any]]:
    """The portfolio-wide findings (no partnership id), then every report's records."""
    label = phrases("tables", lang)["portfolio"]
    rows = [finding_record(f, None, f"({label})", portfolio.as_of, lang) for f in portfolio.findings]
    for report in portfolio.reports:
        rows += report_records(report, lang)
    return rows


def records_frame(records: Sequence[dict[str, Any]]) -> Any:
    """The records as a pandas DataFrame, with every column even when there is no row.

    Raises:
        ImportError: pandas is not installed (``pip install 'kipolicy[tables]'``).
    """
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - the test extra installs pandas
        raise ImportError("to_pandas() needs pandas: pip install 'kipolicy[tables]'") from exc
    return pandas.DataFrame.from_records(list(records), columns=list(RECORD_COLUMNS))


def _cell(value: Any) -> Any:
    """A CSV cell: empty for None; a text a spreadsheet would run as a formula (starting with
    ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def records_csv(records: Iterable[dict[str, Any]]) -> str:
    """The records as CSV (RFC 4180, a header row, empty cells for None, no formulas)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=RECORD_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in records:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return buffer.getvalue()


def calendar_ics(obligations: Sequence[Any], as_of: dt.date, lang: str = "en", name: str = "") -> bytes:
    """Obligations as an iCalendar file: one all-day event per obligation on its due date.

    Each event's UID is stable (partnership, duty, document path and due date), so a calendar
    that subscribes to the file updates an event instead of adding it again; its DTSTAMP is
    ``as_of`` (never the clock), so the same assessment gives the same bytes.
    """
    import icalendar

    from .._policy.text import policy

    pol = policy()
    w = phrases("tables", lang)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//kipolicy//strategic partnerships//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    title = name or w["calendar_name"]
    calendar.add("x-wr-calname", title)
    stamp = dt.datetime(as_of.year, as_of.month, as_of.day, tzinfo=dt.UTC)
    for obligation in obligations:
        event = icalendar.Event()
        uid = f"{obligation.partnership_id}/{obligation.duty}/{obligation.path}/{obligation.due.isoformat()}@kipolicy"
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", obligation.due)
        event.add("dtend", obligation.due + dt.timedelta(days=1))
        event.add("summary", f"{obligation.title(lang)}: {obligation.partnership_name}")
        status = status_label(obligation.status, lang)
        lines = [
            f"{w['partnership']}: {obligation.partnership_name} ({obligation.partnership_id})",
            f"{w['status_as_of']} {as_of.isoformat()}: {status}"
            + (f" ({obligation.met_on.isoformat()})" if obligation.met_on else ""),
        ]
        for unit_id in obligation.cites:
            lines.append(f"{unit_id}: {pol.unit(unit_id).text(lang)}")
        if obligation.rule_ids:
            lines.append(f"{w['rules']}: " + ", ".join(obligation.rule_ids))
        event.add("description", "\n".join(lines))
        event.add("categories", [status])
        if obligation.status in ("met", "met-late"):
            event.add("status", "CONFIRMED")
        calendar.add_component(event)
    return calendar.to_ical()
