"""The record of one failed JSON Schema keyword, shared by every schema engine."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PathKey = tuple[str | int, ...]


@dataclass(frozen=True)
class SchemaViolation:
    """One failed JSON Schema keyword.

    ``instance_path`` is where in the instance it failed, ``schema_path`` where in the schema
    the keyword sits (jsonschema's ``absolute_schema_path``: ``$ref`` and ``if`` do not appear
    in it). ``keyword`` is the failing keyword, or ``"false"`` for a ``false`` schema.
    ``detail`` is keyword-specific: the missing name for ``required``, the sorted unexpected
    names for ``additionalProperties: false``, the expected type(s) for ``type`` (as written in
    the schema), the format name for ``format``, the missing name for ``dependentRequired``,
    ``"unchecked"`` for a ``pattern`` that could not be checked in bounded time or is no
    regular expression (see ``fastschema.patterns``); None otherwise.
    """

    keyword: str
    instance_path: PathKey
    schema_path: PathKey
    message: str
    value: Any = None
    detail: Any = None
