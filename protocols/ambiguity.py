"""Can a backtracking regex engine take super-linear time on a pattern? Decided on its NFA.

A backtracking matcher (Python's ``re``, JavaScript's ``RegExp``, Java's, Go's ``regexp2``...)
explores every way the pattern can match a prefix of the text before it gives up on a start
position. That is fast when there are few such ways for every text, and slow when their
number grows with the text: exponentially when a repeated part can match one piece of text
in two ways (``(a|a)*``, ``(a+)+``, ``(a|aa)+``), polynomially when repeated parts can take
turns on the same text (``a*a*``, ``\\w+_\\w+``, ``\\S+\\.\\S+``). Both are properties of the
pattern's position automaton (Weideman, van der Merwe, Berglund and Watson, "Analyzing
matching time behavior of backtracking regular expression matchers by using ambiguity of
NFA", 2016):

- exponential (EDA): some state has two different paths back to itself on the same text;
- polynomial (IDA): states p != q, each with a loop, and a path from p to q, all three
  reading the same text.

The automaton is built from the parse tree ``re`` itself builds (so ``(a|b)`` merged into a
character class is seen as the engine runs it), counting how many ways each transition can be
taken: ``re`` turns ``(a|a)`` into ``a(?:|)``, whose two empty branches are two ways, and a
repeat inside a repeat gives two ways from one position to the next. Characters are compared
on a finite sample alphabet (Latin-1, the pattern's own characters and range ends, and
samples of each class shorthand), which keeps every intersection that matters non-empty.
Counted repeats are expanded when small and treated as unbounded when large, which can only
add findings. Back-references, and patterns too large to analyse, are reported as such: their
cost cannot be shown to be bounded.
"""

from __future__ import annotations

import bisect
import functools
import importlib
import re
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

try:  # re's parser is private but stable since Python 3.0 (sre_parse until 3.11)
    _PARSER: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover
    _PARSER = None

RiskKind = Literal["exponential", "polynomial", "unbounded"]
_MAX_REPEAT = _PARSER.MAX_REPEAT if _PARSER is not None else None

#: Character positions an analysed pattern may have once counted repeats are expanded.
MAX_POSITIONS = 400
#: A counted repeat (``\d{4}``, ``[a-z]{1,64}``) is expanded up to this many positions.
EXPAND_LIMIT = 64
#: Steps the automaton searches may take before the pattern counts as too complex.
MAX_STEPS = 3_000_000


@dataclass(frozen=True)
class Risk:
    """Why matching may take more than linear time (per start position)."""

    kind: RiskKind
    reason: str


class _Unbounded(Exception):
    """The pattern holds something whose cost cannot be bounded, or is too large."""


# -- the sample alphabet ---------------------------------------------------------------------

# Beyond Latin-1: a letter, an Arabic-Indic digit, an em space, a CJK ideograph, an emoji.
_SAMPLES = (0x100, 0x660, 0x2003, 0x4E00, 0x1F600)
_CATEGORY_TESTS = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D",
                   "CATEGORY_SPACE": r"\s", "CATEGORY_NOT_SPACE": r"\S",
                   "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
                   "CATEGORY_LINEBREAK": r"\n", "CATEGORY_NOT_LINEBREAK": r"[^\n]"}
_RANGE_SCAN = 4096  # code points looked at for a class sample inside a wide range


class _Alphabet:
    """Sample characters and the bit masks of character sets over them."""

    def __init__(self, points: set[int], *, ascii_only: bool) -> None:
        self.chars = sorted(points)
        self.index = {c: i for i, c in enumerate(self.chars)}
        self.full = (1 << len(self.chars)) - 1
        self.categories = {name: self.of(_category(name, ascii_only))
                           for name in _CATEGORY_TESTS}

    def of(self, members: Callable[[int], bool]) -> int:
        return sum(1 << i for i, c in enumerate(self.chars) if members(c))

    def span(self, low: int, high: int) -> int:
        """The sample characters from ``low`` to ``high``: consecutive bits."""
        first = bisect.bisect_left(self.chars, low)
        last = bisect.bisect_right(self.chars, high)
        return ((1 << (last - first)) - 1) << first if last > first else 0

    def literal(self, code: int, ignorecase: bool) -> int:
        return sum(1 << self.index[v] for v in _variants(code, ignorecase) if v in self.index)

    def example(self, mask: int) -> str:
        for i, c in enumerate(self.chars):
            if mask >> i & 1 and 0x20 < c < 0x7F:
                return chr(c)
        low = (mask & -mask).bit_length() - 1
        return chr(self.chars[low]) if low >= 0 else ""


