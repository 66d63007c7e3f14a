"""assess_portfolio(): every partnership of a portfolio, each against the others.

Each partnership is assessed with the rest of the portfolio as its portfolio (urval.1,
urval.5), the portfolio as a whole gets its own findings (the portfolio-wide rules, e.g.
``urval.portfolio-over-capacity``), and the obligations of every partnership make one calendar.
The portfolio is indexed once (:class:`~kipolicy._facts.peers.PortfolioIndex`), so each assessment
looks only at the partnerships that share a focus area, a partner country or a partner with
it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .assess import run_rules, check_engine, coerce_date, program_for, provenance_of
from .._document.read import load_partnership
from .._base.errors import InputError, Problem
from .._facts.facts import assessment_fact, make_facts, portfolio_facts
from .._policy.interpretations import Interpretations
from .._document.model import Partnership
from .._facts.peers import PortfolioIndex
from .._policy.text import policy
from .._views.order import obligation_key, sorted_findings
from .._views.render import portfolio_html, portfolio_markdown, portfolio_text
from .._report.report import Finding, Obligation, Report
from .._rules.ast import KINDS
from .._rules.book import RuleBook, default_rules
from .._views.tables import Tabular
from .._policy.words import check_lang

__all__ = ["PortfolioReport", "ProfileEntry", "assess_portfolio"]


@attrs.frozen
class ProfileEntry:
    """What the portfolio's profile (its map of focus areas × partner countries) shows of one
    partnership: its stage, whether it is an active strategic one, its focus areas and its
    partners' countries, as the document writes them."""

    id: str
    name: str
    stage: str
    active_strategic: bool
    focus_areas: tuple[str, ...]
    countries: tuple[str, ...]


@attrs.frozen
class PortfolioReport(Tabular):
    """The result of assessing a portfolio of partnerships as of a date.

    Attributes:
        as_of: The date the assessment is made as of.
        reports: One report per partnership, in the order they were given.
        findings: The portfolio-wide findings (about the portfolio as a whole).
        interpretations: The interpretations in force.
        calendar: Every obligation of every partnership, met or not, by due date.
        profile: Each partnership's focus areas and partner countries (for the profile map).
    """

    as_of: dt.date
    reports: tuple[Report, ...]
    findings: tuple[Finding, ...]
    interpretations: Interpretations = attrs.field(eq=False)
    calendar: tuple[Obligation, ...] = ()
    profile: tuple[ProfileEntry, ...] = attrs.field(default=(), eq=False, repr=False)

    def plot(self, kind: str = "timeline", lang: str = "en") -> Any:
        """A picture of the portfolio as a matplotlib Figure (``pip install 'kipolicy[plots]'``):
        ``timeline`` (each partnership's duties on a date axis: met, open, due soon, overdue,
        and a line at ``as_of``) or ``profile`` (focus areas × partner countries, each cell the
        active strategic partnerships there, cells a proposal overlaps outlined, the capacity)."""
        from .._views.plots import plot

        return plot(self, kind, check_lang(lang))

    def report(self, partnership_id: str) -> Report:
        """The report of one partnership, by id."""
        for report in self.reports:
            if report.partnership_id == partnership_id:
                return report
        from .._base.errors import UnknownIdError

        raise UnknownIdError("partnership", partnership_id, [r.partnership_id for r in self.reports])

    def overdue(self) -> tuple[Obligation, ...]:
        """The obligations not met and due before ``as_of``, oldest first."""
        return tuple(o for o in self.calendar if o.status == "overdue")

    def counts(self) -> dict[str, int]:
        """How many findings of each kind, over every report and the portfolio-wide ones."""
        counts = dict.fromkeys(KINDS, 0)
        for finding in (*self.findings, *(f for r in self.reports for f in r.findings)):
            counts[finding.kind] += 1
        return counts

    def to_dict(self) -> dict[str, Any]:
        """The portfolio report as JSON-serialisable data, stable for the same input."""
        return {
            "as_of": self.as_of.isoformat(),
            "interpretations": self.interpretations.to_dict(),
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "calendar": [o.to_dict() for o in self.calendar],
            "reports": [r.to_dict() for r in self.reports],
        }

    def to_records(self, lang: str = "en") -> list[dict[str, Any]]:
        """The portfolio-wide findings (without a partnership id), then every report's rows:
        one per finding and one per obligation (:meth:`Report.to_records`)."""
        from .._views.tables import portfolio_records

        return portfolio_records(self, check_lang(lang))

    def to_ics(self, lang: str = "en") -> bytes:
        """The portfolio's calendar as an iCalendar file: one event per obligation, on its due
        date, with the partnership, the duty, its status and the cited units; subscribe to it
        to see the deadlines."""
        from .._views.tables import calendar_ics

        return calendar_ics(self.calendar, self.as_of, check_lang(lang))

    def to_markdown(self, lang: str = "en") -> str:
        """The portfolio as Markdown: portfolio-wide findings, a line per partnership, and the
        calendar with overdue obligations first."""

        return portfolio_markdown(self, check_lang(lang))

    def to_html(self, lang: str = "en") -> str:
        """The portfolio as self-contained HTML (what Jupyter shows)."""

        return portfolio_html(self, check_lang(lang))

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_text(self, lang: str = "en") -> str:
        """The portfolio as plain text: portfolio-wide findings, one line per partnership, and
        the calendar with overdue obligations first."""
        return portfolio_text(self, check_lang(lang))


