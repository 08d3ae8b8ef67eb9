"""protocols.patterns: which patterns are invalid, and which can backtrack catastrophically."""

from __future__ import annotations

import pytest

from protocols.patterns import backtracking_risk, compile_error, to_python

RISKY = [
    r"^(a+)+$", r"(a*)*", r"((a+))+", r"^(\d+)*$", r"(x+x+)+y", r"^(\w+\s?)*$",
    r"^([a-z]+-?)+$", r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(a|a)*", r"^(ab|ab)+$",
    r"^([a-zA-Z0-9])(([\-.]|[_]+)?([a-zA-Z0-9]+))*(@)",
]
SAFE = [
    r"^[a-z0-9_]+$", r"(\d{3})+", r"(ab?)+", r"(a|b)*", r"^[a-z]+(-[a-z]+)*$", r"(a+b)+",
    r"^(\d+\.)*\d+$", r"^[A-Z]{3}-\d+$", r"^(?:[A-Z]{3})$", r"^\S+@\S+\.\S+$",
    r"^(?<year>\d{4})-(?<month>\d{2})$", r"^(a|b|c)+$",
]


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
