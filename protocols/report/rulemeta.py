"""What reporters know about a code: descriptions, help, default level and docs link.

Lint codes come from the lint registry. Validate, diff and scan register their own codes in their
own registries; they (or anyone) make them known here by appending a lookup function to
:data:`LOOKUPS`. A code nobody describes still gets usable metadata built from the name the
diagnostic carries, so SARIF rules exist for every code a run produces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from protocols.diagnostics import Severity


@dataclass(frozen=True)
class RuleInfo:
    """Documentation of one code, as reporters show it."""

    code: str
    name: str
    summary: str  # one sentence
    doc: str  # Markdown; the rule's user documentation
    default: Severity
    documented: bool = True  # False when built from a diagnostic alone

    @property
    def anchor(self) -> str:
        from protocols.docgen import anchor

        return anchor(self.code, self.name)

    def help_uri(self, rules_url: str) -> str:
        return f"{rules_url}#{self.anchor}"

    @property
    def full_description(self) -> str:
        """The first paragraph of the documentation (SARIF ``fullDescription``)."""
        first = self.doc.strip().split("\n\n", 1)[0].strip()
        return " ".join(first.split()) or self.summary


Lookup = Callable[[str], RuleInfo | None]


class Described(Protocol):
    """What a code registry's entries have (lint's ``Rule``, validate's and diff's codes)."""

    @property
    def code(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def default(self) -> Severity: ...
    @property
    def summary(self) -> str: ...
    @property
    def doc(self) -> str: ...


def from_registry(registry: Mapping[str, Described]) -> Lookup:
    """A lookup over a ``{code: entry}`` registry: ``LOOKUPS.append(from_registry(CODES))``."""

    def lookup(code: str) -> RuleInfo | None:
        entry = registry.get(code)
        if entry is None:
            return None
        return RuleInfo(entry.code, entry.name, entry.summary, entry.doc, entry.default)

    return lookup


def _lint_lookup(code: str) -> RuleInfo | None:
    from protocols.lint.registry import RULES, all_rules

    all_rules()  # imports the rule modules (once), which register themselves
    rule = RULES.get(code)
    if rule is None:
        return None
    return RuleInfo(rule.code, rule.name, rule.summary, rule.doc, rule.default)


def _validate_lookup(code: str) -> RuleInfo | None:
    from protocols.validate.codes import CODES

    return from_registry(CODES)(code)


def _scan_lookup(code: str) -> RuleInfo | None:
    from protocols.scan.codes import CODES

    return from_registry(CODES)(code)


def _diff_lookup(code: str) -> RuleInfo | None:
    from protocols.diff.rules import get_change_rule

    rule = get_change_rule(code)
    if rule is None or rule.code != code:
        return None
    level = rule.level_for("all")
    doc = (f"{rule.summary}\n\nCategory: {rule.category}. Producers: {rule.producers.value}. "
           f"Consumers: {rule.consumers.value}.")
    if rule.failing:
        doc += f"\n\nExample: `{rule.failing}`"
    return RuleInfo(rule.code, rule.id, rule.summary.split(":")[0].rstrip(".") + ".", doc,
                    level.severity)


# Tried in order; the first that knows the code wins.
LOOKUPS: list[Lookup] = [_lint_lookup, _validate_lookup, _diff_lookup, _scan_lookup]


def rule_info(code: str, *, name: str, severity: Severity) -> RuleInfo:
    """Metadata for ``code``; ``name``/``severity`` (from a diagnostic) fill in unknown codes."""
    for lookup in LOOKUPS:
        info = lookup(code)
        if info is not None:
            return info
    words = name.replace("-", " ").replace("_", " ").strip() or code
    summary = f"{words[0].upper()}{words[1:]}."
    doc = f"{summary} See the `{code} {name}` section of the rules documentation."
    return RuleInfo(code, name, summary, doc, severity, documented=False)
