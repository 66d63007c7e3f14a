"""Bad input, generated: the answer is always a Report or an InputError (a RuleFileError for
rule files) listing problems — never another exception, never a hang."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import signal
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kipolicy
from kipolicy._rules.book import bundled_rules_dir

from . import strategies
from .generate import realistic_documents

SECONDS = 20  # far above any real assessment: only a hang reaches it


@contextlib.contextmanager
def _no_hang(seconds: int = SECONDS):
    def stop(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _report_or_input_error(source, as_of=dt.date(2026, 12, 1)) -> None:
    with _no_hang():
        try:
            report = kipolicy.assess(source, as_of=as_of)
        except kipolicy.InputError as exc:
            assert exc.problems and all(p.message for p in exc.problems)
            assert str(exc)
            return
    assert isinstance(report, kipolicy.Report)
    json.dumps(report.to_dict())


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)

_paths = st.sampled_from([
    "id", "name", "level", "stage", "started", "parties", "parties[0]", "parties[1].kind", "parties[0].fields",
    "traits", "traits.areas", "traits.commitment_years", "strategy.focus_areas", "added_value",
    "ethics.academic_freedom", "risk_assessments", "risk_assessments[0].date", "risk_assessments[0].risks",
    "resourcing.ki_funding_years", "establishment.decision", "steering_group.members", "fora",
    "agreement.ends", "agreement.renewals", "follow_ups", "follow_ups[0].date", "evaluations", "termination",
    "unknown_key", "parties[0].unknown_key",
])

_odd_values = st.one_of(
    _json_values,
    st.just("x" * 200_000),                                    # a huge string
    st.just(json.loads("[" * 300 + "]" * 300)),                # deep nesting
    st.sampled_from(["0000-01-01", "9999-12-31", "2025-02-30", "20250101", "2025-1-1"]),
    st.sampled_from([dt.date.min, dt.date.max, dt.datetime(2025, 1, 1, 12, 0)]),
    st.just([{"id": "ki", "name": "KI", "role": "ki"}, {"id": "ki", "name": "KI again", "role": "partner"}]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=st.one_of(strategies.document, realistic_documents), mangles=st.lists(st.tuples(_paths, _odd_values), max_size=3))
def test_mangled_documents_give_a_report_or_an_input_error(document, mangles) -> None:
    from kipolicy._document.read import apply_overrides

    for path, value in mangles:
        try:
            document = apply_overrides(document, {path: value})
        except ValueError:
            continue
    _report_or_input_error(document)


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.binary(max_size=300), suffix=st.sampled_from([".toml", ".json"]))
def test_arbitrary_bytes_in_a_file_give_an_input_error(tmp_path_factory, data: bytes, suffix: str) -> None:
    path = tmp_path_factory.mktemp("bytes") / f"doc{suffix}"
    path.write_bytes(data)
    _report_or_input_error(path)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(document=realistic_documents, position=st.integers(0, 10_000), junk=st.binary(min_size=1, max_size=4))
def test_a_real_document_with_corrupted_bytes_gives_a_report_or_an_input_error(tmp_path_factory, document, position, junk) -> None:
    text = json.dumps(document, default=str, ensure_ascii=False).encode("utf-8")
    cut = position % len(text)
    path = tmp_path_factory.mktemp("corrupt") / "doc.json"
    path.write_bytes(text[:cut] + junk + text[cut + len(junk):])
    _report_or_input_error(path)


@pytest.mark.parametrize("as_of", [dt.date.min, dt.date(1, 1, 2), dt.date.max, dt.date(9999, 6, 30)])
def test_dates_at_the_ends_of_the_calendar(as_of: dt.date) -> None:
    for path in sorted(Path(__file__).resolve().parent.parent.joinpath("examples").rglob("*.toml")):
        _report_or_input_error(path, as_of=as_of)


# -- rule files ---------------------------------------------------------------------------------

_RULE_FILES = sorted(p.name for p in bundled_rules_dir().glob("*.toml"))
_rule_mangles = st.one_of(
    st.tuples(st.just("delete"), st.sampled_from(["id", "kind", "modality", "cites", "title", "message", "remedy", "when", "either", "subject"])),
    st.tuples(st.just("set"), st.sampled_from(["kind", "modality", "cites", "subject", "stage", "due", "halts", "retroactive"]), _json_values),
    st.tuples(st.just("clause"), st.text(max_size=30)),
    st.tuples(st.just("text"), st.text(max_size=40)),
)


def _mangled_rules(tmp: Path, file: str, rule_index: int, mangle) -> None:
    for name in _RULE_FILES:
        shutil.copy(bundled_rules_dir() / name, tmp / name)
    target = tmp / file
    kind = mangle[0]
    if kind == "text":
        target.write_text(target.read_text(encoding="utf-8")[: len(mangle[1]) * 7] + mangle[1], encoding="utf-8")
        return
    data = tomllib.loads(target.read_text(encoding="utf-8"))
    rules = data.get("rule", [])
    if not rules:
        return
    rule = rules[rule_index % len(rules)]
    if kind == "delete":
        rule.pop(mangle[1], None)
    elif kind == "set":
        rule[mangle[1]] = mangle[2]
    elif kind == "clause":
        conditions = rule.get("when") or (rule.get("either") or [{}])[0].get("when") or []
        if conditions:
            conditions[0]["where"] = [mangle[1]]
    target.write_text(_toml(data), encoding="utf-8")


def _toml(value, key: str = "") -> str:
    """A minimal TOML writer for rule-file data (inline tables and arrays)."""
    lines = []
    for k, v in value.items():
        lines.append(f"{json.dumps(k)} = {_inline(v)}")
    return "\n".join(lines) + "\n"


def _inline(v) -> str:
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_inline(x)}" for k, x in v.items()) + " }"
    if isinstance(v, list):
        return "[" + ", ".join(_inline(x) for x in v) + "]"
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return '"null"'
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return "nan" if v != v else ("inf" if v > 0 else "-inf")
    if isinstance(v, (int, float)):
        return repr(v) if not isinstance(v, int) or abs(v) < 2**63 else json.dumps(str(v))
    return json.dumps(v)


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(file=st.sampled_from(_RULE_FILES), rule_index=st.integers(0, 50), mangle=_rule_mangles)
def test_malformed_rule_files_give_a_rule_file_error_naming_file_and_rule(tmp_path_factory, file, rule_index, mangle) -> None:
    tmp = tmp_path_factory.mktemp("rules")
    _mangled_rules(tmp, file, rule_index, mangle)
    with _no_hang():
        try:
            book = kipolicy.load_rules(tmp)
        except kipolicy.RuleFileError as exc:
            assert exc.problems
            assert all(p.file.endswith(".toml") or p.file == "rules" for p in exc.problems)
            return
    # A change the loader accepts still gives a rule book that assesses.
    kipolicy.assess(Path(__file__).resolve().parent.parent / "examples" / "active-with-gaps.toml", as_of="2026-01-01", rules=book)
