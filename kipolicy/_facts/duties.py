"""Dated duties: when follow-ups, risk reassessments and renewal evaluations fall due.

The engine has no date arithmetic, so the schedule of a partnership's dated duties is computed
here, in plain Python, from the partnership, ``as_of`` and the interpretations; the rules then
compare each duty's due date with ``as_of`` (docs/dates.md explains every choice).

* **Counting from.** Duties count from the partnership's start (``started``, else the signing
  date, else the decision date). Under ``retroactivity = ongoing-only``, a partnership entered
  before the policy came into force counts from the later of its start and 2023-02-21.
* **Rolling duties** (follow-ups under ``follow-up-cadence = rolling``; joint and KI risk
  assessments): the first falls due ``interval`` months after the day counting starts, each
  next one ``interval`` months after the previous one was made. Records made before counting
  starts do not count.
* **Calendar-year follow-ups** (``follow-up-cadence = calendar-year``): one in each calendar
  year after the year counting starts in, due on 31 December of that year.
* **Renewal evaluation**: an evaluation is due by the day the agreement ends (its last renewal's
  ``until``, else ``agreement.ends``), counted since the start or the last renewal; each past
  renewal had one due by its own date. An evaluation meets it when it was made for the renewal,
  or within ``evaluation-window-months`` before the date (:func:`before_renewal`).

Month arithmetic is :func:`kipolicy._facts.facts.add_months`: the day of the month is kept where the
target month has it, else the month's last day is used (a year after 2024-02-29 is 2025-02-28).
Only records dated on or before ``as_of`` exist as of ``as_of``; the caller passes that view.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import attrs

from .._base.calendar import add_months
from .._document.model import AssessedBy, Evaluation, EvaluationPurpose, Partnership, Renewal, Stage

__all__ = ["DUTIES", "STATUSES", "Duty", "DutyKind", "PolicyReach", "before_renewal", "counting_from", "renewals_with_evaluations", "schedule"]


@attrs.frozen
class DutyKind:
    """A kind of dated duty, with the units that impose it and its title."""

    name: str
    topic: str
    cites: tuple[str, ...]
    title_sv: str
    title_en: str


#: Every kind of dated duty, by name.
DUTIES: dict[str, DutyKind] = {
    d.name: d
    for d in (
        DutyKind("follow-up", "follow-up", ("uppfoljning.2",), "Årlig uppföljning", "Annual follow-up"),
        DutyKind(
            "risk-joint", "risk", ("risk.2",),
            "Riskbedömning tillsammans med partnern", "Risk assessment together with the partner",
        ),
        DutyKind("risk-ki", "risk", ("risk.2",), "KI:s egen riskbedömning", "KI's own risk assessment"),
        DutyKind(
            "renewal-evaluation", "evaluation", ("uppfoljning.2",),
            "Utvärdering inför beslut om förnyelse", "Evaluation before a decision to renew",
        ),
    )
}


#: Where a duty stands on a day, in the order a calendar shows them: ``overdue`` (not met, and
#: due before the day), ``open`` (not met, due on or after it), ``met-late`` (met after it fell
#: due) and ``met``. The duty fact's ``status`` and a report's obligations both say it so.
STATUSES: tuple[str, ...] = ("overdue", "open", "met-late", "met")


@attrs.frozen
class Duty:
    """One dated duty of a partnership, met or not.

    Attributes:
        name: The kind of duty (a key of :data:`DUTIES`).
        due: The day it falls (or fell) due.
        basis: The day it counts from (the start, or the previous time it was met).
        met_on: The day it was met, or None.
        path: Where in the document the record that met it is, or the list it belongs in.
    """

    name: str
    due: dt.date
    basis: dt.date
    met_on: dt.date | None
    path: str

    @property
    def kind(self) -> DutyKind:
        return DUTIES[self.name]

    @property
    def label(self) -> str:
        """A label unique within a partnership: the duty's name and due date."""
        return f"{self.name} {self.due.isoformat()}"

    def status(self, as_of: dt.date) -> str:
        """Where the duty stands on ``as_of``: one of :data:`STATUSES`."""
        if self.met_on is not None:
            return "met" if self.met_on <= self.due else "met-late"
        return "overdue" if self.due < as_of else "open"


