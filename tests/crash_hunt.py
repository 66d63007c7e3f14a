"""Hostile inputs for the crash hunt, and the worker that runs them (tests/test_crash_hunt.py).

Run as ``python -m tests.crash_hunt CATEGORY SEED COUNT``: it generates COUNT inputs of one
category (documents, interpretations, cases, rules) from SEED and feeds each to kipolicy. An
input may be refused with kipolicy's own error (:class:`kipolicy.KipolicyError`) or give a
report; anything else is a defect and is printed as ``BAD``. Before each input it prints
``START i`` so that when the process dies by a signal the parent knows which input killed it,
and it can be made again from the seed.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import random
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = ("documents", "interpretations", "cases", "rules")

NASTY_NUMBERS: list[Any] = [
    float("inf"), float("-inf"), float("nan"), -0.0, 1e308, 1e-300, 1e-05, 2.99995, 10**20, 2**63,
    -(2**63) - 1, 10**400, -1, 0, 1, 3, 1e15, 123456789.123456789,
]
NASTY_TEXTS: list[str] = [
    "", " ", "\ud800", "a\udfffb", "\x00", "\x1b]0;title\x07", "\x1b[2J", "x" * 20_000,
    "x | [a](javascript:alert(1)) <img src=x>\n# h", "🎓" * 50, "\u202egnp.exe", "'; DROP TABLE", "{party.name}",
    "ki", "rektor", "in-place", "2025-02-30", "2025-01-01", "9999-12-31", "0001-01-01", "'", '"',
]
NASTY_OTHER: list[Any] = [None, True, False, [], {}, [1, 2], {"a": 1}, [[[[]]]], {"__kipolicy_date__": "2025-01-01"},
                          dt.date(2025, 1, 1), dt.date(1, 1, 1), dt.date(9999, 12, 31),
                          dt.datetime(2025, 1, 1, 12, 0), list(range(1500))]


def nasty(rng: random.Random) -> Any:
    pool = rng.choice((NASTY_NUMBERS, NASTY_TEXTS, NASTY_OTHER))
    value = rng.choice(pool)
    if isinstance(value, str) and value == "x" * 20_000 and rng.random() < 0.05:
        return "y" * (16 * 1024 * 1024 + 10)  # past the engine's own 16 MiB limit
    return copy.deepcopy(value)


def _documents() -> list[dict[str, Any]]:
    import kipolicy

    paths = sorted((ROOT / "examples").rglob("*.toml"))
    return [kipolicy.to_document(kipolicy.load_partnership(p)) for p in paths]


def _places(data: Any, path: tuple = ()) -> list[tuple]:
    """Every place (a path of keys and indexes) in a document."""
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _places(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            out += _places(value, (*path, index))
    return out


def _set(data: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return data


def mutate(rng: random.Random, document: dict[str, Any], changes: int) -> Any:
    doc = copy.deepcopy(document)
    for _ in range(changes):
        places = _places(doc)[1:]  # not the whole document: a non-mapping is a TypeError by design
        if not places:
            break
        place = rng.choice(places)
        roll = rng.random()
        if roll < 0.7:
            doc = _set(doc, place, nasty(rng))
        elif roll < 0.85 and place:
            parent = doc
            for part in place[:-1]:
                parent = parent[part]
            if isinstance(parent, dict):
                parent.pop(place[-1], None)
            elif isinstance(parent, list) and place[-1] < len(parent):
                parent.pop(place[-1])
        else:
            target = doc
            for part in place:
                target = target[part]
            if isinstance(target, dict):
                target[rng.choice(["extra", "id", "sid", "type", "fid", "path", "\ud800", "x" * 300])] = nasty(rng)
            elif isinstance(target, list):
                target.append(nasty(rng))
        if not isinstance(doc, dict):
            break
    return doc


def interpretation_settings(rng: random.Random) -> Any:
    import kipolicy

    if rng.random() < 0.05:
        return nasty(rng)
    names = list(kipolicy.INTERPRETATIONS) + ["unknown-name", "long_term_years", "\ud800"]
    settings = {}
    for _ in range(rng.randint(1, 4)):
        name = rng.choice(names)
        interpretation = kipolicy.INTERPRETATIONS.get(name)
        if interpretation is not None and interpretation.choices and rng.random() < 0.3:
            settings[name] = rng.choice(interpretation.choices)
        else:
            settings[name] = nasty(rng)
    return settings


RULE_TEMPLATE = {
    "id": "definition.hunt",
    "kind": "note",
    "modality": "definition",
    "cites": ["definition.4"],
    "title": {"sv": "t", "en": "t"},
    "message": {"sv": "m {partnership.name}", "en": "m"},
    "remedy": {"sv": "r", "en": "r"},
    "when": [{"fact": "partnership", "where": ["commitment_years >= 1"]}],
}
CLAUSE_PARTS = {
    "field": ["commitment_years", "name", "stage", "areas", "partners", "start", "phase_marker", "id", "sid", "x"],
    "op": ["==", "!=", "<", "<=", ">", ">=", "is missing", "is present", "~"],
    "operand": ["1", "-1", "1.5", "9" * 400 + ".5", "9" * 30, "'text'", "'\x1b'", "true", "assessment.as_of",
                "partnership.start", "inf", "nan", "1e-05", "'active'", "'" + "x" * 2000 + "'"],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        text = repr(value)
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(text, text)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, dt.date):
        return value.isoformat()
    return json.dumps(str(value))


def rule_file(rng: random.Random) -> str:
    rule = copy.deepcopy(RULE_TEMPLATE)
    conditions = []
    types = ["partnership", "assessment", "party", "ethics", "decision", "review", "duty", "support", "trait"]
    for _ in range(rng.randint(1, 5)):
        cond: dict[str, Any] = {("no" if rng.random() < 0.2 else "fact"): rng.choice(types)}
        if rng.random() < 0.3 and "fact" in cond:
            cond["as"] = rng.choice(["p", "phase_marker", "retroactivity_gate", "end", "no_x", "Bad"])
        for key in ("where", "any"):
            if rng.random() < 0.6:
                count = rng.choice([1, 2, 3, 8, 10, 40])
                cond[key] = [
                    f"{rng.choice(CLAUSE_PARTS['field'])} {rng.choice(CLAUSE_PARTS['op'])} {rng.choice(CLAUSE_PARTS['operand'])}"
                    for _ in range(count)
                ]
        conditions.append(cond)
    if rng.random() < 0.5:
        rule["when"] = conditions
    if rng.random() < 0.4:
        rule["derive"] = [{"fact": "hunt", "values": {"n": nasty(rng) if rng.random() < 0.7 else 1}}]
    for _ in range(rng.randint(0, 2)):
        key = rng.choice(list(rule))
        rule[key] = nasty(rng)
    lines = ['section = "definition"', 'step = "definition"', "",
             "[facts.hunt]", 'description = "d"', 'fields = { n = "number" }', "", "[[rule]]"]
    lines += [f"{k} = {_toml_value(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def case_data(rng: random.Random, document: dict[str, Any]) -> Any:
    case: dict[str, Any] = {
        "name": "hunt",
        "as_of": "2025-06-01",
        "partnership": json.loads(json.dumps(document, default=str)),
        "expect": {"fires": ["definition.strategic"], "quiet": ["definition.not-strategic"]},
    }
    if rng.random() < 0.5:
        case["interpretations"] = interpretation_settings(rng)
    if rng.random() < 0.3:
        case["overrides"] = {rng.choice(["name", "parties[1].name", "stage", "x[", "traits.commitment_years"]): nasty(rng)}
    if rng.random() < 0.3:
        case["remove"] = rng.choice([["steering_group"], ["parties[9]"], "x", [1]])
    data = {"case": [case]}
    return mutate(rng, data, rng.randint(0, 3)) if rng.random() < 0.7 else data


def _check_outputs(report: Any) -> None:
    """A report must render in every format and give valid JSON."""
    json.dumps(report.to_dict(), allow_nan=False, default=str)
    for lang in ("sv", "en"):
        for text in (report.to_text(lang), report.to_markdown(lang), report.to_html(lang)):
            text.encode("utf-8")


def run(category: str, seed: int, count: int) -> int:
    import kipolicy
    from kipolicy._tools.cases import load_cases, run_case

    rng = random.Random(f"{category}-{seed}")
    documents = _documents()
    bad = refused = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(count):
            print(f"START {i}", flush=True)
            try:
                if category == "documents":
                    doc = mutate(rng, rng.choice(documents), rng.choice((1, 1, 2, 4)))
                    _check_outputs(kipolicy.assess(doc, as_of="2025-06-01"))
                elif category == "interpretations":
                    settings = interpretation_settings(rng)
                    _check_outputs(kipolicy.assess(documents[0], as_of="2025-06-01", interpretations=settings))
                elif category == "cases":
                    path = Path(tmp) / f"c{i}.case.json"
                    path.write_text(json.dumps(case_data(rng, rng.choice(documents)), default=str), encoding="utf-8",
                                    errors="surrogatepass")
                    for case in load_cases(path):
                        run_case(case)
                elif category == "rules":
                    directory = Path(tmp) / f"r{i}"
                    directory.mkdir()
                    (directory / "definition.toml").write_text(rule_file(rng), encoding="utf-8", errors="surrogatepass")
                    book = kipolicy.load_rules(directory)
                    _check_outputs(kipolicy.assess(documents[0], as_of="2025-06-01", rules=book))
                else:
                    raise SystemExit(f"unknown category {category!r}; expected one of {CATEGORIES}")
            except kipolicy.KipolicyError:
                refused += 1
            except Exception:  # noqa: BLE001 - what the hunt is for
                bad += 1
                lines = traceback.format_exc().strip().splitlines()
                print(f"BAD {i} {lines[-1]}", flush=True)
                print("    " + "\n    ".join(lines[-8:]), flush=True)
    print(f"DONE {count} inputs: {count - refused - bad} accepted, {refused} refused, {bad} bad", flush=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1], int(sys.argv[2]), int(sys.argv[3])))
