"""Schemas editors use: documents, case files, rule files, the report output; check and templates."""

from __future__ import annotations

import copy
import datetime as dt
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import jsonschema
import pytest

import kipolicy
from kipolicy._rules.book import bundled_rules_dir
from kipolicy._tools.template import template

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _json(value):
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _validator(name: str) -> jsonschema.Draft202012Validator:
    schema = kipolicy.schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_document_schema_says_exactly_one_ki_party() -> None:
    validator = _validator("document")
    doc = _json(tomllib.loads((EXAMPLES / "strategic-proposal.toml").read_text(encoding="utf-8")))
    assert validator.is_valid(doc)
    none = copy.deepcopy(doc)
    none["parties"] = [p for p in none["parties"] if p.get("role") != "ki"]
    two = copy.deepcopy(doc)
    two["parties"].append({**doc["parties"][0], "id": "ki-again"})
    assert not validator.is_valid(none) and not validator.is_valid(two)
    long_name = copy.deepcopy(doc)
    long_name["name"] = "x" * 10_001
    assert not validator.is_valid(long_name)
    assert "kipolicy check" in kipolicy.schema()["$comment"]


def test_every_case_file_is_valid_under_the_case_schema() -> None:
    validator = _validator("cases")
    files = sorted((ROOT / "tests" / "cases").glob("*.case.toml"))
    assert files
    for file in files:
        data = _json(tomllib.loads(file.read_text(encoding="utf-8")))
        errors = sorted(validator.iter_errors(data), key=str)
        assert not errors, (file.name, errors[0].message if errors else "")
    bad = {"case": [{"name": "x", "as_of": "2025-01-01", "document": "d.toml",
                     "expect": {"fires": [{"rule": "definition.strategic", "kind": "violaton"}]}}]}
    assert not validator.is_valid(bad)
    both = {"case": [{"name": "x", "as_of": "2025-01-01", "document": "d.toml", "partnership": {},
                      "expect": {"quiet": ["definition.strategic"]}}]}
    assert not validator.is_valid(both)


def test_every_bundled_rule_file_is_valid_under_the_rules_schema() -> None:
    validator = _validator("rules")
    for file in sorted(bundled_rules_dir().glob("*.toml")):
        data = tomllib.loads(file.read_text(encoding="utf-8"))
        errors = list(validator.iter_errors(data))
        assert not errors, (file.name, errors[0].message if errors else "")
    assert not validator.is_valid({"section": "definition", "rule": [{"id": "definition.x", "kind": "violaton"}]})


@pytest.mark.parametrize(
    "change",
    [
        lambda rule: rule.update(kind="violaton"),
        lambda rule: rule.update(colour=1),
        lambda rule: rule.update(halts="yes"),
        lambda rule: rule["when"][0].update(fact=None) or rule["when"][0].pop("fact"),
        lambda rule: rule["when"][0].update(**{"as": 3}),
        lambda rule: rule.update(title={"sv": "t"}),
        lambda rule: rule.update(step="later"),
        lambda rule: rule.update(derive=[{"fact": "trait_failed", "values": {"unit": {"ref": 1}}}]),
    ],
)
def test_the_rules_schema_and_the_loader_refuse_the_same_forms(tmp_path: Path, change) -> None:
    """The schema is generated from the spec classes the loader structures rule files into: a
    form one refuses, the other refuses too."""
    validator = _validator("rules")
    rule = {
        "id": "definition.x", "kind": "note", "modality": "definition", "cites": ["definition.4"],
        "title": {"sv": "t", "en": "t"}, "message": {"sv": "m", "en": "m"}, "remedy": {"sv": "r", "en": "r"},
        "when": [{"fact": "partnership", "where": ["continues == true"]}],
    }
    data = {"section": "definition", "step": "definition", "rule": [rule]}
    assert validator.is_valid(data)
    change(rule)
    assert not validator.is_valid(data)
    (tmp_path / "definition.toml").write_text(_toml(data), encoding="utf-8")
    with pytest.raises(kipolicy.RuleFileError) as info:
        kipolicy.load_rules(tmp_path)
    assert all("rule definition.x" in p.path for p in info.value.problems), info.value.problems


