"""JSON Schema references stay inside the plan: refused when the plan is read, never fetched.

A ``$ref`` that is not a fragment of the same document (``#/$defs/Product``) names another
document: ``https://...`` would be fetched over the network and ``file:///...`` read from disk
by a validator with default settings (jsonschema still does both). Plans come from anyone, so
such references are a positioned error when the plan is loaded (lint PL114), and every
validator this tool builds uses :data:`OFFLINE_REGISTRY`, whose retrieval always fails: even
a reference that slipped past the loader cannot reach outside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import unquote

import referencing
import referencing.exceptions

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.yamlsrc import PathKey, SourceMap

REFERENCE_KEYWORDS = ("$ref", "$dynamicRef")
#: Keywords whose values are data, not schemas: walks over schemas do not enter them (a
#: "$ref" key inside them is a value).
VALUE_KEYWORDS = frozenset({"const", "enum", "default", "examples"})


DEFS = "#/$defs/"
#: An array index in a JSON pointer (RFC 6901): ASCII digits, no leading zero.
_INDEX = re.compile(r"0|[1-9][0-9]*")


def pointer_tokens(fragment: str) -> list[str] | None:
    """The reference tokens of a JSON pointer written as a URI fragment (``/$defs/a~1b``,
    percent-encoded as in a URI): decoded, then split, then unescaped (``~1`` is ``/``,
    ``~0`` is ``~``), as jsonschema reads them. None when ``fragment`` is not a pointer (an
    anchor such as ``name``); ``[]`` for the empty pointer (the document itself)."""
    if fragment == "":
        return []
    if not fragment.startswith("/"):
        return None
    return [raw.replace("~1", "/").replace("~0", "~")
            for raw in unquote(fragment[1:]).split("/")]


def pointer_nodes(root: Any, fragment: str) -> list[Any] | None:
    """The nodes a JSON pointer (a reference's fragment: ``/$defs/Product``, percent-encoded
    as in a URI) passes through from ``root``, the last being its target (none: ``root``
    itself); None when it does not resolve, or is not a pointer (an anchor). It only ever
    walks ``root``: nothing outside the document is reached."""
    tokens = pointer_tokens(fragment)
    if tokens is None:
        return None
    nodes: list[Any] = []
    node = root
    for part in tokens:
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and _INDEX.fullmatch(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
        nodes.append(node)
    return nodes


#: Keywords whose value is a schema, a map of names to schemas, or a list of schemas: the
#: places a JSON pointer may go through to reach a schema (draft 2020-12).
_ONE_SCHEMA = frozenset({"items", "not", "if", "then", "else", "additionalProperties",
                         "propertyNames", "contains", "unevaluatedItems",
                         "unevaluatedProperties", "contentSchema"})
_SCHEMA_MAPS = frozenset({"properties", "patternProperties", "$defs", "definitions",
                          "dependentSchemas"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})


def schema_at_pointer(root: Any, fragment: str) -> bool:
    """Whether a JSON pointer resolves in ``root`` (a schema) to a schema, through schema
    keywords only: ``/$defs/T/properties/y`` does, ``/$defs/T/enum/0`` (a value) or
    ``/$defs/T/properties`` (a map of names) does not, though each resolves."""
    tokens = pointer_tokens(fragment)
    nodes = pointer_nodes(root, fragment)
    if tokens is None or nodes is None:
        return False
    expect = "schema"  # what the next token names: a keyword, a name or an index
    for token in tokens:
        if expect == "schema":
            expect = ("schema" if token in _ONE_SCHEMA else "name" if token in _SCHEMA_MAPS
                      else "index" if token in _SCHEMA_LISTS else "value")
            if expect == "value":
                return False
        else:
            expect = "schema"
    target = nodes[-1] if nodes else root
    return expect == "schema" and isinstance(target, Mapping | bool)


def pointer_token(name: str) -> str:
    """``name`` as one token of a JSON pointer in a URI fragment: ``~`` and ``/`` escaped
    (RFC 6901) and ``%`` percent-encoded (a fragment is percent-decoded before it is split);
    any other name is written as it is."""
    return name.replace("~", "~0").replace("/", "~1").replace("%", "%25")


def defs_reference(name: str) -> str:
    """The reference to the named type ``name`` in a compiled schema's ``$defs``."""
    return DEFS + pointer_token(name)


def defs_target(reference: Any) -> tuple[str, tuple[str, ...]] | None:
    """The named type a reference points into (``#/$defs/Name``, or a place inside it such
    as ``#/$defs/Name/properties/y``), decoded, and the tokens after it; None for any other
    reference (``#``, an anchor, another document) or a value that is not a string."""
    if not isinstance(reference, str) or not reference.startswith("#"):
        return None
    tokens = pointer_tokens(reference[1:])
    if tokens is None or len(tokens) < 2 or tokens[0] != "$defs":
        return None
    return tokens[1], tuple(tokens[2:])


def defs_name(reference: Any) -> str | None:
    """The named type a reference is, exactly (``#/$defs/Name``, decoded); None for a
    place inside a type and for any other reference."""
    target = defs_target(reference)
    return target[0] if target is not None and not target[1] else None


