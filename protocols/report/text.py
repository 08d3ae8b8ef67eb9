"""Terminal text in the rustc style: ``error[CODE name]: message``, location, source, caret."""

from __future__ import annotations

import io
from collections.abc import Callable

from rich.console import Console
from rich.markup import escape

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.report.base import RenderOptions, RunResult
from protocols.safetext import printable

# The most characters of a source line shown under a finding.
SNIPPET_WIDTH = 200

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "bold yellow",
          Severity.INFO: "bold cyan", Severity.OFF: "dim"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _caret_width(text: str, column: int) -> int:
    """The width of the YAML token that starts at ``column``: a quoted string to its closing
    quote, a plain key or value to the `:`, comment or (inside `{...}`/`[...]`) the `,`, `}`
    or `]` that ends it."""
    rest = text[column - 1:]
    if not rest:
        return 1
    if rest[0] in "\"'":
        quote, index = rest[0], 1
        while index < len(rest):
            if rest[index] == "\\" and quote == '"':
                index += 2
                continue
            if rest[index] == quote:
                if quote == "'" and rest[index + 1:index + 2] == "'":  # '' inside '...'
                    index += 2
                    continue
                return min(index + 1, 80)
            index += 1
        return max(1, min(len(rest.rstrip()), 80))
    flow = any(c in text[:column - 1] for c in "{[")
    end = len(rest)
    for stop in (": ", " #", *((",", "}", "]") if flow else ())):
        found = rest.find(stop)
        if found != -1:
            end = min(end, found)
    if rest.rstrip().endswith(":") and end == len(rest):
        end = len(rest.rstrip()) - 1
    return max(1, min(len(rest[:end].rstrip()), 80))


def _snippet(location: Location, style: str, options: RenderOptions) -> list[str]:
    """The source line under a location, with a caret under the column."""
    if location.line is None:
        return []
    text = options.source_line(location.file, location.line)
    if text is None:
        return []
    gutter = " " * len(str(location.line))
    raw = text.expandtabs(1)
    if location.column is not None and location.column > len(raw) + 1:
        return []  # (the text read stops short of the column: a line of a log too long to show)
    # A long line (a minified bundle) is shown around the column only.
    at = (location.column or 1) - 1
    start = 0
    if len(raw) > SNIPPET_WIDTH:
        start = max(0, min(at - SNIPPET_WIDTH // 4, len(raw) - SNIPPET_WIDTH))
    end = start + SNIPPET_WIDTH
    cut_before, cut_after = ("…" if start > 0 else ""), ("…" if end < len(raw) else "")
    shown = cut_before + printable(raw[start:end]) + cut_after
    lines = [f"{gutter} [blue]|[/blue]", f"[blue]{location.line} |[/blue] {escape(shown)}"]
    if location.column is not None:
        # Escapes widen the line: the caret goes under the escaped text of the column.
        before = len(cut_before) + len(printable(raw[start:at]))
        caret = " " * before + "^" * _caret_width(shown, before + 1)
        lines.append(f"{gutter} [blue]|[/blue] [{style}]{caret}[/{style}]")
    return lines


def format_diagnostic(diagnostic: Diagnostic, options: RenderOptions) -> list[str]:
    style = _STYLE[diagnostic.severity]
    head = (f"[{style}]{diagnostic.severity.value}[{escape(diagnostic.code)} "
            f"{escape(diagnostic.name)}][/{style}]: [bold]{escape(diagnostic.message)}[/bold]")
    lines = [head]
    location = diagnostic.location
    shown = False
    if location is not None:
        lines.append(f"  [blue]-->[/blue] {escape(str(location))}")
        # A position with a column (in a plan, a source file, where a log's JSON breaks,
        # where an array element starts) is shown. A line of a log without one is a whole
        # JSON message; the path below says where in it, so the plan rule is shown instead,
        # as it is where the line cannot be shown as far as the column.
        if location.column is not None:
            snippet = _snippet(location, style, options)
            lines.extend(snippet)
            shown = bool(snippet)
    if diagnostic.path:
        lines.append(f"  [blue]= path:[/blue] {escape(diagnostic.path)}")
    if diagnostic.related is not None:
        lines.append(f"  [blue]= rule:[/blue] {escape(str(diagnostic.related))}")
        if not shown:
            lines.extend(_snippet(diagnostic.related, style, options))
    if diagnostic.suggestion is not None:
        lines.append(f"  [blue]= help:[/blue] did you mean {escape(repr(diagnostic.suggestion))}?")
    return lines


def summary_line(result: RunResult) -> str:
    counts = {s: 0 for s in ("error", "warning", "info")}
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity.value] = counts.get(diagnostic.severity.value, 0) + 1
    # Commands that print only capped examples (validate) report the full counts themselves.
    full = result.summary.get("by_severity")
    if isinstance(full, dict):
        counts = {level: int(full.get(level, 0)) for level in counts}
    files = result.summary.get("files")
    scope = f" in {_plural(int(files), 'file')}" if isinstance(files, int) else ""
    if not any(counts.values()):
        return f"[bold green]No problems found{scope}.[/bold green]"
    parts = [_plural(counts["error"], "error"), _plural(counts["warning"], "warning")]
    if counts["info"]:
        parts.append(_plural(counts["info"], "note"))
    return f"[bold]Found {', '.join(parts)}{scope}.[/bold]"


def render_markup(markup_lines: list[str], color: bool) -> str:
    """Print rich markup lines as text. Each line is sanitised first (our markup holds no
    control characters, so only text from plans and logs is escaped): names, values, paths
    and messages from every section reach the terminal with control characters shown."""
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, width=10_000,
                      highlight=False, emoji=False, soft_wrap=True)
    for line in markup_lines:
        console.print(printable(line))
    return buffer.getvalue()


# Command-specific sections printed before the summary line (validate's drift table, diff's
# change list). Each returns rich markup lines; commands register theirs here.
SECTIONS: dict[str, Callable[[RunResult], list[str]]] = {}


def render_text(result: RunResult, options: RenderOptions) -> str:
    lines: list[str] = []
    for diagnostic in result.diagnostics:
        lines.extend(format_diagnostic(diagnostic, options))
        lines.append("")
    section = SECTIONS.get(result.command)
    if section is not None:
        lines.extend(section(result))
    lines.append(summary_line(result))
    return render_markup(lines, options.color)
