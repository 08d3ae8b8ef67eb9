"""``protocols import``, ``protocols export`` and ``protocols infer``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import typer

from protocols.cli.app import app
from protocols.cli.output import (
    chosen_out,
    guard_outputs,
    legacy_out_option,
    require_file,
    say,
    usage_error,
    write_file,
)
from protocols.cli.plan_tools import load_or_exit, write_json_files
from protocols.interop.errors import InteropError
from protocols.jsontext import json_text

import_app = typer.Typer(name="import", no_args_is_help=True, rich_markup_mode=None,
                         help="Turn a Segment tracking plan or JSON Schema files into a plan.")
export_app = typer.Typer(name="export", no_args_is_help=True, rich_markup_mode=None,
                         help="Write a plan as a Segment tracking plan or JSON Schema files.")
app.add_typer(import_app, name="import")
app.add_typer(export_app, name="export")

_PLAN_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
OUT_HELP = "The plan file to write (YAML)."
FORCE_HELP = "Overwrite the output file if it exists."
PLAN_ID_HELP = "Plan id (lower-case letters, digits, '.', '_', '-'); default: from the file name."
MAX_NOTES = 40  # import notes repeated as comments at the top of the written plan


def _plan_out(out: Path | None, legacy: Path | None) -> Path:
    chosen = chosen_out(out, legacy, what="PLAN")
    assert chosen is not None
    if chosen.is_dir():
        raise usage_error(f"--out {chosen} is a folder; give the plan file to write "
                          "(e.g. plans/shop.yaml)")
    return chosen


def plan_id_for(out: Path, given: str | None) -> str:
    """The plan id given, or one made from the output file name."""
    if given is not None:
        if not _PLAN_ID.match(given):
            raise usage_error(f"--plan-id {given!r}: use lower-case letters, digits, '.', "
                              "'_', '-', starting with a letter or digit")
        return given
    made = re.sub(r"[^a-z0-9._-]+", "-", out.stem.lower()).strip("-._")
    return made or "imported"


def fail(exc: InteropError) -> typer.Exit:
    """Print a bad-input error (with its position) and return exit 1."""
    say(f"error: {exc}", err=True)
    return typer.Exit(1)


def check_out(out: Path, inputs: list[Any], *, force: bool) -> None:
    """Before reading anything: the plan to write is new (or --force) and is not an input."""
    guard_outputs([out], inputs)
    if out.exists() and not force:
        raise usage_error(f"{out} exists; pass --force to overwrite it")


def write_plan(data: dict[str, Any], warnings: list[str], out: Path, *, force: bool,
               header: list[str], comments: dict[Any, list[str]] | None = None) -> None:
    """Dump the plan, check that it loads, report warnings; exits 1 if it does not load."""
    from protocols.interop import dump_plan
    from protocols.interop.yamlout import round_trip_problem
    from protocols.plan import PlanError, load_plan

    if out.exists() and not force:
        raise usage_error(f"{out} exists; pass --force to overwrite it")
    notes = [*header]
    if warnings:
        notes += ["", "Notes:", *[f"- {w}" for w in warnings[:MAX_NOTES]]]
        if len(warnings) > MAX_NOTES:
            notes.append(f"- ... and {len(warnings) - MAX_NOTES} more (printed by the command)")
    messages = sum(len(data.get(section) or {}) for section in ("events", "pages", "screens"))
    messages += sum(1 for kind in ("identify", "group") if kind in data)
    if not messages:
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        typer.echo("error: nothing to plan: no message could be imported (see the warnings); "
                   f"{out} was not written", err=True)
        raise typer.Exit(1)
    text = dump_plan(data, header=notes, comments=comments)
    problem = round_trip_problem(data, text)
    if problem:
        say(f"error: cannot write the plan: {problem}; {out} was not written", err=True)
        raise typer.Exit(1)
    write_file(out, text)
    for warning in warnings:
        say(f"warning: {warning}", err=True)
    try:
        plan = load_plan(out)
    except PlanError as exc:  # a bug if it happens: say so plainly instead of hiding it
        for diagnostic in exc.diagnostics:
            say(f"error: {diagnostic.file}:{diagnostic.line}:{diagnostic.column}: "
                f"{diagnostic.message}", err=True)
        say(f"error: the plan written to {out} does not load; please report this", err=True)
        raise typer.Exit(1) from None
    counts = [f"{len(plan.events)} events"]
    counts += [kind for kind in ("identify", "group") if getattr(plan, kind) is not None]
    counts += [f"{len(plan.pages)} pages"] if plan.pages else []
    counts += [f"{len(plan.screens)} screens"] if plan.screens else []
    say(f"wrote {out}: {', '.join(counts)}"
               + (f"; {len(warnings)} warning(s)" if warnings else ""))


@import_app.command("segment", epilog="""\b
Examples:
  protocols import segment tracking-plan.json --out plans/shop.yaml
  protocols import segment export-v1.json --out plans/legacy.yaml --plan-id legacy