def referenced_types(schema: Any, types: Mapping[str, Any] | None = None) -> set[str]:
    """The named types ``schema`` refers to (``#/$defs/Name``, or a place inside one) by
    ``$ref`` or ``$dynamicRef``, anywhere but inside ``$defs`` and values (``const``,
    ``enum``...). With ``types`` (name -> schema): only names in it, and the types those
    refer to in turn. One walk, no recursion."""
    found: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            for keyword in REFERENCE_KEYWORDS:
                target = defs_target(node.get(keyword))
                if target is None:
                    continue
                if types is None:
                    found.add(target[0])
                elif target[0] in types and target[0] not in found:
                    found.add(target[0])
                    pending.append(types[target[0]])
            pending.extend(value for key, value in node.items()
                           if key != "$defs" and key not in VALUE_KEYWORDS)
        elif isinstance(node, list):
            pending.extend(node)
    return found


def resolve_local(document: Any, reference: Any) -> Any:
    """The schema a local reference points at in ``document`` (the schema that holds it, with
    its ``$defs``): ``#`` is the document itself, ``#/...`` a JSON pointer into it. None when
    it resolves to nothing, or is not a local pointer (an anchor, another document)."""
    if not isinstance(reference, str) or not reference.startswith("#"):
        return None
    nodes = pointer_nodes(document, reference[1:])
    if nodes is None:
        return None
    return nodes[-1] if nodes else document


def local_reference(node: Any) -> str | None:
    """The local reference (``#...``) a schema node refers to: its ``$ref``, or else its
    ``$dynamicRef`` (the same, for a JSON pointer), whichever first holds one; None when
    neither does (no reference, another document, not a string) or ``node`` is no schema
    object. What lookups that follow one reference take: resolve it with
    :func:`resolve_local`."""
    if not isinstance(node, Mapping):
        return None
    for keyword in REFERENCE_KEYWORDS:
        reference = node.get(keyword)
        if isinstance(reference, str) and is_local(reference):
            return reference
    return None


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


def _in_place_steps(node: Mapping[str, Any], document: Any, root: Any = None
                    ) -> Iterator[tuple[Any, PathKey, bool]]:
    """The schemas that apply to the same value as ``node``, each with where it is: its
    in-place subschemas (``allOf``...; the path is relative to ``node``) and the targets of
    its local ``$ref`` and ``$dynamicRef`` (a JSON pointer resolved in ``document``; the path
    is the pointer's, from the document). ``#`` is ``root`` when one is given (a message's
    payload schema): the types alone do not say what it is. (child, path, is_reference)."""
    for key in _IN_PLACE_LISTS:
        members = node.get(key)
        if isinstance(members, list):
            yield from ((m, (key, i), False) for i, m in enumerate(members)
                        if isinstance(m, Mapping))
    for key in _IN_PLACE_ONE:
        member = node.get(key)
        if isinstance(member, Mapping):
            yield member, (key,), False
    dependent = node.get("dependentSchemas")
    if isinstance(dependent, Mapping):
        yield from ((m, ("dependentSchemas", name), False) for name, m in dependent.items()
                    if isinstance(m, Mapping))
    for keyword in REFERENCE_KEYWORDS:
        reference = node.get(keyword)
        if not isinstance(reference, str) or not reference.startswith("#"):
            continue
        tokens = pointer_tokens(reference[1:])
        if tokens == [] and isinstance(root, Mapping):
            yield root, (), True
        elif tokens:
            nodes = pointer_nodes(document, reference[1:])
            if nodes and isinstance(nodes[-1], Mapping):
                yield nodes[-1], tuple(tokens), True


def _in_place(node: Mapping[str, Any], document: Any) -> Iterator[Any]:
    """The schemas that apply to the same value as ``node`` (:func:`_in_place_steps`)."""
    return (child for child, _, _ in _in_place_steps(node, document))


def root_cycle(schema: Mapping[str, Any]) -> list[PathKey] | None:
    """Whether a message's payload schema (with its ``$defs``) reaches itself again without
    going into a property or an item: ``schema: {allOf: [{$ref: "#"}]}``, or a type it
    refers to in place that refers to the payload (``#``) in place. Such a schema describes
    no value, and checking one recurses until the stack runs out. (``$ref: "#"`` inside
    ``properties`` or ``items`` is a recursive payload, a tree, and is fine.)

    Returns the paths, in ``schema``, of the schemas on the way, from the payload (``()``)
    to the one whose reference closes the cycle, and last the path of that reference (ending
    in ``$ref`` or ``$dynamicRef``); None when there is no such cycle. One linear walk (breadth first: the shortest way)."""
    reached: dict[int, tuple[PathKey, Any]] = {id(schema): ((), None)}  # node -> path, parent
    pending: list[Any] = [schema]
    for node in pending:
        path = reached[id(node)][0]
        for child, step, is_reference in _in_place_steps(node, schema, schema):
            if child is schema:
                keyword = next((k for k in REFERENCE_KEYWORDS if node.get(k) == "#"), None)
                closing = (*path, keyword) if is_reference and keyword else (*path, *step)
                way: list[PathKey] = [closing]
                back: Any = node
                while back is not None:
                    way.append(reached[id(back)][0])
                    back = reached[id(back)][1]
                return way[::-1]
            if id(child) in reached:
                continue
            reached[id(child)] = (step if is_reference else (*path, *step), node)
            pending.append(child)
    return None


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
