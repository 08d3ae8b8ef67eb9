"""Every schema fragment written in a plan document, with the path where it was written.

Keyword rules (pattern, format, contradictions...) look at what the author wrote, so they walk
the raw YAML rather than the compiled schemas: each finding then points at the exact key or
value, also for library entries and types that no message uses yet. Fragments inside a raw
``schema:`` block are plain JSON Schema (``raw=True``): plan keys mean nothing there.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.lint.context import MESSAGE_SECTIONS, SINGLE_MESSAGES, LintContext
from protocols.yamlsrc import PathKey

# Keywords whose value is one sub-schema, a list of them, or a mapping of names to them.
_ONE = ("items", "additionalProperties", "not", "contains", "propertyNames", "if", "then",
        "else", "unevaluatedItems", "unevaluatedProperties", "additionalItems")
_LIST = ("anyOf", "oneOf", "allOf", "prefixItems")
_MAP = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
# The plan format allows fewer sub-schema keywords; the rest only appear in raw blocks.
_PLAN_ONE = ("items", "additionalProperties", "not")
_PLAN_LIST = ("anyOf", "oneOf", "allOf")


@dataclass(frozen=True)
class Fragment:
    """One schema fragment: a mapping of keywords at ``path`` in the YAML document."""

    path: PathKey
    body: Mapping[str, Any]
    name: str | None = None  # the property name, for fragments that are named properties
    raw: bool = False  # inside a raw `schema:` block: plain JSON Schema
    raw_root: bool = False  # the `schema:` mapping itself
    parent: Mapping[str, Any] | None = None  # the plan fragment a raw block belongs to


def fragments(ctx: LintContext) -> Iterator[Fragment]:
    """Every fragment of the document: library, common, types, message payloads, nested."""
    data = ctx.data
    for name, body in _mapping(data.get("properties")).items():
        yield from _walk(("properties", name), body, name)
    common = _mapping(data.get("common"))
    for name, body in _mapping(common.get("properties")).items():
        yield from _walk(("common", "properties", name), body, name)
    for name, body in _mapping(data.get("types")).items():
        yield from _walk(("types", name), body, None)
    for section, payload in MESSAGE_SECTIONS:
        for label, message in _mapping(data.get(section)).items():
            for name, body in _mapping(_mapping(message).get(payload)).items():
                yield from _walk((section, label, payload, name), body, name)
            yield from _message_raw((section, label), _mapping(message))
    for section, payload in SINGLE_MESSAGES:
        for name, body in _mapping(_mapping(data.get(section)).get(payload)).items():
            yield from _walk((section, payload, name), body, name)
        yield from _message_raw((section,), _mapping(data.get(section)))


def _message_raw(path: PathKey, message: Mapping[str, Any]) -> Iterator[Fragment]:
    """A message's own raw ``schema:`` for its whole payload."""
    raw = message.get("schema")
    if isinstance(raw, Mapping):
        yield Fragment((*path, "schema"), raw, None, raw=True, raw_root=True, parent=message)
        yield from _walk_raw((*path, "schema"), raw, message)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _walk(path: PathKey, body: Any, name: str | None) -> Iterator[Fragment]:
    if body is None and name is not None:
        body = {}  # `order_id:` with no value refers to the library entry, like `{}`
    if not isinstance(body, Mapping):
        return
    yield Fragment(path, body, name)
    for key, child in _mapping(body.get("properties")).items():
        yield from _walk((*path, "properties", key), child, key)
    for key in _PLAN_ONE:
        yield from _walk((*path, key), body.get(key), None)
    for key in _PLAN_LIST:
        items = body.get(key)
        for index, member in enumerate(items if isinstance(items, list) else []):
            yield from _walk((*path, key, index), member, None)
    raw = body.get("schema")
    if isinstance(raw, Mapping):
        yield Fragment((*path, "schema"), raw, name, raw=True, raw_root=True, parent=body)
        yield from _walk_raw((*path, "schema"), raw, body)


def _walk_raw(path: PathKey, body: Mapping[str, Any], parent: Mapping[str, Any]
              ) -> Iterator[Fragment]:
    """The sub-schemas of a raw JSON Schema block (the block itself is yielded by the caller)."""
    children: list[tuple[PathKey, Any, str | None]] = []
    for key in _ONE:
        children.append(((*path, key), body.get(key), None))
    for key in _LIST:
        items = body.get(key)
        for index, member in enumerate(items if isinstance(items, list) else []):
            children.append(((*path, key, index), member, None))
    for key in _MAP:
        for name, member in _mapping(body.get(key)).items():
            children.append(((*path, key, name), member, name if key == "properties" else None))
    for child_path, child, child_name in children:
        if isinstance(child, Mapping):
            yield Fragment(child_path, child, child_name, raw=True, parent=parent)
            yield from _walk_raw(child_path, child, parent)
