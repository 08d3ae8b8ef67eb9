"""Writing reports: several ``--format``/``--output`` pairs in one run, and exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from protocols.__about__ import __version__
from protocols.diagnostics import Severity
from protocols.report import REPORTERS, RenderOptions, RunResult

FORMAT_HELP = ("Output format: auto (github in GitHub Actions, text otherwise), "
               + ", ".join(REPORTERS) + ". Repeat with --output to write several reports.")
OUTPUT_HELP = "Write the report to FILE instead of standard output; pairs with --format in order."


def usage_error(message: str) -> typer.Exit:
    """Print a usage error and return the exit to raise (code 2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(2)


def resolve_format(name: str) -> str:
    if name == "auto":
        if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS:
            return "github"
        return "text"
    if name not in REPORTERS:
        raise usage_error(f"unknown format {name!r} (choose from auto, {', '.join(REPORTERS)})")
    return name


def emit(result: RunResult, formats: list[str] | None, outputs: list[Path] | None,
         *, color: bool | None = None) -> None:
    """Render ``result`` once per format; format i goes to output i, the rest to stdout."""
    formats = list(formats or ["auto"])
    outputs = list(outputs or [])
    if len(outputs) > len(formats):
        if len(formats) == 1 and len(outputs) == 1:
            pass
        else:
            raise usage_error("more --output files than --format options; pair them in order")
    for index, name in enumerate(formats):
        chosen = resolve_format(name)
        target = outputs[index] if index < len(outputs) else None
        use_color = color if color is not None else (
            target is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        text = REPORTERS[chosen](result, RenderOptions(color=bool(use_color and chosen == "text"),
                                                       tool_version=__version__))
        if target is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            except OSError as exc:
                raise usage_error(f"cannot write {target}: {exc.strerror or exc}") from None


def exit_code(result: RunResult, fail_on: Severity | None) -> int:
    """1 when any finding is at or above ``fail_on`` (None: never fail), else 0."""
    if fail_on is None:
        return 0
    return int(any(d.severity.rank >= fail_on.rank for d in result.diagnostics))
