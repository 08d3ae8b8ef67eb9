"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=F,line=L,col=C,title=T::message`` (``warning``, ``notice``). GitHub keeps only
10 annotations of each level per step and 50 per job, so the most important come first (see
:func:`most_important_first`); the full report goes to the step summary, which the CLI writes
(this module only formats).
"""

from __future__ import annotations

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    display_file,
    most_important_first,
    plural,
    severity_totals,
    suggestion_note,
)
from protocols.safetext import printable

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# GitHub's per-step cap on annotations of one level.
SHOWN_PER_LEVEL = 10


def escape_data(text: str) -> str:
    """Escape a message the way the Actions runner unescapes it (``%`` first)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value: as data, plus ``:`` and ``,`` which delimit properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation_message(diagnostic: Diagnostic) -> str:
    """The lines of an annotation, each sanitised (GitHub renders ANSI codes in its logs)."""
    lines = [diagnostic.message]
    if diagnostic.path and not diagnostic.message.startswith(f"{diagnostic.path}:"):
        lines.append(f"at {diagnostic.path}")
    note = suggestion_note(diagnostic)
    if note is not None:
        lines.append(note)
    if diagnostic.related is not None:
        lines.append(f"plan rule: {diagnostic.related}")
    return "\n".join(printable(line) for line in lines)


def annotation(diagnostic: Diagnostic, options: RenderOptions) -> str:
    properties: list[tuple[str, str]] = []
    if diagnostic.file is not None:
        properties.append(("file", display_file(diagnostic.file, options.source_root)))
        if diagnostic.line is not None:
            properties.append(("line", str(diagnostic.line)))
            if diagnostic.column is not None:
                properties.append(("col", str(diagnostic.column)))
    properties.append(("title", f"{diagnostic.code} {diagnostic.name}"))
    rendered = ",".join(f"{key}={escape_property(printable(value))}"
                        for key, value in properties)
    return (f"::{COMMAND[diagnostic.severity]} {rendered}::"
            f"{escape_data(annotation_message(diagnostic))}")


def render_github(result: RunResult, options: RenderOptions) -> str:
    shown = [d for d in result.diagnostics if d.severity in COMMAND]
    lines = [annotation(d, options) for d in most_important_first(shown)]
    counts = severity_totals(result)
    files = result.summary.get("files")
    scope = f" in {plural(files, 'file')}" if isinstance(files, int) else ""
    lines.append(f"protocols {result.command}: {plural(counts['error'], 'error')}, "
                 f"{plural(counts['warning'], 'warning')}, {plural(counts['info'], 'note')}"
                 f"{scope}.")
    if any(count > SHOWN_PER_LEVEL for count in counts.values()):
        lines.append(f"GitHub shows the first {SHOWN_PER_LEVEL} annotations of each level; "
                     "the step summary and the other report formats list every finding.")
    return "\n".join(lines) + "\n"
