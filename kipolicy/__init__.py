"""kipolicy: Karolinska Institutet's policy for strategic partnerships as executable rules.

Describe a partnership, ask whether it meets the policy as of a date, and get findings that
cite the policy's own words::

    import kipolicy

    partnership = kipolicy.load_partnership("examples/strategic-proposal.toml")
    report = kipolicy.assess(partnership, as_of="2025-03-01")
    for finding in report.findings:
        print(finding.kind, finding.rule_id, finding.message("en"))
"""

from __future__ import annotations

import importlib
import sys as _sys
from typing import TYPE_CHECKING, Any

if _sys.version_info[:2] < (3, 11):  # noqa: UP036  # pragma: no cover - pip refuses older versions
    raise ImportError(
        "kipolicy needs Python 3.11 or later (this is Python "
        f"{_sys.version_info.major}.{_sys.version_info.minor}): it reads TOML with tomllib."
    )


if TYPE_CHECKING:  # the same names, for type checkers and editors
    from ._assess.assess import assess
    from ._document.read import load_partnership, to_document, variant
    from ._base.errors import (
        EngineError, InputError, InterpretationError, KipolicyError, Problem, RuleFileError,
        UnknownIdError,
    )
    from ._policy.interpretations import INTERPRETATIONS, Interpretation, Interpretations
    from ._document.model import (
        AddedValue, AdminSupport, Agreement, Area, AssessedBy, ContributionKind, Decision,
        Establishment, Ethics, EthicsAspect, EthicsStatus, Evaluation, EvaluationPurpose, Extension, FollowUp, Forum,
        Initiative, Level, OpenEnded, Outcome, Party, PartyKind, PartyRole, Partnership, Reach, Renewal,
        Resourcing, Risk, RiskAssessment, RiskLevel, RiskPurpose, Stage, SteeringGroup,
        Selection, SteeringMember, Strategy, Termination, TerminationKind, TraitStatus, Traits, ValueDimension,
    )
    from ._policy.text import Document, Policy, Section, Unit, policy
    from ._base.calendar import add_months
    from ._views.explain import WhyNot, why_not
    from ._views.diff import ReportDiff
    from ._assess.whatif import InterpretationComparison, compare_interpretations
    from ._tools.trace import Coverage, Traceability, coverage, traceability
    from ._assess.portfolio import PortfolioReport, assess_portfolio
    from ._document.provenance import Provenance
    from ._report.report import Citation, Evidence, Finding, Obligation, Report, Subject
    from ._tools.schema import schema
    from ._views.tables import RECORD_COLUMNS
    from ._rules.ast import KINDS, Rule
    from ._rules.book import RuleBook, load_rules

