"""Partnership documents (TOML, JSON or a mapping) into the fact model, with every problem.

One cattrs converter does the structuring. It is strict: unknown keys are errors (with a
did-you-mean), a string is not a number, ``"yes"`` is not a boolean, and dates are TOML dates or
ISO ``YYYY-MM-DD`` strings. Every problem of a document is reported at once as an
:class:`~kipolicy.InputError`, one line each, with the file and the field path.
"""

from __future__ import annotations

import codecs
import copy
import datetime as dt
import enum
import json
import os
import re
import stat
import tomllib
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs
import cattrs.gen
from cattrs.errors import (
    IterableValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
)

from .._base.errors import InputError, Problem, did_you_mean
from .._base.identity import IdentityCache
from .._base.limits import MAX_DOCUMENT_BYTES, MAX_LIST_ITEMS, number_problem, text_problem
from .model import Area, Choice, FieldValueError, OpenEnded, Partnership, TraitStatus
from .._policy.vocabularies import VocabularyError, vocabulary

__all__ = ["apply_overrides", "converter", "load_partnership", "read_document", "structure"]

MAPPING_NAME = "<mapping>"
VARIANT_NAME = "<variant>"


def _strict(kind: type, label: str):
    def hook(value: Any, _type: Any) -> Any:
        if kind is float:
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise ValueError(f"expected {label}, got {_describe(value)}")
            wrong = number_problem(value)
            if wrong:
                raise ValueError(wrong)
            return float(value)
        if isinstance(value, bool) and kind is not bool:
            raise ValueError(f"expected {label}, got {_describe(value)}")
        if not isinstance(value, kind):
            raise ValueError(f"expected {label}, got {_describe(value)}")
        if isinstance(value, str):
            wrong = text_problem(value)
            if wrong:
                raise ValueError(wrong)
        elif isinstance(value, int) and not isinstance(value, bool):
            wrong = number_problem(value)
            if wrong:
                raise ValueError(wrong)
        return value

    return hook


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the text {shown.encode('utf-8', 'backslashreplace').decode('utf-8')!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int) and value.bit_length() > 64:
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dt.datetime):
        return f"the date-time {value.isoformat()}"
    if value is None:
        return "nothing (null)"
    return f"a {type(value).__name__}"


def _structure_date(value: Any, _type: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected a date (YYYY-MM-DD), got {_describe(value)}")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"expected a date (YYYY-MM-DD), got the impossible date {value!r}") from None
    raise ValueError(f"expected a date (YYYY-MM-DD), got {_describe(value)}")


def _structure_enum(value: Any, type_: type[enum.Enum]) -> enum.Enum:
    choices = [m.value for m in type_]
    if isinstance(value, str):
        try:
            return type_(value)
        except ValueError:
            pass
        hint = did_you_mean(value, choices)
        raise ValueError(
            f"expected one of {', '.join(map(repr, choices))}, got {value!r}{hint}"
        )
    raise ValueError(f"expected one of {', '.join(map(repr, choices))}, got {_describe(value)}")


def _note(exc: Exception, note: str) -> Exception:
    exc.__notes__ = [*getattr(exc, "__notes__", []), note]
    return exc


def make_converter() -> cattrs.Converter:
    """A new strict converter (documents use :data:`converter`; case files add their own hooks)."""
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    for kind, label in ((str, "text"), (int, "a whole number"), (float, "a number"), (bool, "true or false")):
        conv.register_structure_hook(kind, _strict(kind, label))
    conv.register_structure_hook(dt.date, _structure_date)
    # The model's enumerations share one base; a hook on it outranks cattrs' own for Enum.
    conv.register_structure_hook(Choice, _structure_enum)
    conv.register_structure_hook_factory(lambda t: getattr(t, "__origin__", None) is tuple, _sequence_factory(conv))
    conv.register_structure_hook_factory(lambda t: getattr(t, "__origin__", None) is dict, _mapping_factory(conv))
    conv.register_structure_hook_factory(attrs.has, _attrs_factory(conv))
    conv.register_structure_hook_factory(_is_optional, _optional_factory(conv))
    conv.register_structure_hook(float | OpenEnded | None, _term_hook(conv))
    conv.register_unstructure_hook(dt.date, lambda d: d.isoformat())
    return conv


# Lists and tables: cattrs iterates whatever it is given (a string where a list is expected
# would become a tuple of letters), so these hooks check the container first and collect every
# element's problem.
def _sequence_factory(conv: cattrs.Converter) -> Any:
    def factory(type_: Any) -> Any:
        (element,) = type_.__args__[:1]

        def hook(value: Any, _type: Any) -> tuple:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"expected a list, got {_describe(value)}")
            if len(value) > MAX_LIST_ITEMS:
                raise ValueError(f"expected a list of at most {MAX_LIST_ITEMS:,} items, got {len(value):,}")
            out: list[Any] = []
            errors: list[Exception] = []
            for index, item in enumerate(value):
                try:
                    out.append(conv.structure(item, element))
                except Exception as exc:  # noqa: BLE001 - collected and re-raised as a group
                    errors.append(_note(exc, IterableValidationNote(f"@ index {index}", index, element)))
            if errors:
                raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
            return tuple(out)

        return hook

    return factory


