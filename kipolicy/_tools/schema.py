"""JSON Schemas: of the partnership document (generated from the fact model), of case files
(generated from their form), of rule files and of the report output.

The schema describes the shape of a document — fields, types, the words each enumeration
takes, which fields are required — with each field's description taken from the model's
docstrings, so editors can complete and check documents and other programs can validate them.
kipolicy itself checks more than a schema can say (exactly one KI party, references between
parties and steering-group members, an end date after the signing date): a document the schema
accepts can still be refused by :func:`kipolicy.load_partnership`, with the reason.

Dates are ``YYYY-MM-DD`` texts in JSON (TOML dates in TOML).
"""

from __future__ import annotations

import datetime as dt
import enum
import inspect
import json
import re
import types
import typing
from collections.abc import Mapping
from typing import Any

import attrs

from .._policy.vocabularies import vocabulary

from .._base.limits import MAX_LIST_ITEMS, MAX_NUMBER, MAX_TEXT_CHARS
from .._document.model import Partnership

__all__ = ["SCHEMAS", "SCHEMA_ID", "case_schema", "partnership_schema", "report_schema", "rules_schema", "schema"]

SCHEMA_ID = "urn:kipolicy:schema:partnership:1"
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def field_docs(cls: type) -> dict[str, str]:
    """The ``Attributes:`` section of a class docstring, as field name → text."""
    doc = inspect.getdoc(cls) or ""
    out: dict[str, str] = {}
    match = re.search(r"^Attributes:\n((?:[ \t]+.*\n?|\n)*)", doc, re.M)
    if not match:
        return out
    current = None
    for line in match[1].splitlines():
        item = re.match(r"^\s{4}(\w+): (.*)$", line)
        if item:
            current = item[1]
            out[current] = item[2].strip()
        elif current and line.strip():
            out[current] += " " + line.strip()
    return out


def _class_doc(cls: type) -> str:
    doc = inspect.getdoc(cls) or ""
    return doc.split("\n\n", 1)[0].strip()


def _type_schema(tp: Any, defs: dict[str, Any], special: Mapping[Any, dict[str, Any]]) -> dict[str, Any]:
    if tp in special:
        return dict(special[tp])
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _type_schema(options[0], defs, special)
        return {"anyOf": [_type_schema(a, defs, special) for a in options]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], defs, special), "maxItems": MAX_LIST_ITEMS}
    if origin is dict:
        key, value = args
        schema: dict[str, Any] = {"type": "object", "additionalProperties": _type_schema(value, defs, special),
                                  "maxProperties": MAX_LIST_ITEMS}
        if isinstance(key, type) and issubclass(key, enum.Enum):
            schema["propertyNames"] = {"enum": [m.value for m in key]}
        return schema
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}
    if tp is float:
        return {"type": "number", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER}
    if tp is str:
        return {"type": "string", "maxLength": MAX_TEXT_CHARS}
    if tp is dt.date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if tp is Any:
        return {}
    if attrs.has(tp):
        _class_schema(tp, defs, special)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no schema for {tp!r}")  # pragma: no cover - the model uses the types above


