"""Small pure helpers for comparing schemas: the facets that decide which values a schema
accepts, ``$ref`` and nullable folding, rename pairing, and readable value texts."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.naming import collision_key, near_duplicate
from protocols.schemarefs import defs_name

ANNOTATIONS = ("title", "examples", "default", "x-pii", "$comment", "readOnly", "writeOnly")
RENAME_SIMILARITY = 0.8


def canonical(value: Any) -> str:
    """A stable text form of JSON data, to compare and sort values of any type."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def differs(before: Any, after: Any) -> bool:
    """Whether two JSON values differ (``1``, ``1.0`` and ``true`` are three values)."""
    if before is None and after is None:
        return False  # the common case: a keyword used on neither side
    return canonical(before) != canonical(after)


@dataclass(frozen=True)
class Facets:
    """The facets of a schema that decide which values it accepts."""

    types: frozenset[str] | None  # None: any type
    nullable: bool
    values: list[Any] | None  # enum/const values without null; None: not restricted

    @classmethod
    def of(cls, schema: Mapping[str, Any]) -> Facets:
        raw = schema.get("type")
        types: set[str] | None = None
        if isinstance(raw, str):
            types = {raw}
        elif isinstance(raw, list):
            types = {str(t) for t in raw}
        nullable = types is not None and "null" in types
        if types is not None:
            types.discard("null")
        values: list[Any] | None = None
        if "enum" in schema and isinstance(schema["enum"], list):
            values = list(schema["enum"])
        elif "const" in schema:
            values = [schema["const"]]
        if values is not None:
            if None in values:
                nullable = True
                values = [v for v in values if v is not None]
            if types is None and values == [] and nullable:
                values = None
        return cls(frozenset(types) if types is not None else None, nullable, values)


def deref(schema: Mapping[str, Any], defs: Mapping[str, Any]
           ) -> tuple[Mapping[str, Any], str | None]:
    """Follow ``$ref`` into ``$defs`` and fold ``anyOf: [X, {type: null}]`` (nullable X)."""
    name: str | None = None
    seen: set[str] = set()
    while (ref := defs_name(schema.get("$ref"))) is not None:
        if ref in seen or ref not in defs:
            break
        seen.add(ref)
        name = name or ref
        schema = {**defs[ref], **{k: v for k, v in schema.items() if k != "$ref"}}
    members = schema.get("anyOf")
    if (isinstance(members, list) and len(members) == 2
            and {"type": "null"} in members):
        other = members[0] if members[1] == {"type": "null"} else members[1]
        inner, inner_name = deref(other, defs)
        merged = {**inner, **{k: v for k, v in schema.items() if k != "anyOf"}}
        kind = merged.get("type")
        kinds = [kind] if isinstance(kind, str) else list(kind or [])
        if kinds:
            merged["type"] = [*kinds, "null"]
        elif isinstance(merged.get("enum"), list):
            merged["enum"] = [*merged["enum"], None]
        elif "const" in merged:
            merged["enum"] = [merged.pop("const"), None]
        else:
            return schema, name  # nothing to fold null into: compared as a whole
        return merged, name or inner_name
    return schema, name


def accepts(types: frozenset[str] | None) -> frozenset[str]:
    if types is None:
        return frozenset({"string", "number", "integer", "boolean", "object", "array"})
    if "number" in types:
        return types | {"integer"}
    return types


def type_text(types: frozenset[str] | None) -> str:
    if types is None:
        return "any type"
    return " or ".join(sorted(types)) if types else "nothing"


def values_text(values: list[Any]) -> str:
    return ", ".join(canonical(v) for v in sorted(values, key=canonical))


def bound_text(value: Any) -> str:
    return "(none)" if value is None else canonical(value)


def multiple_of(before: Any, after: Any) -> tuple[bool, str] | None:
    """(tightened?, text) for a multipleOf change, None when unchanged."""
    if before == after:
        return None
    text = f"multipleOf {bound_text(before)} -> {bound_text(after)}"
    if before is None:
        return True, text
    if after is None:
        return False, text
    ratio = after / before
    if ratio == int(ratio):
        return True, text  # every multiple of the new step is a multiple of the old one
    back = before / after
    return (back != int(back)), text


def annotation_free(schema: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    """The schema without descriptions and annotations, with named types inlined."""
    if depth > 20:
        return None
    if isinstance(schema, Mapping):
        schema, _ = deref(schema, defs)
        return {k: annotation_free(v, defs, depth + 1) for k, v in schema.items()
                if k not in ("description", "deprecated", "$defs", *ANNOTATIONS)}
    if isinstance(schema, list):
        return [annotation_free(v, defs, depth + 1) for v in schema]
    return schema


def same_shape(old: Any, new: Any, old_defs: Mapping[str, Any],
                new_defs: Mapping[str, Any]) -> bool:
    return canonical(annotation_free(old, old_defs)) == canonical(annotation_free(new, new_defs))


def similar(a: str, b: str) -> bool:
    if near_duplicate(a, b) is not None:
        return True
    ratio = difflib.SequenceMatcher(None, collision_key(a), collision_key(b)).ratio()
    return ratio >= RENAME_SIMILARITY


def pair_renames(removed: list[str], added: list[str],
                 same: Callable[[str, str], bool]) -> list[tuple[str, str]]:
    """Pairs (old, new) that are one renamed thing rather than a removal and an addition.

    The same collision key ("orderId" -> "order_id") is a rename whatever else changed; a
    similar name is a rename only when the shape is the same too.
    """
    pairs: list[tuple[str, str]] = []
    free = list(added)
    for before in removed:
        match = next((a for a in free if collision_key(a) == collision_key(before)), None)
        if match is None:
            match = next((a for a in free if similar(before, a) and same(before, a)), None)
        if match is not None:
            pairs.append((before, match))
            free.remove(match)
    return pairs
