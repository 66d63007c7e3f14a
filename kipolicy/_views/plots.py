"""Pictures of a portfolio: its calendar as a timeline and its profile as a map.

The *timeline* has one row per partnership and its duties as marks on a date axis — met, open,
due soon, overdue — with a line at ``as_of``. The *profile* is a grid of KI Strategy 2030 focus
areas × partner countries: each cell the active strategic partnerships there, the cells where a
proposal overlaps them outlined, and the capacity (urval.1) in the title if one is set.

What each picture shows is computed first as plain data (:func:`timeline_model`,
:func:`profile_model`), then drawn with matplotlib (an optional extra: ``pip install
'kipolicy[plots]'``) through its object interface, without pyplot's global state. Every mark and
cell carries an id in the SVG (``mark-3``, ``cell-0-1``, ``overlap-0-1``, ``as-of``), so a test or
another program can check the picture against the data.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Sequence
from typing import Any

import attrs

from .._policy.words import phrases

__all__ = ["Mark", "ProfileCell", "ProfileModel", "plot", "profile_model", "timeline_model", "to_svg"]

STATUSES = ("met", "open", "due-soon", "overdue")
COLOURS = {"met": "#2e7d32", "open": "#1b5e9f", "due-soon": "#b86e00", "overdue": "#b3261e"}
SHAPES = {"met": "o", "open": "o", "due-soon": "D", "overdue": "X"}



@attrs.frozen
class Mark:
    """One duty on the timeline: its partnership (row), due date (x) and status (colour)."""

    row: int
    partnership_id: str
    partnership_name: str
    duty: str
    title: str
    due: dt.date
    status: str


@attrs.frozen
class ProfileCell:
    """One focus area × country: the active strategic partnerships and the proposals there."""

    area: str
    country: str
    active: tuple[str, ...]
    proposals: tuple[str, ...]

    @property
    def overlap(self) -> bool:
        """A proposal shares this profile with an active strategic partnership (urval.5)."""
        return bool(self.active and self.proposals)


@attrs.frozen
class ProfileModel:
    """The profile grid: areas (rows), countries (columns), cells, and the capacity."""

    areas: tuple[str, ...]
    countries: tuple[str, ...]
    cells: dict[tuple[str, str], ProfileCell]
    active: int
    capacity: int | None


def timeline_model(portfolio: Any, lang: str = "en") -> tuple[tuple[str, ...], tuple[Mark, ...]]:
    """The timeline's rows (partnership names, in the order of the reports) and marks.

    A mark's status is the obligation's, with ``met-late`` shown as met and an open obligation
    due within ``due-soon-days`` of ``as_of`` shown as due soon.
    """
    soon = portfolio.interpretations["due-soon-days"]
    rows = {r.partnership_id: i for i, r in enumerate(portfolio.reports)}
    names = tuple(r.partnership_name for r in portfolio.reports)
    marks = []
    for obligation in portfolio.calendar:
        status = obligation.status
        if status == "met-late":
            status = "met"
        elif status == "open" and (obligation.due - portfolio.as_of).days <= soon:
            status = "due-soon"
        marks.append(
            Mark(rows[obligation.partnership_id], obligation.partnership_id, obligation.partnership_name,
                 obligation.duty, obligation.title(lang), obligation.due, status)
        )
    return names, tuple(marks)


def profile_model(portfolio: Any) -> ProfileModel:
    """The profile grid of a portfolio (from :attr:`PortfolioReport.profile`)."""
    cells: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    for entry in portfolio.profile:
        for area in entry.focus_areas:
            for country in entry.countries:
                active, proposals = cells.setdefault((area, country), ([], []))
                if entry.active_strategic:
                    active.append(entry.name)
                elif entry.stage == "proposal":
                    proposals.append(entry.name)
    areas = tuple(sorted({a for a, _ in cells}, key=str.casefold))
    countries = tuple(sorted({c for _, c in cells}, key=str.casefold))
    return ProfileModel(
        areas=areas,
        countries=countries,
        cells={k: ProfileCell(k[0], k[1], tuple(a), tuple(p)) for k, (a, p) in cells.items()},
        active=sum(e.active_strategic for e in portfolio.profile),
        capacity=portfolio.interpretations["capacity"],
    )


def _figure(width: float, height: float) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError("plots need matplotlib: pip install 'kipolicy[plots]'") from exc
    return Figure(figsize=(width, height), layout="constrained")


def timeline_figure(portfolio: Any, lang: str = "en") -> Any:
    """The timeline as a matplotlib Figure."""
    import matplotlib.dates as mdates

    words = phrases("plots", lang)
    names, marks = timeline_model(portfolio, lang)
    fig = _figure(10, 1.2 + 0.45 * max(len(names), 1))
    ax = fig.add_subplot()
    ax.set_title(words["timeline"].format(as_of=portfolio.as_of.isoformat()))
    for index, mark in enumerate(marks):
        ax.plot([mark.due], [mark.row], linestyle="none", marker=SHAPES[mark.status], markersize=8,
                color=COLOURS[mark.status], gid=f"mark-{index}")
    ax.axvline(portfolio.as_of, color="#333", linestyle="--", linewidth=1, gid="as-of")
    for status in STATUSES:  # the legend, one entry per status, whether or not it occurs
        ax.plot([], [], linestyle="none", marker=SHAPES[status], color=COLOURS[status], label=words[status])
    ax.plot([], [], color="#333", linestyle="--", label=words["as_of"].format(as_of=portfolio.as_of.isoformat()))
    ax.set_yticks(range(len(names)), labels=list(names))
    ax.set_ylim(len(names) - 0.5, -0.5)
    if not marks:
        ax.text(0.5, 0.5, words["none"], transform=ax.transAxes, ha="center")
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="x", color="#ddd")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return fig


def profile_figure(portfolio: Any, lang: str = "en") -> Any:
    """The profile map as a matplotlib Figure."""
    from matplotlib.patches import Rectangle

    words = phrases("plots", lang)
    model = profile_model(portfolio)
    rows, cols = len(model.areas), len(model.countries)
    fig = _figure(2.5 + 1.4 * max(cols, 1), 1.8 + 0.7 * max(rows, 1))
    ax = fig.add_subplot()
    count = (words["capacity"].format(capacity=model.capacity, active=model.active) if model.capacity is not None
             else words["active"].format(active=model.active))
    ax.set_title(f"{words['profile'].format(as_of=portfolio.as_of.isoformat())}\n{count}")
    most = max((len(c.active) for c in model.cells.values()), default=0) or 1
    for i, area in enumerate(model.areas):
        for j, country in enumerate(model.countries):
            cell = model.cells.get((area, country))
            active = len(cell.active) if cell else 0
            shade = 0.15 + 0.6 * active / most if active else 0.0
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=(0.11, 0.37, 0.62, shade),
                                   edgecolor="#ccc", gid=f"cell-{i}-{j}"))
            if cell is None:
                continue
            ax.text(j, i, str(active), ha="center", va="center", fontsize=12, fontweight="bold",
                    color="#fff" if shade > 0.45 else "#111", gid=f"count-{i}-{j}")
            if cell.proposals:
                label = words["proposals"].format(n=len(cell.proposals))
                ax.text(j, i + 0.3, label, ha="center", va="center", fontsize=8,
                        color="#fff" if shade > 0.45 else "#111", gid=f"proposals-{i}-{j}")
            if cell.overlap:
                ax.add_patch(Rectangle((j - 0.46, i - 0.46), 0.92, 0.92, fill=False, edgecolor=COLOURS["overdue"],
                                       linewidth=3, gid=f"overlap-{i}-{j}"))
    ax.set_xticks(range(cols), labels=list(model.countries))
    ax.set_yticks(range(rows), labels=list(model.areas))
    ax.set_xlim(-0.5, max(cols, 1) - 0.5)
    ax.set_ylim(max(rows, 1) - 0.5, -0.5)
    ax.set_xlabel(words["countries"])
    ax.set_ylabel(words["areas"])
    if not model.cells:
        ax.text(0.5, 0.5, words["no_profile"], transform=ax.transAxes, ha="center")
    if any(c.overlap for c in model.cells.values()):
        ax.plot([], [], color=COLOURS["overdue"], linewidth=3, label=words["overlap"])
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    return fig


PLOTS = {"timeline": timeline_figure, "profile": profile_figure}


def plot(portfolio: Any, kind: str, lang: str = "en") -> Any:
    """The ``timeline`` or ``profile`` of a portfolio as a matplotlib Figure.

    Raises:
        UnknownIdError: Another kind.
        ImportError: matplotlib is not installed.
    """
    from .._base.errors import UnknownIdError

    if kind not in PLOTS:
        raise UnknownIdError("plot", kind, PLOTS)
    return PLOTS[kind](portfolio, lang)


def to_svg(figure: Any) -> str:
    """A figure as SVG text, the same bytes for the same picture (no date, fixed ids, text kept
    as text so that it can be read and searched)."""
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": "kipolicy", "svg.fonttype": "none"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def save(figure: Any, path: str) -> None:
    """Write a figure to ``path``; the format from its suffix (``.svg`` or ``.png``)."""
    suffix = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix == "svg":
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(to_svg(figure))
    elif suffix == "png":
        figure.savefig(path, format="png", dpi=150, metadata={"Software": None})
    else:
        raise ValueError(f"{path}: expected a .svg or .png file")


def svg_body(svg: str) -> str:
    """An SVG document without its XML declaration and doctype, to inline in HTML."""
    start = svg.find("<svg")
    body = svg[start:] if start >= 0 else svg
    return re.sub(r"\s*<metadata>.*?</metadata>", "", body, flags=re.S)


def available() -> bool:
    """Whether matplotlib can be imported (the ``plots`` extra)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def inline_svgs(portfolio: Any, lang: str, kinds: Sequence[str] = ("timeline", "profile")) -> str:
    """The portfolio's pictures as inline SVG for its HTML report (empty without matplotlib)."""
    if not available():
        return ""
    parts = []
    for kind in kinds:
        figure = plot(portfolio, kind, lang)
        parts.append(f'<figure class="plot {kind}">{svg_body(to_svg(figure))}</figure>')
    return "".join(parts)
