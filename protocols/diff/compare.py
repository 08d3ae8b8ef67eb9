"""Compare two versions of a plan, message by message, down through the resolved schemas.

Each message's ``MessageSpec.schema`` (plain JSON Schema with its own ``$defs``) is compared
recursively: nested objects, array items and named types (followed through ``$ref``). Every
difference becomes exactly one :class:`Change`; a keyword this module does not understand
is reported as ``schema-changed`` rather than dropped.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Location, format_path
from protocols.diff.model import Change
from protocols.diff.rules import CHANGE_RULES
from protocols.naming import collision_key, near_duplicate
from protocols.plan.model import MessageKind, MessageSpec, Plan
from protocols.yamlsrc import PathKey

LOWER_BOUNDS = ("minimum", "exclusiveMinimum")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum")
MIN_SIZES = ("minLength", "minItems", "minProperties", "minContains")
MAX_SIZES = ("maxLength", "maxItems", "maxProperties", "maxContains")
ANNOTATIONS = ("title", "examples", "default", "x-pii", "$comment", "readOnly", "writeOnly")
# Keywords compared one by one below; any other keyword that differs is `schema-changed`.
HANDLED = frozenset({
    "type", "$ref", "$defs", "enum", "const", "pattern", "format", "multipleOf", "uniqueItems",
    "properties", "required", "additionalProperties", "items", "description", "deprecated",
    *LOWER_BOUNDS, *UPPER_BOUNDS, *MIN_SIZES, *MAX_SIZES, *ANNOTATIONS,
})
POLICY_RANK = {"allow": 0, "warn": 1, "error": 2}
RENAME_SIMILARITY = 0.75


def canonical(value: Any) -> str:
    """A stable text form of JSON data, to compare and sort values of any type."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def quoted(name: str | None) -> str:
    return json.dumps(name, ensure_ascii=False)


def describe(spec: MessageSpec) -> str:
    """``event "Order Completed"``, ``identify traits``, ``page "Home"``."""
    if spec.kind == "track":
        return f"event {quoted(spec.name)}"
    if spec.name is None:
        return f"{spec.kind} traits"
    return f"{spec.kind} {quoted(spec.name)}"


@dataclass(frozen=True)
class _Side:
    """One version of the message being compared."""

    spec: MessageSpec
    defs: Mapping[str, Any]


