"""kipolicy serve: every endpoint and error, through Starlette's test client."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import kipolicy
from kipolicy._tools import contract
from kipolicy._tools import serve as _serve
from kipolicy._tools.serve import ServeSettings, create_app

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "examples" / "strategic-proposal.toml"
ACTIVE = ROOT / "examples" / "active-with-gaps.toml"


def _document(path: Path) -> dict:
    return json.loads(json.dumps(kipolicy.to_document(kipolicy.load_partnership(path)), default=str))


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(ServeSettings()))


def test_assess_answers_exactly_the_cli_json(client: TestClient) -> None:
    body = {"document": _document(ACTIVE), "as_of": "2026-01-01", "interpretations": {"capacity": 3}}
    response = client.post("/v1/assess", json=body)
    assert response.status_code == 200
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01", interpretations={"capacity": 3})
    expected = contract.assessment([report], report.as_of, report.interpretations)
    assert response.json() == json.loads(contract.dump(expected))
    assert response.json()["reports"][0]["provenance"]["document_fingerprint"] == report.provenance.document_fingerprint
    text = client.post("/v1/assess", json={"document_text": ACTIVE.read_text(encoding="utf-8"), "as_of": "2026-01-01",
                                           "interpretations": {"capacity": 3}})
    assert text.json() == response.json()


def test_portfolio_why_not_explain_and_diff(client: TestClient) -> None:
    documents = [_document(p) for p in sorted((ROOT / "examples" / "portfolio").glob("*.toml"))]
    answer = client.post("/v1/portfolio", json={"documents": documents, "as_of": "2026-12-01"}).json()
    expected = kipolicy.assess_portfolio([kipolicy.load_partnership(d) for d in documents], as_of="2026-12-01")
    assert answer["kind"] == "portfolio" and [r["partnership"]["id"] for r in answer["reports"]] == [
        r.partnership_id for r in expected.reports]
    assert len(answer["calendar"]) == len(expected.calendar)
    why = client.post("/v1/why-not", json={"document": _document(PROPOSAL), "as_of": "2025-06-01",
                                           "rule_id": "risk.preparation-missing"}).json()
    assert why["kind"] == "why-not" and "blocked by risk_assessments[0]" in why["why_not"]["text"]["en"]
    explained = client.post("/v1/explain", json={"document": _document(ACTIVE), "as_of": "2026-01-01",
                                                 "rule_id": "definition.management-not-engaged", "lang": "sv"}).json()
    assert explained["findings"][0]["rule_id"] == "definition.management-not-engaged"
    assert "parties[1].management_engagement" in explained["text"]
    before = {"document": _document(PROPOSAL), "as_of": "2025-06-01"}
    after = {**before, "interpretations": {"traits-required": "all-five"}}
    diff = client.post("/v1/diff", json={"before": before, "after": after}).json()
    library = kipolicy.assess(PROPOSAL, as_of="2025-06-01").diff(
        kipolicy.assess(PROPOSAL, as_of="2025-06-01", interpretations={"traits-required": "all-five"}))
    assert diff["diff"] == json.loads(json.dumps(library.to_dict(), default=str))


def test_the_fixed_answers(client: TestClient) -> None:
    rules = client.get("/v1/rules").json()
    assert [r["id"] for r in rules] == kipolicy.rules().ids()
    policy = client.get("/v1/policy").json()
    assert policy["dnr"] == "Dnr 1-1005/2022" and policy["sections"][0]["units"]
    interpretations = client.get("/v1/interpretations").json()
    assert [i["name"] for i in interpretations] == list(kipolicy.INTERPRETATIONS)
    assert all(i["question"] and i["default_reason"] for i in interpretations)
    assert client.get("/v1/schema").json() == kipolicy.schema("document")
    assert client.get("/v1/schema/report").json() == kipolicy.schema("report")
    assert client.get("/v1/schema/nope").status_code == 404
    examples = client.get("/v1/examples").json()
    assert "strategic-proposal.toml" in examples and "portfolio/ki-aurora.toml" in examples


def test_openapi_uses_the_library_schemas(client: TestClient) -> None:
    from openapi_spec_validator import validate

    spec = client.get("/openapi.json").json()
    validate(spec)
    components = spec["components"]["schemas"]
    document = {k: v for k, v in kipolicy.schema("document").items() if k not in ("$schema", "$id", "$defs")}
    assert json.dumps(components["Document"]).replace("#/components/schemas/Document.", "#/$defs/") == json.dumps(document)
    assert components["Document.Party"] == kipolicy.schema("document")["$defs"]["Party"]
    assert set(spec["paths"]) >= {"/v1/assess", "/v1/portfolio", "/v1/why-not", "/v1/explain", "/v1/rules",
                                  "/v1/policy", "/v1/interpretations", "/v1/schema"}


@pytest.mark.parametrize("body,status,path", [
    ({"document": {"id": "x", "name": "X", "stage": "activ", "parties": []}, "as_of": "2025-06-01"}, 422, "stage"),
    ({"document": {"id": "x", "name": "X", "level": "ki-wide", "stage": "proposal"}, "as_of": "2025-02-30"}, 422, ""),
    ({"document": {"id": "x", "name": "X", "level": "ki-wide", "stage": "proposal"}}, 422, "as_of"),
    ({"as_of": "2025-06-01"}, 422, "document"),
    ({"document_text": "not = [toml", "as_of": "2025-06-01"}, 422, ""),
    ({"document": _document(PROPOSAL), "as_of": "2025-06-01", "interpretations": {"long-term-years": 1e400}}, 422, "long-term-years"),
    ({"document": _document(PROPOSAL), "as_of": "2025-06-01", "lang": "fi"}, 422, "lang"),
])
def test_bad_input_is_422_with_the_problems(client: TestClient, body: dict, status: int, path: str) -> None:
    response = client.post("/v1/assess", content=json.dumps(body).replace("Infinity", "1e400"),
                           headers={"content-type": "application/json"})
    assert response.status_code == status
    data = response.json()
    assert data["error"] == "invalid input" and data["problems"]
    if path:
        assert any(p["path"] == path for p in data["problems"]), data
    assert "Traceback" not in response.text


def test_did_you_mean_reaches_the_answer(client: TestClient) -> None:
    data = client.post("/v1/why-not", json={"document": _document(PROPOSAL), "as_of": "2025-06-01",
                                            "rule_id": "risk.preparation-mising"}).json()
    assert "did you mean 'risk.preparation-missing'" in data["problems"][0]["message"]
    doc = _document(PROPOSAL)
    doc["stage"] = "activ"
    data = client.post("/v1/assess", json={"document": doc, "as_of": "2025-06-01"}).json()
    assert "did you mean 'active'" in data["problems"][0]["message"]


def test_bodies_that_are_not_json_or_too_large() -> None:
    client = TestClient(create_app(ServeSettings(max_body=10_000)))
    assert client.post("/v1/assess", content=b"{not json", headers={"content-type": "application/json"}).status_code == 400
    assert client.post("/v1/assess", json=[1, 2]).status_code == 400
    big = client.post("/v1/assess", json={"document_text": "x" * 20_000, "as_of": "2025-06-01"})
    assert big.status_code == 413 and "10,000 bytes" in big.json()["error"]


def test_an_engine_failure_is_500_with_an_id_that_is_logged(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    client = TestClient(create_app(ServeSettings()), raise_server_exceptions=False)

    def broken(*args: object, **kwargs: object) -> None:
        raise kipolicy.EngineError(["simulated failure"])

    monkeypatch.setattr(_serve, "assess", broken)
    with caplog.at_level(logging.ERROR, logger="kipolicy.serve"):
        response = client.post("/v1/assess", json={"document": _document(PROPOSAL), "as_of": "2025-06-01"})
    assert response.status_code == 500
    incident = response.json()["id"]
    assert response.json() == {"error": "internal error", "id": incident}
    assert "simulated failure" not in response.text and "Traceback" not in response.text
    assert any(incident in r.getMessage() for r in caplog.records)


def test_a_slow_portfolio_is_answered_503(monkeypatch: pytest.MonkeyPatch) -> None:
    client = TestClient(create_app(ServeSettings(timeout=0.2)))
    real = _serve.assess_portfolio

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.6)
        return real(*args, **kwargs)

    monkeypatch.setattr(_serve, "assess_portfolio", slow)
    response = client.post("/v1/portfolio", json={"documents": [_document(PROPOSAL)], "as_of": "2025-06-01"})
    assert response.status_code == 503 and "longer than 0.2 s" in response.json()["error"]


def test_the_largest_document_the_limits_allow_is_answered() -> None:
    # Questions about one document run in the event loop, bounded by the document's limits.
    import datetime as dt

    doc = kipolicy.to_document(kipolicy.load_partnership(ACTIVE))
    doc["follow_ups"] = [{"date": dt.date(2024, 1, 1) + dt.timedelta(days=i)} for i in range(1000)]
    doc["parties"] = doc["parties"] + [{"id": f"p{i}", "name": f"Partner {i}", "reach": "international"} for i in range(998)]
    body = json.loads(json.dumps({"document": doc, "as_of": "2026-01-01"}, default=str))
    response = TestClient(create_app(ServeSettings())).post("/v1/assess", json=body)
    assert response.status_code == 200 and len(response.json()["reports"][0]["findings"]) > 1000


def test_cors_is_off_unless_configured() -> None:
    headers = {"origin": "https://intranet.example", "access-control-request-method": "POST"}
    off = TestClient(create_app(ServeSettings())).options("/v1/assess", headers=headers)
    assert "access-control-allow-origin" not in off.headers
    on = TestClient(create_app(ServeSettings(cors_origins=("https://intranet.example",)))).options("/v1/assess", headers=headers)
    assert on.headers["access-control-allow-origin"] == "https://intranet.example"


def test_the_decision_log(tmp_path: Path) -> None:
    log = tmp_path / "decisions.jsonl"
    client = TestClient(create_app(ServeSettings(decision_log=str(log))))
    client.post("/v1/assess", json={"document": _document(ACTIVE), "as_of": "2026-01-01"})
    client.post("/v1/assess", json={"document": _document(PROPOSAL), "as_of": "2025-06-01"})
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [line["partnership_id"] for line in lines] == ["ki-acme-2024", "ki-nus-2025"]
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    assert lines[0]["provenance"] == json.loads(json.dumps(report.provenance.to_dict()))
    assert [(f["rule_id"], f["kind"]) for f in lines[0]["findings"]] == [(f.rule_id, f.kind) for f in report.findings]
    assert "document" not in lines[0] and "Acme Health Analytics Ltd" not in log.read_text(encoding="utf-8")
    with_documents = tmp_path / "with.jsonl"
    TestClient(create_app(ServeSettings(decision_log=str(with_documents), log_documents=True))).post(
        "/v1/assess", json={"document": _document(ACTIVE), "as_of": "2026-01-01"})
    assert json.loads(with_documents.read_text(encoding="utf-8"))["document"]["id"] == "ki-acme-2024"


def test_the_workbench_page_has_no_outside_assets(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<!DOCTYPE html>" in page.text and 'lang="en"' in page.text
    for reference in ("http://", "https://", "src=", "@import", "href=\"/"):
        assert reference not in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]


def test_requests_name_no_files(client: TestClient, tmp_path: Path) -> None:
    # A path where a document belongs is a value to check, never a file to read.
    response = client.post("/v1/assess", json={"document": str(PROPOSAL), "as_of": "2025-06-01"})
    assert response.status_code == 422 and "expected a partnership document" in response.text
