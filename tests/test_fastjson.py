"""fastjson: the same values as json.loads, and positioned errors, on both backends."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.validate.read import fastjson
from protocols.validate.read.fastjson import JSONError

PARSERS = [pytest.param(fastjson.loads, id=fastjson.BACKEND),
           pytest.param(fastjson.stdlib_loads, id="stdlib")]

json_documents = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12)


@pytest.mark.parametrize("loads", PARSERS)
@settings(max_examples=200)
@given(document=json_documents)
def test_round_trips_like_the_stdlib(loads: Any, document: Any) -> None:
    text = json.dumps(document)
    assert loads(text.encode("utf-8")) == json.loads(text)
    assert loads(text) == json.loads(text)


@pytest.mark.parametrize("loads", PARSERS)
@pytest.mark.parametrize(("data", "message", "line", "column"), [
    (b'{"a": 1', "Expecting ',' delimiter", 1, 8),
    (b'{"a": 1}\n{', "Extra data", 2, 1),
    (b'[1, 2,]', "Expecting value", 1, 7),
    (b'{"a": "\xc3\xa9\xff"}', "not valid UTF-8 (byte 0xff)", 1, 9),
    (b"\xff", "not valid UTF-8 (byte 0xff)", 1, 1),
    (b"NaN", "NaN is not valid JSON", 1, 1),
    (b'{"n": -Infinity}', "-Infinity is not valid JSON", 1, 7),
    (b'{"n": 1e999}', "number 1e999 is too large for a double", 1, 7),
    (b"\xef\xbb\xbf{}", "Unexpected UTF-8 BOM (decode using utf-8-sig)", 1, 1),
    (b"", "Expecting value", 1, 1),
])
def test_malformed_json_is_a_positioned_value_error(loads: Any, data: bytes, message: str,
                                                    line: int, column: int) -> None:
    with pytest.raises(JSONError) as raised:
        loads(data)
    assert isinstance(raised.value, ValueError)
    assert (raised.value.msg, raised.value.lineno, raised.value.colno) == (message, line, column)