def _category(name: str, ascii_only: bool) -> Callable[[int], bool]:
    def member(code: int) -> bool:
        return _member(code, name, ascii_only)

    return member


@functools.lru_cache(maxsize=65536)
def _member(code: int, category: str, ascii_only: bool) -> bool:
    flags = re.ASCII if ascii_only else 0
    return re.fullmatch(_CATEGORY_TESTS[category], chr(code), flags) is not None


def _variants(code: int, ignorecase: bool) -> set[int]:
    found = {code}
    if ignorecase:
        for other in (chr(code).lower(), chr(code).upper(), chr(code).casefold()):
            if len(other) == 1:
                found.add(ord(other))
    return found


def _sample_points(tree: Sequence[Any], ignorecase: bool) -> set[int]:
    points = set(range(256)) | set(_SAMPLES)
    for op, arg in _walk(tree):
        if op in ("LITERAL", "NOT_LITERAL"):
            points |= _variants(arg, ignorecase)
        elif op == "RANGE":
            low, high = arg
            points |= _variants(low, ignorecase) | _variants(high, ignorecase)
            if high > 0xFF:  # samples of each class inside the range, where there are any
                points |= _range_samples(max(low, 0x100), high)
    return points


@functools.lru_cache(maxsize=1024)
def _range_samples(low: int, high: int) -> frozenset[int]:
    """The first code point of each class shorthand in the range (looking at most
    _RANGE_SCAN code points in), and the fixed samples that fall inside it."""
    found = {code for code in _SAMPLES if low <= code <= high}
    for category in _CATEGORY_TESTS:
        for code in range(low, min(high, low + _RANGE_SCAN) + 1):
            if _member(code, category, False):
                found.add(code)
                break
    return frozenset(found)


def _walk(nodes: Sequence[Any]) -> Iterator[tuple[str, Any]]:
    """Every (op, arg) of a parse tree, class items included."""
    for node in nodes:
        op, arg = str(node[0]), node[1]
        yield op, arg
        if op == "IN":
            yield from ((str(o), a) for o, a in arg)
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            yield from _walk(arg[2])
        elif op == "SUBPATTERN":
            yield from _walk(arg[-1])
        elif op == "ATOMIC_GROUP":
            yield from _walk(arg)
        elif op == "BRANCH":
            for branch in arg[1]:
                yield from _walk(branch)
        elif op in ("ASSERT", "ASSERT_NOT"):
            yield from _walk(arg[1])
        elif op == "GROUPREF_EXISTS":
            yield from _walk(arg[1])
            if arg[2] is not None:
                yield from _walk(arg[2])


# -- the automaton ----------------------------------------------------------------------------

def _cap(count: int) -> int:
    return min(count, 2)  # two ways is all the analysis needs to know


def _add(into: dict[int, int], other: dict[int, int], times: int = 1) -> dict[int, int]:
    if times:
        for key, count in other.items():
            into[key] = _cap(into.get(key, 0) + count * times)
    return into


@dataclass
class _Piece:
    """One sub-expression: the ways it matches the empty string, and the positions it can
    start and end with (each with the number of ways to get there without reading)."""

    empty: int
    first: dict[int, int] = field(default_factory=dict)
    last: dict[int, int] = field(default_factory=dict)


@dataclass
class _Automaton:
    labels: list[int] = field(default_factory=list)
    follow: list[dict[int, int]] = field(default_factory=list)
    # Look-around bodies, and whether each sits inside a repetition.
    lookarounds: list[tuple[Sequence[Any], bool]] = field(default_factory=list)
    # Bodies of counted repetitions that were expanded (``(a|a){1,30}``): acyclic once
    # expanded, yet 2**30 ways when the body is ambiguous, so each is checked as a loop.
    counted: list[tuple[Sequence[Any], int]] = field(default_factory=list)