def _mapping_factory(conv: cattrs.Converter) -> Any:
    def factory(type_: Any) -> Any:
        key_type, value_type = type_.__args__

        def hook(value: Any, _type: Any) -> dict:
            if not isinstance(value, Mapping):
                raise ValueError(f"expected a table, got {_describe(value)}")
            if len(value) > MAX_LIST_ITEMS:
                raise ValueError(f"expected a table of at most {MAX_LIST_ITEMS:,} entries, got {len(value):,}")
            out: dict[Any, Any] = {}
            errors: list[Exception] = []
            for key, item in value.items():
                try:
                    out[conv.structure(key, key_type)] = conv.structure(item, value_type)
                except Exception as exc:  # noqa: BLE001 - collected and re-raised as a group
                    errors.append(_note(exc, IterableValidationNote(f"@ key {key}", key, value_type)))
            if errors:
                raise IterableValidationError(f"While structuring {type_!r}", errors, type_)
            return out

        return hook

    return factory


def _attrs_factory(conv: cattrs.Converter) -> Any:
    def factory(type_: type) -> Any:
        # Unknown keys are checked here rather than by cattrs, which stops at them and would
        # hide the other problems of the same table. A field's metadata may give the key it is
        # written with (``{"key": "as"}``: a Python keyword), the vocabulary its words come from,
        # or the fixed words it takes (``{"choices": (...)}``); a class may name keys it no longer
        # takes, each with what to write instead (``__retired__``).
        hints = typing.get_type_hints(type_)
        overrides: dict[str, Any] = {}
        for a in attrs.fields(type_):
            own = None
            if "vocabulary" in a.metadata:
                own = _words_hook(conv, a.metadata["vocabulary"], hints[a.name])
            elif "choices" in a.metadata:
                own = _choices_hook(conv, a.metadata["choices"], hints[a.name])
            key = a.metadata.get("key", a.name)
            if own is not None or key != a.name:
                overrides[a.name] = cattrs.gen.override(rename=key if key != a.name else None, struct_hook=own)
        generated: Any = cattrs.gen.make_dict_structure_fn(type_, conv, _cattrs_forbid_extra_keys=False, **overrides)
        names = set(field_keys(type_))
        retired: Mapping[str, str] = getattr(type_, "__retired__", {})

        def hook(value: Any, _type: Any) -> Any:
            if not isinstance(value, Mapping):
                raise ValueError(f"expected a table, got {_describe(value)}")
            extra = {str(k) for k in value if k not in names}
            errors: list[Exception] = [FieldValueError(key, retired[key]) for key in sorted(extra & set(retired))]
            extra -= set(retired)
            result = None
            try:
                result = generated({k: v for k, v in value.items() if k in names}, _type)
            except ClassValidationError as exc:
                errors.extend(exc.exceptions)
            except FieldValueError as exc:
                errors.append(exc)
            if extra:
                errors.append(ForbiddenExtraKeysError("", type_, extra))
            if errors:
                raise ClassValidationError(f"While structuring {type_.__name__}", errors, type_)
            return result

        return hook

    return factory


