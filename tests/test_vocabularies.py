"""Controlled vocabularies, not literal strings (rules-catalogue rev. 2, principle 2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kipolicy
from kipolicy._vocabularies import names, normalise_word, vocabulary


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": "x", "name": "X", "stage": "active", "started": dt.date(2024, 1, 1),
        "parties": [
            {"id": "ki", "name": "Karolinska Institutet", "role": "ki"},
            {"id": "p", "name": "Partner"},
        ],
        "establishment": {"decision": {"date": dt.date(2023, 12, 1), "by": "rektor"}},
    }
    document.update(changes)
    return document


def _problems(document: dict[str, Any]) -> list[str]:
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.load_partnership(document)
    return [f"{p.path}: {p.message}" for p in info.value.problems]


@pytest.mark.parametrize("word", ["rektor", "Rektor", "President", "the President", "Vice-Chancellor", "vice chancellor"])
def test_every_name_of_rektor_is_one_role(word: str) -> None:
    document = _document(establishment={"decision": {"date": dt.date(2023, 12, 1), "by": word}})
    partnership = kipolicy.load_partnership(document)
    assert partnership.establishment.decision.by == "rektor"
    report = kipolicy.assess(partnership, as_of="2025-01-01")
    assert not report.by_rule("etablering.decision-not-delegated")


def test_a_role_outside_the_vocabulary_is_refused_with_the_nearest() -> None:
    problems = _problems(_document(establishment={"decision": {"date": dt.date(2023, 12, 1), "by": "Prefect"}}))
    assert problems == [
        "establishment.decision.by: expected a word of the vocabulary 'roles' (rektor, prorektor, vicerektor, "
        "universitetsdirektor, konsistoriet, fakultetsnamnden, dekan, prefekt, other), got 'Prefect' "
        "(did you mean 'prefekt'?)"
    ]


def test_every_bad_value_is_reported_at_once() -> None:
    problems = _problems(_document(
        establishment={"decision": {"date": dt.date(2023, 12, 1), "by": "Chancellor"}},
        fora=[{"name": "a", "level": "board room"}, {"name": "b", "level": "studnets"}],
    ))
    assert sorted(p.split(":")[0] for p in problems) == ["establishment.decision.by", "fora[0].level", "fora[1].level"]
    assert any("did you mean 'student'" in p for p in problems)


def test_decision_authorities_come_from_the_vocabulary() -> None:
    readings = kipolicy.Interpretations({"decision-authorities": ["President", "Dean"]})
    assert readings["decision-authorities"] == ("rektor", "dekan")
    with pytest.raises(kipolicy.InterpretationError, match="did you mean 'dekan'"):
        kipolicy.Interpretations({"decision-authorities": ["dekn"]})


def test_leadership_and_management_are_one_level() -> None:
    two_words = _document(fora=[{"name": "a", "level": "leadership"}, {"name": "b", "level": "Management"}])
    report = kipolicy.assess(kipolicy.load_partnership(two_words), as_of="2025-01-01")
    (finding,) = report.by_rule("organisation.single-level-fora")
    assert "1 level" in finding.message("en")
    two_levels = _document(fora=[{"name": "a", "level": "leadership"}, {"name": "b", "level": "research"}])
    assert not kipolicy.assess(kipolicy.load_partnership(two_levels), as_of="2025-01-01").by_rule("organisation.single-level-fora")


def test_the_steering_group_is_a_forum_at_the_management_level() -> None:
    steered = _document(
        steering_group={"members": [{"party": "ki", "management_representative": True}]},
        fora=[{"name": "researchers", "level": "operational"}],
    )
    assert not kipolicy.assess(kipolicy.load_partnership(steered), as_of="2025-01-01").by_rule("organisation.single-level-fora")
    three = kipolicy.assess(kipolicy.load_partnership(steered), as_of="2025-01-01", interpretations={"fora-levels": 3})
    assert three.by_rule("organisation.single-level-fora")
    with pytest.raises(kipolicy.InterpretationError, match="from 2 to 4"):
        kipolicy.Interpretations({"fora-levels": 1})


@pytest.mark.parametrize("name", names())
def test_each_vocabulary_means_each_word_once(name: str) -> None:
    words = vocabulary(name)
    for term in words.terms:
        for word in term.words:
            assert words.lookup(word) == term.id
            assert words.canonical(word.upper()) == term.id


@given(st.sampled_from([w for n in names() for w in vocabulary(n).words()]), st.sampled_from(["", " ", "  "]))
def test_case_and_spacing_do_not_matter(word: str, pad: str) -> None:
    for name in names():
        words = vocabulary(name)
        if words.lookup(word) is not None:
            assert words.lookup(pad + word.swapcase() + pad) == words.lookup(word)
            assert normalise_word(word) == normalise_word(f" {word.upper()} ")


def test_the_schema_lists_the_words() -> None:
    schema = kipolicy.schema()
    by = schema["$defs"]["Decision"]["properties"]["by"]
    assert {"rektor", "President", "Vice-Chancellor", "other"} <= set(by["enum"])
    assert "leadership" in schema["$defs"]["Forum"]["properties"]["level"]["enum"]
