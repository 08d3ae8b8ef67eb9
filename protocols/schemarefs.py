"""JSON Schema references stay inside the plan: refused when the plan is read, never fetched.

A ``$ref`` that is not a fragment of the same document (``#/$defs/Product``) names another
document: ``https://...`` would be fetched over the network and ``file:///...`` read from disk
by a validator with default settings (jsonschema still does both). Plans come from anyone, so
such references are a positioned error when the plan is loaded (lint PL114), and every
validator this tool builds uses :data:`OFFLINE_REGISTRY`, whose retrieval always fails: even
a reference that slipped past the loader cannot reach outside.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import referencing
import referencing.exceptions

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.yamlsrc import PathKey, SourceMap

REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")
#: Keywords whose values are data, not schemas: walks over schemas do not enter them (a
#: "$ref" key inside them is a value).
VALUE_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


def pointer_nodes(root: Any, fragment: str) -> list[Any] | None:
    """The nodes a JSON pointer (a reference's fragment: ``/$defs/Product``, percent-encoded
    as in a URI) passes through from ``root``, the last being its target (none: ``root``
    itself); None when it does not resolve, or is not a pointer (an anchor)."""
    if fragment == "":
        return []
    if not fragment.startswith("/"):
        return None
    from urllib.parse import unquote

    nodes: list[Any] = []
    node = root
    for raw in unquote(fragment[1:]).split("/"):  # (RFC 6901: decoded, then split)
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
        nodes.append(node)
    return nodes


def is_local(reference: str) -> bool:
    """Whether a reference points into its own document (``#``, ``#/$defs/X``, ``#anchor``)."""
    return reference.startswith("#")


def external_references(data: Any, path: PathKey = ()) -> Iterator[tuple[PathKey, str]]:
    """``(path, reference)`` for every reference in ``data`` that names another document."""
    pending: list[tuple[PathKey, Any]] = [(path, data)]
    while pending:
        where, node = pending.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if key in REFERENCE_KEYWORDS and isinstance(value, str) and not is_local(value):
                    yield (*where, key), value
                elif key not in VALUE_KEYWORDS and isinstance(value, dict | list):
                    pending.append(((*where, key), value))
        elif isinstance(node, list):
            pending.extend(((*where, index), value) for index, value in enumerate(node))


def reference_findings(data: Any, source: SourceMap) -> list[Diagnostic]:
    """PL114 for every external reference in one loaded plan or library file."""
    found = []
    for path, reference in sorted(external_references(data), key=lambda item: str(item[0])):
        where = source.value_location(path)
        found.append(Diagnostic(
            "PL114", "external-reference", Severity.ERROR,
            f"{path[-1]} {reference!r} points outside the plan: references must be local "
            "(#/$defs/Name); name a type under `types:` or a library entry instead. "
            "protocols never fetches or opens referenced documents",
            where.file, where.line, where.column, path=format_path(path)))
    return found


#: Keywords whose subschemas apply to the value itself (not to a property or an item of it).
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONE = ("not", "if", "then", "else")


def _in_place(node: Mapping[str, Any], document: Any) -> Iterator[Any]:
    """The schemas that apply to the same value as ``node``: its in-place subschemas and the
    target of its local ``$ref`` (resolved in ``document``)."""
    for key in _IN_PLACE_LISTS:
        members = node.get(key)
        if isinstance(members, list):
            yield from (m for m in members if isinstance(m, Mapping))
    for key in _IN_PLACE_ONE:
        member = node.get(key)
        if isinstance(member, Mapping):
            yield member
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        yield from (m for m in dependent.values() if isinstance(m, Mapping))
    reference = node.get("$ref")
    if isinstance(reference, str) and reference.startswith("#/"):
        nodes = pointer_nodes(document, reference[1:])
        if nodes and isinstance(nodes[-1], Mapping):
            yield nodes[-1]


def in_place_cycles(types: Mapping[str, Any]) -> dict[str, list[str]]:
    """Named types (``$defs``) that reach themselves again through references without going
    into a property or an item: ``T: {$ref: "#/$defs/T"}``, ``T -> U -> T``. Such a schema
    describes no value; checking one recurses until the stack runs out. Maps the type where
    each cycle closes to the names on it (``["T", "U", "T"]``; of a long one, its first and
    last eight). One linear walk."""
    document = {"$defs": types}
    owner: dict[int, str] = {}  # the type each schema node is written in
    starts: list[Any] = []  # every schema node: a cycle may start below a type's root
    pending = [(name, root) for name, root in types.items()]
    for name, node in pending:  # (breadth first: the types themselves come first)
        if isinstance(node, Mapping) and id(node) not in owner:
            owner[id(node)] = name
            starts.append(node)
            pending.extend((name, v) for k, v in node.items() if k not in VALUE_KEYWORDS)
        elif isinstance(node, list):
            pending.extend((name, v) for v in node)
    done: set[int] = set()
    found: dict[str, list[str]] = {}
    for root in starts:
        if id(root) in done:
            continue
        on_path: dict[int, int] = {id(root): 0}
        stack: list[tuple[Any, Iterator[Any]]] = [(root, _in_place(root, document))]
        while stack:
            node, children = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                del on_path[id(node)]
                done.add(id(node))
                continue
            if id(child) in on_path:
                start = on_path[id(child)]
                first = owner[id(stack[start][0])]
                if first not in found:  # one short list per type: many back edges stay linear
                    ends = [*range(start, min(start + 8, len(stack))),
                            *range(max(len(stack) - 8, start + 8), len(stack))]
                    cycle = [owner[id(stack[i][0])] for i in ends]
                    names = [n for i, n in enumerate(cycle) if i == 0 or n != cycle[i - 1]]
                    found[first] = [*names, names[0]]
                continue
            if id(child) in done:
                continue
            owner.setdefault(id(child), owner[id(node)])  # (a value a pointer reaches)
            on_path[id(child)] = len(stack)
            stack.append((child, _in_place(child, document)))
    return found


def _refuse(uri: str) -> referencing.Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


#: The registry every validator is built with: it knows no documents and retrieves none.
OFFLINE_REGISTRY: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]
