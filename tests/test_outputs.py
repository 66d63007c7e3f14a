"""Outputs that stand alone: complete HTML pages, severity order, Jupyter displays."""

from __future__ import annotations

import html.parser
import subprocess
import sys
from pathlib import Path

import pytest

import kipolicy
from kipolicy._base.escape import md

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
ACTIVE = ROOT / "examples" / "active-with-gaps.toml"


class _Page(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False


def _cli(*args: str) -> str:
    result = subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", *args], capture_output=True, text=True,
                            cwd=ROOT, timeout=120, encoding="utf-8")
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def test_html_output_is_a_complete_printable_document() -> None:
    for args, lang, title in (
        (("assess", str(ACTIVE), "--as-of", "2026-01-01", "--lang", "sv"), "sv", "KI – Acme Health Analytics"),
        (("portfolio", "examples/portfolio", "--as-of", "2026-12-01"), "en", "Portfolio 2026-12-01"),
        (("assess", str(ACTIVE), "--as-of", "2026-01-01", "--change", "stage=ended", "--diff"), "en", "kipolicy: KI – Acme Health Analytics"),
    ):
        page = _cli(*args, "--format", "html")
        assert page.startswith("<!DOCTYPE html>")
        parser = _Page()
        parser.feed(page)
        tags = dict(parser.tags)
        assert tags["html"]["lang"] == lang
        assert any(t == "meta" and a.get("charset") == "utf-8" for t, a in parser.tags)
        assert parser.title == title
        assert "@media print" in page and "break-inside:avoid" in page
        assert page.rstrip().endswith("</html>")
    fragment = kipolicy.assess(ACTIVE, as_of="2026-01-01")._repr_html_()
    assert not fragment.startswith("<!DOCTYPE")  # the notebook keeps the fragment


def test_findings_within_a_section_go_by_severity() -> None:
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    for section in {f.section for f in report.findings}:
        ranks = [kipolicy.KINDS.index(f.kind) for f in report.findings if f.section == section]
        assert ranks == sorted(ranks), section
    text = report.to_text("en")
    assert text.index("[violation] definition.") < text.index("[note] definition.")
    assert text.index("[violation] organisation.") < text.index("[warning] organisation.")


def test_jupyter_displays_for_findings_policy_traceability_and_answers() -> None:
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    (finding,) = report.by_rule("definition.management-not-engaged")
    assert "definition.management-not-engaged" in finding._repr_html_() and "Acme Health Analytics Ltd" in finding._repr_html_()
    assert "risk.3" in kipolicy.policy()._repr_html_()
    trace = kipolicy.traceability([ROOT / "tests" / "cases"])
    assert "definition.5" in trace._repr_html_() and "<table>" in trace._repr_html_()
    explanation = report.explain("definition.management-not-engaged")
    assert isinstance(explanation, str) and "<pre" in explanation._repr_html_()
    assert "parties[1].management_engagement" in explanation._repr_html_()
    answer = kipolicy.why_not(report, "definition.strategic")
    assert "<pre" in answer._repr_html_() and "definition.strategic" in answer._repr_html_()
    assert "&lt;" not in finding._repr_html_() or "<" not in finding.message("en")
    assert "<pre" in report.why_not("definition.strategic")._repr_html_()


def test_the_notebook_is_linked_from_the_readme_and_the_docs() -> None:
    assert "examples/edge-cases.ipynb" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert "edge-cases.ipynb" in (ROOT / "docs" / "explain.md").read_text(encoding="utf-8")


