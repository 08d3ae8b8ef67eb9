"""JSON Schema `pattern`s: valid regular expressions, and safe ones (shared by lint and validate).

JSON Schema patterns are ECMA-262 regular expressions; we check them with Python's ``re``
(what jsonschema uses to evaluate them), after translating ECMA named groups. A pattern that
compiles can still take exponential time on a short non-matching input when one repetition
sits inside another (``^(a+)+$``) or when a repeated alternation has two branches that can
match the same text (``(a|a)*``). Those are found on the parse tree ``re`` builds, so the
answer matches what the engine will actually run (it merges ``(a|b)`` into a character class,
which is safe, for instance).
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import regex

# re's own parser is private but has been stable since Python 3.0 (as sre_parse until 3.11);
# if a future Python moves it, the backtracking check is skipped rather than crashing.
try:
    _PARSER: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _PARSER = None

_ECMA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_$])")
_ECMA_BACKREF = re.compile(r"\\k<([A-Za-z_$][\w$]*)>")

# First characters are compared on a sample alphabet: Latin-1 covers every class shorthand.
_ALPHABET = frozenset(range(256))
_CATEGORIES: dict[str, Callable[[str], bool]] = {
    "CATEGORY_DIGIT": str.isdigit,
    "CATEGORY_NOT_DIGIT": lambda c: not c.isdigit(),
    "CATEGORY_SPACE": str.isspace,
    "CATEGORY_NOT_SPACE": lambda c: not c.isspace(),
    "CATEGORY_WORD": lambda c: c.isalnum() or c == "_",
    "CATEGORY_NOT_WORD": lambda c: not (c.isalnum() or c == "_"),
}


def to_python(pattern: str) -> str:
    """ECMA-262 syntax that Python spells differently: ``(?<name>...)`` and ``\\k<name>``."""
    return _ECMA_BACKREF.sub(r"(?P=\1)", _ECMA_NAMED_GROUP.sub("(?P<", pattern))


def compile_error(pattern: str) -> str | None:
    """Why the pattern is not a valid regular expression, or None when it is."""
    try:
        with warnings.catch_warnings():
            # re warns about constructs whose meaning may change ("[[" as a set union);
            # the pattern is still compiled as today, which is what matters here.
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(to_python(pattern))
    except re.error as exc:
        # ECMA-262 syntax that re lacks (\p{Letter}) runs on the `regex` package in validate
        # (protocols/validate/fastschema/patterns.py), so it is valid here too.
        try:
            regex.compile(pattern, flags=regex.VERSION0)
        except (regex.error, OverflowError, RecursionError):
            where = f" at position {exc.pos}" if exc.pos is not None else ""
            return f"{exc.msg}{where}"
        return None
    except (OverflowError, RecursionError):
        return "the expression is too large to compile"
    return None


def backtracking_risk(pattern: str) -> str | None:
    """Why matching may take exponential time, or None. Assumes the pattern compiles."""
    if _PARSER is None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            tree = _PARSER.parse(to_python(pattern))
    except (re.error, OverflowError, RecursionError):
        return None
    return _scan(list(tree), inside_repeat=False)


def _op(node: tuple[Any, Any]) -> str:
    return str(node[0])


def _scan(nodes: Sequence[tuple[Any, Any]], *, inside_repeat: bool) -> str | None:
    for node in nodes:
        op, arg = _op(node), node[1]
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            _low, high, body = arg
            repeats = high > 1 and op != "POSSESSIVE_REPEAT"
            if repeats and _nested_risk(list(body)):
                return "a repetition inside another repetition (like `(a+)+`)"
            found = _scan(list(body), inside_repeat=inside_repeat or repeats)
            if found:
                return found
        elif op == "SUBPATTERN":
            found = _scan(list(arg[-1]), inside_repeat=inside_repeat)
            if found:
                return found
        elif op == "BRANCH":
            branches = [list(b) for b in arg[1]]
            if inside_repeat and _ambiguous(branches):
                return ("a repeated alternation whose branches can match the same text "
                        "(like `(a|a)*`)")
            for branch in branches:
                found = _scan(branch, inside_repeat=inside_repeat)
                if found:
                    return found
        elif op in ("ASSERT", "ASSERT_NOT"):
            found = _scan(list(arg[1]), inside_repeat=inside_repeat)
            if found:
                return found
    return None


def _nested_risk(body: list[tuple[Any, Any]]) -> bool:
    """Whether one iteration of a repeated ``body`` can end where the next could begin, so
    the engine may split a run of text between iterations in exponentially many ways.

    That needs a variable repetition inside the body that can consume a character the body
    can start with, and every other part that must match able to match what the repetition
    consumes (``(a+b)+`` is safe: each iteration ends at a ``b``; ``(-[a-z]+)*`` is safe:
    each starts with ``-``; ``([a-z]+.)+`` is not: ``.`` also matches letters).
    """
    body = _flatten(body)
    inner = [node for node in body if _variable_repeats(node)]
    if not inner:
        return False
    first, _ = _first(body)
    others = [node for node in body if node not in inner and not _first([node])[1]]
    for node in inner:
        for repeat in _variable_repeats(node):
            consumed = _chars(list(repeat[1][2]))
            if consumed & first and all(_chars([o]) & consumed for o in others):
                return True
    return False


def _flatten(nodes: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A sequence with its groups opened: ``(a+b)`` matches like ``a+b``."""
    flat: list[tuple[Any, Any]] = []
    for node in nodes:
        if _op(node) == "SUBPATTERN":
            flat.extend(_flatten(list(node[1][-1])))
        else:
            flat.append(node)
    return flat


