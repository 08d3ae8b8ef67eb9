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

from protocols.report.base import RenderOptions, RunResult

Reporter = Callable[[RunResult, RenderOptions], str]
StreamingReporter = Callable[[RunResult, RenderOptions], Iterator[str]]


def _reporter(module: str, name: str) -> Reporter:
    """The reporter ``name`` of ``module``, imported when it first renders: a run writes one
    or two formats, and the others import rich, templates and the docs site's pages."""

    def render(result: RunResult, options: RenderOptions) -> str:
        found: Reporter = getattr(import_module(f"protocols.report.{module}"), name)
        return found(result, options)

    render.__name__ = render.__qualname__ = name
    return render


def _streaming(module: str, name: str) -> StreamingReporter:
    def render(result: RunResult, options: RenderOptions) -> Iterator[str]:
        found: StreamingReporter = getattr(import_module(f"protocols.report.{module}"), name)
        return found(result, options)

    render.__name__ = render.__qualname__ = name
    return render


REPORTERS: dict[str, Reporter] = {
    "text": _reporter("text", "render_text"),
    "json": _reporter("json_reporter", "render_json"),
    "github": _reporter("github", "render_github"),
    "sarif": _reporter("sarif", "render_sarif"),
    "junit": _reporter("junit", "render_junit"),
    "gitlab": _reporter("gitlab", "render_gitlab"),
    "markdown": _reporter("markdown", "render_markdown"),
    # one self-contained page; generic over RunResult (docs/ci.md)
    "html": _reporter("html", "render_html"),
}

#: The formats that list every finding (``RunResult.findings``), written in pieces.
STREAMING: dict[str, StreamingReporter] = {
    "json": _streaming("json_reporter", "stream_json"),
    "sarif": _streaming("sarif", "stream_sarif"),
    "gitlab": _streaming("gitlab", "stream_gitlab"),
}


def render_pieces(name: str, result: RunResult, options: RenderOptions) -> Iterator[str]:
    """The report in format ``name``, in pieces whose concatenation is ``REPORTERS[name]``'s."""
    streaming = STREAMING.get(name)
    if streaming is not None:
        yield from streaming(result, options)
    else:
        yield REPORTERS[name](result, options)


__all__ = ["REPORTERS", "STREAMING", "RenderOptions", "Reporter", "RunResult", "render_pieces"]
