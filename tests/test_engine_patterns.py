"""Hostile ``pattern``s cannot hang a run: they are searched with a timeout and say so."""

from __future__ import annotations

import time
from typing import Any

import pytest

from protocols.validate.check.engine import compile_validator
from protocols.validate.check.fastschema import compile_schema
from protocols.validate.check.fastschema.patterns import (
    PATTERN_TIMEOUT_SECONDS,
    PatternError,
    compile_pattern,
)

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


# Patterns that neither re nor regex compiles (lint reports each as PL105): re.error, and
# RecursionError for the deep group, OverflowError for the huge count.
BROKEN = {"unclosed group": "(", "named back-reference": "(?<x>a)\\k<x>",
          "escape re lacks": "\\e[31m", "repeated repeat": "a{1000}{1000}{1000}",
          "deep group": "(" * 500 + "a" + ")" * 500, "huge count": "a{99999999999}"}


@pytest.mark.parametrize("pattern", BROKEN.values(), ids=BROKEN.keys())
def test_a_pattern_no_engine_compiles_is_a_pattern_error(pattern: str) -> None:
    with pytest.raises(PatternError):
        compile_pattern(pattern)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("pattern", BROKEN.values(), ids=BROKEN.keys())
def test_a_pattern_no_engine_compiles_leaves_the_value_unchecked(engine: Any,
                                                                 pattern: str) -> None:
    """A fuzzing session found these raised re.error (RecursionError for the deep group)
    out of validate: the value is reported as not checked, as a timed-out search is."""
    check = engine({"type": "object", "properties": {"name": {"pattern": pattern}}})
    [violation] = check({"name": "abc"})
    assert (violation.keyword, violation.instance_path, violation.detail) == (
        "pattern", ("name",), "unchecked")
    assert violation.message.startswith(
        f"'abc' was not checked against {pattern!r}: the pattern is not a regular expression")
    assert check({"name": 3}) == []  # only strings are searched
    assert check({}) == []


@pytest.mark.parametrize("pattern", BROKEN.values(), ids=BROKEN.keys())
def test_both_engines_report_a_broken_pattern_alike(pattern: str) -> None:
    schema = {"type": "object", "properties": {"name": {"pattern": pattern}},
              "patternProperties": {pattern: {"type": "string"}}}
    instance = {"name": "abc", "other": 1}
    fast = compile_validator(schema)(instance)
    # unevaluatedItems (on an object: no effect) sends the schema to the jsonschema fallback.
    assert fast == compile_validator({**schema, "unevaluatedItems": True})(instance)
    # Every name is reported as not checked against the broken key (whose rules might
    # apply to it), never taken as not matching it.
    assert [(v.keyword, v.instance_path, v.detail) for v in fast] == [
        ("pattern", ("name",), "unchecked"), ("patternProperties", ("name",), "unchecked"),
        ("patternProperties", ("other",), "unchecked")]
    assert fast[2].message.startswith(f"'other' was not checked against {pattern!r}: the "
                                      "pattern is not a regular expression")
    assert fast[2].schema_path == ("patternProperties", pattern)
    # ...so with additionalProperties false, "other" is not called additional: it may match.
    closed = {**schema, "additionalProperties": False}
    found = compile_validator(closed)(instance)
    assert found == compile_validator({**closed, "unevaluatedItems": True})(instance)
    assert found == fast


def test_a_broken_key_is_checked_on_its_own() -> None:
    """Joined with good keys (as jsonschema joins them to find additional names), a key
    that is no regular expression made every unplanned name "additional", and the names
    it might match were never checked. Each key is searched on its own now."""
    schema = {"type": "object", "properties": {"id": {"type": "string"}},
              "patternProperties": {"^x_": {"type": "string"}, "^y_(": {},
                                    "^z_(": {"type": "integer"}},
              "additionalProperties": False}
    for check in (compile_validator(schema),
                  compile_validator({**schema, "unevaluatedItems": True})):
        # A good key still matches and checks its values; the names the broken keys
        # might match are not additional, and are reported as not checked against each
        # broken key that would have decided something.
        found = check({"id": "1", "x_a": 5, "y_(b": 1, "other": True})
        assert [(v.keyword, v.instance_path, v.schema_path[-1], v.detail) for v in found] == [
            ("type", ("x_a",), "type", "string"),
            ("patternProperties", ("y_(b",), "^y_(", "unchecked"),
            ("patternProperties", ("other",), "^y_(", "unchecked"),
            ("patternProperties", ("id",), "^z_(", "unchecked"),
            ("patternProperties", ("x_a",), "^z_(", "unchecked"),
            ("patternProperties", ("y_(b",), "^z_(", "unchecked"),
            ("patternProperties", ("other",), "^z_(", "unchecked")]
    assert compile_validator(schema)({"id": "1", "x_a": "s"}) == compile_validator(
        {**schema, "unevaluatedItems": True})({"id": "1", "x_a": "s"})
    # A broken key whose rules check nothing leaves only the undecided names unchecked.
    trivial = {**schema, "patternProperties": {"^x_": {"type": "string"}, "^y_(": {}}}
    check = compile_validator(trivial)
    assert check({"id": "1", "x_a": "s"}) == []
    [violation] = check({"id": "1", "x_a": "s", "q": 1})
    assert (violation.keyword, violation.instance_path) == ("patternProperties", ("q",))
    assert compile_validator({**trivial, "unevaluatedItems": True})(
        {"id": "1", "x_a": "s", "q": 1}) == [violation]


def test_a_broken_key_that_jsonschema_itself_searches_is_a_finding() -> None:
    # unevaluatedProperties asks which names patternProperties evaluated: jsonschema runs
    # re.search itself there (re.error on this key, minutes on a risky one); the bounded
    # search is asked instead, and the name is reported as not checked, never unevaluated.
    check = compile_validator({"patternProperties": {"(": {"type": "string"}},
                               "unevaluatedProperties": False})
    [violation] = check({"x": 1})
    assert (violation.keyword, violation.instance_path, violation.detail) == (
        "patternProperties", ("x",), "unchecked")
    assert violation.message.startswith("'x' was not checked against '(': the pattern is "
                                        "not a regular expression")
    assert check(1) == []
    assert check({}) == []


@pytest.mark.timeout(120)
def test_a_risky_key_under_unevaluated_properties_is_bounded() -> None:
    """Found in review: jsonschema's own search of the keys for unevaluatedProperties ran
    unbounded; `^(a|aa)+$` against a 44-character name took minutes."""
    check = compile_validator({"patternProperties": {"^(a|aa)+$": {"type": "string"}},
                               "unevaluatedProperties": False})
    started = time.monotonic()
    found = check({"a" * 60 + "!": 1, "aaaa": "s", "b": 1})
    assert time.monotonic() - started < SECONDS
    assert [(v.keyword, v.detail) for v in found] in (
        [("patternProperties", "unchecked"), ("unevaluatedProperties", None)],  # stopped
        [("unevaluatedProperties", None)])  # (regex proved the miss in time)
    assert "'b'" in found[-1].message


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
