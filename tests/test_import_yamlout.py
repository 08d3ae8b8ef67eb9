"""`dump_plan`: YAML that reads back to the same data, with comments that stay comments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.interop import dump_plan
from protocols.yamlsrc import load_yaml

ODD = ["\x85", "a\u2028b", "\t", "x\ty", "\x1b[0m", "<<", "yes", "No", "null", "~", "- a", "#",
       "a: b", " lead", "trail ", "\ufeffbom", "é", "\r\n", "'", '"', "@x", "`x", "%x", "!x",
       "&x", "*x", "?", "|", ">", "{", "[", "0x10", "1e3", "2024-01-01", "=", "", "1_000",
       ".inf", "0o17", "+1"]


@pytest.mark.parametrize("text", ODD)
def test_odd_strings_survive_as_keys_and_values(text: str) -> None:
    data = {"protocols": 1, "plan": "x", "events": {text: {"properties": {
        text: {"type": "string", "enum": [text, "a"], "description": text}}}}}
    back, _ = load_yaml(dump_plan(data), "plan.yaml")
    assert back == data


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=6), st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                               max_size=3),
    max_leaves=8), max_size=4))
def test_any_json_data_round_trips(data: dict[str, object]) -> None:
    back, _ = load_yaml(dump_plan(data), "plan.yaml")
    assert back == data


def test_comments_with_line_breaks_stay_comments() -> None:
    data = {"protocols": 1, "plan": "x", "events": {"A": {"properties": {}}}}
    text = dump_plan(data, header=["one\ntwo\u2028three", ""],
                     comments={("events", "A"): ["note\r\nmore"]})
    back, _ = load_yaml(text, "plan.yaml")
    assert back == data
    assert "# two\n# three\n#\n" in text
    assert "  # note\n  # more\n  A:" in text
