"""Pictures of a portfolio: the marks and cells hold what the data says."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import kipolicy
from kipolicy._views.plots import COLOURS, profile_model, timeline_model, to_svg

ROOT = Path(__file__).resolve().parent.parent
PORTFOLIO = sorted((ROOT / "examples" / "portfolio").glob("*.toml"))
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"


@pytest.fixture(scope="module")
def portfolio() -> kipolicy.PortfolioReport:
    return kipolicy.assess_portfolio(PORTFOLIO, as_of="2026-12-01", interpretations={"capacity": 2, "due-soon-days": 200})


def _by_id(svg: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg)
    return {e.get("id"): e for e in root.iter() if e.get("id")}


def test_the_timeline_model_is_the_calendar(portfolio: kipolicy.PortfolioReport) -> None:
    names, marks = timeline_model(portfolio)
    assert names == tuple(r.partnership_name for r in portfolio.reports)
    assert len(marks) == len(portfolio.calendar)
    for mark, obligation in zip(marks, portfolio.calendar):
        assert (mark.partnership_id, mark.due, mark.duty) == (obligation.partnership_id, obligation.due, obligation.duty)
        days = (obligation.due - portfolio.as_of).days
        expected = {"met-late": "met", "open": "due-soon" if days <= 200 else "open"}.get(obligation.status, obligation.status)
        assert mark.status == expected
    assert {m.status for m in marks} == {"met", "open", "due-soon", "overdue"}


def test_every_mark_of_the_timeline_is_where_and_as_the_data_says(portfolio: kipolicy.PortfolioReport) -> None:
    _, marks = timeline_model(portfolio)
    elements = _by_id(to_svg(portfolio.plot("timeline", "sv")))
    assert "as-of" in elements
    positions = []
    for index, mark in enumerate(marks):
        group = elements[f"mark-{index}"]
        (use,) = [e for e in group.iter(f"{SVG}use")]
        x, y = float(use.get("x")), float(use.get("y"))
        style = " ".join(filter(None, [use.get("style"), *(e.get("style") for e in group.iter())]))
        assert COLOURS[mark.status] in style, (mark, style)
        positions.append((mark, x, y))
    for a, xa, ya in positions:
        for b, xb, yb in positions:
            if a.row == b.row:
                assert abs(ya - yb) < 0.01  # one row per partnership
            elif a.row < b.row:
                assert ya < yb  # rows top to bottom in report order
            if a.due < b.due:
                assert xa < xb  # the date axis
    as_of_x = [float(v) for v in _path_xs(elements["as-of"])]
    for mark, x, _ in positions:
        assert (x < min(as_of_x)) == (mark.due < portfolio.as_of) or mark.due == portfolio.as_of
    texts = "".join(ET.fromstring(to_svg(portfolio.plot("timeline", "sv"))).itertext())
    assert "försenat" in texts and "Portföljens åligganden per 2026-12-01" in texts


def _path_xs(element: ET.Element) -> list[str]:
    import re

    (path,) = [e for e in element.iter(f"{SVG}path")]
    return re.findall(r"[ML] ([\d.]+) ", path.get("d") + " ")


def test_every_cell_of_the_profile_holds_the_active_partnerships(portfolio: kipolicy.PortfolioReport) -> None:
    model = profile_model(portfolio)
    assert model.capacity == 2 and model.active == sum(e.active_strategic for e in portfolio.profile)
    svg = to_svg(portfolio.plot("profile", "en"))
    elements = _by_id(svg)
    overlaps = 0
    for i, area in enumerate(model.areas):
        for j, country in enumerate(model.countries):
            assert f"cell-{i}-{j}" in elements
            cell = model.cells.get((area, country))
            if cell is None:
                assert f"count-{i}-{j}" not in elements
                continue
            count = "".join(elements[f"count-{i}-{j}"].itertext()).strip()
            assert count == str(len(cell.active)), (area, country)
            assert (f"overlap-{i}-{j}" in elements) == cell.overlap
            overlaps += cell.overlap
    assert overlaps >= 1  # the bundled portfolio has a proposal that overlaps
    assert "capacity 2: 2 active strategic" in "".join(ET.fromstring(svg).itertext())
    # The data itself: each active strategic partnership is counted in each of its cells.
    for entry in portfolio.profile:
        for area in entry.focus_areas:
            for country in entry.countries:
                cell = model.cells[(area, country)]
                assert (entry.name in cell.active) == entry.active_strategic


def test_the_portfolio_html_holds_both_pictures_inline(portfolio: kipolicy.PortfolioReport) -> None:
    page = portfolio.to_html("sv")
    assert page.count("<svg") == 2 and "<?xml" not in page and 'id="mark-0"' in page and 'id="cell-0-0"' in page
    for reference in ('href="http', "src=", "url(http", "@import"):  # no asset from outside
        assert reference not in page


def test_the_cli_writes_pictures(tmp_path: Path) -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", "portfolio", "examples/portfolio",
                               "--as-of", "2026-12-01", *args], capture_output=True, text=True, cwd=ROOT, timeout=120)

    svg = tmp_path / "timeline.svg"
    assert run("--plot", "timeline", "-o", str(svg)).returncode == 0
    assert 'id="as-of"' in svg.read_text(encoding="utf-8")
    png = tmp_path / "profile.png"
    assert run("--plot", "profile", "-o", str(png), "--lang", "sv").returncode == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert run("--plot", "profile").returncode == 2
    assert run("--plot", "profile", "-o", str(tmp_path / "x.pdf")).returncode == 2


def test_pictures_are_reproducible(portfolio: kipolicy.PortfolioReport) -> None:
    assert to_svg(portfolio.plot("timeline")) == to_svg(portfolio.plot("timeline"))
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'profile'"):
        portfolio.plot("profil")
