"""Plans out: a Segment Public API v2 tracking plan, or a folder of plain JSON Schemas.

The Segment export writes each message as the whole-message JSON Schema Segment's app uses
(``properties.properties`` or ``properties.traits`` holds the payload), draft-07 as Segment
expects; the plan's named types go to the rule's root ``$defs`` (where ``#/$defs/Name`` points).
Common properties become one COMMON rule instead of being repeated in every event, and what an
import kept under ``x-segment-*`` keys is put back where it came from, so that import, export,
import gives the same plan.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from protocols.plan.compiler import schema_file_names
from protocols.plan.model import MessageSpec, Plan
from protocols.plan.resolve import Resolver
from protocols.schemarefs import referenced_types
from protocols.yamlsrc import IGNORE_KEY, all_suppressions

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
_BODY_SECTIONS = {"track": "events", "page": "pages", "screen": "screens"}


def plan_to_segment(plan: Plan) -> dict[str, Any]:
    """The plan as a Segment Public API v2 tracking plan (``rules[]``)."""
    rules: list[dict[str, Any]] = []
    common = _common_rule(plan)
    if common is not None:
        rules.append(common)
    # Ignore comments and ``x-protocols-ignore`` keys (from an earlier import), by line.
    ignored = all_suppressions(plan.data, plan.source)
    for spec in plan.messages():
        rules.append(_rule(plan, spec, ignored))
    exported: dict[str, Any] = {"name": plan.id}
    if plan.description:
        exported["description"] = plan.description
    exported["rules"] = rules
    return exported


def plan_to_jsonschemas(plan: Plan) -> dict[str, dict[str, Any]]:
    """Relative file name (``track/order_completed.json``) -> whole-message JSON Schema."""
    return {name: plan.message_schema(spec) for name, spec in schema_file_names(plan).items()}


def _body(plan: Plan, spec: MessageSpec) -> Mapping[str, Any]:
    data = plan.data
    if spec.kind in _BODY_SECTIONS:
        found = (data.get(_BODY_SECTIONS[spec.kind]) or {}).get(spec.name)
    else:
        found = data.get(spec.kind)
    return found if isinstance(found, Mapping) else {}


Decisions = Mapping[int, frozenset[str] | None]


def _rule(plan: Plan, spec: MessageSpec, ignored: Decisions) -> dict[str, Any]:
    body = _body(plan, spec)
    payload = {k: v for k, v in spec.schema.items()
               if k not in ("description", "deprecated", "$defs")}
    if spec.kind == "track":
        _drop_inherited_common(plan, body, payload)
    payload.update(body.get("x-segment-schema") or {})
    payload, own_ignore = _with_ignores(plan, spec, payload, ignored)
    field = spec.payload_field
    message_props: dict[str, Any] = {"context": {}}
    if field == "properties":
        message_props["traits"] = {"type": "object"}
    message_props[field] = payload
    extras = dict(body.get("x-segment-message") or {})
    extra_required = extras.pop("required", [])
    message_props.update(extras)
    schema: dict[str, Any] = {"$schema": DRAFT_07}
    if spec.description:
        schema["description"] = spec.description
    if spec.deprecated:
        schema["deprecated"] = True
    labels = _labels(spec.tags)
    if labels:
        schema["labels"] = labels
    schema.update({"type": "object", "properties": message_props})
    required = [*([field] if payload.get("required") else []), *extra_required]
    if required:
        schema["required"] = required
    if "$defs" in spec.schema:
        schema["$defs"] = _types_with_ignores(plan, spec.schema["$defs"], ignored)
    if own_ignore:
        schema[IGNORE_KEY] = own_ignore
    version = body.get("x-segment-version", 1)
    return {"key": spec.name if spec.kind in _BODY_SECTIONS else None,
            "type": spec.kind.upper(), "version": version, "jsonSchema": schema}


def _with_ignores(plan: Plan, spec: MessageSpec, payload: dict[str, Any], ignored: Decisions
                  ) -> tuple[dict[str, Any], list[str]]:
    """The payload with each ``# protocols: ignore[...]`` decision of the plan kept as
    ``x-protocols-ignore: [codes]`` on the property it silences (``["*"]`` for a bare
    ignore), and the codes silenced on the message's own line. Importers put them back and
    lint honours them, so export then import keeps the decisions."""
    if not ignored:
        return payload, []
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    own: list[str] = []
    for schema_path, location in spec.locations.items():
        line = location.line
        if location.file != plan.source.file or line is None or line not in ignored:
            continue
        codes = ignored[line]
        listed = sorted(codes) if codes is not None else ["*"]
        if not schema_path:
            own = listed
            continue
        node: Any = copy
        for part in schema_path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node[IGNORE_KEY] = listed
    return copy, own


def _types_with_ignores(plan: Plan, defs: Mapping[str, Any], ignored: Decisions
                        ) -> dict[str, Any]:
    """Named types with the ignore decisions written inside them (see _with_ignores)."""
    raw_types = plan.data.get("types") or {}
    if not ignored or not raw_types:
        return dict(defs)
    copy: dict[str, Any] = json.loads(json.dumps(defs))
    for name, compiled in copy.items():
        if isinstance(raw_types.get(name), Mapping):
            _mark(plan, ignored, raw_types[name], ("types", name), compiled)
    return copy


def _mark(plan: Plan, ignored: Decisions, raw: Mapping[str, Any],
          path: tuple[str, ...], compiled: Any, depth: int = 0) -> None:
    if depth > 32 or not isinstance(compiled, dict):
        return
    for prop, fragment in (raw.get("properties") or {}).items():
        target = (compiled.get("properties") or {}).get(prop)
        line = plan.source.key_location((*path, "properties", prop)).line
        if isinstance(target, dict) and line is not None and line in ignored:
            codes = ignored[line]
            target[IGNORE_KEY] = sorted(codes) if codes is not None else ["*"]
        if isinstance(fragment, Mapping):
            _mark(plan, ignored, fragment, (*path, "properties", prop), target, depth + 1)
    if isinstance(raw.get("items"), Mapping):
        _mark(plan, ignored, raw["items"], (*path, "items"), compiled.get("items"), depth + 1)


def _drop_inherited_common(plan: Plan, body: Mapping[str, Any], payload: dict[str, Any]
                           ) -> None:
    """Remove common properties the event does not plan itself (the COMMON rule has them)."""
    common = ((plan.data.get("common") or {}).get("properties") or {})
    own = body.get("properties") or {}
    inherited = [name for name in common if name not in own]
    if not inherited:
        return
    payload["properties"] = {k: v for k, v in payload.get("properties", {}).items()
                             if k not in inherited}
    required = [r for r in payload.get("required", []) if r not in inherited]
    if required:
        payload["required"] = required
    else:
        payload.pop("required", None)


def _common_rule(plan: Plan) -> dict[str, Any] | None:
    common = (plan.data.get("common") or {}).get("properties")
    extras = dict(plan.data.get("x-segment-common") or {})
    if not common and not extras:
        return None
    raw_types: dict[str, Any] = {}
    for _, lib_data, _ in plan.imported:
        raw_types.update(lib_data.get("types") or {})
    raw_types.update(plan.data.get("types") or {})
    resolver = Resolver(plan.source, plan.library, raw_types, plan.additional_properties)
    payload = resolver.object_schema(common or {}, ("common", "properties"), (), {})
    payload.update(extras.pop("properties", {}))
    extra_required = extras.pop("required", [])
    schema: dict[str, Any] = {"$schema": DRAFT_07, "type": "object",
                              "properties": {"context": {}, "traits": {},
                                             "properties": payload, **extras}}
    required = [*(["properties"] if payload.get("required") else []), *extra_required]
    if required:
        schema["required"] = required
    used = {name: plan.types[name] for name in sorted(_used_types(plan, payload))}
    if used:
        schema["$defs"] = used
    return {"key": None, "type": "COMMON", "version": 1, "jsonSchema": schema}


def _used_types(plan: Plan, schema: Any) -> set[str]:
    """Names of the plan types a schema uses, following references inside types too."""
    return referenced_types(schema, plan.types)


def _labels(tags: tuple[str, ...]) -> dict[str, str]:
    """Plan tags ``key:value`` as Segment labels (a tag without ``:`` is a key with no value)."""
    labels: dict[str, str] = {}
    for tag in tags:
        key, _, value = tag.partition(":")
        labels[key] = value
    return labels