def _variable_repeats(node: tuple[Any, Any]) -> list[tuple[Any, Any]]:
    """Repetitions of varying count (``+``, ``*``, ``{1,3}``) in ``node``, at any depth."""
    op, arg = _op(node), node[1]
    if op in ("MAX_REPEAT", "MIN_REPEAT"):
        own = [node] if arg[1] > 1 and arg[1] != arg[0] else []
        return own + [r for child in arg[2] for r in _variable_repeats(child)]
    if op == "SUBPATTERN":
        return [r for child in arg[-1] for r in _variable_repeats(child)]
    if op == "BRANCH":
        return [r for branch in arg[1] for child in branch for r in _variable_repeats(child)]
    return []


def _chars(nodes: Sequence[tuple[Any, Any]]) -> frozenset[int]:
    """Every character (on the sample alphabet) that a sequence can consume."""
    found: set[int] = set()
    for node in nodes:
        op, arg = _op(node), node[1]
        if op == "LITERAL":
            found.add(arg)
        elif op == "NOT_LITERAL":
            found |= _ALPHABET - {arg}
        elif op == "IN":
            found |= _class(arg)
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            found |= _chars(list(arg[2]))
        elif op == "SUBPATTERN":
            found |= _chars(list(arg[-1]))
        elif op == "BRANCH":
            for branch in arg[1]:
                found |= _chars(list(branch))
        elif op != "AT":
            found |= _ALPHABET
    return frozenset(found)


def _ambiguous(branches: list[list[tuple[Any, Any]]]) -> bool:
    seen: list[tuple[frozenset[int], bool]] = []
    for branch in branches:
        first, nullable = _first(branch)
        for other_first, other_nullable in seen:
            if first & other_first or (nullable and other_nullable):
                return True
        seen.append((first, nullable))
    return False


def _first(nodes: Sequence[tuple[Any, Any]]) -> tuple[frozenset[int], bool]:
    """Characters a sequence can start with (on the sample alphabet), and if it can be empty."""
    chars: set[int] = set()
    for node in nodes:
        op, arg = _op(node), node[1]
        if op == "AT":
            continue
        if op == "LITERAL":
            return frozenset(chars | {arg}), False
        if op == "NOT_LITERAL":
            return frozenset(chars | (_ALPHABET - {arg})), False
        if op == "IN":
            return frozenset(chars | _class(arg)), False
        if op == "SUBPATTERN":
            inner, nullable = _first(list(arg[-1]))
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            inner, nullable = _first(list(arg[2]))
            nullable = nullable or arg[0] == 0
        elif op == "BRANCH":
            parts = [_first(list(b)) for b in arg[1]]
            inner = frozenset().union(*(p[0] for p in parts))
            nullable = any(p[1] for p in parts)
        else:  # ANY, back references, look-arounds...: assume anything may follow
            return _ALPHABET, False
        chars |= inner
        if not nullable:
            return frozenset(chars), False
    return frozenset(chars), True


def _class(items: Sequence[tuple[Any, Any]]) -> frozenset[int]:
    members: set[int] = set()
    negate = False
    for item in items:
        op, arg = _op(item), item[1]
        if op == "NEGATE":
            negate = True
        elif op == "LITERAL":
            members.add(arg)
        elif op == "RANGE":
            members.update(c for c in range(arg[0], arg[1] + 1) if c in _ALPHABET)
        elif op == "CATEGORY":
            test = _CATEGORIES.get(str(arg))
            members.update(_ALPHABET if test is None else
                           {c for c in _ALPHABET if test(chr(c))})
        else:
            members.update(_ALPHABET)
    return _ALPHABET - members if negate else frozenset(members)
