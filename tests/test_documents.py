"""Documents into the fact model: strict, every problem at once, with file and field path."""

from __future__ import annotations

import json
from pathlib import Path

import attrs
import pytest

import kipolicy

from .conftest import EXAMPLES


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.name)
def test_examples_load(path: Path) -> None:
    partnership = kipolicy.load_partnership(path)
    assert isinstance(partnership, kipolicy.Partnership)
    assert partnership.ki is not None


def test_json_and_mapping_give_the_same_partnership(tmp_path: Path, base_document: dict) -> None:
    from_mapping = kipolicy.load_partnership(base_document)
    text = json.dumps(base_document, default=str)
    (tmp_path / "p.json").write_text(text, encoding="utf-8")
    assert kipolicy.load_partnership(tmp_path / "p.json") == from_mapping
    assert kipolicy.load_partnership(from_mapping) is from_mapping


def _problems(source) -> list[str]:
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.load_partnership(source)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    problems = _problems(
        {
            "id": "x", "name": 3, "stage": "activ", "levl": "ki-wide",
            "parties": [
                {"id": "ki", "name": "KI", "role": "ki", "fields": "medicine"},
                {"id": "p", "name": "P", "kind": "univ", "bnefit": "b"},
            ],
            "traits": {"areas": {"resarch": "in-place"}, "commitment_years": "5"},
            "risk_assessments": [{"date": "2023-13-01"}],
        }
    )
    assert problems == [
        "name: expected text, got the number 3",
        problems[1],
        "stage: expected one of 'proposal', 'active', 'ended', got 'activ' (did you mean 'active'?)",
        "parties[0].fields: expected a list, got the text 'medicine'",
        "parties[1].kind: expected one of 'university', 'company', 'government-agency', 'civil-society', 'public-sector', 'other', got 'univ'",
        problems[5],
        "traits.commitment_years: expected a number of years or 'open-ended', got '5'",
        "traits.areas.resarch: expected one of 'research', 'education', 'utilisation', got 'resarch' (did you mean 'research'?)",
        "risk_assessments[0].date: expected a date (YYYY-MM-DD), got the impossible date '2023-13-01'",
        problems[9],
    ]
    # The misspelt field is unknown, and the field it misspells is missing: both are said.
    assert problems[1].startswith("level: required field is missing; expected one of 'ki-wide', ")
    assert problems[5].startswith("parties[1].bnefit: unknown field (did you mean 'benefit'?)")
    assert problems[9].startswith("levl: unknown field (did you mean 'level'?)")


def test_problem_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('id = "x"\nname = "X"\nlevel = "ki-wide"\nstage = "proposal"\n[[parties]]\nid = "ki"\nname = "KI"\nrole = "kii"\n', encoding="utf-8")
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.load_partnership(path)
    (problem,) = info.value.problems
    assert problem.file == str(path)
    assert problem.path == "parties[0].role"
    assert "did you mean 'ki'" in problem.message
    assert str(path) in str(info.value)


@pytest.mark.parametrize(
    ("document", "path", "fragment"),
    [
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal"}, "parties", "exactly one party with role 'ki'"),
        ({"name": "n"}, "id", "required field is missing"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "parties": [{"id": "a", "name": "A", "role": "ki"}, {"id": "a", "name": "B"}]}, "parties[1]", "duplicate id 'a'"),
        ({"id": "x", "name": " ", "level": "ki-wide", "stage": "proposal"}, "name", "non-empty text"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "traits": {"commitment_years": -1}}, "traits.commitment_years", ">= 0"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "traits": {"intentions_stated_jointly": "yes"}}, "traits.intentions_stated_jointly", "true or false"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "started": "2024-01-01T10:00:00"}, "started", "expected a date"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "parties": [{"id": "ki", "name": "KI", "role": "ki"}], "steering_group": {"members": [{"party": "kii"}]}}, "steering_group.members[0].party", "did you mean 'ki'"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "parties": [{"id": "ki", "name": "KI", "role": "ki"}], "agreement": {"signed": "2024-01-01", "ends": "2023-01-01"}}, "agreement.ends", "on or after"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "parties": "ki"}, "parties", "expected a list"),
        ({"id": "x", "name": "n", "level": "ki-wide", "stage": "proposal", "traits": []}, "traits", "expected a table"),
    ],
)
def test_bad_documents(document: dict, path: str, fragment: str) -> None:
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.load_partnership(document)
    assert any(p.path == path and fragment in p.message for p in info.value.problems), info.value


@pytest.mark.parametrize(
    ("content", "suffix", "fragment"),
    [
        (b"id = ", ".toml", "is not valid TOML"),
        (b"\xff\xfe", ".toml", "is not UTF-8"),
        (b'{"id": "a", "id": "b"}', ".json", "duplicate key 'id'"),
        (b"[1, 2]", ".json", "expected a table at the top"),
        (b"id = 1", ".yaml", "expected a .toml or .json file"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, suffix: str, fragment: str) -> None:
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(content)
    with pytest.raises(kipolicy.InputError, match=fragment):
        kipolicy.load_partnership(path)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(kipolicy.InputError, match="no such file"):
        kipolicy.load_partnership(tmp_path / "missing.toml")
    folder = tmp_path / "folder.toml"
    folder.mkdir()
    with pytest.raises(kipolicy.InputError, match="directory"):
        kipolicy.load_partnership(folder)


def test_partnership_is_frozen_and_evolves(base_document: dict) -> None:
    partnership = kipolicy.load_partnership(base_document)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        partnership.name = "other"  # type: ignore[misc]
    from kipolicy._document.model import Stage

    variant = attrs.evolve(partnership, stage=Stage.PROPOSAL)
    assert variant.stage.value == "proposal" and partnership.stage.value == "active"
