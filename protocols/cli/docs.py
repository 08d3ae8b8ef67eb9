"""``protocols docs``: the plan as a browsable data dictionary (HTML site or Markdown)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from protocols.__about__ import __version__
from protocols.cli.app import app
from protocols.cli.output import guard_outputs, settings_or_exit, usage_error

if TYPE_CHECKING:
    from protocols.plan.model import Plan


@app.command(epilog="""\b
Examples:
  protocols docs --out site/                      # every plan under plans/, as HTML
  protocols docs --plan plans/ecommerce.yaml --out site/ && open site/index.html
  protocols docs --format markdown --out docs/tracking/
  protocols docs --plan shop --plan billing --out public/ --no-history
The site is one folder of static pages (no network, no CDN): open index.html from disk or
publish the folder on any static host. Same plans, same bytes: commit it or diff it in CI.
Only files an earlier run wrote are replaced or removed. Docs: docs/docs-site.md.
""")
def docs(
    plan: list[str] = typer.Option([], "--plan", "-p", help="Plan file or plan id under the "
                                   "plans folder; repeat for several (default: every plan "
                                   "there)."),
    out: Path = typer.Option(..., "--out", "-o", help="Folder to write the site to (created "
                             "if missing)."),
    format: str = typer.Option("html", "--format", "-f", help="html (a static site with "
                               "search) or markdown (for docs in a repository)."),
    history: bool = typer.Option(True, "--history/--no-history", help="Build each plan's "
                                 "changelog from git history (default: on when the plan is "
                                 "in a git repository)."),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in "
                                       "pyproject.toml)."),
) -> None:
    """Write a data dictionary of the plan: a page per event, page, screen and traits set."""
    from protocols.docsite import DocsError, build_files, collect_site, write_site
    from protocols.docsite.output import FORMATS

    if format not in FORMATS:
        raise usage_error(f"--format takes {' or '.join(FORMATS)}, not {format!r}")
    settings = settings_or_exit(config)
    plans = [_load(path) for path in _plan_files(plan, settings.plans_dir)]
    messages = sum(1 for p in plans for _ in p.messages())
    typer.echo(f"collecting {messages} messages from {len(plans)} "
               f"plan{'s' if len(plans) != 1 else ''}"
               + (" and their git history" if history else "") + "...", err=True)
    site = collect_site(plans, tool_version=__version__, history=history)
    files = build_files(site, format)
    typer.echo(f"rendered {len(files)} {format} pages; writing...", err=True)
    guard_outputs([out / name for name in files],
                  [f for p in plans for f in p.files] + [settings.file])
    try:
        summary = write_site(files, out, format)
    except DocsError as exc:
        raise usage_error(str(exc)) from None
    index = out / ("index.html" if format == "html" else "README.md")
    typer.echo(f"wrote {summary.written} files to {out} ({summary.unchanged} unchanged, "
               f"{summary.removed} removed) for {len(plans)} "
               f"plan{'s' if len(plans) != 1 else ''}; open {index}", err=True)


def _plan_files(references: list[str], plans_dir: str) -> list[Path]:
    from protocols.plan.loader import discover_plan_files, load_plan_file
    from protocols.validate.planref import find_plan
    from protocols.validate.read.sources import InputError

    if references:
        try:
            found = [find_plan(reference, plans_dir) for reference in references]
        except InputError as exc:
            raise usage_error(str(exc)) from None
        return list(dict.fromkeys(found))
    folder = Path(plans_dir)
    if not folder.is_dir():
        raise usage_error(f"no plans folder {plans_dir}/: pass --plan FILE")
    paths = [p for p in discover_plan_files([plans_dir]) if not load_plan_file(p).is_library]
    if not paths:
        raise usage_error(f"no plan found in {plans_dir}/: pass --plan FILE")
    return paths


def _load(path: Path) -> Plan:
    from protocols.cli.plan_tools import load_or_exit
    from protocols.plan.model import Plan

    loaded = load_or_exit(path)
    assert isinstance(loaded, Plan)
    return loaded
