"""``--format json``: one object with ``summary``, ``diagnostics`` and command extras.

``diagnostics`` lists every finding of the run (validate's are read back from disk one at a
time, so the report is written in pieces and memory stays flat); up to PRETTY_LIMIT findings
each is indented, beyond that each takes one compact line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from protocols.jsontext import exact_pieces
from protocols.report.base import RenderOptions, RunResult, every_finding
from protocols.report.common import PRETTY_LIMIT, json_list


@exact_pieces  # lone surrogates from logs as \u escapes: exact, and writable
def stream_json(result: RunResult, options: RenderOptions) -> Iterator[str]:
    """The report in pieces (their concatenation is the JSON document)."""
    head: dict[str, Any] = {
        "tool": {"name": "protocols", "version": options.tool_version},
        "command": result.command,
        "summary": dict(result.summary),
    }
    findings = every_finding(result)
    # The document is written around the list: head (without its closing brace), the list,
    # then the extras (without their opening brace), so no text of the run is ever searched.
    yield _dumps(head)[:-2] + ',\n  "diagnostics": '
    pretty = len(findings) <= PRETTY_LIMIT
    yield from json_list((d.to_dict() for d in findings), indent=2, depth=1) if pretty else \
        _compact_lines(d.to_dict() for d in findings)
    yield ("," + _dumps(dict(result.extra))[1:-2] if result.extra else "") + "\n}\n"


def _compact_lines(items: Iterator[dict[str, Any]]) -> Iterator[str]:
    yield "["
    separator = "\n    "
    for item in items:
        yield separator + json.dumps(item, ensure_ascii=False, default=str)
        separator = ",\n    "
    yield "\n  ]"


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)


def render_json(result: RunResult, options: RenderOptions) -> str:
    return "".join(stream_json(result, options))
