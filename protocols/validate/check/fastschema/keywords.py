"""One compiler per JSON Schema keyword: ``(value, schema) -> (valid, errors)``.

Each mirrors the jsonschema keyword function of the same name (``jsonschema/_keywords.py``):
the same type guard (``minimum`` ignores strings...), the same message text, and violations
whose paths are relative to the schema node that holds the keyword. ``valid`` is the fast
check; ``errors`` is only called after ``valid`` returned False.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import Any

import jsonschema

from protocols.validate.check.fastschema.equality import equal, is_unhashable, scalar_key, uniq
from protocols.validate.check.fastschema.formats import QUICK
from protocols.validate.check.fastschema.patterns import BoundedPattern, search_or_unchecked
from protocols.validate.check.violation import PathKey, SchemaViolation

Valid = Callable[[Any], bool]
Errors = Callable[[Any], list[SchemaViolation]]
Compiled = tuple[Valid, Errors]


class Unsupported(Exception):
    """The schema needs a feature the fast engine leaves to jsonschema."""


def _violation(keyword: str, message: str, instance: Any, *, detail: Any = None,
               schema_path: PathKey | None = None) -> SchemaViolation:
    return SchemaViolation(keyword, (), (keyword,) if schema_path is None else schema_path,
                           message, instance, detail)


def descend(node: Any, instance: Any, path: PathKey, schema_path: PathKey, *,
            keyword: PathKey | None = None) -> list[SchemaViolation]:
    """The sub-node's violations re-rooted as jsonschema's ``descend`` does.

    A literal ``false`` sub-schema gets no path of its own (jsonschema returns before adding
    it): only the keyword's name, ``schema_path[0]`` unless ``keyword`` says otherwise (``if``
    adds nothing).
    """
    found: list[SchemaViolation] = node.errors(instance)
    if node.is_false:
        path, schema_path = (), schema_path[:1] if keyword is None else keyword
    return [SchemaViolation(v.keyword, path + v.instance_path, schema_path + v.schema_path,
                            v.message, v.value, v.detail) for v in found]


# -- types --------------------------------------------------------------------------------------

def _is_number(value: Any) -> bool:
    kind = type(value)
    if kind is int or kind is float:
        return True
    return kind is not bool and isinstance(value, numbers.Number)


def _is_integer(value: Any) -> bool:
    kind = type(value)
    if kind is int:
        return True
    if kind is float:
        return bool(value.is_integer())
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


TYPE_CHECKS: dict[str, Valid] = {
    "string": lambda value: isinstance(value, str),
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "number": _is_number,
    "integer": _is_integer,
}


def type_(types: Any, schema: Mapping[str, Any]) -> Compiled:
    names = [types] if isinstance(types, str) else list(types)
    if not all(isinstance(name, str) and name in TYPE_CHECKS for name in names):
        raise Unsupported(f"unknown type in {types!r}")
    checks = tuple(TYPE_CHECKS[name] for name in names)
    valid: Valid = checks[0] if len(checks) == 1 else (
        lambda value: any(check(value) for check in checks))
    reprs = ", ".join(repr(name) for name in names)

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation("type", f"{value!r} is not of type {reprs}", value, detail=types)]

    return valid, errors


# -- values -------------------------------------------------------------------------------------

def _membership(options: list[Any]) -> Valid:
    keys = [scalar_key(option) for option in options]
    if any(is_unhashable(key) for key in keys):
        return lambda value: any(equal(option, value) for option in options)
    allowed = frozenset(keys)

    def valid(value: Any) -> bool:
        key = scalar_key(value)
        if is_unhashable(key):
            return any(equal(option, value) for option in options)
        return key in allowed

    return valid


def enum(options: Any, schema: Mapping[str, Any]) -> Compiled:
    listed = list(options)
    valid = _membership(listed)

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation("enum", f"{value!r} is not one of {options!r}", value)]

    return valid, errors


def const(expected: Any, schema: Mapping[str, Any]) -> Compiled:
    valid = _membership([expected])

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation("const", f"{expected!r} was expected", value)]

    return valid, errors


# -- numbers ------------------------------------------------------------------------------------

def _numeric(keyword: str, failed: Callable[[Any], bool],
             message: Callable[[Any], str]) -> Compiled:
    def valid(value: Any) -> bool:
        return not (_is_number(value) and failed(value))

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation(keyword, message(value), value)]

    return valid, errors


def minimum(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _numeric("minimum", lambda v: bool(v < limit),
                    lambda v: f"{v!r} is less than the minimum of {limit!r}")


def maximum(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _numeric("maximum", lambda v: bool(v > limit),
                    lambda v: f"{v!r} is greater than the maximum of {limit!r}")


def exclusive_minimum(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _numeric("exclusiveMinimum", lambda v: bool(v <= limit),
                    lambda v: f"{v!r} is less than or equal to the minimum of {limit!r}")


def exclusive_maximum(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _numeric("exclusiveMaximum", lambda v: bool(v >= limit),
                    lambda v: f"{v!r} is greater than or equal to the maximum of {limit!r}")


def multiple_of(divisor: Any, schema: Mapping[str, Any]) -> Compiled:
    return _numeric("multipleOf", lambda value: not_multiple(value, divisor),
                    lambda v: f"{v!r} is not a multiple of {divisor}")


def not_multiple(value: Any, divisor: Any) -> bool:
    """jsonschema's ``multipleOf`` verdict: float arithmetic, and exact arithmetic where the
    quotient overflows, as jsonschema does. jsonschema itself raises OverflowError before it
    gets there on a huge integer and a float (``int too large to convert to float``), and on
    an infinity: here the exact answer (an integer is a multiple of 0.5; infinity and NaN
    are multiples of nothing)."""
    try:
        if isinstance(divisor, float):
            quotient = value / divisor
            return bool(int(quotient) != quotient)
        return bool(value % divisor)
    except (OverflowError, ValueError):  # (ValueError: int(nan))
        if any(type(each) is float and not math.isfinite(each) for each in (value, divisor)):
            return True
        return (Fraction(value) / Fraction(divisor)).denominator != 1


# -- sizes --------------------------------------------------------------------------------------

def _size(keyword: str, kind: type, too_small: bool, limit: Any, one: str, other: str,
          special: int) -> Compiled:
    def failed(value: Any) -> bool:
        return bool(len(value) < limit) if too_small else bool(len(value) > limit)

    def valid(value: Any) -> bool:
        return not (isinstance(value, kind) and failed(value))

    def errors(value: Any) -> list[SchemaViolation]:
        message = one if limit == special else other
        return [_violation(keyword, f"{value!r} {message}", value)]

    return valid, errors


def min_length(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("minLength", str, True, limit, "should be non-empty", "is too short", 1)


def max_length(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("maxLength", str, False, limit, "is expected to be empty", "is too long", 0)


def min_items(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("minItems", list, True, limit, "should be non-empty", "is too short", 1)


def max_items(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("maxItems", list, False, limit, "is expected to be empty", "is too long", 0)


def min_properties(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("minProperties", dict, True, limit, "should be non-empty",
                 "does not have enough properties", 1)


def max_properties(limit: Any, schema: Mapping[str, Any]) -> Compiled:
    return _size("maxProperties", dict, False, limit, "is expected to be empty",
                 "has too many properties", 0)


def unique_items(wanted: Any, schema: Mapping[str, Any]) -> Compiled | None:
    if not wanted:
        return None

    def valid(value: Any) -> bool:
        return not isinstance(value, list) or uniq(value)

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation("uniqueItems", f"{value!r} has non-unique elements", value)]

    return valid, errors


# -- strings ------------------------------------------------------------------------------------

def pattern(regex: Any, schema: Mapping[str, Any]) -> Compiled:
    bounded = searcher(regex)
    search = bounded.search

    def valid(value: Any) -> bool:
        return not isinstance(value, str) or search(value) is True

    def errors(value: Any) -> list[SchemaViolation]:
        if search(value) is None:
            return [_violation("pattern", unchecked_message(value, regex, bounded), value,
                               detail="unchecked")]
        return [_violation("pattern", f"{value!r} does not match {regex!r}", value)]

    return valid, errors


def unchecked_message(value: str, regex: str, bounded: BoundedPattern) -> str:
    return f"{value!r} was not checked against {regex!r}: {bounded.unchecked}"


def searcher(regex: Any) -> BoundedPattern:
    """The bounded search for a pattern; one no engine compiles leaves every value unchecked
    (jsonschema would raise re.error on it)."""
    if not isinstance(regex, str):
        raise Unsupported(f"pattern {regex!r} is not a string")
    return search_or_unchecked(regex)


_FORMAT_CHECKER = jsonschema.Draft202012Validator.FORMAT_CHECKER


def format_(name: Any, schema: Mapping[str, Any]) -> Compiled | None:
    # The very checkers jsonschema's FORMAT_CHECKER uses, so format semantics are the
    # reference's by construction (see docs/performance.md, "Formats").
    entry = _FORMAT_CHECKER.checkers.get(name)
    if entry is None:
        return None  # unknown formats are annotations
    func, raises = entry
    quick = QUICK.get(name)

    def valid(value: Any) -> bool:
        if quick is not None and type(value) is str and quick(value):
            return True  # (a sure yes: see formats.py)
        try:
            return bool(func(value))
        except raises:
            return False

    def errors(value: Any) -> list[SchemaViolation]:
        return [_violation("format", f"{value!r} is not a {name!r}", value, detail=name)]

    return valid, errors


SIMPLE: dict[str, Callable[[Any, Mapping[str, Any]], Compiled | None]] = {
    "type": type_, "enum": enum, "const": const,
    "minimum": minimum, "maximum": maximum, "exclusiveMinimum": exclusive_minimum,
    "exclusiveMaximum": exclusive_maximum, "multipleOf": multiple_of,
    "minLength": min_length, "maxLength": max_length, "pattern": pattern, "format": format_,
    "minItems": min_items, "maxItems": max_items, "uniqueItems": unique_items,
    "minProperties": min_properties, "maxProperties": max_properties,
}
