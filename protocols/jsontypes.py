"""The JSON type of a parsed value: one function for every command that names one."""

from __future__ import annotations

from typing import Any, Literal

NumberNaming = Literal["schema", "exact", "number"]


def json_type(value: Any, *, numbers: NumberNaming = "schema") -> str:
    """``null``, ``boolean``, ``integer``, ``number``, ``string``, ``array`` or ``object``.

    Booleans are never numbers. ``numbers`` says how numbers are named: ``schema`` as JSON
    Schema does (a whole float such as 1.0 is an integer; what infer plans), ``exact`` by the
    parsed Python type (1.0 is a number; what validate messages show), ``number`` for every
    number (lint compares types the way a warehouse column stores them).
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        if numbers == "number":
            return "number"
        if isinstance(value, int):
            return "integer"
        return "integer" if numbers == "schema" and value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
