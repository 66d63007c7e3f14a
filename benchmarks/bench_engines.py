"""The same subset of rules four ways, on the same generated inputs, in one run.

(a) kipolicy's full path: ``assess`` with a rule book of the subset (document to report);
(b) the engine call alone: the compiled subset run on facts made beforehand;
(c) the plain-Python reference implementation (tests/reference.py): the lower bound;
(d) the same subset in CLIPS through clipspy, on the same facts as (b).

Prints assessments per second and the ratios, and checks that (a), (c) and (d) agree.
Run: ``python benchmarks/bench_engines.py [--n 400] [--seconds 3]``. Needs ``pip install clipspy``.
"""

from __future__ import annotations

import argparse
import datetime as dt

from common import machine, rate

import kipolicy
from kipolicy._engine import Program
from kipolicy._facts import FACT_TYPES, make_facts
from kipolicy._interpretations import Interpretations
from kipolicy._rules import RuleBook
from tests.generate import portfolio
from tests.reference import SUBSET, reference

AS_OF = dt.date(2026, 12, 1)
IN_FORCE = dt.date(2023, 2, 21)

CLIPS_RULES = r"""
(deftemplate finding (slot rule) (slot path) (slot kind) (slot due))
(defrule no-partner (partnership) (not (party (role "partner")))
  => (assert (finding (rule "definition.no-partner") (path "") (kind "violation"))))
(defrule not-formalised (partnership (formalised "absent"))
  => (assert (finding (rule "definition.not-formalised") (path "") (kind "violation"))))
(defrule management-not-engaged (party (path ?p) (management_engagement "absent"))
  => (assert (finding (rule "definition.management-not-engaged") (path ?p) (kind "violation"))))
(defrule not-complementary
  (partnership (stage "proposal") (partners ?n&:(> ?n 0)) (preparation_assessed TRUE))
  (not (party (role "partner") (complementary_fields ?c&:(> ?c 0))))
  (not (party (role "partner") (new_category TRUE)))
  => (assert (finding (rule "urval.not-complementary") (path "") (kind "warning"))))
(defrule not-weighed (risk_assessment (path ?p) (risks ?r&:(> ?r 0)) (weighed FALSE) (under_policy TRUE))
  => (assert (finding (rule "risk.not-weighed") (path ?p) (kind "violation"))))
(defrule external-support
  (risk_assessment (path ?p) (high_risks ?h&:(> ?h 0)) (external_support FALSE) (under_policy TRUE))
  => (assert (finding (rule "risk.external-support") (path ?p) (kind "recommendation"))))
(defrule joint-overdue (assessment (as_of ?a)) (duty (name "risk-joint") (met FALSE) (path ?p) (due ?d&:(< ?d ?a)))
  => (assert (finding (rule "risk.joint-overdue") (path ?p) (kind "violation") (due ?d))))
(defrule ki-overdue (assessment (as_of ?a)) (duty (name "risk-ki") (met FALSE) (path ?p) (due ?d&:(< ?d ?a)))
  => (assert (finding (rule "risk.ki-overdue") (path ?p) (kind "violation") (due ?d))))
(defrule no-ki-funding (partnership (continues TRUE) (ki_funding FALSE))
  => (assert (finding (rule "resurssattning.no-ki-funding") (path "") (kind "violation"))))
(defrule no-steering-group-active (partnership (stage "active") (continues TRUE) (steering_group FALSE))
  => (assert (finding (rule "organisation.no-steering-group") (path "") (kind "violation"))))
(defrule no-steering-group-proposal (partnership (stage "proposal") (steering_group FALSE))
  => (assert (finding (rule "organisation.no-steering-group") (path "") (kind "warning"))))
(defrule key-person (partnership (continues TRUE)) (party (path ?p) (contacts ?c&:(< ?c 2)))
  => (assert (finding (rule "organisation.key-person-dependency") (path ?p) (kind "warning"))))
(defrule single-level-active (partnership (stage "active") (continues TRUE) (fora_levels ?l&:(< ?l 2)))
  => (assert (finding (rule "organisation.single-level-fora") (path "") (kind "violation"))))
(defrule single-level-proposal (partnership (stage "proposal") (fora_levels ?l&:(< ?l 2)))
  => (assert (finding (rule "organisation.single-level-fora") (path "") (kind "warning"))))
(defrule annual-overdue (assessment (as_of ?a)) (duty (name "follow-up") (met FALSE) (path ?p) (due ?d&:(< ?d ?a)))
  => (assert (finding (rule "uppfoljning.annual-overdue") (path ?p) (kind "violation") (due ?d))))
(defrule agreement-expired (partnership (stage "active") (continues TRUE) (agreement_expired TRUE))
  => (assert (finding (rule "uppfoljning.agreement-expired") (path "") (kind "warning"))))
"""

