"""How each language's extractor reads a dotted name (``Ev.ORDER.getWire()``), the walk that
scan uses to resolve constants, enums and receivers: one walk (syntax/base.py) over each
language's member accesses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tree_sitter import Node

from protocols.scan.languages import parser
from protocols.scan.parse import _extractor
from protocols.scan.syntax.base import MAX_DEPTH, ExtractContext, Source

# Each snippet declares x = <expression>; the expression is found by its text.
WRAP = {
    "python": "x = {}\n",
    "javascript": "x = {};\n",
    "typescript": "x = {};\n",
    "kotlin": "val x = {}\n",
    "java": "class A {{ void f() {{ Object x = {}; }} }}\n",
    "swift": "let x = {}\n",
    "go": "package p\n\nvar x = {}\n",
}

CASES = [
    ("python", "a.b.c", ["a", "b", "c"]),
    ("python", 'A["b"].c', ["A", "b", "c"]),
    ("python", "A[b]", None),
    ("python", "f().b", None),
    ("javascript", "analytics.track", ["analytics", "track"]),
    ("javascript", "(window.analytics).track", ["window", "analytics", "track"]),
    ("javascript", 'a["b"].c', ["a", "b", "c"]),
    ("javascript", "this.client.track", ["this", "client", "track"]),
    ("javascript", "a[b].c", None),
    ("typescript", "(x as Client).track", ["x", "track"]),
    ("kotlin", "Ev.ORDER.wire", ["Ev", "ORDER", "wire"]),
    ("kotlin", "Ev.ORDER.getWire()", ["Ev", "ORDER", "getWire()"]),
    ("kotlin", "Ev.ORDER.getWire(1)", None),
    ("java", "Ev.ORDER.wire", ["Ev", "ORDER", "wire"]),
    ("java", "Ev.ORDER.getWire()", ["Ev", "ORDER", "getWire()"]),
    ("java", "Ev.ORDER.getWire(1)", None),
    ("swift", "Ev.order.wire", ["Ev", "order", "wire"]),
    ("swift", "f().wire", None),
    ("go", "names.Events.SignedIn", ["names", "Events", "SignedIn"]),
    ("go", "f().SignedIn", None),
]


def _nodes(node: Node) -> Iterator[Node]:
    yield node
    for child in node.children:
        yield from _nodes(child)


def dotted(language: str, expression: str) -> list[str] | None:
    data = WRAP[language].format(expression).encode()
    root = parser(language).parse(data).root_node
    assert not root.has_error, data
    # the innermost node spelling the whole expression (Go wraps it in an expression_list)
    node = [n for n in _nodes(root) if n.text == expression.encode()][-1]
    extractor = _extractor(language)("x", language, Source(data), ExtractContext())
    return extractor.dotted(node)


@pytest.mark.parametrize(("language", "expression", "parts"), CASES)
def test_each_language_reads_its_dotted_names(language: str, expression: str,
                                              parts: list[str] | None) -> None:
    assert dotted(language, expression) == parts


@pytest.mark.parametrize("language", ["python", "javascript", "go"])
def test_a_chain_deeper_than_the_bound_is_not_read(language: str) -> None:
    # MAX_DEPTH steps: the first name and MAX_DEPTH - 1 member accesses, no more
    assert dotted(language, "a" + ".b" * (MAX_DEPTH - 1)) == ["a", *["b"] * (MAX_DEPTH - 1)]
    assert dotted(language, "a" + ".b" * MAX_DEPTH) is None
