"""The bar chart of the HTML reports: messages and the invalid share per event, as inline SVG.

Drawn by leather (a maintained, pure-Python charting library that writes static SVG through
ElementTree: no JavaScript, no fonts or files to fetch, deterministic output, text escaped by
the XML writer). We build the ``<svg>`` root ourselves so it carries an accessible name, a
viewBox (it scales with the page) and a ``<title>`` per bar (the tooltip and what a screen
reader says); colours and fonts come from the page's CSS, which overrides leather's defaults.
Each event is one bar: its full length is its messages, the part drawn over it from the left
its invalid ones.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping

import leather

MAX_BARS = 40  # the events with the most messages; the table below lists every event
MAX_LABEL = 32  # characters of an event name on the axis (the bar's title has all of it)
BAR_HEIGHT = 26
WIDTH = 880
# The same colours as --bar and --bar-bad in protocols/web/assets/base.css (the CSS wins in a
# browser; these are for the SVG on its own). Both are 3:1 or more against the background.
BAR_COLOR = "#2f6db5"
INVALID_COLOR = "#c62828"


def _label(name: str, taken: set[str]) -> str:
    text = name if len(name) <= MAX_LABEL else name[: MAX_LABEL - 1] + "\u2026"
    base, n = text, 2
    while text in taken:  # two names cut to the same label still get a bar each
        text, n = f"{base} ({n})", n + 1
    taken.add(text)
    return text


def events_chart(by_event: Mapping[str, Mapping[str, int]]) -> tuple[str, int]:
    """The chart's SVG markup and how many events it leaves out (0: every one is drawn)."""
    rows = sorted(by_event.items(), key=lambda item: (-int(item[1].get("messages", 0)), item[0]))
    shown, left_out = rows[:MAX_BARS], max(len(rows) - MAX_BARS, 0)
    taken: set[str] = set()
    labels = [_label(name, taken) for name, _ in shown]
    totals = [(int(c.get("messages", 0)), label) for (_, c), label in zip(shown, labels,
                                                                             strict=True)]
    invalid = [(int(c.get("invalid", 0)), label) for (_, c), label in zip(shown, labels,
                                                                           strict=True)]
    chart = leather.Chart()
    chart.add_bars(totals, name="messages", fill_color=BAR_COLOR)
    chart.add_bars(invalid, name="invalid", fill_color=INVALID_COLOR)
    # leather's margins (5% of the width each side), legend and axis take about 130 units.
    height = 130 + BAR_HEIGHT * len(shown)
    group = chart.to_svg_group(WIDTH, height)
    root = ET.Element("svg", {"class": "chart", "role": "img", "viewBox": f"0 0 {WIDTH} {height}",
                              "width": str(WIDTH), "height": str(height),
                              "aria-labelledby": "chart-title chart-desc"})
    title = ET.SubElement(root, "title", id="chart-title")
    title.text = "Messages per event, with the invalid ones"
    desc = ET.SubElement(root, "desc", id="chart-desc")
    desc.text = (f"One bar per event ({len(shown)} events"
                 + (f", the {MAX_BARS} with the most messages" if left_out else "")
                 + "): its length is the event's messages; the darker part from the left, "
                   "its invalid messages. The table below has the numbers.")
    root.append(group)
    background = group.find("rect")
    if background is not None:
        background.set("class", "chart-background")
    _mark_bars(group, shown)
    return ET.tostring(root, encoding="unicode"), left_out


def _mark_bars(group: ET.Element, shown: list[tuple[str, Mapping[str, int]]]) -> None:
    """Name each bar (leather draws them top-down in the order they were added, reversed)."""
    series = [g for g in group.iter("g") if g.get("class") == "series bars"]
    for kind, bars in zip(("messages", "invalid"), series, strict=False):
        bars.set("class", f"series bars {kind}")
        rects = list(bars.iter("rect"))
        for rect, (name, counts) in zip(rects, reversed(shown), strict=False):
            messages = int(counts.get("messages", 0))
            bad = int(counts.get("invalid", 0))
            share = f"{100 * bad / messages:.1f}%" if messages else "0%"
            rect.set("data-event", name)
            tip = ET.SubElement(rect, "title")
            tip.text = f"{name}: {messages:,} messages, {bad:,} invalid ({share})"
