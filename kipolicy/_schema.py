"""A JSON Schema of the partnership document, generated from the fact model.

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
import re
import types
import typing
from typing import Any

import attrs

from ._model import Partnership

__all__ = ["SCHEMA_ID", "partnership_schema"]

SCHEMA_ID = "urn:kipolicy:schema:partnership:1"


def _field_docs(cls: type) -> dict[str, str]:
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


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _type_schema(options[0], defs)
        return {"anyOf": [_type_schema(a, defs) for a in options]}
    if origin is tuple:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is dict:
        key, value = args
        schema: dict[str, Any] = {"type": "object", "additionalProperties": _type_schema(value, defs)}
        if isinstance(key, type) and issubclass(key, enum.Enum):
            schema["propertyNames"] = {"enum": [m.value for m in key]}
        return schema
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return {"type": "string", "enum": [m.value for m in tp]}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if tp is dt.date:
        return {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    if attrs.has(tp):
        _class_schema(tp, defs)
        return {"$ref": f"#/$defs/{tp.__name__}"}
    raise TypeError(f"no schema for {tp!r}")  # pragma: no cover - the model uses the types above


def _class_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    if cls.__name__ in defs:
        return defs[cls.__name__]
    defs[cls.__name__] = {}  # placeholder against recursion
    hints = typing.get_type_hints(cls)
    docs = _field_docs(cls)
    properties: dict[str, Any] = {}
    required = []
    for field in attrs.fields(cls):
        schema = dict(_type_schema(hints[field.name], defs))
        if field.name in docs:
            schema["description"] = docs[field.name]
        validator = getattr(field.validator, "__name__", "") if field.validator else ""
        if validator == "_text":
            schema["minLength"] = 1
        if validator == "_non_negative":
            schema["minimum"] = 0
        default = field.default
        if default is attrs.NOTHING:
            required.append(field.name)
        elif isinstance(default, enum.Enum):
            schema["default"] = default.value
        elif isinstance(default, (bool, int, float, str)):
            schema["default"] = default
        properties[field.name] = schema
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
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "kipolicy partnership document",
        **root,
        "$defs": dict(sorted(defs.items())),
    }
