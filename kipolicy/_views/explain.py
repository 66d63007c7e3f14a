"""Why a finding was drawn, and why a rule did not fire.

:func:`explain` renders a finding's ``because`` tree as text a lawyer can follow: the facts that
made the rule fire, each field with where in the document it comes from, and for a fact another
rule derived, that rule, the units it cites, and the facts behind it, down to the document.

:func:`why_not` answers from the rule's own declarative conditions, evaluated in plain Python
over the facts the assessment ran on: which condition no fact met (and, for each fact of that
kind, which clause it fails and with what value), or which fact blocked a "there is no such
fact" condition; and whether the rule was switched off by a gate (the policy not in force, a
partnership out of scope), by the retroactivity reading, or by an interpretation.

The evaluator is independent of the engine: a test checks, on generated partnerships, that it
agrees with the engine on every rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs

from .._base.calendar import from_day
from .._base.errors import UnknownIdError
from .._base.escape import plain
from .._rules.evaluate import Fact, holds, matches
from .._facts.facts import field_path
from .._policy.interpretations import INTERPRETATIONS
from .._policy.text import policy
from .._base.html import preformatted_html
from .._rules.ast import STEPS, Condition, Rule, describe_condition
from .._rules.book import RuleBook, default_rules
from .._policy.words import LANGS, check_lang, kind_label, phrases, value_label

if TYPE_CHECKING:
    from .._report.report import Evidence, Finding, Report

__all__ = ["ConditionReport", "WhyNot", "explain", "why_not"]




# -- explain ----------------------------------------------------------------------------------


def _value(value: Any, lang: str) -> str:
    return value_label(value, lang)


def _evidence_lines(evidence: Evidence, lang: str, depth: int) -> list[str]:
    words = phrases("explain", lang)
    pad = "  " * depth
    where = evidence.path or ("(the assessment)" if evidence.fact_type == "assessment" else "(the partnership)")
    if lang == "sv":
        where = evidence.path or ("(bedömningen)" if evidence.fact_type == "assessment" else "(partnerskapet)")
    head = f"{pad}- {evidence.fact_type} {where}"
    lines = []
    if evidence.derived_by:
        units = ", ".join(evidence.derived_cites)
        head += f" — {words['derived'].format(rule=evidence.derived_by)} {units}"
    lines.append(head)
    for field, value in evidence.values.items():
        source = evidence.field_paths.get(field, "")
        origin = f"  [{words['from']} {source}]" if source and source != evidence.path else ""
        lines.append(f"{pad}    {field} = {_value(value, lang)}{origin}")
    for unit_id in evidence.derived_cites:
        unit = policy().unit(unit_id)
        lines.append(f'{pad}    {unit.id}: "{unit.text(lang)}"')
    for origin_evidence in evidence.sources:
        lines += _evidence_lines(origin_evidence, lang, depth + 1)
    return lines


def explain_finding(finding: Finding, lang: str = "en") -> str:
    """One finding, its cited text and the tree of facts that made it fire, as text."""
    check_lang(lang)
    words = phrases("explain", lang)
    due = f" ({phrases('report', lang)['due']} {finding.due})" if finding.due else ""
    lines = [
        f"{finding.rule_id} [{kind_label(finding.kind, lang)}, {finding.modality}]{due}: {finding.title(lang)}",
        f"{words['subject']}: {finding.subject}",
        finding.message(lang),
        f"{words['remedy']}: {finding.remedy(lang)}",
        f"{words['cites']}:",
    ]
    lines += [f'  {c.unit}: "{c.text(lang)}"' for c in finding.citations]
    lines.append(f"{words['because']}:")
    for evidence in finding.because:
        lines += _evidence_lines(evidence, lang, 1)
    return plain("\n".join(lines) + "\n")


def explain(report: Report, target: str | Finding, lang: str = "en") -> str:
    """Why ``target`` (a finding, or a rule id: all its findings) was concluded, as text.

    A rule that did not fire is answered with :func:`why_not`.

    Raises:
        UnknownIdError: The rule id is not in the rule book the report was made with.
    """
    check_lang(lang)
    if not isinstance(target, str):
        return explain_finding(target, lang)
    _rule_of(report, target)
    findings = report.by_rule(target)
    if not findings:
        return why_not(report, target).text(lang)
    return "\n".join(explain_finding(f, lang) for f in findings)


# -- why not -----------------------------------------------------------------------------------


def _book(report: Report) -> RuleBook:
    if report.rules is not None:
        return report.rules
    return default_rules()


def _rule_of(report: Report, rule_id: str) -> Rule:
    book = _book(report)
    if rule_id not in book:
        raise UnknownIdError("rule", rule_id, book.ids())
    return book.rule(rule_id)


@attrs.frozen
class ConditionReport:
    """Why one alternative of a rule did not hold: the condition where it stopped.

    Attributes:
        alternative: The alternative's index.
        condition: The index of the condition that failed, or None when all hold.
        text: That condition in words (English; ``text_sv`` in Swedish), its clauses as the
            rule file writes them.
        negated: Whether it is a "there is no such fact" condition.
        facts: For a positive condition, each fact of its type with the clauses it fails
            (``{"path": ..., "fails": [{"clause", "field", "value", "field_path"}]}``); for a
            negated one, the facts that block it.
        interpretation: When the failing clauses are on the assessment fact, the
            interpretation that switches the rule off, as ``name = value``.
    """

    alternative: int
    condition: int | None
    text: str = ""
    negated: bool = False
    facts: tuple[Mapping[str, Any], ...] = ()
    interpretation: str | None = None
    text_sv: str = ""

    def in_words(self, lang: str) -> str:
        """The condition in ``lang``."""
        return self.text_sv if lang == "sv" and self.text_sv else self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "alternative": self.alternative,
            "condition": self.condition,
            "text": self.text,
            "negated": self.negated,
            "facts": [dict(f) for f in self.facts],
            "interpretation": self.interpretation,
        }


@attrs.frozen
class WhyNot:
    """The answer to "why did this rule not fire?".

    Attributes:
        rule_id: The rule asked about.
        fired: Whether it fired after all (then there is nothing to explain).
        conditions_hold: Whether its conditions hold over the assessment's facts, as evaluated
            here (independently of the engine).
        gate: Why it was not assessed at all, if it was not: ``halted``, ``retroactivity``.
        halted_by: The rule that stopped the assessment before this rule's step, if one did.
        alternatives: For each way the rule can fire, where it stopped.
        texts: The answer in Swedish and English.
    """

    rule_id: str
    fired: bool
    conditions_hold: bool
    gate: str | None
    halted_by: str | None
    alternatives: tuple[ConditionReport, ...]
    texts: Mapping[str, str] = attrs.field(repr=False)

    def text(self, lang: str = "en") -> str:
        """The answer in ``lang``."""
        return self.texts[check_lang(lang)]

    def __str__(self) -> str:
        return self.text("en")

    def _repr_html_(self) -> str:
        return preformatted_html(self.text("en"))

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "fired": self.fired,
            "conditions_hold": self.conditions_hold,
            "gate": self.gate,
            "halted_by": self.halted_by,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "text": dict(self.texts),
        }


def _shown(fact_type: Any, field: str, value: Any) -> Any:
    spec = fact_type.fields.get(field) if fact_type is not None else None
    if spec is not None and spec.type == "date" and isinstance(value, int):
        return from_day(value)
    return value


def _failures(condition: Condition, fact: Fact, bound: Mapping[str, Fact], book: RuleBook) -> list[dict[str, Any]]:
    fact_type = book.fact_types.get(condition.fact_type)
    fails = []
    clauses = [c for c in condition.where if not holds(c, fact, bound)]
    for clause in clauses:
        fails.append(
            {
                "clause": str(clause),
                "field": clause.field,
                "value": _shown(fact_type, clause.field, fact[clause.field]) if clause.field in fact else None,
                "field_path": field_path(fact_type, fact, clause.field),
            }
        )
    return fails


class _Search:
    """Finds a match for one alternative, remembering the deepest condition that failed."""

    def __init__(self, conditions: Sequence[Condition], by_type: Mapping[str, list[Fact]], book: RuleBook) -> None:
        self.conditions = conditions
        self.by_type = by_type
        self.book = book
        self.deepest = -1
        self.failure: tuple[int, list[Mapping[str, Any]]] | None = None

    def _fail(self, index: int, facts: list[Mapping[str, Any]]) -> None:
        if index > self.deepest:
            self.deepest = index
            self.failure = (index, facts)

    def run(self, index: int = 0, bound: Mapping[str, Fact] | None = None) -> Iterator[Mapping[str, Fact]]:
        bound = bound or {}
        if index == len(self.conditions):
            yield bound
            return
        condition = self.conditions[index]
        facts = self.by_type.get(condition.fact_type, [])
        if condition.negated:
            blockers = [f for f in facts if matches(condition, f, bound)]
            if blockers:
                self._fail(index, [{"path": f.get("path", ""), "blocks": True} for f in blockers])
                return
            yield from self.run(index + 1, bound)
            return
        found = [f for f in facts if matches(condition, f, bound)]
        if not found:
            self._fail(
                index,
                [{"path": f.get("path", ""), "fails": _failures(condition, f, bound, self.book)} for f in facts],
            )
            return
        for fact in found:
            yield from self.run(index + 1, {**bound, condition.alias: fact})


def _interpretation_of(condition: Condition, facts: Sequence[Mapping[str, Any]]) -> str | None:
    if condition.fact_type != "assessment" or not facts:
        return None
    names = []
    for fail in facts[0].get("fails", []):
        interpretation = next((i for i in INTERPRETATIONS.values() if i.field == fail["field"]), None)
        if interpretation is not None:
            names.append(f"{interpretation.name} = {fail['value'] if fail['value'] is not None else 'none'}")
    return ", ".join(names) or None


def evaluate(rule: Rule, facts: Sequence[Fact], book: RuleBook) -> tuple[bool, tuple[ConditionReport, ...]]:
    """Whether a rule's conditions hold over ``facts``, and where each alternative stopped."""
    by_type: dict[str, list[Fact]] = {}
    for fact in facts:
        by_type.setdefault(str(fact.get("type")), []).append(fact)
    reports = []
    holds_any = False
    for index, alternative in enumerate(rule.alternatives):
        search = _Search(alternative.conditions, by_type, book)
        if next(search.run(), None) is not None:
            holds_any = True
            reports.append(ConditionReport(index, None))
            continue
        assert search.failure is not None
        at, details = search.failure
        condition = alternative.conditions[at]
        reports.append(
            ConditionReport(
                index, at, describe_condition(condition, "en"), condition.negated, tuple(details),
                _interpretation_of(condition, details), describe_condition(condition, "sv"),
            )
        )
    return holds_any, tuple(reports)