def _assess_one(
    program: Any, rulebook: RuleBook, index: PortfolioIndex, partnership: Partnership,
    day: dt.date, interp: Interpretations, in_force: dt.date, engine: str, assessment: dict[str, Any],
) -> Report:
    # Every partnership of the portfolio is assessed as of the same day under the same
    # readings: one assessment fact serves them all.
    made = make_facts(partnership, day, interp, in_force, index, assessment=assessment)
    return run_rules(
        program, rulebook, made.facts, made.duties, partnership, day, interp,
        provenance=provenance_of(rulebook, partnership, day, interp, index, engine),
    )


# -- processes --------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _worker_warm(engine: str) -> None:
    """A worker's first task: load kipolicy's rules and make them ready for ``engine``, while the
    parent is still writing the portfolio down."""
    program_for(default_rules(), engine)


def _worker_load(handover: str) -> dict[str, Any]:
    """What a worker needs, from the file the parent wrote (read once per worker): the
    portfolio, the date, the readings, the rule book (None: the bundled one), the engine and the
    portfolio's fingerprint."""
    if _WORKER.get("handover") != handover:
        with open(handover, "rb") as file:
            partnerships, day, interp, rulebook, engine, fingerprint = pickle.load(file)  # noqa: S301 - written by the parent, for this pool
        # The rule book itself comes from the parent (pickled), never re-read from its
        # directory: rule files edited or removed since the parent loaded them change nothing.
        rulebook = rulebook if rulebook is not None else default_rules()
        in_force = policy().document.in_force_from
        _WORKER.clear()
        _WORKER.update(
            handover=handover, partnerships=partnerships, day=day, interp=interp, rulebook=rulebook,
            program=program_for(rulebook, engine), index=PortfolioIndex(partnerships, day, fingerprint=fingerprint),
            in_force=in_force, engine=engine, assessment=assessment_fact(day, interp, in_force),
        )
    return _WORKER


def _worker_assess(handover: str, positions: range) -> list[Report]:
    w = _worker_load(handover)
    out = []
    for i in positions:
        report = _assess_one(
            w["program"], w["rulebook"], w["index"], w["partnerships"][i], w["day"], w["interp"], w["in_force"],
            w["engine"], w["assessment"],
        )
        out.append(attrs.evolve(report, rules=None))  # the parent attaches its own rule book
    return out


