"""protocols.patterns: which patterns are invalid, and which can backtrack catastrophically."""

from __future__ import annotations

import pytest

from protocols.patterns import (
    backtracking_risk,
    compile_error,
    for_analysis,
    pattern_risk,
    starts_anchored,
    to_python,
)

EXPONENTIAL = [
    r"^(a+)+$", r"(a*)*", r"((a+))+", r"^(\d+)*$", r"(x+x+)+y", r"^(\w+\s?)*$",
    r"^([a-z]+-?)+$", r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(a|a)*", r"^(ab|ab)+$",
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@)",
    # Overlapping alternatives: re merges (\w|\d) into one class, JavaScript does not.
    r"^(a|aa)+$", r"^(\w|\d)+$", r"^(.|\s)*$", r"^(\p{L}|x)+$",
    # A counted repetition of an ambiguous part: 2**30 ways although no loop.
    r"(a|a){1,30}", r"^(?:a{1,100}){1,100}$", r"(a{1,10}){1,10}$",
]
POLYNOMIAL = [  # adjacent repetitions that can match the same text
    r"^a*a*a*a*a*b$", r"^\S+@\S+\.\S+$", r"^\w+_\w+$", r"\d+\.?\d+", r"^.*foo.*$",
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$", r"^\w+\s*\w+$",
]
UNBOUNDED = [r"^(a)\1$", r"(?P<x>a)(?P=x)",  # back-references
             r"^(?|(a)|(b))$", r"^\X+$"]  # syntax only the regex package reads
RISKY = EXPONENTIAL + POLYNOMIAL + UNBOUNDED
SAFE = [
    r"^[a-z0-9_]+$", r"(\d{3})+", r"(ab?)+", r"(a|b)*", r"^[a-z]+(-[a-z]+)*$", r"(a+b)+",
    r"^(\d+\.)*\d+$", r"^[A-Z]{3}-\d+$", r"^(?:[A-Z]{3})$",
    r"^(?<year>\d{4})-(?<month>\d{2})$", r"^(a|b|c)+$", r"^[0-9a-f]{32}[0-9]*$",
    r"^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*$", r"^\p{Lu}\p{Ll}+$",
    r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$",
    r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$", r"^https?://", r"(a?)*", r"^[a-z]{1,255}$",
    r"^(?=.*[A-Z])(?=.*\d).{8,}$", r"^(\+|-)?\d+(\.\d+)?$", r"^(\d{2}){3}$",
    r"^[A-Z]{2,3}-\d{1,6}$",
]


@pytest.mark.parametrize(("patterns", "kind"), [(EXPONENTIAL, "exponential"),
                                                 (POLYNOMIAL, "polynomial"),
                                                 (UNBOUNDED, "unbounded")])
def test_each_risk_is_named_for_what_it_is(patterns: list[str], kind: str) -> None:
    for pattern in patterns:
        risk = pattern_risk(pattern)
        assert risk is not None and risk.kind == kind, (pattern, risk)


def test_alternatives_are_seen_apart_as_javascript_runs_them() -> None:
    assert for_analysis(r"^(\w|\d)+$") == r"^(\w(?=)|\d(?=))+$"
    assert for_analysis(r"[|(]|a") == r"[|(](?=)|a(?=)"  # a class is not a group
    assert for_analysis(r"\p{L}[\p{Lu}_]") == r"[\x00-\U0010ffff][\x00-\U0010ffff_]"


@pytest.mark.parametrize(("pattern", "anchored"), [
    ("^abc", True), ("\\Aabc", True), ("(^a|^b)c", True), ("(?:^a)+", False), ("a^", False),
    ("(?m)^a", False), ("^a|b", False), ("abc$", False),
])
def test_anchored_patterns_are_tried_at_one_position(pattern: str, anchored: bool) -> None:
    assert starts_anchored(pattern) is anchored


@pytest.mark.parametrize("pattern", RISKY)
def test_risky_patterns_are_found(pattern: str) -> None:
    assert compile_error(pattern) is None
    assert backtracking_risk(pattern) is not None


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_pass(pattern: str) -> None:
    assert compile_error(pattern) is None
    assert backtracking_risk(pattern) is None


@pytest.mark.parametrize(("pattern", "message"), [
    ("^[A-Z]{3}-(\\d+", "missing ), unterminated subpattern at position 10"),
    ("[z-a]", "bad character range z-a at position 1"),
    ("*a", "nothing to repeat at position 0"),
    ("a{2,1}", "min repeat greater than max repeat at position 2"),
])
def test_invalid_patterns_say_why_and_where(pattern: str, message: str) -> None:
    assert compile_error(pattern) == message


def test_ecma_named_groups_and_back_references_are_translated() -> None:
    assert to_python(r"(?<y>\d)\k<y>") == r"(?P<y>\d)(?P=y)"
    assert to_python(r"(?<=a)(?<!b)") == r"(?<=a)(?<!b)"  # look-behinds stay as they are


def test_unicode_property_classes_are_valid_as_validate_runs_them() -> None:
    # validate searches \p{...} with the `regex` package; lint must not call it invalid.
    assert compile_error(r"^\p{Lu}\p{Ll}+$") is None
    assert compile_error(r"^\p{NotAProperty}$") is not None
