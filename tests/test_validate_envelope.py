"""The envelope read from a line's bytes (envelope.py) says what the whole message says."""

from __future__ import annotations

import json
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, UNKNOWN_SOURCE, source_of
from protocols.validate.read.envelope import FIELDS, PAYLOADS, EnvelopeReader, is_utf8
from protocols.validate.read.records import parse_message_text

SOURCE_PATHS = [DEFAULT_SOURCE_FIELD, "context.app.name", "source", "a.b.c.d", ""]

scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6)
           | st.sampled_from(["", " ", "web", "track", "identify", "Order Completed",
                              "2026-11-26T10:00:00.000Z"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["name", "library", "app", "b", "c",
                                                         "d", "x"]), inner, max_size=3),
                      max_leaves=10)
keys = st.sampled_from([*FIELDS, "context", "source", "a", "messageId", "integrations"])
# Pieces of raw JSON text put in as they are: escapes in keys, numbers msgspec refuses when
# it builds them, bytes that are not UTF-8, a lone surrogate, a duplicate key.
RAW = [b'"typ\\u0065": "track"', b'"x": 1e999', b'"x": "caf\xc3\xa9"', b'"x": "\xff"',
       b'"x": "\\ud800"', b'"context": {"library": {"name": "dup"}}', b'"type": "identify"',
       b'"x": 123456789012345678901234567890', b'"context": 5', b'"x": "\xed\xa0\x80"']


@st.composite
def lines(draw: st.DrawFn) -> bytes:
    pairs = draw(st.lists(st.tuples(keys, values), max_size=8))
    parts = [json.dumps(key).encode() + b": " + json.dumps(value).encode()
             for key, value in pairs]
    for raw in draw(st.lists(st.sampled_from(RAW), max_size=3)):
        parts.insert(draw(st.integers(0, len(parts))), raw)
    body = b"{" + b", ".join(parts) + b"}"
    return draw(st.sampled_from([body, body + b"\n", body + b"\r\n", b"[" + body + b"]"]))


def _whole(line: bytes) -> dict[str, Any] | None:
    """The message the full path reads from the line (None: it finds no single message)."""
    items = parse_message_text(line, file="log", line=1)
    if len(items) != 1 or items[0].message is None or items[0].prefix:
        return None
    return dict(items[0].message)


@pytest.mark.parametrize("source_field", SOURCE_PATHS)
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=lines())
def test_the_envelope_is_the_whole_message_s(source_field: str, line: bytes) -> None:
    path = tuple(part for part in source_field.split(".") if part)
    reader = EnvelopeReader(path)
    assert reader.decode is not None
    try:
        envelope = reader.decode(line)
    except (ValueError, RecursionError):
        return  # refused: the full path reads the line
    if not is_utf8(line):
        return  # refused too
    message = _whole(line)
    assert message is not None, "the envelope read a line the full path finds no message in"
    for name in FIELDS:
        mine, theirs = getattr(envelope, name), message.get(name)
        if name in PAYLOADS:  # (kept as JSON text: the lane decodes the one it checks)
            assert type(mine) is msgspec.Raw
            mine = msgspec.json.decode(mine) if mine else None
        assert type(mine) is type(theirs) and mine == theirs, name
    assert reader.source(envelope) == source_of(message, path)


def test_a_source_path_starting_at_an_envelope_field_is_not_typed() -> None:
    reader = EnvelopeReader(("properties", "platform"))
    assert reader.decode is None
    assert reader.source(reader.from_message({"properties": {"platform": "ios"}})) == \
        UNKNOWN_SOURCE  # (the caller reads such a source from the whole message)


@pytest.mark.parametrize(("line", "source"), [
    (b'{"context": {"library": {"name": "analytics.js"}}}', "analytics.js"),
    (b'{"context": {"library": {"name": 42}}}', "42"),
    (b'{"context": {"library": {"name": ""}}}', UNKNOWN_SOURCE),
    (b'{"context": {"library": {"name": true}}}', UNKNOWN_SOURCE),
    (b'{"context": {"library": null}}', UNKNOWN_SOURCE),
    (b'{"context": {}}', UNKNOWN_SOURCE),
    (b'{"type": "track"}', UNKNOWN_SOURCE),
])
def test_sources(line: bytes, source: str) -> None:
    reader = EnvelopeReader(tuple(DEFAULT_SOURCE_FIELD.split(".")))
    assert reader.decode is not None
    assert reader.source(reader.decode(line)) == source == source_of(json.loads(line),
                                                                     ("context", "library",
                                                                      "name"))


@pytest.mark.parametrize("line", [b'{"context": {"library": "web"}}', b"[1]", b"3",
                                  b'{"context": {"library": {"name": "x"}}, "context": []}'])
def test_other_shapes_are_refused(line: bytes) -> None:
    reader = EnvelopeReader(tuple(DEFAULT_SOURCE_FIELD.split(".")))
    assert reader.decode is not None
    with pytest.raises(ValueError):
        reader.decode(line)


def test_lines_that_are_not_utf8_are_caught() -> None:
    assert is_utf8(b'{"a": "caf\xc3\xa9"}') and is_utf8(b"{}")
    assert not is_utf8(b'{"a": "\xff"}') and not is_utf8(b'{"a": "\xed\xa0\x80"}')


def test_a_run_reads_bytes_the_envelope_skipped(tmp_path: Any) -> None:
    from protocols import load_plan
    from protocols.validate.run import ValidateOptions, validate_inputs
    from tests.conftest import REPO

    log = tmp_path / "log.ndjson"
    clean = (b'{"type": "identify", "userId": "u1", "traits": {"email": "a@b.io"}, '
             b'"context": {"library": {"name": "web"}, "city": "S\xc3\xa3o Paulo"}}\n')
    log.write_bytes(clean + clean.replace(b"S\xc3\xa3o", b"S\xe3o"))  # Latin-1 in context
    summary = validate_inputs(load_plan(REPO / "plans" / "ecommerce.yaml"), [str(log)],
                              ValidateOptions()).summary
    assert (summary["valid"], summary["unparseable"], summary["by_code"]) == (1, 1,
                                                                             {"PV003": 1})