def _alternative_lines(report: ConditionReport, lang: str, several: bool) -> list[str]:
    w = phrases("explain", lang)
    prefix = w["alternative"].format(n=report.alternative + 1) if several else ""
    if report.condition is None:
        return [prefix + w["holds"]]
    if report.interpretation:
        return [prefix + w["switched_off"].format(interpretation=report.interpretation, text=report.in_words(lang))]
    if report.negated:
        paths = ", ".join(f["path"] or w["the_partnership"] for f in report.facts)
        return [prefix + w["blocked"].format(text=report.in_words(lang), paths=paths)]
    if not report.facts:
        return [prefix + w["no_such_fact"].format(text=report.in_words(lang))]
    lines = [prefix + w["no_fact_meets"].format(text=report.in_words(lang))]
    for fact in report.facts[:8]:
        fails = "; ".join(
            w["fails"].format(
                clause=f["clause"], field=f["field_path"] or f["field"],
                value=value_label(f["value"], lang) if f["value"] is not None else w["missing"],
            )
            for f in fact["fails"]
        )
        lines.append(f"  - {fact['path'] or w['the_partnership']}: {fails}")
    if len(report.facts) > 8:
        lines.append(w["more"].format(n=len(report.facts) - 8))
    return lines


def why_not(report: Report, rule_id: str) -> WhyNot:
    """Why ``rule_id`` did not fire in ``report`` (or, if it did, that it did).

    Raises:
        UnknownIdError: The rule id is not in the rule book the report was made with.
    """
    rule = _rule_of(report, rule_id)
    book = _book(report)
    fired = bool(report.by_rule(rule_id))
    holds_any, alternatives = evaluate(rule, report.facts, book)
    gate = None
    halted_by = None
    if report.halted_by is not None and report.halted_by != rule_id:
        halting = book.rule(report.halted_by)
        if STEPS.index(rule.step) > STEPS.index(halting.step) and rule.section not in report.kept_sections:
            gate, halted_by = "halted", report.halted_by
    partnership = next((f for f in report.facts if f.get("type") == "partnership"), None)
    if gate is None and not rule.retroactive and partnership is not None and partnership.get("under_policy") is False:
        gate = "retroactivity"
    texts = {}
    for lang in LANGS:
        w = phrases("explain", lang)
        if fired:
            texts[lang] = w["fired"].format(rule=rule_id, n=len(report.by_rule(rule_id)))
            continue
        lines = [w["none"].format(rule=rule_id)]
        if gate == "halted":
            lines.append(w["halted"].format(rule=halted_by, step=rule.step))
        elif gate == "retroactivity":
            lines.append(w["not_retroactive"])
        elif holds_any:
            lines.append(w["engine_bug"])
        several = len(alternatives) > 1
        if gate != "halted":
            for alternative in alternatives:
                lines += _alternative_lines(alternative, lang, several)
        texts[lang] = plain("\n".join(lines) + "\n")
    return WhyNot(rule_id, fired, holds_any, gate, halted_by, alternatives, texts)