_CLIPS_TYPES = ("assessment", "partnership", "party", "risk_assessment", "duty")


class Clips:
    """The subset in a CLIPS environment, fed kipolicy's facts."""

    def __init__(self) -> None:
        import clips

        self.clips = clips
        self.env = clips.Environment()
        for name in _CLIPS_TYPES:
            slots = " ".join(f"(slot {f})" for f in ("path", *FACT_TYPES[name].fields))
            self.env.build(f"(deftemplate {name} {slots})")
        for construct in _constructs(CLIPS_RULES):
            self.env.build(construct)
        self.templates = {name: self.env.find_template(name) for name in _CLIPS_TYPES}
        self.true, self.false = clips.Symbol("TRUE"), clips.Symbol("FALSE")

    def run(self, facts: list[dict]) -> set[tuple]:
        env = self.env
        env.reset()
        for fact in facts:
            template = self.templates.get(fact["type"])
            if template is None:
                continue
            slots = {k: (self.true if v is True else self.false if v is False else v) for k, v in fact.items() if k != "type"}
            template.assert_fact(**slots)
        env.run()
        out = set()
        for fact in env.facts():
            if fact.template.name == "finding":
                due = fact["due"]
                out.add((fact["rule"], fact["path"], fact["kind"], dt.date.fromordinal(due) if isinstance(due, int) else None))
        return out


def _constructs(text: str) -> list[str]:
    """Split CLIPS source into top-level constructs."""
    out, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        if depth:
            current.append(char)
        if char == ")":
            depth -= 1
            if depth == 0:
                out.append("".join(current))
                current = []
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=400, help="generated partnerships (default 400)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds per measurement")
    args = parser.parse_args()

    book = kipolicy.rules()
    subset = RuleBook([r for r in book if r.id in SUBSET], book.fact_types, "subset")
    partnerships = [kipolicy.load_partnership(d) for d in portfolio(args.n, seed=42)]
    partnerships = [p for p in partnerships if p.level.value == "ki-wide"]  # in scope: no gates in the subset
    interp = Interpretations()
    facts = [make_facts(p, AS_OF, interp, IN_FORCE).facts for p in partnerships]
    program = Program(subset)
    clips_engine = Clips()

    def full() -> None:
        for p in partnerships:
            kipolicy.assess(p, as_of=AS_OF, rules=subset)

    def engine() -> None:
        for f in facts:
            program.run(f, lambda firing: [], lambda: None)

    def plain() -> None:
        for p in partnerships:
            reference(p, AS_OF)

    def in_clips() -> None:
        for f in facts:
            clips_engine.run(f)

    # The four agree before anything is timed.
    agree = 0
    for p, f in zip(partnerships, facts, strict=True):
        expected = reference(p, AS_OF)
        got = {(x.rule_id, x.subject.path, x.kind, x.due) for x in kipolicy.assess(p, as_of=AS_OF, rules=subset).findings}
        agree += got == expected == clips_engine.run(f)
    print(f"machine: {machine()}")
    print(f"inputs: {len(partnerships)} generated KI-wide partnerships, {len(SUBSET)} rules, as of {AS_OF}")
    print(f"agreement (kipolicy == reference == CLIPS): {agree}/{len(partnerships)}")
    n = len(partnerships)
    rates = {
        "(a) kipolicy full path": rate(full, n, args.seconds),
        "(b) engine call alone": rate(engine, n, args.seconds),
        "(c) plain Python reference": rate(plain, n, args.seconds),
        "(d) CLIPS (clipspy)": rate(in_clips, n, args.seconds),
    }
    for name, value in rates.items():
        print(f"{name:<30} {value:>10,.0f} assessments/s")
    a, b, c, d = rates.values()
    print(f"full path / engine alone: {b / a:.2f}x the time")
    print(f"full path / plain Python: {c / a:.1f}x the time")
    print(f"CLIPS / full path: {a / d:.2f}x the speed of CLIPS (above 1: kipolicy is faster)")
    print(f"CLIPS / engine alone: {b / d:.2f}x")


if __name__ == "__main__":
    main()
