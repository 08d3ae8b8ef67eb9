"""Hypothesis strategies for schemas shaped like compiled plans, and instances near them.

Schemas: objects of typed properties with required lists, enums, ranges, lengths, patterns,
formats, arrays of named (``$ref``) types, nullable types, combinators and the odd boolean
schema. Instances: mostly built from the schema (so most are valid or nearly so), with
mutations (a wrong type, a dropped required key, an extra key, a boundary number), so both
verdicts and every keyword's error path are exercised.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

NAMES = ["order_id", "total", "currency", "products", "price", "quantity", "email", "sku",
         "orderId", "x-note", "a"]
PATTERNS = ["^[a-z_]+$", "[0-9]", "^ORD-\\d{3}$", "^(a|b)+$", "é", "^$", "^[A-Z][a-z]*$"]
FORMATS = ["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6", "hostname",
           "unknown-format"]
STRINGS = ["", "a", "abc", "ORD-123", "USD", "usd", "2024-01-05", "2024-01-05T10:00:00Z",
           "2024-13-05T10:00:00Z", "10:00:00Z", "x@y.z", "no-at", "https://ex.com/a?b",
           "not a uri", "123e4567-e89b-12d3-a456-426614174000", "127.0.0.1", "::1", "1::2::3",
           "host.example", "-bad-.host", "aaaa", "ab", "é", "Zoe"]
NUMBERS = [0, 1, -1, 2, 1.0, 1.5, 0.1, 10, 100, -0.5, 3.0, 1e20]

scalars = st.one_of(st.sampled_from(STRINGS), st.sampled_from(NUMBERS), st.booleans(),
                    st.none(), st.integers(-5, 5), st.text(max_size=5))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(NAMES), inner, max_size=4)),
    max_leaves=8)


def _optional(draw: Any, mapping: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        mapping[key] = draw(strategy)


@st.composite
def leaf_schemas(draw: Any) -> Any:
    kind = draw(st.sampled_from(["string", "number", "integer", "boolean", "nullable", "enum",
                                 "const", "any"]))
    schema: dict[str, Any] = {}
    if kind == "string":
        schema["type"] = "string"
        _optional(draw, schema, "minLength", st.integers(0, 3))
        _optional(draw, schema, "maxLength", st.integers(0, 6))
        _optional(draw, schema, "pattern", st.sampled_from(PATTERNS))
        _optional(draw, schema, "format", st.sampled_from(FORMATS))
    elif kind in ("number", "integer"):
        schema["type"] = kind
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            _optional(draw, schema, key, st.sampled_from([0, 1, 1.5, 10, -1]))
        _optional(draw, schema, "multipleOf", st.sampled_from([1, 2, 0.5, 0.1, 3]))
    elif kind == "boolean":
        schema["type"] = "boolean"
    elif kind == "nullable":
        schema["type"] = draw(st.sampled_from([["string", "null"], ["number", "null"],
                                               ["integer", "string"], ["array", "object"]]))
    elif kind == "enum":
        schema["enum"] = draw(st.lists(scalars, min_size=1, max_size=4, unique_by=repr))
    elif kind == "const":
        schema["const"] = draw(json_values)
    if draw(st.booleans()):
        schema["description"] = "documented"
    return schema


def _object(draw: Any, inner: Any) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(NAMES), max_size=5, unique=True))
    schema: dict[str, Any] = {"type": "object",
                              "properties": {name: draw(inner) for name in names}}
    if names:
        schema["required"] = draw(st.lists(st.sampled_from(names), unique=True))
    _optional(draw, schema, "additionalProperties", st.one_of(st.booleans(), leaf_schemas()))
    _optional(draw, schema, "patternProperties",
              st.dictionaries(st.sampled_from(["^x-", "^[a-z]+$", "Id$"]), leaf_schemas(),
                              max_size=2))
    _optional(draw, schema, "minProperties", st.integers(0, 2))
    _optional(draw, schema, "maxProperties", st.integers(0, 4))
    _optional(draw, schema, "propertyNames", st.sampled_from(
        [{"pattern": "^[a-z_]+$"}, {"maxLength": 5}, False, True]))
    if names and draw(st.booleans()):
        schema["dependentRequired"] = {names[0]: draw(st.lists(st.sampled_from(NAMES),
                                                               max_size=2))}
    return schema


def _array(draw: Any, inner: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array"}
    _optional(draw, schema, "items", st.one_of(inner, st.booleans()))
    _optional(draw, schema, "prefixItems", st.lists(inner, max_size=2))
    _optional(draw, schema, "minItems", st.integers(0, 2))
    _optional(draw, schema, "maxItems", st.integers(0, 4))
    _optional(draw, schema, "uniqueItems", st.booleans())
    if draw(st.integers(0, 4)) == 0:
        schema["contains"] = draw(leaf_schemas())
        _optional(draw, schema, "minContains", st.integers(0, 2))
        _optional(draw, schema, "maxContains", st.integers(1, 2))
    return schema


def _logic(draw: Any, inner: Any) -> Any:
    keyword = draw(st.sampled_from(["anyOf", "oneOf", "allOf", "not", "if", "bool"]))
    if keyword == "bool":
        return draw(st.booleans())
    if keyword == "not":
        return {"not": draw(inner)}
    if keyword == "if":
        schema = {"if": draw(inner), "then": draw(inner)}
        _optional(draw, schema, "else", inner)
        return schema
    return {keyword: draw(st.lists(inner, min_size=1, max_size=3))}


@st.composite
def _node(draw: Any, inner: Any) -> Any:
    shape = draw(st.sampled_from(["object", "object", "array", "logic", "ref"]))
    if shape == "object":
        return _object(draw, inner)
    if shape == "array":
        return _array(draw, inner)
    if shape == "ref":
        return {"$ref": draw(st.sampled_from(["#/$defs/Product", "#/$defs/Tree"]))}
    return _logic(draw, inner)


DEFS = {
    "Product": {"type": "object", "required": ["product_id"],
                "properties": {"product_id": {"type": "string"},
                               "price": {"type": "number", "minimum": 0},
                               "quantity": {"type": "integer", "minimum": 1}}},
    "Tree": {"type": "object", "properties": {"name": {"type": "string"},
                                              "children": {"type": "array",
                                                           "items": {"$ref": "#/$defs/Tree"}}}},
}


@st.composite
def plan_like_schemas(draw: Any) -> Any:
    """A whole-message schema: ``type``/``event`` consts and a nested ``properties`` object."""
    payload = draw(st.recursive(leaf_schemas(), lambda inner: _node(inner), max_leaves=6))
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": "urn:protocols:test:1.0.0:track:Order%20Completed",
            "type": "object",
            "properties": {"type": {"const": "track"}, "event": {"const": "Order Completed"},
                           "properties": payload},
            "required": ["type", "event", "properties"],
            "$defs": DEFS}


@st.composite
def instances_for(draw: Any, schema: Any, depth: int = 0,
                  defs: dict[str, Any] | None = None) -> Any:
    """A value built to fit ``schema``, then possibly mutated.

    ``$ref``s resolve in the root schema's own ``$defs`` (real plans have many named types).
    """
    if defs is None:
        own = schema.get("$defs") if isinstance(schema, dict) else None
        defs = {**DEFS, **(own if isinstance(own, dict) else {})}
    value = draw(_fitting(schema, depth, defs))
    if draw(st.integers(0, 5)) == 0:
        return draw(json_values)
    return value


@st.composite
def _fitting(draw: Any, schema: Any, depth: int, defs: dict[str, Any]) -> Any:
    if not isinstance(schema, dict) or depth > 4:
        return draw(json_values)
    if "$ref" in schema:
        return draw(instances_for(defs[schema["$ref"].rsplit("/", 1)[1]], depth + 1, defs))
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"]))
    for keyword in ("anyOf", "oneOf", "allOf"):
        if keyword in schema:
            return draw(instances_for(draw(st.sampled_from(schema[keyword])), depth + 1, defs))
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = draw(st.sampled_from(kind))
    if kind == "object" or "properties" in schema:
        result: dict[str, Any] = {}
        for name, sub in schema.get("properties", {}).items():
            if name in schema.get("required", []) or draw(st.booleans()):
                result[name] = draw(instances_for(sub, depth + 1, defs))
        if draw(st.integers(0, 3)) == 0:
            result[draw(st.sampled_from([*NAMES, "x-extra", "extraId"]))] = draw(json_values)
        if result and draw(st.integers(0, 4)) == 0:
            result.pop(draw(st.sampled_from(sorted(result))))
        return result
    if kind == "array":
        items = schema.get("items", True)
        return draw(st.lists(instances_for(items, depth + 1, defs), max_size=4))
    if kind == "string":
        return draw(st.sampled_from(STRINGS))
    if kind in ("number", "integer"):
        return draw(st.sampled_from(NUMBERS))
    if kind == "boolean":
        return draw(st.booleans())
    return draw(json_values)
