"""``--format gitlab``: GitLab Code Quality (a Code Climate JSON array) for merge requests.

Each finding: ``description``, ``check_name`` (the code), a ``fingerprint`` unique in the
report (GitLab drops entries that share one, and compares them between the source and target
branch to show new and fixed findings), ``severity`` and ``location``: the path with ``positions.begin`` (line and column) when the
finding has a column, else ``lines.begin`` (Code Climate's two forms; GitLab reads both).
Every finding of the run is listed (GitLab sets no count limit, only an artifact size limit
per instance), written one entry at a time so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.jsontext import exact_pieces
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    PRETTY_LIMIT,
    Fingerprinter,
    display_file,
    json_list,
    most_important_first,
    suggestion_note,
)

SEVERITY = {Severity.ERROR: "critical", Severity.WARNING: "minor", Severity.INFO: "info"}


def _description(diagnostic: Diagnostic) -> str:
    text = f"{diagnostic.code} {diagnostic.name}: {diagnostic.message}"
    note = suggestion_note(diagnostic)
    if note is not None:
        text += f" ({note})"
    return text


def _location(diagnostic: Diagnostic, options: RenderOptions) -> dict[str, Any]:
    # GitLab requires a path; a finding without a file points at the plan rule it concerns.
    where = diagnostic.location or diagnostic.related
    path = display_file(where.file, options.source_root) if where is not None else "."
    line = where.line if where is not None and where.line is not None else 1
    if where is not None and where.line is not None and where.column is not None:
        return {"path": path, "positions": {"begin": {"line": line, "column": where.column}}}
    return {"path": path, "lines": {"begin": line}}


@exact_pieces  # lone surrogates from logs as \u escapes: exact, and writable
def stream_gitlab(result: RunResult, options: RenderOptions) -> Iterator[str]:
    """Every finding of the run, one entry each, written as they are read (validate's come
    from disk in input order; other commands' most important first)."""
    findings = (most_important_first(result.diagnostics) if result.findings is None
                else result.findings)
    fingerprint = Fingerprinter()
    entries = ({
        "description": _description(d),
        "check_name": d.code,
        "fingerprint": fingerprint(d),
        "severity": SEVERITY[d.severity],
        "location": _location(d, options),
    } for d in findings if d.severity in SEVERITY)
    yield from json_list(entries, indent=2 if len(findings) <= PRETTY_LIMIT else None)
    yield "\n"


def render_gitlab(result: RunResult, options: RenderOptions) -> str:
    return "".join(stream_gitlab(result, options))
