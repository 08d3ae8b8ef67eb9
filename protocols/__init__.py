"""protocols: tracking plans as code.

The public Python API::

    import protocols
    plan = protocols.load_plan("plans/ecommerce.yaml")
    for spec in plan.messages():
        schema = plan.message_schema(spec)   # standalone draft 2020-12 JSON Schema
    validator = protocols.Validator(plan)    # picklable; reuse it for every message
    diagnostics = validator.validate(message, file="events.ndjson", line=12)
"""

from protocols.__about__ import __version__
from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.plan import MessageSpec, Plan, PlanError, load_plan
from protocols.validate.check.checker import Validator
from protocols.validate.count.observations import (
    DriftCounter,
    DriftObservation,
    drift_observations,
    drift_report,
)
from protocols.validate.count.partial import PartialResult
from protocols.validate.lines import (
    LineChecker,
    LineVerdict,
    LogRecord,
    MessageVerdict,
    ParsedMessage,
    parse_line,
    parse_record,
    read_log_records,
)

__all__ = [
    "Diagnostic",
    "DriftCounter",
    "DriftObservation",
    "LineChecker",
    "LineVerdict",
    "Location",
    "LogRecord",
    "MessageSpec",
    "MessageVerdict",
    "ParsedMessage",
    "PartialResult",
    "Plan",
    "PlanError",
    "Severity",
    "Validator",
    "__version__",
    "drift_observations",
    "drift_report",
    "load_plan",
    "parse_line",
    "parse_record",
    "read_log_records",
]
