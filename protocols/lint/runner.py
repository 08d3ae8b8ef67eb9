"""Run lint rules over plan files and stamp configured severities on the findings."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from protocols.config import Config
from protocols.diagnostics import Diagnostic, Severity, format_path, sort_diagnostics
from protocols.lint.context import LintContext
from protocols.lint.registry import Rule, all_rules, get_rule
from protocols.plan.loader import LoadResult, discover_plan_files, display_path, load_plan_file
from protocols.yamlsrc import all_suppressions

INTERNAL_ERROR = "internal error"


class LintUsageError(ValueError):
    """Bad options: an unknown rule code or severity."""


@dataclass(frozen=True)
class LintOptions:
    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    severities: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LintReport:
    files: tuple[str, ...]
    diagnostics: tuple[Diagnostic, ...]
    suppressed: int = 0
    read: tuple[str, ...] = ()  # every file read: the plans and the libraries they import

    @property
    def summary(self) -> dict[str, int]:
        counts = {"files": len(self.files), "error": 0, "warning": 0, "info": 0,
                  "suppressed": self.suppressed}
        for diagnostic in self.diagnostics:
            counts[diagnostic.severity.value] += 1
        return counts


def resolve_rule(code_or_name: str) -> Rule:
    rule = get_rule(code_or_name)
    if rule is None:
        from protocols.naming import did_you_mean

        candidates = [r.code for r in all_rules()] + [r.name for r in all_rules()]
        hint = did_you_mean(code_or_name, candidates)
        raise LintUsageError(f"unknown rule {code_or_name!r}"
                             + (f"; did you mean {hint!r}?" if hint else ""))
    return rule


def _severity_table(config: Config, options: LintOptions,
                    plan_rules: Mapping[str, str]) -> dict[str, Severity]:
    table = {rule.code: rule.default for rule in all_rules()}
    layers: list[Mapping[str, str]] = [config.section("lint").get("rules", {}) or {},
                                       plan_rules, options.severities]
    for layer in layers:
        for key, value in layer.items():
            try:
                table[resolve_rule(key).code] = Severity.parse(str(value))
            except ValueError as exc:
                raise LintUsageError(str(exc)) from None
    select = [*config.section("lint").get("select", []), *options.select]
    ignore = [*config.section("lint").get("ignore", []), *options.ignore]
    if select:
        chosen = {_expand(item) for item in select}
        for code in table:
            if not any(code in group for group in chosen):
                table[code] = Severity.OFF
    for item in ignore:
        for code in _expand(item):
            table[code] = Severity.OFF
    return table


def _expand(item: str) -> frozenset[str]:
    """A rule code or name, a category (``naming``), or a code prefix (``PL2``)."""
    rules = all_rules()
    if item.lower() in {r.category for r in rules}:
        return frozenset(r.code for r in rules if r.category == item.lower())
    prefixed = frozenset(r.code for r in rules if r.code.startswith(item.upper()))
    if prefixed and not get_rule(item):
        return prefixed
    return frozenset({resolve_rule(item).code})


def _plan_rules(result: LoadResult) -> tuple[dict[str, str], list[Diagnostic]]:
    """The plan's own ``lint.rules``; a bad entry is a positioned finding in that plan (and is
    skipped), not a usage error, since the plan file is where it must be fixed."""
    if result.plan is None or result.source is None:
        return {}, []
    kept: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for key, value in result.plan.lint_rules.items():
        try:
            resolve_rule(key)
            Severity.parse(str(value))
        except (LintUsageError, ValueError) as exc:
            path = ("lint", "rules", key)
            where = result.source.key_location(path)
            problems.append(Diagnostic(
                "PL103", "invalid-value", Severity.ERROR, f"lint.rules: {exc}", where.file,
                where.line, where.column, path=format_path(path)))
            continue
        kept[key] = value
    return kept, problems


def lint_file(result: LoadResult, *, enabled: Collection[str] | None = None
              ) -> list[Diagnostic]:
    """Raw findings for one loaded file, at each rule's default severity.

    ``enabled`` limits the rules that run (codes); rules turned off are not run at all, which
    matters on large plans (near-duplicate detection compares names pairwise).
    """
    found = list(result.diagnostics)
    if result.source is None or not isinstance(result.data, dict):
        return found
    if result.plan is None and any(d.severity is Severity.ERROR
                                   and d.code in ("PL100", "PL102", "PL103") for d in found):
        # The document's shape is wrong even without the refused parts (a missing `plan:`,
        # a list for a mapping): other rules would only add noise. Otherwise the loader built
        # the plan without them and every rule runs.
        return found
    ctx = LintContext(result.file, result.data, result.source, result.plan, result.is_library)
    for rule in all_rules():
        if rule.check is not None and (enabled is None or rule.code in enabled):
            found.extend(_run_rule(rule, ctx))
    return found


def _run_rule(rule: Rule, ctx: LintContext) -> list[Diagnostic]:
    """A rule's findings; a bug in one rule becomes one finding instead of a traceback that
    would hide every other rule's findings (the tests treat such a finding as a failure)."""
    try:
        return list(rule.check(ctx)) if rule.check is not None else []
    except Exception as exc:
        return [rule.diagnostic(
            f"{INTERNAL_ERROR} in rule {rule.code} {rule.name} while checking this file "
            f"({type(exc).__name__}: {exc}); please report it with the file",
            ctx.value_location(()))]


def _ignored(result: LoadResult) -> dict[int, frozenset[str] | None]:
    """Inline ignore comments, and the ``x-protocols-ignore`` keys an import wrote for them."""
    if result.source is None:
        return {}
    return all_suppressions(result.data, result.source)


def lint_paths(paths: Sequence[str], *, config: Config | None = None,
               options: LintOptions | None = None) -> LintReport:
    config = config or Config()
    options = options or LintOptions()
    files = discover_plan_files(list(paths))
    _severity_table(config, options, {})  # validate options before reading any file
    kept: list[Diagnostic] = []
    suppressed = 0
    read: dict[str, None] = {}
    for path in files:
        result = load_plan_file(path)
        read.update(dict.fromkeys([str(path), *(result.plan.files if result.plan else ())]))
        found, ignored = lint_loaded(result, config=config, options=options)
        kept.extend(found)
        suppressed += ignored
    return LintReport(tuple(display_path(Path(p)) for p in files),
                      tuple(sort_diagnostics(kept)), suppressed, tuple(read))


def lint_loaded(result: LoadResult, *, config: Config | None = None,
                options: LintOptions | None = None) -> tuple[list[Diagnostic], int]:
    """Lint one file already read by :func:`~protocols.plan.loader.load_plan_file` (so a
    command that loads a plan lints it without reading it again): its findings at the
    configured severities, and how many inline ignores suppressed."""
    plan_rules, problems = _plan_rules(result)
    table = _severity_table(config or Config(), options or LintOptions(), plan_rules)
    ignored = _ignored(result)
    enabled = {code for code, level in table.items() if level is not Severity.OFF}
    kept: list[Diagnostic] = []
    suppressed = 0
    for diagnostic in [*problems, *lint_file(result, enabled=enabled)]:
        severity = table.get(diagnostic.code, diagnostic.severity)
        if severity is Severity.OFF:
            continue
        if diagnostic.line in ignored:
            codes = ignored[diagnostic.line]
            if codes is None or diagnostic.code in codes or diagnostic.name in codes:
                suppressed += 1
                continue
        kept.append(diagnostic.with_severity(severity))
    return kept, suppressed
