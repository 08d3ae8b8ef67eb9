"""Writing reports: several ``--format``/``--output`` pairs in one run, and exit codes.

Also the one piece of CI I/O: with ``--format github`` inside GitHub Actions, the Markdown
summary is appended to ``$GITHUB_STEP_SUMMARY`` (the reporters themselves only format).

Standard output is written here for every command (:func:`write_stdout`, and :func:`main`
around the whole app): a full disk, a closed pipe or any other failure to write it is a
clean ``error:`` line and exit code 2, never a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

import typer

from protocols.__about__ import __version__
from protocols.diagnostics import Severity
from protocols.safetext import printable

if TYPE_CHECKING:
    from protocols.config import Config
    from protocols.report import RenderOptions, RunResult

# The reporters are imported when a report is written, not at start-up (rich, templates);
# their names are here for the help (tests/test_startup.py holds them to REPORTERS).
FORMATS = ("text", "json", "github", "sarif", "junit", "gitlab", "markdown", "html")
FORMAT_HELP = ("Output format: auto (github in GitHub Actions, text otherwise), "
               + ", ".join(FORMATS) + ". Repeat with --output to write several reports.")
OUTPUT_HELP = ("Write the report to FILE instead of standard output ('-' for standard output); "
               "the i-th --output goes with the i-th --format.")
# GitHub refuses a step summary over 1 MiB; leave room for what other steps append.
STEP_SUMMARY_LIMIT = 1024 * 1024


def say(message: str, *, err: bool = False) -> None:
    """Print one line that may echo input (a path, a name, a value): sanitised, so control
    characters from it are shown escaped (see protocols.safetext)."""
    typer.echo(printable(message), err=err)


def legacy_out_option(*names: str) -> Any:
    """The old spelling of ``--out`` (``-o``/``--output``), still read but not shown: ``-o`` and
    ``--output`` name the report everywhere else."""
    return typer.Option(None, *names, hidden=True)


def chosen_out(out: Path | None, legacy: Path | None, *, required: bool = True,
               what: str = "PATH") -> Path | None:
    """``--out``, or its old spelling; exits 2 when both disagree or a required one is missing."""
    if out is not None and legacy is not None and out != legacy:
        raise usage_error(f"--out {out} and its old spelling ({legacy}) disagree; give --out once")
    chosen = out if out is not None else legacy
    if chosen is None and required:
        raise usage_error(f"say where to write: --out {what}")
    return chosen


def require_file(path: Path, what: str) -> Path:
    """``path`` when it is a file; the same clear usage error (exit 2) in every command when it
    is a folder or is missing."""
    if path.is_dir():
        raise usage_error(f"{path} is a folder, not a file: give the {what} file")
    if not path.exists():
        raise usage_error(f"no such {what} file: {path}")
    return path


def usage_error(message: str) -> typer.Exit:
    """Print a usage error and return the exit to raise (code 2)."""
    say(f"error: {message}", err=True)
    return typer.Exit(2)


def settings_or_exit(config: Path | None) -> Config:
    """The project configuration (``--config`` or the nearest one); a bad file exits 2."""
    from protocols.config import ConfigError, load_config

    try:
        return load_config(config)
    except ConfigError as exc:
        raise usage_error(str(exc)) from None


def resolve_format(name: str) -> str:
    if name == "auto":
        return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    if name not in FORMATS:
        raise usage_error(f"unknown format {name!r} (choose from auto, {', '.join(FORMATS)})")
    return name


def render_options(*, color: bool, fail_on: Severity | None) -> RenderOptions:
    from protocols.report import RenderOptions
    from protocols.report.base import DEFAULT_RULES_URL

    return RenderOptions(color=color, tool_version=__version__,
                         rules_url=os.environ.get("PROTOCOLS_RULES_URL") or DEFAULT_RULES_URL,
                         source_root=os.getcwd(), fail_on=fail_on)


def guard_outputs(outputs: Sequence[str | os.PathLike[str] | None],
                  inputs: Sequence[str | os.PathLike[str] | None], *,
                  uses_stdout: bool = False) -> None:
    """Exit 2 before anything is written if an output is one of the inputs (by device and
    inode: links, other spellings, ``- < file`` and ``>> file`` included). Every command that
    writes calls this with every path it will write and every path it reads."""
    from protocols.fileguard import ClobberError, check_outputs

    try:
        check_outputs(outputs, inputs, uses_stdout=uses_stdout)
    except ClobberError as exc:
        raise usage_error(str(exc)) from None


def report_targets(formats: list[str] | None, outputs: list[Path] | None) -> list[Path | None]:
    """Where ``emit`` will write each report: a file, or None for standard output."""
    formats = list(formats or ["auto"])
    targets: list[Path | None] = list(outputs or [])
    return targets + [None] * max(0, len(formats) - len(targets))


def lists_every_finding(formats: list[str] | None) -> bool:
    """Whether any of ``formats`` lists every finding (so validate must keep them all)."""
    from protocols.report import STREAMING

    return any(resolve_format(name) in STREAMING for name in formats or ["auto"])


def emit(result: RunResult, formats: list[str] | None, outputs: list[Path] | None,
         *, color: bool | None = None, fail_on: Severity | None = Severity.ERROR) -> None:
    """Render ``result`` once per format; format i goes to output i, the rest to stdout.

    An output of ``-`` is standard output, so ``-f github -o - -f sarif -o x.sarif`` works.
    ``fail_on`` is the level at which the command fails (JUnit fails test cases at it).
    Reports are written in pieces as they are rendered. A report that cannot be rendered
    or written exits with code 2 (the command's other outputs, such as validate's
    quarantine files, are complete by then).
    """
    from protocols.cli.sections import register_sections
    from protocols.report import render_pieces

    formats = list(formats or ["auto"])
    outputs = list(outputs or [])
    if len(outputs) > len(formats):
        raise usage_error("more --output files than --format options; pair them in order")
    chosen_formats = [resolve_format(name) for name in formats]
    if "text" in chosen_formats:  # (the terminal report is the one with command sections)
        register_sections(result.command)
    for chosen, target in zip(chosen_formats, report_targets(formats, outputs), strict=True):
        use_color = color if color is not None else (
            target is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        options = render_options(color=bool(use_color and chosen == "text"), fail_on=fail_on)
        pieces = _rendered(chosen, render_pieces(chosen, result, options))
        try:
            if target is None or str(target) == "-":
                write_stdout(pieces)
            else:
                _write(target, pieces)
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
            raise usage_error(f"cannot write the {chosen} report: it holds text that "
                              f"{exc.encoding} cannot carry ({bad!a}: {exc.reason})"
                              ) from None
    if "github" in chosen_formats:
        write_step_summary(result, render_options(color=False, fail_on=fail_on))


def _rendered(name: str, pieces: Iterable[str]) -> Iterable[str]:
    """``pieces``, with a failure of the reporter itself turned into a usage error."""
    iterator = iter(pieces)
    while True:
        try:
            piece = next(iterator)
        except StopIteration:
            return
        except Exception as exc:  # a reporter bug must not look like a crash of the run
            raise usage_error(f"cannot render the {name} report: "
                              f"{type(exc).__name__}: {exc}") from None
        yield piece


def write_stdout(pieces: str | Iterable[str]) -> None:
    """Write text to standard output and flush it; a failure exits 2 with a clean error."""
    try:
        for piece in [pieces] if isinstance(pieces, str) else pieces:
            sys.stdout.write(piece)
        sys.stdout.flush()
    except OSError as exc:
        stdout_failed(exc)


def stdout_failed(exc: OSError) -> NoReturn:
    """Exit 2 after standard output failed: say why on stderr, and point stdout at the null
    device so that the interpreter's own flush at exit does not fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass
    typer.echo(f"error: cannot write to standard output: {exc.strerror or exc}", err=True)
    raise typer.Exit(2)


