"""What a lint rule sees: one plan file's raw document, its positions and its built plan."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Location, format_path
from protocols.plan.model import Plan
from protocols.yamlsrc import PathKey, SourceMap

# Sections whose keys are message names, with the key under which each holds its payload.
MESSAGE_SECTIONS = (("events", "properties"), ("pages", "properties"),
                    ("screens", "properties"))
SINGLE_MESSAGES = (("identify", "traits"), ("group", "traits"))


@dataclass(frozen=True)
class PropertyName:
    """A property name as written in the plan, at any nesting level."""

    name: str
    path: PathKey  # path of the key in the YAML document
    fragment: Mapping[str, Any]
    owner: str  # the message or library entry it belongs to: "Order Completed", "library"
    depth: int  # 0 for a message's own properties, 1+ inside nested objects


@dataclass(frozen=True)
class LintContext:
    file: str
    data: Mapping[str, Any]
    source: SourceMap
    plan: Plan | None
    is_library: bool = False

    def key_location(self, path: PathKey) -> Location:
        return self.source.key_location(path)

    def value_location(self, path: PathKey) -> Location:
        return self.source.value_location(path)

    @staticmethod
    def path_text(path: PathKey) -> str:
        return format_path(path)

    def event_names(self) -> Iterator[tuple[str, PathKey]]:
        """Each track event name with the path of its key."""
        for name in self.data.get("events") or {}:
            yield name, ("events", name)

    def message_bodies(self) -> Iterator[tuple[str, PathKey, Mapping[str, Any]]]:
        """(label, path, body) for every message: events, pages, screens, identify, group."""
        for section, _ in MESSAGE_SECTIONS:
            for name, body in (self.data.get(section) or {}).items():
                yield name, (section, name), body or {}
        for section, _ in SINGLE_MESSAGES:
            if section in self.data:
                yield section, (section,), self.data[section] or {}

    def property_names(self) -> Iterator[PropertyName]:
        """Every property name in the document, at every nesting level."""
        for name, fragment in (self.data.get("properties") or {}).items():
            yield from _walk(name, ("properties", name), fragment, "library", 0)
        for name, fragment in ((self.data.get("common") or {}).get("properties") or {}).items():
            yield from _walk(name, ("common", "properties", name), fragment, "common", 0)
        for type_name, fragment in (self.data.get("types") or {}).items():
            yield from _children(("types", type_name), fragment, f"type {type_name}", 1)
        for section, payload in (*MESSAGE_SECTIONS, *SINGLE_MESSAGES):
            if section not in self.data:
                continue
            bodies = ({section: self.data[section]} if (section, payload) in SINGLE_MESSAGES
                      else self.data[section] or {})
            for label, body in bodies.items():
                base: PathKey = (section,) if (section, payload) in SINGLE_MESSAGES else (
                    section, label)
                for name, fragment in ((body or {}).get(payload) or {}).items():
                    yield from _walk(name, (*base, payload, name), fragment, label, 0)


def _walk(name: str, path: PathKey, fragment: Any, owner: str, depth: int
          ) -> Iterator[PropertyName]:
    fragment = fragment if isinstance(fragment, Mapping) else {}
    yield PropertyName(name, path, fragment, owner, depth)
    yield from _children(path, fragment, owner, depth + 1)


def _children(path: PathKey, fragment: Any, owner: str, depth: int) -> Iterator[PropertyName]:
    """Named properties nested in a fragment: under properties, items, and combinators."""
    if not isinstance(fragment, Mapping):
        return
    for name, child in (fragment.get("properties") or {}).items():
        yield from _walk(name, (*path, "properties", name), child, owner, depth)
    if isinstance(fragment.get("items"), Mapping):
        yield from _children((*path, "items"), fragment["items"], owner, depth)
    for key in ("anyOf", "oneOf", "allOf"):
        for index, member in enumerate(fragment.get(key) or []):
            yield from _children((*path, key, index), member, owner, depth)
