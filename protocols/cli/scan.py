"""``protocols scan``: flags and ``[tool.protocols.scan]`` -> settings -> the scan -> reports."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import TracebackType

import typer

from protocols.cli.app import app
from protocols.cli.output import (
    FORMAT_HELP,
    OUTPUT_HELP,
    emit,
    guard_outputs,
    report_targets,
    resolve_format,
    settings_or_exit,
    usage_error,
)
from protocols.cli.plan_tools import load_or_exit
from protocols.diagnostics import Severity
from protocols.plan.model import Plan
from protocols.report.text import SECTIONS
from protocols.scan.run import run_scan
from protocols.scan.settings import ScanSettings, SettingsError, from_config, parse_fail_on
from protocols.scan.textreport import scan_section
from protocols.scan.walk import SourceFile, WalkError, walk
from protocols.validate.planref import find_plan
from protocols.validate.read.inputs import InputError

SECTIONS["scan"] = scan_section

# Fewer files than this and the scan is over before a progress line could help.
PROGRESS_MIN_FILES = 100


@app.command("scan", epilog="""\b
Examples:
  protocols scan                                  # the current folder, the only plan
  protocols scan src/ ios/ android/ --plan plans/ecommerce.yaml
  protocols scan --exclude 'tests/' --exclude '*.min.js'
  protocols scan --fail-on missing,unplanned,drift  # CI: the code implements the whole plan
  protocols scan -f github -o - -f sarif -o build/scan.sarif

\b
Wrappers of your own are declared in pyproject.toml (or .protocols.toml):
  [tool.protocols.scan]
  wrappers = [{call = "trackEvent", event_arg = 0, properties_arg = 1}]

\b
Languages: Python, JavaScript/TypeScript (JSX, TSX), Kotlin, Java, Swift, Go.
Exit codes: 0 nothing in the --fail-on categories, 1 findings in them, 2 usage error.
""")
def scan_command(
    paths: list[str] = typer.Argument(None, metavar="PATHS",
                                      help="Folders and files to scan (default: . or "
                                      "[scan] paths)."),
    plan: str | None = typer.Option(None, "--plan", "-p", help="Plan file or plan id under "
                                    "the plans folder (default: the only plan there)."),
    exclude: list[str] = typer.Option([], "--exclude", "-x", metavar="GLOB",
                                      help="Skip paths matching this .gitignore-style pattern "
                                      "(repeatable; adds to [scan] exclude)."),
    fail_on: list[str] = typer.Option([], "--fail-on", help="What fails the run: missing, "
                                      "unplanned, drift (comma-separated or repeated), or "
                                      "never. Default: unplanned,drift."),
    no_gitignore: bool = typer.Option(False, "--no-gitignore", help="Scan files that "
                                      ".gitignore files ignore."),
    format: list[str] = typer.Option(["auto"], "--format", "-f", help=FORMAT_HELP),
    output: list[Path] = typer.Option([], "--output", "-o", help=OUTPUT_HELP),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in "
                                       "pyproject.toml)."),
) -> None:
    """Find the tracking calls in source code and check them against a plan: coverage,
    unplanned events and properties, misspelled names, wrong literal values."""
    project = settings_or_exit(config)
    try:
        settings = from_config(project.section("scan"), project.file or "configuration")
        if fail_on:
            settings = _with(settings, fail_on=parse_fail_on(fail_on))
    except SettingsError as exc:
        raise usage_error(str(exc)) from None
    if exclude:
        settings = _with(settings, exclude=(*settings.exclude, *exclude))
    if no_gitignore:
        settings = _with(settings, gitignore=False)
    try:
        plan_path = find_plan(plan or settings.plan, project.plans_dir)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    loaded = load_or_exit(plan_path)
    assert isinstance(loaded, Plan)
    targets = list(paths) if paths else list(settings.paths)
    reports = report_targets(format, output)
    guard_outputs(reports, [*loaded.files, project.file, *_sources(reports, targets, settings)])
    with ProgressLine(enabled=progress_wanted(format, output)) as line:
        try:
            result = run_scan(loaded, targets, settings, progress=line.update)
        except WalkError as exc:
            raise usage_error(str(exc)) from None
    emit(result, format, output, fail_on=Severity.ERROR)
    failed = any(d.severity is Severity.ERROR for d in result.diagnostics)
    raise typer.Exit(int(failed))


def _sources(reports: list[Path | None], targets: list[str],
             settings: ScanSettings) -> list[str]:
    """The source files the scan reads, when a report goes to a file that could be one."""
    if all(target is None or str(target) == "-" for target in reports):
        return []
    try:
        return [entry.path for entry in walk(targets, exclude=settings.exclude,
                                             gitignore=settings.gitignore)
                if isinstance(entry, SourceFile)]
    except WalkError:
        return []  # the scan itself reports it


def _with(settings: ScanSettings, **changes: object) -> ScanSettings:
    from dataclasses import replace

    return replace(settings, **changes)  # type: ignore[arg-type]


def progress_wanted(formats: list[str], outputs: list[Path]) -> bool:
    """A progress line only for a person at a terminal: stderr is a terminal, not under CI,
    and no machine-readable report goes to standard output (it may be piped on)."""
    if os.environ.get("CI") or not sys.stderr.isatty():
        return False
    for index, name in enumerate(formats or ["auto"]):
        to_stdout = index >= len(outputs) or str(outputs[index]) == "-"
        if to_stdout and resolve_format(name) != "text":
            return False
    return True


class ProgressLine:
    """A transient rich progress bar on stderr, shown once a scan has enough files."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: object | None = None
        self._task: object | None = None

    def __enter__(self) -> ProgressLine:
        return self

    def update(self, done: int, total: int, path: str) -> None:
        if not self.enabled or total < PROGRESS_MIN_FILES:
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        if self._progress is None:
            progress = Progress(TextColumn("scanning"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("files {task.fields[rate]}"),
                                console=Console(stderr=True), transient=True)
            progress.start()
            self._task = progress.add_task("scan", total=total, rate="")
            self._progress = progress
            self._started = progress.get_time()
        assert isinstance(self._progress, Progress)
        elapsed = max(self._progress.get_time() - self._started, 1e-6)
        self._progress.update(self._task, completed=done,  # type: ignore[arg-type]
                              rate=f"({done / elapsed:.0f}/s)")

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        from rich.progress import Progress

        if isinstance(self._progress, Progress):
            self._progress.stop()
