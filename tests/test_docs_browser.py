"""The docs site and the HTML reports in a real browser (Debian's Chromium via Playwright).

Every page loads from disk and from a static host without a console error; search and the
filters work; every link resolves inside the site; the chart has one bar per event; headings
are in order, inputs are labelled and every text meets WCAG AA contrast as rendered; and no
script from a hostile plan or log runs, even with the Content-Security-Policy taken out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler
from itertools import pairwise
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.docsite import build_files, collect_site, write_site
from protocols.report import REPORTERS, RunResult
from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.conftest import REPO
from tests.docsite_plans import FEATURES, HOSTILE, load
from tests.local_http import local_http
from tests.report_samples import OPTIONS, validate_result

TEXT_STYLES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const element = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || !element || seen.has(element)) continue;
    seen.add(element);
    if (element.closest('[hidden]') || element.getClientRects().length === 0) continue;
    const style = getComputedStyle(element);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let background = null;
    for (let node = element; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color && color !== 'transparent' && !/, 0\\)$/.test(color)) { background = color; break; }
    }
    out.push({text: walker.currentNode.textContent.trim().slice(0, 40),
              color: element.closest('svg') ? style.fill : style.color,
              background: background || 'rgb(255, 255, 255)',
              size: parseFloat(style.fontSize), weight: parseInt(style.fontWeight, 10)});
  }
  return out;
}"""
HEADINGS = "() => Array.from(document.querySelectorAll('h1,h2,h3,h4,h5,h6')).map(h => +h.tagName[1])"
UNLABELLED = """() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(e => !((e.labels && e.labels.length && e.labels[0].textContent.trim())
                 || e.getAttribute('aria-label')))
  .map(e => e.id || e.outerHTML)"""
LINKS = "() => Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"


# -- contrast ------------------------------------------------------------------------------------


def rgb(text: str) -> tuple[float, ...]:
    values = [float(v) for v in re.findall(r"[\d.]+", text)[:3]]
    if text.startswith("#"):
        values = [int(text[i:i + 2], 16) for i in (1, 3, 5)]
    return tuple(values)