class MessageDiff:
    """Compares one message across versions; collects :class:`Change` records."""

    def __init__(self, plan: str, old: MessageSpec, new: MessageSpec, *,
                 own_policy: bool, ignore_nested_policy: bool) -> None:
        self.plan = plan
        self.own_policy = own_policy
        self.old = _Side(old, old.schema.get("$defs") or {})
        self.new = _Side(new, new.schema.get("$defs") or {})
        self.ignore_nested_policy = ignore_nested_policy
        self.changes: list[Change] = []
        self._visiting: set[tuple[str, str]] = set()

    # -- recording -------------------------------------------------------------------------

    def plan_path(self, spec: MessageSpec, schema_path: PathKey) -> PathKey:
        # The payload object is written as `properties:` (or `traits:`) in the plan.
        rest = list(schema_path)
        if rest and rest[0] == "properties":
            rest[0] = spec.payload_field
        return (*spec.plan_path, *rest)

    def add(self, rule_id: str, what: str, schema_path: PathKey, *, before: Any = None,
            after: Any = None, gone: bool = False) -> None:
        new_spec, old_spec = self.new.spec, self.old.spec
        self.changes.append(Change(
            rule=CHANGE_RULES[rule_id], what=what,
            path=format_path(self.plan_path(new_spec if not gone else old_spec, schema_path)),
            plan=self.plan, event=new_spec.label,
            new=new_spec.locate(schema_path), old=old_spec.locate(schema_path),
            before=before, after=after))

    def where(self, schema_path: PathKey) -> str:
        """``property "total" of event "Order Completed"`` for a schema path."""
        names = [str(part) for i, part in enumerate(schema_path)
                 if i > 0 and schema_path[i - 1] == "properties"]
        owner = describe(self.new.spec)
        if not names:
            return owner if not schema_path else f"{format_path(schema_path)} of {owner}"
        label = "trait" if self.new.spec.payload_field == "traits" else "property"
        inner = ".".join(names)
        if schema_path[-1] == "items":
            inner += "[]"
        return f"{label} {quoted(inner)} of {owner}"

    # -- messages ----------------------------------------------------------------------------

    def compare(self) -> list[Change]:
        old, new = self.old.spec, self.new.spec
        owner = describe(new)
        if bool(old.deprecated) != bool(new.deprecated):
            state = "is now deprecated" if new.deprecated else "is no longer deprecated"
            self.add("event-deprecated", f"{owner} {state}", (),
                     before=old.deprecated, after=new.deprecated)
        if (old.description or None) != (new.description or None):
            self.add("description-changed", f"the description of {owner} changed", (),
                     before=old.description, after=new.description)
        if (old.owner or None) != (new.owner or None):
            self.add("owner-changed", f"the owner of {owner} changed from "
                     f"{old.owner or 'nobody'} to {new.owner or 'nobody'}", (),
                     before=old.owner, after=new.owner)
        if sorted(old.tags) != sorted(new.tags):
            self.add("annotation-changed", f"the tags of {owner} changed", (),
                     before=list(old.tags), after=list(new.tags))
        if old.additional_properties != new.additional_properties and self.own_policy:
            self.policy_change(old.additional_properties, new.additional_properties, (),
                               f"unlisted properties of {owner}")
        self.schema(old.schema, new.schema, (), root=True)
        return self.changes

    def policy_change(self, before: str, after: str, schema_path: PathKey, what: str) -> None:
        if (before == "error") == (after == "error"):
            rule, verb = "additional-properties-policy-changed", f"{before} -> {after}"
        elif after == "error":
            rule, verb = "additional-properties-tightened", "are now refused"
        else:
            rule, verb = "additional-properties-loosened", "are now accepted"
        self.add(rule, f"{what} {verb}", schema_path, before=before, after=after)

    # -- schemas -------------------------------------------------------------------------------

    def schema(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey, *,
               root: bool = False) -> None:
        old, old_ref = _deref(old, self.old.defs)
        new, new_ref = _deref(new, self.new.defs)
        if old_ref or new_ref:
            key = (old_ref or "", new_ref or "")
            if key in self._visiting:  # a recursive type: this pair is compared further up
                return
            self._visiting.add(key)
        try:
            self._schema(old, new, path, root=root)
        finally:
            if old_ref or new_ref:
                self._visiting.discard((old_ref or "", new_ref or ""))

    def _schema(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey, *,
                root: bool) -> None:
        where = self.where(path)
        old_view, new_view = _View.of(old), _View.of(new)
        self.types(old_view, new_view, path, where)
        if old_view.nullable != new_view.nullable:
            rule = "became-nullable" if new_view.nullable else "became-non-nullable"
            state = "now accepts null" if new_view.nullable else "no longer accepts null"
            self.add(rule, f"{where} {state}", path, before=old_view.nullable,
                     after=new_view.nullable)
        self.enum(old_view, new_view, path, where)
        self.strings(old, new, path, where)
        self.bounds(old, new, path, where)
        if not root:
            self.annotations(old, new, path, where)
        self.objects(old, new, path, root=root)
        if "items" in old and "items" in new:
            self.schema(old["items"], new["items"], (*path, "items"))
        elif "items" in old or "items" in new:
            self.add("schema-changed", f"the items of {where} changed", path,
                     before=old.get("items"), after=new.get("items"))
        others = sorted((set(old) | set(new)) - HANDLED)
        changed = [k for k in others if canonical(old.get(k)) != canonical(new.get(k))]
        if changed:
            self.add("schema-changed", f"{', '.join(changed)} of {where} changed", path,
                     before={k: old.get(k) for k in changed},
                     after={k: new.get(k) for k in changed})

    def types(self, old: _View, new: _View, path: PathKey, where: str) -> None:
        if old.types == new.types:
            return
        old_accepts, new_accepts = _accepts(old.types), _accepts(new.types)
        if old_accepts == new_accepts:
            return  # e.g. [number, integer] -> number: the same values
        shown_old, shown_new = _type_text(old.types), _type_text(new.types)
        if new_accepts >= old_accepts:
            rule = "type-widened"
        elif new_accepts <= old_accepts:
            rule = "type-narrowed"
        else:
            rule = "type-changed"
        verb = rule.split("-")[1]
        self.add(rule, f"the type of {where} {verb} from {shown_old} to {shown_new}", path,
                 before=shown_old, after=shown_new)

    def enum(self, old: _View, new: _View, path: PathKey, where: str) -> None:
        if old.values is None and new.values is None:
            return
        if old.values is None and new.values is not None:
            self.add("enum-added", f"{where} is now restricted to "
                     f"{_values_text(new.values)}", path, after=new.values)
            return
        if new.values is None and old.values is not None:
            self.add("enum-removed", f"{where} is no longer restricted to a list of values",
                     path, before=old.values)
            return
        assert old.values is not None and new.values is not None
        old_keys = {canonical(v): v for v in old.values}
        new_keys = {canonical(v): v for v in new.values}
        added = [v for k, v in new_keys.items() if k not in old_keys]
        removed = [v for k, v in old_keys.items() if k not in new_keys]
        if added:
            self.add("enum-value-added", f"{where} accepts new "
                     f"{'value' if len(added) == 1 else 'values'} {_values_text(added)}",
                     path, after=added)
        if removed:
            self.add("enum-value-removed", f"{where} no longer accepts "
                     f"{_values_text(removed)}", path, before=removed)

    def strings(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey,
                where: str) -> None:
        for key in ("pattern", "format"):
            before, after = old.get(key), new.get(key)
            if before == after:
                continue
            if before is None:
                rule, what = f"{key}-added", f"{where} must now match {key} {after!r}"
            elif after is None:
                rule, what = f"{key}-removed", f"{where} no longer has to match {key} {before!r}"
            else:
                rule, what = f"{key}-changed", f"the {key} of {where} changed from {before!r} to {after!r}"
            self.add(rule, what, path, before=before, after=after)

    def bounds(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey,
               where: str) -> None:
        for family, lowers, uppers in (("range", LOWER_BOUNDS, UPPER_BOUNDS),
                                       ("length", MIN_SIZES, MAX_SIZES)):
            tighter: list[str] = []
            looser: list[str] = []
            for key in (*lowers, *uppers):
                before, after = old.get(key), new.get(key)
                if before == after:
                    continue
                text = f"{key} {_bound_text(before)} -> {_bound_text(after)}"
                is_lower = key in lowers
                # A bound added, a lower bound raised or an upper bound lowered: stricter.
                if before is None or (after is not None and (after > before) == is_lower):
                    tighter.append(text)
                else:
                    looser.append(text)
            if family == "range":
                step = _multiple_of(old.get("multipleOf"), new.get("multipleOf"))
                if step:
                    (tighter if step[0] else looser).append(step[1])
            else:
                before_u, after_u = bool(old.get("uniqueItems")), bool(new.get("uniqueItems"))
                if before_u != after_u:
                    (tighter if after_u else looser).append(
                        f"uniqueItems {str(before_u).lower()} -> {str(after_u).lower()}")
            if tighter:
                self.add(f"{family}-tightened", f"the {family} of {where} is stricter "
                         f"({', '.join(tighter)})", path, after=tighter)
            if looser:
                self.add(f"{family}-loosened", f"the {family} of {where} is looser "
                         f"({', '.join(looser)})", path, after=looser)

    def annotations(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey,
                    where: str) -> None:
        if bool(old.get("deprecated")) != bool(new.get("deprecated")):
            state = "is now deprecated" if new.get("deprecated") else "is no longer deprecated"
            self.add("property-deprecated", f"{where} {state}", path,
                     before=bool(old.get("deprecated")), after=bool(new.get("deprecated")))
        if old.get("description") != new.get("description"):
            self.add("description-changed", f"the description of {where} changed", path,
                     before=old.get("description"), after=new.get("description"))
        changed = [k for k in ANNOTATIONS if canonical(old.get(k)) != canonical(new.get(k))]
        if changed:
            self.add("annotation-changed", f"{', '.join(changed)} of {where} changed", path,
                     before={k: old.get(k) for k in changed},
                     after={k: new.get(k) for k in changed})

    # -- objects ------------------------------------------------------------------------------

    def objects(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey, *,
                root: bool) -> None:
        if not root:
            self.nested_policy(old, new, path)
        old_props: Mapping[str, Any] = old.get("properties") or {}
        new_props: Mapping[str, Any] = new.get("properties") or {}
        old_required = set(old.get("required") or [])
        new_required = set(new.get("required") or [])
        removed = [n for n in old_props if n not in new_props]
        added = [n for n in new_props if n not in old_props]
        renames = _pair_renames(removed, added, lambda a, b: _same_shape(
            old_props[a], new_props[b], self.old.defs, self.new.defs))
        for before, after in renames:
            removed.remove(before)
            added.remove(after)
        for name in removed:
            self.add("property-removed", f"{self.where((*path, 'properties', name))} was "
                     "removed", (*path, "properties", name), gone=True)
        for name in added:
            child = (*path, "properties", name)
            required = name in new_required
            rule = "property-added-required" if required else "property-added-optional"
            self.add(rule, f"{self.where(child)} was added as "
                     f"{'required' if required else 'optional'}", child)
        for before, after in renames:
            child = (*path, "properties", after)
            self.add("property-renamed", f"{self.where((*path, 'properties', before))} was "
                     f"renamed to {quoted(after)}", child, before=before, after=after)
            self._property(old_props[before], new_props[after], child,
                           before in old_required, after in new_required)
        for name in old_props:
            if name in new_props:
                self._property(old_props[name], new_props[name], (*path, "properties", name),
                               name in old_required, name in new_required)

    def _property(self, old: Mapping[str, Any], new: Mapping[str, Any], path: PathKey,
                  was_required: bool, is_required: bool) -> None:
        if was_required != is_required:
            rule = "property-became-required" if is_required else "property-became-optional"
            self.add(rule, f"{self.where(path)} became "
                     f"{'required' if is_required else 'optional'}", path,
                     before=was_required, after=is_required)
        self.schema(old, new, path)

    def nested_policy(self, old: Mapping[str, Any], new: Mapping[str, Any],
                      path: PathKey) -> None:
        before, after = old.get("additionalProperties"), new.get("additionalProperties")
        if isinstance(before, Mapping) and isinstance(after, Mapping):
            self.schema(before, after, (*path, "additionalProperties"))
            return
        if canonical(before) == canonical(after):
            return
        closed_before, closed_after = before is False, after is False
        if closed_before != closed_after and not (isinstance(before, Mapping)
                                                  or isinstance(after, Mapping)):
            if self.ignore_nested_policy:
                return  # explained by the plan-wide (or message) policy change
            self.policy_change("error" if closed_before else "allow",
                               "error" if closed_after else "allow", path,
                               f"unlisted properties of {self.where(path)}")
            return
        self.add("schema-changed", f"additionalProperties of {self.where(path)} changed",
                 path, before=before, after=after)


