"""A plain-Python reference implementation of a subset of the rules.

It reads the policy's rules for this subset directly off the partnership, without facts, rule
files or an engine, under the default interpretations. The tests use it as an oracle (kipolicy's
findings for these rules must be exactly these), and the benchmarks as the lower bound on what
assessing these rules can cost.

The subset spans the definition, selection, risk, resourcing, organisation and follow-up, with
two negations (``definition.no-partner``, ``urval.not-complementary``) and three date rules
(``risk.joint-overdue``, ``risk.ki-overdue``, ``uppfoljning.annual-overdue``).
"""

from __future__ import annotations

import calendar
import datetime as dt

from kipolicy import Partnership

IN_FORCE = dt.date(2023, 2, 21)

SUBSET = (
    "definition.no-partner",
    "definition.not-formalised",
    "definition.management-not-engaged",
    "urval.not-complementary",
    "risk.not-weighed",
    "risk.external-support",
    "risk.joint-overdue",
    "risk.ki-overdue",
    "resurssattning.no-ki-funding",
    "organisation.no-steering-group",
    "organisation.key-person-dependency",
    "organisation.single-level-fora",
    "uppfoljning.annual-overdue",
    "organisation.party-not-represented",
)

# urval.4: KI's own competence as FORD codes (the model keeps fields as codes): the KI party's
# fields if given, else broad area 3 and field 1.6.
_OWN = frozenset({"3", "1.6"})


def _outside(code: str, own: frozenset[str]) -> bool:
    area = code.split(".")[0] if "." in code else None
    return code not in own and (area is None or area not in own)

Finding = tuple[str, str, str, "dt.date | None"]


def _plus_months(date: dt.date, months: int) -> dt.date:
    month = date.month - 1 + months
    year = date.year + month // 12
    month = month % 12 + 1
    return dt.date(year, month, min(date.day, calendar.monthrange(year, month)[1]))


def _norm(text: str) -> str:
    return " ".join(text.casefold().split())


def reference(p: Partnership, as_of: dt.date) -> set[Finding]:
    """The findings of the subset for ``p`` as of ``as_of``: (rule id, subject path, kind, due)."""
    out: set[Finding] = set()
    if as_of < IN_FORCE or p.level.value != "ki-wide":
        return out
    decision = p.establishment.decision
    decision_date = decision.date if decision is not None and decision.date <= as_of else None
    start = p.started or p.agreement.signed or decision_date
    entered = decision_date or start
    before_policy = entered is not None and entered < IN_FORCE
    stage = p.stage.value
    terminated = p.termination is not None and p.termination.date <= as_of
    continues = stage != "ended" and not terminated
    partners = [(i, party) for i, party in enumerate(p.parties) if party.role.value == "partner"]

    # The definition concerns running partnerships: an ended one gets no definition findings.
    if continues and not partners:
        out.add(("definition.no-partner", "", "violation", None))
    # expired-agreement = not-formalised: an active partnership whose agreement ended without a
    # renewal or an extension is not formalised, whatever the trait says.
    renewals = sorted((r for r in p.agreement.renewals if r.date <= as_of), key=lambda r: r.date)
    ends = renewals[-1].until if renewals else p.agreement.ends
    lapsed = stage == "active" and ends is not None and ends < as_of and p.agreement.extension is None
    formalised = p.traits.formalised
    if continues and ((formalised is not None and formalised.value == "absent") or lapsed):
        out.add(("definition.not-formalised", "", "violation", None))
    for i, party in enumerate(p.parties):
        # Unknown is not absent: only an engagement stated as absent is a departure.
        if continues and party.management_engagement is not None and party.management_engagement.value == "absent":
            out.add(("definition.management-not-engaged", f"parties[{i}]", "violation", None))
    ki = next((party for party in p.parties if party.role.value == "ki"), None)
    own = frozenset(ki.fields) if ki is not None and ki.fields else _OWN
    if stage == "proposal" and partners and not before_policy:
        complementary = any(
            any(_outside(f, own) for f in party.fields)
            or any(b.strip() for b in party.brings)
            # Without a portfolio every category outside academia is new (urval.4, rev. 2).
            or (party.kind is not None and party.kind.value in ("civil-society", "public-sector", "government-agency", "company"))
            for _, party in partners
        )
        # A partner of unknown kind might be a new category: then it is not decided.
        unknown_kind = any(party.kind is None for _, party in partners)
        if not complementary and not unknown_kind:
            out.add(("urval.not-complementary", "", "warning", None))

    for i, assessment in enumerate(p.risk_assessments):
        if assessment.date > as_of or (assessment.date < IN_FORCE):
            # ongoing-only: an assessment made before the policy came into force is not judged
            continue
        if assessment.risks and assessment.weighed_against_benefit is False:
            out.add(("risk.not-weighed", f"risk_assessments[{i}]", "violation", None))
        if any(r.level.value == "high" for r in assessment.risks) and assessment.external_support is False:
            out.add(("risk.external-support", f"risk_assessments[{i}]", "recommendation", None))

    if stage == "active" and not terminated and start is not None:
        counting = max(start, IN_FORCE) if before_policy else start
        for by, rule in (("joint", "risk.joint-overdue"), ("ki", "risk.ki-overdue")):
            made = [r.date for r in p.risk_assessments if r.by is not None and r.by.value == by and counting <= r.date <= as_of]
            basis = max(made, default=counting)
            due = _plus_months(basis, 12)
            # An assessment that does not say who made it, since the basis: undecided, not overdue.
            undecided = any(r.by is None and basis <= r.date <= as_of for r in p.risk_assessments)
            if due < as_of and not undecided:
                out.add((rule, "risk_assessments", "violation", due))
        made = [f.date for f in p.follow_ups if counting <= f.date <= as_of]
        due = _plus_months(max(made, default=counting), 12)
        if due < as_of:
            out.add(("uppfoljning.annual-overdue", "follow_ups", "violation", due))

    if continues and p.resourcing.ki_funding is False:
        # ki-funding = capacity: a warning when nothing funds the joint activities, else a note.
        others = bool(p.resourcing.partner_contribution) or any(f.strip() for f in p.resourcing.external_funds)
        out.add(("resurssattning.no-ki-funding", "", "note" if others else "warning", None))
    if continues:
        for i, party in enumerate(p.parties):
            if sum(1 for c in party.contact_persons if c.strip()) < 2:
                out.add(("organisation.key-person-dependency", f"parties[{i}]", "warning", None))
    # Levels from the level vocabulary (the model keeps each forum's level as its term's id);
    # the steering group is a forum at the management level.
    levels = {f.level for f in p.fora} | ({"management"} if p.steering_group is not None else set())
    for kind, applies in (("violation", stage == "active" and continues), ("warning", stage == "proposal")):
        if applies and p.steering_group is None:
            out.add(("organisation.no-steering-group", "", kind, None))
        if applies and len(levels) < 2:
            out.add(("organisation.single-level-fora", "", kind, None))
        if applies and p.steering_group is not None:
            represented = {m.party for m in p.steering_group.members if m.management_representative}
            for i, party in enumerate(p.parties):
                if party.id not in represented:
                    out.add(("organisation.party-not-represented", f"parties[{i}]", kind, None))
    return out
