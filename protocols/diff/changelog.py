"""Diff results as Markdown shaped like a changelog, for a pull-request comment.

Works from a :class:`RunResult` of ``diff`` only (its ``changes`` and ``version`` extras), so
it formats and decides nothing: what changed, grouped by level, who is affected, and the
version bump the changes require.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from protocols.report.base import RunResult
from protocols.safetext import printable

MAX_ITEMS = 200  # per level: a pull-request comment holds at most 65,536 characters
LEVELS = (("breaking", "Breaking"), ("possibly-breaking", "Possibly breaking"),
          ("non-breaking", "Non-breaking"))
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<|])")


def md(text: object) -> str:
    """Escape text so that Markdown shows it as written."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", printable(str(text)))


def _where(change: Mapping[str, Any]) -> str:
    location = change.get("new") or change.get("old") or {}
    file = location.get("file") or change.get("plan") or ""
    line = location.get("line")
    return f"{file}:{line}" if line else str(file)


def _bullet(change: Mapping[str, Any]) -> str:
    return (f"- **{md(change['message'])}**: {md(change['impact'])} "
            f"(`{change['code']} {change['id']}`, {md(_where(change))})")


def grouped(result: RunResult) -> dict[str, list[Mapping[str, Any]]]:
    """Changes by level (for the chosen audience), plus ``accepted``; in report order."""
    groups: dict[str, list[Mapping[str, Any]]] = {key: [] for key, _ in LEVELS}
    groups["accepted"] = []
    for change in result.extra.get("changes", []):
        groups["accepted" if change.get("accepted") else change["level"]].append(change)
    return groups


def version_lines(result: RunResult) -> list[str]:
    """One sentence per plan about its version and the bump its changes need."""
    lines = []
    for plan, verdict in sorted(result.extra.get("version", {}).items()):
        old, new = verdict.get("old") or "(none)", verdict.get("new") or "(none)"
        sentence = f"{plan}: {old} -> {new}"
        if verdict.get("required_bump"):
            sentence += (f"; the changes need a {verdict['required_bump']} bump "
                         f"(to {verdict['required_version']})")
        problem = verdict.get("problem")
        sentence += f": {problem.replace('-', ' ')}" if problem else ": ok"
        lines.append(sentence)
    return lines


def render_changelog(result: RunResult) -> str:
    summary = result.summary
    against = summary.get("against") or "the base"
    audience = summary.get("audience", "all")
    who = "producers and consumers" if audience == "all" else audience
    out = [f"## Tracking plan changes against `{md(against)}`", ""]
    groups = grouped(result)
    if not any(groups.values()):
        out += ["No changes to the tracking plan.", ""]
    else:
        out += [f"Levels are for {who}.", ""]
    for key, title in (*LEVELS, ("accepted", "Accepted")):
        items = groups[key]
        if not items:
            continue
        out += [f"### {title} ({len(items)})", ""]
        for change in items[:MAX_ITEMS]:
            line = _bullet(change)
            if key == "accepted":
                line += f" — accepted: {md(change['accepted'])}"
            out.append(line)
        if len(items) > MAX_ITEMS:
            out.append(f"- ... and {len(items) - MAX_ITEMS} more (see the JSON report)")
        out.append("")
    versions = version_lines(result)
    if versions:
        out += ["### Version", ""] + [f"- {md(line)}" for line in versions] + [""]
    others = [d for d in result.diagnostics if d.code in ("PD901", "PD902", "PD903", "PD904")]
    if others:
        out += ["**Version problems:** " + "; ".join(md(d.message) for d in others), ""]
    return printable("\n".join(out).rstrip(), newlines=True) + "\n"