# -- helpers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _View:
    """The facets of a schema that decide which values it accepts."""

    types: frozenset[str] | None  # None: any type
    nullable: bool
    values: list[Any] | None  # enum/const values without null; None: not restricted

    @classmethod
    def of(cls, schema: Mapping[str, Any]) -> _View:
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
        if types is not None and not types and nullable:
            types = set()
        return cls(frozenset(types) if types is not None else None, nullable, values)


def _deref(schema: Mapping[str, Any], defs: Mapping[str, Any]
           ) -> tuple[Mapping[str, Any], str | None]:
    """Follow ``$ref`` into ``$defs`` and fold ``anyOf: [X, {type: null}]`` (nullable X)."""
    name: str | None = None
    seen: set[str] = set()
    while isinstance(schema.get("$ref"), str) and schema["$ref"].startswith("#/$defs/"):
        ref = schema["$ref"][len("#/$defs/"):]
        if ref in seen or ref not in defs:
            break
        seen.add(ref)
        name = name or ref
        schema = {**defs[ref], **{k: v for k, v in schema.items() if k != "$ref"}}
    members = schema.get("anyOf")
    if (isinstance(members, list) and len(members) == 2
            and {"type": "null"} in members):
        other = members[0] if members[1] == {"type": "null"} else members[1]
        inner, inner_name = _deref(other, defs)
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


