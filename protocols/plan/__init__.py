"""Tracking plans: the model, the YAML loader and the JSON Schema compiler."""

from protocols.plan.loader import PlanError, load_plan, load_plan_file
from protocols.plan.model import MESSAGE_KINDS, MessageSpec, Plan

__all__ = ["MESSAGE_KINDS", "MessageSpec", "Plan", "PlanError", "load_plan", "load_plan_file"]
