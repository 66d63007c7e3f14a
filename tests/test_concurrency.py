"""Concurrency and isolation: threads, failures in the middle, and processes."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

import kipolicy
from kipolicy._rules import durable as _engine

from .generate import portfolio

AS_OF = dt.date(2026, 12, 1)


def _partnerships(n: int, seed: int) -> list[kipolicy.Partnership]:
    return [kipolicy.load_partnership(d) for d in portfolio(n, seed=seed)]


def test_threads_assessing_different_partnerships_give_the_one_by_one_results() -> None:
    partnerships = _partnerships(60, seed=5)
    expected = [kipolicy.assess(p, as_of=AS_OF) for p in partnerships]
    results: list = [None] * len(partnerships)
    errors: list = []

    def work(offset: int) -> None:
        try:
            for i in range(offset, len(partnerships), 6):
                results[i] = kipolicy.assess(partnerships[i], as_of=AS_OF)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == expected
    assert [r.to_dict() for r in results] == [r.to_dict() for r in expected]


def test_an_engine_failure_in_the_middle_leaves_the_next_result_right(monkeypatch: pytest.MonkeyPatch) -> None:
    partnerships = _partnerships(10, seed=9)
    expected = [kipolicy.assess(p, as_of=AS_OF) for p in partnerships]
    calls = {"n": 0}
    original = _engine.Program._dispatch

    def failing(self, name, matched):
        calls["n"] += 1
        if calls["n"] == 7:
            raise RuntimeError("injected failure")
        return original(self, name, matched)

    monkeypatch.setattr(_engine.Program, "_dispatch", failing)
    with pytest.raises(RuntimeError, match="injected failure"):
        kipolicy.assess(partnerships[0], as_of=AS_OF)
    monkeypatch.setattr(_engine.Program, "_dispatch", original)
    assert [kipolicy.assess(p, as_of=AS_OF) for p in partnerships] == expected


def test_an_engine_error_is_reported_and_the_engine_stays_usable(monkeypatch: pytest.MonkeyPatch) -> None:
    partnership = _partnerships(1, seed=2)[0]
    expected = kipolicy.assess(partnership, as_of=AS_OF)

    def refuse(self, sid, facts):
        raise kipolicy.EngineError(["the engine refused the facts: injected"])

    original = _engine.Program._assert
    monkeypatch.setattr(_engine.Program, "_assert", refuse)
    with pytest.raises(kipolicy.EngineError, match="injected"):
        kipolicy.assess(partnership, as_of=AS_OF)
    monkeypatch.setattr(_engine.Program, "_assert", original)
    assert kipolicy.assess(partnership, as_of=AS_OF) == expected


@pytest.mark.parametrize("workers, engine", [(2, "durable"), (3, "python")])
def test_assess_portfolio_in_processes_gives_the_same_report(workers: int, engine: str) -> None:
    # This process and the new ones share the chunks; whoever assessed a partnership, its
    # report is the same, messages (rendered where read), evidence and facts included.
    partnerships = _partnerships(80, seed=13)
    one = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 20}, engine=engine)
    two = kipolicy.assess_portfolio(partnerships, as_of=AS_OF, interpretations={"capacity": 20}, workers=workers,
                                    engine=engine)
    assert one == two
    assert one.to_dict() == two.to_dict()
    assert [r.facts for r in one.reports] == [r.facts for r in two.reports]
    assert all(r.rules is kipolicy.rules() for r in two.reports)
    assert two.reports[0].why_not("urval.capacity-reached")
    with pytest.raises(ValueError, match="workers"):
        kipolicy.assess_portfolio(partnerships, as_of=AS_OF, workers=0)
