"""Fused fast paths for the schema shapes plans compile to.

A plan property is nearly always one of a few shapes: ``{type: object, properties, required}``,
``{type: array, items}``, ``{type: number, minimum}``, ``{type: string, enum}``,
``{const: "track"}``. Checking such a node keyword by keyword costs a function call and a
repeated type test per keyword; here the whole node becomes one closure. Only ``valid`` is fused: the explanation of a failure still
comes from the keyword-by-keyword ``errors`` (so messages and paths stay exactly jsonschema's),
and the differential tests hold both paths to the same verdicts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from protocols.validate.check.fastschema.keywords import TYPE_CHECKS, Valid

#: Keywords that do not affect validity, beyond the ones the compiler already ignores.
_NEUTRAL = frozenset({"$schema", "$comment", "$defs", "definitions", "title", "description",
                      "default", "examples", "deprecated", "readOnly", "writeOnly", "$id"})
_OBJECT_KEYS = frozenset({"type", "properties", "required", "additionalProperties"})
_NUMBER_KEYS = frozenset({"type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_ARRAY_KEYS = frozenset({"type", "items"})
_STRING_KEYS = frozenset({"type", "enum", "const", "minLength", "maxLength"})


def _keys(schema: Mapping[str, Any]) -> frozenset[str]:
    return frozenset(key for key in schema if key not in _NEUTRAL and not key.startswith("x-"))


def fuse(schema: Mapping[str, Any], compile_valid: Callable[[Any], Valid]) -> Valid | None:
    """One closure checking the whole node, or None when the shape is not a fused one."""
    keys = _keys(schema)
    kind = schema.get("type")
    if kind == "object" and keys <= _OBJECT_KEYS:
        return _object(schema, compile_valid)
    if kind == "array" and keys == _ARRAY_KEYS and isinstance(schema["items"], (Mapping, bool)):
        return _array(compile_valid(schema["items"]))
    if kind in ("number", "integer") and keys <= _NUMBER_KEYS:
        return _number(schema)
    if keys <= _STRING_KEYS and (kind == "string" or (kind is None and keys)):
        return _string(schema)
    return None


def _object(schema: Mapping[str, Any], compile_valid: Callable[[Any], Valid]) -> Valid | None:
    """The object check as one generated function, its simple properties checked inline.

    Only names bound in ``names`` and ``repr`` literals of property names reach the source, so
    nothing from a plan is ever executed as code.
    """
    properties = schema.get("properties", {})
    required = schema.get("required", [])
    extra = schema.get("additionalProperties", True)
    if not isinstance(properties, Mapping) or not isinstance(required, list) or \
            extra not in (True, False) or not all(isinstance(n, str) for n in properties):
        return None
    names: dict[str, Any] = {"isinstance": isinstance, "dict": dict,
                             "str": str, "int": int, "float": float, "type": type}
    lines = ["def valid(instance):",
             "    if not isinstance(instance, dict):",
             "        return False"]
    if required:
        names["WANTED"] = frozenset(required)
        lines += ["    if not WANTED <= instance.keys():", "        return False"]
    if extra is False:
        names["KNOWN"] = frozenset(properties)
        lines += ["    if not instance.keys() <= KNOWN:", "        return False"]
    for index, (name, sub) in enumerate(properties.items()):
        if sub is True:
            continue
        body = _inline(sub, index, names)
        if body is None:
            names[f"CHECK{index}"] = compile_valid(sub)
            body = [f"if not CHECK{index}(value):", "    return False"]
        if name in required:  # present: checked just above
            lines.append(f"    value = instance[{name!r}]")
            lines += ["    " + line for line in body]
        else:  # ("in", then an index: no method call, and cheap when absent, as most are)
            lines += [f"    if {name!r} in instance:",
                      f"        value = instance[{name!r}]"]
            lines += ["        " + line for line in body]
    lines.append("    return True")
    exec("\n".join(lines), names)  # generated from the shape only: see the docstring
    generated: Valid = names["valid"]
    return generated


def _inline(sub: Any, index: int, names: dict[str, Any]) -> list[str] | None:
    """Statements that ``return False`` when ``value`` fails ``sub``; None to call it."""
    if not isinstance(sub, Mapping):
        return None
    keys = _keys(sub)
    kind = sub.get("type")
    if keys == {"type"} and kind == "string":
        return ["if not isinstance(value, str):", "    return False"]
    if keys == {"type"} and kind == "boolean":
        return ["if value is not True and value is not False:", "    return False"]
    options = sub.get("enum", [sub["const"]] if "const" in sub else None)
    if options is not None and keys <= {"type", "enum", "const"} and kind in (None, "string") \
            and ("enum" not in sub or "const" not in sub) \
            and all(type(each) is str for each in options):
        names[f"ALLOWED{index}"] = frozenset(options)
        return [f"if not (isinstance(value, str) and value in ALLOWED{index}):",
                "    return False"]
    if kind in ("number", "integer") and keys <= _NUMBER_KEYS:
        fused = _number(sub)
        if fused is None:
            return None
        names[f"NUMBER{index}"] = fused
        # The common case inline: a plain int (not bool) or float against the bounds.
        tests = []
        for key, op in (("minimum", "<"), ("maximum", ">"), ("exclusiveMinimum", "<="),
                        ("exclusiveMaximum", ">=")):
            if key in sub:
                names[f"{key.upper()}{index}"] = sub[key]
                tests.append(f"value {op} {key.upper()}{index}")
        plain = "type(value) is int" if kind == "integer" else \
            "(type(value) is int or type(value) is float)"
        failed = " or ".join(tests) if tests else "False"
        return [f"if {plain}:",
                f"    if {failed}:",
                "        return False",
                f"elif not NUMBER{index}(value):",
                "    return False"]
    return None


def _array(item_valid: Valid) -> Valid:
    """``{type: array, items: ...}`` (a list of products...) as one loop."""

    def valid(value: Any) -> bool:
        if not isinstance(value, list):
            return False
        for element in value:  # noqa: SIM110 (a loop: cheaper than all() on the hot path)
            if not item_valid(element):
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
