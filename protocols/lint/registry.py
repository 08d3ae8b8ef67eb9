"""The explicit registry of lint rules.

A rule is metadata plus a generator: a stable code (``PL201``), a readable name
(``event-case``), a category, a default severity, and ``check(ctx)`` yielding diagnostics.
Its docstring is its user documentation (docs/rules.md is checked against it). Rules whose
findings come from the loader (YAML syntax, unknown keys...) are registered with no check so
that they are documented, configurable and selectable like any other.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from protocols.diagnostics import Diagnostic, Location, Severity

if TYPE_CHECKING:
    from protocols.lint.context import LintContext

Check = Callable[["LintContext"], Iterable[Diagnostic]]

CATEGORIES = ("format", "naming", "quality")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    category: str
    default: Severity
    summary: str
    doc: str
    check: Check | None = None

    def diagnostic(self, message: str, location: Location, *, path: str | None = None,
                   suggestion: str | None = None, event: str | None = None) -> Diagnostic:
        return Diagnostic(code=self.code, name=self.name, severity=self.default,
                          message=message, file=location.file, line=location.line,
                          column=location.column, path=path, suggestion=suggestion, event=event)


RULES: dict[str, Rule] = {}
_BY_NAME: dict[str, Rule] = {}


def _register(rule: Rule) -> None:
    if rule.code in RULES or rule.name in _BY_NAME:
        raise ValueError(f"rule {rule.code} {rule.name} registered twice")
    if rule.category not in CATEGORIES:
        raise ValueError(f"rule {rule.code}: unknown category {rule.category}")
    RULES[rule.code] = rule
    _BY_NAME[rule.name] = rule


def rule(code: str, name: str, *, category: str, default: Severity,
         summary: str) -> Callable[[Check], Check]:
    """Register a check function as a rule; its docstring becomes the rule's documentation."""

    def decorate(check: Check) -> Check:
        _register(Rule(code, name, category, default, summary,
                       inspect.cleandoc(check.__doc__ or ""), check))
        return check

    return decorate


def loader_rule(code: str, name: str, *, category: str, default: Severity, summary: str,
                doc: str) -> None:
    """Register a rule whose findings the plan loader produces."""
    _register(Rule(code, name, category, default, summary, inspect.cleandoc(doc)))


def get_rule(code_or_name: str) -> Rule | None:
    """Look a rule up by code (case-insensitive) or by name."""
    return RULES.get(code_or_name.upper()) or _BY_NAME.get(code_or_name.lower())


def all_rules() -> list[Rule]:
    import protocols.lint.rules  # noqa: F401  (registers every rule module)

    return [RULES[code] for code in sorted(RULES)]
