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
``^`` negates, ranges, ``[:alpha:]`` and git's other classes), and ``**`` as a whole
segment (leading, inner, trailing). As in git, patterns match bytes: a path and a pattern are
matched as their UTF-8 bytes, so ``?`` is one byte of ``é``, not the letter. The last pattern
that matches a path itself decides it; a path inside an ignored folder is ignored whatever
the patterns say of the path (git cannot re-include it), but a negation that matches a
folder says nothing of the files inside it (``*`` then ``!*/`` still ignores every file).
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


#: Patterns applied from one .gitignore (or the ``--exclude`` options): every path of the
#: tree below it is held to each of them, so 116,000 patterns (a 1 MiB file) cost 13 s to
#: compile and 35 ms for every path. The largest .gitignore files of real projects hold a
#: few thousand.
MAX_PATTERNS = 10_000


@dataclass(frozen=True)
class IgnoreRules:
    """The patterns of one .gitignore (or of ``--exclude`` options), in order.
    ``unused_from``: the line of the first pattern past :data:`MAX_PATTERNS`, not applied."""

    patterns: tuple[IgnorePattern, ...] = ()
    unused_from: int | None = None

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> IgnoreRules:
        patterns: list[IgnorePattern] = []
        for number, line in enumerate(lines, start=1):
            pattern = compile_line(line, number)
            if pattern is not None:
                if len(patterns) == MAX_PATTERNS:
                    return cls(tuple(patterns), number)
                patterns.append(pattern)
        return cls(tuple(patterns))

    def decide(self, path: str) -> bool | None:
        """Whether ``path`` (relative, ``/``-separated, a trailing ``/`` for a folder) is
        ignored (True), re-included by a negation (False), or matched by no pattern (None),
        as ``git check-ignore`` says: ignored when one of its folders is."""
        parts = path.rstrip("/").split("/")
        for depth in range(1, len(parts)):
            if self.decide_itself("/".join(parts[:depth]) + "/"):
                return True
        return self.decide_itself(path)

    def decide_itself(self, path: str) -> bool | None:
        """The last pattern that matches ``path`` itself, whatever its folders: what a walk
        asks of an entry once it has walked into the entry's folder."""
        decision: bool | None = None
        raw = _raw(path)
        for pattern in self.patterns:
            if pattern.regex.match(raw) is not None:
                decision = not pattern.negated
        return decision

    def matches(self, path: str) -> bool:
        return bool(self.decide(path))


def _raw(text: str) -> str:
    """``text`` as its UTF-8 bytes, one character each (git matches bytes, not letters);
    a name that is not UTF-8 reaches here with its bytes as surrogates and gets them back."""
    return text.encode("utf-8", "surrogateescape").decode("latin-1")


def split_lines(data: bytes) -> list[str]:
    """A .gitignore's lines as git reads them: a UTF-8 byte order mark skipped, split at
    ``\\n`` only (not at the other line breaks Python knows), one ``\\r`` before it dropped."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    return [line.removesuffix("\r")
            for line in data.decode("utf-8", "surrogateescape").split("\n")]


def compile_line(line: str, number: int = 1) -> IgnorePattern | None:
    """The pattern of one line, or None for a blank line or a comment."""
    text = _raw(line.removesuffix("\n"))
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
    # The path itself: a folder's path ends in ``/``, which a pattern for folders requires.
    suffix = "/" if dir_only else "/?"
    return IgnorePattern(number, negated, re.compile(f"{body}{suffix}\\Z", re.DOTALL))


def _strip_trailing_spaces(text: str) -> str:
    """``text`` without its trailing spaces, but for one a backslash escapes: git's one pass
    from the left (a pass from the right that counts backslashes at each space is quadratic
    in a line of a million spaces)."""
    last_space: int | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if char == " ":
            if last_space is None:
                last_space = index
        elif char == "\\" and index + 1 == len(text):
            return text  # a trailing backslash: the pattern never matches (_segment)
        else:
            if char == "\\":
                index += 1  # the escaped character, a space included
            last_space = None
        index += 1
    return text if last_space is None else text[:last_space]


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
        # A trailing ``/**`` matches everything inside, not the folder itself (so
        # ``dir/**`` then ``!dir/keep.py`` keeps dir/keep.py, as in git).
        if len(collapsed) == 1:
            return ".+"
        return f"{_render(collapsed[:-1])}/.+"
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
        if char == "\\":
            if index + 1 == len(glob):
                return _UNCLOSED  # a trailing backslash escapes nothing: git matches nothing
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
    None when it is not closed or names an unknown ``[:class:]`` (then, as in git, the
    pattern matches nothing)."""
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
        if char == "[" and glob.startswith(":", index + 1):
            close = glob.find("]", index + 2)
            if close < 0:
                return None
            if close < index + 4 or glob[close - 1] != ":":  # no ``:]``: ``[`` is a member
                members.append(_class_char(char))
                index += 1
                continue
            named = _POSIX_CLASSES.get(glob[index + 2:close - 1])
            if named is None:
                return None
            members.append(named)
            index = close + 1
            continue
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


# git's character classes, in ASCII (git's own ctype is ASCII; a byte over 127 is none).
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z", "alpha": "A-Za-z", "blank": " \\t", "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9", "graph": "!-~", "lower": "a-z", "print": " -~",
    "punct": "!-/:-@\\[-`{-~", "space": "\\t\\n\\v\\f\\r ", "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
}


def _class_char(char: str) -> str:
    return "\\" + char if char in "\\]^-[" else char
