"""Draft 4, 6 and 7 JSON Schema rewritten as draft 2020-12, the dialect plans compile to.

The importer reads 2020-12; a schema in an older draft (Iglu writes draft 4, Segment draft 7)
goes through :func:`upgrade` first, everywhere in the document, so nothing older survives in a
raw ``schema:`` either:

* ``definitions`` becomes ``$defs``, and every ``$ref`` into it follows (``#/definitions/X``
  is ``#/$defs/X``);
* tuple ``items: [...]`` becomes ``prefixItems``, and ``additionalItems`` the ``items`` after
  them (``additionalItems`` without a tuple is ignored by those drafts, so it is dropped);
* ``dependencies`` splits into ``dependentRequired`` (lists) and ``dependentSchemas``;
* draft 4's boolean ``exclusiveMinimum``/``exclusiveMaximum`` become the numbers of 2020-12;
* draft 4's ``id`` becomes ``$id`` (in drafts 6 and 7 ``id`` is no keyword: Segment's
  ``id`` annotations stay as they are).

One difference cannot be written in 2020-12: draft 4 rejects ``1.0`` as an ``integer``, later
drafts accept it. :func:`uses_integer` finds the schemas concerned, so the importer can say so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protocols.schemarefs import VALUE_KEYWORDS

_MODERN = ("2019-09", "2020-12")
# Keywords whose value is a map of names to schemas, or one schema, or a list of schemas.
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_ONE = ("additionalProperties", "not", "if", "then", "else", "contains",
               "propertyNames", "unevaluatedItems", "unevaluatedProperties", "items",
               "additionalItems")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems", "items")
MAX_DEPTH = 200


def is_modern(schema: Any) -> bool:
    """Whether a document declares draft 2019-09 or 2020-12 (nothing to rewrite)."""
    dialect = schema.get("$schema") if isinstance(schema, Mapping) else None
    return isinstance(dialect, str) and any(version in dialect for version in _MODERN)


def is_draft4(schema: Any) -> bool:
    """Draft 4 declared, or Iglu's self-describing meta-schema (which is draft 4)."""
    dialect = schema.get("$schema") if isinstance(schema, Mapping) else None
    return isinstance(dialect, str) and ("draft-04" in dialect or "iglucentral.com" in dialect
                                         or "snowplowanalytics.self-desc" in dialect)


def upgrade(schema: Any) -> Any:
    """The document rewritten as draft 2020-12 (unchanged if it already is)."""
    if is_modern(schema):
        return schema
    return _upgrade(schema, 0, draft4=is_draft4(schema))


def _ref(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("#/definitions/"):
        return "#/$defs/" + value[len("#/definitions/"):]
    if value == "#/definitions":
        return "#/$defs"
    return value


def _upgrade(schema: Any, depth: int, *, draft4: bool) -> Any:
    if depth > MAX_DEPTH or not isinstance(schema, Mapping):
        return schema
    out: dict[str, Any] = {}
    tuple_items = isinstance(schema.get("items"), list)
    for key, value in schema.items():
        if key == "$ref":
            out[key] = _ref(value)
        elif key == "id" and draft4 and isinstance(value, str) and "$id" not in schema:
            out["$id"] = value
        elif key == "definitions" and isinstance(value, Mapping):
            defs = out.setdefault("$defs", {})
            for name, sub in value.items():
                defs.setdefault(name, _upgrade(sub, depth + 1, draft4=draft4))
        elif key == "$defs" and isinstance(value, Mapping):
            defs = out.setdefault("$defs", {})
            defs.update({name: _upgrade(sub, depth + 1, draft4=draft4)
                         for name, sub in value.items()})
        elif key == "items" and tuple_items:
            out["prefixItems"] = [_upgrade(sub, depth + 1, draft4=draft4) for sub in value]
        elif key == "additionalItems":
            if tuple_items:
                out["items"] = _upgrade(value, depth + 1, draft4=draft4)
        elif key == "dependencies" and isinstance(value, Mapping):
            for name, dependency in value.items():
                if isinstance(dependency, list):
                    out.setdefault("dependentRequired", {})[name] = dependency
                else:
                    out.setdefault("dependentSchemas", {})[name] = _upgrade(
                        dependency, depth + 1, draft4=draft4)
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and isinstance(value, bool):
            bound = "minimum" if key == "exclusiveMinimum" else "maximum"
            if value and isinstance(schema.get(bound), int | float):
                out[key] = schema[bound]
        elif key in ("minimum", "maximum") and schema.get(f"exclusive{key.title()}") is True:
            continue  # the exclusive form above carries the bound
        elif key in _SCHEMA_MAPS and isinstance(value, Mapping):
            out[key] = {name: _upgrade(sub, depth + 1, draft4=draft4)
                        for name, sub in value.items()}
        elif key in _SCHEMA_ONE and isinstance(value, Mapping | bool):
            out[key] = _upgrade(value, depth + 1, draft4=draft4)
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            out[key] = [_upgrade(sub, depth + 1, draft4=draft4) for sub in value]
        else:
            out[key] = value
    return out


def uses_integer(schema: Any, depth: int = 0) -> bool:
    """Whether ``type: integer`` appears anywhere in a schema document."""
    if depth > MAX_DEPTH:
        return False
    if isinstance(schema, Mapping):
        kinds = schema.get("type")
        if kinds == "integer" or (isinstance(kinds, list) and "integer" in kinds):
            return True
        return any(uses_integer(v, depth + 1) for k, v in schema.items()
                   if k not in VALUE_KEYWORDS)
    if isinstance(schema, list):
        return any(uses_integer(v, depth + 1) for v in schema)
    return False
