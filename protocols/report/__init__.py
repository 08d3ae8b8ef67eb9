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
from importlib import import_module
from typing import Any

from protocols.report.base import RenderOptions, RunResult

Reporter = Callable[[RunResult, RenderOptions], str]
StreamingReporter = Callable[[RunResult, RenderOptions], Iterator[str]]


def _lazy(module: str, name: str) -> Callable[[RunResult, RenderOptions], Any]:
    """The reporter ``name`` of ``module`` (whole or streaming), imported when it first
    renders: a run writes one or two formats, and the others import rich, templates and the
    docs site's pages."""

    def render(result: RunResult, options: RenderOptions) -> Any:
        return getattr(import_module(f"protocols.report.{module}"), name)(result, options)

    render.__name__ = render.__qualname__ = name
    return render


REPORTERS: dict[str, Reporter] = {
    "text": _lazy("text", "render_text"),
    "json": _lazy("json_reporter", "render_json"),
    "github": _lazy("github", "render_github"),
    "sarif": _lazy("sarif", "render_sarif"),
    "junit": _lazy("junit", "render_junit"),
    "gitlab": _lazy("gitlab", "render_gitlab"),
    "markdown": _lazy("markdown", "render_markdown"),
    # one self-contained page; generic over RunResult (docs/ci.md)
    "html": _lazy("html", "render_html"),
}

#: The formats that list every finding (``RunResult.findings``), written in pieces.
STREAMING: dict[str, StreamingReporter] = {
    "json": _lazy("json_reporter", "stream_json"),
    "sarif": _lazy("sarif", "stream_sarif"),
    "gitlab": _lazy("gitlab", "stream_gitlab"),
}


def render_pieces(name: str, result: RunResult, options: RenderOptions) -> Iterator[str]:
    """The report in format ``name``, in pieces whose concatenation is ``REPORTERS[name]``'s."""
    streaming = STREAMING.get(name)
    if streaming is not None:
        yield from streaming(result, options)
    else:
        yield REPORTERS[name](result, options)


__all__ = ["REPORTERS", "STREAMING", "RenderOptions", "Reporter", "RunResult", "render_pieces"]
