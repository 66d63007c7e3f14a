"""``kipolicy new``: a commented TOML template of a partnership document.

The template is generated from the fact model, so every field is there with its explanation
(from the model's docstrings) and the words it takes; example values make it load as it is, so
a user edits it rather than fills in blanks. A ``proposal`` template leaves what only exists
once a partnership is active (the decision, the agreement, follow-ups) commented out.
"""

from __future__ import annotations

import datetime as dt
import enum
import textwrap
import types
import typing
from typing import Any

import attrs

from .._document.model import Partnership
from .schema import field_docs
from .._policy.vocabularies import vocabulary

__all__ = ["KINDS_OF_TEMPLATE", "template"]

KINDS_OF_TEMPLATE = ("proposal", "active")

# Example values by field path ("[]" for a list item). A path missing here takes the field's
# default. Values are Python values written as TOML.
_COMMON: dict[str, Any] = {
    "id": "ki-example",
    "name": "KI – Example University",
    "level": "ki-wide",
    "admin_support": ["coordination", "communication"],
    "parties": [
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "kind": "university", "reach": "national",
         "country": "SE", "fields": ["medicine"], "management_engagement": "in-place",
         "benefit": "What KI gains that it could not reach alone.",
         "contact_persons": ["International relations officer", "Research coordinator"]},
        {"id": "partner", "name": "Example University", "role": "partner", "kind": "university",
         "reach": "international", "country": "NL", "fields": ["technology"],
         "management_engagement": "jointly-intended", "benefit": "What the partner gains.",
         "contact_persons": ["Head of international office", "Dean of engineering"]},
    ],
    "traits": {"formalised": "jointly-intended", "long_term": "jointly-intended", "commitment_years": 5,
               "common_goals": ["A goal the parties share"], "mutual_benefit": "jointly-intended",
               "joint_value": "What the parties can only reach together.", "areas":
               {"research": "jointly-intended", "education": "jointly-intended", "utilisation": "absent"},
               "intentions_stated_jointly": True},
    "strategy": {"focus_areas": ["A Strategy 2030 focus area"], "rationale": "How the partnership supports it."},
    "selection": {"alternatives": ["Another university that was considered"],
                  "reason": "Why this partner was chosen among the possible ones."},
    "added_value": [{"dimension": "perspectives", "description": "Engineering and medicine in joint projects.",
                     "aspects": ["interdisciplinarity"]}],
    "ethics": {"academic_freedom": "fine", "democratic_values": "fine", "critical_reflection": "fine",
               "high_quality": "fine", "note": "How the ethics assessment was made."},
    "risk_assessments": [{"date": dt.date(2025, 3, 1), "by": "joint", "purpose": "preparation",
                          "risks": [{"description": "A risk identified", "level": "medium"}],
                          "weighed_against_benefit": True, "external_support": False}],
    "resourcing": {"ki_funding": True, "ki_funding_amount": 1000000, "ki_funding_years": 4,
                   "level_agreed_with_partner": True, "partner_contribution": ["cash", "in-kind"],
                   "external_funds": ["An external funder"]},
    "establishment": {"initiative": "management"},
    "steering_group": {"name": "Joint steering group", "members": [
        {"party": "ki", "name": "Pro-Vice-Chancellor", "management_representative": True},
        {"party": "partner", "name": "Vice-President", "management_representative": True}]},
    "fora": [{"name": "Steering group", "level": "management", "parties": ["ki", "partner"]},
             {"name": "Researchers' forum", "level": "research", "parties": ["ki", "partner"]}],
}

_ACTIVE: dict[str, Any] = {
    "stage": "active",
    "started": dt.date(2025, 6, 1),
    "establishment": {"initiative": "management", "decision": {"date": dt.date(2025, 5, 15), "by": "rektor"}},
    "agreement": {"signed": dt.date(2025, 6, 1), "ends": dt.date(2030, 5, 31),
                  "renewals": [{"date": dt.date(2030, 4, 1), "until": dt.date(2035, 5, 31), "evaluation": "eval-2030"}]},
    "follow_ups": [{"date": dt.date(2026, 5, 20), "outcome": "meets", "note": "What the follow-up found."}],
    "evaluations": [{"id": "eval-2030", "date": dt.date(2030, 2, 1), "purpose": "renewal", "outcome": "meets"}],
    "termination": {"date": dt.date(2035, 5, 31), "kind": "converted", "new_form": "The form it continues in."},
}

