"""The in-memory tracking plan that every command works from.

A plan is kept close to its YAML: each message kind (track event, identify, group, page,
screen) carries its payload as a resolved draft 2020-12 JSON Schema (library references and
named types already resolved), plus where in the YAML each piece was written, so every later
diagnostic can point at the plan's file:line:column.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from protocols.diagnostics import Location
from protocols.yamlsrc import PathKey, SourceMap

MessageKind = Literal["track", "identify", "group", "page", "screen"]
MESSAGE_KINDS: tuple[MessageKind, ...] = ("track", "identify", "group", "page", "screen")
AdditionalPolicy = Literal["allow", "warn", "error"]

JSON_TYPES = frozenset({"string", "number", "integer", "boolean", "object", "array", "null"})
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_BY_SDK = "Set by Segment's SDKs on page calls."
# The page properties of the Segment spec, which the SDKs fill in themselves.
SEGMENT_PAGE_PROPERTIES: dict[str, dict[str, Any]] = {
    "name": {"type": "string", "description": f"Name of the page. {_BY_SDK}"},
    "category": {"type": "string", "description": f"Category of the page. {_BY_SDK}"},
    "path": {"type": "string", "description": f"Path of the page URL. {_BY_SDK}"},
    "referrer": {"type": "string", "description": f"URL of the previous page. {_BY_SDK}"},
    "search": {"type": "string", "description": f"Query string of the URL. {_BY_SDK}"},
    "title": {"type": "string", "description": f"Title of the page. {_BY_SDK}"},
    "url": {"type": "string", "description": f"Full URL of the page. {_BY_SDK}"},
    "keywords": {"type": "array", "items": {"type": "string"},
                 "description": f"Keywords of the page. {_BY_SDK}"},
}


@dataclass(frozen=True, eq=False)
class MessageSpec:
    """One plannable message: a track event, identify, group, or a named page or screen.

    ``schema`` is the JSON Schema of the payload object: ``properties`` for track, page and
    screen, ``traits`` for identify and group. It is standalone: named types it uses sit in its
    own ``$defs``. ``locations`` maps a path inside ``schema`` (``("properties", "total")``) to
    where the plan defines it.
    """

    kind: MessageKind
    name: str | None
    schema: Mapping[str, Any]
    location: Location
    plan_path: PathKey
    description: str | None = None
    owner: str | None = None
    deprecated: bool = False
    tags: tuple[str, ...] = ()
    additional_properties: AdditionalPolicy = "warn"
    locations: Mapping[PathKey, Location] = field(default_factory=dict)

    @property
    def payload_field(self) -> str:
        """The message field that holds the payload: ``properties`` or ``traits``."""
        return "traits" if self.kind in ("identify", "group") else "properties"

    @property
    def label(self) -> str:
        """A readable name: the event name, or ``identify``/``group``, or ``page "Home"``."""
        if self.kind == "track":
            return self.name or ""
        if self.name is None:
            return self.kind
        return f'{self.kind} "{self.name}"'

    def locate(self, schema_path: PathKey) -> Location:
        """The plan location of the deepest part of ``schema_path`` that the plan defines."""
        for end in range(len(schema_path), -1, -1):
            found = self.locations.get(tuple(schema_path[:end]))
            if found is not None:
                return found
        return self.location


@dataclass(frozen=True, eq=False)
class Plan:
    """A loaded, resolved tracking plan."""

    id: str
    version: str | None
    file: str
    description: str | None
    owners: tuple[str, ...]
    conventions: Mapping[str, Any]
    additional_properties: AdditionalPolicy
    lint_rules: Mapping[str, str]
    events: Mapping[str, MessageSpec]
    identify: MessageSpec | None
    group: MessageSpec | None
    pages: Mapping[str, MessageSpec]
    screens: Mapping[str, MessageSpec]
    library: Mapping[str, Mapping[str, Any]]
    types: Mapping[str, Mapping[str, Any]]
    data: Mapping[str, Any]
    source: SourceMap
    imported: tuple[tuple[str, Mapping[str, Any], SourceMap], ...] = ()

    @property
    def files(self) -> tuple[str, ...]:
        """Every file the plan was read from: its own and each imported library's."""
        return (self.source.file, *(source.file for _, _, source in self.imported))

    def messages(self) -> Iterator[MessageSpec]:
        """Every message spec, in plan order: events, identify, group, pages, screens."""
        yield from self.events.values()
        if self.identify is not None:
            yield self.identify
        if self.group is not None:
            yield self.group
        yield from self.pages.values()
        yield from self.screens.values()

    def find(self, kind: MessageKind, name: str | None = None) -> MessageSpec | None:
        if kind == "track":
            return self.events.get(name or "")
        if kind == "identify":
            return self.identify
        if kind == "group":
            return self.group
        table = self.pages if kind == "page" else self.screens
        return table.get(name or "")

    def message_schema(self, spec: MessageSpec) -> dict[str, Any]:
        """A standalone JSON Schema for a whole Segment message of this kind."""
        from protocols.plan.compiler import message_schema

        return message_schema(self, spec)