class _Builder:
    def __init__(self, alphabet: _Alphabet) -> None:
        self.alphabet = alphabet
        self.automaton = _Automaton()

    # pieces

    def _position(self, label: int) -> _Piece:
        index = len(self.automaton.labels)
        if index >= MAX_POSITIONS:
            raise _Unbounded(f"it is too large to check (over {MAX_POSITIONS} character "
                             "positions once its counted repetitions are expanded)")
        self.automaton.labels.append(label)
        self.automaton.follow.append({})
        return _Piece(0, {index: 1}, {index: 1})

    def _link(self, last: dict[int, int], first: dict[int, int]) -> None:
        for p, m in last.items():
            follow = self.automaton.follow[p]
            for q, n in first.items():
                follow[q] = _cap(follow.get(q, 0) + m * n)

    def _concat(self, a: _Piece, b: _Piece) -> _Piece:
        self._link(a.last, b.first)
        return _Piece(_cap(a.empty * b.empty), _add(dict(a.first), b.first, a.empty),
                      _add(dict(b.last), a.last, b.empty))

    @staticmethod
    def _alternation(parts: list[_Piece]) -> _Piece:
        result = _Piece(0)
        for part in parts:
            result.empty = _cap(result.empty + part.empty)
            _add(result.first, part.first)
            _add(result.last, part.last)
        return result

    def _loop(self, body: _Piece, *, optional: bool) -> _Piece:
        # Another iteration may follow any iteration. An iteration that matched nothing ends
        # the loop (re and JavaScript stop on an empty iteration), so none sits in between.
        self._link(body.last, body.first)
        empty = _cap(body.empty + 1) if optional else body.empty
        return _Piece(empty, dict(body.first), dict(body.last))

    # the parse tree

    def sequence(self, nodes: Sequence[Any], flags: int, in_repeat: bool) -> _Piece:
        piece = _Piece(1)
        for node in nodes:
            piece = self._concat(piece, self.node(node, flags, in_repeat))
        return piece

    def node(self, node: Any, flags: int, in_repeat: bool) -> _Piece:
        op, arg = str(node[0]), node[1]
        ignorecase = bool(flags & re.IGNORECASE)
        alphabet = self.alphabet
        if op == "LITERAL":
            return self._position(alphabet.literal(arg, ignorecase))
        if op == "NOT_LITERAL":
            return self._position(alphabet.full & ~alphabet.literal(arg, ignorecase))
        if op == "ANY":
            return self._position(alphabet.full)
        if op == "IN":
            return self._position(self._class(arg, ignorecase))
        if op == "AT":
            return _Piece(1)
        if op == "SUBPATTERN":
            _group, add, remove, body = arg
            return self.sequence(body, (flags | add) & ~remove, in_repeat)
        if op == "ATOMIC_GROUP":
            return self.sequence(arg, flags, in_repeat)
        if op == "BRANCH":
            return self._alternation([self.sequence(b, flags, in_repeat) for b in arg[1]])
        if op == "GROUPREF_EXISTS":
            branches = [arg[1]] + ([arg[2]] if arg[2] is not None else [[]])
            return self._alternation([self.sequence(b, flags, in_repeat) for b in branches])
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            return self._repeat(arg, flags, in_repeat)
        if op in ("ASSERT", "ASSERT_NOT"):
            self.automaton.lookarounds.append((arg[1], in_repeat))
            return _Piece(1)
        if op in ("GROUPREF", "GROUPREF_IGNORE"):
            raise _Unbounded("it uses a back-reference, whose matching time cannot be bounded")
        raise _Unbounded(f"it uses {op}, which protocols cannot analyse")

    def _class(self, items: Sequence[Any], ignorecase: bool) -> int:
        alphabet = self.alphabet
        mask, negate = 0, False
        for item in items:
            op, arg = str(item[0]), item[1]
            if op == "NEGATE":
                negate = True
            elif op == "LITERAL":
                mask |= alphabet.literal(arg, ignorecase)
            elif op == "RANGE" and not ignorecase:
                mask |= alphabet.span(arg[0], arg[1])
            elif op == "RANGE":
                mask |= alphabet.of(_in_range(arg[0], arg[1], ignorecase))
            elif op == "CATEGORY":
                mask |= alphabet.categories.get(str(arg), alphabet.full)
            else:
                mask = alphabet.full
        return alphabet.full & ~mask if negate else mask

    def _repeat(self, arg: Any, flags: int, in_repeat: bool) -> _Piece:
        low, high, body = arg
        unbounded = high == _PARSER.MAXREPEAT
        if not unbounded and high == 0:
            return _Piece(1)
        size = _size(body)
        if not unbounded and high > 1 and size * high > EXPAND_LIMIT:
            unbounded = True  # as a loop: it can only add findings
        repeats = unbounded or high > 1

        def copy() -> _Piece:
            return self.sequence(body, flags, in_repeat or repeats)

        if not unbounded and high > 1:
            self.automaton.counted.append((body, flags))

        if unbounded:
            mandatory = min(low, 2)
            piece = _Piece(1)
            for _ in range(max(mandatory - 1, 0)):
                piece = self._concat(piece, copy())
            return self._concat(piece, self._loop(copy(), optional=mandatory == 0))
        piece = _Piece(1)
        for _ in range(low):
            piece = self._concat(piece, copy())
        optional = _Piece(1)
        for _ in range(high - low):  # E{0,k} as (E(E(...)?)?)?: each iteration may stop
            inner = self._concat(copy(), optional)
            optional = _Piece(_cap(inner.empty + 1), inner.first, inner.last)
        return self._concat(piece, optional)


