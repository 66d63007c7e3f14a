"""The same subset of 14 rules seven ways, on the same generated partnerships, compared at equal
levels, with each tool used as its experts would use it.

Engine level (facts made beforehand, the same facts for all):
  (b) durable-rules through kipolicy's adapter: ``Program.run`` on kipolicy's facts;
  (g) kipolicy's plain-Python engine: ``PythonProgram.run`` on the same facts;
  (d) CLIPS through clipspy: the same facts as one ``load-facts`` string per assessment, into
      templates holding the slots the rules read, clipspy's Python error router off, the
      findings read back with one call.
Full path (a partnership document in, findings out):
  (a) kipolicy: ``assess`` with a rule book of the subset (findings with citations, evidence and
      messages), on durable-rules (the default engine);
  (f) the same on kipolicy's plain-Python engine (``engine="python"``);
  (e) CLIPS: kipolicy's fact builder, then the facts written as one ``load-facts`` string, run,
      and read back (findings as tuples: less than (a) gives).
Lower bound:
  (c) the plain-Python reference implementation of the subset (tests/reference.py).

Before anything is timed, (a), (c), (d) and (f) must agree on every input. Each of ``--processes``
fresh processes runs ``--rounds`` rounds; each round measures every variant once, in turn, for
``--seconds`` of thread CPU time. The figures are the median and the spread (min–max) over all
rounds of all processes. ``--json`` also prints them as JSON.

Run: ``python benchmarks/bench_engines.py [--n 400] [--processes 3] [--rounds 5] [--seconds 1]``.
Needs clipspy (in the test extra).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable

from common import ROOT, add_round_options, in_processes, machine, spread

AS_OF = dt.date(2026, 12, 1)
IN_FORCE = dt.date(2023, 2, 21)

CLIPS_RULES = r"""
(deftemplate finding (slot rule) (slot path) (slot kind) (slot due))
(defrule no-partner (partnership (continues TRUE)) (not (party (role "partner")))
  => (assert (finding (rule "definition.no-partner") (path "") (kind "violation"))))
(defrule not-formalised (partnership (continues TRUE) (formalised "absent"))
  => (assert (finding (rule "definition.not-formalised") (path "") (kind "violation"))))
(defrule not-formalised-lapsed (partnership (continues TRUE) (stage "active") (agreement_expired TRUE))
  => (assert (finding (rule "definition.not-formalised") (path "") (kind "violation"))))
(defrule management-not-engaged (partnership (continues TRUE)) (party (path ?p) (management_engagement "absent"))
  => (assert (finding (rule "definition.management-not-engaged") (path ?p) (kind "violation"))))
(defrule not-complementary
  (partnership (stage "proposal") (partners ?n&:(> ?n 0)) (under_policy TRUE))
  (not (party (role "partner") (complementary_fields ?c&:(> ?c 0))))
  (not (party (role "partner") (new_category TRUE)))
  (not (party (role "partner") (complementary_resources ?r&:(> ?r 0))))
  (not (party (role "partner") (kind nil)))
  => (assert (finding (rule "urval.not-complementary") (path "") (kind "warning"))))
(defrule not-weighed (risk_assessment (path ?p) (risks ?r&:(> ?r 0)) (weighed FALSE) (under_policy TRUE))
  => (assert (finding (rule "risk.not-weighed") (path ?p) (kind "violation"))))
(defrule external-support
  (risk_assessment (path ?p) (high_risks ?h&:(> ?h 0)) (external_support FALSE) (under_policy TRUE))
  => (assert (finding (rule "risk.external-support") (path ?p) (kind "recommendation"))))
(defrule joint-overdue (assessment (as_of ?a)) (duty (name "risk-joint") (met FALSE) (undecided FALSE) (path ?p) (due ?d&:(< ?d ?a)))
  => (assert (finding (rule "risk.joint-overdue") (path ?p) (kind "violation") (due ?d))))
(defrule ki-overdue (assessment (as_of ?a)) (duty (name "risk-ki") (met FALSE) (undecided FALSE) (path ?p) (due ?d&:(< ?d ?a)))
  => (assert (finding (rule "risk.ki-overdue") (path ?p) (kind "violation") (due ?d))))
(defrule no-ki-funding-unfunded
  (partnership (continues TRUE) (ki_funding FALSE) (partner_contributes FALSE) (external_funds 0))
  => (assert (finding (rule "resurssattning.no-ki-funding") (path "") (kind "warning"))))
