""".gitignore patterns matched in time linear in the path, whatever the pattern.

A .gitignore arrives in a pull request like any other file, and the usual translation of its
patterns to regular expressions backtracks: each ``*`` becomes ``[^/]*``, so ``**********b``
(or ``*a*a*a*a*a*a*b``) tries every way to split a file name among the stars, and a scan of
a tree with one such line in its .gitignore never ended (ten stars against a 30-character
name took 7 s, each further star about 25 times as long; pathspec does this).

Here each pattern is translated to one regular expression in which no star backtracks more
than once. Within a path segment, every star but the last is an atomic lazy group
``(?>[^/]*?P)``: it takes the leftmost place where the fixed-width piece ``P`` that follows
it matches, and never reconsiders. That loses no match, because what follows ``P`` starts
with another star, and whatever matches after a later start would match after the leftmost
(the star absorbs the difference). ``**`` across segments is treated the same way, with
whole segments for characters. So each star costs at most one pass over its segment (or
path), and a pattern of ``k`` pieces at most ``k`` passes.

The syntax is git's (gitignore(5)): blank lines and ``#`` comments, ``\\`` escapes, trailing
spaces, ``!`` negation, a trailing ``/`` for directories only, a ``/`` at the start or in the
middle anchoring the pattern to its .gitignore's folder, ``*``, ``?``, ``[...]`` (``!`` or
``^`` negates, ranges), and ``**`` as a whole segment (leading, inner, trailing). A path
matches a pattern when the path itself or one of its parent folders does; the last matching
pattern decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

# One item of a pattern: a segment's regular expression, or ``None`` for ``**``.
_Item = str | None
_ANY_SEGMENTS = "(?:[^/]*/)*"
_NEVER = re.compile("(?!)")
_UNCLOSED = "(?!)"  # the regular expression of a segment with an unclosed ``[``


@dataclass(frozen=True)
class IgnorePattern:
    line: int  # 1-based line in its file
    negated: bool
    regex: re.Pattern[str]


@dataclass(frozen=True)
class IgnoreRules:
    """The patterns of one .gitignore (or of ``--exclude`` options), in order."""

    patterns: tuple[IgnorePattern, ...] = ()

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> IgnoreRules:
        patterns: list[IgnorePattern] = []
        for number, line in enumerate(lines, start=1):
            pattern = compile_line(line, number)
            if pattern is not None:
                patterns.append(pattern)
        return cls(tuple(patterns))

    def decide(self, path: str) -> bool | None:
        """Whether ``path`` (relative, ``/``-separated, a trailing ``/`` for a folder) is
        ignored (True), re-included by a negation (False), or matched by no pattern (None)."""
        decision: bool | None = None
        for pattern in self.patterns:
            if pattern.regex.match(path) is not None:
                decision = not pattern.negated
        return decision

    def matches(self, path: str) -> bool:
        return bool(self.decide(path))


def compile_line(line: str, number: int = 1) -> IgnorePattern | None:
    """The pattern of one line, or None for a blank line or a comment."""
    text = line.rstrip("\n\r")
    if not text or text.startswith("#"):
        return None
    text = _strip_trailing_spaces(text)
    negated = text.startswith("!")
    if negated:
        text = text[1:]
    dir_only = text.endswith("/")
    if dir_only:
        text = text[:-1]
    if not text:
        return None
    anchored = "/" in text
    segments = text.removeprefix("/").split("/")
    if "" in segments:  # ``a//b``: no name is empty, so git matches nothing
        return IgnorePattern(number, negated, _NEVER)
    items: list[_Item] = [None if _is_double_star(s) else _segment(s) for s in segments]
    if not anchored and items[0] is not None:
        items.insert(0, None)  # a bare name matches at any depth
    body = _render(items)
    if body is None:
        return IgnorePattern(number, negated, _NEVER)
    suffix = "/.*" if dir_only else "(?:/.*)?"
    return IgnorePattern(number, negated, re.compile(f"{body}{suffix}\\Z", re.DOTALL))


def _strip_trailing_spaces(text: str) -> str:
    end = len(text)
    while end > 0 and text[end - 1] == " ":
        backslashes = len(text[:end - 1]) - len(text[:end - 1].rstrip("\\"))
        if backslashes % 2:  # an escaped space is kept
            break
        end -= 1
    return text[:end]


def _is_double_star(segment: str) -> bool:
    return len(segment) >= 2 and set(segment) == {"*"}


def _render(items: list[_Item]) -> str | None:
    """The regular expression of a pattern's segments (``None``: ``**``), or None when a
    segment has an unclosed ``[``."""
    if any(item == _UNCLOSED for item in items):
        return None
    # Collapse runs of ``**``: ``**/**`` matches what ``**`` matches.
    collapsed: list[_Item] = []
    for item in items:
        if item is None and collapsed and collapsed[-1] is None:
            continue
        collapsed.append(item)
    if collapsed[-1] is None:
        # A trailing ``/**`` matches everything inside (and the folder as ``dir/``).
        if len(collapsed) == 1:
            return ".+"
        return f"{_render(collapsed[:-1])}/.*"
    # The pieces between ``**``s, each after its ``**`` (_starred).
    stars = [index for index, item in enumerate(collapsed) if item is None]
    if not stars:
        return _piece(collapsed, trailing_slash=False)
    bounds = [*stars, len(collapsed)]
    pieces = [_piece(collapsed[star + 1:end], trailing_slash=end < len(collapsed))
              for star, end in pairwise(bounds)]
    return _starred(_piece(collapsed[:stars[0]], trailing_slash=True), pieces, _ANY_SEGMENTS)


def _starred(head: str, pieces: list[str], star: str) -> str:
    """``head``, then each piece after a star (``star``: what one matches). Every star but
    the last takes the leftmost place where its piece matches (an atomic lazy group); the
    last is greedy."""
    out = [head]
    for number, piece in enumerate(pieces):
        out.append(f"(?>{star}?{piece})" if number + 1 < len(pieces) else f"{star}{piece}")
    return "".join(out)


def _piece(items: list[_Item], *, trailing_slash: bool) -> str:
    text = "/".join(item for item in items if item is not None)
    return text + "/" if trailing_slash and text else text


def _segment(glob: str) -> str:
    """The regular expression of one segment's glob (no ``/`` inside)."""
    tokens: list[str | None] = []  # ``None`` is a star
    index = 0
    while index < len(glob):
        char = glob[index]
        if char == "\\" and index + 1 < len(glob):
            tokens.append(re.escape(glob[index + 1]))
            index += 2
        elif char == "*":
            if not tokens or tokens[-1] is not None:  # ``a**b`` is ``a*b``
                tokens.append(None)
            index += 1
        elif char == "?":
            tokens.append("[^/]")
            index += 1
        elif char == "[":
            found = _bracket(glob, index)
            if found is None:
                return _UNCLOSED
            else:
                tokens.append(found[0])
                index = found[1]
        else:
            tokens.append(re.escape(char))
            index += 1
    stars = [i for i, token in enumerate(tokens) if token is None]
    bounds = [*stars, len(tokens)]
    pieces = ["".join(t for t in tokens[star + 1:end] if t is not None)
              for star, end in pairwise(bounds)]
    head = "".join(t for t in tokens[:stars[0] if stars else len(tokens)] if t is not None)
    # A name is never empty: ``src/*`` does not match the folder ``src/`` itself.
    return "(?=[^/])" + _starred(head, pieces, "[^/]*")


def _bracket(glob: str, start: int) -> tuple[str, int] | None:
    """A ``[...]`` class at ``start``: its regular expression and the index after it, or
    None when it is not closed (then ``[`` is an ordinary character, as in git)."""
    index = start + 1
    negated = index < len(glob) and glob[index] in "!^"
    if negated:
        index += 1
    members: list[str] = []
    first = True
    while index < len(glob):
        char = glob[index]
        if char == "]" and not first:
            body = "".join(members)
            if negated:
                return f"[^/{body}]", index + 1
            return f"(?:(?!/)[{body}])", index + 1
        first = False
        if char == "\\" and index + 1 < len(glob):
            char = glob[index + 1]
            index += 1
        if (index + 2 < len(glob) and glob[index + 1] == "-" and glob[index + 2] != "]"):
            high = glob[index + 2]
            if high == "\\" and index + 3 < len(glob):
                high = glob[index + 3]
                index += 1
            if ord(high) >= ord(char):
                members.append(f"{_class_char(char)}-{_class_char(high)}")
            else:  # git compares the first end as a character before the range
                members.append(_class_char(char))
            index += 3
            continue
        members.append(_class_char(char))
        index += 1
    return None


def _class_char(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char
