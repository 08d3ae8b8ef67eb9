"""Hostile ``pattern``s cannot hang a run: they are searched with a timeout and say so."""

from __future__ import annotations

import time
from typing import Any

import pytest

from protocols.validate.engine import compile_validator
from protocols.validate.fastschema import compile_schema
from protocols.validate.fastschema.patterns import PATTERN_TIMEOUT_SECONDS, compile_pattern

# re.search on these takes minutes to years; each must come back within a few timeouts.
HOSTILE = [("^(a+)+$", "a" * 5000 + "!"), ("^(a|aa)+$", "a" * 80 + "!"),
           ("^(\\w+\\s?)*$", "word " * 40 + "!"), ("(x+x+)+y", "x" * 5000)]
# The timeout counts the search's CPU time; on a loaded machine the wall clock runs slower, so
# the bound here is generous: re.search would take minutes to years on each of these.
SECONDS = 20
# unevaluatedProperties sends the whole schema to the jsonschema fallback; it must be bounded too.
ENGINES = [pytest.param(lambda s: compile_schema(s), id="compiled"),
           pytest.param(lambda s: compile_validator({**s, "unevaluatedProperties": True}),
                        id="fallback")]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("pattern", "text"), HOSTILE)
def test_hostile_pattern_is_bounded_and_reported(engine: Any, pattern: str, text: str) -> None:
    check = engine({"type": "object", "properties": {"name": {"pattern": pattern}}})
    started = time.monotonic()
    found = check({"name": text})
    assert time.monotonic() - started < SECONDS
    [violation] = found  # the text never matches: either a plain miss or "unchecked"
    assert violation.keyword == "pattern"
    assert violation.instance_path == ("name",)
    if violation.detail == "unchecked":
        assert "backtrack catastrophically" in violation.message
        assert f"{PATTERN_TIMEOUT_SECONDS} s" in violation.message
    else:
        assert violation.message == f"{text!r} does not match {pattern!r}"


def test_a_timed_out_search_is_reported_as_unchecked_not_as_valid() -> None:
    check = compile_schema({"pattern": "^(a|aa)+$"})
    [violation] = check("a" * 80 + "!")
    assert violation.detail == "unchecked"
    assert violation.message.startswith("'aaaa")


def test_hostile_pattern_properties_are_bounded() -> None:
    check = compile_schema({"patternProperties": {"^(a|aa)+$": {"type": "string"}},
                            "additionalProperties": False})
    started = time.monotonic()
    check({"a" * 80 + "!": 1})
    assert time.monotonic() - started < SECONDS


def test_hostile_patterns_still_match_what_they_should() -> None:
    assert compile_schema({"pattern": "^(a+)+$"})("aaaa") == []
    assert compile_schema({"pattern": "^(a|aa)+$"})("aaaaaa") == []


@pytest.mark.parametrize(("pattern", "risky"), [
    ("^(a+)+$", True), ("^(a|aa)+$", True), ("(\\w+\\s?)*", True), ("(a*)*", True),
    ("^[a-z_]+$", False), ("^ORD-\\d{3}$", False), ("(ab)+", False), ("^(?:x|y)z$", False),
])
def test_only_risky_shapes_leave_re(pattern: str, risky: bool) -> None:
    # Safe shapes run on re, the reference engine; risky ones on regex with a timeout.
    assert (compile_pattern(pattern).unchecked != "") is risky


def test_unicode_property_escapes_work_although_re_lacks_them() -> None:
    check = compile_schema({"pattern": "^\\p{Letter}+$"})
    assert check("héllo") == []
    assert [v.keyword for v in check("123")] == ["pattern"]
