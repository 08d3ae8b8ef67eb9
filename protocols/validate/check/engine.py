"""JSON Schema evaluation behind ``validate``: compile a schema once, run it per message.

This module is the seam between ``validate`` and the schema engine. Its contract:
``compile_validator(schema)`` returns a function from an instance to the list of
:class:`SchemaViolation` it breaks (empty when valid), with jsonschema's draft 2020-12
semantics (formats asserted).

The work is done by ``fastschema``, which compiles the schema into closures that return the
same violations jsonschema would, an order of magnitude faster. Schemas that use what it does
not compile (``unevaluated*``, ``$dynamicRef``, remote references...) are run by jsonschema
itself (:func:`reference_validator`), with the keywords that search patterns replaced by the
time-bounded search (and the few others fallback.py lists). Both paths are held equal by
tests/test_engine_differential.py and the official JSON Schema Test Suite
(tests/test_engine_suite.py).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from typing import Any

import jsonschema
import referencing.exceptions
from jsonschema.exceptions import ValidationError

from protocols.schemarefs import OFFLINE_REGISTRY
from protocols.validate.check.fallback import additional_names, bounded_validator_class
from protocols.validate.check.fastschema import Unsupported, compile_schema_parts
from protocols.validate.check.violation import PathKey, SchemaViolation

__all__ = ["PathKey", "SchemaCheck", "SchemaPredicate", "SchemaViolation", "compile_checks",
           "compile_validator", "reference_validator"]

SchemaCheck = Callable[[Any], list[SchemaViolation]]
SchemaPredicate = Callable[[Any], bool]


def reference_validator(schema: Mapping[str, Any]) -> jsonschema.protocols.Validator:
    """jsonschema's draft 2020-12 validator with format assertion: the reference semantics.

    Offline: a reference to another document is never fetched or opened (it is unresolvable).
    """
    cls = jsonschema.Draft202012Validator
    return cls(schema, format_checker=cls.FORMAT_CHECKER, registry=OFFLINE_REGISTRY)


def compile_validator(schema: Mapping[str, Any]) -> SchemaCheck:
    """Compile once; the returned check is cheap per instance and safe to call repeatedly.

    The result holds closures, so it is not picklable: a picklable owner (``Validator``)
    keeps the schema and calls this again after unpickling.
    """
    return compile_checks(schema)[1]


def compile_checks(schema: Mapping[str, Any]) -> tuple[SchemaPredicate, SchemaCheck]:
    """:func:`compile_validator`, and a yes/no check of the same schema (``valid(instance)``
    is ``not check(instance)``, without building any violation)."""
    try:
        return compile_schema_parts(schema)
    except Unsupported:
        return _fallback(schema)


def _fallback(schema: Mapping[str, Any]) -> tuple[SchemaPredicate, SchemaCheck]:
    cls = bounded_validator_class()
    validator = cls(schema, format_checker=cls.FORMAT_CHECKER, registry=OFFLINE_REGISTRY)

    def valid(instance: Any) -> bool:
        try:
            return next(iter(validator.iter_errors(instance)), None) is None
        except (referencing.exceptions.Unresolvable, re.error):
            return False

    def check(instance: Any) -> list[SchemaViolation]:
        try:
            return [convert(error) for error in validator.iter_errors(instance)]
        except referencing.exceptions.Unresolvable as error:
            return [unresolvable(error, instance)]
        except re.error as error:
            return [unreadable_pattern(error, instance)]

    return valid, check


def unresolvable(error: referencing.exceptions.Unresolvable, instance: Any) -> SchemaViolation:
    """A reference the schema cannot follow, as a finding: never fetched, never a crash."""
    return SchemaViolation(
        keyword="$ref", instance_path=(), schema_path=("$ref",),
        message=f"the schema's reference {error.ref!r} cannot be resolved inside the plan "
                "(protocols never fetches or opens other documents), so this value was not "
                "checked", value=instance, detail="unchecked")


def unreadable_pattern(error: re.error, instance: Any) -> SchemaViolation:
    """A ``patternProperties`` key that is no regular expression, met where jsonschema
    searches it itself (which names ``unevaluatedProperties`` may skip): a finding, as the
    bounded search reports it elsewhere, never a crash."""
    return SchemaViolation(
        keyword="patternProperties", instance_path=(), schema_path=("patternProperties",),
        message=f"the schema's pattern {error.pattern!r} is not a regular expression "
                f"({error}), so this value was not checked", value=instance,
        detail="unchecked")


def convert(error: ValidationError) -> SchemaViolation:
    """A jsonschema error as a :class:`SchemaViolation` (``detail`` as documented there)."""
    keyword = "false" if error.validator is None else str(error.validator)
    detail: Any = None
    if keyword == "required":
        detail = _quoted_name(error.message, " is a required property")
    elif keyword == "dependentRequired":
        detail = _quoted_name(error.message.split(" is a dependency of ")[0], "")
    elif keyword == "additionalProperties" and isinstance(error.instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        detail = sorted(additional_names(error.instance, schema), key=str)
    elif keyword in ("type", "format"):
        detail = error.validator_value
    elif keyword in ("pattern", "patternProperties") and \
            " was not checked against " in error.message:
        detail = "unchecked"
    return SchemaViolation(keyword=keyword, instance_path=tuple(error.absolute_path),
                           schema_path=tuple(error.absolute_schema_path),
                           message=error.message, value=error.instance, detail=detail)


def _quoted_name(message: str, suffix: str) -> Any:
    """The name jsonschema wrote with ``repr`` at the start of the message."""
    text = message[: len(message) - len(suffix)] if suffix and message.endswith(suffix) else message
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text

