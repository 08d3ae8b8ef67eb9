"""The ``diff`` block of the text reporter: a changelog-shaped list grouped by level.

Returns rich markup lines (plain strings; this module does not import rich) for
``protocols.report.text.SECTIONS["diff"]``, which the CLI registers.
"""

from __future__ import annotations

from protocols.diff.changelog import LEVELS, grouped, version_lines
from protocols.report.base import RunResult

_STYLES = {"breaking": "bold red", "possibly-breaking": "bold yellow",
           "non-breaking": "bold cyan", "accepted": "dim"}


def escape(text: object) -> str:
    """Escape rich markup: a ``[`` would otherwise start a style tag."""
    return str(text).replace("\\", "\\\\").replace("[", "\\[")


def diff_section(result: RunResult) -> list[str]:
    against = result.summary.get("against")
    audience = result.summary.get("audience", "all")
    groups = grouped(result)
    if not any(groups.values()):
        return [f"No changes against {escape(against)}.", ""]
    lines = [f"[bold]Changes against {escape(against)}[/bold] (levels for "
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
    lines.append("")
    return lines