def _in_processes(
    partnerships: list[Partnership], day: dt.date, interp: Interpretations, rulebook: RuleBook, workers: int,
    engine: str, index: PortfolioIndex, assess_here: Callable[[Partnership], Report],
) -> list[Report]:
    """Assess in ``workers`` processes, this one included.

    The new processes start first and load the rules while this one writes the portfolio into a
    file only this user can read (given to a pool as initializer arguments, it would be written
    into each new process's pipe, each process waiting for the one before). The portfolio is cut
    into chunks; the new processes take chunks from the front, and this process, which needs no
    start-up, takes them from the back, one at a time, for as long as no other process has taken
    the next one. Reports of other processes arrive pickled (their messages unrendered); this
    process's own need no transport at all.
    """
    import concurrent.futures
    import multiprocessing

    sent = None if rulebook is default_rules() else rulebook
    size = max(1, len(partnerships) // (workers * 8))
    chunks = [range(i, min(i + size, len(partnerships))) for i in range(0, len(partnerships), size)]
    results: list[list[Report] | None] = [None] * len(chunks)
    descriptor, handover = tempfile.mkstemp(prefix="kipolicy-portfolio-", suffix=".pickle")
    handing = os.fdopen(descriptor, "wb")  # closed below however the pool ends
    try:
        # spawn: a fresh interpreter per worker, with its own engine (forking a process that
        # holds the engine's C state is not something durable-rules was written for).
        context = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(max_workers=workers - 1, mp_context=context) as pool:
            warming = [pool.submit(_worker_warm, engine) for _ in range(workers - 1)]
            with handing as file:
                # The portfolio's fingerprint goes with it if it was taken; else each process takes
                # it for its first report, at the same time.
                handed = (partnerships, day, interp, sent, engine, index.fingerprint_if_taken)
                pickle.dump(handed, file, protocol=pickle.HIGHEST_PROTOCOL)
            futures = [pool.submit(_worker_assess, handover, chunk) for chunk in chunks]
            for i in reversed(range(len(chunks))):
                if not futures[i].cancel():  # a worker has it already: so it has every earlier one
                    break
                results[i] = [assess_here(partnerships[j]) for j in chunks[i]]
            for warm in warming:
                warm.result()
            for i, future in enumerate(futures):
                if results[i] is None:
                    results[i] = [attrs.evolve(r, rules=rulebook) for r in future.result()]
    finally:
        handing.close()
        with contextlib.suppress(OSError):
            os.unlink(handover)
    return [report for chunk in results if chunk is not None for report in chunk]


def assess_portfolio(
    partnerships: Iterable[Partnership | Mapping[str, Any] | str | os.PathLike[str]],
    *,
    as_of: dt.date | str,
    interpretations: Interpretations | Mapping[str, Any] | None = None,
    rules: RuleBook | None = None,
    workers: int = 1,
    engine: str = "durable",
    quote: bool = True,
) -> PortfolioReport:
    """Assess every partnership of a portfolio against the policy and against the others.

    Args:
        partnerships: The portfolio: :class:`~kipolicy.Partnership` objects, or paths or
            mappings that :func:`~kipolicy.load_partnership` reads. Ids must be unique.
        as_of: The date the assessment is made as of (a date, or ``YYYY-MM-DD``).
        interpretations: The readings in force; every other keeps its default.
        rules: A rule book from :func:`~kipolicy.load_rules`; default: the bundled rules.
        workers: Processes to assess with, this one included (the engine holds the
            interpreter's lock, so threads would not help): ``workers - 1`` new processes start,
            and this one assesses too while they do. ``1`` (default) assesses in this process
            alone; any number gives the same report.
        engine: ``durable`` (default) or ``python``, as for :func:`~kipolicy.assess`.
        quote: False withholds the documents' own words and figures, as for
            :func:`~kipolicy.assess`.

    Returns:
        The :class:`PortfolioReport`.

    Raises:
        InputError: Every problem of every document at once, or two partnerships with the
            same id.

    Example:
        >>> import kipolicy
        >>> pr = kipolicy.assess_portfolio(
        ...     ["examples/portfolio/ki-aurora.toml", "examples/portfolio/ki-borealis.toml"],
        ...     as_of="2026-11-27")
        >>> [r.partnership_id for r in pr.reports]
        ['ki-aurora', 'ki-borealis']
    """
    day = coerce_date(as_of)
    interp = Interpretations.coerce(interpretations)
    engine = check_engine(engine)
    loaded: list[Partnership] = []
    problems: list[Problem] = []
    for source in partnerships:
        try:
            loaded.append(load_partnership(source))
        except InputError as exc:
            problems.extend(exc.problems)
    seen: dict[str, int] = {}
    for i, partnership in enumerate(loaded):
        if partnership.id in seen:
            problems.append(
                Problem("<portfolio>", f"[{i}].id", f"the id {partnership.id!r} is also the id of partnership [{seen[partnership.id]}]")
            )
        seen.setdefault(partnership.id, i)
    if problems:
        raise InputError(problems)
    rulebook = rules if rules is not None else default_rules()
    program = program_for(rulebook, engine)
    in_force = policy().document.in_force_from
    if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
        raise ValueError(f"workers: expected a whole number >= 1, got {workers!r}")
    index = PortfolioIndex(loaded, day)
    shared = assessment_fact(day, interp, in_force)

    def assess_here(partnership: Partnership) -> Report:
        return _assess_one(program, rulebook, index, partnership, day, interp, in_force, engine, shared)

    if workers == 1 or len(loaded) < 2:
        reports = [assess_here(p) for p in loaded]
    else:
        reports = _in_processes(loaded, day, interp, rulebook, workers, engine, index, assess_here)
    whole = run_rules(
        program, rulebook, portfolio_facts(index, day, interp, in_force), [], None, day, interp,
        label="portfolio",
    )
    calendar = tuple(sorted((o for r in reports for o in r.obligations), key=obligation_key))
    result = PortfolioReport(
        as_of=day,
        reports=tuple(reports),
        findings=sorted_findings(f for f in whole.findings if f.subject.fact_type == "portfolio"),
        interpretations=interp,
        calendar=calendar,
        profile=tuple(
            ProfileEntry(
                p.id, p.name, p.stage.value, index.peers[p.id].active_strategic,
                tuple(index.peers[p.id].focus_areas.values()), tuple(index.peers[p.id].countries.values()),
            )
            for p in loaded
        ),
    )
    if not quote:
        from .._report.quotes import portfolio_without_quotes

        result = portfolio_without_quotes(result, rulebook)
    return result
