"""``protocols lint``: rules over plan files."""

from protocols.lint.registry import RULES, Rule, get_rule
from protocols.lint.runner import LintOptions, LintReport, lint_paths

__all__ = ["RULES", "LintOptions", "LintReport", "Rule", "get_rule", "lint_paths"]