def luminance(color: tuple[float, ...]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    first, second = sorted((luminance(rgb(a)), luminance(rgb(b))), reverse=True)
    return (first + 0.05) / (second + 0.05)


def check_page(page: Any, url: str) -> None:  # noqa: F811
    """Loads without console errors; headings in order; inputs labelled; text contrast AA."""
    page.console_errors.clear()
    page.goto(url)
    assert page.console_errors == [], (url, page.console_errors)
    levels = page.evaluate(HEADINGS)
    assert levels[0] == 1 and levels.count(1) == 1, (url, levels)
    assert all(b <= a + 1 for a, b in pairwise(levels)), (url, levels)
    assert page.evaluate(UNLABELLED) == [], url
    for item in page.evaluate(TEXT_STYLES):
        large = item["size"] >= 24 or (item["size"] >= 18.66 and item["weight"] >= 700)
        ratio = contrast(item["color"], item["background"])
        assert ratio >= (3 if large else 4.5), (url, item, round(ratio, 2))


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("site")
    plans = [load(folder / "plans", FEATURES, "shop.yaml"), load(folder / "plans", (
        REPO / "plans" / "ecommerce.yaml").read_text("utf-8"), "ecommerce.yaml")]
    write_site(build_files(collect_site(plans, tool_version="0.1.0", history=False), "html"),
               folder / "out", "html")
    return folder / "out"


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("reports")
    validate = folder / "validate.html"
    CliRunner().invoke(app, ["validate", "--plan", str(REPO / "plans" / "ecommerce.yaml"),
                             str(REPO / "examples"), "-f", "html", "-o", str(validate)])
    old = folder / "old.yaml"
    new = folder / "new.yaml"
    text = (REPO / "plans" / "ecommerce.yaml").read_text("utf-8")
    old.write_text(text, "utf-8")
    new.write_text(text.replace('version: "1.0.0"', 'version: "1.0.1"').replace(
        "      query: {required: true}\n", "      query: {required: true}\n"
        "      results: {type: integer, minimum: 0, required: true}\n"), "utf-8")
    diff = folder / "diff.html"
    result = CliRunner().invoke(app, ["diff", str(new), "--against", str(old), "-f", "html",
                                      "-o", str(diff)])
    assert diff.is_file(), result.output
    sample = folder / "sample.html"
    sample.write_text(REPORTERS["html"](validate_result(), OPTIONS), "utf-8")
    scan = folder / "scan.html"
    result = CliRunner().invoke(app, ["scan", "--config", str(REPO / "tests" / "scan" / "apps"
                                                              / ".protocols.toml"),
                                      str(REPO / "tests" / "scan" / "apps"), "--plan",
                                      str(REPO / "tests" / "scan" / "plan.yaml"), "-f", "html",
                                      "-o", str(scan)])
    assert scan.is_file(), result.output
    return {"validate": validate, "diff": diff, "sample": sample, "scan": scan}


@pytest.fixture
def static_host(site: Path) -> Iterator[str]:
    handler = partial(SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign, assignment]
    with local_http(handler) as url:
        yield url + "/"


# -- the site ------------------------------------------------------------------------------------


def test_every_page_loads_is_accessible_and_links_resolve(page: Any, site: Path) -> None:  # noqa: F811
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 40
    for path in pages:
        check_page(page, path.as_uri())
        for href in page.evaluate(LINKS):
            target = urlparse(href)
            assert target.scheme == "file", (path, href)
            file = Path(unquote(target.path))
            assert file.is_file() and site in file.parents, (path, href)
            if target.fragment:
                html = file.read_text("utf-8")
                assert f'id="{target.fragment}"' in html, (path, href)


def test_the_site_works_from_a_static_host(page: Any, static_host: str) -> None:  # noqa: F811
    for path in ("shop/events/order-completed.html", "ecommerce/library.html", "index.html"):
        check_page(page, static_host + path)
    page.fill("#q", "wishlist")
    assert page.locator("#messages tbody tr:visible").count() == 3


def test_search_finds_an_event_by_a_word_of_its_description(page: Any, site: Path) -> None:  # noqa: F811
    page.goto((site / "index.html").as_uri())
    rows = page.locator("#messages tbody tr")
    total = rows.count()
    page.fill("#q", "money")  # Order Refunded: "Money went back to the shopper."
    visible = page.locator("#messages tbody tr:visible")
    assert visible.count() == 1 and visible.locator("a").inner_text() == "Order Refunded"
    assert page.inner_text("#count") == f"1 of {total} messages shown"
    page.fill("#q", "cart_id")  # a property name
    assert {visible.nth(i).locator("a").inner_text() for i in range(visible.count())} >= {
        "Product Added", "Cart Viewed"}
    page.fill("#q", "image_url")  # a field of the Product type, which Order Completed sends
    assert "Order Completed" in {visible.nth(i).locator("a").inner_text()
                                 for i in range(visible.count())}
    page.fill("#q", "@payments")  # an owner
    assert visible.count() == 1
    page.fill("#q", "nothing matches this")
    assert visible.count() == 0 and page.is_visible("#no-match")
    assert page.console_errors == []


def test_filters_hide_deprecated_and_keep_pii_and_owner(page: Any, site: Path) -> None:  # noqa: F811
    page.goto((site / "index.html").as_uri())
    legacy = page.locator("#messages tbody tr", has_text="Legacy Checkout")
    assert legacy.is_visible()
    page.check("#hide-deprecated")
    assert legacy.is_hidden()
    assert page.locator("#messages tbody tr:visible").count() == page.locator(
        "#messages tbody tr[data-deprecated=no]").count()
    page.uncheck("#hide-deprecated")
    page.check("#pii")
    shown = page.locator("#messages tbody tr:visible")
    assert shown.count() == page.locator("#messages tbody tr[data-pii=yes]").count() > 0
    page.uncheck("#pii")
    page.select_option("#owner", "@checkout")
    owners = {shown.nth(i).get_attribute("data-owner") for i in range(shown.count())}
    assert owners == {"@checkout"}
    page.select_option("#kind", "identify")
    assert shown.count() == 0
    assert page.console_errors == []


def test_a_message_page_shows_what_to_know(page: Any, site: Path) -> None:  # noqa: F811
    page.goto((site / "shop" / "events" / "order-completed.html").as_uri())
    assert page.inner_text("h1") == "Order Completed"
    row = page.locator("tr[data-property='receipt_email']")
    assert "PII" in row.inner_text() and "email" in row.locator("td").nth(5).inner_text()
    assert "passes protocols validate" in page.inner_text("#example + p")
    page.click("text=Order Refunded >> nth=0")  # "also sent by" for order_id
    assert page.inner_text("h1") == "Order Refunded"


# At the top of the window, as a link to a fragment leaves it (give or take a rounded pixel).
AT_TOP = """e => { const box = e.getBoundingClientRect();
                   return box.top > -2 && box.bottom < window.innerHeight / 2; }"""


def test_a_named_type_is_a_link_to_its_one_section(page: Any, site: Path) -> None:  # noqa: F811
    """A property of a named type names it and links to the type's own section, where its
    fields are listed once (not under every use: that grew without bound)."""
    page.goto((site / "ecommerce" / "events" / "order-completed.html").as_uri())
    row = page.locator("tr[data-property='products']")
    assert "array of Product" in row.inner_text()
    assert "fields listed with the type" in row.inner_text()
    assert page.locator("tr[data-property^='products[]']").count() == 0
    row.locator("a.type-ref").click()
    page.wait_for_url("**/ecommerce/library.html#type-product")
    heading = page.locator("h3#type-product")
    assert heading.inner_text() == "Product"
    assert heading.evaluate(AT_TOP), heading.evaluate(  # went to the section, down the page
        "e => [e.getBoundingClientRect().top, window.scrollY]")
    assert page.evaluate("() => window.scrollY") > 0
    fields = page.locator("h3#type-product ~ .table-wrap").first.locator("tr[data-property]")
    assert fields.first.get_attribute("data-property") == "product_id"
    assert "price" in [fields.nth(i).get_attribute("data-property")
                       for i in range(fields.count())]
    assert page.console_errors == []


# -- the reports ---------------------------------------------------------------------------------


def test_reports_load_and_are_accessible(page: Any, reports: dict[str, Path]) -> None:  # noqa: F811
    for path in reports.values():
        check_page(page, path.as_uri())
        for href in page.evaluate(LINKS):
            target = urlparse(href)
            if target.scheme == "file":  # in-page anchors; the rest go to the rules docs
                assert page.locator(f"#{target.fragment}").count() == 1, href
            else:
                assert target.scheme == "https", href


def test_chart_has_one_bar_per_event(page: Any, reports: dict[str, Path]) -> None:  # noqa: F811
    for name in ("validate", "sample"):
        page.goto(reports[name].as_uri())
        events = page.locator("#event-table tbody tr").count()
        assert events > 0
        bars = page.locator("svg.chart g.series.messages rect")
        assert bars.count() == events
        named = {bars.nth(i).get_attribute("data-event") for i in range(events)}
        table = {page.locator("#event-table tbody tr td:first-child").nth(i).inner_text()
                 for i in range(events)}
        assert named == table
        boxes = [bars.nth(i).bounding_box() for i in range(events)]
        assert all(b is not None and b["height"] > 5 for b in boxes)  # drawn, not empty
        assert max(b["width"] for b in boxes if b) > 300
        colour = page.evaluate("() => getComputedStyle(document.querySelector("
                               "'svg.chart g.series.messages rect')).fill")
        assert contrast(colour, "rgb(255, 255, 255)") >= 3


def test_findings_filter(page: Any, reports: dict[str, Path]) -> None:  # noqa: F811
    page.goto(reports["validate"].as_uri())
    rows = page.locator("#finding-table tbody tr")
    total = rows.count()
    page.select_option("#code", "PV301")
    shown = page.locator("#finding-table tbody tr:visible")
    assert 0 < shown.count() < total
    assert {shown.nth(i).get_attribute("data-code") for i in range(shown.count())} == {"PV301"}
    page.select_option("#code", "")
    page.fill("#q", "events.ndjson")
    assert shown.count() > 0 and all("events.ndjson" in shown.nth(i).inner_text()
                                     for i in range(shown.count()))
    assert page.console_errors == []


# -- hostile content -----------------------------------------------------------------------------


def hostile_report() -> RunResult:
    payload = "<img src=x onerror=window.__pwned('report')>"
    bad = Diagnostic("PV103", "unplanned-event", Severity.ERROR, f"event {payload} is unplanned",
                     file=f"logs/{payload}.ndjson", line=1, path=f"properties.{payload}",
                     event=payload, related=Location("javascript:window.__pwned('rule')", 2, 1))
    return RunResult("validate", (bad,), {"messages": 1, "by_event": {
        payload: {"messages": 1, "invalid": 1}}, "by_code": {"PV103": 1}}, {"inconsistencies": [
            {"kind": "event-name", "canonical": payload, "event": None, "property": None,
             "planned": False, "variants": [{"value": payload, "source": payload, "count": 1}]}]})


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_no_script_from_plan_or_log_content_runs(page: Any, tmp_path: Path, csp: bool) -> None:  # noqa: F811
    calls: list[str] = []
    page.expose_function("__pwned", lambda where="?": calls.append(str(where)))
    files = build_files(collect_site([load(tmp_path / "plans", HOSTILE)], tool_version="x",
                                     history=False), "html")
    files["report.html"] = REPORTERS["html"](hostile_report(), OPTIONS)
    for name, text in files.items():
        if not csp:  # prove the escaping holds on its own, without the policy's help
            text = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", text)
        target = tmp_path / "out" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, "utf-8")
    for path in sorted((tmp_path / "out").rglob("*.html")):
        page.goto(path.as_uri())
        # Any handler an injected attribute might have set gets its event.
        page.evaluate("""() => document.querySelectorAll('*').forEach(e => {
            for (const type of ['mouseover', 'focus', 'click', 'load', 'error']) {
                if (e.tagName !== 'A') e.dispatchEvent(new Event(type));
            }
        })""")
        if page.locator("#q").count():
            page.fill("#q", "script")
        page.wait_for_timeout(50)
        assert page.console_errors == [], (path, page.console_errors)
    assert calls == []
    page.goto((tmp_path / "out" / "index.html").as_uri())
    # Shown as typed.
    assert page.get_by_text("<script>window.__pwned('name')</script>", exact=True).count() == 1
    assert page.locator("a[href^='javascript']").count() == 0
    page.goto((tmp_path / "out" / "report.html").as_uri())
    assert page.get_by_text("<img src=x onerror=window.__pwned('report')>", exact=True).count() >= 1


# -- screenshots ---------------------------------------------------------------------------------


def test_screenshot_script_writes_each_page_kind(tmp_path: Path, browser: Any) -> None:  # noqa: F811
    import subprocess
    import sys

    from docs.screenshots import make  # type: ignore[import-not-found]

    result = subprocess.run([sys.executable, str(REPO / "docs" / "screenshots" / "make.py"),
                             "--out", str(tmp_path)], capture_output=True, text=True,
                            timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    for name in make.PAGES:
        shot = tmp_path / f"{name}.png"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
        assert (REPO / "docs" / "screenshots" / f"{name}.png").is_file(), "commit the screenshot"
    readme = (REPO / "README.md").read_text("utf-8")
    assert re.search(r"!\[[^\]]+\]\(docs/screenshots/[a-z-]+\.png\)", readme)