def _accepts(types: frozenset[str] | None) -> frozenset[str]:
    if types is None:
        return frozenset({"string", "number", "integer", "boolean", "object", "array"})
    if "number" in types:
        return types | {"integer"}
    return types


def _type_text(types: frozenset[str] | None) -> str:
    if types is None:
        return "any type"
    return " or ".join(sorted(types)) if types else "nothing"


def _values_text(values: list[Any]) -> str:
    return ", ".join(canonical(v) for v in sorted(values, key=canonical))


def _bound_text(value: Any) -> str:
    return "(none)" if value is None else canonical(value)


def _multiple_of(before: Any, after: Any) -> tuple[bool, str] | None:
    """(tightened?, text) for a multipleOf change, None when unchanged."""
    if before == after:
        return None
    text = f"multipleOf {_bound_text(before)} -> {_bound_text(after)}"
    if before is None:
        return True, text
    if after is None:
        return False, text
    ratio = after / before
    if ratio == int(ratio):
        return True, text  # every multiple of the new step is a multiple of the old one
    back = before / after
    return (back != int(back)), text


def _annotation_free(schema: Any, defs: Mapping[str, Any], depth: int = 0) -> Any:
    """The schema without descriptions and annotations, with named types inlined."""
    if depth > 20:
        return None
    if isinstance(schema, Mapping):
        schema, _ = _deref(schema, defs)
        return {k: _annotation_free(v, defs, depth + 1) for k, v in schema.items()
                if k not in ("description", "deprecated", "$defs", *ANNOTATIONS)}
    if isinstance(schema, list):
        return [_annotation_free(v, defs, depth + 1) for v in schema]
    return schema


