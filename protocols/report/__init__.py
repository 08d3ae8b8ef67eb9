"""Reporters: each turns a :class:`RunResult` into text, and does nothing else.

Reporters are chosen by name from :data:`REPORTERS`. Only the terminal reporter uses rich.
The CI formats (github, sarif, junit, gitlab, markdown) are described in docs/ci.md; the html
report (a page to open in a browser) in docs/docs-site.md.
"""

from __future__ import annotations

from collections.abc import Callable

from protocols.report.base import RenderOptions, RunResult
from protocols.report.github import render_github
from protocols.report.gitlab import render_gitlab
from protocols.report.html import render_html
from protocols.report.json_reporter import render_json
from protocols.report.junit import render_junit
from protocols.report.markdown import render_markdown
from protocols.report.sarif import render_sarif
from protocols.report.text import render_text

Reporter = Callable[[RunResult, RenderOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": render_text,
    "json": render_json,
    "github": render_github,
    "sarif": render_sarif,
    "junit": render_junit,
    "gitlab": render_gitlab,
    "markdown": render_markdown,
    "html": render_html,  # one self-contained page; generic over RunResult (docs/ci.md)
}

__all__ = ["REPORTERS", "RenderOptions", "Reporter", "RunResult"]
