"""Hypothesis strategies for partnership documents, valid and slightly wrong.

Documents are plain mappings, as a user writes them: most are valid, some carry a mistake (an
unknown word, a wrong type, an unknown key) that must give an InputError, never a crash.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

DAYS = st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31))
STATUS = st.sampled_from(["in-place", "jointly-intended", "absent"])
OUTCOME = st.sampled_from(["meets", "partly-meets", "below-expectations"])
SHORT = st.text(max_size=8)

party = st.fixed_dictionaries(
    {"id": st.text("abcdef", min_size=1, max_size=4), "name": st.text(min_size=1, max_size=20)},
    optional={
        "kind": st.sampled_from(
            ["university", "company", "government-agency", "civil-society", "public-sector", "other", "nonsense"]
        ),
        "reach": st.sampled_from(["local", "national", "international"]),
        "country": st.sampled_from(["SE", "NL", "se", "JP"]),
        "fields": st.lists(st.sampled_from(["medicine", "technology", "humanities", "Nursing", ""]), max_size=3),
        "management_engagement": STATUS,
        "benefit": st.text(max_size=10),
        "contact_persons": st.lists(st.text(max_size=5), max_size=3),
    },
)

risk_assessment = st.fixed_dictionaries(
    {"date": DAYS},
    optional={
        "by": st.sampled_from(["joint", "ki"]),
        "purpose": st.sampled_from(["preparation", "continuous"]),
        "risks": st.lists(
            st.fixed_dictionaries(
                {"description": st.text(min_size=1, max_size=5)},
                optional={"level": st.sampled_from(["low", "medium", "high"])},
            ),
            max_size=2,
        ),
        "weighed_against_benefit": st.booleans(),
        "external_support": st.booleans(),
        "ethics_concerns": st.lists(
            st.sampled_from(["academic-freedom", "democratic-values", "critical-reflection", "high-quality"]),
            max_size=2, unique=True,
        ),
    },
)

evaluation_ids = st.sampled_from(["e1", "e2", "e3"])

valid_document = st.fixed_dictionaries(
    {
        "id": st.just("p"),
        "name": st.just("P"),
        "parties": st.lists(party, max_size=3, unique_by=lambda p: p["id"]).map(
            lambda ps: [{"id": "ki", "name": "KI", "role": "ki"}, *(p for p in ps if p["id"] != "ki")]
        ),
    },
    optional={
        "level": st.sampled_from(["ki-wide", "ki-wide", "ki-wide", "faculty"]),
        "stage": st.sampled_from(["proposal", "active", "active", "ended"]),
        "started": DAYS,
        "traits": st.fixed_dictionaries(
            {},
            optional={
                "formalised": STATUS, "long_term": STATUS, "mutual_benefit": STATUS,
                "commitment_years": st.one_of(st.integers(-1, 10), st.floats(0, 10, allow_nan=False), st.text(max_size=2)),
                "common_goals": st.lists(st.text(max_size=5), max_size=2),
                "joint_value": st.text(max_size=5),
                "intentions_stated_jointly": st.booleans(),
                "areas": st.dictionaries(st.sampled_from(["research", "education", "utilisation", "art"]), STATUS, max_size=3),
            },
        ),
        "strategy": st.fixed_dictionaries(
            {}, optional={"focus_areas": st.lists(st.sampled_from(["Public health", "Life science", " "]), max_size=2, unique=True)}
        ),
        "added_value": st.lists(
            st.fixed_dictionaries(
                {"dimension": st.sampled_from(["perspectives", "shared-resources", "internationalisation", "visibility"])},
                optional={"description": SHORT},
            ),
            max_size=2,
            unique_by=lambda v: v["dimension"],
        ),
        "ethics": st.fixed_dictionaries(
            {},
            optional={
                k: st.sampled_from(["fine", "concern", "not-assessed"])
                for k in ("academic_freedom", "democratic_values", "critical_reflection", "high_quality")
            },
        ),
        "risk_assessments": st.lists(risk_assessment, max_size=4),
        "resourcing": st.fixed_dictionaries(
            {},
            optional={
                "ki_funding": st.booleans(),
                "ki_funding_years": st.integers(0, 6),
                "level_agreed_with_partner": st.booleans(),
                "partner_contribution": st.lists(st.sampled_from(["cash", "in-kind"]), max_size=2, unique=True),
                "external_funds": st.lists(SHORT, max_size=2),
            },
        ),
        "establishment": st.fixed_dictionaries(
            {},
            optional={
                "initiative": st.sampled_from(["management", "external-request", "individual-staff", "other", "unknown"]),
                "decision": st.fixed_dictionaries({"date": DAYS, "by": st.sampled_from(["rektor", "dean"])}),
            },
        ),
        "steering_group": st.fixed_dictionaries(
            {},
            optional={
                "members": st.lists(
                    st.fixed_dictionaries({"party": st.just("ki")}, optional={"management_representative": st.booleans()}),
                    max_size=2,
                )
            },
        ),
        "fora": st.lists(
            st.fixed_dictionaries({"name": st.just("f"), "level": st.sampled_from(["management", "research", "Research "])}),
            max_size=3,
        ),
        "admin_support": st.lists(st.sampled_from(["coordination", "communication", "other"]), max_size=3, unique=True),
        "agreement": st.fixed_dictionaries(
            {},
            optional={
                "signed": DAYS,
                "ends": DAYS,
                "renewals": st.lists(
                    st.fixed_dictionaries({"date": DAYS}, optional={"until": DAYS, "evaluation": evaluation_ids}),
                    max_size=2,
                ),
            },
        ),
        "follow_ups": st.lists(st.fixed_dictionaries({"date": DAYS}, optional={"outcome": OUTCOME}), max_size=4),
        "evaluations": st.lists(
            st.fixed_dictionaries({"id": evaluation_ids, "date": DAYS}, optional={"outcome": OUTCOME}),
            max_size=3,
            unique_by=lambda e: e["id"],
        ),
        "termination": st.fixed_dictionaries({"date": DAYS}, optional={"kind": st.sampled_from(["ended", "converted"])}),
    },
)


def _mangle(document: dict, mistake: tuple[str, object]) -> dict:
    key, value = mistake
    return {**document, key: value}


#: A document with one mistake in it: an unknown key, a word not among the choices, a wrong type.
mangled_document = st.builds(
    _mangle,
    valid_document,
    st.sampled_from(
        [
            ("extra", 1),
            ("level", "departmnt"),
            ("stage", 3),
            ("started", "yesterday"),
            ("parties", [{"id": "ki", "name": "KI", "role": "ki"}, {"id": "ki", "name": "Again", "role": "ki"}]),
            ("follow_ups", [{"date": "2025-13-01"}]),
            ("agreement", {"renewals": [{"date": dt.date(2025, 1, 1), "evaluation": "nowhere"}]}),
        ]
    ),
)

#: Mostly valid documents, some with a mistake.
document = st.one_of(valid_document, valid_document, valid_document, mangled_document)

readings = st.fixed_dictionaries(
    {},
    optional={
        "scope-on-definition": st.sampled_from(["guidance", "strict"]),
        "traits-required": st.sampled_from(["core-four", "all-five"]),
        "retroactivity": st.sampled_from(["ongoing-only", "full"]),
        "geography": st.sampled_from(["all", "international-only"]),
        "startup-months": st.integers(0, 60),
        "long-term-years": st.integers(0, 10),
        "follow-up-cadence": st.sampled_from(["rolling", "calendar-year"]),
        "risk-interval-months": st.integers(0, 36),
        "due-soon-days": st.integers(0, 400),
        "renewal-lead-months": st.integers(0, 24),
        "capacity": st.one_of(st.none(), st.integers(0, 5)),
        "focus-areas": st.one_of(st.none(), st.just(["Public health"])),
        "decision-authorities": st.just(["rektor", "prorektor"]),
    },
)
