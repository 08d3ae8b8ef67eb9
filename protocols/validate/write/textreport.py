"""The validate block of the terminal report: counts, then the naming-drift table.

Returns rich markup lines for ``protocols.report.text.SECTIONS["validate"]`` (registered by
the CLI); it builds strings only, so the core keeps clear of rich.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protocols.report.base import RunResult
from protocols.validate.codes import CODES

MAX_DRIFT_SHOWN = 50
_TITLES = {"event-name": "event name", "property-name": "property name",
           "enum-value": "value", "value-type": "value type"}


def escape(text: str) -> str:
    """Make text literal in rich markup (a ``[`` would start a tag)."""
    return text.replace("\\", "\\\\").replace("[", "\\[")


def validate_section(result: RunResult) -> list[str]:
    summary = result.summary
    lines = [_headline(summary)]
    findings, shown = int(summary.get("findings", 0)), int(summary.get("shown", 0))
    if findings > shown:
        lines.append(f"Showing {shown} of {findings} findings (at most "
                     f"{summary.get('max_examples')} per code and event; --max-examples N).")
    by_event: Mapping[str, Mapping[str, int]] = summary.get("by_event", {})
    if by_event:
        width = max(len(name) for name in by_event)
        lines += ["", "[bold]Messages per event[/bold]"]
        for name, counts in by_event.items():
            bad = counts.get("invalid", 0)
            tail = f"  [red]{bad} invalid[/red]" if bad else ""
            lines.append(f"  {escape(name.ljust(width))}  {counts.get('messages', 0):>7}{tail}")
    by_code: Mapping[str, int] = summary.get("by_code", {})
    if by_code:
        lines += ["", "[bold]Findings per code[/bold]"]
        for code, count in by_code.items():
            name = CODES[code].name if code in CODES else ""
            lines.append(f"  {code} {name:<26} {count:>7}")
    lines += drift_table(result.extra.get("inconsistencies", []))
    quarantine = summary.get("quarantine")
    if isinstance(quarantine, Mapping):
        lines += ["", f"Quarantine: {quarantine.get('good', 0)} records to the good file, "
                      f"{quarantine.get('bad', 0)} to the bad file."]
    lines.append("")
    return lines


def _headline(summary: Mapping[str, Any]) -> str:
    inputs = int(summary.get("inputs", 0))
    return (f"[bold]Validated {summary.get('messages', 0)} messages from {inputs} "
            f"input{'s' if inputs != 1 else ''}:[/bold] [green]{summary.get('valid', 0)} "
            f"valid[/green], [red]{summary.get('invalid', 0)} invalid[/red], "
            f"{summary.get('unparseable', 0)} unparseable.")


def drift_table(inconsistencies: list[Mapping[str, Any]]) -> list[str]:
    """Canonical name, then each source's spelling (or value, or type) and its count."""
    if not inconsistencies:
        return []
    lines = ["", f"[bold]Naming drift between sources[/bold] ({len(inconsistencies)} "
                 "inconsistencies)"]
    for entry in inconsistencies[:MAX_DRIFT_SHOWN]:
        where = entry["canonical"]
        if entry["kind"] != "event-name" and entry.get("event"):
            owner = entry["event"]
            where = (f"{owner} > {entry['property']}" if entry["kind"] == "property-name"
                     else f"{owner} > {entry['property']} = {entry['canonical']}"
                     if entry["kind"] == "enum-value" else f"{owner} > {entry['property']}")
        status = "planned" if entry.get("planned") else "not in plan"
        lines.append(f"  [bold]{escape(_TITLES[entry['kind']])}[/bold] {escape(where)} "
                     f"[dim]({status})[/dim]")
        variants = entry["variants"]
        width = max(len(str(v["source"])) for v in variants)
        for variant in variants:
            lines.append(f"    {escape(str(variant['source']).ljust(width))}  "
                         f"{escape(repr(variant['value']))}  {variant['count']}")
    if len(inconsistencies) > MAX_DRIFT_SHOWN:
        lines.append(f"  ... {len(inconsistencies) - MAX_DRIFT_SHOWN} more in --format json")
    return lines
