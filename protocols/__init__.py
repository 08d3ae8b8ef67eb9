"""protocols: tracking plans as code.

The public Python API::

    import protocols
    plan = protocols.load_plan("plans/ecommerce.yaml")
    for spec in plan.messages():
        schema = plan.message_schema(spec)   # standalone draft 2020-12 JSON Schema
    validator = protocols.Validator(plan)    # picklable; reuse it for every message
    diagnostics = validator.validate(message, file="events.ndjson", line=12)
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from protocols.__about__ import __version__

if TYPE_CHECKING:
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

# The names of the API are imported when first used, not with the package: the command line
# imports this package first, and `protocols --version` needs none of the plan loader or the
# schema engine (jsonschema and its dependencies take a tenth of a second to import).
_LAZY = {
    "Diagnostic": "protocols.diagnostics",
    "Location": "protocols.diagnostics",
    "Severity": "protocols.diagnostics",
    "MessageSpec": "protocols.plan",
    "Plan": "protocols.plan",
    "PlanError": "protocols.plan",
    "load_plan": "protocols.plan",
    "Validator": "protocols.validate.check.checker",
    "DriftCounter": "protocols.validate.count.observations",
    "DriftObservation": "protocols.validate.count.observations",
    "drift_observations": "protocols.validate.count.observations",
    "drift_report": "protocols.validate.count.observations",
    "PartialResult": "protocols.validate.count.partial",
    "LineChecker": "protocols.validate.lines",
    "LineVerdict": "protocols.validate.lines",
    "LogRecord": "protocols.validate.lines",
    "MessageVerdict": "protocols.validate.lines",
    "ParsedMessage": "protocols.validate.lines",
    "parse_line": "protocols.validate.lines",
    "parse_record": "protocols.validate.lines",
    "read_log_records": "protocols.validate.lines",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'protocols' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The API (loaded or not), submodules already imported and the module's own dunders;
    not the helpers this file imports for itself (``Any``, ``import_module``...)."""
    own = [name for name, value in globals().items()
           if isinstance(value, ModuleType) or (name.startswith("__") and name.endswith("__"))]
    return sorted({*own, *__all__})


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