@attrs.frozen
class PolicyReach:
    """What of one partnership a policy reaches: the ``retroactivity`` reading, decided once.

    Under ``ongoing-only`` the policy reaches what happens on or after the day it came into
    force: a record (a risk assessment, a renewal) dated from then; the preparing and entering
    of a partnership entered from then; and the ongoing duties of a partnership entered before
    it from then. Under ``full`` it reaches everything. The facts' ``under_policy`` fields and
    the schedule of duties all ask it; rules read ``under_policy`` (docs/rule-files.md).

    Attributes:
        in_force: The day the policy came into force.
        ongoing_only: Whether ``retroactivity`` is ``ongoing-only``.
        entered_before: Whether the partnership was entered before ``in_force``.
    """

    in_force: dt.date
    ongoing_only: bool
    entered_before: bool

    @classmethod
    def of(cls, partnership: Partnership, policy_in_force: dt.date, retroactivity: str) -> PolicyReach:
        entered = partnership.entered
        return cls(policy_in_force, retroactivity == "ongoing-only", entered is not None and entered < policy_in_force)

    def record(self, day: dt.date) -> bool:
        """Whether the policy reaches a record dated ``day``."""
        return not self.ongoing_only or day >= self.in_force

    @property
    def entering(self) -> bool:
        """Whether the policy reaches how the partnership was prepared and entered."""
        return not (self.ongoing_only and self.entered_before)

    def duties_from(self, start: dt.date | None) -> dt.date | None:
        """The day the partnership's ongoing duties count from (None without a start date)."""
        if start is None:
            return None
        return start if self.entering else max(start, self.in_force)


def counting_from(
    partnership: Partnership, policy_in_force: dt.date, retroactivity: str
) -> dt.date | None:
    """The day a partnership's ongoing duties count from, or None without a start date."""
    return PolicyReach.of(partnership, policy_in_force, retroactivity).duties_from(partnership.start_date)


def _add(date: dt.date, months: int) -> dt.date:
    try:
        return add_months(date, months)
    except OverflowError:
        return dt.date.max


def _rolling(
    name: str, since: dt.date, events: Iterable[tuple[dt.date, str]], months: int, open_path: str
) -> list[Duty]:
    duties = []
    basis = since
    for day, path in sorted(e for e in events if e[0] >= since):
        duties.append(Duty(name, _add(basis, months), basis, day, path))
        basis = day
    duties.append(Duty(name, _add(basis, months), basis, None, open_path))
    return duties


def _calendar_years(since: dt.date, events: list[tuple[dt.date, str]], as_of: dt.date) -> list[Duty]:
    duties = []
    for year in range(since.year + 1, max(as_of.year, since.year + 1) + 1):
        made = sorted(e for e in events if e[0].year == year and e[0] >= since)
        basis = dt.date(year, 1, 1)
        due = dt.date(year, 12, 31)
        if made:
            duties.append(Duty("follow-up", due, basis, made[0][0], made[0][1]))
        else:
            duties.append(Duty("follow-up", due, basis, None, "follow_ups"))
    return duties


def before_renewal(
    evaluation: Evaluation, decision: dt.date, opened: dt.date | None, window: int | str
) -> bool:
    """Whether ``evaluation`` is one made *inför beslut om eventuell förnyelse* (uppfoljning.2) of a renewal
    decided (or an agreement ending) on ``decision``, the renewal window having opened on
    ``opened`` (the start or the previous renewal).

    Under ``evaluation-window-months`` = N (rev. 2): an evaluation recorded as made for the
    renewal counts whatever its date since the window opened; any other only when made within
    N months before ``decision``. Under ``since-last-renewal`` (rev. 1): any evaluation since
    the window opened.
    """
    if opened is not None and evaluation.date < opened:
        return False
    if window == "since-last-renewal" or evaluation.purpose is EvaluationPurpose.RENEWAL:
        return True
    return evaluation.date >= add_months(decision, -int(window))


