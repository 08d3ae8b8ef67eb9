"""The neutral model of a data dictionary: what the HTML and Markdown renderers show.

collect.py fills it from loaded plans (and their git history); the renderers only lay it out.
Every link target is a path relative to the site root made by :func:`protocols.docsite.slugs`
from ``[a-z0-9-]`` only, so no plan text ever becomes part of a URL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Ref:
    """A link to a message page: its label and its path from the site root."""

    label: str
    href: str
    kind: str


@dataclass(frozen=True, kw_only=True)
class PropertyDoc:
    """One property (or trait) of a message, a library entry or a named type.

    ``path`` names nested properties (``products[].price``); ``depth`` is its nesting level.
    ``library`` is the property-library entry it is built on, if any; ``used_by`` the other
    messages of the plan that send a property of the same name (top level only).
    ``by_reference``: its value is an object of the named type ``type_name`` (or an array of
    them), whose fields are listed once, in the type's own section, and not under every use.
    """

    name: str
    path: str
    depth: int
    type: str
    required: bool
    values: tuple[str, ...]  # allowed values (enum or const), as JSON
    format: str | None
    pattern: str | None
    range: str | None
    pii: bool
    deprecated: bool
    description: str | None
    library: str | None
    type_name: str | None  # the named type (``types:``) it is, or holds items of
    used_by: tuple[Ref, ...]
    where: str  # plan file:line
    used_by_more: int = 0  # other senders not listed (a common property is sent by all)
    by_reference: bool = False


@dataclass(frozen=True, kw_only=True)
class Example:
    """A whole message built from the schema, and what ``validate`` says about it."""

    message: Mapping[str, Any]
    findings: tuple[str, ...]  # "PV208 event-deprecated: ..." (empty: it passes)
    passes: bool  # no finding at the error level
    findings_more: int = 0  # findings past MAX_FINDINGS, not listed


@dataclass(frozen=True, kw_only=True)
class MessageDoc:
    """One page of the dictionary: a track event, a page, a screen, identify or group."""

    plan: str
    kind: str
    name: str | None
    label: str
    title: str  # the name shown as the page heading ("Order Completed", "identify traits")
    href: str
    description: str | None
    owner: str | None
    deprecated: bool
    tags: tuple[str, ...]
    where: str
    properties: tuple[PropertyDoc, ...]
    example: Example
    schema: Mapping[str, Any]
    additional_properties: str
    properties_more: int = 0  # rows past MAX_PROPERTY_ROWS, not listed (see the JSON Schema)

    @property
    def pii(self) -> bool:
        return any(p.pii for p in self.properties)


@dataclass(frozen=True, kw_only=True)
class TypeDoc:
    """A named type (``types:``) or a property-library entry, with who uses it."""

    name: str
    anchor: str
    description: str | None
    summary: PropertyDoc
    properties: tuple[PropertyDoc, ...]  # the fields of an object type
    used_by: tuple[Ref, ...]
    where: str
    properties_more: int = 0  # fields past MAX_PROPERTY_ROWS, not listed


@dataclass(frozen=True, kw_only=True)
class ChangeDoc:
    level: str  # breaking, possibly-breaking, non-breaking
    code: str
    rule: str
    message: str
    impact: str
    where: str


@dataclass(frozen=True, kw_only=True)
class VersionDoc:
    """One version of the plan in its history, and what changed since the one before."""

    version: str
    commit: str  # short hash, or "" for the working tree
    date: str  # YYYY-MM-DD of the commit, "" for the working tree
    subject: str  # the commit's first line
    changes: tuple[ChangeDoc, ...]
    first: bool = False  # the oldest version in the history read: nothing to compare with

    def count(self, level: str) -> int:
        return sum(1 for c in self.changes if c.level == level)


@dataclass(frozen=True, kw_only=True)
class History:
    """The plan's versions, newest first, as far back as the history was read."""

    versions: tuple[VersionDoc, ...]
    commits_read: int
    truncated: bool  # older commits exist that were not read
    skipped: tuple[str, ...]  # commits whose plan did not load: "abc1234: why"


@dataclass(frozen=True, kw_only=True)
class Convention:
    key: str
    value: str
    meaning: str


@dataclass(frozen=True, kw_only=True)
class PlanDoc:
    id: str
    slug: str  # the plan's folder in the site
    file: str
    version: str | None
    description: str | None
    owners: tuple[str, ...]
    messages: tuple[MessageDoc, ...]
    library: tuple[TypeDoc, ...]
    types: tuple[TypeDoc, ...]
    conventions: tuple[Convention, ...]
    history: History | None
    history_note: str  # why there is no history (not in git...), or ""


@dataclass(frozen=True, kw_only=True)
class Site:
    plans: tuple[PlanDoc, ...]
    tool_version: str

    def messages(self) -> list[MessageDoc]:
        return [m for plan in self.plans for m in plan.messages]