def _in_range(low: int, high: int, ignorecase: bool) -> Callable[[int], bool]:
    def member(code: int) -> bool:
        return any(low <= variant <= high for variant in _variants(code, ignorecase))

    return member


def _size(nodes: Sequence[Any]) -> int:
    """Character positions of one copy of ``nodes``, counted repeats expanded as built."""
    total = 0
    for node in nodes:
        op, arg = str(node[0]), node[1]
        if op in ("LITERAL", "NOT_LITERAL", "ANY", "IN"):
            total += 1
        elif op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            inner = _size(body)
            if high != _PARSER.MAXREPEAT and inner * high <= EXPAND_LIMIT:
                total += inner * high
            else:
                total += inner * (min(low, 2) + 1)
        elif op == "SUBPATTERN":
            total += _size(arg[-1])
        elif op == "ATOMIC_GROUP":
            total += _size(arg)
        elif op == "BRANCH":
            total += sum(_size(b) for b in arg[1])
        elif op == "GROUPREF_EXISTS":
            total += _size(arg[1]) + (_size(arg[2]) if arg[2] is not None else 0)
        if total > MAX_POSITIONS:
            return total
    return total


def program_size(nodes: Sequence[Any], limit: int) -> int:
    """About how large a program a backtracking engine that expands repeats (the ``regex``
    package) builds for ``nodes``: each repeat multiplies its body by its required count
    plus one (``x{100}`` by 100, ``x+`` by 2, as ``xx*``), so nested ones multiply, and a
    class counts its members. Counting stops past ``limit`` (the total is then above it); a
    tree too deep to walk counts as above it too."""
    try:
        return _program_size(nodes, limit)
    except RecursionError:
        return limit + 1


def _program_size(nodes: Sequence[Any], limit: int) -> int:
    total = 0
    for node in nodes:
        op, arg = str(node[0]), node[1]
        if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            # regex copies the body for each required repeat, plus one for the rest
            # (``x{3,}``, ``x{1,1000}``: 4 and 2 copies; ``x+``: 2), measured
            count = low + (1 if high != low else 0)
            total += max(count, 1) * _program_size(body, limit)
        elif op == "IN":  # a class is copied whole: one unit per member
            total += max(len(arg), 1)
        elif op == "SUBPATTERN":
            total += _program_size(arg[-1], limit)
        elif op == "ATOMIC_GROUP":
            total += _program_size(arg, limit)
        elif op == "BRANCH":
            total += sum(_program_size(b, limit) for b in arg[1])
        elif op == "GROUPREF_EXISTS":
            total += _program_size(arg[1], limit) + (
                _program_size(arg[2], limit) if arg[2] is not None else 0)
        elif op in ("ASSERT", "ASSERT_NOT"):
            total += _program_size(arg[1], limit)
        else:
            total += 1
        if total > limit:
            return total
    return total


