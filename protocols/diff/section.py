"""The ``diff`` block of the text reporter: a changelog-shaped list grouped by level.

Returns rich markup lines (plain strings; this module does not import rich) for
``protocols.report.text.SECTIONS["diff"]``, which the CLI registers.
"""

from __future__ import annotations

import re

from protocols.diff.changelog import LEVELS, grouped, version_lines
from protocols.report.base import RunResult

_STYLES = {"breaking": "bold red", "possibly-breaking": "bold yellow",
           "non-breaking": "bold cyan", "accepted": "dim"}


# What rich reads as a style tag (`[` then a letter, `#`, `/` or `@`, up to `]`) with the
# backslashes before it; or any other `[` after backslashes, which rich also unescapes.
_MARKUP = re.compile(r"(\\*)(\[[a-z#/@][^[]*?])|(\\+)\[")


def _escape_one(match: re.Match[str]) -> str:
    if match.group(2) is not None:  # a tag: 2k+1 backslashes keep k and show the tag
        return match.group(1) * 2 + "\\" + match.group(2)
    return match.group(3) + "\\["  # rich turns `\[` into `[` in plain text: add one


def escape(text: object) -> str:
    """Escape text for rich markup so that it prints as written (this module cannot import
    rich). Escaped text must not be followed directly by a tag: put a space between."""
    return _MARKUP.sub(_escape_one, str(text))


def diff_section(result: RunResult) -> list[str]:
    against = result.summary.get("against")
    audience = result.summary.get("audience", "all")
    groups = grouped(result)
    if not any(groups.values()):
        return [f"No changes against {escape(against)}.", *_unused(result), ""]
    lines = [f"[bold]Changes against[/bold] {escape(against)} (levels for "
             f"{'producers and consumers' if audience == 'all' else escape(audience)}):"]
    for key, title in (*LEVELS, ("accepted", "Accepted")):
        items = groups[key]
        if not items:
            continue
        style = _STYLES[key]
        lines.append(f"  [{style}]{title} ({len(items)})[/{style}]")
        for change in items:
            tail = (f" (accepted: {escape(change['accepted'])})" if key == "accepted"
                    else f": {escape(change['impact'])}")
            lines.append(f"    - {escape(change['message'])}{tail} "
                         f"[dim]\\[{change['code']} {change['id']}][/dim]")
    for sentence in version_lines(result):
        lines.append(f"  Version of {escape(sentence)}")
    lines.extend(_unused(result))
    lines.append("")
    return lines


def _unused(result: RunResult) -> list[str]:
    lines = []
    for entry in result.extra.get("unused_accepted", []):
        which = entry.get("event") or entry.get("path")
        lines.append(f"  [yellow]Accepted change matched nothing[/yellow] "
                     f"({escape(entry['file'])}:{entry['line']}): {escape(entry['rule'])} "
                     f"{escape(which)}: remove it if the change is gone")
    return lines
