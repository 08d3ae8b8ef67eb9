"""Turn JSON Schema (draft-07 as Segment writes it, or 2020-12) into plan property fragments.

The plan format is JSON Schema plus a few plan keys (``required: true`` on the property,
``nullable``...). This module is the inverse of :mod:`protocols.plan.resolve`: the fragments it
writes resolve back to a schema that accepts exactly the same values. What the plan keys cannot
say goes verbatim under the fragment's ``schema:`` key (translated to draft 2020-12, the dialect
plans compile to), and every such case is reported as a warning: nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import format_path
from protocols.interop.errors import InteropError
from protocols.plan.model import JSON_TYPES
from protocols.plan.rawcheck import metaschema_errors
from protocols.schemarefs import VALUE_KEYWORDS, is_local
from protocols.validate.check.fastschema.patterns import PatternError, compile_pattern

# Plan property keys that are JSON Schema keywords copied as they are, with the JSON type the
# plan format requires of their value (a value of another type is kept raw instead).
_NUMBER = (int, float)
_COPIED: Mapping[str, tuple[type, ...] | None] = {
    "title": (str,), "description": (str,), "deprecated": (bool,), "default": None,
    "examples": (list,), "const": None, "pattern": (str,), "format": (str,),
    "minimum": _NUMBER, "maximum": _NUMBER, "exclusiveMinimum": _NUMBER,
    "exclusiveMaximum": _NUMBER, "multipleOf": _NUMBER, "minLength": (int,),
    "maxLength": (int,), "minItems": (int,), "maxItems": (int,), "uniqueItems": (bool,),
    "minProperties": (int,), "maxProperties": (int,),
}
# Keys that only annotate a Segment export and say nothing about valid values.
SEGMENT_NOISE = frozenset({"id", "$schema", "$id", "eventMetadata", "labels"})
# Payload keys that the plan's own event keys (or the plan's `types`) carry.
_PAYLOAD_KEYS = frozenset({*SEGMENT_NOISE, "type", "properties", "required", "description",
                           "deprecated", "title", "additionalProperties", "$defs",
                           "definitions", "self"})
_COMBINATORS = ("anyOf", "oneOf", "allOf")
# Deeper schemas are refused: the plan file would pass the YAML loader's depth limit.
MAX_NESTING = 20


@dataclass
class Converter:
    """Converts schemas for one plan, collecting warnings that name where each came from."""

    warnings: list[str] = field(default_factory=list)
    dropped_ids: int = 0
    # Plan `types` built from `$defs`/`definitions`, and the `$ref` that names each one.
    types: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    type_sources: dict[str, Any] = field(default_factory=dict)

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"{where}: {message}")

    # -- named types ---------------------------------------------------------------------

    def collect_types(self, root: Mapping[str, Any], where: str) -> None:
        """Turn a schema's ``$defs``/``definitions`` into plan ``types`` (refs become names)."""
        found: list[tuple[str, Any]] = []
        for key in ("$defs", "definitions"):
            defs = root.get(key)
            if not isinstance(defs, Mapping):
                continue
            for name, sub in defs.items():
                final, counter = str(name), 2
                while final in self.type_sources and self.type_sources[final] != sub:
                    final, counter = f"{name}{counter}", counter + 1
                if final != name:
                    self.warn(where, f"type {name!r} differs from another of the same name; "
                              f"planned as {final!r}")
                self.refs[f"#/{key}/{name}"] = final
                if final not in self.type_sources:
                    self.type_sources[final] = sub
                    found.append((final, sub))
        for name, sub in found:
            self.types[name] = self.property_fragment(sub, where, (), named=False)

    def payload(self, schema: Mapping[str, Any], where: str
                ) -> tuple[dict[str, Any], dict[str, Any]]:
        """Plan properties and event keys (``additional_properties``...) for a payload schema.

        Payload keywords the event keys cannot say (``anyOf`` of required lists,
        ``dependentRequired``, ``minProperties``...) go to the event's raw ``schema:``, which
        is enforced, with a warning.
        """
        self.collect_types(schema, where)
        body: dict[str, Any] = {}
        if schema.get("additionalProperties") is False:
            body["additional_properties"] = "error"
        props = self.object_properties(schema, where)
        if body:
            _open_nested_objects(props)
        leftovers = {k: v for k, v in schema.items() if k not in _PAYLOAD_KEYS}
        if schema.get("additionalProperties") not in (None, True, False):
            leftovers["additionalProperties"] = schema["additionalProperties"]
        if leftovers:
            self.warn(where, f"payload keywords {sorted(leftovers)} kept as the event's raw "
                      "`schema:`")
            body["schema"] = self._local_refs(leftovers, where, ())
        return props, body

    # -- objects -------------------------------------------------------------------------

    def object_properties(self, schema: Mapping[str, Any], where: str,
                          path: tuple[str | int, ...] = ()) -> dict[str, Any]:
        """The plan ``properties:`` mapping for an object schema (required folded in)."""
        required = schema.get("required")
        required_names = [r for r in required if isinstance(r, str)] \
            if isinstance(required, list) else []
        props = schema.get("properties")
        result: dict[str, Any] = {}
        if isinstance(props, Mapping):
            for name, sub in props.items():
                fragment = self.property_fragment(sub, where, (*path, str(name)), named=True)
                if name in required_names:
                    fragment["required"] = True
                result[str(name)] = fragment
        for name in required_names:
            if name not in result:
                # `required` names a property `properties` does not describe: its value is
                # governed by the matching `patternProperties`, else by `additionalProperties`
                # (false: no value can pass, so no object can). Plan that as raw schema so
                # the verdicts stay the source's.
                governing = _undeclared_value_schema(schema, name)
                self.warn(where, f"{_show(path, name)} is required but not in `properties`; "
                          + ("planned as any value" if governing == {} else
                             "planned with the schema that governs it there"))
                result[name] = {"required": True,
                                "schema": self._local_refs(governing, where, (*path, name))}
        return result

    # -- properties ----------------------------------------------------------------------

    def property_fragment(self, schema: Any, where: str, path: tuple[str | int, ...], *,
                          named: bool) -> dict[str, Any]:
        """One property (``named``) or sub-schema as a plan fragment."""
        if len(path) > MAX_NESTING:
            raise InteropError(f"{where}: {_show(path)} is nested more than {MAX_NESTING} "
                               "levels deep; a plan cannot hold it")
        if isinstance(schema, bool):
            return {"schema": {} if schema else {"not": {}}}
        if not isinstance(schema, Mapping):
            self.warn(where, f"{_show(path)}: schema is not an object; planned as any value")
            return {"schema": {}}
        fragment: dict[str, Any] = {}
        raw: dict[str, Any] = {}
        kinds = schema.get("type")
        types = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else None
        if kinds is not None and (not types or not all(t in JSON_TYPES for t in types)):
            self.warn(where, f"{_show(path)}: `type` {kinds!r} is not a JSON type; kept as "
                      "raw JSON Schema")
            raw["type"] = kinds
            types = None
        if types is not None:
            self._types(schema, types, fragment)
        malformed = {k: schema[k] for k, kind in (("properties", Mapping), ("required", list))
                     if k in schema and not isinstance(schema[k], kind)}
        if malformed:
            self.warn(where, f"{_show(path)}: malformed {sorted(malformed)} kept as raw "
                      "JSON Schema")
            raw.update(malformed)
        elif "properties" in schema or "required" in schema:
            if types is None or "object" not in types:
                # Without `type: object` these keywords only bind objects; the plan would add
                # the type, so keep them raw to accept exactly the same values.
                raw.update({k: schema[k] for k in ("properties", "required")
                            if k in schema})
            else:
                props = self.object_properties(schema, where, path)
                if props:
                    fragment["properties"] = props
        for key, value in schema.items():
            if key in ("type", "properties", "required"):
                continue
            if key == "key" and path and value == path[-1]:
                continue  # Segment repeats the property's own name as `key`
            if key in SEGMENT_NOISE:
                if key == "id":
                    self.dropped_ids += 1
                continue
            if key == "x-pii" and value is True:
                fragment["pii"] = True  # what a plan's `pii: true` compiles to
            elif key.startswith("x-"):
                # An annotation, but a plan refuses a reference to another document anywhere
                # in it (lint PL114): the same treatment as raw JSON Schema.
                fragment[key] = self._local_refs(value, where, path)
            elif key in _COPIED:
                expected = _COPIED[key]
                if key == "description" and value == "":
                    continue  # Segment writes "" for "no description"
                if _fits(key, value, expected):
                    fragment[key] = value
                else:
                    self.warn(where, f"{_show(path)}: `{key}: {value!r}` is not valid for a "
                              "plan; kept as raw JSON Schema")
                    raw[key] = value
            elif key == "enum" and isinstance(value, list) and value:
                fragment["enum"] = value
            elif key == "items" and isinstance(value, Mapping | bool):
                fragment["items"] = self.property_fragment(value, where, (*path, "items"),
                                                           named=False)
            elif key == "additionalProperties" and isinstance(value, bool):
                fragment[key] = value
            elif key == "additionalProperties" and isinstance(value, Mapping):
                fragment[key] = self.property_fragment(value, where, (*path, key), named=False)
            elif key in _COMBINATORS and isinstance(value, list) and value:
                fragment[key] = [self.property_fragment(v, where, (*path, key, i), named=False)
                                 for i, v in enumerate(value)]
            elif key == "$ref" and value in self.refs and "type" not in schema:
                fragment["type"] = self.refs[value]
            elif key == "not" and isinstance(value, Mapping | bool):
                fragment[key] = self.property_fragment(value, where, (*path, key),
                                                       named=False)
            else:
                raw.update(self._raw_keyword(key, value, schema, where, path))
        nullable_member = _nullable_member(schema)
        if nullable_member is not None and "anyOf" in fragment:
            # anyOf [X, {type: null}] is `X` with `nullable: true`, the way plans say it.
            del fragment["anyOf"]
            fragment.update(self.property_fragment(nullable_member, where, path, named=False))
            fragment["nullable"] = True
        if raw:
            fragment["schema"] = self._local_refs(raw, where, path)
            for sub_path, message in metaschema_errors(fragment["schema"]):
                # A plan cannot hold what no validator can read: say where, import nothing.
                raise InteropError(f"{where}: {_show(path)} is not valid JSON Schema "
                                   f"({format_path(sub_path) or 'itself'}: {message}); fix "
                                   "it at the source, then import")
        if named and not (set(fragment) - {"description", "deprecated", "required"}):
            # A fragment with no type is read as a reference to the property library, so say
            # "any value" explicitly.
            fragment["schema"] = {}
        return fragment

    def _types(self, schema: Mapping[str, Any], types: list[str],
               fragment: dict[str, Any]) -> None:
        others = [t for t in types if t != "null"]
        # `nullable` also lets null through an enum or const, so it is used only when the
        # schema has neither (otherwise the type list is kept as written).
        if "null" in types and others and "enum" not in schema and "const" not in schema:
            fragment["type"] = others[0] if len(others) == 1 else others
            fragment["nullable"] = True
        else:
            fragment["type"] = types[0] if len(types) == 1 else list(types)

    def _raw_keyword(self, key: str, value: Any, schema: Mapping[str, Any], where: str,
                     path: tuple[str | int, ...]) -> dict[str, Any]:
        """A keyword the plan keys cannot say, as draft 2020-12 JSON Schema."""
        if key == "items" and isinstance(value, list):
            self.warn(where, f"{_show(path)}: tuple `items` kept as raw `prefixItems`")
            return {"prefixItems": value}
        if key == "additionalItems":
            if isinstance(schema.get("items"), list):
                return {"items": value}
            return {}  # ignored by draft-07 when `items` is not a list
        if key in ("definitions", "$defs") and not path:
            return {}  # the root's named types became plan `types` (collect_types)
        if key == "definitions":
            self.warn(where, f"{_show(path)}: `definitions` kept as raw `$defs`")
            return {"$defs": value}
        if key == "dependencies" and isinstance(value, Mapping):
            self.warn(where, f"{_show(path)}: `dependencies` kept as raw "
                      "`dependentRequired`/`dependentSchemas`")
            out: dict[str, Any] = {}
            for name, dep in value.items():
                target = "dependentRequired" if isinstance(dep, list) else "dependentSchemas"
                out.setdefault(target, {})[name] = dep
            return out
        self.warn(where, f"{_show(path)}: `{key}` kept as raw JSON Schema")
        return {key: value}

    def _local_refs(self, raw: Any, where: str, path: tuple[str | int, ...],
                    depth: int = 0) -> Any:
        """Raw JSON Schema with its ``$ref``s pointed at the plan's named types.

        A reference the plan cannot follow (to the source's root, to another file) would dangle
        in the plan, so it becomes "any value", with a warning.
        """
        if depth > 2 * MAX_NESTING + 20:
            return raw
        if isinstance(raw, Mapping):
            out: dict[str, Any] = {}
            for key, value in raw.items():
                if key == "$ref" and isinstance(value, str):
                    target = self._ref_target(value)
                    if target is None:
                        self.warn(where, f"{_show(path)}: `$ref` {value!r} points outside the "
                                  "schema's named types; planned as any value (not enforced)")
                        continue
                    out[key] = target
                elif key == "$dynamicRef" and isinstance(value, str) and not is_local(value):
                    # Another document: a plan never holds one (lint PL114), nothing fetches it.
                    self.warn(where, f"{_show(path)}: `$dynamicRef` {value!r} names another "
                              "document; planned as any value (not enforced)")
                elif key in VALUE_KEYWORDS:
                    out[key] = value
                else:
                    out[key] = self._local_refs(value, where, path, depth + 1)
            return out
        if isinstance(raw, list):
            return [self._local_refs(v, where, path, depth + 1) for v in raw]
        return raw

    def _ref_target(self, ref: str) -> str | None:
        for source, name in self.refs.items():
            if ref == source or ref.startswith(source + "/"):
                return "#/$defs/" + _pointer_part(name) + ref[len(source):]
        return None

    def summary(self) -> list[str]:
        """Warnings, plus one line for Segment's generated ``id`` annotations if any."""
        extra = []
        if self.dropped_ids:
            extra.append(f"dropped {self.dropped_ids} Segment `id` annotation(s) "
                         "(JSON pointers that say nothing about valid values)")
        return [*self.warnings, *extra]