def renewals_with_evaluations(
    partnership: Partnership, start: dt.date | None, window: int | str
) -> list[tuple[int, Renewal, dt.date | None, tuple[dt.date, int] | None]]:
    """Each renewal, oldest first: its index, the day its window opened (the start or the
    previous renewal), and the evaluation that preceded it (its date and index), if one did.

    An evaluation precedes a renewal when the renewal names it and it is dated on or before the
    renewal; a renewal that names none is preceded by an evaluation made before it for it
    (:func:`before_renewal`, under ``evaluation-window-months`` = ``window``).
    """
    out = []
    opened = start
    for index, renewal in sorted(enumerate(partnership.agreement.renewals), key=lambda t: (t[1].date, t[0])):
        if renewal.evaluation is not None:
            made = [
                (e.date, i) for i, e in enumerate(partnership.evaluations)
                if e.id == renewal.evaluation and e.date <= renewal.date
            ]
        else:
            made = sorted(
                (e.date, i) for i, e in enumerate(partnership.evaluations)
                if e.date <= renewal.date and before_renewal(e, renewal.date, opened, window)
            )
        out.append((index, renewal, opened, made[-1] if made else None))
        opened = renewal.date
    return out


def _renewal_evaluations(
    partnership: Partnership, start: dt.date, since: dt.date, evaluation_window: int | str
) -> list[Duty]:
    duties = []
    window = start
    renewals = renewals_with_evaluations(partnership, start, evaluation_window)
    for index, renewal, opened, met in renewals:
        if renewal.date >= since:  # renewals before counting starts are not duties under the policy
            duties.append(
                Duty(
                    "renewal-evaluation", renewal.date, opened or start, met[0] if met else None,
                    f"evaluations[{met[1]}]" if met else f"agreement.renewals[{index}]",
                )
            )
        window = renewal.date
    ends, ends_path = partnership.agreement.ends, "agreement.ends"
    if renewals:
        last_index, last = renewals[-1][0], renewals[-1][1]
        ends, ends_path = last.until, f"agreement.renewals[{last_index}].until"
    if ends is not None:
        made = sorted(
            (e.date, i) for i, e in enumerate(partnership.evaluations)
            if before_renewal(e, ends, window, evaluation_window)
        )
        met = made[-1] if made else None
        duties.append(
            Duty(
                "renewal-evaluation", ends, window, met[0] if met else None,
                f"evaluations[{met[1]}]" if met else ends_path,
            )
        )
    return duties


def schedule(
    partnership: Partnership,
    as_of: dt.date,
    *,
    policy_in_force: dt.date,
    retroactivity: str,
    follow_up_cadence: str,
    risk_interval_months: int,
    evaluation_window: int | str,
) -> list[Duty]:
    """Every dated duty of an active partnership, met or not, sorted by due date.

    ``partnership`` is the view as of ``as_of`` (records dated later left out). A partnership
    that is not active, or has no start date, has no dated duties.
    """
    since = counting_from(partnership, policy_in_force, retroactivity)
    if partnership.stage is not Stage.ACTIVE or since is None or partnership.termination is not None:
        return []
    follow_ups = [(f.date, f"follow_ups[{i}]") for i, f in enumerate(partnership.follow_ups)]
    if follow_up_cadence == "calendar-year":
        duties = _calendar_years(since, follow_ups, as_of)
    else:
        duties = _rolling("follow-up", since, follow_ups, 12, "follow_ups")
    for by, name in ((AssessedBy.JOINT, "risk-joint"), (AssessedBy.KI, "risk-ki")):
        made = [
            (r.date, f"risk_assessments[{i}]")
            for i, r in enumerate(partnership.risk_assessments)
            if r.by is by
        ]
        duties += _rolling(name, since, made, risk_interval_months, "risk_assessments")
    duties += _renewal_evaluations(partnership, partnership.start_date or since, since, evaluation_window)
    return sorted(duties, key=lambda d: (d.due, d.name, d.path))
