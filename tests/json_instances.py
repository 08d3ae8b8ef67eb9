"""Instances near a JSON Schema (any draft), for comparing two schemas' verdicts.

``instances(schema, seed, count)`` builds values from the schema itself (required and optional
properties, enum members, tuple items, bounds and their neighbours, integer-valued floats), then
mutates some (a wrong type somewhere, a dropped required key, an extra key), so that both
verdicts and the edges between them are exercised. Deterministic for a seed; bounded in size.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

_STRINGS = ["", "a", "abc", "2024-01-05", "2024-01-05T10:00:00Z", "x@example.com",
            "https://example.com/a", "not a uri", "123e4567-e89b-12d3-a456-426614174000",
            "127.0.0.1", "::1", "example.com", "ABC", "é", "0", "true"]
_WRONG: list[Any] = ["s", 1, 1.5, 1.0, True, None, [], {}]
MAX_DEPTH = 6


def _resolve(schema: Any, root: Mapping[str, Any]) -> Any:
    for _ in range(8):
        if not isinstance(schema, Mapping) or not isinstance(schema.get("$ref"), str):
            return schema
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            return {}
        node: Any = root
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if isinstance(node, Mapping) and part in node:
                node = node[part]
            elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
            else:
                return {}
        schema = node
    return schema


class _Builder:
    def __init__(self, root: Mapping[str, Any], rng: random.Random) -> None:
        self.root = root
        self.rng = rng

    def value(self, schema: Any, depth: int = 0) -> Any:
        schema = _resolve(schema, self.root)
        rng = self.rng
        if schema is False:
            return rng.choice(_WRONG)
        if not isinstance(schema, Mapping) or depth > MAX_DEPTH:
            return rng.choice(["x", 1, None])
        if isinstance(schema.get("enum"), list) and schema["enum"] and rng.random() < 0.9:
            return rng.choice(schema["enum"])
        if "const" in schema and rng.random() < 0.9:
            return schema["const"]
        for key in ("anyOf", "oneOf", "allOf"):
            members = schema.get(key)
            if isinstance(members, list) and members and "type" not in schema \
                    and "properties" not in schema:
                return self.value(rng.choice(members), depth + 1)
        kinds = schema.get("type")
        if isinstance(kinds, list):
            kind = rng.choice(kinds) if kinds else "null"
        elif isinstance(kinds, str):
            kind = kinds
        elif "properties" in schema or "required" in schema:
            kind = "object"
        elif "items" in schema:
            kind = "array"
        else:
            kind = rng.choice(["string", "integer", "object", "null"])
        return self._typed(kind, schema, depth)

    def _typed(self, kind: str, schema: Mapping[str, Any], depth: int) -> Any:
        rng = self.rng
        if kind == "object":
            return self._object(schema, depth)
        if kind == "array":
            return self._array(schema, depth)
        if kind in ("number", "integer"):
            return self._number(kind, schema)
        if kind == "string":
            low = schema.get("minLength") if isinstance(schema.get("minLength"), int) else 0
            high = schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else 8
            length = rng.choice([low, min(high, max(low, 3)), high, high + 1])
            base = rng.choice(_STRINGS)
            if rng.random() < 0.5:
                return base
            return (base * (length + 1))[:max(0, min(length, 64))] if base else "a" * min(
                max(length, 0), 64)
        if kind == "boolean":
            return rng.random() < 0.5
        if kind == "null":
            return None
        return rng.choice(_WRONG)

    def _number(self, kind: str, schema: Mapping[str, Any]) -> Any:
        rng = self.rng
        anchors: list[float] = [0, 1, -1, 10]
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                    "multipleOf"):
            bound = schema.get(key)
            if isinstance(bound, int | float) and not isinstance(bound, bool):
                anchors += [bound, bound + 1, bound - 1, bound + 0.5]
        chosen = rng.choice(anchors)
        if kind == "integer":
            whole = int(chosen) if abs(chosen) < 1e15 else 0
            return float(whole) if rng.random() < 0.15 else whole  # 1.0: an integer-valued float
        return chosen

    def _object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        rng = self.rng
        props = schema.get("properties") if isinstance(schema.get("properties"), Mapping) else {}
        required = [r for r in schema.get("required") or [] if isinstance(r, str)] \
            if isinstance(schema.get("required"), list) else []
        out: dict[str, Any] = {}
        for name in required:
            out[name] = self.value(props.get(name, {}), depth + 1)
        for name, sub in props.items():
            if name not in out and rng.random() < 0.6:
                out[name] = self.value(sub, depth + 1)
        if rng.random() < 0.1:
            out["unplanned_extra"] = rng.choice(_WRONG)
        return out

    def _array(self, schema: Mapping[str, Any], depth: int) -> list[Any]:
        rng = self.rng
        items = schema.get("items")
        prefix = schema.get("prefixItems")
        size = rng.choice([0, 1, 2, 3])
        if isinstance(items, list) or isinstance(prefix, list):
            tuple_items = items if isinstance(items, list) else prefix
            assert isinstance(tuple_items, list)
            size = rng.choice([len(tuple_items), max(0, len(tuple_items) - 1),
                               len(tuple_items) + 1])
            extra = schema.get("additionalItems", schema.get("items")) \
                if isinstance(items, list) else items
            return [self.value(tuple_items[i] if i < len(tuple_items) else
                               extra if isinstance(extra, Mapping | bool) else {}, depth + 1)
                    for i in range(size)]
        return [self.value(items if items is not None else {}, depth + 1) for _ in range(size)]


def _mutate(value: Any, rng: random.Random) -> Any:
    """The value with one thing changed somewhere inside it."""
    if isinstance(value, dict) and value and rng.random() < 0.7:
        key = rng.choice(sorted(value))
        copy = dict(value)
        choice = rng.random()
        if choice < 0.3:
            del copy[key]
        elif choice < 0.5:
            copy[key] = rng.choice(_WRONG)
        else:
            copy[key] = _mutate(copy[key], rng)
        return copy
    if isinstance(value, list) and value and rng.random() < 0.7:
        copy = list(value)
        index = rng.randrange(len(copy))
        copy[index] = _mutate(copy[index], rng)
        return copy
    if isinstance(value, int) and not isinstance(value, bool) and rng.random() < 0.5:
        return float(value)
    return rng.choice(_WRONG)


def instances(schema: Mapping[str, Any], seed: int, count: int) -> list[Any]:
    """``count`` values near ``schema`` (about half built from it, half mutated)."""
    rng = random.Random(seed)
    builder = _Builder(schema, rng)
    found: list[Any] = []
    for index in range(count):
        value = builder.value(schema)
        found.append(_mutate(value, rng) if index % 2 else value)
    return found