Reads the Public API v2 format (rules[] with key, type, version, jsonSchema) and the
Config API v1 format (rules.events[], identify_traits, group_traits).
""")
def import_segment(
    file: Path = typer.Argument(..., help="A Segment tracking plan export (JSON)."),
    out: Path | None = typer.Option(None, "--out", metavar="PLAN", help=OUT_HELP),
    plan_id: str | None = typer.Option(None, "--plan-id", help=PLAN_ID_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    legacy_out: Path | None = legacy_out_option("--output", "-o"),
) -> None:
    """Import a Segment tracking plan export into a plan file."""
    from protocols.interop.jsonio import read_json
    from protocols.interop.segment import segment_to_plan

    out = _plan_out(out, legacy_out)

    require_file(file, "Segment export")
    check_out(out, [file], force=force)
    identifier = plan_id_for(out, plan_id)
    try:
        data, warnings = segment_to_plan(read_json(file, str(file)), plan_id=identifier)
    except InteropError as exc:
        if exc.file is None:
            exc = InteropError(exc.message, file=str(file))
        raise fail(exc) from None
    write_plan(data, warnings, out, force=force,
               header=[f"Imported from the Segment export {file.name} by "
                       "`protocols import segment`."])


@import_app.command("jsonschema", epilog="""\b
Examples:
  protocols import jsonschema schemas/ --out plans/web.yaml
  protocols import jsonschema iglu/com.acme/ --out plans/snowplow.yaml
One event per file: the title (or file name) is the event name; Snowplow Iglu schemas
(self: {vendor, name, format, version}) are named by self.name, highest version kept.
""")
def import_jsonschema(
    paths: list[str] = typer.Argument(..., help="JSON Schema files or folders of them."),
    out: Path | None = typer.Option(None, "--out", metavar="PLAN", help=OUT_HELP),
    plan_id: str | None = typer.Option(None, "--plan-id", help=PLAN_ID_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    legacy_out: Path | None = legacy_out_option("--output", "-o"),
) -> None:
    """Import plain JSON Schema or Snowplow Iglu schema files into a plan file."""
    from protocols.interop.jsonschema_files import jsonschema_paths_to_plan, schema_files

    out = _plan_out(out, legacy_out)

    try:
        check_out(out, list(schema_files(paths)), force=force)
    except InteropError as exc:
        raise fail(exc) from None
    identifier = plan_id_for(out, plan_id)
    try:
        data, warnings = jsonschema_paths_to_plan(paths, plan_id=identifier)
    except InteropError as exc:
        raise fail(exc) from None
    write_plan(data, warnings, out, force=force,
               header=["Imported from JSON Schema files by `protocols import jsonschema`."])


@export_app.command("segment", epilog="""\b
Examples:
  protocols export segment plans/shop.yaml --out build/segment-plan.json
  protocols export segment plans/shop.yaml > plan.json
Writes the Public API v2 format: rules[] with key, type, version and a draft-07 jsonSchema.
""")
def export_segment(
    plan: Path = typer.Argument(..., help="The plan file."),
    out: Path | None = typer.Option(None, "--out", metavar="FILE",
                                    help="File to write (default: standard output)."),
    legacy_out: Path | None = legacy_out_option("--output", "-o"),
) -> None:
    """Export a plan as a Segment tracking plan (Public API v2 JSON)."""
    from protocols.interop.export import plan_to_segment
    from protocols.plan.model import Plan

    out = chosen_out(out, legacy_out, required=False)

    loaded = load_or_exit(plan)
    assert isinstance(loaded, Plan)
    guard_outputs([out], loaded.files)
    text = json_text(plan_to_segment(loaded), indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
        return
    write_file(out, text)
    say(f"wrote {out}: {sum(1 for _ in loaded.messages())} rules")


@export_app.command("jsonschema", epilog="""\b
Examples:
  protocols export jsonschema plans/shop.yaml --out build/schemas
