"""``protocols validate``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from protocols.cli.app import app
from protocols.cli.output import (
    FORMAT_HELP,
    OUTPUT_HELP,
    emit,
    guard_outputs,
    lists_every_finding,
    report_targets,
    require_file,
    settings_or_exit,
    usage_error,
)
from protocols.cli.progress import RunProgress, progress_wanted
from protocols.diagnostics import Severity

if TYPE_CHECKING:
    from protocols.config import Config
    from protocols.report.base import RunResult

# (validate.drift's; the core is imported when the command runs: tests/test_startup.py)
DEFAULT_SOURCE_FIELD = "context.library.name"
FAIL_ON = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}


def run_settings(config: Path | None, fail_on: str | None, max_examples: int | None
                 ) -> tuple[Config, Mapping[str, Any], str, int]:
    """The settings of a validate run (the command's and the Spark job's): the configuration,
    its ``validate`` section, the ``--fail-on`` level and the examples cap, options first."""
    settings = settings_or_exit(config)
    section = settings.section("validate")
    level = fail_on or str(section.get("fail_on", "error"))
    if level not in FAIL_ON:
        raise usage_error(f"--fail-on takes error, warning or never, not {level!r}")
    examples = max_examples if max_examples is not None else section.get("max_examples", 5)
    if not isinstance(examples, int) or examples < 0:
        raise usage_error(f"max_examples must be a whole number >= 0, not {examples!r}")
    return settings, section, level, examples


def finish_run(result: RunResult, formats: list[str], outputs: list[Path], level: str
               ) -> NoReturn:
    """Write a validate run's reports (the command's and the Spark job's), let go of its
    findings log, and exit: 1 when a finding is at ``level`` or above."""
    from protocols.validate.count.findings import FindingsLog

    try:
        emit(result, formats, outputs, fail_on=FAIL_ON[level])
    finally:
        if isinstance(result.findings, FindingsLog):
            result.findings.close()
    threshold = FAIL_ON[level]
    counts = result.summary["by_severity"]
    failed = threshold is not None and any(
        counts.get(s.value, 0) for s in Severity if s.rank >= threshold.rank and s.rank > 0)
    raise typer.Exit(int(failed))


@app.command(epilog="""\b
Examples:
  protocols validate --plan plans/ecommerce.yaml examples/
  protocols validate events.ndjson.gz --source-field context.app.name
  cat events.ndjson | protocols validate --plan ecommerce - --format json
  protocols validate logs/*.ndjson --good good.ndjson --bad bad.ndjson \\
      --bad-reasons bad.reasons.ndjson
  protocols validate big-log.ndjson --jobs auto
Inputs: NDJSON, a JSON array, one message, {"batch": [...]} (per file or per line), .gz.
Exit codes: 0 clean, 1 findings at --fail-on or above, 2 usage error.
""")
def validate(
    inputs: list[str] = typer.Argument(..., metavar="INPUT",
                                       help="Log files, folders, globs, or - for stdin."),
    plan: str | None = typer.Option(None, "--plan", "-p", help="Plan file or plan id under "
                                    "the plans folder (default: the only plan there)."),
    source_field: str | None = typer.Option(None, "--source-field", help="Dotted path of the "
                                            f"field naming a message's source (default: "
                                            f"{DEFAULT_SOURCE_FIELD})."),
    max_examples: int | None = typer.Option(None, "--max-examples", min=0, help="Findings "
                                            "shown per code and event in the text, Markdown, "
                                            "JUnit and GitHub reports (default 5); json, "
                                            "sarif and gitlab list every finding."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="error (default), warning or "
                                       "never. Messages with findings at this level are "
                                       "invalid."),
    good: Path | None = typer.Option(None, "--good", help="Write valid messages here, "
                                     "unchanged."),
    bad: Path | None = typer.Option(None, "--bad", help="Write invalid and unparseable "
                                    "messages here, unchanged."),
    bad_reasons: Path | None = typer.Option(None, "--bad-reasons", help="NDJSON: why each "
                                            "record of --bad is bad (file, line, codes)."),
    jobs: str | None = typer.Option(None, "--jobs", "-j", help="Worker processes: a number, "
                                    "or auto for one per core (default 1). Plain NDJSON files "
                                    "are split by line; the report is the same as with 1."),
    format: list[str] = typer.Option(["auto"], "--format", "-f", help=FORMAT_HELP),
    output: list[Path] = typer.Option([], "--output", "-o", help=OUTPUT_HELP),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in "
                                       "pyproject.toml)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress line on the "
                               "terminal."),
) -> None:
    """Validate event logs against a plan and report naming drift between sources."""
    from protocols.cli.plan_tools import load_or_exit
    from protocols.plan.model import Plan
    from protocols.validate.parallel import jobs_from
    from protocols.validate.planref import find_plan
    from protocols.validate.read.sources import InputError, expand_inputs
    from protocols.validate.run import ValidateOptions, validate_inputs

    settings, section, level, examples = run_settings(config, fail_on, max_examples)
    reference = plan or section.get("plan")
    if reference is not None and Path(str(reference)).is_dir():
        require_file(Path(str(reference)), "plan")
    try:
        plan_path = find_plan(reference, settings.plans_dir)
        files = expand_inputs(inputs)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    if bad_reasons is not None and bad is None:
        raise usage_error("--bad-reasons explains the lines of --bad: pass --bad FILE too")
    try:
        processes = jobs_from(jobs if jobs is not None else str(section.get("jobs", 1)))
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    loaded = load_or_exit(plan_path)
    assert isinstance(loaded, Plan)
    guard_outputs([good, bad, bad_reasons, *report_targets(format, output)],
                  [*loaded.files, *files, settings.file])
    options = ValidateOptions(
        source_field=source_field or str(section.get("source_field", DEFAULT_SOURCE_FIELD)),
        max_examples=examples, fail_on=FAIL_ON[level], good=good, bad=bad,
        bad_reasons=bad_reasons, jobs=processes, every_finding=lists_every_finding(format))
    with RunProgress(enabled=progress_wanted(format, output, quiet=quiet),
                     verb="validating") as line:
        try:
            result = validate_inputs(loaded, files, options,
                                     progress=line.update if line.enabled else None)
        except OSError as exc:
            raise usage_error(f"cannot write: {exc}") from None
    # The quarantine files are complete and closed here, whatever the reports do next.
    finish_run(result, format, output, level)
