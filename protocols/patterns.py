"""JSON Schema `pattern`s: valid regular expressions, and safe ones (lint, validate, generate).

JSON Schema patterns are ECMA-262 regular expressions; we check them with Python's ``re``
(what jsonschema uses to evaluate them), after translating ECMA named groups. A pattern that
compiles can still take exponential time on a short input that almost matches (``^(a+)+$``,
``(a|aa)+``) or polynomial time on a long one (``^a*a*a*a*a*b$``, ``\\S+\\.\\S+``):
:func:`pattern_risk` says which, decided on the automaton of the parse tree ``re`` builds
(see :mod:`protocols.ambiguity`), so the answer matches what engines actually run.

Lint reports every risk (PL105); validate runs risky patterns, and long texts, with a time
limit; generate refuses to put a risky pattern in a client that cannot limit its time.
"""

from __future__ import annotations

import functools
import re
import warnings

import regex

from protocols.ambiguity import Risk, analyse_tree, parse, program_size

__all__ = ["Risk", "backtracking_risk", "compile_error", "for_analysis", "pattern_risk",
           "regex_fits", "regex_refusal", "risk_message", "starts_anchored", "to_python"]

_ECMA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z_$])")
_ECMA_BACKREF = re.compile(r"\\k<([A-Za-z_$][\w$]*)>")
# \p{Letter} and \P{...} (Unicode properties) that re lacks: the regex package runs them.
_PROPERTY = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]")


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
        # (protocols/validate/check/fastschema/patterns.py), so it is valid here too.
        if regex_refusal(pattern) == TOO_LARGE:
            return TOO_LARGE  # (regex would take gigabytes to say)
        try:
            regex.compile(pattern, flags=regex.VERSION0)
        except (regex.error, OverflowError, RecursionError, MemoryError):
            where = f" at position {exc.pos}" if exc.pos is not None else ""
            return f"{exc.msg}{where}"
        return None
    except (OverflowError, RecursionError):
        return "the expression is too large to compile"
    return None


#: The largest program the ``regex`` package may be asked to compile (see :func:`regex_fits`).
MAX_REGEX_PROGRAM = 100_000


def regex_fits(pattern: str) -> bool:
    """Whether the ``regex`` package can compile ``pattern`` in bounded memory (see
    :func:`regex_refusal`)."""
    return regex_refusal(pattern) is None


#: Why :func:`regex_refusal` refuses a pattern re parses.
TOO_LARGE = "the expression is too large to compile"


def regex_refusal(pattern: str) -> str | None:
    """None when the ``regex`` package can compile ``pattern`` in bounded memory, else why
    not. It expands repeats and copies classes, so nested repeats grow as the product of
    their counts: ``(?:(?:a+)+)+`` nested 20 deep or ``((a{100}){100}){100}`` take gigabytes
    to compile (measured: 1.3 GB for the first, 288 MB with counts of 100 nested three
    deep), as does a large class repeated many times. A pattern re cannot parse even for
    analysis is not given to it either (its size cannot be told)."""
    try:
        tree = parse(for_analysis(pattern))
    except (re.error, OverflowError, RecursionError) as error:
        return f"re cannot parse it ({error})"
    if program_size(list(tree), MAX_REGEX_PROGRAM) > MAX_REGEX_PROGRAM:
        return TOO_LARGE
    return None


def for_analysis(pattern: str) -> str:
    """The pattern as the ambiguity analysis reads it, in one pass over its text:

    - ``\\p{...}`` classes (which re lacks) become "any character" (in a class: a range of
      all), which can only make the analysis find more overlap, never less;
    - every alternative of a group that has alternatives gets an empty group ``(?:)`` at its
      end. re would merge single-character alternatives into one class (``(\\w|\\d)`` into
      ``[\\w\\d]``), which is safe in re but not in JavaScript or Java, whose engines try
      each alternative: the analysis must see them apart.
    """
    out: list[str] = []
    # For each open group: the indexes in `out` where its alternatives end.
    groups: list[list[int]] = [[]]
    position, in_class = 0, False
    while position < len(pattern):
        char = pattern[position]
        match = _PROPERTY.match(pattern, position) if char == "\\" else None
        if match is not None:
            out.append("\\x00-\\U0010ffff" if in_class else "[\\x00-\\U0010ffff]")
            position = match.end()
            continue
        if char == "\\":
            out.append(pattern[position:position + 2])
            position += 2
            continue
        if in_class:
            in_class = char != "]"
            out.append(char)
            position += 1
            continue
        if char == "[":
            in_class = True
            end = position + 1
            end += pattern[end:end + 1] == "^"
            end += pattern[end:end + 1] == "]"  # a ] first in a class is a literal
            out.append(pattern[position:end])
            position = end
            continue
        if char == "(" and pattern.startswith("(?#", position):  # a comment
            end = pattern.find(")", position)
            end = len(pattern) if end < 0 else end + 1
            out.append(pattern[position:end])
            position = end
            continue
        if char == "(":
            groups.append([])
        elif char == "|":
            groups[-1].append(len(out))
        elif char == ")" and len(groups) > 1:
            _close(out, groups.pop())
        out.append(char)
        position += 1
    _close(out, groups.pop())
    return "".join(out)


def _close(out: list[str], alternatives: list[int]) -> None:
    """Put ``(?=)`` at the end of each alternative of a group that has several."""
    if not alternatives:
        return
    out.append("(?=)")
    for index in reversed(alternatives):
        out.insert(index, "(?=)")


@functools.lru_cache(maxsize=4096)
def pattern_risk(pattern: str) -> Risk | None:
    """How matching may take more than linear time per start position, or None when it
    cannot. A pattern that does not compile has no risk to report (compile_error has)."""
    try:
        tree = parse(for_analysis(to_python(pattern)))
    except (re.error, OverflowError, RecursionError):
        if compile_error(pattern) is not None:
            return None
        # Valid for the `regex` package only (`(?|...)`, `\X`): no parse tree to analyse.
        return Risk("unbounded", "its syntax (which only the `regex` package reads) cannot "
                                 "be checked for catastrophic backtracking")
    return analyse_tree(tree)


def risk_message(pattern: str, risk: Risk) -> str:
    """The finding for a pattern that can backtrack catastrophically (lint and generate)."""
    what = {"exponential": "can take exponential time on some inputs",
            "polynomial": "can take polynomial time (n² or worse) on long inputs",
            "unbounded": "cannot be shown to run in bounded time"}[risk.kind]
    return f"pattern {pattern!r} {what}: {risk.reason}"


def backtracking_risk(pattern: str) -> str | None:
    """Why matching may take more than linear time, as a sentence; None when it cannot."""
    risk = pattern_risk(pattern)
    return None if risk is None else risk.reason


def starts_anchored(pattern: str) -> bool:
    """Whether every match must start at the start of the text (``^`` or ``\\A`` first, not
    in multiline mode): a search then tries one start position instead of every one."""
    try:
        tree = parse(to_python(pattern))
    except (re.error, OverflowError, RecursionError):
        return False
    flags = int(getattr(getattr(tree, "state", None), "flags", 0))
    return not flags & re.MULTILINE and _anchored(list(tree))


def _anchored(nodes: list[object]) -> bool:
    for node in nodes:
        op, arg = str(node[0]), node[1]  # type: ignore[index]
        if op == "AT":
            return str(arg) in ("AT_BEGINNING", "AT_BEGINNING_STRING")
        if op == "SUBPATTERN":
            return _anchored(list(arg[-1]))
        if op == "BRANCH":
            return all(_anchored(list(branch)) for branch in arg[1])
        return False
    return False
