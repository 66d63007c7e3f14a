"""Reports as records, data frames, CSV and iCalendar."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import icalendar

import kipolicy

ROOT = Path(__file__).resolve().parent.parent
ACTIVE = ROOT / "examples" / "active-with-gaps.toml"
PORTFOLIO = sorted((ROOT / "examples" / "portfolio").glob("*.toml"))


def test_records_have_one_row_per_finding_and_obligation() -> None:
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    rows = report.to_records("sv")
    assert len(rows) == len(report.findings) + len(report.obligations)
    assert all(tuple(row) == kipolicy.RECORD_COLUMNS for row in rows)
    findings = [r for r in rows if r["record"] == "finding"]
    assert [r["rule_id"] for r in findings] == [f.rule_id for f in report.findings]
    first = findings[0]
    assert first["title"] == report.findings[0].title("sv") and first["partnership_id"] == "ki-acme-2024"
    obligations = [r for r in rows if r["record"] == "obligation"]
    assert [(r["duty"], r["due"], r["status"]) for r in obligations] == [
        (o.duty, o.due.isoformat(), o.status) for o in report.obligations
    ]
    for row in rows:  # plain values only
        assert all(v is None or isinstance(v, str) for v in row.values())


def test_pandas_frame_and_csv_hold_the_same_rows() -> None:
    portfolio = kipolicy.assess_portfolio(PORTFOLIO, as_of="2026-12-01", interpretations={"capacity": 2})
    rows = portfolio.to_records()
    frame = portfolio.to_pandas()
    assert list(frame.columns) == list(kipolicy.RECORD_COLUMNS) and len(frame) == len(rows)
    assert frame[frame["record"] == "obligation"].shape[0] == len(portfolio.calendar)
    assert (frame["partnership_id"].isna()).sum() == len(portfolio.findings)  # portfolio-wide
    parsed = list(csv.DictReader(io.StringIO(portfolio.to_csv())))
    assert [r["rule_id"] for r in parsed] == [r["rule_id"] or "" for r in rows]


def test_csv_cells_never_become_formulas() -> None:
    p = kipolicy.load_partnership(ACTIVE)
    import attrs

    evil = attrs.evolve(p, name='=HYPERLINK("http://x","click")')
    text = kipolicy.assess(evil, as_of="2026-01-01").to_csv()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["partnership_name"] == "'=HYPERLINK(\"http://x\",\"click\")"


def test_ics_has_one_event_per_obligation() -> None:
    portfolio = kipolicy.assess_portfolio(PORTFOLIO, as_of="2026-12-01")
    calendar = icalendar.Calendar.from_ical(portfolio.to_ics("sv"))
    events = [c for c in calendar.walk() if c.name == "VEVENT"]
    assert len(events) == len(portfolio.calendar) > 0
    assert len({str(e["uid"]) for e in events}) == len(events)
    for event, obligation in zip(events, portfolio.calendar):
        assert event.decoded("dtstart") == obligation.due
        assert obligation.partnership_name in str(event["summary"])
        assert obligation.title("sv") in str(event["summary"])
        description = str(event["description"])
        for unit in obligation.cites:
            assert unit in description
        assert event.decoded("dtstamp") == dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    overdue = [e for e, o in zip(events, portfolio.calendar) if o.status == "overdue"]
    assert overdue and all("försenad" in str(e["categories"].to_ical(), "utf-8") for e in overdue)
    assert portfolio.to_ics("sv") == kipolicy.assess_portfolio(PORTFOLIO, as_of="2026-12-01").to_ics("sv")


def test_cli_formats_csv_and_ics() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=120, env={**os.environ, "PYTHONIOENCODING": "utf-8"})

    ics = run("portfolio", "examples/portfolio", "--as-of", "2026-12-01", "--format", "ics")
    assert ics.returncode == 0 and ics.stdout.startswith("BEGIN:VCALENDAR")
    csv_out = run("assess", str(ACTIVE), "--as-of", "2026-01-01", "--format", "csv", "--lang", "sv")
    header = csv_out.stdout.splitlines()[0]
    assert header == ",".join(kipolicy.RECORD_COLUMNS)
    refused = run("assess", str(ACTIVE), "--as-of", "2026-01-01", "--format", "csv", "--change", "stage=active", "--diff")
    assert refused.returncode == 2
