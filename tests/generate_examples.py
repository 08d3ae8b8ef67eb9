"""Valid example payloads for every call of a plan, for end-to-end drivers of any language.

``example(schema)`` builds a JSON value the schema accepts: the minimal one (required keys
only) or the full one (every planned key). Formats, enums, minimums and nullable types are
honoured for the shapes the plans in tests use; :func:`check_examples` proves each example
valid with the reference validator, so a driver never sends data the plan rejects by mistake.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from protocols.plan import Plan

_FORMATS = {"email": "ada@example.com", "uri": "https://example.com/p/1", "date": "2024-01-31",
            "date-time": "2024-01-31T12:00:00Z", "uuid": "123e4567-e89b-12d3-a456-426614174000"}


def example(schema: Any, *, full: bool, defs: Mapping[str, Any] | None = None,
            depth: int = 0) -> Any:
    """A JSON value ``schema`` accepts; ``full`` sets every planned property."""
    if not isinstance(schema, Mapping) or depth > 6:
        return "x"
    defs = {**(defs or {}), **schema.get("$defs", {})}
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return example(defs[ref[len("#/$defs/"):]], full=full, defs=defs, depth=depth + 1)
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list):
        values = [v for v in schema["enum"] if v is not None]
        return values[-1] if values else None
    for keyword in ("anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            return example(schema[keyword][0], full=full, defs=defs, depth=depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [k for k in kind if k != "null"]
        if not kinds:
            return None
        kind = kinds[0]
    if kind is None:
        kind = "object" if "properties" in schema else "string"
    if kind == "string":
        plain = _FORMATS.get(schema.get("format", ""), "x" * max(1, schema.get("minLength", 1)))
        pattern = schema.get("pattern")
        if isinstance(pattern, str):  # the first candidate the pattern accepts
            for candidate in (plain, *_FORMATS.values(), "x", "a1", "A", "1"):
                if re.search(pattern, candidate):
                    return candidate
        return plain
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1) if "maximum" not in schema else int(
            schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 1.5)) if "maximum" in schema or "minimum" in schema else 1.5
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    if kind == "array":
        count = max(schema.get("minItems", 0), 1 if full and depth < 3 else 0)
        return [example(schema.get("items", {}), full=full, defs=defs, depth=depth + 1)
                for _ in range(count)]
    properties = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    return {name: example(sub, full=full, defs=defs, depth=depth + 1)
            for name, sub in properties.items() if full or name in required}


def call_examples(plan: Plan) -> list[tuple[str, str | None, bool, Any]]:
    """(kind, wire name, full, payload) for every call of the plan: a minimal and a full one."""
    out: list[tuple[str, str | None, bool, Any]] = []
    for spec in sorted(plan.messages(), key=lambda s: (s.kind, s.name or "")):
        for full in (False, True):
            out.append((spec.kind, spec.name, full, example(spec.schema, full=full)))
    return out


def check_examples(plan: Plan) -> None:
    """Every example is valid for its schema (the reference validator), or AssertionError."""
    import jsonschema

    for spec in plan.messages():
        for full in (False, True):
            value = example(spec.schema, full=full)
            errors = list(jsonschema.Draft202012Validator(spec.schema).iter_errors(value))
            assert not errors, (spec.kind, spec.name, full, [e.message for e in errors])
