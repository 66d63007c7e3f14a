"""The command line, driven as a user drives it: a subprocess, its stdout, stderr and exit code."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

import kipolicy

from .conftest import CASES, EXAMPLES, ROOT

PROPOSAL = str(EXAMPLES / "strategic-proposal.toml")
GAPS = str(EXAMPLES / "active-with-gaps.toml")


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kipolicy._tools.cli", *args], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_assess_prints_findings() -> None:
    result = _cli("assess", GAPS, "--as-of", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "Assessed as of 2026-01-01" in result.stdout
    assert "[violation] definition.management-not-engaged" in result.stdout
    assert 'definition.5: "Engagement and participation' in result.stdout
    assert result.stderr == ""


def test_assess_defaults_to_today_and_says_so_on_stderr() -> None:
    result = _cli("assess", PROPOSAL)
    assert result.returncode == 0
    assert f"assessed as of today, {dt.date.today().isoformat()}" in result.stderr
    assert f"Assessed as of {dt.date.today().isoformat()}" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("assess", "missing.toml"), "missing.toml: no such file"),
        (("assess", str(EXAMPLES), "--as-of", "2025-01-01"), "expected a .toml or .json file"),
        (("assess", PROPOSAL, "--as-of", "2025-02-30"), "expected a date"),
        (("assess", PROPOSAL, "--as-of", "tomorrow"), "expected a date"),
        (("assess", PROPOSAL, "--set", "traits-requird=all-five"), "did you mean 'traits-required'"),
        (("assess", PROPOSAL, "--set", "traits-required=all-six"), "expected one of 'core-four', 'all-five'"),
        (("assess", PROPOSAL, "--set", "capacity=many"), "expected a whole number"),
        (("assess", PROPOSAL, "--set", "capacity"), "expected NAME=VALUE"),
        (("assess", PROPOSAL, "--portfolio", "nowhere"), "nowhere: no such directory"),
        (("portfolio", PROPOSAL), "expected a directory"),
        (("policy", "risk.33"), "did you mean 'risk.3'"),
        (("rules", "--section", "riks"), "did you mean 'risk'"),
        (("cases", "nowhere.case.toml"), "no such file or directory"),
    ],
)
def test_bad_input_exits_2_on_stderr_without_traceback(args: tuple[str, ...], fragment: str) -> None:
    result = _cli(*args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_document_lists_every_problem_with_its_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nname = "X"\nlevel = "ki-wide"\nstage = "activ"\n[[parties]]\nid = "ki"\nname = "KI"\nrole = "ki"\nbnefit = "b"\n', encoding="utf-8")
    result = _cli("assess", str(bad), "--as-of", "2025-01-01")
    assert result.returncode == 2
    assert "2 problems in the input" in result.stderr
    assert "bad.toml: stage: expected one of" in result.stderr
    assert "bad.toml: parties[0].bnefit: unknown field (did you mean 'benefit'?)" in result.stderr
    unreadable = tmp_path / "broken.json"
    unreadable.write_bytes(b'{"id": "x", \xff}')
    assert _cli("assess", str(unreadable)).returncode == 2


def test_fail_on_gives_exit_1_at_that_kind_or_worse() -> None:
    # The proposal has warnings and notes but no violation.
    assert _cli("assess", PROPOSAL, "--as-of", "2025-06-01", "--fail-on", "violation").returncode == 0
    assert _cli("assess", PROPOSAL, "--as-of", "2025-06-01", "--fail-on", "warning").returncode == 1
    assert _cli("assess", PROPOSAL, "--as-of", "2025-06-01", "--fail-on", "note").returncode == 1
    assert _cli("assess", GAPS, "--as-of", "2026-01-01", "--fail-on", "violation").returncode == 1
    assert _cli("assess", PROPOSAL, "--fail-on", "bad").returncode == 2


def test_json_is_a_stable_versioned_contract() -> None:
    args = ("assess", PROPOSAL, GAPS, "--as-of", "2026-01-01", "--format", "json", "--set", "capacity=3",
            "--set", "focus-areas=Global health, Digitalisation")
    first, second = _cli(*args), _cli(*args)
    assert first.returncode == 0 and first.stdout == second.stdout
    data = json.loads(first.stdout)
    assert data["schema_version"] == "1.0" and data["kind"] == "assessment"
    assert data["kipolicy_version"] == kipolicy.__version__
    assert data["policy"]["dnr"] == "Dnr 1-1005/2022" and data["policy"]["in_force_from"] == "2023-02-21"
    assert data["as_of"] == "2026-01-01"
    assert data["interpretations"]["capacity"] == 3
    assert data["interpretations"]["focus-areas"] == ["Global health", "Digitalisation"]
    assert [r["partnership"]["id"] for r in data["reports"]] == ["ki-nus-2025", "ki-acme-2024"]
    finding = data["reports"][1]["findings"][0]
    assert {"rule_id", "kind", "modality", "citations", "because", "message", "remedy", "subject", "due"} <= set(finding)
    assert finding["citations"][0]["text_sv"] and finding["citations"][0]["unit"]


@pytest.mark.parametrize(("fmt", "marker"), [("markdown", "## "), ("html", '<div class="kipolicy">'), ("text", "== ")])
def test_formats_and_languages(fmt: str, marker: str) -> None:
    result = _cli("assess", GAPS, "--as-of", "2026-01-01", "--format", fmt, "--lang", "sv")
    assert result.returncode == 0 and marker in result.stdout
    assert "Ledningens engagemang" in result.stdout or "ledningen" in result.stdout.lower()


def test_assess_with_a_portfolio_and_the_portfolio_command() -> None:
    result = _cli("assess", str(EXAMPLES / "portfolio" / "ki-cascade.toml"), "--portfolio", str(EXAMPLES / "portfolio"),
                  "--as-of", "2026-12-01")
    assert result.returncode == 0 and "urval.overlaps-established" in result.stdout
    result = _cli("portfolio", str(EXAMPLES / "portfolio"), "--as-of", "2026-12-01", "--set", "capacity=1", "--format", "json")
    data = json.loads(result.stdout)
    assert data["kind"] == "portfolio" and data["schema_version"] == "1.0"
    assert [f["rule_id"] for f in data["findings"]] == ["urval.portfolio-over-capacity"]
    assert len(data["reports"]) == 4 and data["calendar"][0]["due"] <= data["calendar"][-1]["due"]
    assert _cli("portfolio", str(EXAMPLES / "portfolio"), "--as-of", "2026-12-01", "--fail-on", "violation").returncode == 1
    text = _cli("portfolio", str(EXAMPLES / "portfolio"), "--as-of", "2026-12-01").stdout
    assert "== Calendar ==" in text


def test_rules_and_policy_browse_ids_and_text() -> None:
    rules = _cli("rules").stdout.splitlines()
    assert len(rules) == len(kipolicy.rules())
    assert any(line.startswith("risk.not-weighed ") and "risk.3" in line for line in rules)
    data = json.loads(_cli("rules", "--section", "risk", "--format", "json").stdout)
    assert {r["section"] for r in data} == {"risk"}
    assert "| `urval.capacity-reached` |" in _cli("rules", "--format", "markdown").stdout
    sections = _cli("policy").stdout
    assert "uppfoljning" in sections and "Utvärdering och uppföljning" in sections
    unit = _cli("policy", "risk.3").stdout
    assert "Identifierade risker ska vägas" in unit and "risk.not-weighed" in unit
    inledning = _cli("policy", "inledning", "--lang", "en").stdout
    assert "no obligation: background" in inledning
    assert json.loads(_cli("policy", "risk", "--format", "json").stdout)[2]["id"] == "risk.3"


def test_cases_command_runs_case_files(tmp_path: Path) -> None:
    result = _cli("cases", str(CASES / "risk.case.toml"))
    assert result.returncode == 0 and result.stdout.strip().endswith("passed, 0 failed")
    failing = tmp_path / "wrong.case.toml"
    failing.write_text(
        '[[case]]\nname = "expects the wrong thing"\nas_of = 2025-06-01\n'
        f'document = "{(EXAMPLES / "strategic-proposal.toml").as_posix()}"\n'
        '[case.expect]\nfires = ["definition.no-partner"]\n',
        encoding="utf-8",
    )
    result = _cli("cases", str(failing), str(CASES / "mervarde.case.toml"), "--coverage")
    assert result.returncode == 1
    assert "expected definition.no-partner to fire; it did not" in result.stdout
    assert "actual findings:" in result.stdout and "kipolicy coverage" in result.stdout
    assert result.stdout.strip().endswith("4 passed, 1 failed")


def _json_ready(value):
    if isinstance(value, dict):
        return {k: _json_ready(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_ready(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_accepts_every_example_and_case_document() -> None:
    result = _cli("schema")
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    documents = sorted(EXAMPLES.rglob("*.toml")) + sorted((CASES / "documents").rglob("*.toml"))
    assert len(documents) > 10
    for path in documents:
        errors = list(validator.iter_errors(_json_ready(tomllib.loads(path.read_text(encoding="utf-8")))))
        assert errors == [], (path, errors[0].message)
    # And refuses what kipolicy refuses for its shape.
    assert list(validator.iter_errors({"id": "x", "name": "X", "stage": "activ"}))
    assert list(validator.iter_errors({"id": "x", "name": "X", "level": "ki-wide", "stage": "proposal", "colour": "blue"}))
    assert schema["$defs"]["Party"]["properties"]["management_engagement"]["enum"] == ["in-place", "jointly-intended", "absent"]
    assert "definition.5" in schema["$defs"]["Party"]["properties"]["management_engagement"]["description"]


@pytest.mark.parametrize("kind", ["proposal", "active"])
def test_new_prints_a_template_that_loads_and_explains_every_field(kind: str, tmp_path: Path) -> None:
    result = _cli("new", kind)
    assert result.returncode == 0
    path = tmp_path / f"{kind}.toml"
    path.write_text(result.stdout, encoding="utf-8")
    partnership = kipolicy.load_partnership(path)
    assert partnership.stage.value == kind
    assessed = _cli("assess", str(path), "--as-of", "2026-12-01")
    assert assessed.returncode == 0, assessed.stderr
    # Every field of the model is in the template (filled in or commented out), with a comment.
    schema = json.loads(_cli("schema").stdout)

    def names(node, defs):
        if "$ref" in node:
            node = defs[node["$ref"].split("/")[-1]]
        if node.get("type") == "array" and "items" in node:
            node = node["items"]
            if "$ref" in node:
                node = defs[node["$ref"].split("/")[-1]]
        for name, sub in node.get("properties", {}).items():
            yield name
            yield from names(sub, defs)

    text = result.stdout
    for name in set(names(schema, schema["$defs"])):
        assert f"{name} = " in text or f"[{name}]" in text or f".{name}]" in text or f"[[{name}]]" in text, name
    commented = [line for line in text.splitlines() if line.startswith("# ")]
    assert len(commented) > 60


def test_help_and_version() -> None:
    assert _cli("--version").stdout.strip() == f"kipolicy {kipolicy.__version__}"
    for command in ("assess", "portfolio", "rules", "policy", "cases", "schema", "new"):
        result = _cli(command, "--help")
        assert result.returncode == 0 and "examples:" in result.stdout and "kipolicy " in result.stdout
    top = _cli("--help").stdout
    assert "exit codes" in top
    assert _cli().returncode == 2


def test_the_readme_quick_start_command_runs(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "kipolicy assess examples/strategic-proposal.toml --as-of 2025-06-01" in readme
    result = _cli("assess", "examples/strategic-proposal.toml", "--as-of", "2025-06-01", cwd=ROOT)
    assert result.returncode == 0 and "definition.strategic" in result.stdout


def test_set_takes_a_dated_list_as_reports_show_it() -> None:
    # The decision of 2023-05-01 was the President's: under a delegation order that gave it to
    # the Vice-President until 2024 it is a departure; the report shows the periods as given,
    # in the form --set reads back.
    document = "tests/cases/documents/compliant-active.toml"
    periods = "from 2020-01-01: prorektor; from 2024-01-01: rektor"
    result = _cli("assess", document, "--as-of", "2025-09-01", "--set", f"decision-authorities={periods}")
    assert result.returncode == 0, result.stderr
    assert f"decision-authorities = {periods}" in result.stdout
    assert "etablering.decision-not-delegated" in result.stdout
    later = _cli("assess", document, "--as-of", "2025-09-01", "--set", "decision-authorities=from 2020-01-01: rektor; from 2024-01-01: prorektor")
    assert "etablering.decision-not-delegated" not in later.stdout
    bad = _cli("assess", document, "--set", "decision-authorities=from 2020-01-01 rektor")
    assert bad.returncode == 2
    assert "expected periods 'from YYYY-MM-DD: name, name; from YYYY-MM-DD: name'" in bad.stderr
