"""``protocols schema`` and ``protocols compile``."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from protocols.cli.app import app
from protocols.cli.output import guard_outputs, say, usage_error, write_file
from protocols.jsontext import json_text
from protocols.plan import PlanError, load_plan
from protocols.plan.compiler import schema_file_names
from protocols.plan.formatcheck import plan_format_schema
from protocols.report import RenderOptions, RunResult
from protocols.report.text import render_text


def load_or_exit(path: Path) -> object:
    """Load a plan for a command, printing its errors and exiting 1 when it has any."""
    if not path.exists():
        raise usage_error(f"no such plan file: {path}")
    try:
        return load_plan(path)
    except PlanError as exc:
        result = RunResult("lint", tuple(exc.diagnostics), {"files": 1})
        typer.echo(render_text(result, RenderOptions()), err=True, nl=False)
        raise typer.Exit(1) from None


@app.command(epilog="""\b
Examples:
  protocols schema > plan.schema.json
Then start a plan file with:
  # yaml-language-server: $schema=./plan.schema.json
""")
def schema() -> None:
    """Print the JSON Schema of the plan file format (for editors and other tools)."""
    typer.echo(json.dumps(plan_format_schema(), indent=2))


@app.command(name="compile", epilog="""\b
Examples:
  protocols compile plans/shop.yaml --out build/schemas
Writes track/<event>.json, identify.json, group.json, page/<name>.json, screen/<name>.json.
""")
def compile_(
    plan: Path = typer.Argument(..., help="The plan file."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the schemas to."),
) -> None:
    """Write one standalone draft 2020-12 JSON Schema per message kind of a plan."""
    from protocols.plan.model import Plan

    loaded = load_or_exit(plan)
    assert isinstance(loaded, Plan)
    names = schema_file_names(loaded)
    guard_outputs([out / name for name in names], loaded.files)
    for name, spec in names.items():
        write_file(out / name, json_text(loaded.message_schema(spec), indent=2) + "\n")
    say(f"wrote {len(names)} schemas to {out}")
