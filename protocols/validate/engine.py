"""JSON Schema evaluation behind ``validate``: compile a schema once, run it per message.

This module is the seam between ``validate`` and the schema engine. Its contract:
``compile_validator(schema)`` returns a function from an instance to the list of
:class:`SchemaViolation` it breaks (empty when valid), with jsonschema's draft 2020-12
semantics (formats asserted). The reference implementation below wraps jsonschema; a faster
engine may replace it as long as the differential tests keep passing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaViolation:
    """One failed JSON Schema keyword.

    ``instance_path`` is where in the instance it failed, ``schema_path`` where in the schema
    the keyword sits. ``detail`` is keyword-specific: the missing name for ``required``, the
    unexpected names for ``additionalProperties``, the expected type(s) for ``type``.
    """

    keyword: str
    instance_path: PathKey
    schema_path: PathKey
    message: str
    value: Any = None
    detail: Any = None


SchemaCheck = Callable[[Any], list[SchemaViolation]]


def reference_validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    """jsonschema's draft 2020-12 validator with format assertion: the reference semantics."""
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def compile_validator(schema: Mapping[str, Any]) -> SchemaCheck:
    validator = reference_validator(schema)

    def check(instance: Any) -> list[SchemaViolation]:
        return [_convert(error) for error in _leaves(validator.iter_errors(instance))]

    return check


def _leaves(errors: Any) -> list[Any]:
    return list(errors)


def _convert(error: Any) -> SchemaViolation:
    keyword = str(error.validator)
    detail: Any = None
    if keyword == "required":
        missing = error.message.split("'")[1] if "'" in error.message else None
        detail = missing
    elif keyword == "additionalProperties" and isinstance(error.instance, dict):
        known = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
        detail = sorted(k for k in error.instance if k not in known)
    elif keyword == "type":
        detail = error.validator_value
    return SchemaViolation(keyword=keyword, instance_path=tuple(error.absolute_path),
                           schema_path=tuple(error.absolute_schema_path),
                           message=error.message, value=error.instance, detail=detail)