# -- ambiguity --------------------------------------------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_STEPS

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise _Unbounded("it is too complex to check for catastrophic backtracking")


def _components(successors: list[list[int]]) -> list[int]:
    """The strongly connected component of each node (iterative Tarjan)."""
    count = len(successors)
    index = [-1] * count
    low = [0] * count
    on_stack = [False] * count
    component = [-1] * count
    stack: list[int] = []
    counter = 0
    found = 0
    for root in range(count):
        if index[root] != -1:
            continue
        work = [(root, 0)]
        while work:
            node, child = work.pop()
            if child == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            if child < len(successors[node]):
                work.append((node, child + 1))
                nxt = successors[node][child]
                if index[nxt] == -1:
                    work.append((nxt, 0))
                elif on_stack[nxt]:
                    low[node] = min(low[node], index[nxt])
                continue
            for nxt in successors[node]:
                if on_stack[nxt] and component[nxt] == -1:
                    low[node] = min(low[node], low[nxt])
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component[member] = found
                    if member == node:
                        break
                found += 1
    return component


def _exponential(automaton: _Automaton, alphabet: _Alphabet, budget: _Budget) -> str | None:
    """A witness character when some state returns to itself in two ways on one text."""
    labels, follow = automaton.labels, automaton.follow
    nodes: dict[tuple[int, int], int] = {}
    edges: list[list[int]] = []
    divergent: list[list[bool]] = []

    def node_of(pair: tuple[int, int]) -> int:
        if pair not in nodes:
            nodes[pair] = len(edges)
            edges.append([])
            divergent.append([])
            pending.append(pair)
        return nodes[pair]

    pending: list[tuple[int, int]] = []
    for p in range(len(labels)):
        node_of((p, p))
    while pending:
        p, q = pending.pop()
        here = nodes[(p, q)]
        for p2, m in follow[p].items():
            for q2 in follow[q]:
                budget.spend()
                if labels[p2] & labels[q2]:
                    target = node_of((p2, q2))
                    edges[here].append(target)
                    # One pair of moves taken in two ways: the paths part there.
                    divergent[here].append(p == q and p2 == q2 and m >= 2)
    component = _components(edges)
    pairs = {index: pair for pair, index in nodes.items()}
    diagonal = {component[i] for i, (p, q) in pairs.items() if p == q}
    for index, (p, q) in pairs.items():
        inside = component[index] in diagonal
        if inside and p != q:
            return alphabet.example(labels[p] & labels[q])
        for target, parts in zip(edges[index], divergent[index], strict=True):
            if inside and parts and component[target] == component[index]:
                return alphabet.example(labels[pairs[target][0]])
    return None


def _polynomial(automaton: _Automaton, alphabet: _Alphabet, budget: _Budget) -> str | None:
    """A witness character when two looping states, one reachable from the other, can both
    loop on the text that also leads from the first to the second."""
    labels, follow = automaton.labels, automaton.follow
    successors = [[q for q in follow[p] if labels[q]] for p in range(len(labels))]
    component = _components(successors)
    members: dict[int, set[int]] = {}
    for p, c in enumerate(component):
        members.setdefault(c, set()).add(p)
    looping = [p for p in range(len(labels))
               if len(members[component[p]]) > 1 or p in successors[p]]
    reach: dict[int, set[int]] = {}

    def reachable(start: int) -> set[int]:
        if start not in reach:
            reach[start] = _reachable(successors, start)
        return reach[start]

    for p in looping:
        for q in looping:
            if q == p or q not in reachable(p):
                continue
            budget.spend(len(reachable(p)))
            between = {s for s in reachable(p) if q in reachable(s)}
            if _triple_path(p, q, members[component[p]], between, members[component[q]],
                            follow, labels, budget):
                return alphabet.example(labels[p] & labels[q]) or alphabet.example(labels[q])
    return None


