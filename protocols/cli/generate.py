"""``protocols generate``: flags and ``[tool.protocols.generate]`` -> targets -> files."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand, TyperOption

from protocols.cli.app import app
from protocols.cli.output import (
    emit,
    guard_outputs,
    require_file,
    say,
    settings_or_exit,
    usage_error,
)
from protocols.diagnostics import Severity

if TYPE_CHECKING:
    from protocols.config import Config
    from protocols.diagnostics import Diagnostic


def _registry_helps() -> dict[str, str]:
    """The help of --lang, --sdk and --package, from the emitters' registry."""
    from protocols.generate import EMITTERS

    return {
        "lang": "Target language: " + "; ".join(
            f"{name} ({e.summary})" for name, e in EMITTERS.items()) + ".",
        "sdk": "SDK to wrap (default: the first): " + "; ".join(
            f"{' or '.join(e.sdks)} ({name})" for name, e in EMITTERS.items()) + ".",
        "package": "Package (namespace) of the generated code, for " + ", ".join(
            f"{name} (default {e.default_package})" for name, e in EMITTERS.items()
            if "package" in e.options) + ".",
    }


class _GenerateCommand(TyperCommand):
    """``generate``, whose help of --lang, --sdk and --package is read from the emitters'
    registry when the help is shown: the registry imports every emitter and its templates,
    which start-up does not need (tests/test_startup.py)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        helps = _registry_helps()
        for param in self.params:
            if isinstance(param, TyperOption) and param.name in helps:
                param.help = helps[param.name]
        super().format_help(ctx, formatter)


@dataclass(frozen=True)
class Target:
    lang: str
    out: Path
    plan: str | None
    sdk: str | None
    runtime_validation: bool
    package: str | None


@app.command("generate", cls=_GenerateCommand, epilog="""\b
Examples:
  protocols generate --lang python --out src/shop/tracking
  protocols generate --lang typescript --sdk analytics-next --out web/src/tracking
  protocols generate --lang typescript --out server/tracking --no-runtime-validation
  protocols generate --lang kotlin --package com.shop.tracking --out app/src/main/kotlin/com/shop/tracking
  protocols generate --lang java --package com.shop.tracking --out src/main/java/com/shop/tracking
  protocols generate --lang go --package tracking --out internal/tracking
  protocols generate --check          # CI: exit 1 and print a diff when files are stale
  protocols generate --lang python --out gen --force   # despite lint errors

\b
The plan is linted first: lint errors stop generation (a client runs in your app, so a
risky pattern or a broken reference there would hang or crash it). --force generates
anyway, leaving risky patterns out of runtime validation; what no client can carry at all
(an unresolvable $ref, an infinite number, an integer too large) is always refused.

\b
Settings can live in pyproject.toml, so CI and pre-commit need no flags:
  [tool.protocols.generate]
  plan = "plans/ecommerce.yaml"
  targets = [
    {lang = "python", out = "src/shop/tracking"},
    {lang = "typescript", sdk = "analytics-node", out = "server/tracking"},
    {lang = "kotlin", package = "com.shop.tracking", out = "app/src/main/kotlin/com/shop/tracking"},
  ]
