"""``--format gitlab``: GitLab Code Quality (a Code Climate JSON array) for merge requests.

Each finding: ``description``, ``check_name`` (the code), a ``fingerprint`` unique in the
report (GitLab drops entries that share one, and compares them between the source and target
branch to show new and fixed findings), ``severity`` and ``location.path``/``lines.begin``.
"""

from __future__ import annotations

from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.report.base import RenderOptions, RunResult
from protocols.report.common import (
    display_file,
    fingerprints,
    most_important_first,
    suggestion_note,
)
from protocols.report.sarif import dump_json

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
    return {"path": path, "lines": {"begin": line}}


def render_gitlab(result: RunResult, options: RenderOptions) -> str:
    findings = most_important_first(d for d in result.diagnostics if d.severity in SEVERITY)
    report = [
        {
            "description": _description(d),
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": SEVERITY[d.severity],
            "location": _location(d, options),
        }
        for d, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]
    return dump_json(report, items=len(report))