def test_the_wheel_carries_the_license_and_the_hooks_run() -> None:
    import re

    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    entries = dict(re.findall(r"^- id: (\S+)\n(?:  .*\n)*?  entry: (.+)$", hooks, re.M))
    assert entries == {"kipolicy-check": "kipolicy check", "kipolicy-cases": "kipolicy cases"}
    check = re.search(r"id: kipolicy-check\n(?:  .*\n)*?  files: (.+)\n  exclude: (.+)\n", hooks)
    assert check and re.search(check[1], "partnerships/p.toml") and re.search(check[2], "pyproject.toml")
    # What pre-commit runs: the entry with the changed files.
    for entry, files in (("check", ["examples/strategic-proposal.toml", "tests/cases/risk.case.toml"]),
                         ("cases", ["tests/cases/risk.case.toml"])):
        result = subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", entry, *files], capture_output=True,
                                text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_swedish_report_names_the_kinds_in_swedish() -> None:
    # A policy is not law (inledning.6): a violation is an "avvikelse" from it, never an
    # "överträdelse"; the JSON keeps the kinds' ids.
    report = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    for text in (report.to_text("sv"), report.to_markdown("sv"), report.to_html("sv")):
        assert "avvikelse" in text and "varning" in text and "notering" in text
        assert "överträdelse" not in text.lower()
        assert "[violation]" not in text and "`violation`" not in text and ">violation<" not in text
    violations = report.counts()["violation"]
    assert f"{violations} avvikelser" in report.to_text("sv") and f"{violations} violation" in report.to_text("en")
    assert {f["kind"] for f in report.to_dict()["findings"]} >= {"violation", "warning"}


def _alliance() -> kipolicy.Report:
    document = kipolicy.to_document(kipolicy.load_partnership(EXAMPLES / "strategic-proposal.toml"))
    for i, name in enumerate(["Universiteit Leiden", "Université de Genève", "Uniwersytet Warszawski"]):
        document["parties"].append(
            {"id": f"p{i}", "name": name, "role": "partner", "kind": "university", "reach": "international",
             "country": ["NL", "CH", "PL"][i], "fields": ["medicine"], "management_engagement": "absent",
             "contact_persons": ["One person"]}
        )
    return kipolicy.assess(document, as_of="2025-06-01")


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_an_alliances_per_party_findings_are_one_entry_in_renderings(lang: str) -> None:
    # Rev. 2, principle 6: the API keeps one finding per party; renderings list the parties of
    # one rule's findings in one entry, each with its message, the remedy and citations once.
    report = _alliance()
    engaged = report.by_rule("definition.management-not-engaged")
    assert [f.subject.path for f in engaged] == ["parties[2]", "parties[3]", "parties[4]"]
    assert len([f for f in report.to_dict()["findings"] if f["rule_id"] == "definition.management-not-engaged"]) == 3
    parties = "3 parties" if lang == "en" else "3 parter"

    text = report.to_text(lang)
    head = next(line for line in text.splitlines() if "definition.management-not-engaged" in line)
    assert head.endswith(f"{parties}: Universiteit Leiden (parties[2]); Université de Genève (parties[3]); "
                         "Uniwersytet Warszawski (parties[4])")
    assert text.count("definition.management-not-engaged") == 1
    for finding in engaged:
        assert f"  - {finding.subject}: {finding.message(lang)}" in text
    assert text.count('definition.5: "') >= 1
    block = text.split(head)[1].split("\n[")[0]
    assert block.count("definition.5:") == 1  # the cited unit once for the three parties

    markdown = report.to_markdown(lang)
    assert markdown.count("definition.management-not-engaged") == 1
    assert f"definition.management-not-engaged — {parties}" in markdown
    assert all(f"- **{md(f.subject)}**: " in markdown for f in engaged)

    html = report.to_html(lang)
    assert html.count("<code>definition.management-not-engaged</code>") == 1
    assert all(f"<li><strong>{f.subject}</strong>: " in html for f in engaged)


def test_a_single_partys_finding_is_shown_as_before() -> None:
    report = kipolicy.assess(EXAMPLES / "active-with-gaps.toml", as_of="2026-01-01")
    (finding,) = report.by_rule("definition.management-not-engaged")
    assert f"[violation] definition.management-not-engaged — {finding.subject}" in report.to_text("en")
