"""Compile plan message specs into standalone JSON Schemas for whole Segment messages."""

from __future__ import annotations

import hashlib
import re
from typing import Any
from urllib.parse import quote

from protocols.naming import CaseStyle, convert
from protocols.plan.model import SCHEMA_DIALECT, MessageSpec, Plan

MAX_SLUG = 100  # characters of a file name made from a message name (ASCII after the slug)


def message_schema(plan: Plan, spec: MessageSpec) -> dict[str, Any]:
    """The draft 2020-12 schema of a whole message (type, event/name, payload)."""
    payload = {k: v for k, v in spec.schema.items() if k != "$defs"}
    properties: dict[str, Any] = {"type": {"const": spec.kind}}
    required = ["type"]
    if spec.kind == "track":
        properties["event"] = {"const": spec.name}
        required.append("event")
    elif spec.kind in ("page", "screen") and spec.name is not None:
        properties["name"] = {"const": spec.name}
        required.append("name")
    if spec.kind == "group":
        properties["groupId"] = {"type": ["string", "number"]}
        required.append("groupId")
    properties[spec.payload_field] = payload
    if payload.get("required"):
        required.append(spec.payload_field)
    schema: dict[str, Any] = {
        "$schema": SCHEMA_DIALECT,
        "$id": f"urn:protocols:{quote(plan.id)}:{quote(plan.version or '0.0.0')}:"
               f"{spec.kind}:{quote(spec.name or spec.kind, safe='')}",
        "title": spec.label,
    }
    if spec.description:
        schema["description"] = spec.description
    schema.update({"type": "object", "properties": properties, "required": required})
    if "$defs" in spec.schema:
        schema["$defs"] = spec.schema["$defs"]
    return schema


def schema_file_names(plan: Plan) -> dict[str, MessageSpec]:
    """Stable, unique relative file names for each spec: ``track/order_completed.json``."""
    names: dict[str, MessageSpec] = {}
    for spec in plan.messages():
        base: str
        if spec.name is None:
            base = str(spec.kind)
        else:
            slug = re.sub(r"[^a-z0-9_]+", "_", convert(spec.name, CaseStyle.SNAKE).lower())
            slug = slug.strip("_") or "unnamed"
            if len(slug) > MAX_SLUG:
                # File systems take 255 bytes a name: keep a readable start and a digest of
                # the whole name, so two long names that share a start still differ.
                digest = hashlib.sha256(spec.name.encode("utf-8", "surrogatepass")).hexdigest()
                slug = f"{slug[:MAX_SLUG - 9].rstrip('_')}_{digest[:8]}"
            base = f"{spec.kind}/{slug}"
        candidate, counter = f"{base}.json", 2
        while candidate in names:
            candidate, counter = f"{base}_{counter}.json", counter + 1
        names[candidate] = spec
    return names
