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
    from ._assess import assess
    from ._documents import load_partnership, to_document, variant
    from ._errors import (
        EngineError, InputError, InterpretationError, KipolicyError, Problem, RuleFileError,
        UnknownIdError,
    )
    from ._interpretations import INTERPRETATIONS, Interpretation, Interpretations
    from ._model import (
        AddedValue, AdminSupport, Agreement, Area, AssessedBy, ContributionKind, Decision,
        Establishment, Ethics, EthicsAspect, EthicsStatus, Evaluation, EvaluationPurpose, Extension, FollowUp, Forum,
        Initiative, Level, OpenEnded, Outcome, Party, PartyKind, PartyRole, Partnership, Reach, Renewal,
        Resourcing, Risk, RiskAssessment, RiskLevel, RiskPurpose, Stage, SteeringGroup,
        Selection, SteeringMember, Strategy, Termination, TerminationKind, TraitStatus, Traits, ValueDimension,
    )
    from ._policy import Document, Policy, Section, Unit, policy
    from ._calendar import add_months
    from ._explain import WhyNot, why_not
    from ._diff import ReportDiff
    from ._whatif import InterpretationComparison, compare_interpretations
    from ._trace import Coverage, Traceability, coverage, traceability
    from ._portfolio import PortfolioReport, assess_portfolio
    from ._provenance import Provenance
    from ._report import Citation, Evidence, Finding, Obligation, Report, Subject
    from ._schema import schema
    from ._tables import RECORD_COLUMNS
    from ._rules import KINDS, Rule, RuleBook, load_rules

# What the package exports, by the module that defines it. Each name is imported when it is first
# used (PEP 562), so `import kipolicy` loads neither the rule engine nor the version metadata:
# the engine is loaded by the first assessment.
_EXPORTS: dict[str, str] = {
    "assess": "._assess",
    "load_partnership": "._documents",
    "to_document": "._documents",
    "variant": "._documents",
    "EngineError": "._errors",
    "InputError": "._errors",
    "InterpretationError": "._errors",
    "KipolicyError": "._errors",
    "Problem": "._errors",
    "RuleFileError": "._errors",
    "UnknownIdError": "._errors",
    "INTERPRETATIONS": "._interpretations",
    "Interpretation": "._interpretations",
    "Interpretations": "._interpretations",
    "AddedValue": "._model",
    "AdminSupport": "._model",
    "Agreement": "._model",
    "Area": "._model",
    "AssessedBy": "._model",
    "ContributionKind": "._model",
    "Decision": "._model",
    "Establishment": "._model",
    "Ethics": "._model",
    "EthicsAspect": "._model",
    "EthicsStatus": "._model",
    "Evaluation": "._model",
    "EvaluationPurpose": "._model",
    "Extension": "._model",
    "FollowUp": "._model",
    "Forum": "._model",
    "Initiative": "._model",
    "Level": "._model",
    "OpenEnded": "._model",
    "Outcome": "._model",
    "Party": "._model",
    "PartyKind": "._model",
    "PartyRole": "._model",
    "Partnership": "._model",
    "Reach": "._model",
    "Renewal": "._model",
    "Resourcing": "._model",
    "Risk": "._model",
    "RiskAssessment": "._model",
    "RiskLevel": "._model",
    "RiskPurpose": "._model",
    "Stage": "._model",
    "SteeringGroup": "._model",
    "SteeringMember": "._model",
    "Selection": "._model",
    "Strategy": "._model",
    "Termination": "._model",
    "TerminationKind": "._model",
    "TraitStatus": "._model",
    "Traits": "._model",
    "ValueDimension": "._model",
    "Document": "._policy",
    "Policy": "._policy",
    "Section": "._policy",
    "Unit": "._policy",
    "policy": "._policy",
    "add_months": "._calendar",
    "WhyNot": "._explain",
    "why_not": "._explain",
    "InterpretationComparison": "._whatif",
    "ReportDiff": "._diff",
    "compare_interpretations": "._whatif",
    "Coverage": "._trace",
    "Traceability": "._trace",
    "coverage": "._trace",
    "traceability": "._trace",
    "PortfolioReport": "._portfolio",
    "assess_portfolio": "._portfolio",
    "Provenance": "._provenance",
    "Citation": "._report",
    "Evidence": "._report",
    "Finding": "._report",
    "Obligation": "._report",
    "Report": "._report",
    "Subject": "._report",
    "schema": "._schema",
    "RECORD_COLUMNS": "._tables",
    "KINDS": "._rules",
    "Rule": "._rules",
    "RuleBook": "._rules",
    "load_rules": "._rules",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is not None:
        value = getattr(importlib.import_module(module, __name__), name)
        globals()[name] = value  # found directly from now on
        return value
    if name == "__version__":
        from ._version import version

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
    from ._rules import default_rules

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
