"""Realistic partnership documents, made from a seed: for benchmarks and for tests.

``realistic(rng)`` makes one partnership document as a partnership office would write it:
mostly active KI-wide partnerships a few years in, with parties from a handful of countries,
follow-ups most years (some missed), risk assessments now and then, agreements that end and
are sometimes renewed; some proposals, some ended ones. ``portfolio(n, seed)`` makes ``n`` of
them with unique ids. The hypothesis strategy ``realistic_documents`` draws them for tests, so
the benchmarks and the tests run on the same kind of input.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from hypothesis import strategies as st

COUNTRIES = ["SE", "NO", "DK", "FI", "DE", "NL", "GB", "US", "CA", "SG", "JP", "AU", "ZA", "BR"]
FOCUS_AREAS = [
    "Precision medicine", "Public health", "Digitalisation", "Life science", "Global health",
    "Infection", "Ageing", "Mental health",
]
FIELDS = ["medicine", "public health", "technology", "humanities", "social science", "natural science", "nursing"]
KINDS = ["university"] * 6 + ["company", "government-agency", "civil-society", "public-sector", "other"]
STATUS = ["in-place"] * 7 + ["jointly-intended"] * 2 + ["absent"]
OUTCOMES = ["meets"] * 6 + ["partly-meets"] * 3 + ["below-expectations"]
PARTNER_NAMES = [f"{p} {s}" for p in ("Aurora", "Borealis", "Cascade", "Delta", "Etna", "Fjord", "Granite", "Harbor",
                                      "Iris", "Juniper", "Kestrel", "Lumen", "Meridian", "Nova", "Orion", "Polaris")
                 for s in ("University", "Institute of Technology", "Health Authority", "Foundation")]

AS_OF = dt.date(2026, 12, 1)


def _partner_name(rng: random.Random, index: int) -> str:
    """A partner organisation's name: a pool that grows with the portfolio, so that a large
    portfolio has as many organisations as a real register would, some shared."""
    name = rng.choice(PARTNER_NAMES)
    pool = 1 + index // 20
    return name if pool == 1 else f"{name} {rng.randint(1, pool)}"


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    span = (end - start).days
    return start + dt.timedelta(days=rng.randint(0, max(span, 0)))


def realistic(rng: random.Random, index: int = 0, *, as_of: dt.date = AS_OF) -> dict[str, Any]:
    """One realistic partnership document (a mapping, as a TOML file would give it)."""
    stage = rng.choices(["proposal", "active", "ended"], weights=[25, 65, 10])[0]
    level = "ki-wide" if rng.random() < 0.9 else rng.choice(["faculty", "department"])
    started = _day(rng, dt.date(2019, 1, 1), as_of - dt.timedelta(days=60))
    n_partners = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    parties = [{
        "id": "ki", "name": "Karolinska Institutet", "role": "ki", "kind": "university", "reach": "national",
        "country": "SE", "fields": ["medicine"], "management_engagement": rng.choice(STATUS),
        "benefit": "What KI gains.", "contact_persons": [f"KI contact {i}" for i in range(rng.choice([1, 2, 2, 3]))],
    }]
    for p in range(n_partners):
        parties.append({
            "id": f"p{p}", "name": _partner_name(rng, index), "role": "partner", "kind": rng.choice(KINDS),
            "reach": rng.choice(["international"] * 4 + ["national", "local"]), "country": rng.choice(COUNTRIES),
            "fields": rng.sample(FIELDS, rng.randint(1, 3)), "management_engagement": rng.choice(STATUS),
            "benefit": "What the partner gains." if rng.random() < 0.9 else "",
            "contact_persons": [f"Contact {p}.{i}" for i in range(rng.choice([1, 2, 2, 3]))],
        })
    # Partner names must be unique within one partnership.
    seen: set[str] = set()
    for party in parties[1:]:
        while party["name"] in seen:
            party["name"] = rng.choice(PARTNER_NAMES) + f" {rng.randint(2, 99)}"
        seen.add(party["name"])
    doc: dict[str, Any] = {
        "id": f"gen-{index}",
        "name": f"KI – generated partnership {index}",
        "level": level,
        "stage": stage,
        "parties": parties,
        "traits": {
            "formalised": rng.choice(STATUS), "long_term": rng.choice(STATUS),
            "commitment_years": rng.choice([2, 3, 4, 5, 5, 6, 10]),
            "common_goals": ["A shared goal"] * rng.choice([0, 1, 1, 2]),
            "mutual_benefit": rng.choice(STATUS), "joint_value": "A joint value." if rng.random() < 0.9 else "",
            "areas": {a: rng.choice(STATUS) for a in rng.sample(["research", "education", "utilisation"], rng.randint(1, 3))},
            "intentions_stated_jointly": rng.random() < 0.8,
        },
        "strategy": {"focus_areas": rng.sample(FOCUS_AREAS, rng.choice([0, 1, 1, 2]))},
        "added_value": [{"dimension": d} for d in rng.sample(
            ["perspectives", "shared-resources", "internationalisation", "visibility"], rng.randint(0, 3))],
        "ethics": {a: rng.choice(["fine"] * 8 + ["concern", "not-assessed"])
                   for a in ("academic_freedom", "democratic_values", "critical_reflection", "high_quality")},
        "resourcing": {
            "ki_funding": rng.random() < 0.85, "ki_funding_years": rng.choice([1, 2, 3, 4, 5]),
            "level_agreed_with_partner": rng.random() < 0.7,
            "partner_contribution": rng.sample(["cash", "in-kind"], rng.randint(0, 2)),
            "external_funds": ["A funder"] * rng.choice([0, 1]),
        },
        "establishment": {"initiative": rng.choice(["management", "external-request", "individual-staff", "other", "unknown"])},
        "admin_support": rng.sample(["coordination", "communication", "other"], rng.randint(0, 3)),
        "fora": [{"name": f"Forum {i}", "level": rng.choice(["management", "research", "education"])}
                 for i in range(rng.randint(0, 3))],
    }
    risk = []
    prep = started - dt.timedelta(days=rng.randint(10, 200))
    if rng.random() < 0.8:
        risk.append({"date": prep, "by": rng.choice(["joint", "ki"]), "purpose": "preparation",
                     "risks": [{"description": "A risk", "level": rng.choice(["low", "medium", "high"])}],
                     "weighed_against_benefit": rng.random() < 0.85, "external_support": rng.random() < 0.3})
    if rng.random() < 0.6:
        members = [{"party": p["id"], "management_representative": rng.random() < 0.85} for p in parties]
        doc["steering_group"] = {"name": "Steering group", "members": members}
    if stage != "proposal":
        decided = started - dt.timedelta(days=rng.randint(1, 60))
        if rng.random() < 0.92:
            doc["establishment"]["decision"] = {"date": decided, "by": rng.choice(["rektor"] * 9 + ["dean"])}
        doc["started"] = started
        ends = started + dt.timedelta(days=365 * rng.choice([3, 4, 5]) - 1)
        doc["agreement"] = {"signed": started, "ends": ends}
        follow_ups, evaluations, renewals = [], [], []
        year = started
        while year + dt.timedelta(days=365) <= as_of:
            year = year + dt.timedelta(days=365 + rng.randint(-20, 40))
            if year <= as_of and rng.random() < 0.8:
                follow_ups.append({"date": year, "outcome": rng.choice(OUTCOMES)})
        for _ in range(rng.randint(0, 4)):
            day = _day(rng, started, as_of)
            risk.append({"date": day, "by": rng.choice(["joint", "ki"]), "purpose": "continuous",
                         "risks": [{"description": "A risk", "level": rng.choice(["low", "medium", "high"])}] * rng.randint(0, 2),
                         "weighed_against_benefit": rng.random() < 0.85, "external_support": rng.random() < 0.3})
        if ends < as_of and rng.random() < 0.6:
            evaluated = rng.random() < 0.75
            if evaluated:
                evaluations.append({"id": "eval-1", "date": ends - dt.timedelta(days=rng.randint(30, 120)),
                                    "purpose": "renewal", "outcome": rng.choice(OUTCOMES)})
            renewals.append({"date": ends - dt.timedelta(days=rng.randint(1, 20)),
                             "until": ends + dt.timedelta(days=365 * rng.choice([3, 4, 5])),
                             **({"evaluation": "eval-1"} if evaluated and rng.random() < 0.7 else {})})
        doc["follow_ups"] = follow_ups
        doc["evaluations"] = evaluations
        doc["agreement"]["renewals"] = renewals
        if stage == "ended":
            doc["termination"] = {"date": _day(rng, started, as_of), "kind": rng.choice(["ended", "converted"])}
    doc["risk_assessments"] = sorted(risk, key=lambda r: r["date"])
    return doc


def portfolio(n: int, seed: int = 0, *, as_of: dt.date = AS_OF) -> list[dict[str, Any]]:
    """``n`` realistic partnership documents with unique ids."""
    rng = random.Random(seed)
    return [realistic(rng, i, as_of=as_of) for i in range(n)]


#: Realistic documents for hypothesis tests (seeded, so each example is reproducible).
realistic_documents = st.builds(
    lambda seed, index: realistic(random.Random(seed), index),
    st.integers(0, 2**32 - 1),
    st.integers(0, 10**6),
)