(defrule no-ki-funding-funded-by-others
  (partnership (continues TRUE) (ki_funding FALSE) (partner_contributes ?c) (external_funds ?e))
  (test (or (eq ?c TRUE) (> ?e 0)))
  => (assert (finding (rule "resurssattning.no-ki-funding") (path "") (kind "note"))))
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
(defrule not-represented-active (partnership (stage "active") (continues TRUE) (steering_group TRUE))
  (party (path ?p) (represented FALSE))
  => (assert (finding (rule "organisation.party-not-represented") (path ?p) (kind "violation"))))
(defrule not-represented-proposal (partnership (stage "proposal") (steering_group TRUE))
  (party (path ?p) (represented FALSE))
  => (assert (finding (rule "organisation.party-not-represented") (path ?p) (kind "warning"))))
(deffunction findings-out ()
  (bind ?out (create$))
  (do-for-all-facts ((?f finding)) TRUE
    (bind ?out (create$ ?out (str-cat ?f:rule "|" ?f:path "|" ?f:kind "|" ?f:due))))
  ?out)
"""

#: The slots each template holds: those the rules read, as a CLIPS programmer would declare them.
SLOTS = {
    "assessment": ("as_of",),
    "partnership": ("formalised", "stage", "partners", "under_policy", "continues", "ki_funding",
                    "steering_group", "fora_levels", "agreement_expired", "partner_contributes", "external_funds"),
    "party": ("path", "role", "kind", "management_engagement", "complementary_fields", "complementary_resources",
              "new_category", "contacts",
              "represented"),
    "risk_assessment": ("path", "risks", "weighed", "under_policy", "high_risks", "external_support"),
    "duty": ("name", "met", "undecided", "path", "due"),
}


def _value(value: object) -> str:
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def clips_text(facts: list[dict]) -> str:
    """kipolicy's facts as one CLIPS ``load-facts`` text, with the slots the rules read."""
    parts = []
    for fact in facts:
        slots = SLOTS.get(fact["type"])
        if slots is None:
            continue
        body = " ".join(f"({name} {_value(fact[name])})" for name in slots if name in fact and fact[name] is not None)
        parts.append(f"({fact['type']} {body})")
    return "\n".join(parts)


class Clips:
    """The subset in one CLIPS environment."""

    def __init__(self) -> None:
        import clips

        self.env = clips.Environment()
        for router in list(self.env.routers()):  # clipspy's Python error router reads every character
            router.deactivate()
        for name, slots in SLOTS.items():
            self.env.build(f"(deftemplate {name} {' '.join(f'(slot {s})' for s in slots)})")
        for construct in _constructs(CLIPS_RULES):
            self.env.build(construct)

    def run(self, text: str) -> set[tuple]:
        env = self.env
        env.reset()
        env.load_facts(text)
        env.run()
        out = set()
        for item in env.eval("(findings-out)"):
            rule, path, kind, due = str(item).split("|")
            out.add((rule, path, kind, dt.date.fromordinal(int(due)) if due != "nil" else None))
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


VARIANTS = ("(a) kipolicy full path", "(f) kipolicy full path, python", "(e) CLIPS full path",
            "(b) durable-rules engine alone", "(g) python engine alone", "(d) CLIPS engine alone",
            "(c) plain Python reference")


def _cpu_rate(call: Callable[[], object], items: int, seconds: float) -> float:
    done, start = 0, time.thread_time()
    while time.thread_time() - start < seconds:
        call()
        done += items
    return done / (time.thread_time() - start)


