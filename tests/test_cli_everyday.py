"""The command line for everyday use: explain, why-not, what-if, verify, chosen rule books, cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kipolicy._rules.book import bundled_rules_dir

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
PROPOSAL = EXAMPLES / "strategic-proposal.toml"
ACTIVE = EXAMPLES / "active-with-gaps.toml"
CASES = ROOT / "tests" / "cases"


def _cli(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kipolicy._tools.cli", *map(str, args)], capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=180,
    )


# -- explain and why-not ---------------------------------------------------------------------


def test_explain_shows_the_because_tree_down_to_document_fields() -> None:
    result = _cli("explain", ACTIVE, "definition.management-not-engaged", "--as-of", "2026-01-01")
    assert result.returncode == 0, result.stderr
    assert "management_engagement = absent  [from parties[1].management_engagement]" in result.stdout
    assert 'definition.5: "Engagement and participation' in result.stdout
    swedish = _cli("explain", ACTIVE, "definition.management-not-engaged", "--as-of", "2026-01-01", "--lang", "sv")
    assert 'definition.5: "Ledningens engagemang och delaktighet hos alla ingående parter"' in swedish.stdout


def test_explain_formats() -> None:
    data = json.loads(_cli("explain", ACTIVE, "--as-of", "2026-01-01", "--format", "json").stdout)
    assert data["kind"] == "explanation" and data["findings"]
    assert {f["rule_id"] for f in data["findings"]} >= {"definition.management-not-engaged"}
    assert all(f["because"] for f in data["findings"])
    markdown = _cli("explain", ACTIVE, "--as-of", "2026-01-01", "--format", "markdown").stdout
    assert markdown.startswith("# Why: KI – Acme Health Analytics (ki-acme-2024)") and "```text" in markdown


def test_explain_of_a_rule_that_did_not_fire_answers_why_not() -> None:
    result = _cli("explain", PROPOSAL, "risk.preparation-missing", "--as-of", "2025-06-01")
    assert result.returncode == 0
    assert result.stdout.startswith("risk.preparation-missing did not fire in this assessment.")
    assert "blocked by risk_assessments[0]" in result.stdout


def test_why_not_names_the_condition_and_the_document_field() -> None:
    result = _cli("why-not", PROPOSAL, "risk.preparation-missing", "--as-of", "2025-06-01", "--format", "json")
    data = json.loads(result.stdout)
    assert data["kind"] == "why-not" and data["why_not"]["fired"] is False
    assert "risk_assessments[0]" in data["why_not"]["text"]["en"]
    swedish = _cli("why-not", PROPOSAL, "risk.preparation-missing", "--as-of", "2025-06-01", "--lang", "sv")
    assert "hindras av risk_assessments[0]" in swedish.stdout
    unknown = _cli("why-not", PROPOSAL, "risk.preparation-mising", "--as-of", "2025-06-01")
    assert unknown.returncode == 2 and "did you mean 'risk.preparation-missing'" in unknown.stderr


# -- what-if --------------------------------------------------------------------------------------


def test_change_and_diff_show_what_a_field_changes() -> None:
    base = ["assess", PROPOSAL, "--as-of", "2025-06-01"]
    changed = _cli(*base, "--change", "parties[1].management_engagement=absent")
    assert "definition.management-not-engaged" in changed.stdout
    diff = _cli(*base, "--change", "parties[1].management_engagement=absent", "--diff")
    assert "+ [violation] definition.management-not-engaged" in diff.stdout
    assert "- [note] definition.strategic" in diff.stdout
    data = json.loads(_cli(*base, "--change", "traits.commitment_years=1", "--diff", "--format", "json").stdout)
    assert data["kind"] == "what-if" and data["changes"] == {"traits.commitment_years": 1}
    assert "definition.not-long-term" in [f["rule_id"] for f in data["diffs"][0]["added"]]
    markdown = _cli(*base, "--change", "traits.commitment_years=1", "--diff", "--format", "markdown", "--lang", "sv")
    assert "definition.not-long-term" in markdown.stdout


def test_change_errors_name_the_path() -> None:
    result = _cli("assess", PROPOSAL, "--as-of", "2025-06-01", "--change", "parties[1].management_engagement=abset")
    assert result.returncode == 2 and "did you mean 'absent'" in result.stderr and "parties[1].management_engagement" in result.stderr
    alone = _cli("assess", PROPOSAL, "--as-of", "2025-06-01", "--diff")
    assert alone.returncode == 2 and "--change" in alone.stderr


# -- verify -----------------------------------------------------------------------------------------


def test_verify_says_the_same_findings_result(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    saved = _cli("assess", ACTIVE, "--as-of", "2026-01-01", "--set", "capacity=3", "--format", "json")
    report.write_text(saved.stdout, encoding="utf-8")
    provenance = json.loads(saved.stdout)["reports"][0]["provenance"]
    assert provenance["as_of"] == "2026-01-01" and provenance["interpretations"]["capacity"] == 3
    assert provenance["rules_source"] == "bundled" and provenance["document_fingerprint"].startswith("sha256:")
    result = _cli("verify", report, ACTIVE)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "the same findings result" in result.stdout and "Nothing it was made from has changed" in result.stdout


def test_verify_says_what_differs_and_which_fingerprint_changed(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(_cli("assess", ACTIVE, "--as-of", "2026-01-01", "--format", "json").stdout, encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(
        ACTIVE.read_text(encoding="utf-8").replace('management_engagement = "absent"', 'management_engagement = "in-place"'),
        encoding="utf-8",
    )
    result = _cli("verify", report, edited, "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data["same"] is False and data["fingerprints_changed"] == ["the document"]
    assert {"rule_id": "definition.management-not-engaged", "subject": "parties[1]"} in data["removed"]
    # The same document under an edited rule book: the rule book's fingerprint changed.
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    text = (rules / "definition.toml").read_text(encoding="utf-8")
    (rules / "definition.toml").write_text(text + "\n# an edit\n", encoding="utf-8")
    again = _cli("verify", report, ACTIVE, "--rules", rules, "--lang", "sv")
    assert again.returncode == 0 and "Ändrat sedan rapporten gjordes: regelboken" in again.stdout


def test_verify_refuses_a_report_about_another_partnership(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    report.write_text(_cli("assess", ACTIVE, "--as-of", "2026-01-01", "--format", "json").stdout, encoding="utf-8")
    result = _cli("verify", report, PROPOSAL)
    assert result.returncode == 2 and "no report about 'ki-nus-2025'" in result.stderr


# -- rule books the user chooses ------------------------------------------------------------------


def test_rules_option_and_check(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    # Make one rule a warning instead of a violation: --rules uses the edited copy.
    path = rules / "definition.toml"
    text = path.read_text(encoding="utf-8")
    marker = 'id = "definition.management-not-engaged"\nkind = "violation"'
    assert marker in text
    path.write_text(text.replace(marker, 'id = "definition.management-not-engaged"\nkind = "warning"'), encoding="utf-8")
    bundled = json.loads(_cli("assess", ACTIVE, "--as-of", "2026-01-01", "--format", "json").stdout)
    chosen = json.loads(_cli("assess", ACTIVE, "--as-of", "2026-01-01", "--format", "json", "--rules", rules).stdout)

    def kind(data: dict) -> str:
        return next(f["kind"] for f in data["reports"][0]["findings"] if f["rule_id"] == "definition.management-not-engaged")

    assert kind(bundled) == "violation" and kind(chosen) == "warning"
    assert chosen["reports"][0]["provenance"]["rules_source"] == str(rules)
    check = _cli("rules", "--check", rules)
    assert check.returncode == 0 and "65 rules load and compile" in check.stdout
    path.write_text(text.replace('kind = "violation"', 'kind = "violaton"', 1), encoding="utf-8")
    broken = _cli("rules", "--check", rules)
    assert broken.returncode == 1 and "definition.toml" in broken.stdout and "violation" in broken.stdout
    portfolio = _cli("portfolio", EXAMPLES / "portfolio", "--as-of", "2026-12-01", "--rules", rules)
    assert portfolio.returncode == 3 and "definition.toml" in portfolio.stderr


# -- case files -------------------------------------------------------------------------------------


def test_case_failures_read_well_in_swedish(tmp_path: Path) -> None:
    (tmp_path / "doc.toml").write_bytes(PROPOSAL.read_bytes())
    case = tmp_path / "wrong.case.toml"
    case.write_text(
        '[[case]]\nname = "fel med flit"\nas_of = 2025-06-01\ndocument = "doc.toml"\n'
        'overrides = { "parties[1].management_engagement" = "absent" }\n'
        '[case.expect]\nfires = ["definition.strategic"]\nquiet = ["definition.management-not-engaged"]\nis_strategic = true\n',
        encoding="utf-8",
    )
    result = _cli("cases", case, "--lang", "sv")
    assert result.returncode == 1
    out = result.stdout
    assert "väntade att definition.strategic skulle ge en iakttagelse" in out
    assert "Partnerskapet uppfyller definitionen av ett strategiskt partnerskap" in out  # the rule's title
    assert 'hänvisar till definition.5: "Ledningens engagemang' in out  # the cited text
    assert "parties[1] (National University of Singapore)" in out  # the party's name beside its path
    assert "väntade is_strategic = true; blev false" in out  # TOML values, not Python's True
    assert "kipolicy why-not" in out and "hindras av parties[1]" in out


def test_cases_coverage_can_be_required(tmp_path: Path) -> None:
    low = _cli("cases", CASES / "mervarde.case.toml", "--coverage", "--fail-under", "90")
    assert low.returncode == 1 and "is under --fail-under 90%" in low.stdout
    assert "rules a case makes fire:" in low.stdout and "of the 130 expectations" in low.stdout
    full = _cli("cases", CASES, "--coverage", "--fail-under", "100")
    assert full.returncode == 0, full.stdout[-2000:]
    assert "coverage: 100.0%" in full.stdout
    alone = _cli("cases", CASES / "mervarde.case.toml", "--fail-under", "90")
    assert alone.returncode == 2


@pytest.mark.parametrize("command", ["assess", "portfolio", "cases", "explain", "why-not", "verify"])
def test_every_assessing_command_takes_rules(command: str) -> None:
    assert "--rules DIR" in _cli(command, "--help").stdout


def test_the_command_line_and_the_api_run_case_files_with_one_runner(tmp_path) -> None:
    from kipolicy._tools.cases import run_case_files

    broken = tmp_path / "broken.case.toml"
    broken.write_text('[[case]]\nname = "x"\n', encoding="utf-8")
    run = run_case_files(["tests/cases/gates.case.toml", broken, tmp_path / "missing"])
    assert run.passed and not run.failed
    assert {p.file for p in run.problems} == {str(broken), str(tmp_path / "missing")}
    assert run.unread == 2
