"""Every boundary refuses what the engine or a reader cannot take, with kipolicy's own error.

Each test is one input that used to crash the process, give a silently wrong report or raise
an error from deep inside a library.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import signal
import subprocess
import sys
import textwrap
import weakref
from pathlib import Path

import attrs
import pytest

import kipolicy
from kipolicy._rules import durable as _engine
from kipolicy._tools.cases import load_cases
from kipolicy._rules.durable import LEAKED_SESSION_LIMIT, compile_rules
from kipolicy._base.limits import MAX_DOCUMENT_BYTES, MAX_TEXT_CHARS

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "examples" / "strategic-proposal.toml"
ACTIVE = ROOT / "examples" / "active-with-gaps.toml"


def _doc(path: Path = PROPOSAL) -> dict:
    return kipolicy.to_document(kipolicy.load_partnership(path))


def _paths(exc: kipolicy.InputError) -> list[str]:
    return [p.path for p in exc.problems]


# -- non-finite and out-of-range numbers -------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e400,
                                   pytest.param(10**5000, id="5000-digits"), -1, 101, True, "3"])
def test_interpretation_numbers_must_be_finite_and_in_range(value: object) -> None:
    with pytest.raises(kipolicy.InterpretationError) as info:
        kipolicy.assess(PROPOSAL, as_of="2025-06-01", interpretations={"long-term-years": value})
    assert _paths(info.value) == ["long-term-years"]
    assert len(str(info.value)) < 300  # a 5,000-digit number is not echoed


@pytest.mark.parametrize("name", ["startup-months", "risk-interval-months", "due-soon-days", "renewal-lead-months", "capacity"])
def test_every_numeric_interpretation_has_a_maximum(name: str) -> None:
    interpretation = kipolicy.INTERPRETATIONS[name]
    assert interpretation.maximum is not None
    assert kipolicy.Interpretations({name: interpretation.maximum})[name] == interpretation.maximum
    with pytest.raises(kipolicy.InterpretationError, match="from 0 to"):
        kipolicy.Interpretations({name: interpretation.maximum + 1})


@pytest.mark.parametrize("field,value", [
    ("commitment_years", float("inf")), ("commitment_years", float("nan")), ("commitment_years", 2**64),
    ("commitment_years", 0.00001), ("commitment_years", 10**16),
])
def test_document_numbers_the_engine_cannot_hold_are_refused(field: str, value: object) -> None:
    doc = _doc()
    doc["traits"][field] = value
    with pytest.raises(kipolicy.InputError) as info:
        kipolicy.load_partnership(doc)
    assert _paths(info.value) == [f"traits.{field}"]


def test_numbers_are_compared_exactly() -> None:
    # 2.99995 years used to be rounded to 3.0 and count as long-term under a 3-year reading.
    doc = _doc()
    doc["traits"]["commitment_years"] = 2.99995
    report = kipolicy.assess(doc, as_of="2025-06-01", interpretations={"long-term-years": 3})
    assert report.by_rule("definition.not-long-term")
    doc["traits"]["commitment_years"] = 3
    assert not kipolicy.assess(doc, as_of="2025-06-01", interpretations={"long-term-years": 3}).by_rule(
        "definition.not-long-term"
    )


# -- texts ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("where", ["name", "parties[1].name"])
def test_a_text_longer_than_the_limit_is_refused_not_dropped(where: str) -> None:
    # A 16 MiB text used to be dropped by the engine: no findings at all, or no partner.
    doc = _doc()
    huge = "x" * (16 * 1024 * 1024)
    if where == "name":
        doc["name"] = huge
    else:
        doc["parties"][1]["name"] = huge
    with pytest.raises(kipolicy.InputError, match=f"at most {MAX_TEXT_CHARS:,} characters") as info:
        kipolicy.load_partnership(doc)
    assert _paths(info.value) == [where]
    doc = _doc()
    doc["name"] = "x" * MAX_TEXT_CHARS
    assert kipolicy.assess(doc, as_of="2025-06-01").by_rule("definition.strategic")


def test_a_lone_surrogate_is_refused_with_its_path(tmp_path: Path) -> None:
    doc = json.loads(json.dumps(_doc(), default=str))
    text = json.dumps(doc).replace('"name": "KI \\u2013 National', '"name": "Bad \\ud800 National')
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(kipolicy.InputError, match="lone surrogate") as info:
        kipolicy.load_partnership(path)
    assert _paths(info.value) == ["name"]
    assert "\ud800" not in str(info.value)  # the message itself can be printed anywhere


def test_control_characters_are_refused_in_documents() -> None:
    doc = _doc()
    doc["parties"][1]["name"] = "Evil\x1b]0;pwned\x07 Corp"
    with pytest.raises(kipolicy.InputError, match="control characters") as info:
        kipolicy.load_partnership(doc)
    assert _paths(info.value) == ["parties[1].name"]


# -- partnerships built in code -------------------------------------------------------------------


def test_an_in_code_partnership_gets_the_document_checks() -> None:
    p = kipolicy.load_partnership(ACTIVE)
    cases = {
        "name": attrs.evolve(p, name=5),
        "parties": attrs.evolve(p, parties=()),
        "traits.commitment_years": attrs.evolve(p, traits=attrs.evolve(p.traits, commitment_years=float("inf"))),
        "steering_group.members[0].party": attrs.evolve(
            p, steering_group=kipolicy.SteeringGroup(members=(kipolicy.SteeringMember(party="nobody"),))
        ),
    }
    for path, bad in cases.items():
        with pytest.raises(kipolicy.InputError) as info:
            kipolicy.assess(bad, as_of="2026-01-01")
        assert path in _paths(info.value), (path, info.value)
        assert all(p.file == "<Partnership>" for p in info.value.problems)
    two_ki = attrs.evolve(p, parties=(*p.parties, kipolicy.Party(id="ki2", name="KI", role=kipolicy.PartyRole.KI)))
    with pytest.raises(kipolicy.InputError, match="exactly one party with role 'ki'"):
        kipolicy.assess(two_ki, as_of="2026-01-01")


def test_in_code_words_and_iso_dates_are_read_as_a_document_reads_them() -> None:
    p = kipolicy.load_partnership(ACTIVE)
    loose = attrs.evolve(p, stage="active", started=p.started.isoformat() if p.started else "2024-03-01")
    assert kipolicy.assess(loose, as_of="2026-01-01").rule_ids == kipolicy.assess(
        attrs.evolve(p, started=dt.date.fromisoformat(loose.started)), as_of="2026-01-01"
    ).rule_ids


# -- the engine adapter ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e-05, 10**20, "x" * (2 << 20), [1], {"a": 1}])
def test_the_adapter_refuses_values_the_engine_cannot_hold(value: object) -> None:
    program = compile_rules(kipolicy.rules())
    before = program.leaked_sessions
    with pytest.raises(kipolicy.EngineError):
        program.run([{"type": "partnership", "path": "", "x": value}], lambda firing: [], lambda: None)
    assert program.leaked_sessions == before + 1
    assert kipolicy.assess(PROPOSAL, as_of="2025-06-01").by_rule("definition.strategic")


def test_an_exception_anywhere_in_an_assessment_leaves_no_session(monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C in Jupyter arrives as KeyboardInterrupt at any point; the session must still go.
    program = compile_rules(kipolicy.rules())
    baseline = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    original = _engine.Program._drain
    counted = {"n": 0}

    def counting(self: _engine.Program, state: int) -> None:
        counted["n"] += 1
        original(self, state)

    monkeypatch.setattr(_engine.Program, "_drain", counting)
    kipolicy.assess(ACTIVE, as_of="2026-01-01")
    drains = counted["n"]
    assert drains > 5
    for fail_at in range(1, drains + 1):
        calls = {"n": 0}
        before = program.leaked_sessions

        def drain(self: _engine.Program, state: int, calls: dict = calls, fail_at: int = fail_at) -> None:
            calls["n"] += 1
            if calls["n"] == fail_at:
                raise KeyboardInterrupt
            original(self, state)

        monkeypatch.setattr(_engine.Program, "_drain", drain)
        with pytest.raises(KeyboardInterrupt):
            kipolicy.assess(ACTIVE, as_of="2026-01-01")
        monkeypatch.setattr(_engine.Program, "_drain", original)
        # Only an exception inside the final clean-up itself (which a real Ctrl-C cannot reach:
        # it is held there) leaves a session, and that one is counted.
        assert program.leaked_sessions == before + (1 if fail_at == drains else 0), fail_at
        assert kipolicy.assess(ACTIVE, as_of="2026-01-01").rule_ids == baseline.rule_ids


def test_ctrl_c_during_an_assessment_is_raised_after_the_session_is_gone(monkeypatch: pytest.MonkeyPatch) -> None:
    # The claim is about Python's own Ctrl-C handler: put it in place whatever the process
    # running the test had (a test runner's worker may have another), and put that back after.
    had = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        _ctrl_c_during_an_assessment(monkeypatch)
    finally:
        signal.signal(signal.SIGINT, had)


def _ctrl_c_during_an_assessment(monkeypatch: pytest.MonkeyPatch) -> None:
    program = compile_rules(kipolicy.rules())
    before = program.leaked_sessions
    original = _engine.Program._drain
    state = {"sent": False, "deleted_before_interrupt": None}

    def drain(self: _engine.Program, s: int) -> None:
        if not state["sent"]:
            state["sent"] = True
            os.kill(os.getpid(), signal.SIGINT)  # delivered at once: held until the end
        original(self, s)

    deleted = []
    monkeypatch.setattr(_engine.Program, "_drain", drain)
    monkeypatch.setattr(program._ruleset, "delete_state", lambda sid, real=program._ruleset.delete_state: (deleted.append(sid), real(sid)))
    with pytest.raises(KeyboardInterrupt):
        kipolicy.assess(ACTIVE, as_of="2026-01-01")
    assert deleted and program.leaked_sessions == before
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_a_session_whose_first_assert_failed_is_never_touched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    program = compile_rules(kipolicy.rules())
    seen: list[str] = []
    real = _engine._native.assert_facts

    def failing(handle: int, text: str) -> object:
        facts = json.loads(text)
        seen.append(facts[0]["sid"])
        if len(seen) == 1:
            raise RuntimeError("simulated engine refusal")
        return real(handle, text)

    monkeypatch.setattr(_engine._native, "assert_facts", failing)
    before = program.leaked_sessions
    with pytest.raises(kipolicy.EngineError, match="simulated"):
        kipolicy.assess(ACTIVE, as_of="2026-01-01")
    assert len(seen) == 1  # no end-of-assessment fact asserted on the failed session
    assert program.leaked_sessions == before + 1


def test_leaked_sessions_are_bounded_by_rebuilding_the_ruleset() -> None:
    program = compile_rules(kipolicy.rules())
    baseline = kipolicy.assess(ACTIVE, as_of="2026-01-01").rule_ids
    rebuilds = program.rebuilds
    program._leaked = LEAKED_SESSION_LIMIT
    assert kipolicy.assess(ACTIVE, as_of="2026-01-01").rule_ids == baseline
    assert program.rebuilds == rebuilds + 1 and program.leaked_sessions == 0
    assert LEAKED_SESSION_LIMIT < 1024 // 4


def test_a_program_is_released_with_its_rule_book() -> None:
    book = kipolicy.load_rules()
    kipolicy.assess(PROPOSAL, as_of="2025-06-01", rules=book)
    program = weakref.ref(compile_rules(book))
    handle = list(program()._handle)
    assert handle
    del book
    gc.collect()
    assert program() is None


# -- case files ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("line,path,message", [
    ('interpretations = "strict"', "case[0].interpretations", "expected a table"),
    ("interpretations = { long-term-years = inf }", "case[0].interpretations.long-term-years", "non-finite"),
    ("expect = { quiet = 5 }", "case[0].expect.quiet", "expected a list"),
    ("expect = { fires = true }", "case[0].expect.fires", "expected a list"),
    ("expect = { portfolio_fires = 1.5 }", "case[0].expect.portfolio_fires", "expected a list"),
    ('expect = { obligations = [{ duty = ["x"] }] }', "case[0].expect.obligations[0].duty", "expected text"),
    ('expect = { fires = [{ rule = "definition.strategic", kind = "violaton" }] }', "case[0].expect.fires[0].kind", "did you mean 'violation'"),
    ('overrides = { started = { __kipolicy_date__ = "2025-01-01" } }', "started", "expected a date"),
])
def test_case_file_problems_name_the_field(tmp_path: Path, line: str, path: str, message: str) -> None:
    (tmp_path / "doc.toml").write_bytes(PROPOSAL.read_bytes())
    expect = "" if line.startswith("expect") else 'expect = { quiet = ["definition.not-strategic"] }\n'
    case = tmp_path / "c.case.toml"
    case.write_text(f'[[case]]\nname = "c"\nas_of = 2025-06-01\ndocument = "doc.toml"\n{line}\n{expect}', encoding="utf-8")
    with pytest.raises(kipolicy.InputError) as info:
        load_cases(case)
    problems = info.value.problems
    assert [p.path for p in problems] == [path], problems
    assert message in problems[0].message


# -- rule files -----------------------------------------------------------------------------------------


def _rules_dir(tmp_path: Path, rule_body: str, facts: str = "") -> Path:
    text = textwrap.dedent('''
        section = "definition"
        step = "definition"
    ''') + facts + textwrap.dedent('''
        [[rule]]
        id = "definition.test"
        kind = "note"
        modality = "definition"
        cites = ["definition.4"]
        title = { sv = "t", en = "t" }
        message = { sv = "m", en = "m" }
        remedy = { sv = "r", en = "r" }
    ''') + rule_body
    (tmp_path / "definition.toml").write_text(text, encoding="utf-8")
    return tmp_path


def _rule_problem(tmp_path: Path, rule_body: str, facts: str = "") -> str:
    with pytest.raises(kipolicy.RuleFileError) as info:
        kipolicy.load_rules(_rules_dir(tmp_path, rule_body, facts))
    (problem,) = info.value.problems
    assert problem.file == "definition.toml" and "definition.test" in problem.path
    return problem.message


@pytest.mark.parametrize("alias", ["phase_marker", "end"])
def test_internal_aliases_are_reserved(tmp_path: Path, alias: str) -> None:
    assert "reserved" in _rule_problem(tmp_path, f'when = [{{ fact = "partnership", as = "{alias}" }}]\nsubject = "{alias}"\n')


def test_number_literals_the_engine_cannot_hold_are_refused(tmp_path: Path) -> None:
    literal = "9" * 400 + ".5"
    assert "finite" in _rule_problem(tmp_path, f'when = [{{ fact = "partnership", where = ["commitment_years > {literal}"] }}]\n')
    assert "at most" in _rule_problem(tmp_path, f'when = [{{ fact = "partnership", where = ["commitment_years > {"9" * 30}"] }}]\n')


def test_derived_values_must_be_finite(tmp_path: Path) -> None:
    facts = '[facts.x]\ndescription = "x"\nfields = { n = "number" }\n'
    body = 'when = [{ fact = "partnership" }]\nderive = [{ fact = "x", values = { n = inf } }]\n'
    assert "finite" in _rule_problem(tmp_path, body, facts)


@pytest.mark.parametrize("conditions,clauses", [(3, 10), (8, 8)])
def test_in_expansion_is_bounded(tmp_path: Path, conditions: int, clauses: int) -> None:
    types = ["partnership", "assessment", "party", "ethics", "decision", "review", "duty", "support"][:conditions]
    parts = []
    for fact_type in types:
        values = ", ".join(f"'{i}'" for i in range(clauses))
        parts.append(f'{{ fact = "{fact_type}", where = ["path in [{values}]"] }}')
    message = _rule_problem(tmp_path, f"when = [{', '.join(parts)}]\n")
    assert f"{clauses ** conditions:,} engine rules" in message


# -- the command line ----------------------------------------------------------------------------------


def _cli(*args: str, env: dict | None = None, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kipolicy._tools.cli", *args], capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, **(env or {})}, **{"timeout": 120, **kwargs},
    )


def _cli_shell(command: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        f'"{sys.executable}" -m kipolicy._tools.cli {command}', shell=True, capture_output=True, text=True,
        cwd=ROOT, env={**os.environ, **(env or {})}, timeout=120,
    )


@pytest.mark.parametrize("setting", ["long-term-years=inf", "long-term-years=1e400", "long-term-years=nan",
                                     "startup-months=" + "9" * 5000])
def test_cli_refuses_unreadable_numbers(setting: str) -> None:
    result = _cli("assess", str(PROPOSAL), "--as-of", "2025-06-01", "--set", setting)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr) < 400


@pytest.mark.parametrize("redirect,env,expected", [
    (">&-", None, "standard output is closed"),
    (">/dev/full", None, "No space left"),
    (">/dev/null", {"PYTHONIOENCODING": "ascii"}, "cannot hold the character"),
    (">/dev/null", {"PYTHONIOENCODING": "cp1252"}, "cannot hold the character"),
])
def test_cli_output_failures_exit_4_with_one_line(redirect: str, env: dict | None, expected: str) -> None:
    if redirect == ">/dev/full" and not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    doc = PROPOSAL if "ascii" in str(env) else ROOT / "tests" / "data" / "emoji.toml"
    result = _cli_shell(f'assess "{doc}" --as-of 2025-06-01 {redirect}', env)
    assert result.returncode == 4, result
    assert expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX only")
def test_cli_refuses_devices_fifos_and_oversized_documents(tmp_path: Path) -> None:
    (tmp_path / "zero.toml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "fifo.toml")
    big = tmp_path / "big.toml"
    big.write_text('name = "' + "x" * MAX_DOCUMENT_BYTES + '"\n', encoding="utf-8")
    for name, message in (("zero.toml", "regular file"), ("fifo.toml", "regular file"), ("big.toml", "at most")):
        result = _cli("assess", str(tmp_path / name), "--as-of", "2025-06-01", timeout=30)
        assert result.returncode == 2 and message in result.stderr, (name, result.stderr)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    for suffix, text in ((".toml", PROPOSAL.read_text(encoding="utf-8")),
                         (".json", json.dumps(_doc(), default=str, ensure_ascii=False))):
        path = tmp_path / f"bom{suffix}"
        path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        assert kipolicy.load_partnership(path).id == "ki-nus-2025"


def test_cases_with_an_unreadable_file_do_not_print_a_success_summary(tmp_path: Path) -> None:
    (tmp_path / "bad.case.toml").write_text("[[case]]\nnmae = 1\n", encoding="utf-8")
    result = _cli("cases", str(tmp_path))
    assert result.returncode == 2
    assert "0 passed, 0 failed\n" not in result.stdout and "not a successful run" in result.stdout


# -- outputs other programs render -------------------------------------------------------------------------

EVIL = "x | [click](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n# Injected"


def _evil_report() -> kipolicy.Report:
    p = kipolicy.load_partnership(ACTIVE)
    # Built in code with no check of its own text, as an embedding program could; the document
    # reader would refuse the control characters, the Markdown characters are legitimate text.
    party = attrs.evolve(p.parties[1], name=EVIL.replace("\n", " "))
    return kipolicy.assess(attrs.evolve(p, name=EVIL.replace("\n", " "), parties=(p.parties[0], party)), as_of="2026-01-01")


def test_markdown_escapes_user_text() -> None:
    # Rendered by a CommonMark parser with GitHub's tables, as a Markdown viewer would.
    from markdown_it import MarkdownIt

    text = _evil_report().to_markdown("en")
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    inline = [child for token in tokens for child in (token.children or [])]
    assert not [t for t in inline if t.type in ("html_inline", "link_open", "image")]
    assert not [t for t in tokens if t.type == "html_block"]
    headings = [
        "".join(c.content for c in tokens[i + 1].children or [] if c.type == "text")
        for i, t in enumerate(tokens) if t.type == "heading_open"
    ]
    assert not any(h.startswith("Injected") for h in headings)
    assert headings[0].startswith(EVIL.split("\n")[0])  # the name reads as written
    rows = [t for t in tokens if t.type == "tr_open"]
    cells = [[] for _ in rows]
    row = -1
    for token in tokens:
        if token.type == "tr_open":
            row += 1
        elif token.type in ("td_open", "th_open"):
            cells[row].append(token)
    assert rows and len({len(c) for c in cells}) == 1  # the calendar table keeps its columns


def test_text_output_has_no_control_sequences() -> None:
    p = kipolicy.load_partnership(ACTIVE)
    # The document reader refuses control characters; a value that got past it anyway (a rule's
    # own text, a future field) is still removed from text output.
    from kipolicy._base.escape import plain

    assert plain("a\x1b[2Jb\x1b]0;title\x07c\u009bd\n\te") == "a[2Jb]0;titlecd\n\te"
    assert "\x1b" not in kipolicy.assess(p, as_of="2026-01-01").to_text("sv")


# -- worker processes ---------------------------------------------------------------------------------------


def test_workers_use_the_rule_book_they_are_given_not_its_directory(tmp_path: Path) -> None:
    import shutil

    from kipolicy._rules.book import bundled_rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    book = kipolicy.load_rules(rules)
    documents = sorted((ROOT / "examples" / "portfolio").glob("*.toml"))
    one = kipolicy.assess_portfolio(documents, as_of="2026-12-01", rules=book)
    shutil.rmtree(rules)  # edited or gone after loading: the workers must not notice
    two = kipolicy.assess_portfolio(documents, as_of="2026-12-01", rules=book, workers=2)
    assert [r.rule_ids for r in two.reports] == [r.rule_ids for r in one.reports]
    assert [f.rule_id for f in two.findings] == [f.rule_id for f in one.findings]
