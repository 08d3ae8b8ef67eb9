"""Compare two versions of a plan: messages added, removed or renamed, plan-wide settings,
then each message that is in both (protocols.diff.schema)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protocols.diagnostics import Location, format_path
from protocols.diff.facets import pair_renames
from protocols.diff.model import Change
from protocols.diff.rules import CHANGE_RULES
from protocols.diff.schema import MessageDiff, TypeFacts, describe, quoted
from protocols.naming import near_duplicate
from protocols.plan.model import MessageKind, MessageSpec, Plan
from protocols.yamlsrc import PathKey


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


def _plan_docs(old: Plan, new: Plan, plan_name: str) -> list[Change]:
    """The plan's own description and owners (docs only)."""
    found = []
    for key, rule, before, after in (
            ("description", "description-changed", old.description, new.description),
            ("owners", "owner-changed", list(old.owners), list(new.owners))):
        if (before or None) != (after or None):
            found.append(Change(
                rule=CHANGE_RULES[rule], what=f"the plan's {key} changed", path=key,
                plan=plan_name, new=new.source.key_location((key,)) if key in new.data
                else Location(new.file, 1, 1), old=old.source.key_location((key,)),
                before=before, after=after))
    return found


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
            before = set(old_specs[(kind, a)].schema.get("properties") or {})
            after = set(new_specs[(kind, b)].schema.get("properties") or {})
            # Two events without properties share nothing but a similar name: only a near
            # spelling ("Sigend In") makes them one renamed event, not "Signed Up".
            return before == after and (bool(before) or near_duplicate(a, b) is not None)

        for before_name, after_name in pair_renames(gone, new_names, same):
            renames.append(((kind, before_name), (kind, after_name)))
    for before_key, after_key in renames:
        removed.remove(before_key)
        added.remove(after_key)
    policy_changed = (old.additional_properties == "error") != (new.additional_properties == "error")
    if old.additional_properties != new.additional_properties:
        changes.append(_plan_policy_change(old, new, plan_name))
    changes.extend(_plan_docs(old, new, plan_name))
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
    type_facts: TypeFacts = {}  # (the plan's types, compared once for all its messages)
    for before_spec, after_spec in pairs:
        own_policy = ("additional_properties" in _body(old, before_spec)
                      or "additional_properties" in _body(new, after_spec))
        message = MessageDiff(plan_name, before_spec, after_spec, own_policy=own_policy,
                              ignore_nested_policy=policy_changed or (
                                  before_spec.additional_properties
                                  != after_spec.additional_properties),
                              type_facts=type_facts)
        changes.extend(message.compare())
    return changes
