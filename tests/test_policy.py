"""The policy text as data: every section and unit, exactly as the policy has it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

import kipolicy

from .conftest import CASES

SOURCE = (Path(__file__).parent / "data" / "policy-source.md").read_text(encoding="utf-8")

# Units per section, as the citation contract gives them.
EXPECTED_UNITS = {
    "dokument": 5, "inledning": 6, "syfte": 2, "omfattning": 2, "definition": 9, "mervarde": 1,
    "perspektiv": 3, "resursdelning": 2, "internationalisering": 2, "synlighet": 2, "urval": 6,
    "risk": 4, "resurssattning": 4, "etablering": 3, "organisation": 4, "uppfoljning": 3,
}


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip()


def test_sections_and_unit_counts_follow_the_contract() -> None:
    pol = kipolicy.policy()
    assert {s.id: len(s.units) for s in pol.sections} == EXPECTED_UNITS
    assert [s.id for s in pol.sections] == list(EXPECTED_UNITS)


@pytest.mark.parametrize("unit", [u for u in kipolicy.policy().units() if u.section != "dokument"], ids=lambda u: u.id)
def test_swedish_text_is_the_policy_own(unit: kipolicy.Unit) -> None:
    assert _norm(unit.text_sv) in _norm(SOURCE)
    assert unit.text_en and unit.text_en != unit.text_sv


def test_each_section_body_is_exactly_its_units() -> None:
    # Concatenating a section's units in order gives the section's text in the source.
    text = _norm(SOURCE)
    for section in kipolicy.policy().sections[1:]:
        joined = " ".join(_norm(u.text_sv) for u in section.units)
        start = text.index(section.units[0].text_sv[:40])
        assert text[start:].replace("- ", "").startswith(joined.replace("- ", "")[:200]), section.id


def test_modality_follows_the_swedish_verb() -> None:
    pol = kipolicy.policy()
    expected = {
        "urval.2": "shall", "risk.3": "shall", "resurssattning.1": "shall", "uppfoljning.3": "shall",
        "urval.1": "must", "risk.1": "must", "risk.2": "must", "organisation.3": "must",
        "organisation.2": "should", "risk.4": "may", "resurssattning.2": "may",
        "resurssattning.3": "may", "resurssattning.4": "may", "etablering.1": "may",
        "etablering.2": "may", "etablering.3": "practice", "organisation.1": "practice",
        "organisation.4": "practice", "uppfoljning.2": "practice",
    }
    expected.update({f"definition.{n}": "definition" for n in range(3, 10)})
    assert {k: pol.unit(k).modality for k in expected} == expected
    for unit in pol.units():
        if unit.modality == "informative":
            assert unit.reason, unit.id


def test_lookup_and_document_details() -> None:
    pol = kipolicy.policy()
    assert pol.unit("risk.3").text_sv == "Identifierade risker ska vägas mot den potentiella nyttan av partnerskapet."
    assert pol.section("risk").heading("en") == "Risk assessment"
    assert pol.section("definition").unit(5).id == "definition.5"
    assert pol.document.dnr == "Dnr 1-1005/2022"
    assert pol.document.in_force_from == dt.date(2023, 2, 21)
    assert pol.document.decided_by_sv == "Rektor"
    assert pol.unit("dokument.2").text_sv == "Gäller fr.o.m. 2023-02-21"


def test_unknown_ids_suggest_the_nearest() -> None:
    pol = kipolicy.policy()
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'risk.3'"):
        pol.unit("risk.33")
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'urval'"):
        pol.section("urvall")
    with pytest.raises(LookupError):
        pol.unit("risk.5")
    with pytest.raises(ValueError, match="expected 'sv' or 'en'"):
        pol.unit("risk.3").text("de")


def test_every_quotation_of_the_policy_in_the_docs_is_verbatim() -> None:
    # A blockquote "> **unit.id** text" claims to quote the unit: in Swedish, or in kipolicy's
    # English; an italic line right after it is the English translation.
    import re

    root = Path(__file__).resolve().parent.parent
    pages = [*sorted((root / "docs").glob("*.md")), root / "README.md"]
    quoted = 0
    for page in pages:
        lines = page.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines):
            match = re.match(r"^> \*\*([a-z]+\.\d+)\*\* (?:\([a-z-]+\) )?(.+)$", line)
            if not match:
                continue
            unit = kipolicy.policy().unit(match[1])
            assert match[2] in (unit.text_sv, unit.text_en), f"{page.name}:{number + 1}: not {unit.id}'s words"
            quoted += 1
            following = lines[number + 1:number + 3]
            for item in following:
                italic = re.match(r"^> \*(.+)\*$", item)
                if italic:
                    assert italic[1] == unit.text_en, f"{page.name}: the translation of {unit.id} differs"
    assert quoted > 30  # the generated pages quote every cited unit


def test_a_findings_modality_is_that_of_the_first_unit_it_cites() -> None:
    # Rules-catalogue rev. 2: the first cited unit is the one that imposes the duty, and the
    # finding carries that unit's modality (checked for every alternative of every rule).
    pol = kipolicy.policy()
    wrong = [(rule.id, rule.modality, rule.cites[0]) for rule in kipolicy.rules()
             if pol.unit(rule.cites[0]).modality != rule.modality]
    assert wrong == []
    # An alternative citing its own units gives its findings the first one's modality:
    # mervarde.no-value-stated with no risk identified is a note citing mervarde.1.
    partnership = kipolicy.variant(
        kipolicy.load_partnership(CASES / "documents" / "compliant-active.toml"),
        {"added_value": [], "risk_assessments[0].risks": []},
    )
    (finding,) = kipolicy.assess(partnership, as_of="2025-09-01").by_rule("mervarde.no-value-stated")
    assert (finding.kind, finding.modality, finding.units) == ("note", "informative", ("mervarde.1",))


#: Swedish words the library uses as terms, in italics, without claiming to quote the policy.
_TERMS = {
    "tills vidare", "etableringsfas", "läsart utan textstöd", "avvikelse", "avvikelse från policyn",
    "överträdelse", "ofullständigt underlag", "allmän handling", "avvaktar uppgifter som saknas",
    "nya kategorier", "gällande",
}


def _verbatim(fragment: str, text: str) -> bool:
    """``fragment`` is in ``text`` word for word; ``…`` marks words left out."""
    position = 0
    for part in (p.strip(" ,.") for p in fragment.split("…")):
        found = text.find(part, position) if part else position
        if found < 0:
            return False
        position = found + len(part)
    return True


def test_every_swedish_quotation_of_the_policy_in_the_library_is_verbatim() -> None:
    # Rules-catalogue rev. 2: a quotation that claims the policy's words has them. Checked: the
    # interpretation register, the fact model's and facts' descriptions, the rule files, the
    # vocabularies' sources and the case files' descriptions (italic *…* or quoted '…' Swedish).
    import inspect
    import re
    import tomllib

    from kipolicy._facts import facts as _facts

    from kipolicy._document import model as _model

    from kipolicy._tools import register as _register

    swedish = " ".join(u.text_sv for u in kipolicy.policy().units())
    root = Path(__file__).resolve().parent.parent
    # Italics claim a quotation everywhere; single quotes only in case descriptions (elsewhere
    # they mark a document's or a reading's words).
    italic = r"(?<![*\w])\*([^*\n]{3,200}?)\*(?![*\w])"
    texts = [(t, italic) for t in (inspect.getsource(_register), inspect.getsource(_model), inspect.getsource(_facts))]
    texts += [(p.read_text(encoding="utf-8"), italic) for p in sorted((root / "rules").glob("*.toml"))]
    texts += [((root / "kipolicy" / "data" / "vocabularies.toml").read_text(encoding="utf-8"), italic)]
    for path in sorted((root / "tests" / "cases").glob("*.case.toml")):
        texts += [(c.get("description", ""), italic + r"|'([^'\n]{6,200})'")
                  for c in tomllib.loads(path.read_text(encoding="utf-8")).get("case", [])]
    quoted = 0
    for text, pattern in texts:
        joined = re.sub(r'"\s*\n\s*"', "", text)  # Python strings split over lines
        for fragment in re.findall(pattern, joined):
            words = fragment if isinstance(fragment, str) else (fragment[0] or fragment[1])
            if not re.search(r"[åäöÅÄÖ]|\b(ska|och|av|att|som|för|om|är|inom)\b", words) or words in _TERMS:
                continue
            if re.search(r"[{}=\[\]]|\b(the|and|of|is)\b", words):  # code or English, not a quotation
                continue
            quoted += 1
            # A quotation may start a sentence with a capital the policy's words do not have.
            assert _verbatim(words, swedish) or _verbatim(words[:1].lower() + words[1:], swedish), (
                f"not the policy's words: {words!r}"
            )
    assert quoted > 10
