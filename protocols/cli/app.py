"""The typer application and the options every command shares."""

from __future__ import annotations

from typing import Any

import typer
import typer.core

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
  protocols import segment tracking-plan.json --out plans/shop.yaml
  protocols infer logs/*.ndjson --out plans/draft.yaml
  protocols serve --plan plans/ecommerce.yaml      (a local collector with a live page)
  protocols schema > plan.schema.json

Exit codes: 0 no findings at the failing level, 1 findings, 2 usage error.
Docs: docs/commands.md, docs/plan-format.md, docs/rules.md.
"""

# typer shows a parameter's Python type where help wants a word (`--plan <str>`,
# `paths... <list[str]>`); every command's parameters read as words instead: the parameter's
# own metavar, a word from this table, or its name in capitals. (The hooks are typer 0.28's
# `make_metavar` and `human_readable_name`, the version pyproject.toml pins.)
METAVARS = {
    "plan": "PLAN", "out": "PATH", "output": "FILE", "format": "FORMAT", "config": "FILE",
    "paths": "PATH", "inputs": "INPUT", "logs": "LOG", "file": "FILE", "select": "RULE",
    "ignore": "RULE", "rule": "CODE=LEVEL", "source_field": "FIELD", "max_examples": "N",
    "fail_on": "LEVEL", "good": "FILE", "bad": "FILE", "bad_reasons": "FILE", "jobs": "N",
    "lang": "LANG", "sdk": "SDK", "plan_id": "ID", "against": "REF", "audience": "WHO",
    "accepted": "FILE", "changelog": "FILE",
}


def _word(self: Any) -> str:
    name = self.name or "value"
    return self.metavar or METAVARS.get(name, name.upper().replace("_", "-"))


def _option_metavar(self: Any, ctx: Any) -> str:
    return _word(self)


def _argument_metavar(self: Any, ctx: Any, *, usage: bool = False) -> str:
    """An argument is shown by its word alone: `PATH` in its help line, `[PATH]...` (or
    `{INPUT}...` when required) in the usage line."""
    word = _word(self)
    if not usage:
        return word
    word = f"{{{word}}}" if self.required else f"[{word}]"
    return word + "..." if self.nargs != 1 else word


setattr(typer.core.TyperOption, "make_metavar", _option_metavar)  # noqa: B010
setattr(typer.core.TyperArgument, "make_metavar", _argument_metavar)  # noqa: B010
# (an error names it by the same word: "Missing argument 'INPUT'")
setattr(typer.core.TyperArgument, "human_readable_name", property(_word))  # noqa: B010

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
