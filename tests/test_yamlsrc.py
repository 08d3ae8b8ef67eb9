"""Malformed and hostile YAML gives a positioned error, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.yamlsrc import YamlError, decode_source, load_yaml, suppressions


def error_of(text: str) -> tuple[str, int | None, int | None, str]:
    with pytest.raises(YamlError) as info:
        load_yaml(text, "plan.yaml")
    first = info.value.diagnostics[0]
    return first.code, first.line, first.column, first.message


def test_positions_of_keys_and_values() -> None:
    data, source = load_yaml("a: 1\nb:\n  c: [x, y]\n", "f.yaml")
    assert data == {"a": 1, "b": {"c": ["x", "y"]}}
    assert source.keys[("b", "c")] == (3, 3)
    assert source.values[("b", "c", 1)] == (3, 10)


def test_keys_stay_as_written_and_dates_stay_strings() -> None:
    data, _ = load_yaml("yes: 1\n200: ok\nwhen: 2024-01-01\n", "f.yaml")
    assert data == {"yes": 1, "200": "ok", "when": "2024-01-01"}


def test_duplicate_key_names_both_positions() -> None:
    code, line, column, message = error_of("events:\n  A: {}\n  B: {}\n  A: {}\n")
    assert (code, line, column) == ("PL101", 4, 3)
    assert "line 2, column 3" in message


def test_tab_indentation() -> None:
    code, line, _, message = error_of("events:\n\tA: {}\n")
    assert (code, line) == ("PL100", 2)
    assert "tabs" in message


def test_unclosed_flow_sequence() -> None:
    code, line, _, _ = error_of("a: [1, 2\nb: 3\n")
    assert code == "PL100" and line is not None and line >= 2


def test_alias_bomb_is_refused() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        prev = chr(ord("a") + index - 1)
        name = chr(ord("a") + index)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    code, _, _, message = error_of("\n".join(lines) + "\n")
    assert code == "PL100" and "alias bomb" in message


def test_recursive_alias_and_deep_nesting() -> None:
    assert error_of("&a [*a]\n")[0] == "PL100"
    assert "nest" in error_of("[" * 5000 + "]" * 5000)[3]
    assert "deeper" in error_of("a: " + "[" * 80 + "]" * 80 + "\n")[3]


def test_empty_and_multi_document_files() -> None:
    assert "empty" in error_of("")[3]
    assert error_of("a: 1\n---\nb: 2\n")[1:3] == (3, 1)


def test_non_utf8_byte_is_located() -> None:
    with pytest.raises(YamlError) as info:
        decode_source(b"a: 1\nb: caf\xe9\n", "f.yaml")
    first = info.value.diagnostics[0]
    assert (first.code, first.line, first.column) == ("PL110", 2, 7)


def test_nul_byte_and_bom() -> None:
    with pytest.raises(YamlError):
        decode_source(b"a: 1\x00\n", "f.yaml")
    assert decode_source(b"\xef\xbb\xbfa: 1\n", "f.yaml") == "a: 1\n"


def test_inline_suppressions() -> None:
    _, source = load_yaml("a: 1  # protocols: ignore[PL201, event-case]\n"
                          "# protocols: ignore\nb: 2\n", "f.yaml")
    assert suppressions(source) == {1: frozenset({"PL201", "event-case"}), 3: None}


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_load_or_fail_with_a_position(raw: bytes) -> None:
    try:
        load_yaml(decode_source(raw, "f.yaml"), "f.yaml")
    except YamlError as exc:
        assert exc.diagnostics and all(d.line and d.column for d in exc.diagnostics)
