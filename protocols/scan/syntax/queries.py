"""Tree-sitter queries, compiled once per language and set of names.

Finding the calls is done by the query engine (in C) with the method names as an
``#any-of?`` predicate, so the Python side only looks at calls that may be tracking calls.
A query whose names (or required word) appear nowhere in the file's bytes cannot match, so
it is not run at all: most files of a code base send no tracking call, and a substring
search costs far less than walking their trees.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from tree_sitter import Node, Query, QueryCursor

from protocols.scan.languages import grammar

Matches = list[dict[str, list[Node]]]


def _quoted(names: Iterable[str]) -> str:
    return " ".join('"' + n.replace("\\", "\\\\").replace('"', '\\"') + '"' for n in sorted(names))


@lru_cache(maxsize=64)
def _compiled(language: str, pattern: str) -> Query:
    return Query(grammar(language), pattern)


@lru_cache(maxsize=64)
def _with_names(language: str, pattern: str, names: frozenset[str]) -> Query:
    return _compiled(language, pattern.replace("NAMES", _quoted(names)))


def _run(query: Query, root: Node, max_start_depth: int | None) -> Matches:
    cursor = QueryCursor(query)
    if max_start_depth is not None:
        cursor.set_max_start_depth(max_start_depth)
    return [captures for _, captures in cursor.matches(root)]


@lru_cache(maxsize=64)
def _encoded(names: frozenset[str]) -> tuple[bytes, ...]:
    return tuple(name.encode("utf-8") for name in names)


def named_matches(language: str, pattern: str, names: frozenset[str], root: Node, *,
                  source: bytes | None = None, max_start_depth: int | None = None
                  ) -> Matches:
    """The matches of ``pattern`` (with ``@name`` restricted to ``names`` by the ``NAMES``
    placeholder), in document order, starting no deeper than ``max_start_depth`` levels
    when given. With ``source`` (the file's bytes), none when no name occurs in it."""
    if source is not None and not any(name in source for name in _encoded(names)):
        return []
    return _run(_with_names(language, pattern, names), root, max_start_depth)


def matches(language: str, pattern: str, root: Node, *, source: bytes | None = None,
            needs: tuple[bytes, ...] = (), max_start_depth: int | None = None) -> Matches:
    """The matches of ``pattern``; none when ``source`` holds none of the words ``needs``
    (those the pattern's predicates require)."""
    if source is not None and needs and not any(word in source for word in needs):
        return []
    return _run(_compiled(language, pattern), root, max_start_depth)