""")
def generate_command(
    lang: str | None = typer.Option(None, "--lang", help="Target language."),
    out: Path | None = typer.Option(None, "--out", help="Folder to write the generated files to."),
    plan: str | None = typer.Option(None, "--plan", help="Plan file (default: the only plan "
                                    "under plans/)."),
    sdk: str | None = typer.Option(None, "--sdk", help="SDK to wrap (default: the first)."),
    package: str | None = typer.Option(None, "--package", help="Package (namespace) of the "
                                       "generated code."),
    runtime_validation: bool | None = typer.Option(
        None, "--runtime-validation/--no-runtime-validation",
        help="Check each call at runtime (default: on): Python and TypeScript against the "
        "plan's schemas, Go its enum values and required values left nil; no effect on Kotlin, "
        "Java and Swift, whose clients have no runtime validation."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 and print a "
                               "unified diff when the files on disk are stale."),
    force: bool = typer.Option(False, "--force", help="Generate even when lint finds errors "
                               "in the plan; risky patterns are left out of runtime "
                               "validation."),
    config: Path | None = typer.Option(None, "--config", help="Configuration file "
                                       "(default: .protocols.toml or [tool.protocols] in pyproject.toml)."),
) -> None:
    """Generate typed tracking clients (Python, TypeScript, Kotlin, Java...) from a plan."""
    from protocols.generate import (
        EMITTERS,
        GenerateError,
        GenerateOptions,
        UnsafePlanError,
        generate,
        stale_files,
        write_files,
    )
    from protocols.generate.safety import plan_findings

    settings = settings_or_exit(config)
    section = settings.section("generate")
    flags: dict[str, Any] = {"lang": lang, "out": out, "plan": plan, "sdk": sdk,
                             "runtime_validation": runtime_validation, "package": package}
    targets = _targets(section, flags, settings.file or "configuration", settings.plans_dir)
    stale_count = 0
    plans: dict[str, Any] = {}
    for target in targets:
        if target.out.exists() and not target.out.is_dir():
            raise usage_error(f"--out {target.out} is a file; give the folder to write into")
        plan_path = target.plan or _default_plan(settings.plans_dir)
        if plan_path not in plans:
            loaded = _load(plan_path)
            _lint_gate(plan_path, loaded, settings, force=force)
            plans[plan_path] = loaded.plan
        options = GenerateOptions(lang=target.lang, sdk=target.sdk, package=target.package,
                                  runtime_validation=target.runtime_validation, force=force)
        findings = plan_findings(plans[plan_path], lang=target.lang, force=force,
                                 patterns=EMITTERS[target.lang].runs_patterns)
        _show(findings, plan_path)
        try:
            files = generate(plans[plan_path], options, findings=findings)
        except UnsafePlanError:
            raise typer.Exit(1) from None  # already shown, positioned, by _show
        except GenerateError as exc:
            raise usage_error(str(exc)) from None
        if check:
            stale = stale_files(files, target.out, lang=target.lang)
            for item in stale:
                sys.stdout.write(item.diff)
            stale_count += len(stale)
            continue
        guard_outputs([target.out / relative for relative in files],
                      [*plans[plan_path].files, settings.file])
        try:
            written = write_files(files, target.out, lang=target.lang)
        except GenerateError as exc:
            raise usage_error(str(exc)) from None
        except OSError as exc:
            raise usage_error(f"cannot write to {target.out}: {exc.strerror or exc}") from None
        say(f"{target.lang}: {len(files)} file(s) in {target.out} "
                   f"({len(written)} changed) from {plan_path}")
    if check:
        if stale_count:
            typer.echo(f"{stale_count} generated file(s) are stale: run `protocols generate`",
                       err=True)
            raise typer.Exit(1)
        typer.echo("generated files are up to date")
    raise typer.Exit(0)


def _targets(section: Mapping[str, Any], flags: Mapping[str, Any], where: str,
             plans_dir: str) -> list[Target]:
    """Flags win over ``[generate]``; ``targets`` lists several when no --lang is given."""
    from protocols.config import generate_keys

    target_keys = generate_keys() - {"targets"}
    base = {k: v for k, v in section.items() if k != "targets"}
    given = {k: v for k, v in flags.items() if v is not None}
    configured = section.get("targets")
    if "lang" not in given and configured is not None:
        if not isinstance(configured, list) or not all(isinstance(t, Mapping) for t in configured):
            raise usage_error(f"{where}: [generate] targets must be a list of tables")
        entries = []
        for index, entry in enumerate(configured):
            unknown = set(entry) - target_keys
            if unknown:
                raise usage_error(f"{where}: unknown key {sorted(unknown)[0]!r} in [generate] "
                                  f"targets[{index}] (known: {', '.join(sorted(target_keys))})")
            entries.append({**base, **entry, **given})
    else:
        entries = [{**base, **given}]
    return [_target(entry, where) for entry in entries]


def _target(entry: Mapping[str, Any], where: str) -> Target:
    from protocols.generate import (
        EMITTERS,
        LANGUAGES,
        GenerateError,
        GenerateOptions,
        check_options,
    )

    lang = entry.get("lang")
    if lang is None:
        raise usage_error(f"say which language to generate: --lang {'|'.join(LANGUAGES)} "
                          "(or `lang` in [tool.protocols.generate])")
    if lang not in LANGUAGES:
        raise usage_error(f"unknown language {lang!r} (choose from {', '.join(LANGUAGES)})")
    out = entry.get("out")
    if out is None or not str(out):
        raise usage_error("say where to write the files: --out PATH "
                          "(or `out` in [tool.protocols.generate])")
    sdk = entry.get("sdk")
    choices = EMITTERS[lang].sdks
    if sdk is not None and sdk not in choices:
        raise usage_error(f"--sdk {sdk!r} does not fit {lang} (choose from {', '.join(choices)})")
    package = entry.get("package")
    if package is not None and not isinstance(package, str):
        raise usage_error(f"{where}: package must be a string such as \"com.example.tracking\", "
                          f"got {package!r}")
    validation = entry.get("runtime_validation", True)
    if not isinstance(validation, bool):
        raise usage_error(f"{where}: runtime_validation must be true or false, got {validation!r}")
    plan = entry.get("plan")
    if plan is not None and not isinstance(plan, str):
        raise usage_error(f"{where}: plan must be a path, got {plan!r}")
    target = Target(lang, Path(str(out)), plan, sdk, validation, package)
    try:  # the language checks its own options (a legal package name...) before any plan is read
        check_options(GenerateOptions(lang=lang, sdk=sdk, package=package,
                                      runtime_validation=validation))
    except GenerateError as exc:
        raise usage_error(str(exc)) from None
    return target


def _default_plan(plans_dir: str) -> str:
    from protocols.plan.loader import discover_plan_files

    found = [p for p in discover_plan_files([plans_dir]) if p.exists()] if Path(plans_dir).is_dir() else []
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise usage_error(f"no plan given and none found under {plans_dir}/: use --plan PLAN")
    raise usage_error(f"{len(found)} plan files under {plans_dir}/: choose one with --plan PLAN")


def _lint_gate(plan_path: str, loaded: Any, settings: Config, *, force: bool) -> None:
    """Lint errors stop generation, unless --force (then they are only counted)."""
    from protocols.diagnostics import sort_diagnostics
    from protocols.lint.runner import lint_loaded
    from protocols.report import RenderOptions, RunResult
    from protocols.report.text import render_text

    found, _ = lint_loaded(loaded, config=settings)
    errors = tuple(d for d in sort_diagnostics(found) if d.severity is Severity.ERROR)
    if not errors:
        return
    if force:
        say(f"warning: {plan_path} has {len(errors)} lint error(s); generating anyway "
            "(--force)", err=True)
        return
    typer.echo(render_text(RunResult("lint", errors, {"files": 1}), RenderOptions()),
               err=True, nl=False)
    say(f"error: {plan_path} has lint errors; fix them, or pass --force to generate anyway "
        "(risky patterns are then left out of runtime validation)", err=True)
    raise typer.Exit(1)


def _show(findings: list[Diagnostic], plan_path: str) -> None:
    """Print generate's own findings (what a client cannot carry) on standard error."""
    from protocols.report import RenderOptions, RunResult
    from protocols.report.text import render_text

    if not findings:
        return
    typer.echo(render_text(RunResult("generate", tuple(findings), {"files": 1}),
                           RenderOptions()), err=True, nl=False)
    if any(d.severity is Severity.ERROR for d in findings):
        say(f"error: no client can carry this part of {plan_path}; fix the plan", err=True)


def _load(plan_path: str) -> Any:
    """The plan file read once (a LoadResult), for the lint gate and for generating; exits 1
    with its errors when it has any."""
    from protocols.plan import PlanError
    from protocols.plan.loader import load_plan_file, plan_of
    from protocols.report import RunResult

    require_file(Path(plan_path), "plan")
    result = load_plan_file(plan_path)
    try:
        plan_of(result)
        return result
    except PlanError as exc:
        emit(RunResult("generate", tuple(exc.diagnostics),
                       {"files": 1, "error": len(exc.diagnostics)}), ["text"], None)
        say(f"error: {plan_path} has errors; fix them before generating code", err=True)
        raise typer.Exit(1) from None
