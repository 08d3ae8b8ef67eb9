"""Compare one message (event, identify, group, page, screen) across two plan versions.

Each message's ``MessageSpec.schema`` (plain JSON Schema with its own ``$defs``) is compared
recursively: nested objects, array items and named types (followed through ``$ref``). Every
difference becomes exactly one :class:`Change`; a keyword this module does not understand
is reported as ``schema-changed`` rather than dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import format_path
from protocols.diff.facets import (
    ANNOTATIONS,
    Facets,
    accepts,
    bound_text,
    canonical,
    deref,
    differs,
    multiple_of,
    pair_renames,
    same_shape,
    type_text,
    values_text,
)
from protocols.diff.model import Change
from protocols.diff.rules import CHANGE_RULES
from protocols.plan.model import MessageSpec
from protocols.schemarefs import referenced_types
from protocols.yamlsrc import PathKey

LOWER_BOUNDS = ("minimum", "exclusiveMinimum")
UPPER_BOUNDS = ("maximum", "exclusiveMaximum")
MIN_SIZES = ("minLength", "minItems", "minProperties", "minContains")
MAX_SIZES = ("maxLength", "maxItems", "maxProperties", "maxContains")
# Keywords compared one by one below; any other keyword that differs is `schema-changed`.
HANDLED = frozenset({
    "type", "$ref", "$defs", "enum", "const", "pattern", "format", "multipleOf", "uniqueItems",
    "properties", "required", "additionalProperties", "items", "description", "deprecated",
    *LOWER_BOUNDS, *UPPER_BOUNDS, *MIN_SIZES, *MAX_SIZES, *ANNOTATIONS,
})


def quoted(name: str | None) -> str:
    return json.dumps(name, ensure_ascii=False)


def describe(spec: MessageSpec) -> str:
    """``event "Order Completed"``, ``identify traits``, ``page "Home"``."""
    if spec.kind == "track":
        return f"event {quoted(spec.name)}"
    if spec.name is None:
        return f"{spec.kind} traits"
    return f"{spec.kind} {quoted(spec.name)}"


# What :func:`unchanged_types` learns of one named type, shared by the messages of one diff:
# (name, id of the old schema, id of the new) -> (the same in both, the types it refers to).
TypeFacts = dict[tuple[str, int, int], tuple[bool, frozenset[str]]]


#: Uses of one named type (one reference, written the same way) whose changes are listed in
#: one message; further uses add nothing new (the same changes, rules and levels).
MAX_USES_LISTED = 20


def _canonical(schema: Mapping[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True, default=repr)


def unchanged_types(old: Mapping[str, Any], new: Mapping[str, Any],
                    facts: TypeFacts | None = None) -> frozenset[str]:
    """The named types that are the same in ``old`` and ``new`` (two ``$defs``), and every
    type they refer to, however deep: nothing inside one can differ."""
    facts = {} if facts is None else facts
    same: dict[str, frozenset[str]] = {}
    for name in old.keys() & new.keys():
        key = (name, id(old[name]), id(new[name]))
        if key not in facts:
            facts[key] = (old[name] == new[name], frozenset(referenced_types(old[name])))
        equal, refs = facts[key]
        if equal:
            same[name] = refs
    users: dict[str, list[str]] = {}
    for name, refs in same.items():
        for ref in refs:
            users.setdefault(ref, []).append(name)
    # A type that refers to one that changed (or is missing) changed too, and so on up.
    changed = {name for name, refs in same.items() if any(r not in same for r in refs)}
    pending = list(changed)
    while pending:
        for user in users.get(pending.pop(), ()):
            if user not in changed:
                changed.add(user)
                pending.append(user)
    return frozenset(same.keys() - changed)


@dataclass(frozen=True)
class _Side:
    """One version of the message being compared."""

    spec: MessageSpec
    defs: Mapping[str, Any]


class MessageDiff:
    """Compares one message across versions; collects :class:`Change` records."""

    def __init__(self, plan: str, old: MessageSpec, new: MessageSpec, *,
                 own_policy: bool, ignore_nested_policy: bool,
                 type_facts: TypeFacts | None = None) -> None:
        self.plan = plan
        self.own_policy = own_policy
        self.old = _Side(old, old.schema.get("$defs") or {})
        self.new = _Side(new, new.schema.get("$defs") or {})
        self.ignore_nested_policy = ignore_nested_policy
        self.changes: list[Change] = []
        self._visiting: set[tuple[str, str]] = set()
        self._compared: dict[tuple[str, str], int] = {}  # references to types, as written
        # Named types to skip: comparing an unchanged type at each use cost the product of
        # the fan-outs (ten properties of the next type, six levels deep: 27 s for no change).
        self._unchanged = unchanged_types(self.old.defs, self.new.defs, type_facts)

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

    def schema(self, old: Any, new: Any, path: PathKey, *, root: bool = False) -> None:
        if not isinstance(old, Mapping) or not isinstance(new, Mapping):
            # Boolean schemas (`true`/`false`) or lists from a raw `schema:` block.
            if differs(old, new):
                self.add("schema-changed", f"{self.where(path)} changed", path,
                         before=old, after=new)
            return
        if not root and "$ref" in old and old == new and referenced_types(old) <= self._unchanged:
            return  # the same reference to types that did not change: nothing differs
        before, after = old, new
        old, old_ref = deref(old, self.old.defs)
        new, new_ref = deref(new, self.new.defs)
        if (old_ref or new_ref) and not root:
            # A named type's changes are listed at each use, up to MAX_USES_LISTED uses in a
            # message, written the same way: past that they are those already listed (a type
            # used ten times in a type used ten times ... would be compared at every one of
            # 10**depth places, without end).
            written = (_canonical(before), _canonical(after))
            uses = self._compared.get(written, 0)
            if uses >= MAX_USES_LISTED:
                return
            self._compared[written] = uses + 1
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
        old_view, new_view = Facets.of(old), Facets.of(new)
        if self.types(old_view, new_view, path, where) == "type-changed":
            # An unrelated type (object -> string): its old properties, items and bounds do
            # not apply any more, so listing each of them would only repeat this one change.
            self.nullable(old_view, new_view, path, where)
            return
        self.nullable(old_view, new_view, path, where)
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
        changed = [k for k in others if differs(old.get(k), new.get(k))]
        if changed:
            self.add("schema-changed", f"{', '.join(changed)} of {where} changed", path,
                     before={k: old.get(k) for k in changed},
                     after={k: new.get(k) for k in changed})

    def nullable(self, old_view: Facets, new_view: Facets, path: PathKey, where: str) -> None:
        if old_view.nullable != new_view.nullable:
            rule = "became-nullable" if new_view.nullable else "became-non-nullable"
            state = "now accepts null" if new_view.nullable else "no longer accepts null"
            self.add(rule, f"{where} {state}", path, before=old_view.nullable,
                     after=new_view.nullable)

    def types(self, old: Facets, new: Facets, path: PathKey, where: str) -> str | None:
        """Report a type change; returns the rule id used (None when the type is the same)."""
        if old.types == new.types:
            return None
        old_accepts, new_accepts = accepts(old.types), accepts(new.types)
        if old_accepts == new_accepts:
            return None  # e.g. [number, integer] -> number: the same values
        shown_old, shown_new = type_text(old.types), type_text(new.types)
        if new_accepts >= old_accepts:
            rule = "type-widened"
        elif new_accepts <= old_accepts:
            rule = "type-narrowed"
        else:
            rule = "type-changed"
        verb = rule.split("-")[1]
        self.add(rule, f"the type of {where} {verb} from {shown_old} to {shown_new}", path,
                 before=shown_old, after=shown_new)
        return rule

    def enum(self, old: Facets, new: Facets, path: PathKey, where: str) -> None:
        if old.values is None and new.values is None:
            return
        if old.values is None and new.values is not None:
            self.add("enum-added", f"{where} is now restricted to "
                     f"{values_text(new.values)}", path, after=new.values)
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
                     f"{'value' if len(added) == 1 else 'values'} {values_text(added)}",
                     path, after=added)
        if removed:
            self.add("enum-value-removed", f"{where} no longer accepts "
                     f"{values_text(removed)}", path, before=removed)

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
                text = f"{key} {bound_text(before)} -> {bound_text(after)}"
                is_lower = key in lowers
                # A bound added, a lower bound raised or an upper bound lowered: stricter.
                if before is None or (after is not None and (after > before) == is_lower):
                    tighter.append(text)
                else:
                    looser.append(text)
            if family == "range":
                step = multiple_of(old.get("multipleOf"), new.get("multipleOf"))
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
        changed = [k for k in ANNOTATIONS if differs(old.get(k), new.get(k))]
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
        renames = pair_renames(removed, added, lambda a, b: same_shape(
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