def _same_shape(old: Any, new: Any, old_defs: Mapping[str, Any],
                new_defs: Mapping[str, Any]) -> bool:
    return canonical(_annotation_free(old, old_defs)) == canonical(_annotation_free(new, new_defs))


def _similar(a: str, b: str) -> bool:
    if near_duplicate(a, b) is not None:
        return True
    ratio = difflib.SequenceMatcher(None, collision_key(a), collision_key(b)).ratio()
    return ratio >= RENAME_SIMILARITY


def _pair_renames(removed: list[str], added: list[str], same: Any) -> list[tuple[str, str]]:
    """Pairs (old, new) that are one renamed thing rather than a removal and an addition.

    The same collision key ("orderId" -> "order_id") is a rename whatever else changed; a
    similar name is a rename only when the shape is the same too.
    """
    pairs: list[tuple[str, str]] = []
    free = list(added)
    for before in removed:
        match = next((a for a in free if collision_key(a) == collision_key(before)), None)
        if match is None:
            match = next((a for a in free if _similar(before, a) and same(before, a)), None)
        if match is not None:
            pairs.append((before, match))
            free.remove(match)
    return pairs


def _body(plan: Plan, spec: MessageSpec) -> Mapping[str, Any]:
    """The message as written in the plan file."""
    node: Any = plan.data
    for part in spec.plan_path:
        node = node.get(part) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _parent_location(plan: Plan, path: PathKey) -> Location:
    """Where a removed thing's parent is in the new plan (``events:``), else the file's top."""
    for end in range(len(path) - 1, 0, -1):
        if path[:end] in plan.source.keys:
            return plan.source.key_location(path[:end])
    return Location(plan.file, 1, 1)


