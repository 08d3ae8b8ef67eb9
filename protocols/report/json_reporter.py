"""``--format json``: one object with ``summary``, ``diagnostics`` and command extras."""

from __future__ import annotations

from typing import Any

from protocols.jsontext import json_text
from protocols.report.base import RenderOptions, RunResult


def render_json(result: RunResult, options: RenderOptions) -> str:
    document: dict[str, Any] = {
        "tool": {"name": "protocols", "version": options.tool_version},
        "command": result.command,
        "summary": dict(result.summary),
        "diagnostics": [d.to_dict() for d in result.diagnostics],
    }
    for key, value in result.extra.items():
        document[key] = value
    return json_text(document, indent=2, default=str) + "\n"
