"""``protocols lint``."""

from __future__ import annotations

from pathlib import Path

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
from protocols.diagnostics import Severity
from protocols.lint import LintOptions, lint_paths
from protocols.lint.runner import LintUsageError
from protocols.report import RunResult


@app.command(epilog="""\b
Examples:
  protocols lint                       # every plan under plans/
  protocols lint plans/shop.yaml --format json
  protocols lint --select naming --ignore PL205
  protocols lint --rule PL301=error --strict

Silence one finding with a comment on its line (or the line above):
  orderId: {type: string}  # protocols: ignore[PL202]
""")
def lint(
    paths: list[str] = typer.Argument(None, help="Plan files or folders (default: plans/)."),
    select: list[str] = typer.Option([], "--select", help="Only these rules: codes, names, "
                                     "categories (format, naming, quality) or prefixes (PL2)."),
    ignore: list[str] = typer.Option([], "--ignore", help="Skip these rules (same forms)."),
    rule: list[str] = typer.Option([], "--rule", help="Set a severity: CODE=error|warning|info|off."),
    strict: bool = typer.Option(False, "--strict", help="Fail on warnings too."),
    format: list[str] = typer.Option(["auto"], "--format", "-f", help=FORMAT_HELP),
    output: list[Path] = typer.Option([], "--output", "-o", help=OUTPUT_HELP),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in pyproject.toml)."),
) -> None:
    """Check plan files: format, JSON Schema, naming conventions and collisions, quality."""
    settings = settings_or_exit(config)
    targets = list(paths or [settings.plans_dir])
    missing = [p for p in targets if not Path(p).exists()]
    if missing:
        raise usage_error(f"no such file or folder: {', '.join(missing)}")
    severities: dict[str, str] = {}
    for item in rule:
        code, sep, level = item.partition("=")
        if not sep:
            raise usage_error(f"--rule takes CODE=SEVERITY, got {item!r}")
        severities[code.strip()] = level.strip()
    try:
        report = lint_paths(targets, config=settings,
                            options=LintOptions(select, ignore, severities))
    except LintUsageError as exc:
        raise usage_error(str(exc)) from None
    if not report.files:
        raise usage_error(f"no plan files (*.yaml, *.yml) found in {', '.join(targets)}")
    result = RunResult("lint", report.diagnostics, report.summary)
    strict = strict or bool(settings.section("lint").get("strict", False))
    fail_on = Severity.WARNING if strict else Severity.ERROR
    guard_outputs(report_targets(format, output), [*report.read, settings.file])
    emit(result, format, output, fail_on=fail_on)
    raise typer.Exit(exit_code(result, fail_on))
