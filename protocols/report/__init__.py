"""Reporters: each turns a :class:`RunResult` into text, and does nothing else.

Reporters are chosen by name from :data:`REPORTERS`. Only the terminal reporter uses rich.
The CI formats (github, sarif, junit, gitlab, markdown) are described in docs/ci.md; the html
report (a page to open in a browser) in docs/docs-site.md.

The formats that list every finding (json, sarif, gitlab) also write in pieces
(:data:`STREAMING`), so a report of a million findings never sits in memory whole; use
:func:`render_pieces` to get any format that way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from protocols.report.base import RenderOptions, RunResult
from protocols.report.github import render_github
from protocols.report.gitlab import render_gitlab, stream_gitlab
from protocols.report.html import render_html
from protocols.report.json_reporter import render_json, stream_json
from protocols.report.junit import render_junit
from protocols.report.markdown import render_markdown
from protocols.report.sarif import render_sarif, stream_sarif
from protocols.report.text import render_text

Reporter = Callable[[RunResult, RenderOptions], str]
StreamingReporter = Callable[[RunResult, RenderOptions], Iterator[str]]

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

#: The formats that list every finding (``RunResult.findings``), written in pieces.
STREAMING: dict[str, StreamingReporter] = {
    "json": stream_json,
    "sarif": stream_sarif,
    "gitlab": stream_gitlab,
}


def render_pieces(name: str, result: RunResult, options: RenderOptions) -> Iterator[str]:
    """The report in format ``name``, in pieces whose concatenation is ``REPORTERS[name]``'s."""
    streaming = STREAMING.get(name)
    if streaming is not None:
        yield from streaming(result, options)
    else:
        yield REPORTERS[name](result, options)


__all__ = ["REPORTERS", "STREAMING", "RenderOptions", "Reporter", "RunResult", "render_pieces"]