def _toml(data: dict) -> str:
    """A rule file as TOML (the few shapes the test above writes)."""
    def value(v):
        if isinstance(v, dict):
            return "{ " + ", ".join(f"{json.dumps(k) if k == 'as' else k} = {value(x)}" for k, x in v.items()) + " }"
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return json.dumps(v)
    lines = [f"{k} = {value(v)}" for k, v in data.items() if k != "rule"]
    for rule in data["rule"]:
        lines.append("[[rule]]")
        lines += [f"{k} = {value(v)}" for k, v in rule.items()]
    return "\n".join(lines) + "\n"


def test_the_report_output_is_valid_under_the_report_schema() -> None:
    validator = _validator("report")
    for args in (["assess", *map(str, sorted(EXAMPLES.glob("*.toml"))), "--as-of", "2026-01-01"],
                 ["portfolio", str(EXAMPLES / "portfolio"), "--as-of", "2026-12-01", "--set", "capacity=2"]):
        result = subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", *args, "--format", "json"],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
        data = json.loads(result.stdout)
        errors = list(validator.iter_errors(data))
        assert not errors, errors[0].message if errors else ""
    broken = json.loads(result.stdout)
    broken["reports"][0]["findings"][0]["kind"] = "infraction"
    assert not validator.is_valid(broken)


def test_schema_names_and_the_command() -> None:
    with pytest.raises(kipolicy.UnknownIdError, match="did you mean 'report'"):
        kipolicy.schema("reports")
    for name in ("document", "cases", "rules", "report"):
        result = subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", "schema", name], capture_output=True,
                                text=True, cwd=ROOT, timeout=60)
        assert json.loads(result.stdout) == kipolicy.schema(name)


def test_check_validates_documents_and_case_files_with_kipolicy(tmp_path: Path) -> None:
    def check(*files: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "kipolicy._tools.cli", "check", *map(str, files)],
                              capture_output=True, text=True, cwd=ROOT, timeout=60)

    good = check(EXAMPLES / "strategic-proposal.toml", ROOT / "tests" / "cases" / "risk.case.toml")
    assert good.returncode == 0 and "valid (ki-nus-2025)" in good.stdout and "cases, valid" in good.stdout
    dangling = tmp_path / "dangling.toml"
    dangling.write_text(
        (EXAMPLES / "strategic-proposal.toml").read_text(encoding="utf-8").replace('party = "nus"', 'party = "nsu"', 1),
        encoding="utf-8",
    )
    bad = check(dangling)
    assert bad.returncode == 2 and "did you mean 'nus'" in bad.stderr


@pytest.mark.parametrize("kind", ["proposal", "active"])
def test_templates_point_editors_to_the_schema_and_say_what_they_give(kind: str, tmp_path: Path) -> None:
    text = template(kind)
    assert text.splitlines()[0] == "#:schema partnership.schema.json"
    assert "#:schema" not in template(kind, None)
    path = tmp_path / "t.toml"
    path.write_text(text, encoding="utf-8")
    if kind == "proposal":
        report = kipolicy.assess(path, as_of="2025-06-01")
        assert set(report.rule_ids) == {"definition.strategic", "mervarde.value-stated", "urval.complementary"}
        assert set(report.counts()) and report.by_kind("note") == report.findings
        return
    for day in ("2025-06-01", "2026-04-01"):
        report = kipolicy.assess(path, as_of=day)
        assert set(report.rule_ids) == {"definition.strategic", "mervarde.value-stated"}, day
        assert report.by_kind("note") == report.findings
    soon = kipolicy.assess(path, as_of="2026-04-02")
    assert {"risk.reassessment-due", "uppfoljning.annual-due"} <= set(soon.rule_ids)
    assert {f.due for f in soon.by_kind("obligation")} == {dt.date(2026, 6, 1)}
    assert "definition.intentions-after-startup" not in soon.rule_ids
    later = kipolicy.assess(path, as_of="2026-06-01")
    assert "definition.intentions-after-startup" in later.rule_ids
