"""Reporters: each turns a :class:`RunResult` into text, and does nothing else.

Reporters are chosen by name from :data:`REPORTERS`. Only the terminal reporter uses rich.
"""

from __future__ import annotations

from collections.abc import Callable

from protocols.report.base import RenderOptions, RunResult
from protocols.report.json_reporter import render_json
from protocols.report.text import render_text

Reporter = Callable[[RunResult, RenderOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
}

__all__ = ["REPORTERS", "RenderOptions", "Reporter", "RunResult"]
