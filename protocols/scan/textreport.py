"""The scan block of the terminal report: what was read, then coverage per planned message.

Returns rich markup lines for ``protocols.report.text.SECTIONS["scan"]`` (registered by the
CLI); it builds strings only, so the core keeps clear of rich.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from protocols.report.base import RunResult
from protocols.safetext import printable

MAX_ROWS = 200
MAX_PLACES = 3


# A "[" with the backslashes before it, and the rest of a tag when it reads as one.
_BRACKET = re.compile(r"(\\*)(\[(?:[a-z#/@][^[]*?\])?)")


def _escaped(match: re.Match[str]) -> str:
    backslashes, bracket = match.groups()
    # rich halves the backslashes before a tag (an odd count escapes it); in plain text it
    # reads "\[" as "[" and leaves other backslashes alone.
    return (backslashes * 2 if len(bracket) > 1 else backslashes) + "\\" + bracket


def escape(text: str) -> str:
    """Make text literal in rich markup and safe for a terminal: control characters of file
    and event names written out, every ``[`` escaped. (Callers follow it with plain text,
    never with a tag: a trailing backslash stays as it is.)"""
    return _BRACKET.sub(_escaped, printable(text))


def _counts(items: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} {count}" for name, count in items.items())


def places(sites: Sequence[Mapping[str, Any]], limit: int = MAX_PLACES) -> str:
    shown = [f"{s['file']}:{s['line']}" for s in sites[:limit]]
    if len(sites) > limit:
        shown.append(f"+{len(sites) - limit} more")
    return ", ".join(shown)


def scan_section(result: RunResult) -> list[str]:
    summary = result.summary
    lines = [headline(summary)]
    skipped = summary.get("skipped_by_reason") or {}
    if skipped:
        lines.append(f"Skipped {summary.get('skipped', 0)}: {escape(_counts(skipped))} "
                     "(every path in --format json).")
    coverage: Sequence[Mapping[str, Any]] = result.extra.get("coverage", [])
    if coverage:
        width = min(max(len(entry["event"]) for entry in coverage), 48)
        lines += ["", f"[bold]Coverage[/bold]: {summary.get('sent', 0)} of "
                      f"{summary.get('planned', 0)} planned messages sent "
                      f"({summary.get('coverage', 0)}%)"]
        ordered = sorted(coverage, key=lambda e: (bool(e["sent"]), e["kind"] != "track"))
        for entry in ordered[:MAX_ROWS]:
            label = escape(entry["event"][:48].ljust(width))
            if entry["sent"]:
                lines.append(f"  [green]sent[/green]     {label}  {escape(places(entry['sent_at']))}")
            else:
                note = ""
                if entry["misspelled_at"]:
                    note = f"  [yellow]misspelled at {escape(places(entry['misspelled_at']))}[/yellow]"
                lines.append(f"  [red]not sent[/red] {label}{note}".rstrip())
        if len(ordered) > MAX_ROWS:
            lines.append(f"  ... {len(ordered) - MAX_ROWS} more in --format json")
    unplanned: Sequence[Mapping[str, Any]] = result.extra.get("unplanned_events", [])
    if unplanned:
        lines += ["", f"[bold]Unplanned events sent[/bold] ({len(unplanned)})"]
        for entry in unplanned[:MAX_ROWS]:
            lines.append(f"  {escape(repr(entry['event']))}  {escape(places(entry['sent_at']))}")
    lines.append("")
    return lines


def headline(summary: Mapping[str, Any]) -> str:
    languages = summary.get("languages") or {}
    forms = summary.get("by_form") or {}
    text = (f"[bold]Scanned {summary.get('files', 0)} source files[/bold]"
            + (f" ({escape(_counts(languages))})" if languages else "")
            + f": {summary.get('calls', 0)} tracking calls"
            + (f" ({escape(_counts(forms))})" if forms else ""))
    extra = []
    if summary.get("unresolved"):
        extra.append(f"{summary['unresolved']} with a name that cannot be resolved")
    if summary.get("generated_files"):
        extra.append(f"{summary['generated_files']} generated client files")
    if summary.get("unreadable"):
        extra.append(f"{summary['unreadable']} files not read")
    return text + (f"; {', '.join(extra)}." if extra else ".")
