"""The pytest plugin: collects case files (``*.case.toml``) and runs each case as a test.

Installed with kipolicy (entry point ``pytest11``), so an embedding program's own suite can
keep its cases as data too. Each ``[[case]]`` becomes one test item named after the case; a
failure names the file and the case and shows expected vs actual findings. A case file that
cannot be read fails as one item listing every problem with its field path.

``pytest --kipolicy-coverage`` prints, after the run, which rules no passing case makes fire
or keeps quiet and which normative units no rule cites (:func:`kipolicy.coverage`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from ._base.names import CASE_SUFFIX

if TYPE_CHECKING:
    from ._tools.cases import Case, CaseResult
    from ._base.errors import InputError

# kipolicy itself (and its rule engine) is imported only when a case file is collected, as
# pytest's own example of non-Python tests does: a test run without case files never loads it.

# The passing case items, by file and case name. Recorded from the test reports, which reach the
# controlling process also when pytest-xdist runs the tests in workers.
_PASSED = pytest.StashKey[dict[str, set[str]]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("kipolicy")
    group.addoption(
        "--kipolicy-coverage",
        action="store_true",
        default=False,
        help="after the run, list rules no passing case makes fire or keeps quiet, and "
        "normative policy units no rule cites",
    )


_CURRENT: dict[str, set[str]] = {}  # the running session's record (the hook below gets no config)


def pytest_configure(config: pytest.Config) -> None:
    global _CURRENT
    _CURRENT = config.stash[_PASSED] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" or not report.passed:
        return
    for name, value in report.user_properties:
        if name == "kipolicy_case" and isinstance(value, (tuple, list)) and len(value) == 2:
            _CURRENT.setdefault(str(value[0]), set()).add(str(value[1]))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:  # noqa: ARG001 - pytest's hook
    if not config.getoption("kipolicy_coverage"):
        return
    from ._tools.cases import load_cases
    from ._tools.trace import coverage

    passed: list[Case] = []
    for file, names in sorted(config.stash[_PASSED].items()):
        passed += [case for case in load_cases(file) if case.name in names]
    report = coverage(passed)
    terminalreporter.write_sep("-", "kipolicy coverage")
    terminalreporter.write(report.to_text())


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(CASE_SUFFIX):
        return CaseFile.from_parent(parent, path=file_path)
    return None


class CaseFailed(Exception):
    def __init__(self, result: CaseResult) -> None:
        super().__init__(result.explain())
        self.result = result


class CaseFile(pytest.File):
    """A ``*.case.toml`` file."""

    def collect(self) -> Iterator[pytest.Item]:
        from ._tools.cases import load_cases
        from ._base.errors import InputError

        try:
            cases = load_cases(self.path)
        except InputError as exc:
            yield BrokenCaseFile.from_parent(self, name="(case file)", error=exc)
            return
        for case in cases:
            yield CaseItem.from_parent(self, name=case.name, case=case)


class CaseItem(pytest.Item):
    """One ``[[case]]`` of a case file."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        from ._tools.cases import run_case

        result = run_case(self.case)
        if not result.passed:
            raise CaseFailed(result)
        self.user_properties.append(("kipolicy_case", (str(self.path), self.case.name)))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None,  # noqa: ARG002 - pytest's signature
    ) -> str | Any:
        from ._base.errors import KipolicyError

        if isinstance(excinfo.value, CaseFailed):
            return excinfo.value.result.explain()
        if isinstance(excinfo.value, KipolicyError):
            return f"case {self.case.name!r} in {self.case.file}: {excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, f"case: {self.case.name}"


class BrokenCaseFile(pytest.Item):
    """A case file that cannot be read: fails with every problem listed."""

    def __init__(self, *, error: InputError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error

    def runtest(self) -> None:
        raise self.error

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None,  # noqa: ARG002 - pytest's signature
    ) -> str:
        return str(self.error)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        return self.path, None, "case file"
