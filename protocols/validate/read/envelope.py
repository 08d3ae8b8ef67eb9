"""The fields of a Segment message the fast lane looks at, decoded straight from its line.

A message's ``context`` (the device, the app, the page, the user agent...) is often half its
bytes, and nothing in the plan checks it: only the source field of the drift report
(``context.library.name`` by default) is read from it. :class:`EnvelopeReader` decodes a line
with msgspec into a :class:`msgspec.Struct` holding the envelope fields, the payload as plain
JSON values, and the source field; msgspec skips every other key without building it, which
is about twice as fast as decoding the whole message.

Skipping is not checking, though: msgspec does not look inside the strings and numbers it
skips (nor inside a payload kept as JSON text, below). So a line that is not ASCII is
checked to be UTF-8 here, and anything the typed
decoding refuses (a line that is not an object, a source field of another shape than the
path says, ...) is left to the full path, which reads the line as before. What a skipped
number could hide (``1e999``, accepted by the stdlib parser the full path falls back on) does
not change a verdict: nothing reads it. tests/test_validate_envelope.py holds the fields
decoded here equal to those of the whole message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import attrgetter
from typing import Any

import msgspec

from protocols.validate.count.drift import UNKNOWN_SOURCE

#: The top-level fields the lane and the drift counter read (absent and null alike: None).
FIELDS = ("type", "event", "name", "userId", "anonymousId", "previousId", "groupId",
          "timestamp", "originalTimestamp", "sentAt", "receivedAt", "properties", "traits")
#: The payloads, kept as their JSON text (msgspec.Raw, empty when absent): the lane decodes
#: the one the message's kind uses, with the plan's types when it can (typed.py).
PAYLOADS = ("properties", "traits")
_SOURCE = "source_field_"  # the Struct attribute of the source path's first key


class EnvelopeReader:
    """Decodes lines into envelopes and says the source of each.

    ``decode`` is None when the source path cannot be typed (its first key is one of
    :data:`FIELDS`): the caller then parses lines whole, as before."""

    def __init__(self, source_path: tuple[str, ...]) -> None:
        self.source_path = source_path
        typed = not source_path or source_path[0] not in FIELDS
        fields: list[tuple[str, Any, Any]] = [
            (name, msgspec.Raw, msgspec.Raw()) if name in PAYLOADS else (name, Any, None)
            for name in FIELDS]
        rename: dict[str, str] = {}
        if source_path and typed:
            fields.append((_SOURCE, _path_type(source_path[1:]), None))
            rename[_SOURCE] = source_path[0]
        self.type: Any = msgspec.defstruct("Envelope", fields, rename=rename or None,
                                           gc=False)
        self.decode: Callable[[bytes], Any] | None = (
            msgspec.json.Decoder(self.type).decode if typed else None)
        self.source: Callable[[Any], str] = _source_reader(len(source_path) if typed else 0)

    def from_message(self, message: Mapping[str, Any]) -> Any:
        """The envelope of a message already parsed whole (the source is not read; the
        payloads are values, not JSON text)."""
        get = message.get
        return self.type(*[get(name) for name in FIELDS])


def _path_type(rest: tuple[str, ...]) -> Any:
    """Nested Structs down the source path: each level holds the next key (or None)."""
    node: Any = Any
    for depth, key in reversed(list(enumerate(rest))):
        level = msgspec.defstruct(f"SourceLevel{depth}", [("next_", node, None)],
                                  rename={"next_": key}, gc=False)
        node = level | None
    return node


def _source_reader(depth: int) -> Callable[[Any], str]:
    """The source of an envelope: the value at the end of the path, as drift.source_of says
    it (a non-empty string, a number as text, else ``(unknown)``)."""
    if depth == 0:
        return lambda envelope: UNKNOWN_SOURCE

    # One C call down the path; a level that is absent (None) has no next_ to get.
    down = attrgetter(".".join([_SOURCE, *["next_"] * (depth - 1)]))

    def source(envelope: Any) -> str:
        try:
            node = down(envelope)
        except AttributeError:
            return UNKNOWN_SOURCE
        if type(node) is str and node:
            return node
        if isinstance(node, (int, float)) and not isinstance(node, bool):
            return str(node)
        return UNKNOWN_SOURCE

    return source


def is_utf8(data: bytes) -> bool:
    """Whether a line msgspec may have skipped parts of is UTF-8 throughout."""
    if data.isascii():
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
