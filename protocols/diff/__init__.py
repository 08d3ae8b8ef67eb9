"""``protocols diff``: compare plan versions (in git or as files), classify each change by
who it breaks, and check that the plan's semver ``version`` was bumped enough."""

from protocols.diff.compare import diff_plans
from protocols.diff.model import Change
from protocols.diff.rules import CHANGE_RULES, ChangeRule, Level, all_change_rules
from protocols.diff.run import DiffOptions, DiffUsageError, run_diff

__all__ = ["CHANGE_RULES", "Change", "ChangeRule", "DiffOptions", "DiffUsageError", "Level",
           "all_change_rules", "diff_plans", "run_diff"]
