"""Regular expressions for ``pattern`` and ``patternProperties``, bounded in time.

jsonschema runs ``re.search``, which cannot be interrupted: a plan with a pattern such as
``^(a+)+$`` (a repeat inside a repeat) can backtrack for hours on a long value. We keep
``re`` (the reference semantics) for patterns whose shape cannot backtrack catastrophically,
and run the risky shapes (a repeat over a group that itself repeats or alternates) through the
``regex`` package with a timeout. A search that times out is reported as a violation that says
so, never as a hang and never as a silent pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

#: Seconds one search of a risky pattern may take before the value is reported as unchecked.
PATTERN_TIMEOUT_SECONDS = 0.25


class PatternError(ValueError):
    """The pattern is a regular expression for neither ``re`` nor ``regex``."""


@dataclass(frozen=True)
class BoundedPattern:
    """``search(text)`` is True or False, or None when the value could not be checked.

    ``unchecked`` says why a None happens: the search hit the timeout, or the pattern is
    risky and ``regex`` cannot compile it (so it is never run unbounded).
    """

    search: Callable[[str], bool | None]
    unchecked: str


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> BoundedPattern:
    """The pattern as a bounded search; raises :class:`PatternError` if it is not a regex."""
    timed_out = (f"the pattern can backtrack catastrophically and its search was stopped "
                 f"after {PATTERN_TIMEOUT_SECONDS} s of CPU time")
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        # ECMA-262 syntax that re lacks, such as \p{Letter}: regex has it (searched bounded,
        # since we cannot inspect its shape with re's parser).
        try:
            return _bounded(regex.compile(pattern, flags=regex.VERSION0), timed_out)
        except regex.error:
            raise PatternError(f"invalid pattern {pattern!r}: {error}") from error
    if not _is_risky(pattern):
        plain = compiled.search
        return BoundedPattern(lambda text: plain(text) is not None, "")
    try:
        return _bounded(regex.compile(pattern, flags=regex.VERSION0), timed_out)
    except regex.error:
        # re accepts it but regex does not, so it cannot run bounded: refuse to run it at all
        # (every value is reported as unchecked) rather than risk hanging the run.
        return BoundedPattern(lambda text: None,
                              "the pattern can backtrack catastrophically and cannot be bounded")


def _bounded(bounded: Any, unchecked: str) -> BoundedPattern:
    # The verdict on the last text is kept: a failed check is explained right after by a
    # second search of the same value, which must not wait for the timeout twice.
    # One tuple swapped whole, so threads sharing the pattern never see a torn pair.
    last: list[tuple[Any, bool | None]] = [(None, None)]

    def search(text: str) -> bool | None:
        seen, verdict = last[0]
        if seen is text:
            return verdict
        try:
            found = bounded.search(text, timeout=PATTERN_TIMEOUT_SECONDS) is not None
        except TimeoutError:
            found = None
        last[0] = (text, found)
        return found

    return BoundedPattern(search, unchecked)


def _is_risky(pattern: str) -> bool:
    """Whether the pattern repeats a group that itself repeats or alternates."""
    from re import _parser  # type: ignore[attr-defined]  # the stdlib parser behind re.compile

    return _has_nested_repeat(_parser.parse(pattern), inside_repeat=False)


_REPEATS = frozenset({"MAX_REPEAT", "MIN_REPEAT"})


def _has_nested_repeat(items: Any, *, inside_repeat: bool) -> bool:
    for op, arg in items:
        name = str(op)
        if name in _REPEATS:
            _low, high, body = arg
            repeats = high is None or high > 1 or str(high) == "MAXREPEAT"
            if repeats and inside_repeat:
                return True
            if _has_nested_repeat(body, inside_repeat=inside_repeat or repeats):
                return True
        elif name == "BRANCH":
            if inside_repeat:
                return True
            if any(_has_nested_repeat(alt, inside_repeat=False) for alt in arg[1]):
                return True
        elif name == "SUBPATTERN":
            if _has_nested_repeat(arg[-1], inside_repeat=inside_repeat):
                return True
        elif name in ("ASSERT", "ASSERT_NOT") and _has_nested_repeat(arg[1], inside_repeat=inside_repeat):
            return True
    return False
