"""The hand-written reference for a whole log: what a user would write to get validate's
verdicts with the standard tools.

``bench_validate.ReferencePath`` checks payloads only, which is all its log breaks. A
production log (production_log.py) also has lines that are not JSON, envelopes without an id
or with a bad timestamp, unplanned events and names spelled another way. This reference
decides those too, with ``json.loads``, a jsonschema ``Draft202012Validator`` (formats
asserted) compiled once per planned message kind, and a few lines of Python for the
envelope and for names that differ from a planned one only by case or separators. It counts
messages, invalid messages (an error-level finding) and unparseable ones as ``protocols
validate`` does, and keeps every error of the first violating messages as examples.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import jsonschema

from protocols.naming import collision_key
from protocols.plan.model import SEGMENT_PAGE_PROPERTIES, MessageSpec, Plan

MAX_LINE_BYTES = 1024 * 1024
MAX_EXAMPLES = 20
TYPES = ("track", "identify", "group", "page", "screen", "alias")
STAMPS = ("timestamp", "originalTimestamp", "sentAt", "receivedAt")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")


def _timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _ISO.match(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _an_id(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


class FullReference:
    """json.loads + jsonschema per planned kind + the envelope and name checks by hand."""

    def __init__(self, plan: Plan) -> None:
        cls = jsonschema.Draft202012Validator
        self.plan = plan
        self.validators = {(spec.kind, spec.name): cls(spec.schema,
                                                       format_checker=cls.FORMAT_CHECKER)
                           for spec in plan.messages()}
        self._keys: dict[int, dict[str, str]] = {}
        self.keys = {kind: {collision_key(name): name for name in table}
                     for kind, table in (("track", plan.events), ("page", plan.pages),
                                         ("screen", plan.screens))}

    def run(self, lines: Iterable[bytes]) -> tuple[int, int]:
        """(messages, invalid messages) of NDJSON lines; unparseable lines are messages."""
        messages = invalid = 0
        self.examples: list[Any] = []
        for line in lines:
            if not line.strip():
                continue
            for message in self._messages(line):
                messages += 1
                if message is None:
                    continue  # unparseable: counted apart from invalid, as validate does
                errors = self.errors(message)
                if errors:
                    invalid += 1
                    if len(self.examples) < MAX_EXAMPLES:
                        self.examples.append(errors)
        return messages, invalid

    def _messages(self, line: bytes) -> list[Any]:
        if len(line.rstrip(b"\r\n")) > MAX_LINE_BYTES:
            return [None]
        try:
            value = json.loads(line)
        except ValueError:  # not JSON, or not UTF-8
            return [None]
        if isinstance(value, dict) and "type" not in value and isinstance(value.get("batch"),
                                                                           list):
            return [v if isinstance(v, dict) else None for v in value["batch"]]
        return [value if isinstance(value, dict) else None]

    def errors(self, message: dict[str, Any]) -> list[str]:
        """The error-level findings of one message (warnings are left out)."""
        kind = message.get("type")
        if kind not in TYPES:
            return [f"unknown type {kind!r}"]
        found = []
        if not (_an_id(message.get("userId")) or _an_id(message.get("anonymousId"))):
            found.append("no userId or anonymousId")
        if kind == "alias" and not _an_id(message.get("previousId")):
            found.append("no previousId")
        found += [f"{field} is not ISO-8601" for field in STAMPS
                  if message.get(field) is not None and not _timestamp(message[field])]
        spec = self._spec(message, found)
        if spec is None:
            return found
        payload = message.get(spec.payload_field)
        if payload is None:
            payload = {}
        if kind == "page" and isinstance(payload, dict):
            planned = spec.schema.get("properties") or {}
            payload = {k: v for k, v in payload.items()
                       if k not in SEGMENT_PAGE_PROPERTIES or k in planned}
        found += [error.message for error in
                  self.validators[(spec.kind, spec.name)].iter_errors(payload)]
        found += self._names(payload, spec.schema, spec.schema.get("$defs", {}),
                             spec.additional_properties)
        return found

    def _spec(self, message: dict[str, Any], found: list[str]) -> MessageSpec | None:
        kind = message["type"]
        if kind == "identify":
            return self.plan.identify
        if kind == "group":
            group = message.get("groupId")
            if not (_an_id(group) or (isinstance(group, (int, float))
                                      and not isinstance(group, bool))):
                found.append("no groupId")
            return self.plan.group
        if kind == "alias":
            return None
        name = message.get("event" if kind == "track" else "name")
        if kind == "track" and not _an_id(name):
            found.append("no event name")
            return None
        table = {"track": self.plan.events, "page": self.plan.pages,
                 "screen": self.plan.screens}[kind]
        if not isinstance(name, str):
            return None
        if name in table:
            return table[name]
        planned = self.keys[kind].get(collision_key(name))
        if planned is not None:
            found.append(f"{name!r} is spelled {planned!r} in the plan")
            return table[planned]
        if kind == "track":
            found.append(f"event {name!r} is not in the plan")
        return None

    def _names(self, value: Any, schema: Any, defs: Mapping[str, Any], policy: str,
               depth: int = 0) -> list[str]:
        """Names that differ from a planned one by case or separators, at every level (and
        unplanned names when the plan says they are errors)."""
        for _ in range(16):  # follow named types
            if not (isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str)):
                break
            schema = defs.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if not isinstance(schema, Mapping) or depth > 32:
            return []
        found: list[str] = []
        properties = schema.get("properties")
        if isinstance(value, dict) and isinstance(properties, Mapping):
            keys = self._keys.get(id(properties))
            if keys is None:  # (the planned names' keys, once per object of the plan)
                keys = self._keys[id(properties)] = {collision_key(name): name
                                                     for name in properties}
            extra = schema.get("additionalProperties")
            for name, child in value.items():
                if name in properties:
                    found += self._names(child, properties[name], defs, policy, depth + 1)
                elif collision_key(name) in keys:
                    found.append(f"{name!r} is spelled {keys[collision_key(name)]!r}")
                elif extra is None and policy == "error":
                    found.append(f"{name!r} is not planned")
        elif isinstance(value, list) and isinstance(schema.get("items"), Mapping):
            for element in value:
                found += self._names(element, schema["items"], defs, policy, depth + 1)
        return found
