"""Hostile ``pattern``s cannot hang a run: they are searched with a timeout and say so."""

from __future__ import annotations

import time
from typing import Any

import pytest

from protocols.validate.check.engine import compile_validator
from protocols.validate.check.fastschema import compile_schema
from protocols.validate.check.fastschema.patterns import PATTERN_TIMEOUT_SECONDS, compile_pattern

# re.search on these takes minutes to years; each must come back within a few timeouts.
HOSTILE = [("^(a+)+$", "a" * 5000 + "!"), ("^(a|aa)+$", "a" * 80 + "!"),
           ("^(\\w+\\s?)*$", "word " * 40 + "!"), ("(x+x+)+y", "x" * 5000),
           ("^a*a*a*a*a*b$", "a" * 3000), ("^\\S+@\\S+\\.\\S+$", "a@" + "b." * 50_000 + " ")]
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


@pytest.mark.parametrize(("pattern", "how"), [
    ("^(a+)+$", "risky"), ("^(a|aa)+$", "risky"), ("(\\w+\\s?)*", "risky"), ("(a*)*", "risky"),
    ("^a*a*a*a*a*b$", "risky"), ("^(\\w|\\d)+$", "risky"),
    ("^[a-z_]+$", "re"), ("^ORD-\\d{3}$", "re"), ("^(?:x|y)z$", "re"),
    ("(ab)+", "long"), ("[a-z]+@", "long"),
])
def test_only_safe_anchored_patterns_run_unbounded_on_re(pattern: str, how: str) -> None:
    # Safe and anchored: re, the reference engine, linear. Safe but searched from every
    # position: re up to SHORT_TEXT characters, bounded beyond. Risky: always bounded.
    unchecked = compile_pattern(pattern).unchecked
    assert {"risky": "backtrack catastrophically" in unchecked,
            "re": unchecked == "", "long": "text is long" in unchecked}[how], unchecked


def test_a_long_text_on_a_safe_unanchored_pattern_is_bounded() -> None:
    check = compile_schema({"pattern": "[a-z]+@"})
    text = "a" * 200_000  # quadratic from every start position: minutes on re
    started = time.monotonic()
    [violation] = check(text)
    assert time.monotonic() - started < SECONDS
    assert violation.detail in ("unchecked", None)
    assert check("x" * 10_000 + "ab@") == []


def test_unicode_property_escapes_work_although_re_lacks_them() -> None:
    check = compile_schema({"pattern": "^\\p{Letter}+$"})
    assert check("héllo") == []
    assert [v.keyword for v in check("123")] == ["pattern"]
