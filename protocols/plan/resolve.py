"""Turn plan property fragments into plain draft 2020-12 JSON Schema.

The plan format is JSON Schema plus a few keys that keep plans short: ``required: true`` on the
property itself (instead of a list on the parent), ``nullable``, ``pii``, library references
(an empty property, or ``use: name``) and named types (``type: Product``). This module resolves
all of them and records where each resulting schema piece was written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity, format_path
from protocols.naming import did_you_mean
from protocols.plan.model import JSON_TYPES, AdditionalPolicy
from protocols.schemarefs import defs_reference
from protocols.yamlsrc import IGNORE_KEY, PathKey, SourceMap

# Keys of a property fragment that describe it without saying what values it accepts.
META_KEYS = frozenset({"required", "description", "deprecated", "pii", "nullable", "use"})
PLAN_ONLY_KEYS = frozenset({"required", "pii", "nullable", "use", "schema"})
NESTED_SCHEMA_KEYS = ("anyOf", "oneOf", "allOf")
#: Library entries expanded inside other entries for one use of an entry (in a message, a
#: type, or the library checked on its own), before PL115 stops it. An entry is copied into
#: every place that uses it, so entries that use entries multiply: ten properties of the next
#: entry, five deep, are 111,110 copies for one use (minutes, for every command). A product
#: entry whose eight fields use other entries makes eight. Named types (``types:``) are kept
#: by reference and have no such limit.
MAX_COPIES_PER_USE = 2_000
#: The same, counted over the whole plan: many uses just under the limit above.
MAX_NESTED_EXPANSIONS = 100_000


@dataclass
class ExpansionBudget:
    """Nested library expansions left for one plan, shared by all its resolvers, and for
    the use being expanded."""

    left: int = MAX_NESTED_EXPANSIONS
    use_left: int = MAX_COPIES_PER_USE
    reported: bool = False


@dataclass
class Resolver:
    """Resolves fragments of one plan; collects diagnostics and schema locations."""

    source: SourceMap
    library: Mapping[str, Any]
    types: Mapping[str, Any]
    policy: AdditionalPolicy
    library_sources: Mapping[str, tuple[PathKey, SourceMap]] = field(default_factory=dict)
    type_sources: Mapping[str, tuple[PathKey, SourceMap]] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    used_library: set[str] = field(default_factory=set)
    used_types: set[str] = field(default_factory=set)
    # Library entries being expanded right now: an entry met again inside itself is a cycle.
    expanding: list[str] = field(default_factory=list)
    budget: ExpansionBudget = field(default_factory=ExpansionBudget)

    def error(self, code: str, name: str, message: str, path: PathKey, *,
              key: bool = False, suggestion: str | None = None) -> None:
        loc = self.source.key_location(path) if key else self.source.value_location(path)
        self.diagnostics.append(Diagnostic(code, name, Severity.ERROR, message, loc.file,
                                           loc.line, loc.column, path=format_path(path),
                                           suggestion=suggestion))

    # -- objects -------------------------------------------------------------------------

    def object_schema(self, props: Mapping[str, Any] | None, plan_path: PathKey,
                      schema_path: PathKey, locations: dict[PathKey, Location],
                      policy: AdditionalPolicy | None = None) -> dict[str, Any]:
        """The schema of an object whose properties are plan property fragments."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        for name, fragment in (props or {}).items():
            child_plan = (*plan_path, name)
            child_schema = (*schema_path, "properties", name)
            locations[child_schema] = self.source.key_location(child_plan)
            schema, is_required = self.property_schema(name, fragment, child_plan, child_schema,
                                                       locations)
            properties[name] = schema
            if is_required:
                required.append(name)
        result: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            result["required"] = required
        if (policy or self.policy) == "error":
            result["additionalProperties"] = False
        return result

    # -- properties ----------------------------------------------------------------------

    def property_schema(self, name: str, fragment: Any, plan_path: PathKey,
                        schema_path: PathKey, locations: dict[PathKey, Location]
                        ) -> tuple[dict[str, Any], bool]:
        """Resolve one named property; returns its schema and whether it is required."""
        fragment = dict(fragment or {})
        base_name = fragment.get("use")
        if base_name is None and not (set(fragment) - META_KEYS - _extension_keys(fragment)):
            base_name = name
            if name not in self.library:
                hint = did_you_mean(name, list(self.library))
                message = (f"property {name!r} has no type and the property library has no "
                           f"entry named {name!r}")
                message += f"; did you mean {hint!r}?" if hint else "; give it a type"
                self.error("PL108", "unresolved-reference", message, plan_path, key=True,
                           suggestion=hint)
                base_name = None
        elif base_name is not None and base_name not in self.library:
            hint = did_you_mean(str(base_name), list(self.library))
            self.error("PL108", "unresolved-reference",
                       f"`use: {base_name}` names no property in the library"
                       + (f"; did you mean {hint!r}?" if hint else ""),
                       (*plan_path, "use"), suggestion=hint)
            base_name = None
        if base_name is not None and (self._contains_itself(base_name, plan_path, key=True)
                                      or self._over_budget(plan_path, key=True)):
            return {}, bool(fragment.get("required", False))
        if base_name is not None:
            self.used_library.add(str(base_name))
            self.expanding.append(str(base_name))
            try:
                return self._library_property(str(base_name), fragment, plan_path,
                                              schema_path, locations)
            finally:
                self.expanding.pop()
        schema = _finish(self.fragment_schema(fragment, plan_path, schema_path, locations),
                         fragment)
        return schema, bool(fragment.get("required", False))

    def _library_property(self, base_name: str, fragment: dict[str, Any], plan_path: PathKey,
                          schema_path: PathKey, locations: dict[PathKey, Location]
                          ) -> tuple[dict[str, Any], bool]:
        base = dict(self.library[str(base_name)] or {})
        own = {k: v for k, v in fragment.items() if k != "use"}
        lib_path, lib_source = self.library_sources.get(str(base_name), ((), self.source))
        # The library part is positioned in the library's own file; the event's own keys
        # (overrides such as `required` or a narrower enum) where the event wrote them.
        sub = Resolver(lib_source, self.library, self.types, self.policy,
                       self.library_sources, self.type_sources, self.diagnostics,
                       self.used_library, self.used_types, self.expanding, self.budget)
        schema = sub.fragment_schema(base, lib_path, schema_path, locations)
        schema.update(self.fragment_schema(own, plan_path, schema_path, locations))
        merged = {**base, **own}
        return _finish(schema, merged), bool(merged.get("required", False))

    def fragment_schema(self, fragment: Mapping[str, Any], plan_path: PathKey,
                        schema_path: PathKey, locations: dict[PathKey, Location]
                        ) -> dict[str, Any]:
        """Translate the JSON Schema keywords of a fragment (plan keys are handled by callers)."""
        schema: dict[str, Any] = {}
        for key, value in fragment.items():
            if key in PLAN_ONLY_KEYS or key == IGNORE_KEY:
                continue  # (lint decisions are about the plan, not about values)
            if key == "type":
                schema.update(self.type_schema(value, (*plan_path, "type")))
            elif key == "properties":
                policy = self.policy
                obj = self.object_schema(value, (*plan_path, "properties"), schema_path,
                                         locations, policy)
                schema["properties"] = obj["properties"]
                if "required" in obj:
                    schema["required"] = obj["required"]
                if policy == "error" and "additionalProperties" not in fragment:
                    schema["additionalProperties"] = False
                schema.setdefault("type", "object")
            elif key == "items":
                item_path = (*schema_path, "items")
                locations[item_path] = self.source.value_location((*plan_path, "items"))
                schema["items"] = self.nested(value, (*plan_path, "items"), item_path, locations)
            elif key == "additionalProperties" and isinstance(value, dict):
                schema[key] = self.nested(value, (*plan_path, key), (*schema_path, key), locations)
            elif key in NESTED_SCHEMA_KEYS and isinstance(value, list):
                schema[key] = [
                    self.nested(item, (*plan_path, key, i), (*schema_path, key, i), locations)
                    for i, item in enumerate(value)
                ]
            elif key == "not" and isinstance(value, dict):
                schema[key] = self.nested(value, (*plan_path, key), (*schema_path, key), locations)
            elif key == "pii":
                continue
            else:
                schema[key] = value
        if fragment.get("pii"):
            schema["x-pii"] = True
        raw = fragment.get("schema")
        if isinstance(raw, dict):
            schema.update(raw)
        if "required" in schema and not isinstance(schema["required"], list):
            schema.pop("required")
        return schema

    def _contains_itself(self, name: object, where: PathKey, *, key: bool = False) -> bool:
        """Whether library entry ``name`` is being expanded already (so it would contain
        itself); reported at ``where`` (PL108) when it is."""
        entry = str(name)
        if entry not in self.expanding:
            return False
        cycle = " -> ".join([*self.expanding[self.expanding.index(entry):], entry])
        self.error("PL108", "unresolved-reference",
                   f"library entry {name!r} contains itself ({cycle}), so it cannot be "
                   "expanded; write a recursive shape as a named type (`types:`), which may "
                   "refer to itself", where, key=key)
        return True

    def _over_budget(self, where: PathKey, *, key: bool = False) -> bool:
        """Whether expanding one more library entry here, inside another, passes
        :data:`MAX_COPIES_PER_USE` for this use or :data:`MAX_NESTED_EXPANSIONS` for the
        plan; reported once, at ``where`` (PL115)."""
        budget = self.budget
        if not self.expanding:
            budget.use_left = MAX_COPIES_PER_USE  # (a use in a message or type: a new one)
            return False
        budget.left -= 1
        budget.use_left -= 1
        if budget.left >= 0 and budget.use_left >= 0:
            return False
        if not budget.reported:
            budget.reported = True
            limit = (f"more than {MAX_COPIES_PER_USE:,} copies for one use"
                     if budget.use_left < 0 else
                     f"more than {MAX_NESTED_EXPANSIONS:,} copies in this plan")
            self.error("PL115", "expansion-limit",
                       f"library entries used inside library entries ("
                       f"{' -> '.join(self.expanding)} -> ...) expand to {limit}; make the "
                       "repeated shape a named type (`types:`), which is kept by reference",
                       where, key=key)
        return True

    def nested(self, fragment: Any, plan_path: PathKey, schema_path: PathKey,
               locations: dict[PathKey, Location]) -> dict[str, Any]:
        """An unnamed sub-schema (items, anyOf members...): no library lookup by name."""
        fragment = dict(fragment or {})
        use = fragment.pop("use", None)
        if use is not None:
            if self._contains_itself(use, (*plan_path, "use")) or (
                    use in self.library and self._over_budget((*plan_path, "use"))):
                return {}
            if use in self.library:
                self.used_library.add(use)
                self.expanding.append(use)
                try:
                    return self.nested({**dict(self.library[use] or {}), **fragment},
                                       plan_path, schema_path, locations)
                finally:
                    self.expanding.pop()
            else:
                self.error("PL108", "unresolved-reference",
                           f"`use: {use}` names no property in the library", (*plan_path, "use"))
        return _finish(self.fragment_schema(fragment, plan_path, schema_path, locations), fragment)

    def type_schema(self, value: Any, plan_path: PathKey) -> dict[str, Any]:
        """``type: string``, ``type: [string, "null"]`` or a named type from ``types``."""
        names = value if isinstance(value, list) else [value]
        plain: list[str] = []
        refs: list[dict[str, Any]] = []
        for index, name in enumerate(names):
            where = (*plan_path, index) if isinstance(value, list) else plan_path
            if name in JSON_TYPES:
                plain.append(name)
            elif name in self.types:
                self.used_types.add(name)
                refs.append({"$ref": defs_reference(name)})
            else:
                hint = did_you_mean(str(name), sorted(JSON_TYPES | set(self.types)))
                self.error("PL111", "unknown-type",
                           f"unknown type {name!r}: use a JSON type "
                           "(string, number, integer, boolean, object, array, null) "
                           "or a name from `types`" + (f"; did you mean {hint!r}?" if hint else ""),
                           where, suggestion=hint)
        if not refs:
            if not plain:
                return {}
            return {"type": plain[0] if len(plain) == 1 else plain}
        if not plain and len(refs) == 1:
            return dict(refs[0])
        members = list(refs)
        if plain:
            members.append({"type": plain[0] if len(plain) == 1 else plain})
        return {"anyOf": members}


def _extension_keys(fragment: Mapping[str, Any]) -> set[str]:
    return {k for k in fragment if k.startswith("x-")}


def _finish(schema: dict[str, Any], fragment: Mapping[str, Any]) -> dict[str, Any]:
    """Apply ``nullable: true``: accept null as well as whatever the schema accepts."""
    if not fragment.get("nullable"):
        return schema
    schema = dict(schema)
    kind = schema.get("type")
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if isinstance(kind, str):
        schema["type"] = [kind, "null"] if kind != "null" else kind
    elif isinstance(kind, list):
        if "null" not in kind:
            schema["type"] = [*kind, "null"]
    elif "$ref" in schema or "anyOf" in schema or "const" in schema:
        annotations: dict[str, Any] = {k: schema.pop(k) for k in ("description", "deprecated", "title", "x-pii")
                       if k in schema}
        schema = {"anyOf": [schema, {"type": "null"}], **annotations}
    return schema
