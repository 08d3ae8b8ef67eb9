"""Fused fast paths for the schema shapes plans compile to.

A plan property is nearly always one of a few shapes: ``{type: object, properties, required}``,
``{type: number, minimum}``, ``{type: string, enum}``, ``{const: "track"}``. Checking such a
node keyword by keyword costs a function call and a repeated type test per keyword; here the
whole node becomes one closure. Only ``valid`` is fused: the explanation of a failure still
comes from the keyword-by-keyword ``errors`` (so messages and paths stay exactly jsonschema's),
and the differential tests hold both paths to the same verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from protocols.validate.fastschema.keywords import TYPE_CHECKS, Valid

#: Keywords that do not affect validity, beyond the ones the compiler already ignores.
_NEUTRAL = frozenset({"$schema", "$comment", "$defs", "definitions", "title", "description",
                      "default", "examples", "deprecated", "readOnly", "writeOnly", "$id"})
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties"})
_NUMBER_KEYS = frozenset({"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_STRING_KEYS = frozenset({"type", "enum", "const", "minLength", "maxLength"})


def _keys(schema: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(key for key in schema if key not in _NEUTRAL and not key.startswith("x-"))


def fuse(schema: Mapping[str, Any], compile_valid: Callable[[Any], Valid]) -> Valid | None:
    """One closure checking the whole node, or None when the shape is not a fused one."""
    keys = _keys(schema)
    kind = schema.get("type")
    if kind == "object" and keys <= _OBJECT_KEYS:
        return _object(schema, compile_valid)
    if kind in ("number", "integer") and keys <= _NUMBER_KEYS:
        return _number(schema)
    if keys <= _STRING_KEYS and (kind == "string" or (kind is None and keys)):
        return _string(schema)
    return None


def _object(schema: Mapping[str, Any], compile_valid: Callable[[Any], Valid]) -> Valid | None:
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    if not isinstance(properties, Mapping) or not isinstance(required, list) or \
            extra not in (True, False):
        return None
    checks = tuple((name, compile_valid(sub)) for name, sub in properties.items()
                   if sub is not True)
    wanted = frozenset(required)
    known = frozenset(properties)
    closed = extra is False
    missing = object()

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return False
        if wanted and not wanted <= instance.keys():
            return False
        if closed and not instance.keys() <= known:
            return False
        for name, check in checks:
            value = instance.get(name, missing)
            if value is not missing and not check(value):
                return False
        return True

    return valid


def _number(schema: Mapping[str, Any]) -> Valid | None:
    bounds = [schema.get(key) for key in ("minimum", "maximum", "exclusiveMinimum",
                                          "exclusiveMaximum")]
    if not all(bound is None or type(bound) in (int, float) for bound in bounds):
        return None
    low, high, above, below = bounds
    general = TYPE_CHECKS[schema["type"]]
    integer = schema["type"] == "integer"

    def valid(value: Any) -> bool:
        kind = type(value)
        if kind is int:
            pass
        elif kind is float:
            if integer and not value.is_integer():
                return False
        elif not general(value):
            return False
        # Written as jsonschema's failure tests, so NaN passes the bounds as it does there.
        return not ((low is not None and value < low) or (high is not None and value > high)
                    or (above is not None and value <= above)
                    or (below is not None and value >= below))

    return valid


def _string(schema: Mapping[str, Any]) -> Valid | None:
    options: list[Any] | None = None
    if "enum" in schema:
        options = list(schema["enum"])
    if "const" in schema:
        options = [schema["const"]] if options is None else \
            [each for each in options if type(each) is str and each == schema["const"]]
    if options is not None and not all(type(each) is str for each in options):
        return None  # mixed-type enums take the general path
    allowed = None if options is None else frozenset(options)
    typed = schema.get("type") == "string"
    shortest = schema.get("minLength")
    longest = schema.get("maxLength")
    if not typed and (shortest is not None or longest is not None):
        return None

    def valid(value: Any) -> bool:
        if not isinstance(value, str):
            # Only a str can equal a str option; with no options, only the type can fail.
            return not typed and allowed is None
        if allowed is not None and value not in allowed:
            return False
        size = len(value)
        return (shortest is None or size >= shortest) and (longest is None or size <= longest)

    return valid
