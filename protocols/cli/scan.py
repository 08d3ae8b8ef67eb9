"""``protocols scan``: flags and ``[tool.protocols.scan]`` -> settings -> the scan -> reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from protocols.cli.app import app
from protocols.cli.output import (
    FORMAT_HELP,
    OUTPUT_HELP,
    emit,
    exit_code,
    guard_outputs,
    report_targets,
    settings_or_exit,
    usage_error,
)
from protocols.cli.progress import FileProgress, progress_wanted
from protocols.diagnostics import Severity

if TYPE_CHECKING:
    from protocols.scan.settings import ScanSettings
    from protocols.scan.walk import Skipped, SourceFile

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
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress line on the "
                               "terminal."),
) -> None:
    """Find the tracking calls in source code and check them against a plan: coverage,
    unplanned events and properties, misspelled names, wrong literal values."""
    from protocols.cli.plan_tools import load_or_exit
    from protocols.plan.model import Plan
    from protocols.scan.run import run_scan
    from protocols.scan.settings import SettingsError, from_config, parse_fail_on
    from protocols.scan.walk import SourceFile, WalkError
    from protocols.validate.planref import find_plan
    from protocols.validate.read.sources import InputError

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
    walked = _walked(reports, targets, settings)
    sources = [e.path for e in walked or () if isinstance(e, SourceFile)]
    guard_outputs(reports, [*loaded.files, project.file, *sources])
    with FileProgress(enabled=progress_wanted(format, output, quiet=quiet),
                      minimum=PROGRESS_MIN_FILES) as line:
        try:
            result = run_scan(loaded, targets, settings, progress=line.update, walked=walked)
        except WalkError as exc:
            raise usage_error(str(exc)) from None
    emit(result, format, output, fail_on=Severity.ERROR)
    raise typer.Exit(exit_code(result, Severity.ERROR))


def _walked(reports: list[Path | None], targets: list[str],
            settings: ScanSettings) -> list[SourceFile | Skipped] | None:
    """The walk of the targets, done before the scan when a report goes to a file that
    could be one of the sources (the scan then reuses it); None otherwise."""
    from protocols.scan.walk import WalkError, walk

    if all(target is None or str(target) == "-" for target in reports):
        return None
    try:
        return list(walk(targets, exclude=settings.exclude, gitignore=settings.gitignore))
    except WalkError:
        return None  # the scan walks again and reports it


def _with(settings: ScanSettings, **changes: object) -> ScanSettings:
    from dataclasses import replace

    return replace(settings, **changes)  # type: ignore[arg-type]
