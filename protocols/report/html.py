"""``--format html``: one self-contained page a person reads in a browser.

Generic over :class:`RunResult`, so every command that produces one gets it (validate, diff,
lint, and scan once it lands): each section appears when the result has its data. Totals
(the summary's counts), a bar chart of messages and invalid share per event (``by_event``),
findings per code (``by_code``), the naming-drift heat map (``inconsistencies``), the plan
versions (diff's ``version``) and every finding with file:line, JSON path and the plan rule,
filterable in the page. One file: CSS, JS and the SVG chart are inline, and the page's
Content-Security-Policy allows exactly those, so it opens from disk with no network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    UNPLANNED_EVENT_NAMES,
    display_file,
    plural,
    severity_totals,
    suggestion_note,
)
from protocols.report.html_chart import events_chart
from protocols.report.rulemeta import rule_info
from protocols.web import environment, inline, percent, search_text, visible

MAX_DRIFT_ROWS = 200  # inconsistencies in the heat map; JSON has them all
MAX_PLACES = 20  # call sites listed per message in the coverage table; JSON has them all
HEAT_LEVELS = 5
SKIPPED_COUNTS = frozenset({"max_examples", "shown"})
LEVEL_NAMES = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}
KIND_TITLES = {"event-name": "event name", "property-name": "property name",
               "enum-value": "value", "value-type": "value type"}


def render_html(result: RunResult, options: RenderOptions) -> str:
    env = environment("protocols.report")
    assets = inline(styles=[("protocols.report", "report.css")],
                    scripts=[("protocols.report", "report.js")])
    findings = _findings(result.diagnostics, options)
    context: dict[str, Any] = {
        "title": f"protocols {result.command} report",
        "command": result.command,
        "headline": _headline(result),
        "cards": _cards(result.summary),
        "facts": _facts(result.summary),
        "tool_version": options.tool_version,
        "findings": findings,
        "findings_note": _findings_note(result, len(findings)),
        "levels": [level for level in ("error", "warning", "info")
                   if any(f["level"] == level for f in findings)],
        "codes_seen": sorted({f["code"] for f in findings}),
        "events_seen": sorted({f["event"] for f in findings if f["event"]}),
        "generator": "protocols",
        **assets.context(),
    }
    context.update(_events(result))
    context["codes"] = _codes(result, options)
    context["drift"] = _drift(result.extra.get("inconsistencies"))
    context["versions"] = _versions(result.extra.get("version"))
    context["coverage"] = _coverage(result.extra, options)
    context["accepted"] = [c for c in result.extra.get("changes") or ()
                           if isinstance(c, Mapping) and c.get("accepted")]
    return env.get_template("report.html").render(**context)


def _headline(result: RunResult) -> str:
    counts = severity_totals(result)
    if not any(counts.values()):
        return "No problems found."
    return (f"{plural(counts['error'], 'error')}, {plural(counts['warning'], 'warning')}, "
            f"{plural(counts['info'], 'note')}.")


def _cards(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(key.replace("_", " "), f"{value:,}") for key, value in summary.items()
            if isinstance(value, int) and not isinstance(value, bool)
            and key not in SKIPPED_COUNTS]


def _facts(summary: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(key.replace("_", " "), value) for key, value in summary.items()
            if isinstance(value, str) and value]


# -- per event ----------------------------------------------------------------------------------


def _events(result: RunResult) -> dict[str, Any]:
    by_event = result.summary.get("by_event")
    if not isinstance(by_event, Mapping) or not by_event:
        return {"chart": None, "chart_left_out": 0, "events": []}
    unplanned = {visible(d.event) for d in result.diagnostics
                 if d.event is not None and d.name in UNPLANNED_EVENT_NAMES}
    clean = {visible(str(k)): v for k, v in by_event.items() if isinstance(v, Mapping)}
    svg, left_out = events_chart(clean)
    rows = []
    for name, counts in sorted(clean.items(), key=lambda i: (-int(i[1].get("messages", 0)),
                                                            i[0])):
        messages, bad = int(counts.get("messages", 0)), int(counts.get("invalid", 0))
        rows.append({"name": name, "messages": messages, "invalid": bad,
                     "share": percent(bad, messages), "planned": name not in unplanned})
    # The SVG comes from ElementTree, which escapes every text and attribute it writes.
    return {"chart": Markup(svg), "chart_left_out": left_out, "events": rows}


# -- per code -----------------------------------------------------------------------------------


def _codes(result: RunResult, options: RenderOptions) -> list[dict[str, Any]]:
    first: dict[str, Diagnostic] = {}
    counted: dict[str, int] = {}
    for diagnostic in result.diagnostics:
        first.setdefault(diagnostic.code, diagnostic)
        counted[diagnostic.code] = counted.get(diagnostic.code, 0) + 1
    by_code = result.summary.get("by_code")
    totals = {str(k): int(v) for k, v in by_code.items()} if isinstance(by_code, Mapping) else {}
    codes = sorted(set(first) | set(totals),
                   key=lambda c: (-(first[c].severity.rank if c in first else 0), c))
    rows = []
    for code in codes:
        example = first.get(code)
        info = rule_info(code, name=example.name if example else code,
                         severity=example.severity if example else Severity.ERROR)
        rows.append({"code": code, "name": info.name, "summary": info.summary,
                     "level": LEVEL_NAMES.get(example.severity, "") if example else "",
                     "count": totals.get(code, counted.get(code, 0)),
                     "help": _safe_url(info.help_uri(options.rules_url))})
    return rows


def _safe_url(url: str) -> str | None:
    """Only http(s) links leave the page (the rules URL comes from the environment)."""
    return url if url.startswith(("https://", "http://")) else None


# -- naming drift as a heat map -----------------------------------------------------------------


def _drift(rows: Any) -> dict[str, Any] | None:
    if not isinstance(rows, Sequence) or not rows:
        return None
    shown = [r for r in rows[:MAX_DRIFT_ROWS] if isinstance(r, Mapping)]
    sources = sorted({str(v.get("source", "")) for r in shown for v in r.get("variants") or ()
                      if isinstance(v, Mapping)})
    groups = []
    for row in shown:
        variants = [v for v in row.get("variants") or () if isinstance(v, Mapping)]
        top = max((int(v.get("count", 0)) for v in variants), default=0) or 1
        by_value: dict[str, dict[str, int]] = {}
        for variant in variants:
            cells = by_value.setdefault(str(variant.get("value", "")), {})
            source = str(variant.get("source", ""))
            cells[source] = cells.get(source, 0) + int(variant.get("count", 0))
        lines = []
        for value, cells in by_value.items():
            lines.append({"value": value, "cells": [
                {"count": cells.get(s, 0),
                 "heat": 0 if not cells.get(s) else max(1, round(HEAT_LEVELS * cells[s] / top))}
                for s in sources]})
        kind = str(row.get("kind", ""))
        where = str(row.get("canonical", ""))
        if kind != "event-name" and row.get("event"):
            where = f"{row['event']} > {row.get('property') or where}"
        groups.append({"kind": KIND_TITLES.get(kind, kind), "where": where,
                       "canonical": str(row.get("canonical", "")),
                       "planned": bool(row.get("planned")), "lines": lines})
    return {"sources": sources, "groups": groups, "left_out": max(len(rows) - len(shown), 0)}


# -- scan's coverage: where the code sends each planned message --------------------------------


def _coverage(extra: Mapping[str, Any], options: RenderOptions) -> dict[str, Any] | None:
    entries = [e for e in extra.get("coverage") or () if isinstance(e, Mapping)]
    unplanned = [e for e in extra.get("unplanned_events") or () if isinstance(e, Mapping)]
    if not entries and not unplanned:
        return None
    rows = [{"event": str(e.get("event", "")), "kind": str(e.get("kind", "")),
             "sent": bool(e.get("sent")), **_places(e.get("sent_at"), options, "sent_at"),
             **_places(e.get("misspelled_at"), options, "misspelled_at")} for e in entries]
    rows.sort(key=lambda r: r["sent"])  # (stable: plan order within) what is missing first
    sent = sum(1 for r in rows if r["sent"])
    return {"rows": rows, "sent": sent, "planned": len(rows), "share": percent(sent, len(rows)),
            "unplanned": [{"event": str(e.get("event", "")),
                           **_places(e.get("sent_at"), options, "sent_at")}
                          for e in unplanned]}


def _places(sites: Any, options: RenderOptions, key: str) -> dict[str, Any]:
    """``{key: [file:line, ...], key_more: n}``: the first call sites and how many more."""
    found = [s for s in sites or () if isinstance(s, Mapping)]
    shown = [_where(str(s.get("file", "")), s.get("line"), None, options)
             for s in found[:MAX_PLACES]]
    return {key: shown, f"{key}_more": max(len(found) - MAX_PLACES, 0)}


# -- diff's version verdicts --------------------------------------------------------------------


def _versions(versions: Any) -> list[dict[str, Any]]:
    if not isinstance(versions, Mapping):
        return []
    return [{"plan": str(plan), **{k: v for k, v in verdict.items()}}
            for plan, verdict in versions.items() if isinstance(verdict, Mapping)]


# -- every finding ------------------------------------------------------------------------------


def _where(file: str | None, line: int | None, column: int | None,
           options: RenderOptions) -> str:
    if file is None:
        return ""
    text = display_file(file, options.source_root)
    if line is not None:
        text += f":{line}"
        if column is not None:
            text += f":{column}"
    return text


def _findings(diagnostics: Sequence[Diagnostic], options: RenderOptions
              ) -> list[dict[str, Any]]:
    ordered = sorted((d for d in diagnostics if d.severity in LEVEL_NAMES),
                     key=lambda d: (-d.severity.rank, *d.sort_key()))
    rows = []
    for d in ordered:
        related = d.related
        rule = _where(related.file, related.line, related.column, options) if related else ""
        rows.append({
            "level": LEVEL_NAMES[d.severity], "code": d.code, "name": d.name,
            "message": d.message, "note": suggestion_note(d) or "",
            "where": _where(d.file, d.line, d.column, options), "path": d.path or "",
            "rule": rule, "event": d.event or "",
            "search": search_text([d.code, d.name, d.message, d.file, d.path, d.event, rule]),
        })
    return rows


def _findings_note(result: RunResult, listed: int) -> str:
    total = result.summary.get("findings")
    if isinstance(total, int) and total > listed:
        return (f"{listed:,} of {total:,} findings are listed: {result.command} keeps "
                f"{result.summary.get('max_examples', 'a few')} examples per code and event "
                "(--max-examples); the counts above are complete.")
    return ""
