"""Each fact field is declared once: what the declarations say is what the facts do.

A field declared ``computed_with`` an interpretation is where the interpretation register
finds the rules a reading changes; a field that changes under a reading without saying so
would hide a changed rule from the register (docs/interpretations.md).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import kipolicy
from kipolicy._facts.facts import FACT_TYPES, make_facts
from kipolicy._policy.interpretations import INTERPRETATIONS, Interpretations
from kipolicy._facts.peers import PortfolioIndex
from kipolicy._tools.register import REGISTER, computed_with

DOCUMENTS = sorted(
    [*Path("examples").glob("*.toml"), *Path("examples/portfolio").glob("*.toml"), *Path("tests/cases/documents").glob("*.toml")]
)
DAYS = (dt.date(2023, 6, 1), dt.date(2024, 9, 1), dt.date(2025, 6, 1), dt.date(2027, 6, 1), dt.date(2029, 1, 1))


def _other_readings(name: str) -> list[Any]:
    """Readings of ``name`` other than its default, enough to move every field it computes."""
    interpretation = INTERPRETATIONS[name]
    default = interpretation.default
    if interpretation.choices is not None and interpretation.kind == "choice":
        return [c for c in interpretation.choices if c != default]
    if interpretation.kind == "names":
        return [["prorektor"] if name == "decision-authorities" else ["Another focus area"], []]
    readings: list[Any] = []
    if interpretation.choices:
        readings += [c for c in interpretation.choices if c != default]
    number = default if isinstance(default, (int, float)) else 12
    readings += [number * 2, max(interpretation.minimum, 1)]
    if interpretation.kind == "optional-int":
        readings += [1]
    return [r for r in readings if r != default]


def _fields_by_fact(facts: list[dict[str, Any]]) -> dict[tuple[str, str, str, int], dict[str, Any]]:
    """The facts by type, path, name and their order among such facts: the same fact under two
    readings (a reading may add or remove facts; those are not compared)."""
    out: dict[tuple[str, str, str, int], dict[str, Any]] = {}
    for fact in facts:
        key = (fact["type"], str(fact.get("path", "")), str(fact.get("name", fact.get("kind", ""))))
        n = sum(1 for k in out if k[:3] == key)
        out[(*key, n)] = fact
    return out


@pytest.fixture(scope="module")
def partnerships() -> list[kipolicy.Partnership]:
    return [kipolicy.load_partnership(path) for path in DOCUMENTS]


@pytest.mark.parametrize("name", sorted(REGISTER))
def test_a_field_that_changes_under_a_reading_is_declared_computed_with_it(name: str, partnerships) -> None:
    declared = {entry.split("[")[0] for entry in computed_with(name)}
    interpretation = INTERPRETATIONS[name]
    policy_in_force = kipolicy.policy().document.in_force_from
    undeclared: set[str] = set()
    for day in DAYS:
        portfolio = PortfolioIndex(
            [p for p, path in zip(partnerships, DOCUMENTS, strict=True) if path.parent.name == "portfolio"], day
        )
        for partnership in partnerships:
            for index in (None, portfolio):
                base = _fields_by_fact(make_facts(partnership, day, Interpretations({}), policy_in_force, index).facts)
                for reading in _other_readings(name):
                    other = make_facts(partnership, day, Interpretations({name: reading}), policy_in_force, index)
                    for key, fact in _fields_by_fact(other.facts).items():
                        if key[0] == "assessment" or key not in base:
                            continue
                        before = base[key]
                        undeclared |= {
                            f"{key[0]}.{field}" for field in set(fact) | set(before)
                            if field not in ("derivation",) and fact.get(field) != before.get(field)
                            and f"{key[0]}.{field}" not in declared
                        }
    assert undeclared == set(), f"{interpretation.name} changes fields it is not declared computed_with"


def test_every_declared_interpretation_exists_and_every_field_is_a_fact_field() -> None:
    for fact_type in FACT_TYPES.values():
        for field_name, field in fact_type.fields.items():
            for declared in field.computed_with:
                name = declared.split("[")[0]
                assert name in INTERPRETATIONS, f"{fact_type.name}.{field_name}: {declared}"
                if "[" in declared:
                    selector = declared.split("[", 1)[1].rstrip("]").split("=")[0]
                    assert selector in fact_type.fields, f"{fact_type.name}.{field_name}: {declared}"


def test_every_base_fact_field_is_made_by_its_declaration() -> None:
    """A base fact type declares what its facts are made from and, with each field, how the
    field's value is made: the facts carry exactly the declared fields (the ones known)."""
    for name, fact_type in FACT_TYPES.items():
        assert fact_type.rows is not None and fact_type.path is not None, name
        for field_name, field in fact_type.fields.items():
            assert field.value is not None, f"{name}.{field_name}"
    seen: dict[str, set[str]] = {}
    for document in DOCUMENTS:
        facts = make_facts(kipolicy.load_partnership(document), dt.date(2026, 1, 1), Interpretations(), dt.date(2023, 2, 21))
        for fact in facts.facts:
            fields = set(fact) - {"type", "path"}
            assert fields <= set(FACT_TYPES[fact["type"]].fields), fact["type"]
            seen.setdefault(fact["type"], set()).update(fields)
    assert {"partnership", "party", "trait", "duty"} <= set(seen)