def main(app: Callable[[], object]) -> None:
    """Run the CLI: any command's failure to write standard output (``typer.echo`` too) is
    the clean error of :func:`stdout_failed`, exit code 2."""
    watched = _WatchedStdout(sys.stdout)
    sys.stdout = watched
    try:
        app()
    except OSError as exc:
        if watched.failure is not exc:
            raise
        try:
            stdout_failed(exc)
        except typer.Exit as done:
            sys.exit(done.exit_code)


class _WatchedStdout:
    """Standard output, remembering the error of a write or flush that failed (so that
    :func:`main` knows it was standard output, and not some file, that could not be
    written)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self.failure: OSError | None = None

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except OSError as exc:
            self.failure = exc
            raise

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            self.failure = exc
            raise

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def write_file(target: Path, text: str) -> None:
    """Write one output atomically (a failed run leaves the old file); exit 2 on errors."""
    _write(target, [text])


def _write(target: Path, pieces: Iterable[str]) -> None:
    """Stream ``pieces`` to a temporary file beside ``target`` and rename it into place: a
    report that fails half way (a full disk, a reporter error) leaves the old one intact."""
    from protocols.fileguard import write_pieces

    try:
        write_pieces(target, pieces)
    except OSError as exc:
        raise usage_error(f"cannot write {target}: {exc.strerror or exc}") from None


def write_step_summary(result: RunResult, options: RenderOptions) -> None:
    """Append the Markdown summary to ``$GITHUB_STEP_SUMMARY``, within GitHub's 1 MiB cap."""
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_path:
        return
    from protocols.report.markdown import render_markdown, truncate_markdown

    path = Path(summary_path)
    try:
        used = path.stat().st_size if path.exists() else 0
        room = STEP_SUMMARY_LIMIT - used
        text = truncate_markdown(render_markdown(result, options), room)
        if text:
            with path.open("a", encoding="utf-8") as handle:
                handle.write(text + "\n")
    except OSError as exc:
        # The annotations are already out; a summary we cannot write is worth a warning only.
        say(f"warning: cannot write the step summary {path}: {exc.strerror or exc}", err=True)


def exit_code(result: RunResult, fail_on: Severity | None) -> int:
    """1 when any finding is at or above ``fail_on`` (None: never fail), else 0."""
    if fail_on is None:
        return 0
    return int(any(d.severity.rank >= fail_on.rank for d in result.diagnostics))
