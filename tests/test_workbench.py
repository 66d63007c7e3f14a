"""The workbench page in a real headless browser (Debian's chromium, driven by Playwright).

It loads an example, assesses it, switches ``scope-on-definition`` to ``strict`` and checks that
the findings and the shown difference change as the library says. A screenshot is kept in
``artifacts/`` (or ``$KIPOLICY_ARTIFACTS``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

import kipolicy
from kipolicy._policy.words import kind_label, phrases, status_label

ROOT = Path(__file__).resolve().parent.parent
ACTIVE = ROOT / "examples" / "active-with-gaps.toml"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _need_browser() -> None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = "playwright is not installed"
    else:
        missing = "" if CHROMIUM else "Debian's chromium is not installed (apt-get install chromium)"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: {missing}")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "kipolicy._tools.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{url}/v1/rules", timeout=1).read()
                break
            except OSError:
                if process.poll() is not None:
                    pytest.fail(f"kipolicy serve ended: {process.stdout.read() if process.stdout else ''}")
                time.sleep(0.1)
        else:
            pytest.fail("kipolicy serve did not answer within 20 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def _rule_list(report: kipolicy.Report) -> list[str]:
    return [f.rule_id for f in report.findings]


def test_switching_a_reading_in_the_workbench(server: str) -> None:
    _need_browser()
    from playwright.sync_api import sync_playwright

    artifacts = Path(os.environ.get("KIPOLICY_ARTIFACTS", ROOT / "artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    guidance = kipolicy.assess(ACTIVE, as_of="2026-01-01")
    strict = kipolicy.assess(ACTIVE, as_of="2026-01-01", interpretations={"scope-on-definition": "strict"})
    difference = guidance.diff(strict)
    assert difference.removed  # the reading matters for this example
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1600})
            errors: list[str] = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(server + "/")
            page.wait_for_selector("body[data-ready='true']", timeout=20_000)
            page.select_option("#example", "active-with-gaps.toml")
            page.click("#load-example")
            page.fill("#as-of", "2026-01-01")
            page.focus("#as-of")
            page.keyboard.press("Enter")  # the form is submitted from the keyboard
            page.wait_for_selector("body[data-runs='1']", timeout=20_000)
            shown = page.eval_on_selector_all("#report .finding", "els => els.map(e => e.dataset.rule)")
            assert shown == _rule_list(guidance)
            sections = page.eval_on_selector_all("#report .section", "els => els.map(e => e.dataset.section)")
            assert sections == list(dict.fromkeys(f.section for f in guidance.findings))
            citation = page.inner_text("#report .finding[data-rule='definition.management-not-engaged'] blockquote")
            assert "Ledningens engagemang och delaktighet hos alla ingående parter" in citation  # the Swedish text
            assert "Engagement and participation of the management" in citation  # and the translation
            assert page.is_visible("#calendar")

            page.select_option("#interp-scope-on-definition", "strict")
            page.click("#assess")
            page.wait_for_selector("body[data-runs='2']", timeout=20_000)
            shown = page.eval_on_selector_all("#report .finding", "els => els.map(e => e.dataset.rule)")
            assert shown == _rule_list(strict)
            removed = page.eval_on_selector_all("#diff [data-change='removed']", "els => els.map(e => e.dataset.rule)")
            added = page.eval_on_selector_all("#diff [data-change='added']", "els => els.map(e => e.dataset.rule)")
            assert removed == [f.rule_id for f in difference.removed]
            assert added == [f.rule_id for f in difference.added]

            page.select_option("#whynot-rule", "definition.strategic")
            page.click("#whynot-form button")
            page.wait_for_selector("#whynot[data-rule='definition.strategic']", timeout=20_000)
            assert "definition.strategic did not fire" in page.inner_text("#whynot")
            page.screenshot(path=str(artifacts / "workbench.png"), full_page=True)

            # In Swedish, the page and the report shown are Swedish throughout, in the words of
            # the message catalogue.
            page.select_option("#lang", "sv")
            sv_report, en_report = phrases("report", "sv"), phrases("report", "en")
            assert page.inner_text("#assess") == phrases("workbench", "sv")["assess"]
            assert page.get_attribute("html", "lang") == "sv"
            summary = page.inner_text("#summary")  # the report shown, now in Swedish
            assert summary.startswith(sv_report["as_of"]) and sv_report["out_of_scope"] in summary
            page.select_option("#interp-scope-on-definition", "guidance")
            page.click("#assess")
            page.wait_for_selector("body[data-runs='3']", timeout=20_000)
            kinds = page.eval_on_selector_all("#report .finding .kind", "els => els.map(e => e.textContent)")
            assert kinds == [kind_label(f.kind, "sv") for f in guidance.findings]
            statuses = page.eval_on_selector_all("#calendar td[data-status]", "els => els.map(e => [e.dataset.status, e.textContent])")
            assert statuses and all(text == status_label(status, "sv") for status, text in statuses)
            report_text = page.inner_text("#report")
            assert sv_report["calendar"] in report_text and f"{sv_report['remedy']}:" in report_text
            for english in (en_report["calendar"], f"{en_report['remedy']}:", en_report["as_of"], "out of scope"):
                assert english not in report_text, english
            assert "definition.strategic" in page.inner_text("#whynot") and "did not fire" not in page.inner_text("#whynot")
            changed = page.inner_text("#diff")
            assert f"{sv_report['scope']}: {sv_report['out_of_scope']} → {sv_report['in_scope']}" in changed
            assert "(partnership)" not in changed and "in_scope" not in changed
            page.screenshot(path=str(artifacts / "workbench-sv.png"), full_page=True)

            page.emulate_media(media="print")  # readable printed: the controls give way to the report
            assert not page.is_visible("#form") and page.is_visible("#report")
            assert errors == []
        finally:
            browser.close()
    print(f"screenshot: {artifacts / 'workbench.png'}")
