"""The typer application and the options every command shares."""

from __future__ import annotations

import typer

from protocols.__about__ import __version__

HELP = """Tracking plans as code: lint plans, validate event logs against them, find naming
drift between sources, generate typed tracking code, check what the source code sends, and
diff plan versions.

\b
Examples:
  protocols lint plans/
  protocols validate --plan plans/ecommerce.yaml examples/ --format github
  protocols generate --lang typescript --sdk analytics-node --out src/tracking
  protocols scan src/ --plan plans/ecommerce.yaml
  protocols diff plans/ecommerce.yaml --against origin/main
  protocols import segment tracking-plan.json -o plans/shop.yaml
  protocols infer logs/*.ndjson -o plans/draft.yaml
  protocols schema > plan.schema.json

Exit codes: 0 no findings at the failing level, 1 findings, 2 usage error.
Docs: docs/commands.md, docs/plan-format.md, docs/rules.md.
"""

app = typer.Typer(
    name="protocols",
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"protocols {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Tracking plans as code."""
