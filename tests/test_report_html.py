"""``--format html``: what the page holds, for validate, diff and any other RunResult.

The page is also opened in Chromium (tests/test_docs_browser.py); these check its content.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from protocols.cli import app
from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.report import REPORTERS, RunResult
from protocols.report.html_chart import MAX_BARS, events_chart
from tests.conftest import REPO
from tests.report_samples import OPTIONS, diff_result, validate_result

HOSTILE = "<script>window.__pwned('report')</script>"


def render(result: RunResult) -> str:
    return REPORTERS["html"](result, OPTIONS)


def chart_of(page: str) -> ET.Element:
    svg = re.search(r"<svg .*?</svg>", page, re.S)
    assert svg is not None
    return ET.fromstring(svg.group(0))


def bars(svg: ET.Element, series: str) -> list[ET.Element]:
    group = next(g for g in svg.iter("g") if g.get("class") == f"series bars {series}")
    return list(group.iter("rect"))


def test_validate_page_has_every_section() -> None:
    page = render(validate_result())
    for heading in ("Totals", "Messages per event", "Findings per code",
                    "Naming drift between sources", "Findings"):
        assert f">{heading}</h2>" in page
    assert "10 errors, 1 warning, 0 notes." in page  # the true totals, not the examples kept
    assert '<div class="value">14</div><div class="label">messages</div>' in page
    # Every finding with file:line, JSON path and the plan rule.
    assert "<code>logs/web.ndjson:3:1</code>" in page
    assert "<code>logs/web.ndjson:9:1</code>" in page  # under the source root: shown relative
    assert "<code>properties.total</code>" in page and "<code>plans/ecommerce.yaml:52:7</code>" in page
    assert "6 of 11 findings are listed" in page


def test_one_bar_per_event_with_the_invalid_share() -> None:
    svg = chart_of(render(validate_result()))
    events = validate_result().summary["by_event"]
    messages = bars(svg, "messages")
    assert sorted(r.get("data-event") for r in messages) == sorted(events)
    for rect in messages:
        counts = events[rect.get("data-event")]
        title = rect.find("title")
        assert title is not None and f"{counts['messages']:,} messages, {counts['invalid']:,} invalid" in (title.text or "")
    # Lengths are proportional: the invalid bar over an event is its share of the messages bar.
    widths = {r.get("data-event"): float(r.get("width", 0)) for r in messages}
    invalid = {r.get("data-event"): float(r.get("width", 0)) for r in bars(svg, "invalid")}
    assert invalid["Order Completed"] / widths["Order Completed"] == 2 / 4
    assert invalid["Cart Viewed"] == 0
    assert widths["Order Completed"] == widths["Signed In"] > widths["Product Added"]


def test_chart_keeps_the_busiest_events_and_says_so() -> None:
    by_event = {f"event {i:03}": {"messages": 1000 - i, "invalid": i % 3} for i in range(55)}
    svg, left_out = events_chart(by_event)
    assert left_out == 55 - MAX_BARS
    drawn = bars(ET.fromstring(svg), "messages")
    assert len(drawn) == MAX_BARS
    assert {r.get("data-event") for r in drawn} == {f"event {i:03}" for i in range(MAX_BARS)}


def test_heat_map_shades_each_spelling_by_source() -> None:
    page = render(validate_result())
    table = page.split('<table class="heat">')[1].split("</table>")[0]
    headers = re.findall(r'<th scope="col" class="num">([^<]*)</th>', table)
    assert headers == ["android", "ios", "web"]
    # "Signed In": web sent it 120 times (the darkest), ios "Signed-In" 4 times (light).
    assert re.search(r'<code>Signed In</code> <span class="badge ok">planned</span></td>\s*'
                     r'<td class="num heat-0"></td><td class="num heat-0"></td>'
                     r'<td class="num heat-5">120</td>', table)
    assert re.search(r'<code>Signed-In</code></td>\s*<td class="num heat-0"></td>'
                     r'<td class="num heat-1">4</td>', table)


def test_diff_page_lists_versions_and_changes() -> None:
    result = diff_result()
    result = RunResult("diff", result.diagnostics, result.summary, {
        "changes": [{"message": "Legacy Clicked was removed", "accepted": "Retired in 4.2"}],
        "version": {"plans/shop.yaml": {"old": "1.0.0", "new": "1.0.1", "required_bump": "major",
                                        "required_version": "2.0.0", "problem": "version-bump-too-small",
                                        "ok": False}}})
    page = render(result)
    assert ">Versions</h2>" in page and "version-bump-too-small" in page and "2.0.0" in page
    assert "Legacy Clicked was removed: Retired in 4.2" in page
    assert "PD202" in page and ">Messages per event</h2>" not in page


def test_any_run_result_renders(tmp_path: Path) -> None:
    # lint's shape (and scan's, which is built on the same RunResult): no by_event, no drift.
    lint = RunResult("lint", (Diagnostic("PL201", "event-case", Severity.WARNING, "not title case",
                                         "plans/x.yaml", 3, 3, path="events.x"),), {"files": 1})
    page = render(lint)
    assert "protocols lint report" in page and "PL201" in page and "<svg" not in page
    empty = render(RunResult("scan", (), {}))
    assert "No problems found." in empty and "No findings." in empty


def scan_result() -> RunResult:
    import os

    from protocols.plan import load_plan
    from protocols.scan import run_scan
    from protocols.scan.settings import ScanSettings

    here = os.getcwd()
    os.chdir(REPO)
    try:
        return run_scan(load_plan("tests/scan/plan.yaml"), ["tests/scan/apps/python",
                                                            "tests/scan/apps/go"], ScanSettings())
    finally:
        os.chdir(here)


def test_scan_page_shows_coverage_and_unplanned_events() -> None:
    page = render(scan_result())
    assert ">Coverage</h2>" in page and '<a href="#coverage">Coverage</a>' in page
    table = page[page.index('<table id="coverage-table">'):]
    table = table[:table.index("</table>")]
    rows = re.findall(r'<tr data-sent="(yes|no)"><td><code>(.*?)</code>', table)
    assert rows[0] == ("no", "Cart Shared")  # what is missing first
    assert ("yes", "Order Completed") in rows and len(rows) == 9
    order = table[table.index("<code>Order Completed</code>"):]
    assert "<code>tests/scan/apps/go/checkout/checkout.go:22</code>" in order.split("</tr>")[0]
    signed = table[table.index("<code>Signed In</code>"):].split("</tr>")[0]
    assert "misspelled at" in signed and "checkout.go:26" in signed  # "signed_in"
    unplanned = page[page.index('<table id="unplanned-table">'):].split("</table>")[0]
    assert "<code>Coupon Applied</code>" in unplanned and "checkout.go:30" in unplanned
    assert "<code>Cart Abandoned</code>" in unplanned
    hostile = render(RunResult("scan", (), {}, {"coverage": [
        {"event": HOSTILE, "kind": "track", "sent": True,
         "sent_at": [{"file": f"{HOSTILE}.py", "line": 1}] * 30, "misspelled_at": []}],
        "unplanned_events": []}))
    assert "<script>window" not in hostile and "and 10 more" in hostile


def test_hostile_text_is_escaped_everywhere() -> None:
    bad = Diagnostic("PV103", "unplanned-event", Severity.ERROR, f"event {HOSTILE} is unplanned",
                     file=f"logs/{HOSTILE}.ndjson", line=1, path=f"properties.{HOSTILE}",
                     event=HOSTILE, related=Location(f"plans/{HOSTILE}.yaml", 2, 1),
                     suggestion=HOSTILE)
    result = RunResult("validate", (bad,), {
        "messages": 1, "by_event": {HOSTILE: {"messages": 1, "invalid": 1}},
        "by_code": {"PV103": 1}}, {"inconsistencies": [
            {"kind": "event-name", "canonical": HOSTILE, "event": None, "property": None,
             "planned": False, "variants": [{"value": HOSTILE, "source": HOSTILE, "count": 1}]}]})
    page = render(result)
    assert "<script>window" not in page
    assert html.escape(HOSTILE) in page or HOSTILE.replace("<", "&lt;").replace(">", "&gt;") in page
    svg = chart_of(page)
    assert bars(svg, "messages")[0].get("data-event") == HOSTILE  # escaped, and read back intact


def test_validate_command_writes_the_report(tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    result = CliRunner().invoke(app, ["validate", "--plan", str(REPO / "plans" / "ecommerce.yaml"),
                                      str(REPO / "examples"), "--format", "html", "-o", str(target)])
    assert result.exit_code == 1, result.output
    page = target.read_text("utf-8")
    svg = chart_of(page)
    assert len(bars(svg, "messages")) == page.count("</tr>", page.index('id="event-table"'),
                                                    page.index("</table>", page.index('id="event-table"'))) - 1
    assert "analytics-ios" in page and "PV301" in page
    # Same run, same bytes.
    again = tmp_path / "again.html"
    CliRunner().invoke(app, ["validate", "--plan", str(REPO / "plans" / "ecommerce.yaml"),
                             str(REPO / "examples"), "--format", "html", "-o", str(again)])
    assert again.read_bytes() == target.read_bytes()


def test_palette_pairs_meet_wcag_aa() -> None:
    from tests.test_docs_browser import contrast

    css = (REPO / "protocols" / "web" / "assets" / "base.css").read_text("utf-8")
    colour = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", css))
    for fg, bg in [("fg", "bg"), ("fg", "surface"), ("muted", "bg"), ("muted", "surface"),
                   ("link", "bg"), ("link", "surface"), ("error-fg", "error-bg"),
                   ("warning-fg", "warning-bg"), ("info-fg", "info-bg"), ("ok-fg", "ok-bg"),
                   ("pii-fg", "pii-bg"), ("old-fg", "old-bg")]:
        assert contrast(colour[fg], colour[bg]) >= 4.5, (fg, bg)
    for graphic in ("bar", "bar-bad", "focus"):  # non-text: 3:1 against the page
        assert contrast(colour[graphic], colour["bg"]) >= 3, graphic
    heat = (REPO / "protocols" / "report" / "assets" / "report.css").read_text("utf-8")
    for level, background, text in re.findall(
            r"td\.heat-(\d) \{ background: (#[0-9a-f]{6});(?: color: (#[0-9a-f]{6});)? \}", heat):
        assert contrast(text or colour["fg"], background) >= 4.5, level


def test_control_characters_are_written_out() -> None:
    # A report may be printed to a terminal (-f html without -o): no raw escape reaches it.
    name = "Order\x1b[31mCompleted\x07"
    bad = Diagnostic("PV103", "unplanned-event", Severity.ERROR, f"event {name!s} is unplanned",
                     file="logs/a.ndjson", line=1, event=name)
    page = render(RunResult("validate", (bad,), {"by_event": {name: {"messages": 1,
                                                                     "invalid": 1}}}))
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", page)
    assert "Order\\x1b[31mCompleted\\x07" in page