def _class_schema(cls: type, defs: dict[str, Any], special: Mapping[Any, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The schema of an attrs class (into ``defs``): its fields' types and descriptions, the
    key a field is written with and the fixed words it takes (its metadata), which are
    required. ``special``: the schemas of types the generic rules do not cover."""
    special = special or {}
    if cls.__name__ in defs:
        return defs[cls.__name__]
    defs[cls.__name__] = {}  # placeholder against recursion
    hints = typing.get_type_hints(cls)
    docs = field_docs(cls)
    properties: dict[str, Any] = {}
    required = []
    for field in attrs.fields(cls):
        schema = dict(_type_schema(hints[field.name], defs, special))
        if "choices" in field.metadata:
            schema = {"enum": list(field.metadata["choices"])}
        if field.name in docs:
            schema["description"] = docs[field.name]
        words_of = field.metadata.get("vocabulary")
        if words_of is not None:
            words = vocabulary(words_of)
            if len(words.terms) <= 60:
                target = schema["items"] if schema.get("type") == "array" else schema
                target["enum"] = words.words()
            schema["description"] = (
                schema.get("description", "") + f" A word of the vocabulary '{words_of}' "
                f"(`kipolicy vocabularies {words_of}`); kipolicy also accepts it in any case and spacing."
            )
        validator = getattr(field.validator, "__name__", "") if field.validator else ""
        if validator == "_text":
            schema["minLength"] = 1
        if validator == "_non_negative":
            schema["minimum"] = 0
        if validator.startswith("_unique") or getattr(field.validator, "__qualname__", "").startswith("_unique"):
            schema["description"] = schema.get("description", "") + " (each once)"
        default = field.default
        key = field.metadata.get("key", field.name)
        if default is attrs.NOTHING:
            required.append(key)
        elif isinstance(default, enum.Enum):
            schema["default"] = default.value
        elif isinstance(default, (bool, int, float, str)):
            schema["default"] = default
        properties[key] = schema
    schema = {
        "type": "object",
        "description": _class_doc(cls),
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        schema["required"] = required
    defs[cls.__name__] = schema
    return schema


def partnership_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a partnership document."""
    defs: dict[str, Any] = {}
    root = _class_schema(Partnership, defs)
    defs.pop("Partnership")
    # Exactly one party is KI itself: what JSON Schema can say of it.
    parties = root["properties"]["parties"]
    parties.update({
        "contains": {"type": "object", "properties": {"role": {"const": "ki"}}, "required": ["role"]},
        "minContains": 1,
        "maxContains": 1,
    })
    parties["description"] = (parties.get("description", "") + " Exactly one party has the role 'ki'; ids are "
                              "unique (checked by kipolicy, not by this schema).").strip()
    return {
        "$schema": _DRAFT,
        "$id": SCHEMA_ID,
        "title": "kipolicy partnership document",
        "$comment": (
            "Validates the JSON form of a document (TOML dates are YYYY-MM-DD texts here). kipolicy checks more: "
            "unique ids, references between parties, fora, members, renewals and evaluations, an end date on or "
            "after the signing date, texts without control characters: `kipolicy check FILE`."
        ),
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def _spec_schema(
    root_class: type, *others: type, special: Mapping[Any, dict[str, Any]] | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema of a file's form (spec classes: ``root_class`` and ``others`` not reached
    from it): the root and its ``$defs``, each named without its ``_`` and ``Spec``
    (``_FireSpec`` → ``Fire``)."""
    defs: dict[str, Any] = {}
    root = _class_schema(root_class, defs, special)
    for cls in others:
        _class_schema(cls, defs, special)
    defs.pop(root_class.__name__)
    renamed = {name: name.lstrip("_").removesuffix("Spec") for name in defs}
    text = json.dumps({"root": root, "defs": defs})
    for old, new in renamed.items():
        text = text.replace(f'"#/$defs/{old}"', f'"#/$defs/{new}"')
    data = json.loads(text)
    return data["root"], {renamed[k]: v for k, v in data["defs"].items()}


def case_schema() -> dict[str, Any]:
    """The JSON Schema of a case file (``*.case.toml``), generated from the case file's form."""
    from .cases import CaseFileSpec
    from .._facts.duties import DUTIES
    from .._report.report import OBLIGATION_STATUSES
    from .._rules.ast import KINDS

    root, defs = _spec_schema(CaseFileSpec)
    document = partnership_schema()
    case = defs["Case"]
    case["properties"]["partnership"] = {"$ref": "#/$defs/Partnership", "description": "The partnership, inline."}
    case["properties"]["document"]["description"] = "A partnership document, relative to the case file."
    case["properties"]["interpretations"]["description"] = "Interpretations by name (kipolicy interpretations)."
    case["properties"]["as_of"]["description"] = "The date assessed as of."
    case["oneOf"] = [{"required": ["document"]}, {"required": ["partnership"]}]
    fire = defs["Fire"]
    fire["properties"]["kind"]["enum"] = list(KINDS)
    defs["Obligation"]["properties"]["duty"]["enum"] = list(DUTIES)
    defs["Obligation"]["properties"]["status"]["enum"] = list(OBLIGATION_STATUSES)
    defs["Expect"]["properties"]["fires"]["items"] = {"anyOf": [{"type": "string"}, {"$ref": "#/$defs/Fire"}]}
    defs["Partnership"] = {k: v for k, v in document.items() if k not in ("$schema", "$id", "$defs", "title", "$comment")}
    for name, value in document["$defs"].items():
        defs.setdefault(name, value)
    return {
        "$schema": _DRAFT,
        "$id": "urn:kipolicy:schema:cases:1",
        "title": "kipolicy case file",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


def rules_schema() -> dict[str, Any]:
    """The JSON Schema of a rule file (``rules/*.toml``), generated from its form
    (:mod:`kipolicy._rules.syntax`); the loader checks the rest (clauses, references, cited
    units, placeholders) and names the rule."""
    from .._policy.text import policy
    from .._rules.ast import RULE_ID_PATTERN
    from .._rules.syntax import TYPE_SCHEMAS, RuleFileSpec, RuleSpec

    pol = policy()
    root, defs = _spec_schema(RuleFileSpec, RuleSpec, special=TYPE_SCHEMAS)
    root["properties"]["section"]["enum"] = [s.id for s in pol.sections]
    root["properties"]["rule"]["items"] = {"$ref": "#/$defs/Rule"}
    units = {"enum": [u.id for u in pol.units()]}
    defs["Rule"]["properties"]["cites"].update(items=units, minItems=1)
    defs["Rule"]["properties"]["id"]["pattern"] = RULE_ID_PATTERN.pattern
    defs["Rule"]["oneOf"] = [{"required": ["when"]}, {"required": ["either"]}]
    defs["Alternative"]["properties"]["cites"].update(items=units, minItems=1)
    defs["Alternative"]["properties"]["keeps"].update(items={"enum": [s.id for s in pol.sections]}, minItems=1)
    defs["Condition"]["oneOf"] = [{"required": ["fact"]}, {"required": ["no"]}]
    return {
        "$schema": _DRAFT,
        "$id": "urn:kipolicy:schema:rules:1",
        "title": "kipolicy rule file",
        "$comment": "The form of a rule file; `kipolicy rules --check DIR` checks everything else and compiles it.",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


# The report output's parts, each a function: the shapes they share first.
_DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
_NULLABLE_DATE = {"anyOf": [_DATE, {"type": "null"}]}
_TEXTS = {"type": "object", "properties": {"sv": {"type": "string"}, "en": {"type": "string"}}, "required": ["sv", "en"]}
_FINGERPRINT = {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"}


def _interpretations_schema() -> dict[str, Any]:
    """Every interpretation by name, as the report gives them."""
    from .._policy.interpretations import INTERPRETATIONS

    return {"type": "object", "properties": {name: {} for name in INTERPRETATIONS},
            "required": list(INTERPRETATIONS), "additionalProperties": False}


def _counts_schema() -> dict[str, Any]:
    """How many findings of each kind."""
    from .._rules.ast import KINDS

    return {"type": "object", "properties": {k: {"type": "integer", "minimum": 0} for k in KINDS},
            "required": list(KINDS), "additionalProperties": False}


def _evidence_schema() -> dict[str, Any]:
    """A fact a finding rests on, with the facts it was derived from."""
    return {
        "type": "object",
        "properties": {
            "fact_type": {"type": "string"}, "path": {"type": "string"}, "alias": {"type": "string"},
            "values": {"type": "object"}, "field_paths": {"type": "object"},
            "derived_by": {"type": ["string", "null"]},
            "derived_cites": {"type": "array", "items": {"type": "string"}},
            "sources": {"type": "array", "items": {"$ref": "#/$defs/Evidence"}},
        },
        "required": ["fact_type", "path", "values"],
    }


def _finding_schema() -> dict[str, Any]:
    """A finding."""
    from .._rules.ast import KINDS, WOULD_BE_KINDS

    return {
        "type": "object",
        "properties": {
            "rule_id": {"type": "string"}, "kind": {"enum": list(KINDS)}, "modality": {"type": "string"},
            "section": {"type": "string"}, "title": _TEXTS,
            "subject": {"type": "object", "properties": {"path": {"type": "string"}, "label": {"type": "string"},
                                                         "fact_type": {"type": "string"}},
                        "required": ["path", "label", "fact_type"]},
            "message": _TEXTS, "remedy": _TEXTS, "due": _NULLABLE_DATE,
            "would_be": {"anyOf": [{"enum": list(WOULD_BE_KINDS)}, {"type": "null"}]},
            "needed_by": {"type": "array", "items": {"type": "string"}},
            "citations": {"type": "array", "items": {"type": "object", "required": ["unit"]}, "minItems": 1},
            "because": {"type": "array", "items": {"$ref": "#/$defs/Evidence"}},
        },
        "required": ["rule_id", "kind", "modality", "section", "title", "subject", "message", "remedy", "due",
                     "would_be", "needed_by", "citations", "because"],
        "additionalProperties": False,
    }


def _obligation_schema() -> dict[str, Any]:
    """A dated duty, as an obligation."""
    from .._report.report import OBLIGATION_STATUSES

    return {
        "type": "object",
        "properties": {
            "duty": {"type": "string"}, "title": _TEXTS, "due": _DATE, "basis": _DATE, "met_on": _NULLABLE_DATE,
            "status": {"enum": list(OBLIGATION_STATUSES)}, "path": {"type": "string"},
            "cites": {"type": "array", "items": {"type": "string"}},
            "partnership": {"type": "object", "required": ["id", "name"]},
            "rule_ids": {"type": "array", "items": {"type": "string"}},
        },
        "required": ["duty", "title", "due", "basis", "met_on", "status", "path", "cites", "partnership", "rule_ids"],
        "additionalProperties": False,
    }


def _provenance_schema() -> dict[str, Any]:
    """What a report was made from."""
    return {
        "type": "object",
        "properties": {
            "kipolicy_version": {"type": "string"}, "engine": {"type": "string"},
            "rules_fingerprint": _FINGERPRINT, "rules_source": {"type": "string"},
            "policy_fingerprint": _FINGERPRINT, "as_of": _DATE, "interpretations": _interpretations_schema(),
            "document_fingerprint": _FINGERPRINT, "portfolio_fingerprint": {"anyOf": [_FINGERPRINT, {"type": "null"}]},
            "vocabularies": {"type": "object", "additionalProperties": {"type": "string"}},
        },
        "required": ["kipolicy_version", "engine", "rules_fingerprint", "rules_source", "policy_fingerprint",
                     "as_of", "interpretations", "document_fingerprint", "portfolio_fingerprint", "vocabularies"],
        "additionalProperties": False,
    }


def _report_object_schema() -> dict[str, Any]:
    """One partnership's report."""
    return {
        "type": "object",
        "properties": {
            "policy": {"type": "object"},
            "partnership": {"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}},
                            "required": ["id", "name"]},
            "provenance": {"anyOf": [{"$ref": "#/$defs/Provenance"}, {"type": "null"}]},
            "as_of": _DATE, "in_scope": {"type": "boolean"}, "is_strategic": {"type": ["boolean", "null"]},
            "halted_by": {"type": ["string", "null"]},
            "kept_sections": {"type": "array", "items": {"type": "string"}},
            "interpretations": _interpretations_schema(), "counts": _counts_schema(),
            "findings": {"type": "array", "items": {"$ref": "#/$defs/Finding"}},
            "obligations": {"type": "array", "items": {"$ref": "#/$defs/Obligation"}},
        },
        "required": ["partnership", "provenance", "as_of", "in_scope", "is_strategic", "halted_by",
                     "kept_sections", "interpretations", "counts", "findings", "obligations"],
        "additionalProperties": False,
    }


def report_schema() -> dict[str, Any]:
    """The JSON Schema of ``kipolicy assess|portfolio --format json`` (its ``schema_version``)."""
    return {
        "$schema": _DRAFT,
        "$id": "urn:kipolicy:schema:report:1.0",
        "title": "kipolicy report output (kipolicy assess|portfolio --format json)",
        "type": "object",
        "properties": {
            "schema_version": {"const": "1.0"},
            "kind": {"enum": ["assessment", "portfolio"]},
            "kipolicy_version": {"type": "string"},
            "policy": {"type": "object", "required": ["dnr", "in_force_from", "title"]},
            "as_of": _DATE,
            "interpretations": _interpretations_schema(),
            "reports": {"type": "array", "items": {"$ref": "#/$defs/Report"}},
            "findings": {"type": "array", "items": {"$ref": "#/$defs/Finding"}},
            "calendar": {"type": "array", "items": {"$ref": "#/$defs/Obligation"}},
            "counts": _counts_schema(),
        },
        "required": ["schema_version", "kind", "kipolicy_version", "policy", "as_of", "interpretations", "reports"],
        "additionalProperties": False,
        "$defs": {"Report": _report_object_schema(), "Finding": _finding_schema(), "Obligation": _obligation_schema(),
                  "Evidence": _evidence_schema(), "Provenance": _provenance_schema()},
    }



#: Every schema ``kipolicy schema`` prints, by name.
SCHEMAS = {"document": partnership_schema, "cases": case_schema, "rules": rules_schema, "report": report_schema}


def schema(name: str = "document") -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) by name: ``document`` (a partnership document), ``cases``
    (a case file), ``rules`` (a rule file) or ``report`` (the JSON output).

    Raises:
        UnknownIdError: Another name.

    Example:
        >>> import kipolicy
        >>> kipolicy.schema()["properties"]["stage"]["enum"]
        ['proposal', 'active', 'ended']
    """
    from .._base.errors import UnknownIdError

    if name not in SCHEMAS:
        raise UnknownIdError("schema", name, SCHEMAS)
    return SCHEMAS[name]()
