"""``protocols schema`` and ``protocols compile``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import typer

from protocols.cli.app import app
from protocols.cli.output import (
    chosen_out,
    guard_outputs,
    legacy_out_option,
    require_file,
    say,
    usage_error,
)
from protocols.fileguard import write_text
from protocols.jsontext import json_text
from protocols.plan import PlanError, load_plan
from protocols.plan.compiler import schema_file_names
from protocols.plan.formatcheck import plan_format_schema
from protocols.report import RenderOptions, RunResult
from protocols.report.text import render_text

MAX_NAME_BYTES = 255  # one file name, on the common file systems


def load_or_exit(path: Path) -> object:
    """Load a plan for a command, printing its errors and exiting 1 when it has any."""
    require_file(path, "plan")
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
    out: Path | None = typer.Option(None, "--out", metavar="DIR",
                                    help="Folder to write the schemas to."),
    legacy_out: Path | None = legacy_out_option("-o"),
) -> None:
    """Write one standalone draft 2020-12 JSON Schema per message kind of a plan."""
    from protocols.plan.model import Plan

    out = chosen_out(out, legacy_out, what="DIR")
    assert out is not None

    loaded = load_or_exit(plan)
    assert isinstance(loaded, Plan)
    files = {name: loaded.message_schema(spec) for name, spec in schema_file_names(loaded).items()}
    write_json_files(out, files, inputs=loaded.files)
    say(f"wrote {len(files)} schemas to {out}")


def write_json_files(out: Path, files: Mapping[str, object], *,
                     inputs: Sequence[str | None]) -> None:
    """Write ``{relative name: JSON value}`` under ``out``, but only once every file is known
    to be writable: all texts are made and every target checked first (none may be one of
    ``inputs``), so a bad name or a folder in the way leaves nothing half written. Each file
    is written atomically, with exact JSON text (lone surrogates escaped)."""
    texts: dict[str, str] = {}
    for name, value in files.items():
        try:
            texts[name] = json_text(value, indent=2) + "\n"
        except (TypeError, ValueError) as exc:  # the loader refuses such plans; be sure
            raise usage_error(f"cannot write {out / name}: {exc}") from None
    if out.exists() and not out.is_dir():
        raise usage_error(f"{out} is a file; give the folder to write into")
    for name in texts:
        target = out / name
        for part in Path(name).parts:
            if len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
                raise usage_error(f"cannot write {target}: the name {part[:40]!r}... is "
                                  f"longer than {MAX_NAME_BYTES} bytes")
        if target.is_dir():
            raise usage_error(f"cannot write {target}: a folder is in the way")
        for parent in target.parents:
            if parent == out or out not in parent.parents:
                break
            if parent.exists() and not parent.is_dir():
                raise usage_error(f"cannot write {target}: {parent} is a file")
    guard_outputs([out / name for name in texts], inputs)
    try:
        for name, text in texts.items():
            write_text(out / name, text)
    except OSError as exc:
        raise usage_error(f"cannot write to {out}: {exc.strerror or exc}") from None
