"""Controlled vocabularies, not literal strings (rules-catalogue rev. 2, principle 2)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kipolicy
from kipolicy._policy.vocabularies import names, normalise_word, vocabulary


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": "x", "name": "X", "level": "ki-wide", "stage": "active", "started": dt.date(2024, 1, 1),
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
    assert any("did you mean 'students', student?" in p for p in problems)


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


@pytest.mark.parametrize(("word", "code"), [
    ("Germany", "DE"), ("DEU", "DE"), ("de", "DE"), ("Tyskland", "DE"), ("UK", "GB"), ("South Korea", "KR"),
    ("Taiwan", "TW"), ("Hong Kong", "HK"), ("United States of America", "US"), ("Sverige", "SE"),
])
def test_countries_are_iso_codes(word: str, code: str) -> None:
    document = _document(parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "country": "SE"},
        {"id": "p", "name": "Partner", "country": word},
    ])
    assert kipolicy.load_partnership(document).parties[1].country == code


def test_a_country_is_refused_with_the_nearest_and_ambiguous_names_are_refused() -> None:
    problems = _problems(_document(parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "country": "Swedn"},
        {"id": "p", "name": "Partner", "country": "Korea"},
    ]))
    assert problems == [
        "parties[0].country: expected a word of the vocabulary 'countries' (249 terms: `kipolicy vocabularies "
        "countries`), got 'Swedn' (did you mean 'Sweden', SE?)",
        "parties[1].country: 'Korea' is not used: it names two countries: KR (South Korea) or KP (North Korea)",
    ]


def test_germany_overlaps_de() -> None:
    # urval.5 (rev. 2): "Germany", "DEU" and "DE" are one country.
    base = {"stage": "active", "strategy": {"focus_areas": ["Health"]}}
    peer = _document(id="peer", name="Peer", parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "management_engagement": "in-place"},
        {"id": "p", "name": "Charité", "country": "DE", "management_engagement": "in-place"},
    ], traits={"formalised": "in-place", "long_term": "in-place", "commitment_years": 5, "common_goals": ["g"],
               "mutual_benefit": "in-place", "joint_value": "v"}, **base)
    proposal = _document(id="new", name="New", stage="proposal", establishment={}, parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki"},
        {"id": "p", "name": "Heidelberg", "country": "Germany"},
    ], strategy={"focus_areas": ["health"]})
    for document in (peer, proposal):
        for party in document["parties"]:
            party.setdefault("benefit", "b")
    portfolio = kipolicy.assess_portfolio([kipolicy.load_partnership(peer), kipolicy.load_partnership(proposal)], as_of="2025-01-01")
    report = next(r for r in portfolio.reports if r.partnership_id == "new")
    (finding,) = report.by_rule("urval.overlaps-established")
    assert "DE" in finding.message("en")


def test_the_schema_lists_the_words() -> None:
    schema = kipolicy.schema()
    by = schema["$defs"]["Decision"]["properties"]["by"]
    assert {"rektor", "President", "Vice-Chancellor", "other"} <= set(by["enum"])
    assert "leadership" in schema["$defs"]["Forum"]["properties"]["level"]["enum"]


def _complementary(partner_fields: list[str], ki_fields: list[str] | None = None) -> bool:
    ki: dict[str, Any] = {"id": "ki", "name": "Karolinska Institutet", "role": "ki"}
    if ki_fields is not None:
        ki["fields"] = ki_fields
    document = _document(stage="proposal", establishment={}, parties=[
        ki, {"id": "p", "name": "Partner", "kind": "university", "fields": partner_fields},
    ])
    report = kipolicy.assess(kipolicy.load_partnership(document), as_of="2025-01-01")
    assert bool(report.by_rule("urval.complementary")) != bool(report.by_rule("urval.not-complementary"))
    return bool(report.by_rule("urval.complementary"))


@pytest.mark.parametrize(("fields", "ki_fields", "complementary"), [
    (["clinical medicine"], None, False),
    (["epidemiology", "nursing", "medical ethics"], None, False),
    (["Biological sciences"], None, False),        # 1.6 is KI's own by default
    (["Natural sciences"], None, True),            # the broad area reaches beyond 1.6
    (["Medical and health sciences"], None, False),
    (["technology"], None, True),
    (["Medical engineering"], None, True),         # 2.6: teknik, urval.4
    (["humaniora"], None, True),
    (["504"], None, True),                         # SCB: sociology
    (["1.6"], ["3"], True),                        # the document's own KI fields decide
    (["3.3"], ["3.2"], True),
    (["3.3"], ["3"], False),
])
def test_complementary_is_judged_on_the_fields_of_research(fields, ki_fields, complementary) -> None:
    assert _complementary(fields, ki_fields) is complementary


def test_umbrella_words_are_refused_with_what_they_could_mean() -> None:
    problems = _problems(_document(parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki"},
        {"id": "p", "name": "Partner", "fields": ["medicine", "Life Sciences"]},
    ]))
    assert problems == [
        "parties[1].fields[1]: 'Life Sciences' is not used: an umbrella word that spans areas: give the fields it "
        "means, e.g. 1.6 Biological sciences, 3.1 Basic medicine, 3.4 Medical biotechnology, 2.9 Industrial biotechnology"
    ]


def test_the_fields_of_research_are_ford_with_scb_codes() -> None:
    fields = vocabulary("fields")
    areas = [t for t in fields.terms if t.parent is None]
    assert [t.id for t in areas] == ["1", "2", "3", "4", "5", "6"]
    assert len(fields.terms) - len(areas) == 42
    for term in fields.terms:
        if term.parent is not None:
            scb = term.parent + term.id.split(".")[1].zfill(2)   # 3.3 -> 303
            assert fields.lookup(scb) == term.id


def test_an_international_organisation_has_a_seat_not_a_country() -> None:
    problems = _problems(_document(parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki", "seat": "SE"},
        {"id": "p", "name": "World Health Organization", "reach": "international-organisation", "country": "CH"},
    ]))
    assert problems == [
        "parties[0].seat: expected a seat only for an international organisation (reach = 'international-organisation')",
        "parties[1].country: expected no country for an international organisation: give the country of its seat as 'seat'",
    ]
    who = kipolicy.load_partnership(_document(parties=[
        {"id": "ki", "name": "Karolinska Institutet", "role": "ki"},
        {"id": "p", "name": "World Health Organization", "reach": "international-organisation", "seat": "Switzerland"},
    ]))
    assert who.parties[1].seat == "CH" and who.parties[1].country is None


def test_dated_lists_of_an_interpretation_round_trip_and_apply_by_date() -> None:
    from kipolicy._policy.interpretations import in_force

    readings = kipolicy.Interpretations({"decision-authorities": [
        {"from": dt.date(2025, 1, 1), "names": ["President", "Dean"]},
        {"from": "2020-01-01", "names": ["rektor"]},
    ]})
    value = readings["decision-authorities"]
    assert value == (("2020-01-01", ("rektor",)), ("2025-01-01", ("rektor", "dekan")))
    assert in_force(value, dt.date(2019, 1, 1)) == ("rektor",)      # before every period: the first
    assert in_force(value, dt.date(2024, 12, 31)) == ("rektor",)
    assert in_force(value, dt.date(2025, 1, 1)) == ("rektor", "dekan")
    assert kipolicy.Interpretations(json.loads(json.dumps(readings.to_dict()))) == readings
    report = kipolicy.assess(kipolicy.load_partnership(_document()), as_of="2025-01-01", interpretations=readings)
    assert "from 2020-01-01: rektor; from 2025-01-01: rektor, dekan" in report.to_markdown("en")
    for wrong, message in (
        ([{"from": "2020-13-01", "names": ["rektor"]}], "'from' is not a date"),
        ([{"from": "2020-01-01", "names": ["rektor"]}, {"from": "2020-01-01", "names": ["dekan"]}], "two periods start on 2020-01-01"),
        ([{"from": "2020-01-01", "names": ["dekn"]}], "did you mean 'dekan'"),
        ([{"from": "2020-01-01"}], "expected {from = DATE, names = [...]}"),
    ):
        try:
            kipolicy.Interpretations({"decision-authorities": wrong})
        except kipolicy.InterpretationError as exc:
            assert message in str(exc)
        else:
            raise AssertionError(wrong)