# What the package exports, by the module that defines it. Each name is imported when it is first
# used (PEP 562), so `import kipolicy` loads neither the rule engine nor the version metadata:
# the engine is loaded by the first assessment.
_EXPORTS: dict[str, str] = {
    "assess": "._assess.assess",
    "load_partnership": "._document.read",
    "to_document": "._document.read",
    "variant": "._document.read",
    "EngineError": "._base.errors",
    "InputError": "._base.errors",
    "InterpretationError": "._base.errors",
    "KipolicyError": "._base.errors",
    "Problem": "._base.errors",
    "RuleFileError": "._base.errors",
    "UnknownIdError": "._base.errors",
    "INTERPRETATIONS": "._policy.interpretations",
    "Interpretation": "._policy.interpretations",
    "Interpretations": "._policy.interpretations",
    "AddedValue": "._document.model",
    "AdminSupport": "._document.model",
    "Agreement": "._document.model",
    "Area": "._document.model",
    "AssessedBy": "._document.model",
    "ContributionKind": "._document.model",
    "Decision": "._document.model",
    "Establishment": "._document.model",
    "Ethics": "._document.model",
    "EthicsAspect": "._document.model",
    "EthicsStatus": "._document.model",
    "Evaluation": "._document.model",
    "EvaluationPurpose": "._document.model",
    "Extension": "._document.model",
    "FollowUp": "._document.model",
    "Forum": "._document.model",
    "Initiative": "._document.model",
    "Level": "._document.model",
    "OpenEnded": "._document.model",
    "Outcome": "._document.model",
    "Party": "._document.model",
    "PartyKind": "._document.model",
    "PartyRole": "._document.model",
    "Partnership": "._document.model",
    "Reach": "._document.model",
    "Renewal": "._document.model",
    "Resourcing": "._document.model",
    "Risk": "._document.model",
    "RiskAssessment": "._document.model",
    "RiskLevel": "._document.model",
    "RiskPurpose": "._document.model",
    "Stage": "._document.model",
    "SteeringGroup": "._document.model",
    "SteeringMember": "._document.model",
    "Selection": "._document.model",
    "Strategy": "._document.model",
    "Termination": "._document.model",
    "TerminationKind": "._document.model",
    "TraitStatus": "._document.model",
    "Traits": "._document.model",
    "ValueDimension": "._document.model",
    "Document": "._policy.text",
    "Policy": "._policy.text",
    "Section": "._policy.text",
    "Unit": "._policy.text",
    "policy": "._policy.text",
    "add_months": "._base.calendar",
    "WhyNot": "._views.explain",
    "why_not": "._views.explain",
    "InterpretationComparison": "._assess.whatif",
    "ReportDiff": "._views.diff",
    "compare_interpretations": "._assess.whatif",
    "Coverage": "._tools.trace",
    "Traceability": "._tools.trace",
    "coverage": "._tools.trace",
    "traceability": "._tools.trace",
    "PortfolioReport": "._assess.portfolio",
    "assess_portfolio": "._assess.portfolio",
    "Provenance": "._document.provenance",
    "Citation": "._report.report",
    "Evidence": "._report.report",
    "Finding": "._report.report",
    "Obligation": "._report.report",
    "Report": "._report.report",
    "Subject": "._report.report",
    "schema": "._tools.schema",
    "RECORD_COLUMNS": "._views.tables",
    "KINDS": "._rules.ast",
    "Rule": "._rules.ast",
    "RuleBook": "._rules.book",
    "load_rules": "._rules.book",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    if name == "__version__":
        from ._base.version import version

        return version()
    raise AttributeError(f"module 'kipolicy' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def rules() -> RuleBook:
    """The bundled rules, in policy order (loaded and compiled once per process).

    Each :class:`Rule` has its ``id``, ``kind``, ``modality``, ``cites`` and ``title``.

    Example:
        >>> import kipolicy
        >>> "definition.strategic" in kipolicy.rules()
        True
    """
    from ._rules.book import default_rules

    return default_rules()


__all__ = [
    "INTERPRETATIONS",
    "KINDS",
    "RECORD_COLUMNS",
    "AddedValue",
    "AdminSupport",
    "Agreement",
    "Area",
    "AssessedBy",
    "Citation",
    "ContributionKind",
    "Coverage",
    "Decision",
    "Document",
    "EngineError",
    "Establishment",
    "Ethics",
    "EthicsAspect",
    "EthicsStatus",
    "Evaluation",
    "EvaluationPurpose",
    "Evidence",
    "Extension",
    "Finding",
    "FollowUp",
    "Forum",
    "Initiative",
    "InputError",
    "Interpretation",
    "InterpretationComparison",
    "InterpretationError",
    "Interpretations",
    "KipolicyError",
    "Level",
    "Obligation",
    "OpenEnded",
    "Outcome",
    "Partnership",
    "Party",
    "PartyKind",
    "PartyRole",
    "Policy",
    "PortfolioReport",
    "Problem",
    "Provenance",
    "Reach",
    "Renewal",
    "Report",
    "ReportDiff",
    "Resourcing",
    "Risk",
    "RiskAssessment",
    "RiskLevel",
    "RiskPurpose",
    "Rule",
    "RuleBook",
    "RuleFileError",
    "Section",
    "Selection",
    "Stage",
    "SteeringGroup",
    "SteeringMember",
    "Strategy",
    "Subject",
    "Termination",
    "TerminationKind",
    "Traceability",
    "TraitStatus",
    "Traits",
    "Unit",
    "UnknownIdError",
    "ValueDimension",
    "WhyNot",
    "__version__",
    "add_months",
    "assess",
    "assess_portfolio",
    "compare_interpretations",
    "coverage",
    "load_partnership",
    "load_rules",
    "policy",
    "rules",
    "schema",
    "to_document",
    "traceability",
    "variant",
    "why_not",
]
