"""``--format markdown``: a summary for pull-request comments and the GitHub step summary.

Counts, the per-event table and naming-drift table (validate), findings by code with links to
their documentation, and the top findings. Long sections are capped and say how much they left
out; the full list is in the text, JSON or SARIF reports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    UNPLANNED_EVENT_NAMES,
    display_file,
    most_important_first,
    plural,
    severity_totals,
    suggestion_note,
)
from protocols.report.rulemeta import rule_info
from protocols.safetext import printable

TOP_FINDINGS = 20
TOP_EVENTS = 25
TOP_DRIFT = 25
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\|*`[]~"})


def cell(text: str) -> str:
    """Text shown as typed inside a table cell: no pipe, newline, tag, entity or emphasis
    in a message can break the table or change how it renders."""
    text = printable(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.translate(_MARKDOWN_SPECIAL)
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def code_span(text: str) -> str:
    """Inline code that survives backticks and pipes in ``text`` (and sits in a table)."""
    text = printable(text).replace("|", "\\|")
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") or fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _heading(result: RunResult) -> str:
    counts = severity_totals(result)
    files = result.summary.get("files")
    scope = f" in {plural(files, 'file')}" if isinstance(files, int) else ""
    mark = "❌" if counts["error"] else ("⚠️" if counts["warning"] else "✅")
    if not any(counts.values()):
        return f"### {mark} protocols {result.command}: no problems found{scope}"
    return (f"### {mark} protocols {result.command}: {plural(counts['error'], 'error')}, "
            f"{plural(counts['warning'], 'warning')}, {plural(counts['info'], 'note')}{scope}")


def _count_table(summary: Mapping[str, Any]) -> list[str]:
    keys = [k for k in ("messages", "valid", "invalid", "unparseable") if k in summary]
    if not keys:
        return []
    return [f"| {' | '.join(keys)} |", f"|{'---:|' * len(keys)}",
            f"| {' | '.join(str(summary[k]) for k in keys)} |", ""]


def unplanned_events(diagnostics: Sequence[Diagnostic]) -> set[str]:
    return {d.event for d in diagnostics
            if d.event is not None and d.name in UNPLANNED_EVENT_NAMES}


def _events_table(result: RunResult) -> list[str]:
    by_event = result.summary.get("by_event")
    if not isinstance(by_event, Mapping) or not by_event:
        return []
    unplanned = unplanned_events(result.diagnostics)
    rows = sorted(by_event.items(),
                  key=lambda item: (-int(item[1].get("invalid", 0)), item[0]))
    lines = ["#### Events", "", "| event | planned | messages | invalid |", "|---|---|---:|---:|"]
    for event, counts in rows[:TOP_EVENTS]:
        planned = "no" if event in unplanned else "yes"
        lines.append(f"| {code_span(event)} | {planned} | {counts.get('messages', 0)} | "
                     f"{counts.get('invalid', 0)} |")
    if len(rows) > TOP_EVENTS:
        lines.append(f"\n…and {plural(len(rows) - TOP_EVENTS, 'more event')}.")
    return [*lines, ""]


def _variants(variants: Sequence[Mapping[str, Any]]) -> str:
    return "<br>".join(f"{code_span(str(v.get('value', '')))} {cell(str(v.get('source', '')))}: "
                       f"{v.get('count', 0)}" for v in variants)


def _drift_table(result: RunResult) -> list[str]:
    rows = result.extra.get("inconsistencies")
    if not isinstance(rows, Sequence) or not rows:
        return []
    lines = ["#### Naming drift", "",
             "| kind | canonical | event | property | variants (source: count) |",
             "|---|---|---|---|---|"]
    for row in rows[:TOP_DRIFT]:
        canonical = code_span(str(row.get("canonical", "")))
        if row.get("planned"):
            canonical += " (planned)"
        event = code_span(str(row["event"])) if row.get("event") else ""
        prop = code_span(str(row["property"])) if row.get("property") else ""
        lines.append(f"| {cell(str(row.get('kind', '')))} | {canonical} | {event} | {prop} | "
                     f"{_variants(row.get('variants') or [])} |")
    if len(rows) > TOP_DRIFT:
        lines.append(f"\n…and {plural(len(rows) - TOP_DRIFT, 'more inconsistency')}.")
    return [*lines, ""]


def _places(sites: Sequence[Mapping[str, Any]], options: RenderOptions) -> str:
    shown = [code_span(f"{display_file(str(s['file']), options.source_root)}:{s['line']}")
             for s in sites[:3]]
    if len(sites) > 3:
        shown.append(f"+{len(sites) - 3} more")
    return ", ".join(shown)


def _coverage_table(result: RunResult, options: RenderOptions) -> list[str]:
    """scan: the planned messages nothing sends first, then where the others are sent."""
    coverage = result.extra.get("coverage")
    if not isinstance(coverage, Sequence) or not coverage:
        return []
    summary = result.summary
    rows = sorted(coverage, key=lambda e: (bool(e.get("sent")), str(e.get("event"))))
    lines = ["#### Coverage", "",
             f"{summary.get('sent', 0)} of {summary.get('planned', 0)} planned messages sent "
             f"({summary.get('coverage', 0)}%).", "",
             "| message | sent | where |", "|---|---|---|"]
    for entry in rows[:TOP_EVENTS * 2]:
        where = _places(entry.get("sent_at") or [], options)
        misspelled = entry.get("misspelled_at") or []
        if misspelled:
            where += ("; " if where else "") + "misspelled at " + _places(misspelled, options)
        lines.append(f"| {code_span(str(entry.get('event', '')))} | "
                     f"{'yes' if entry.get('sent') else '**no**'} | {where} |")
    if len(rows) > TOP_EVENTS * 2:
        lines.append(f"\n…and {plural(len(rows) - TOP_EVENTS * 2, 'more planned message')}.")
    unplanned = result.extra.get("unplanned_events") or []
    if unplanned:
        lines += ["", "Unplanned events sent: " + ", ".join(
            f"{code_span(str(e['event']))} ({_places(e.get('sent_at') or [], options)})"
            for e in unplanned[:TOP_EVENTS])
            + (f" …and {len(unplanned) - TOP_EVENTS} more" if len(unplanned) > TOP_EVENTS else "")]
    return [*lines, ""]


def _by_code_table(result: RunResult, options: RenderOptions) -> list[str]:
    first: dict[str, Diagnostic] = {}
    counted: dict[str, int] = {}
    for diagnostic in result.diagnostics:
        first.setdefault(diagnostic.code, diagnostic)
        counted[diagnostic.code] = counted.get(diagnostic.code, 0) + 1
    by_code = result.summary.get("by_code")
    totals = {str(k): int(v) for k, v in by_code.items()} if isinstance(by_code, Mapping) else {}
    codes = sorted(set(first) | set(totals),
                   key=lambda c: (-(first[c].severity.rank if c in first else 0), c))
    if not codes:
        return []
    lines = ["#### Findings by code", "", "| code | level | count | what |", "|---|---|---:|---|"]
    for code in codes:
        example = first.get(code)
        name = example.name if example is not None else ""
        level = LEVEL.get(example.severity, "") if example is not None else ""
        info = rule_info(code, name=name or code, severity=example.severity if example
                         else Severity.ERROR)
        link = f"[{cell(code)} {cell(info.name)}]({info.help_uri(options.rules_url)})"
        count = totals.get(code, counted.get(code, 0))
        lines.append(f"| {link} | {level} | {count} | {cell(info.summary)} |")
    return [*lines, ""]


def _where(diagnostic: Diagnostic, options: RenderOptions) -> str:
    if diagnostic.file is None:
        return ""
    location = display_file(diagnostic.file, options.source_root)
    if diagnostic.line is not None:
        location += f":{diagnostic.line}"
        if diagnostic.column is not None:
            location += f":{diagnostic.column}"
    return code_span(location)


def _findings_table(result: RunResult, options: RenderOptions) -> list[str]:
    ordered = most_important_first(d for d in result.diagnostics if d.severity in LEVEL)
    if not ordered:
        return []
    total = result.summary.get("findings")
    many = len(ordered) > TOP_FINDINGS or (isinstance(total, int) and total > len(ordered))
    lines = ["#### Top findings" if many else "#### Findings", "",
             "| level | code | where | message |", "|---|---|---|---|"]
    for diagnostic in ordered[:TOP_FINDINGS]:
        message = diagnostic.message
        note = suggestion_note(diagnostic)
        if note is not None:
            message += f" ({note})"
        lines.append(f"| {LEVEL[diagnostic.severity]} | {cell(diagnostic.code)} "
                     f"{cell(diagnostic.name)} | {_where(diagnostic, options)} | {cell(message)} |")
    total = result.summary.get("findings")
    total = total if isinstance(total, int) and total > len(ordered) else len(ordered)
    shown = min(TOP_FINDINGS, len(ordered))
    if total > shown:
        kept = "" if total == len(ordered) else (
            f" ({result.command} kept {len(ordered)} examples; see its --max-examples)")
        lines.append(f"\n…and {plural(total - shown, 'more finding')}"
                     f"{kept}; the text, JSON and SARIF reports list "
                     f"{'them all' if not kept else 'every example'}.")
    return [*lines, ""]


def render_markdown(result: RunResult, options: RenderOptions) -> str:
    lines = [_heading(result), ""]
    lines += _count_table(result.summary)
    lines += _events_table(result)
    lines += _drift_table(result)
    lines += _coverage_table(result, options)
    lines += _by_code_table(result, options)
    lines += _findings_table(result, options)
    version = f" {options.tool_version}" if options.tool_version else ""
    lines.append(f"<sub>protocols{version}</sub>")
    return printable("\n".join(lines), newlines=True) + "\n"


def truncate_markdown(text: str, max_bytes: int) -> str:
    """``text`` cut at a line boundary to fit ``max_bytes`` of UTF-8, with a note if cut."""
    if len(text.encode("utf-8")) <= max_bytes:
        return text
    note = "\n\n> Summary truncated to fit GitHub's 1 MiB step-summary limit; see the full report.\n"
    budget = max_bytes - len(note.encode("utf-8"))
    kept: list[str] = []
    used = 0
    for line in text.splitlines(keepends=True):
        size = len(line.encode("utf-8"))
        if used + size > budget:
            break
        kept.append(line)
        used += size
    return "".join(kept).rstrip("\n") + note if budget > 0 else ""
