"""Regular expressions for ``pattern`` and ``patternProperties``, bounded in time.

jsonschema runs ``re.search``, which cannot be interrupted: a plan with a pattern such as
``^(a+)+$`` (exponential) or ``^a*a*a*a*a*b$`` (polynomial) can backtrack for hours on one
value. Every search here has a bounded cost:

- a pattern :func:`protocols.patterns.pattern_risk` finds safe runs on ``re`` (the reference
  semantics) when it is anchored at the start (linear time) or the text is at most
  :data:`SHORT_TEXT` characters (one linear attempt per start position);
- anything else (a risky pattern, or a long text searched from every position) runs on the
  ``regex`` package with a timeout of :data:`PATTERN_TIMEOUT_SECONDS`.

A search that times out is reported as a violation that says so, never as a hang and never as
a silent pass; so is every search of a pattern no engine compiles (:func:`search_or_unchecked`).
validate, infer and serve all search through :func:`compile_pattern`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from protocols.patterns import TOO_LARGE, pattern_risk, regex_refusal, starts_anchored

#: Seconds one bounded search may take before the value is reported as unchecked.
PATTERN_TIMEOUT_SECONDS = 0.25
#: Texts up to this long are searched by ``re`` from every start position when the pattern is
#: safe but not anchored: at most this many linear attempts.
SHORT_TEXT = 1024


class PatternError(ValueError):
    """The pattern is a regular expression for neither ``re`` nor ``regex``."""

    def __init__(self, pattern: str, reason: str) -> None:
        super().__init__(f"invalid pattern {pattern!r}: {reason}")
        self.reason = reason


@dataclass(frozen=True)
class BoundedPattern:
    """``search(text)`` is True or False, or None when the value could not be checked.

    ``unchecked`` says why a None happens: the search hit the timeout, or the pattern is
    risky and ``regex`` cannot compile it (so it is never run unbounded). It is empty when
    no search can come back unchecked.
    """

    search: Callable[[str], bool | None]
    unchecked: str


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> BoundedPattern:
    """The pattern as a bounded search; raises :class:`PatternError` if it is not a regex."""
    try:
        compiled = re.compile(pattern)
    except (re.error, OverflowError, RecursionError) as error:
        # ECMA-262 syntax that re lacks, such as \p{Letter}: regex has it (always searched
        # bounded: re cannot run it). (A count too large, or groups nested too deep, for
        # either engine: OverflowError, RecursionError.)
        refusal = regex_refusal(pattern)
        bounded = _on_regex(pattern) if refusal is None else None
        if bounded is None:
            reason = str(error) if isinstance(error, re.error) and refusal != TOO_LARGE \
                else TOO_LARGE  # (as lint says: PL105)
            raise PatternError(pattern, reason) from error
        return _bounded(bounded, _timed_out(pattern_risk(pattern) is not None))
    risky = pattern_risk(pattern) is not None
    if not risky and starts_anchored(pattern):
        plain = compiled.search  # linear: one attempt, no catastrophic backtracking
        return BoundedPattern(lambda text: plain(text) is not None, "")
    bounded = _on_regex(pattern) if regex_refusal(pattern) is None else None
    if bounded is None:
        if not risky:  # long texts cannot be bounded either: they are left unchecked
            plain = compiled.search
            return BoundedPattern(
                lambda text: plain(text) is not None if len(text) <= SHORT_TEXT else None,
                f"the text is longer than {SHORT_TEXT} characters and the pattern cannot "
                "be searched with a time limit")
        # re accepts it but regex does not, so it cannot run bounded: refuse to run it at all
        # (every value is reported as unchecked) rather than risk hanging the run.
        return BoundedPattern(lambda text: None,
                              "the pattern can backtrack catastrophically and cannot be bounded")
    timed = _bounded(bounded, _timed_out(risky))
    if risky:
        return timed
    plain = compiled.search
    slow = timed.search

    def search(text: str) -> bool | None:
        # Short texts: every start position is one linear attempt on re.
        return plain(text) is not None if len(text) <= SHORT_TEXT else slow(text)

    return BoundedPattern(search, timed.unchecked)


def _on_regex(pattern: str) -> Any | None:
    """The pattern compiled by ``regex``, or None when it does not compile. Callers ask
    regex_refusal first: a pattern regex would expand into gigabytes is never given to it
    (MemoryError is caught as well, as a last resort)."""
    try:
        return regex.compile(pattern, flags=regex.VERSION0)
    except (regex.error, OverflowError, RecursionError, MemoryError):
        return None


@lru_cache(maxsize=1024)
def search_or_unchecked(pattern: str) -> BoundedPattern:
    """:func:`compile_pattern`, or for a pattern no engine compiles a search that checks
    nothing: every value is reported as not checked against it, as after a timeout (lint
    reports the pattern: PL105). validate never raises on a plan's pattern."""
    try:
        return compile_pattern(pattern)
    except PatternError as error:
        return BoundedPattern(lambda text: None, "the pattern is not a regular expression "
                                                 f"({error.reason})")


@dataclass(frozen=True)
class PatternKeys:
    """The keys of a ``patternProperties``, each searched on its own and bounded.

    jsonschema joins them into one pattern (``a|b``) to find the names
    ``additionalProperties`` applies to; one key that no engine compiles then made every
    name "additional", and a key searched past its time limit was taken as no match. Here a
    name is matched (True), not matched by any key (False), or undecided (None): no key
    matched it and at least one could not be searched (not a regular expression, or stopped
    by the time limit). An undecided name is neither additional nor unevaluated: the
    ``patternProperties`` keyword reports it as not checked (PV204), with the reason."""

    keys: tuple[tuple[str, BoundedPattern], ...]

    def verdict(self, name: str) -> bool | None:
        undecided = False
        for _, bounded in self.keys:
            found = bounded.search(name)
            if found:
                return True
            if found is None:
                undecided = True
        return None if undecided else False

    def decides(self, name: str, known: Collection[Any]) -> bool:
        """Whether ``name`` is planned whatever a key that could not be searched says: it is
        in ``properties`` (``known``), or a key matches it."""
        return name in known or self.verdict(name) is True


def pattern_keys(patterns: Any) -> PatternKeys:
    """:class:`PatternKeys` of a ``patternProperties`` value (no keys for anything that is
    not a mapping; a key that is not a string is left to the caller's schema check)."""
    if not isinstance(patterns, Mapping):
        return PatternKeys(())
    return PatternKeys(tuple((key, search_or_unchecked(key)) for key in patterns
                             if isinstance(key, str)))


#: Keywords that never make a value invalid on their own.
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default",
                          "deprecated", "readOnly", "writeOnly"})


def checks_nothing(schema: Any) -> bool:
    """Whether a sub-schema accepts every value (``true``, ``{}``, annotations only): a
    value left unchecked against it misses nothing."""
    if schema is True:
        return True
    return isinstance(schema, Mapping) and all(
        key in _ANNOTATIONS or (isinstance(key, str) and key.startswith("x-"))
        for key in schema)


def _timed_out(risky: bool) -> str:
    if risky:
        return (f"the pattern can backtrack catastrophically and its search was stopped after "
                f"{PATTERN_TIMEOUT_SECONDS} s")
    return (f"the text is long (over {SHORT_TEXT} characters) and searching it from every "
            f"position was stopped after {PATTERN_TIMEOUT_SECONDS} s")


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