Writes track/<event>.json, identify.json, group.json, page/<name>.json, screen/<name>.json:
draft 2020-12 schemas of whole messages (common properties included in each event).
""")
def export_jsonschema(
    plan: Path = typer.Argument(..., help="The plan file."),
    out: Path | None = typer.Option(None, "--out", metavar="DIR",
                                    help="Folder to write the schemas to."),
    legacy_out: Path | None = legacy_out_option("--output", "-o"),
) -> None:
    """Export a plan as a folder of JSON Schema files, one per message."""
    from protocols.interop.export import plan_to_jsonschemas
    from protocols.plan.model import Plan

    out = chosen_out(out, legacy_out, what="DIR")
    assert out is not None

    loaded = load_or_exit(plan)
    assert isinstance(loaded, Plan)
    files = plan_to_jsonschemas(loaded)
    write_json_files(out, dict(files), inputs=loaded.files)
    say(f"wrote {len(files)} schemas to {out}")


MAX_BROKEN_SHOWN = 20


@app.command(epilog="""\b
Examples:
  protocols infer logs/*.ndjson --out plans/draft.yaml
  protocols infer events.ndjson.gz batches.ndjson --out plans/draft.yaml --plan-id shop
Reads NDJSON (one message or {"batch": [...]} per line; .gz too). Lines that cannot be
read are reported with file:line and skipped; the exit code is then 1.
""")
def infer(
    logs: list[Path] = typer.Argument(..., help="NDJSON log files (optionally gzip), or "
                                      "folders of them."),
    out: Path | None = typer.Option(None, "--out", metavar="PLAN",
                                    help="The draft plan file to write."),
    plan_id: str | None = typer.Option(None, "--plan-id", help=PLAN_ID_HELP),
    force: bool = typer.Option(False, "--force", help=FORCE_HELP),
    legacy_out: Path | None = legacy_out_option("--output", "-o"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress line on the "
                               "terminal."),
) -> None:
    """Draft a plan from sample message logs: events, properties, types, drift."""
    from protocols.cli.progress import RunProgress, progress_wanted
    from protocols.infer import infer_plan
    from protocols.plan.loader import display_path

    out = _plan_out(out, legacy_out)

    from protocols.validate.read.inputs import STDIN, InputError, expand_inputs

    try:  # files, folders and globs, as `validate` reads them
        files = [Path(f) for f in expand_inputs([str(p) for p in logs]) if f != STDIN]
    except InputError as exc:
        raise usage_error(str(exc)) from None
    if not files:
        raise usage_error("no log files to read (infer reads files and folders, not stdin)")
    check_out(out, list(files), force=force)
    identifier = plan_id_for(out, plan_id)
    # (infer writes a plan file and a summary line, never a report to stdout)
    with RunProgress(enabled=progress_wanted(["text"], [], quiet=quiet), verb="inferring",
                     findings=False) as line:
        draft = infer_plan([(p, display_path(p)) for p in files], plan_id=identifier,
                           progress=line.update)
    seen = draft.collector
    for broken in seen.broken[:MAX_BROKEN_SHOWN]:
        say(f"warning: {broken}", err=True)
    if seen.broken_count > MAX_BROKEN_SHOWN:
        typer.echo(f"warning: ... and {seen.broken_count - MAX_BROKEN_SHOWN} more broken "
                   "lines", err=True)
    for what, count in sorted(seen.skipped.items()):
        typer.echo(f"note: skipped {count} {what} (nothing to plan)", err=True)
    limited = [f"{count} {what}" for what, count in sorted(seen.unplanned.items())]
    over_budget = seen.over_budget()
    if over_budget:
        limited.append(f"{over_budget} property values not planned (the limit of planned "
                       "places was reached; see the comments in the draft)")
    for what in limited:
        typer.echo(f"warning: {what}", err=True)
    if seen.messages == 0:
        typer.echo("error: no messages to infer a plan from", err=True)
        raise typer.Exit(1)
    drift = [f"{'.'.join(str(p) for p in path)}: also sent as "
             + ", ".join(repr(v) for v in variants) for path, variants in draft.drift.items()]
    header = [f"Draft inferred by `protocols infer` from {seen.messages} messages in "
              f"{len(files)} file(s); review it before use.",
              f"Broken lines skipped: {seen.broken_count}. Name drift found: {len(drift)} "
              "(see the `drift:` comments).",
              *(f"Over a limit, not planned: {what}." for what in limited)]
    write_plan(draft.data, [], out, force=force, header=header, comments=draft.comments)
    say(f"from {seen.messages} messages; {seen.broken_count} broken line(s) skipped; "
               f"{len(drift)} name(s) drifting")
    if seen.broken_count or limited:
        raise typer.Exit(1)