#: Fields left commented out in each template: they do not exist yet, or would end it.
_COMMENTED = {
    "proposal": {"started", "agreement", "follow_ups", "evaluations", "termination", "establishment.decision"},
    "active": {"termination", "agreement.renewals", "evaluations"},
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML for {value!r}")  # pragma: no cover


def _comment(text: str, prefix: str = "# ") -> list[str]:
    # The model's docstrings speak of None; a document leaves the field out.
    text = text.replace("``", "")
    for said in ("stated", "recorded"):
        text = text.replace(f"None (not {said}) is", f"Left out (not {said}), it is").replace(
            f"None (not {said}):", "Left out:"
        )
    return [prefix + line for line in textwrap.wrap(text, 96, break_on_hyphens=False)] if text else []


def _choices(tp: Any) -> str:
    for arg in (tp, *typing.get_args(tp), *(a for t in typing.get_args(tp) for a in typing.get_args(t))):
        if isinstance(arg, type) and issubclass(arg, enum.Enum):
            return " One of: " + ", ".join(m.value for m in arg) + "."
    return ""


def _words(field: attrs.Attribute) -> str:
    """The vocabulary a field's words come from, as the template tells it."""
    name = field.metadata.get("vocabulary")
    if name is None:
        return ""
    words = vocabulary(name)
    if len(words.terms) <= 12:
        listed = ", ".join(t.id if t.id == t.en else f"{t.id} ({t.en})" for t in words.terms)
        return f" Words of the vocabulary '{name}' (kipolicy vocabularies {name}): {listed}."
    broad = [t for t in words.terms if t.parent is None and name == "fields"]
    example = f", e.g. {', '.join(f'{t.id} {t.en}' for t in broad)}" if broad else ""
    return f" A word of the vocabulary '{name}' ({len(words.terms)} terms: kipolicy vocabularies {name}){example}."


def _nested(tp: Any) -> tuple[str, type] | None:
    """('table', cls) for an attrs field, ('array', cls) for a tuple of attrs, else None."""
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        inner = next(a for a in typing.get_args(tp) if a is not type(None))
    else:
        inner = tp
    if attrs.has(inner):
        return "table", inner
    if typing.get_origin(inner) is tuple and attrs.has(typing.get_args(inner)[0]):
        return "array", typing.get_args(inner)[0]
    return None


def _emit(cls: type, values: dict[str, Any], path: str, header: str | None, commented: set[str], out_off: bool) -> list[str]:
    hints = typing.get_type_hints(cls)
    docs = field_docs(cls)
    scalars: list[str] = []
    tables: list[str] = []
    for field in attrs.fields(cls):
        full = f"{path}.{field.name}" if path else field.name
        off = out_off or full in commented
        mark = "# " if off else ""
        doc = docs.get(field.name, "") + _choices(hints[field.name]) + _words(field)
        nested = _nested(hints[field.name])
        value = values.get(field.name)
        if nested is None and typing.get_origin(hints[field.name]) is dict:
            tables += ["", *_comment(doc), f"{mark}[{full}]"]
            for key, item in (value or {}).items():
                tables.append(f"{mark}{key} = {_toml_value(item)}")
            continue
        if nested is None:
            scalars += _comment(doc)
            if value is None:
                scalars.append(f"# {field.name} = " + ("[]" if field.default == () else ""))
            else:
                scalars.append(f"{mark}{field.name} = {_toml_value(value)}")
            continue
        kind, inner = nested
        if kind == "table":
            tables += ["", *_comment(doc)]
            tables += _emit(inner, value or {}, full, f"[{full}]", commented, off)
        else:
            items = value or [{}]
            for i, item in enumerate(items):
                tables += [""] + (_comment(doc) if i == 0 else [])
                tables += _emit(inner, item, full, f"[[{full}]]", commented, off)
    head = [("# " if out_off else "") + header] if header else []
    return head + scalars + tables


# What the template gives as it is (tests/test_schemas.py checks each statement).
_EXPECTED = {
    "proposal": [
        "# As it is, assessed as of 2025-06-01, it gives only notes: definition.strategic,",
        "# mervarde.value-stated and urval.complementary.",
    ],
    "active": [
        "# As it is, assessed as of a day between its start (2025-06-01) and 2026-04-01, it gives only",
        "# notes: definition.strategic and mervarde.value-stated. From 2026-04-02 the yearly follow-up",
        "# and risk assessments are due soon (obligations due 2026-06-01); from 2026-06-01 the start-up",
        "# phase is over (definition.intentions-after-startup).",
    ],
}


def template(kind: str = "proposal", schema: str | None = "partnership.schema.json") -> str:
    """A commented TOML template of a partnership document (``proposal`` or ``active``).

    Its first line, ``#:schema PATH``, points TOML editors (Taplo, the Even Better TOML
    extension of VS Code) to the document's JSON Schema, so they validate and complete while
    one types; ``schema=None`` leaves it out.

    Raises:
        ValueError: ``kind`` is not ``proposal`` or ``active``.
    """
    if kind not in KINDS_OF_TEMPLATE:
        raise ValueError(f"unknown template {kind!r}: expected one of {', '.join(KINDS_OF_TEMPLATE)}")
    values = {**_COMMON, "stage": kind}
    if kind == "active":
        values.update(_ACTIVE)
    else:
        values.update({k: v for k, v in _ACTIVE.items() if k not in ("stage",)})
        values["establishment"] = {**_ACTIVE["establishment"], "initiative": "external-request"}
    directive = [f"#:schema {schema}"] if schema else []
    intro = [
        *directive,
        f"# A partnership document ({kind}) for kipolicy. Every field is explained above it; the",
        "# values are examples: change them to describe your partnership. Lines starting with '# x ='",
        "# are fields you can fill in (remove the '# '). Check it with: kipolicy assess THIS-FILE",
        "# The full description: docs/documents.md. The first line points your editor to the JSON",
        "# Schema: write it beside this file with: kipolicy schema > partnership.schema.json",
        "",
    ]
    intro[-1:-1] = _EXPECTED[kind]
    body = _emit(Partnership, values, "", None, _COMMENTED[kind], False)
    return "\n".join(intro + body).rstrip() + "\n"
