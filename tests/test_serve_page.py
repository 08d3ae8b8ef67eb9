"""The live page of `protocols serve`, driven by Playwright in Debian's Chromium: it works
offline (every request stays on the collector), updates without a reload, shows findings
with the plan rule and JSON path, the drift table per source (checked on a screenshot), the
plan in force and a broken reload, and never runs markup that arrives in a message."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from protocols import load_plan
from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.serve_tools import PLAN, png_size_and_ink, post, running_server, with_version
from tests.test_serve_collector import EVENTS, GOOD, batch_body


def open_page(page: Any, url: str) -> list[str]:  # noqa: F811
    """Opens the page; returns the list that collects every URL it requests."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(url + "/")
    page.wait_for_selector("#live.on", timeout=15_000)
    page.evaluate("window.notReloaded = true")
    return requested


def test_the_page_updates_live_and_stays_offline(tmp_path: Path, page: Any) -> None:  # noqa: F811
    with running_server(tmp_path) as server:
        requested = open_page(page, server.url)
        assert page.text_content("#count-all") == "0"
        assert f"ecommerce {load_plan(PLAN).version}" in page.text_content("#plan")
        drifting = {**GOOD, "event": "order_completed",
                    "properties": {**GOOD["properties"], "total": "3"}}
        post(f"{server.url}/v1/batch", {"batch": [GOOD, drifting]}, write_key="web-key")
        expect(page.locator("#count-all")).to_have_text("2", timeout=10_000)
        assert page.evaluate("window.notReloaded") is True
        assert page.text_content("#count-good") == "1"
        assert page.text_content("#count-bad") == "1"
        events = page.inner_text("#events")
        assert "Order Completed\t2\t1" in events
        codes = page.inner_text("#codes")
        assert "PV301\tevent-name-drift\t1" in codes and "PV202" in codes
        assert "web-key\t2\t1" in page.inner_text("#keys")
        latest = page.inner_text("#latest")
        assert "order_completed" in latest
        assert "at properties.total" in latest
        assert "(plan rule plans/ecommerce.yaml:" in latest or "ecommerce.yaml:" in latest
        assert all(url.startswith(server.url) for url in requested), requested
        assert page.console_errors == []


def test_the_drift_table_appears(tmp_path: Path, page: Any) -> None:  # noqa: F811
    lines = [line for line in EVENTS.read_bytes().splitlines() if line.startswith(b"{")]
    with running_server(tmp_path) as server:
        open_page(page, server.url)
        assert page.is_hidden("#drift") and page.is_visible("#drift-empty")
        for start in range(0, len(lines), 50):
            post(f"{server.url}/v1/batch", batch_body(lines[start:start + 50]))
        page.wait_for_selector("#drift tbody tr", timeout=10_000)
        assert page.is_hidden("#drift-empty")
        text = page.inner_text("#drift")
        # iOS and Android spell the event and a property their own way.
        assert "event-name\tOrder Completed\tanalytics-android\torder_completed" in text
        assert "analytics-ios\tOrder-Completed" in text
        assert "orderId" in text
        shot = tmp_path / "drift.png"
        page.locator("#drift").screenshot(path=str(shot))
        width, height, ink = png_size_and_ink(shot.read_bytes())
        rows = page.locator("#drift tbody tr").count()
        assert width > 500 and height > 20 * rows, (width, height, rows)
        assert ink > 200 * rows, "the table is drawn, with text in its rows"
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)


def test_markup_in_a_message_is_shown_as_text_and_never_runs(tmp_path: Path,
                                                              page: Any) -> None:  # noqa: F811
    hostile = '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">'
    message = {"type": "track", "event": hostile, "userId": "<b>u</b>",
               "properties": {"<svg onload=alert(1)>": "</pre><script>window.pwned=3</script>"},
               "context": {"library": {"name": "<i>lib</i>"}}}
    with running_server(tmp_path) as server:
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        open_page(page, server.url)
        post(f"{server.url}/v1/track", message, write_key="<em>key</em>")
        post(f"{server.url}/v1/batch", json.dumps({"batch": [{**message, "event": hostile.upper()},
                                                             message]}))
        expect(page.locator("#count-all")).to_have_text("3", timeout=10_000)
        page.click("#latest details summary")  # open a message's JSON too
        page.wait_for_timeout(300)
        assert page.evaluate("window.pwned") is None
        assert dialogs == []
        assert page.evaluate("document.querySelectorAll('main script, main img, main svg, "
                             "main b, main i, main em').length") == 0
        assert hostile in page.inner_text("#latest")
        assert hostile in page.inner_text("#events")
        assert "<em>key</em>" in page.inner_text("#keys")
        assert page.console_errors == []


def test_the_page_says_which_plan_is_in_force(tmp_path: Path, page: Any) -> None:  # noqa: F811
    plan = tmp_path / "plans" / "shop.yaml"
    plan.parent.mkdir()
    plan.write_text(PLAN.read_text("utf-8"), "utf-8")
    with running_server(tmp_path, plan=plan, reload_interval=0.05) as server:
        open_page(page, server.url)
        assert load_plan(PLAN).version in page.text_content("#plan") and page.is_hidden("#plan-error")
        plan.write_text(with_version(plan.read_text("utf-8"), "9.2.0"), "utf-8")
        expect(page.locator("#plan")).to_contain_text("9.2.0", timeout=10_000)
        assert "revision 2" in page.text_content("#plan")
        plan.write_text("protocols: 1\nplan: shop\nevents:\n  Broken: {properties: 3}\n", "utf-8")
        page.wait_for_selector("#plan-error:not([hidden])", timeout=10_000)
        error = page.text_content("#plan-error")
        assert "does not load" in error and "revision 2 stays in force" in error
        assert "shop.yaml:" in error
        assert "9.2.0" in page.text_content("#plan")
        assert page.evaluate("window.notReloaded") is True