def _plan_policy_change(old: Plan, new: Plan, plan_name: str) -> Change:
    before, after = old.additional_properties, new.additional_properties
    if (before == "error") == (after == "error"):
        rule = "additional-properties-policy-changed"
    else:
        rule = "additional-properties-tightened" if after == "error" else "additional-properties-loosened"
    return Change(
        rule=CHANGE_RULES[rule],
        what=f"the plan-wide additional_properties changed from {before} to {after}",
        path="additional_properties", plan=plan_name,
        new=new.source.value_location(("additional_properties",)),
        old=old.source.value_location(("additional_properties",)), before=before, after=after)


# -- plans ------------------------------------------------------------------------------------


def _tables(plan: Plan) -> dict[tuple[MessageKind, str | None], MessageSpec]:
    return {(spec.kind, spec.name): spec for spec in plan.messages()}


def diff_plans(old: Plan, new: Plan, *, plan_name: str) -> list[Change]:
    """Every change from ``old`` to ``new`` (the same plan at two versions)."""
    changes: list[Change] = []
    old_specs, new_specs = _tables(old), _tables(new)
    removed = [key for key in old_specs if key not in new_specs]
    added = [key for key in new_specs if key not in old_specs]
    renames: list[tuple[tuple[MessageKind, str | None], tuple[MessageKind, str | None]]] = []
    named_kinds: tuple[MessageKind, ...] = ("track", "page", "screen")
    for kind in named_kinds:
        gone = [k[1] or "" for k in removed if k[0] == kind]
        new_names = [k[1] or "" for k in added if k[0] == kind]

        def same(a: str, b: str, kind: MessageKind = kind) -> bool:
            before, after = old_specs[(kind, a)], new_specs[(kind, b)]
            return set(before.schema.get("properties") or {}) == set(
                after.schema.get("properties") or {})

        for before_name, after_name in _pair_renames(gone, new_names, same):
            renames.append(((kind, before_name), (kind, after_name)))
    for before_key, after_key in renames:
        removed.remove(before_key)
        added.remove(after_key)
    policy_changed = (old.additional_properties == "error") != (new.additional_properties == "error")
    if old.additional_properties != new.additional_properties:
        changes.append(_plan_policy_change(old, new, plan_name))
    for key in removed:
        spec = old_specs[key]
        changes.append(Change(
            rule=CHANGE_RULES["event-removed"], what=f"{describe(spec)} was removed",
            path=format_path(spec.plan_path), plan=plan_name, event=spec.label,
            new=_parent_location(new, spec.plan_path), old=spec.location))
    for key in added:
        spec = new_specs[key]
        changes.append(Change(
            rule=CHANGE_RULES["event-added"], what=f"{describe(spec)} was added",
            path=format_path(spec.plan_path), plan=plan_name, event=spec.label,
            new=spec.location))
    pairs = [(old_specs[k], new_specs[k]) for k in old_specs if k in new_specs]
    for before_key, after_key in renames:
        before_spec, after_spec = old_specs[before_key], new_specs[after_key]
        changes.append(Change(
            rule=CHANGE_RULES["event-renamed"],
            what=f"{describe(before_spec)} was renamed to {quoted(after_spec.name)}",
            path=format_path(after_spec.plan_path), plan=plan_name, event=after_spec.label,
            new=after_spec.location, old=before_spec.location,
            before=before_spec.name, after=after_spec.name))
        pairs.append((before_spec, after_spec))
    for before_spec, after_spec in pairs:
        own_policy = ("additional_properties" in _body(old, before_spec)
                      or "additional_properties" in _body(new, after_spec))
        message = MessageDiff(plan_name, before_spec, after_spec, own_policy=own_policy,
                              ignore_nested_policy=policy_changed or (
                                  before_spec.additional_properties
                                  != after_spec.additional_properties))
        changes.extend(message.compare())
    return changes
