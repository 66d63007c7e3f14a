"""The two engines are each other's oracle: durable-rules and the plain-Python engine give the
same report, finding for finding, on every case, on generated partnerships under generated
readings, on every date boundary and on whole portfolios.

"The same report" is everything a report holds: its JSON (findings with their subjects,
messages, citations and evidence, obligations, flags, provenance) and the facts the assessment
ran on, base and derived, in order. Only the engine's name in the provenance differs.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kipolicy
from kipolicy._tools.cases import load_cases, run_case
from kipolicy._document.provenance import ENGINES
from kipolicy._rules.book import bundled_rules_dir, default_rules

from . import strategies
from .generate import portfolio, realistic_documents
from .test_oracle import _boundaries

# CI runs a larger corpus (.ci/run sets KIPOLICY_ENGINE_EXAMPLES).
EXAMPLES = int(os.environ.get("KIPOLICY_ENGINE_EXAMPLES", "150"))
ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").rglob("*.case.toml"))
GAPS = str(ROOT / "examples" / "active-with-gaps.toml")


def _whole(report: kipolicy.Report) -> dict[str, Any]:
    data = report.to_dict()
    engine = data["provenance"].pop("engine")
    assert engine in ENGINES.values()
    data["facts"] = [dict(f) for f in report.facts]
    return data


def _same(partnership: Any, **kwargs: Any) -> kipolicy.Report:
    durable = kipolicy.assess(partnership, engine="durable", **kwargs)
    python = kipolicy.assess(partnership, engine="python", **kwargs)
    assert durable.provenance.engine == ENGINES["durable"]
    assert python.provenance.engine == ENGINES["python"]
    assert _whole(python) == _whole(durable)
    return durable


def _same_portfolio(partnerships: list[Any], **kwargs: Any) -> kipolicy.PortfolioReport:
    durable = kipolicy.assess_portfolio(partnerships, engine="durable", **kwargs)
    python = kipolicy.assess_portfolio(partnerships, engine="python", **kwargs)
    assert [f.to_dict() for f in python.findings] == [f.to_dict() for f in durable.findings]
    assert [o.to_dict() for o in python.calendar] == [o.to_dict() for o in durable.calendar]
    for a, b in zip(durable.reports, python.reports, strict=True):
        assert _whole(b) == _whole(a)
    return durable


@pytest.mark.parametrize("file", CASES, ids=lambda p: p.name)
def test_every_case_gives_the_same_report_on_both_engines(file: Path) -> None:
    for case in load_cases(file):
        _same(case.partnership, as_of=case.as_of, interpretations=case.interpretations, portfolio=case.portfolio)
        if case.portfolio_fires or case.portfolio_quiet:
            _same_portfolio(
                [case.partnership, *case.portfolio], as_of=case.as_of, interpretations=case.interpretations
            )
        result = run_case(case, engine="python")
        assert result.passed, result.explain()


def test_the_comparison_sees_the_findings_it_compares() -> None:
    # Not a comparison of empty reports: the cases make every rule fire on the python engine.
    fired = set()
    for file in CASES:
        for case in load_cases(file):
            report = kipolicy.assess(
                case.partnership, as_of=case.as_of, interpretations=case.interpretations,
                portfolio=case.portfolio, engine="python",
            )
            fired |= set(report.rule_ids)
            if case.portfolio_fires:
                whole = kipolicy.assess_portfolio(
                    [case.partnership, *case.portfolio], as_of=case.as_of,
                    interpretations=case.interpretations, engine="python",
                )
                fired |= {f.rule_id for f in whole.findings}
    assert fired == set(default_rules().ids())


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(document=strategies.valid_document, as_of=st.dates(dt.date(2022, 6, 1), dt.date(2031, 12, 31)),
       readings=strategies.readings)
def test_generated_partnerships_under_generated_readings(document, as_of, readings) -> None:
    try:
        partnership = kipolicy.load_partnership(document)
        interpretations = kipolicy.Interpretations.coerce(readings)
    except kipolicy.InputError:
        assume(False)
        return
    _same(partnership, as_of=as_of, interpretations=interpretations)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=realistic_documents, as_of=st.dates(dt.date(2022, 6, 1), dt.date(2028, 12, 31)))
def test_realistic_partnerships(document, as_of) -> None:
    _same(kipolicy.load_partnership(document), as_of=as_of)


def test_every_date_boundary() -> None:
    for document in portfolio(15, seed=23):
        partnership = kipolicy.load_partnership(document)
        for as_of in sorted(_boundaries(partnership)):
            _same(partnership, as_of=as_of)


def test_a_generated_portfolio() -> None:
    documents = portfolio(60, seed=5)
    whole = _same_portfolio([kipolicy.load_partnership(d) for d in documents], as_of=dt.date(2026, 12, 1),
                            interpretations={"capacity": 10})
    assert any(r.findings for r in whole.reports)


def test_a_rule_book_of_ones_own_runs_on_both_engines(tmp_path: Path) -> None:
    # A rule book loaded from another directory is a book of its own, made ready for each engine.
    source = bundled_rules_dir()
    for file in source.glob("*.toml"):
        (tmp_path / file.name).write_text(file.read_text(encoding="utf-8"), encoding="utf-8")
    book = kipolicy.load_rules(tmp_path)
    assert book is not default_rules()
    report = _same(GAPS, as_of="2026-01-01", rules=book)
    assert report.findings


def test_an_unknown_engine_is_named_with_the_nearest() -> None:
    with pytest.raises(kipolicy.InputError, match=r"<engine>.*expected one of durable, python, got 'pyton'.*python"):
        kipolicy.assess(GAPS, as_of="2026-01-01", engine="pyton")
    with pytest.raises(kipolicy.InputError, match="<engine>"):
        kipolicy.assess_portfolio([GAPS], as_of="2026-01-01", engine=3)


def test_the_command_line_and_the_service_take_the_engine(tmp_path: Path) -> None:
    import subprocess
    import sys

    from starlette.testclient import TestClient

    from kipolicy._tools.serve import ServeSettings, create_app

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", *args], capture_output=True, text=True, check=False, cwd=ROOT)

    answers = {}
    for engine in ENGINES:
        result = cli("assess", GAPS, "--as-of", "2026-01-01", "--format", "json", "--engine", engine)
        assert result.returncode == 0, result.stderr
        answers[engine] = json.loads(result.stdout)
        saved = tmp_path / f"{engine}.json"
        saved.write_text(result.stdout, encoding="utf-8")
        # verify re-assesses on the engine the report names: the same findings, nothing changed
        verified = cli("verify", str(saved), GAPS)
        assert verified.returncode == 0, verified.stdout + verified.stderr
    (durable,), (python,) = answers["durable"]["reports"], answers["python"]["reports"]
    assert durable["provenance"].pop("engine") == ENGINES["durable"]
    assert python["provenance"].pop("engine") == ENGINES["python"]
    assert python == durable and durable["findings"]

    cases = cli("cases", "tests/cases", "--engine", "python")
    assert cases.returncode == 0, cases.stdout + cases.stderr
    refused = cli("assess", GAPS, "--engine", "clips")
    assert refused.returncode == 2 and "invalid choice: 'clips'" in refused.stderr

    body = {"document": json.loads(json.dumps(kipolicy.to_document(kipolicy.load_partnership(GAPS)), default=str)),
            "as_of": "2026-01-01"}
    served = TestClient(create_app(ServeSettings(engine="python"))).post("/v1/assess", json=body).json()
    assert served["reports"][0]["provenance"]["engine"] == ENGINES["python"]


def test_the_python_engine_needs_no_durable_rules() -> None:
    # An interpreter where durable-rules' extension cannot be loaded: engine="python" assesses,
    # engine="durable" says in one line why it cannot.
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['durable_rules_engine'] = None\n"
        "import kipolicy\n"
        f"r = kipolicy.assess({GAPS!r}, as_of='2026-01-01', engine='python')\n"
        "assert r.findings and r.provenance.engine == 'kipolicy plain-Python engine', r.provenance\n"
        "try:\n"
        f"    kipolicy.assess({GAPS!r}, as_of='2026-01-01')\n"
        "except ImportError as exc:\n"
        "    print('durable:', exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("durable: kipolicy cannot load its rule engine, durable-rules 2.0.28"), result.stdout
