"""The fast lane: a yes/no answer for the common message, the one with no findings at all.

Most messages of a healthy log follow the plan. For those the run needs only the name they
are counted under: no diagnostic, no payload context, no explanation. :class:`FastLane`
answers "this message has no findings" with the very checks the full path
(:class:`~protocols.validate.check.checker.Validator`) runs, but looked up once per message kind
and name instead of once per message, and without the full path's layers of calls.
Whatever it is not sure of (a finding of any level, a kind or name it keeps no entry for, a
str subclass, a payload that is not a plain dict) it leaves to the full path, which decides
and explains. So the lane can only make a run faster, never change what it reports:
tests/test_validate_lane.py holds the two paths to the same answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.plan.model import MessageSpec
from protocols.validate.check.checker import Validator, without_sdk_page_properties
from protocols.validate.check.engine import SchemaPredicate
from protocols.validate.check.messages import TIMESTAMP_FIELDS, is_group_id, is_id, is_timestamp
from protocols.validate.check.shape import compile_clean

# Names (of events, pages, screens) kept in the lane's tables: planned ones only, so a log
# of made-up names cannot grow them.
_NAMED_KINDS = ("page", "screen")
_OTHER_KINDS = frozenset({"identify", "group", "alias", *_NAMED_KINDS})  # (track aside)
_UNBUILT: Any = object()


@dataclass(frozen=True)
class _Entry:
    """What the lane checks for one kind and name, built from the plan once."""

    event: str  # the name the message is counted under (Validator.event_of)
    payload_field: str | None  # None: no spec, so no payload checks
    valid: SchemaPredicate | None = None
    # Whether every name at every level is planned and not deprecated (None: no shape).
    names_clean: Callable[[Any], bool] | None = None
    page: MessageSpec | None = None  # a page spec: the SDKs' page properties are left out
    envelope: Callable[[dict[str, Any]], bool] | None = None  # extra checks (group, alias)


class FastLane:
    """``accept(message)`` is the name a message is counted under when the full path would
    find nothing at all in it, and None when the full path must decide."""

    def __init__(self, validator: Validator) -> None:
        self._validator = validator
        plan = validator.plan
        self._tracks: dict[str, _Entry | None] = {}
        self._named: dict[str, dict[str, _Entry | None]] = {kind: {} for kind in _NAMED_KINDS}
        self._tables = {"page": plan.pages, "screen": plan.screens}
        self._kinds: dict[str, _Entry | None] = {}  # built on first use (compiling costs)

    def accept(self, message: dict[str, Any]) -> str | None:
        kind = message.get("type")
        if kind == "track":
            name = message.get("event")
            if type(name) is not str:
                return None
            entry = self._tracks.get(name)
            if entry is None and name not in self._tracks:
                entry = self._planned(self._tracks, name, self._validator.plan.events)
        elif type(kind) is str and kind in _OTHER_KINDS:
            entry = self._kinds.get(kind, _UNBUILT)
            if entry is _UNBUILT:
                entry = self._kinds[kind] = self._kind_entry(kind)
            if entry is None and kind in _NAMED_KINDS:
                name = message.get("name")
                if type(name) is not str:
                    return None
                named = self._named[kind]
                entry = named.get(name)
                if entry is None and name not in named:
                    entry = self._planned(named, name, self._tables[kind])
        else:
            return None
        if entry is None:
            return None
        # The envelope (messages.envelope_problems): an id, and timestamps that parse.
        user = message.get("userId")
        if not (type(user) is str and user.strip()):
            anonymous = message.get("anonymousId")
            if not (type(anonymous) is str and anonymous.strip()):
                return None
        for field in TIMESTAMP_FIELDS:
            value = message.get(field)
            if value is not None and not is_timestamp(value):
                return None
        if entry.envelope is not None and not entry.envelope(message):
            return None
        valid = entry.valid
        if valid is None:
            return entry.event
        # The payload (Validator._validate): every name planned and not deprecated, and the
        # compiled schema check passes.
        payload = message.get(entry.payload_field)  # type: ignore[arg-type]
        if payload is None:
            payload = {}
        elif type(payload) is not dict:
            return None
        if entry.page is not None:
            payload = without_sdk_page_properties(payload, entry.page)
        names_clean = entry.names_clean
        try:
            if (names_clean is not None and not names_clean(payload)) or not valid(payload):
                return None
        except RecursionError:
            return None
        return entry.event

    def _kind_entry(self, kind: str) -> _Entry | None:
        plan = self._validator.plan
        if kind == "identify":
            return self._entry("identify", plan.identify)
        if kind == "group":
            return self._entry("group", plan.group,
                               envelope=lambda message: is_group_id(message.get("groupId")))
        if kind == "alias":
            return _Entry("alias", None,
                          envelope=lambda message: is_id(message.get("previousId")))
        # Pages and screens: when the plan names none, only the envelope is checked; else
        # by name (None here).
        return None if self._tables[kind] else _Entry(kind, None)

    def _planned(self, table: dict[str, _Entry | None], name: str,
                 specs: Mapping[str, MessageSpec]) -> _Entry | None:
        """The entry of a planned name (remembered), or None for any other (not kept)."""
        spec = specs.get(name)
        if spec is None or not name.strip():
            return None
        entry = table[name] = self._entry(spec.label, spec)
        return entry

    def _entry(self, event: str, spec: MessageSpec | None,
               envelope: Callable[[dict[str, Any]], bool] | None = None) -> _Entry | None:
        if spec is None:
            return _Entry(event, None, envelope=envelope)
        if spec.deprecated:
            return None  # every message of it gets a warning: the full path writes it
        compiled = self._validator.compiled(spec)
        shape = compiled.shape
        return _Entry(event, spec.payload_field, compiled.valid,
                      None if shape is None else compile_clean(shape),
                      spec if spec.kind == "page" else None, envelope)