def _reachable(successors: list[list[int]], start: int) -> set[int]:
    seen = {start}
    pending = [start]
    while pending:
        for nxt in successors[pending.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return seen


def _triple_path(p: int, q: int, first: set[int], middle: set[int], third: set[int],
                 follow: list[dict[int, int]], labels: list[int], budget: _Budget) -> bool:
    """A path from (p, p, q) to (p, q, q) reading one text in all three components."""
    start, goal = (p, p, q), (p, q, q)
    seen = {start}
    pending = [start]
    while pending:
        a, b, c = pending.pop()
        for a2 in follow[a]:
            if a2 not in first:
                continue
            for b2 in follow[b]:
                if b2 not in middle or not labels[a2] & labels[b2]:
                    continue
                shared = labels[a2] & labels[b2]
                for c2 in follow[c]:
                    budget.spend()
                    if c2 not in third or not shared & labels[c2]:
                        continue
                    state = (a2, b2, c2)
                    if state == goal:
                        return True
                    if state not in seen:
                        seen.add(state)
                        pending.append(state)
    return False


# -- the entry point --------------------------------------------------------------------------


def parse(pattern: str) -> Any:
    """re's parse tree of ``pattern`` (raises re.error, OverflowError, RecursionError)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        return _PARSER.parse(pattern)


def analyse_tree(tree: Any, flags: int | None = None) -> Risk | None:
    """The risk of a parsed pattern (see the module docstring), or None when it is safe."""
    if flags is None:
        flags = int(getattr(getattr(tree, "state", None), "flags", 0))
    try:
        alphabet = _Alphabet(_sample_points(list(tree), bool(flags & re.IGNORECASE)),
                             ascii_only=bool(flags & re.ASCII))
        builder = _Builder(alphabet)
        builder.sequence(list(tree), flags, in_repeat=False)
        automaton = builder.automaton
        budget = _Budget()
        witness = _exponential(automaton, alphabet, budget)
        if witness is not None:
            return Risk("exponential", _EXPONENTIAL.format(example=witness))
        for body, body_flags in automaton.counted:
            looped = _Builder(alphabet)
            looped.node((_MAX_REPEAT, (1, _PARSER.MAXREPEAT, body)), body_flags, False)
            witness = _exponential(looped.automaton, alphabet, budget)
            if witness is not None:
                return Risk("exponential", _COUNTED.format(example=witness))
        witness = _polynomial(automaton, alphabet, budget)
        if witness is not None:
            return Risk("polynomial", _POLYNOMIAL.format(example=witness))
        for body, in_repeat in automaton.lookarounds:
            inner = analyse_tree(body, flags)
            if inner is not None:
                return inner
            if in_repeat and _scans(body):
                return Risk("polynomial", "a look-ahead or look-behind that scans the text "
                                          "sits inside a repetition (it runs again at every "
                                          "step)")
    except _Unbounded as why:
        return Risk("unbounded", str(why))
    except RecursionError:
        return Risk("unbounded", "it is nested too deeply to check")
    return None


def _scans(nodes: Sequence[Any]) -> bool:
    return any(op in ("MAX_REPEAT", "MIN_REPEAT") and arg[1] == _PARSER.MAXREPEAT
               for op, arg in _walk(nodes))


_EXPONENTIAL = ("a repeated part can match the same text in more than one way (like "
                "`(a|a)*`, `(a+)+` or `(a|aa)+`; here on text such as {example!r}), so "
                "the time can double with every character")
_COUNTED = ("a counted repetition (like `(a|a){{1,30}}`) repeats a part that can match the "
            "same text in more than one way (here on text such as {example!r}), so the time "
            "can double with every repetition")
_POLYNOMIAL = ("two repeated parts can match the same text one after the other (like "
               "`a*a*`, `\\w+_\\w+` or `\\S+\\.\\S+`; here on text such as {example!r}), so "
               "the time grows with a power of the text's length")
