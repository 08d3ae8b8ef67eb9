"""protocols: tracking plans as code.

The public Python API::

    import protocols
    plan = protocols.load_plan("plans/ecommerce.yaml")
    for spec in plan.messages():
        schema = plan.message_schema(spec)   # standalone draft 2020-12 JSON Schema
"""

from protocols.__about__ import __version__
from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.plan import MessageSpec, Plan, PlanError, load_plan

__all__ = [
    "Diagnostic",
    "Location",
    "MessageSpec",
    "Plan",
    "PlanError",
    "Severity",
    "__version__",
    "load_plan",
]
