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

from msgspec import Raw
from msgspec.json import Decoder

from protocols.plan.model import MessageSpec
from protocols.validate.check.checker import Validator, by_schema, without_sdk_page_properties
from protocols.validate.check.engine import SchemaPredicate
from protocols.validate.check.messages import (
    QUICK_TIMESTAMP as quick_timestamp,
)
from protocols.validate.check.messages import (
    TIMESTAMP_FIELDS,
    is_group_id,
    is_id,
    is_timestamp,
)
from protocols.validate.check.shape import compile_clean
from protocols.validate.check.typed import PayloadDecoder, fixed_kinds, payload_decoder
from protocols.validate.count.drift import PlannedKinds
from protocols.validate.read.envelope import EnvelopeReader

# Names (of events, pages, screens) kept in the lane's tables: planned ones only, so a log
# of made-up names cannot grow them.
_NAMED_KINDS = ("page", "screen")
_OTHER_KINDS = frozenset({"identify", "group", "alias", *_NAMED_KINDS})  # (track aside)
_UNBUILT: Any = object()
_PLAIN = EnvelopeReader(())  # envelopes of messages parsed whole
_decode = Decoder().decode
assert TIMESTAMP_FIELDS == ("timestamp", "originalTimestamp", "sentAt", "receivedAt")


@dataclass(frozen=True)
class _Entry:
    """What the lane checks for one kind and name, built from the plan once."""

    event: str  # the name the message is counted under (Validator.event_of)
    payload_field: str | None  # None: no spec, so no payload checks
    valid: SchemaPredicate | None = None
    decoder: PayloadDecoder | None = None  # the same check as valid + names_clean, typed
    # Whether every name at every level is planned and not deprecated (None: no shape).
    names_clean: Callable[[Any], bool] | None = None
    page: MessageSpec | None = None  # a page spec: the SDKs' page properties are left out
    envelope: Callable[[Any], bool] | None = None  # extra checks (group, alias)
    planned: PlannedKinds | None = None  # the kinds of valid payloads' values (drift)


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
        """The name ``message`` is counted under, or None when the full path must decide."""
        accepted = self.accept_envelope(_PLAIN.from_message(message))
        return None if accepted is None else accepted[0].event

    def accept_envelope(self, envelope: Any) -> tuple[_Entry, Any] | None:
        """:meth:`accept` of a message's envelope (protocols/validate/read/envelope.py): the
        entry of its kind and name (``.event`` is the name it is counted under), and its
        payload as decoded (a dict; None when the lane does not read it)."""
        kind = envelope.type
        if kind == "track":
            name = envelope.event
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
                name = envelope.name
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
        user = envelope.userId
        if not (type(user) is str and user.strip()):
            anonymous = envelope.anonymousId
            if not (type(anonymous) is str and anonymous.strip()):
                return None
        checked = None  # (sentAt and receivedAt are often the same text: checked once)
        for value in (envelope.timestamp, envelope.originalTimestamp, envelope.sentAt,
                      envelope.receivedAt):  # (messages.TIMESTAMP_FIELDS)
            if value is not None and value != checked:
                if not (type(value) is str and quick_timestamp(value) is not None) \
                        and not is_timestamp(value):
                    return None
                checked = value
        if entry.envelope is not None and not entry.envelope(envelope):
            return None
        valid = entry.valid
        if valid is None:
            return entry, None
        # The payload (Validator._validate): every name planned and not deprecated, and the
        # compiled schema check passes.
        payload = envelope.properties if entry.payload_field == "properties" else \
            envelope.traits
        if type(payload) is Raw:  # (its JSON text: envelope.py)
            if not payload:
                payload = {}  # absent
            elif entry.decoder is not None:
                # msgspec checks the plan's types as it decodes: a yes in C, else the full
                # path decides (typed.py)
                try:
                    return entry, entry.decoder.decode(payload)
                except (ValueError, RecursionError):
                    return None
            else:
                try:
                    payload = _decode(payload)
                except (ValueError, RecursionError):
                    return None
        if payload is None:
            payload = {}
        elif type(payload) is not dict:
            return None
        checked = payload
        if entry.page is not None:
            checked = without_sdk_page_properties(payload, entry.page)
        names_clean = entry.names_clean
        try:
            if (names_clean is not None and not names_clean(checked)) or not valid(checked):
                return None
        except RecursionError:
            return None
        return entry, payload

    def _kind_entry(self, kind: str) -> _Entry | None:
        plan = self._validator.plan
        if kind == "identify":
            return self._entry("identify", plan.identify)
        if kind == "group":
            return self._entry("group", plan.group,
                               envelope=lambda envelope: is_group_id(envelope.groupId))
        if kind == "alias":
            return _Entry("alias", None, envelope=lambda envelope: is_id(envelope.previousId))
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
               envelope: Callable[[Any], bool] | None = None) -> _Entry | None:
        if spec is None:
            return _Entry(event, None, envelope=envelope)
        if spec.deprecated:
            return None  # every message of it gets a warning: the full path writes it
        compiled = self._validator.compiled(spec)
        shape = compiled.shape
        page = spec if spec.kind == "page" else None
        return _Entry(event, spec.payload_field, compiled.valid,
                      None if page is not None else _decoder(spec),
                      None if shape is None else compile_clean(shape), page, envelope,
                      PlannedKinds(fixed_kinds(spec.schema)))


@by_schema  # built once for the runs of a program on one plan, as compiled specs are
def _decoder(spec: MessageSpec) -> PayloadDecoder | None:
    return payload_decoder(spec.schema)