def field_keys(cls: type) -> list[str]:
    """The keys an attrs class is written with: its fields' names, or the key a field's
    metadata gives (``{"key": "as"}``)."""
    return [a.metadata.get("key", a.name) for a in attrs.fields(cls)]


# Fixed words (a field's metadata gives them): the word, or its problem with a did-you-mean.
def _choices_hook(conv: cattrs.Converter, choices: Sequence[str], type_: Any) -> Any:
    def hook(value: Any, _type: Any) -> Any:
        if value is None and _is_optional(type_):
            return None
        text = conv.structure(value, str)
        if text not in choices:
            raise ValueError(f"expected one of {', '.join(map(repr, choices))}, got {text!r}{did_you_mean(text, choices)}")
        return text

    return hook


# Words of a controlled vocabulary (a field's metadata names it): each becomes its term's id;
# every word outside the vocabulary is reported, with its index in a list.
def _words_hook(conv: cattrs.Converter, name: str, type_: Any) -> Any:
    def one(value: Any) -> str:
        text = conv.structure(value, str)
        try:
            return vocabulary(name).canonical(text)
        except VocabularyError as exc:
            raise ValueError(str(exc)) from None

    if getattr(type_, "__origin__", None) is tuple:
        def words(value: Any, _type: Any) -> tuple:
            if not isinstance(value, (list, tuple)):
                raise ValueError(f"expected a list, got {_describe(value)}")
            out, errors = [], []
            for index, item in enumerate(value):
                try:
                    out.append(one(item))
                except ValueError as exc:
                    errors.append(_note(exc, IterableValidationNote(f"@ index {index}", index, str)))
            if errors:
                raise IterableValidationError("While structuring words", errors, type_)
            return tuple(out)

        return words

    def word(value: Any, _type: Any) -> Any:
        return None if value is None else one(value)

    return word


# `X | None`: None stays None, anything else is structured strictly as X (cattrs' own union
# handling would hand a bool field to bool() and accept "yes").
def _is_optional(t: Any) -> bool:
    args = getattr(t, "__args__", ())
    return (
        getattr(t, "__origin__", None) in (typing.Union, types.UnionType) or isinstance(t, types.UnionType)
    ) and len(args) == 2 and type(None) in args


def _optional_factory(conv: cattrs.Converter) -> Any:
    def factory(type_: Any) -> Any:
        (inner,) = [a for a in type_.__args__ if a is not type(None)]

        def hook(value: Any, _type: Any) -> Any:
            return None if value is None else conv.structure(value, inner)

        return hook

    return factory


# A term in years, or open-ended (*tills vidare*): `float | OpenEnded | None`.
def _term_hook(conv: cattrs.Converter) -> Any:
    def hook(value: Any, _type: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            if value == OpenEnded.OPEN_ENDED.value:
                return OpenEnded.OPEN_ENDED
            raise ValueError(
                f"expected a number of years or 'open-ended', got {value!r}"
                f"{did_you_mean(value, [OpenEnded.OPEN_ENDED.value])}"
            )
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"expected a number of years or 'open-ended', got {_describe(value)}")
        return conv.structure(value, float)

    return hook


#: The converter that turns documents into the fact model and back.
converter = make_converter()


# -- problems -------------------------------------------------------------------------------


def _join(path: str, part: str | int, *, index: bool) -> str:
    if index:
        key = part if isinstance(part, int) else json.dumps(str(part), ensure_ascii=False)
        if not isinstance(part, int) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", str(part)):
            return f"{path}.{part}" if path else str(part)
        return f"{path}[{key}]"
    return f"{path}.{part}" if path else str(part)