def _pointer_part(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def _undeclared_value_schema(schema: Mapping[str, Any], name: str) -> Any:
    """The JSON Schema a value of ``name`` must pass when ``properties`` does not list it."""
    patterns = schema.get("patternProperties")
    matching = []
    if isinstance(patterns, Mapping):
        for pattern, sub in patterns.items():
            if not isinstance(pattern, str):
                continue
            try:
                # Bounded: the file being imported chose both the pattern and the name.
                found = compile_pattern(pattern).search(name)
            except PatternError:  # a pattern Python cannot read: keep the requirement only
                return {}
            if found is None:  # not decided in time: the same
                return {}
            if found:
                matching.append(_schema_object(sub))
    if matching:
        return matching[0] if len(matching) == 1 else {"allOf": matching}
    extra = schema.get("additionalProperties", True)
    if extra is False:
        return {"not": {}}
    return extra if isinstance(extra, Mapping) else {}


def _schema_object(schema: Any) -> Any:
    """A boolean schema as the object a plan's raw ``schema:`` can hold."""
    if schema is False:
        return {"not": {}}
    return {} if schema is True else schema


def _show(path: tuple[str | int, ...], last: str | None = None) -> str:
    parts = [*path, last] if last is not None else list(path)
    text = format_path(parts)
    return f"property {text!r}" if text else "the payload"


_COUNTS = frozenset({"minLength", "maxLength", "minItems", "maxItems", "minProperties",
                     "maxProperties"})


def _fits(key: str, value: Any, expected: tuple[type, ...] | None) -> bool:
    """Whether a keyword's value is one the plan format accepts (else it is kept raw)."""
    if expected is None:
        return True
    if isinstance(value, bool):
        return bool in expected  # bool is an int in Python, not in JSON
    if not isinstance(value, expected):
        return False
    if isinstance(value, int | float) and key in _COUNTS:
        return value >= 0
    if isinstance(value, int | float) and key == "multipleOf":
        return value > 0
    return True


def _nullable_member(schema: Mapping[str, Any]) -> Any:
    """X when the schema is ``anyOf: [X, {type: null}]`` (either order) and nothing else."""
    members = schema.get("anyOf")
    if not isinstance(members, list) or len(members) != 2 or "type" in schema:
        return None
    if set(schema) - {"anyOf", "description", "title", "deprecated", "x-pii"}:
        return None
    others = [m for m in members if m != {"type": "null"}]
    if len(others) != 1 or not isinstance(others[0], Mapping):
        return None
    if set(others[0]) & (set(schema) - {"anyOf"}):
        return None
    return others[0]


def _open_nested_objects(props: Mapping[str, Any]) -> None:
    """Keep nested objects open when only the payload is closed.

    An event with ``additional_properties: error`` closes its nested objects too, but a
    schema with ``additionalProperties: false`` on the payload closes only the payload.
    """
    for fragment in props.values():
        if not isinstance(fragment, dict):
            continue
        if "properties" in fragment:
            fragment.setdefault("additionalProperties", True)
            _open_nested_objects(fragment["properties"])
        for key in ("items", "additionalProperties", "not"):
            if isinstance(fragment.get(key), dict):
                _open_nested_objects({"_": fragment[key]})
        for key in ("anyOf", "oneOf", "allOf"):
            for member in fragment.get(key) or []:
                _open_nested_objects({"_": member})
