"""``protocols diff``: what a plan change breaks, for whom, and the version bump it needs."""

from __future__ import annotations

import sys
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
    say,
    settings_or_exit,
    usage_error,
    write_file,
)
from protocols.diagnostics import Severity
from protocols.diff.accepted import DEFAULT_FILE, AcceptedChanges, AcceptedError, load_accepted
from protocols.diff.changelog import render_changelog
from protocols.diff.run import DiffOptions, DiffUsageError, run_diff
from protocols.diff.section import diff_section
from protocols.plan.loader import discover_plan_files
from protocols.report import RenderOptions, RunResult
from protocols.report.text import SECTIONS, render_text

SECTIONS["diff"] = diff_section

FAIL_ON: dict[str, Severity | None] = {
    "breaking": Severity.ERROR, "possibly-breaking": Severity.WARNING,
    "any": Severity.INFO, "never": None,
}
AUDIENCES = ("producers", "consumers", "all")


@app.command(epilog="""\b
Examples:
  protocols diff                               # every plan under plans/ vs the merge-base
  protocols diff plans/shop.yaml --against main
  protocols diff --against v1.4.0 --fail-on possibly-breaking
  protocols diff plans/shop.yaml --against old/shop.yaml --audience consumers
  protocols diff --changelog plan-changes.md --format json --output diff.json

\b
In a shallow CI clone, fetch the base first:
  git fetch origin main:refs/remotes/origin/main
Accept a known change in .protocols-accepted.yaml:
  - {rule: event-removed, event: Legacy Clicked, reason: Retired in 4.2}
Docs: docs/diff.md; every change rule: docs/rules.md.
""")
def diff(
    plan: Path | None = typer.Argument(None, help="The plan file, or a folder of plans "
                                       "(default: plans/); for a folder, plans added or "
                                       "removed are reported too."),
    against: str | None = typer.Option(None, "--against", help="A git ref (branch, tag, "
                                       "commit, origin/main) or a plan file. Default: the "
                                       "merge-base with the default branch."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="Exit 1 at this level: "
                                       "breaking (default), possibly-breaking, any, never."),
    audience: str | None = typer.Option(None, "--audience", help="Whose levels count: "
                                        "producers, consumers or all (default: the worse)."),
    accepted: Path | None = typer.Option(None, "--accepted", help="Accepted-changes file "
                                         f"(default: {DEFAULT_FILE} when present)."),
    changelog: Path | None = typer.Option(None, "--changelog", help="Also write the changes "
                                          "as a Markdown changelog (for a PR comment); - for "
                                          "standard output."),
    format: list[str] = typer.Option(["auto"], "--format", "-f", help=FORMAT_HELP),
    output: list[Path] = typer.Option([], "--output", "-o", help=OUTPUT_HELP),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in "
                                       "pyproject.toml)."),
) -> None:
    """Compare plan versions: list changes by level, check the version bump."""
    settings = settings_or_exit(config)
    section = settings.section("diff")
    level_name = fail_on or str(section.get("fail_on", "breaking"))
    if level_name not in FAIL_ON:
        raise usage_error(f"--fail-on takes one of {', '.join(FAIL_ON)}, got {level_name!r}")
    who = audience or str(section.get("audience", "all"))
    if who not in AUDIENCES:
        raise usage_error(f"--audience takes one of {', '.join(AUDIENCES)}, got {who!r}")
    plans_dir = Path(settings.plans_dir)
    if plan is not None and plan.is_dir():
        plans_dir = plan  # a folder of plans, like the default plans/
    options = DiffOptions(
        plan=None if plan is not None and plan.is_dir() else plan, against=against or section.get("against"), plans_dir=plans_dir,
        audience=who, accepted=_accepted(accepted or section.get("accepted")))
    read = ([str(options.plan)] if options.plan is not None else
            [str(f) for f in discover_plan_files([str(plans_dir)])] if plans_dir.is_dir() else [])
    guard_outputs([*report_targets(format, output), changelog],
                  [*read, options.against, options.accepted.file, settings.file])
    try:
        result = run_diff(options)
    except DiffUsageError as exc:
        if exc.diagnostics:
            shown = RunResult("lint", tuple(exc.diagnostics), {})
            typer.echo(render_text(shown, RenderOptions()), err=True, nl=False)
        raise usage_error(str(exc)) from None
    emit(result, format, output, fail_on=FAIL_ON[level_name])
    if changelog is not None:
        _write_changelog(result, changelog)
    raise typer.Exit(exit_code(result, FAIL_ON[level_name]))


def _accepted(path: Path | str | None) -> AcceptedChanges:
    target = Path(path) if path is not None else Path(DEFAULT_FILE)
    if not target.is_file():
        if path is not None:
            raise usage_error(f"no such accepted-changes file: {target}")
        return AcceptedChanges()
    try:
        return load_accepted(target, shown=target.as_posix())
    except AcceptedError as exc:
        for problem in exc.diagnostics:
            say(f"{problem.file}:{problem.line}:{problem.column}: {problem.message}", err=True)
        raise usage_error(f"{target} is not a valid accepted-changes file") from None


def _write_changelog(result: RunResult, target: Path) -> None:
    text = render_changelog(result)
    if str(target) == "-":
        sys.stdout.write(text)
        return
    write_file(target, text)