def _message(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        if isinstance(type_, type) and issubclass(type_, enum.Enum):
            words = ", ".join(repr(member.value) for member in type_)
            return f"required field is missing; expected one of {words}"
        return "required field is missing"
    if isinstance(exc, (ValueError, TypeError)) and str(exc):
        text = str(exc)
        # attrs' own validators speak of their internals; say what was expected instead.
        if text.startswith("'") and "must be" in text:
            return "expected " + text.split("must be", 1)[1].strip()
        if "Length of" in text and "must be >=" in text:
            return "expected a non-empty text"
        return text
    return f"invalid value ({type(exc).__name__}: {exc})"


def problems_of(exc: BaseException, file: str, path: str = "") -> list[Problem]:
    """Flatten a cattrs error tree into one :class:`Problem` per leaf."""
    out: list[Problem] = []
    if isinstance(exc, ForbiddenExtraKeysError):
        known = field_keys(exc.cl) if attrs.has(exc.cl) else []
        for key in sorted(exc.extra_fields):
            out.append(
                Problem(
                    file,
                    _join(path, key, index=False),
                    f"unknown field{did_you_mean(key, known)}; expected one of: {', '.join(known)}",
                )
            )
    elif isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        for sub, note in with_notes:
            out.extend(problems_of(sub, file, _join(path, note.index, index=True)))
        for sub in without:
            out.extend(problems_of(sub, file, path))
    elif isinstance(exc, ClassValidationError):
        with_attribute_notes, without = exc.group_exceptions()
        keys = {a.name: a.metadata.get("key", a.name) for a in attrs.fields(exc.cl)} if attrs.has(exc.cl) else {}
        for sub, attribute in with_attribute_notes:
            sub_path = _join(path, keys.get(attribute.name, attribute.name), index=False)
            if isinstance(sub, (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError)):
                out.extend(problems_of(sub, file, sub_path))
            else:
                out.append(Problem(file, sub_path, _message(sub, attribute.type)))
        for sub in without:
            out.extend(problems_of(sub, file, path))
    elif isinstance(exc, FieldValueError):
        out.append(Problem(file, _join_field_path(path, exc.field), str(exc)))
    else:
        out.append(Problem(file, path, _message(exc, None)))
    return out


def _join_field_path(path: str, field: str) -> str:
    return f"{path}.{field}" if path else field


# -- reading --------------------------------------------------------------------------------


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def read_regular_file(file: str, limit: int = MAX_DOCUMENT_BYTES) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    Anything else is refused before it is opened: a device (``/dev/zero`` would be read until
    memory runs out), a FIFO (opening it waits for a writer), a socket or a directory.
    """
    try:
        info = os.stat(file)
    except FileNotFoundError:
        raise InputError([Problem(file, "", "no such file")]) from None
    except OSError as exc:
        raise InputError([Problem(file, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError([Problem(file, "", "expected a file, found a directory")])
    if not stat.S_ISREG(info.st_mode):
        raise InputError([Problem(file, "", "expected a regular file, found a device, FIFO or socket")])
    if info.st_size > limit:
        raise InputError(
            [Problem(file, "", f"expected a document of at most {limit:,} bytes, got {info.st_size:,}")]
        )
    try:
        with open(file, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise InputError([Problem(file, "", f"cannot be read: {exc.strerror or exc}")]) from None
    if len(raw) > limit:  # it grew while being read
        raise InputError([Problem(file, "", f"expected a document of at most {limit:,} bytes")])
    return raw


def read_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a TOML (``.toml``) or JSON (``.json``) file into a mapping.

    A UTF-8 byte order mark at the start is skipped.

    Raises:
        InputError: The file is missing, not a regular file, larger than
            :data:`~kipolicy._base.limits.MAX_DOCUMENT_BYTES`, unreadable, not UTF-8 or not valid
            TOML/JSON.
    """
    file = os.fspath(path)
    p = Path(file)
    suffix = p.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InputError([Problem(file, "", "expected a .toml or .json file")])
    raw = read_regular_file(file)
    if raw.startswith(codecs.BOM_UTF8):  # written by some Windows editors; not part of the text
        raw = raw[len(codecs.BOM_UTF8):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(file, "", f"is not UTF-8 text (byte {exc.start} cannot be decoded)")]
        ) from None
    try:
        if suffix == ".toml":
            data = tomllib.loads(text)
        else:
            data = json.loads(text, object_pairs_hook=_reject_duplicates)
    except (tomllib.TOMLDecodeError, ValueError, RecursionError) as exc:
        kind = "TOML" if suffix == ".toml" else "JSON"
        raise InputError([Problem(file, "", f"is not valid {kind}: {exc}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(file, "", f"expected a table at the top, got {_describe(data)}")])
    return data


_PATH_PART = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]")


def _parse_path(path: str) -> list[str | int]:
    parts: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _PATH_PART.match(path, pos)
        if not m or (pos == 0 and path.startswith(".")):
            raise ValueError(f"cannot read the field path {path!r}")
        parts.append(m[1] if m[1] is not None else int(m[2]))
        pos = m.end()
    if not parts:
        raise ValueError("empty field path")
    return parts


def apply_overrides(data: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """A deep copy of ``data`` with values set at field paths (``parties[1].kind``).

    Raises:
        ValueError: A path that cannot be read or that goes through something not a table or a
            list, or a list index past the end (one past the end appends).
    """
    result = _copy(data)
    for path, value in overrides.items():
        parts = _parse_path(path)
        target: Any = result
        for depth, part in enumerate(parts[:-1]):
            nxt = parts[depth + 1]
            if isinstance(part, int):
                if not isinstance(target, list) or part >= len(target):
                    raise ValueError(f"{path}: no list item [{part}]")
                target = target[part]
            else:
                if not isinstance(target, dict):
                    raise ValueError(f"{path}: {part!r} is not inside a table")
                if part not in target:
                    target[part] = [] if isinstance(nxt, int) else {}
                target = target[part]
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(target, list) or last > len(target):
                raise ValueError(f"{path}: no list item [{last}]")
            if last == len(target):
                target.append(value)
            else:
                target[last] = value
        else:
            if not isinstance(target, dict):
                raise ValueError(f"{path}: {last!r} is not inside a table")
            target[last] = value
    return result


def to_document(partnership: Partnership) -> dict[str, Any]:
    """A partnership as the document that describes it (the inverse of :func:`structure`).

    Enumerations become their words, tuples lists, dates stay dates (TOML dates); unknown
    (None) values are left out. ``structure(to_document(p), ...) == p``.
    """

    return _plain(partnership)


def _plain(value: Any) -> Any:
    """A value of the fact model as plain data (see :func:`to_document`)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    names = _ATTRS_FIELDS.get(kind, False)
    if names is False:
        names = _ATTRS_FIELDS[kind] = tuple(f.name for f in attrs.fields(kind)) if attrs.has(kind) else None
    if isinstance(names, tuple):
        out = {}
        for name in names:
            item = getattr(value, name)
            if item is not None:
                out[name] = _plain(item)
        return out
    if isinstance(value, enum.Enum):
        return value._value_
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {_plain(k): _plain(v) for k, v in value.items()}
    return value


# The field names of each attrs class of the fact model, found once (other types: none).
_ATTRS_FIELDS: dict[type, tuple[str, ...] | None] = {}


def variant(
    partnership: Partnership,
    changes: Mapping[str, Any] | None = None,
    *,
    remove: Sequence[str] = (),
) -> Partnership:
    """A what-if variant of a partnership: fields set or removed by their document paths.

    Args:
        partnership: The partnership to start from (unchanged).
        changes: Field paths and new values, as a document gives them:
            ``{"parties[1].management_engagement": "absent", "stage": "active"}``.
        remove: Field paths or list items to remove first (``["steering_group"]``).

    Returns:
        The new :class:`~kipolicy.Partnership`, checked like any document.

    Raises:
        InputError: A path that names nothing, or a value the field does not take.

    Example:
        >>> import kipolicy
        >>> p = kipolicy.load_partnership("examples/strategic-proposal.toml")
        >>> q = kipolicy.variant(p, {"parties[1].management_engagement": "absent"})
        >>> q.parties[1].management_engagement.value
        'absent'
    """
    data = to_document(partnership)
    try:
        data = remove_paths(data, list(remove))
        data = apply_overrides(data, dict(changes or {}))
    except ValueError as exc:
        raise InputError([Problem(VARIANT_NAME, "", str(exc))]) from None
    return structure(data, VARIANT_NAME)


def remove_paths(data: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """A deep copy of ``data`` without the fields or list items at ``paths``.

    Paths name places in ``data`` as given (``risk_assessments[3]``, ``steering_group``):
    list items are removed from the highest index down, so several items of one list can be
    removed at once.

    Raises:
        ValueError: A path that cannot be read, or that names nothing in ``data``.
    """
    result = apply_overrides(data, {})
    located = []
    for path in paths:
        parts = _parse_path(path)
        target: Any = result
        for part in parts[:-1]:
            if isinstance(part, int):
                if not isinstance(target, list) or part >= len(target):
                    raise ValueError(f"{path}: no list item [{part}]")
            elif not isinstance(target, dict) or part not in target:
                raise ValueError(f"{path}: there is no {part!r} to remove from")
            target = target[part]
        last = parts[-1]
        if isinstance(last, int):
            if not isinstance(target, list) or last >= len(target):
                raise ValueError(f"{path}: no list item [{last}] to remove")
        elif not isinstance(target, dict) or last not in target:
            raise ValueError(f"{path}: there is no {last!r} to remove")
        located.append((id(target), last, target))
    for _, last, target in sorted(located, key=lambda t: (t[0], -t[1] if isinstance(t[1], int) else 0)):
        del target[last]
    return result


def _copy(data: Any) -> Any:
    """A deep copy of document data: tables as dicts, lists as lists, values as they are."""
    if isinstance(data, Mapping):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_copy(value) for value in data]
    return copy.copy(data)


def _cross_check(partnership: Partnership, file: str) -> list[Problem]:
    """Problems no single field shows: references between facts and impossible dates."""
    problems = []
    party_ids = [p.id for p in partnership.parties]
    ki = [i for i, p in enumerate(partnership.parties) if p.role.value == "ki"]
    if len(ki) != 1:
        got = "none" if not ki else ", ".join(f"parties[{i}]" for i in ki)
        problems.append(
            Problem(file, "parties", f"expected exactly one party with role 'ki' (KI itself), got {got}")
        )
    if partnership.steering_group is not None:
        for i, member in enumerate(partnership.steering_group.members):
            if member.party not in party_ids:
                problems.append(
                    Problem(
                        file, f"steering_group.members[{i}].party",
                        f"expected the id of a party ({', '.join(party_ids) or 'none given'}), "
                        f"got {member.party!r}{did_you_mean(member.party, party_ids)}",
                    )
                )
    for i, forum in enumerate(partnership.fora):
        for j, party in enumerate(forum.parties):
            if party not in party_ids:
                problems.append(
                    Problem(
                        file, f"fora[{i}].parties[{j}]",
                        f"expected the id of a party, got {party!r}{did_you_mean(party, party_ids)}",
                    )
                )
    evaluation_ids = [e.id for e in partnership.evaluations]
    for i, renewal in enumerate(partnership.agreement.renewals):
        if renewal.evaluation is not None and renewal.evaluation not in evaluation_ids:
            problems.append(
                Problem(
                    file, f"agreement.renewals[{i}].evaluation",
                    f"expected the id of an evaluation ({', '.join(evaluation_ids) or 'none given'}), "
                    f"got {renewal.evaluation!r}{did_you_mean(renewal.evaluation, evaluation_ids)}",
                )
            )
    for i, organisation_party in enumerate(partnership.parties):
        organisation = organisation_party.reach is not None and organisation_party.reach.value == "international-organisation"
        if organisation and organisation_party.country is not None:
            problems.append(Problem(
                file, f"parties[{i}].country",
                "expected no country for an international organisation: give the country of its seat as 'seat'",
            ))
        if organisation_party.seat is not None and not organisation:
            problems.append(Problem(
                file, f"parties[{i}].seat",
                "expected a seat only for an international organisation (reach = 'international-organisation')",
            ))
    agreement = partnership.agreement
    if agreement.open_ended and (agreement.ends is not None or any(r.until for r in agreement.renewals)):
        problems.append(
            Problem(file, "agreement.open_ended", "expected no end date (agreement.ends, renewals' until) for an open-ended agreement")
        )
    if agreement.signed and agreement.ends and agreement.ends < agreement.signed:
        problems.append(
            Problem(file, "agreement.ends", f"expected a date on or after the signing date {agreement.signed}")
        )
    return problems


def structure(data: Mapping[str, Any], file: str = MAPPING_NAME) -> Partnership:
    """Turn a mapping into a :class:`~kipolicy.Partnership`, reporting every problem.

    Raises:
        InputError: Every problem of the document, one per line, with the field path.
    """
    if not isinstance(data, Mapping):
        raise InputError([Problem(file, "", f"expected a table, got {_describe(data)}")])
    try:
        partnership = converter.structure(dict(data), Partnership)
    except (ClassValidationError, IterableValidationError, ForbiddenExtraKeysError) as exc:
        raise InputError(problems_of(exc, file)) from None
    except (ValueError, TypeError, KeyError) as exc:
        raise InputError([Problem(file, "", _message(exc, Partnership))]) from None
    problems = _cross_check(partnership, file)
    if problems:
        raise InputError(problems)
    _remember(partnership, partnership)
    return partnership


# Partnerships known to be valid: each made by structure(), or built in code and checked once.
_CHECKED: IdentityCache[Partnership] = IdentityCache()
PARTNERSHIP_NAME = "<Partnership>"


def _remember(original: Partnership, valid: Partnership) -> None:
    _CHECKED.put(original, valid)


def _areas_intact(partnership: Partnership) -> bool:
    """The one mutable part of a frozen partnership (a dict) still holds what it was checked to."""
    areas = partnership.traits.areas
    return isinstance(areas, dict) and all(
        isinstance(k, Area) and isinstance(v, TraitStatus) for k, v in areas.items()
    )


def checked(partnership: Partnership) -> Partnership:
    """``partnership`` checked as a document would be (the checked copy; itself if valid).

    A :class:`~kipolicy.Partnership` built in code skips the document reader, so it is written
    out as a document and read back with the same checks: wrong types, values outside the
    vocabularies, out-of-range numbers, dangling references and the KI party are reported as
    an :class:`~kipolicy.InputError` naming the field, as for a file. Values a document may
    give as text (an ISO date, an enumeration's word) come back as their types. Each object is
    checked once.

    Raises:
        InputError: Every problem, with ``<Partnership>`` as the file.
    """
    known = _CHECKED.get(partnership)
    if known is not None and _areas_intact(partnership):
        return known
    try:
        data = to_document(partnership)
    except RecursionError:
        raise InputError([Problem(PARTNERSHIP_NAME, "", "expected a partnership, got a structure that contains itself")]) from None
    valid = structure(data, PARTNERSHIP_NAME)
    _remember(partnership, valid)
    return valid


def load_partnership(
    source: str | os.PathLike[str] | Mapping[str, Any] | Partnership,
) -> Partnership:
    """Load a partnership from a TOML or JSON file, a mapping, or return it if it is one.

    Args:
        source: A path to a ``.toml`` or ``.json`` document, a mapping with the document's
            fields, or a :class:`~kipolicy.Partnership`.

    Returns:
        The :class:`~kipolicy.Partnership`.

    Raises:
        InputError: Every problem of the document at once, each naming the file, the field
            path (e.g. ``parties[1].kind``) and what was expected.

    Example:
        >>> import kipolicy
        >>> p = kipolicy.load_partnership({"id": "x", "name": "X", "level": "ki-wide", "stage": "proposal", "parties": [
        ...     {"id": "ki", "name": "Karolinska Institutet", "role": "ki"}]})
        >>> p.level.value
        'ki-wide'
    """
    if isinstance(source, Partnership):
        return checked(source)
    if isinstance(source, Mapping):
        return structure(source, MAPPING_NAME)
    if isinstance(source, (str, os.PathLike)):
        file = os.fspath(source)
        return structure(read_document(file), file)
    raise TypeError(
        f"load_partnership() expects a path, a mapping or a Partnership, got {type(source).__name__}"
    )