def worker(n: int, rounds: int, seconds: float) -> dict:
    """One process: agreement, then ``rounds`` interleaved rounds of every variant."""
    sys.path.insert(0, str(ROOT))
    import kipolicy
    from kipolicy._rules.durable import Program
    from kipolicy._facts.facts import make_facts
    from kipolicy._policy.interpretations import Interpretations
    from kipolicy._rules.python import PythonProgram
    from kipolicy._rules.book import RuleBook
    from tests.generate import portfolio
    from tests.reference import SUBSET, reference

    book = kipolicy.rules()
    subset = RuleBook([r for r in book if r.id in SUBSET], book.fact_types, "subset")
    partnerships = [kipolicy.load_partnership(d) for d in portfolio(n, seed=42)]
    partnerships = [p for p in partnerships if p.level.value == "ki-wide"]  # in scope: no gates in the subset
    interp = Interpretations()
    facts = [make_facts(p, AS_OF, interp, IN_FORCE).facts for p in partnerships]
    texts = [clips_text(f) for f in facts]
    program = Program(subset)
    python_program = PythonProgram(subset)
    clips_engine = Clips()

    def full() -> None:
        for p in partnerships:
            kipolicy.assess(p, as_of=AS_OF, rules=subset)

    def full_python() -> None:
        for p in partnerships:
            kipolicy.assess(p, as_of=AS_OF, rules=subset, engine="python")

    def python_engine() -> None:
        for f in facts:
            python_program.run(f, lambda firing: [], lambda: None)

    def clips_full() -> None:
        for p in partnerships:
            clips_engine.run(clips_text(make_facts(p, AS_OF, interp, IN_FORCE).facts))

    def engine() -> None:
        for f in facts:
            program.run(f, lambda firing: [], lambda: None)

    def in_clips() -> None:
        for t in texts:
            clips_engine.run(t)

    def plain() -> None:
        for p in partnerships:
            reference(p, AS_OF)

    agree = 0
    for p, t in zip(partnerships, texts, strict=True):
        expected = reference(p, AS_OF)
        got = {(x.rule_id, x.subject.path, x.kind, x.due) for x in kipolicy.assess(p, as_of=AS_OF, rules=subset).findings}
        on_python = {(x.rule_id, x.subject.path, x.kind, x.due)
                     for x in kipolicy.assess(p, as_of=AS_OF, rules=subset, engine="python").findings}
        agree += got == expected == clips_engine.run(t) == on_python
    calls = dict(zip(VARIANTS, (full, full_python, clips_full, engine, python_engine, in_clips, plain), strict=True))
    for call in calls.values():
        call()  # warm up
    measured: dict[str, list[float]] = {name: [] for name in VARIANTS}
    for _ in range(rounds):
        for name, call in calls.items():
            measured[name].append(_cpu_rate(call, len(partnerships), seconds))
    return {"inputs": len(partnerships), "rules": len(SUBSET), "agree": agree, "rates": measured}


def _check_slots() -> None:
    """Every slot the CLIPS templates declare is a field of kipolicy's facts: a renamed field
    would leave a slot nil and CLIPS quietly not firing."""
    from kipolicy._facts.facts import FACT_TYPES

    unknown = [f"{t}.{f}" for t, fields in SLOTS.items() for f in fields if f != "path" and f not in FACT_TYPES[t].fields]
    if unknown:
        raise SystemExit(f"the CLIPS templates name fields the facts do not have: {', '.join(unknown)}")


def main() -> int:
    _check_slots()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_round_options(parser, n=400, processes=3, rounds=5, seconds=1.0)
    args = parser.parse_args()
    results = in_processes(__file__, args, worker)
    if results is None:
        return 0
    inputs, rules = results[0]["inputs"], results[0]["rules"]
    rates = {name: [r for result in results for r in result["rates"][name]] for name in VARIANTS}
    median = {name: statistics.median(values) for name, values in rates.items()}
    print(f"machine: {machine()}")
    print(f"inputs: {inputs} generated KI-wide partnerships, {rules} rules, as of {AS_OF}; "
          f"{args.processes} processes x {args.rounds} interleaved rounds, {args.seconds:g} s of thread CPU time each")
    agree = sum(r["agree"] for r in results)
    print(f"agreement (kipolicy on both engines == reference == CLIPS): {agree}/{inputs * len(results)}")
    print(f"{'variant':<34} {'assessments per CPU second, median (min–max)':>46}")
    for name in VARIANTS:
        print(f"{name:<34} {spread(rates[name]):>46}")
    a, f, e, b, g, d, c = (median[name] for name in VARIANTS)
    print(f"engine level: CLIPS takes {b / d:.2f}x the time of durable-rules, {g / d:.2f}x the time of the python engine "
          "(below 1: CLIPS is faster)")
    print(f"full path: CLIPS takes {a / e:.2f}x the time of kipolicy on durable-rules, {f / e:.2f}x on the python engine "
          "(below 1: CLIPS is faster)")
    print(f"kipolicy full path / engine alone: {b / a:.2f}x the time on durable-rules, {g / f:.2f}x on the python engine")
    print(f"python engine / durable-rules: {b / g:.2f}x the time at the engine level, {a / f:.2f}x on the full path")
    print(f"kipolicy full path / plain Python: {c / a:.1f}x the time")
    if args.json:
        print(json.dumps({"machine": machine(), "inputs": inputs, "rules": rules, "rates": rates,
                          "median": median, "agreement": [agree, inputs * len(results)]}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
