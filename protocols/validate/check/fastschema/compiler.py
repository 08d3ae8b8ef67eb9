"""Compile a draft 2020-12 schema once into nested closures.

Every schema node becomes a :class:`Node` with two functions:

- ``valid(instance) -> bool``: the hot path, short-circuiting, allocation-free for valid
  instances; the only one that runs for the ~95% of messages that pass.
- ``errors(instance) -> list[SchemaViolation]``: runs only once ``valid`` said no, and
  explains it exactly as jsonschema's ``iter_errors`` would (same keywords, messages, and
  instance and schema paths, relative to the node).

Keywords are checked in the schema's key order, as jsonschema does, so violations come out in
the same order. A schema using anything outside the supported set raises :class:`Unsupported`
and the caller falls back to jsonschema for the whole schema.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.schemarefs import pointer_nodes
from protocols.validate.check.fastschema import containers, keywords
from protocols.validate.check.fastschema.fused import fuse
from protocols.validate.check.fastschema.keywords import Errors, Unsupported, Valid
from protocols.validate.check.violation import SchemaViolation

#: Keywords with no effect on validity in draft 2020-12 (annotations, or read by a sibling).
IGNORED = frozenset({
    "$schema", "$comment", "$defs", "definitions", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly", "contentMediaType", "contentEncoding",
    "contentSchema", "then", "else", "minContains", "maxContains",
})

#: Keywords the fast engine does not implement: their schema goes to jsonschema whole.
UNSUPPORTED = frozenset({
    "unevaluatedItems", "unevaluatedProperties", "$dynamicRef", "$dynamicAnchor", "$anchor",
    "$recursiveRef", "$recursiveAnchor", "$vocabulary", "$id",
})


@dataclass(frozen=True, slots=True)
class Node:
    valid: Valid
    errors: Errors
    is_false: bool = False


def _no_errors(instance: Any) -> list[SchemaViolation]:
    return []


def _false_errors(instance: Any) -> list[SchemaViolation]:
    return [SchemaViolation("false", (), (), f"False schema does not allow {instance!r}",
                            instance, None)]


TRUE_NODE = Node(lambda instance: True, _no_errors)
FALSE_NODE = Node(lambda instance: False, _false_errors, is_false=True)


class _Compiler:
    def __init__(self, root: Mapping[str, Any] | bool) -> None:
        self.root = root
        self.refs: dict[str, Node] = {}
        # Sub-schemas compiled so far, by identity (the root keeps them alive while compiling).
        self.compiled: dict[int, Node] = {}

    def node(self, schema: Any, *, at_root: bool = False) -> Node:
        if schema is True:
            return TRUE_NODE
        if schema is False:
            return FALSE_NODE
        if not isinstance(schema, Mapping):
            raise Unsupported(f"a schema must be an object or a boolean, not {schema!r}")
        known = self.compiled.get(id(schema))
        if known is None:
            known = self.compiled[id(schema)] = self._node(schema, at_root=at_root)
        return known

    def _node(self, schema: Mapping[str, Any], *, at_root: bool) -> Node:
        unsupported = set(UNSUPPORTED.intersection(schema))
        if at_root and isinstance(schema.get("$id"), str):
            # The root's own id only sets the base that "#..." references resolve against.
            unsupported.discard("$id")
        if unsupported:
            raise Unsupported(f"keywords {sorted(unsupported)}")
        checks: list[tuple[Valid, Errors]] = []
        for keyword, value in schema.items():
            if keyword in IGNORED or keyword == "$id":
                continue
            compiled = self.keyword(keyword, value, schema)
            if compiled is not None:
                checks.append(compiled)
        combined = _combine(checks)
        fused = fuse(schema, lambda sub: self.node(sub).valid)
        if fused is None:
            return combined
        return Node(fused, combined.errors)

    def keyword(self, keyword: str, value: Any,
                schema: Mapping[str, Any]) -> tuple[Valid, Errors] | None:
        if keyword == "$ref":
            return self.ref(value)
        simple = keywords.SIMPLE.get(keyword)
        if simple is not None:
            return simple(value, schema)
        nested = containers.NESTED.get(keyword)
        if nested is not None:
            return nested(value, schema, self.node)
        return None  # unknown keywords are ignored, as jsonschema does

    def ref(self, ref: Any) -> tuple[Valid, Errors]:
        if not isinstance(ref, str) or not ref.startswith("#"):
            raise Unsupported(f"only local references are compiled, not {ref!r}")
        node = self.refs.get(ref)
        if node is None:
            holder: list[Node] = []
            # Recursion: refs to a node still being compiled call it through the holder.
            self.refs[ref] = Node(lambda instance: holder[0].valid(instance),
                                  lambda instance: holder[0].errors(instance))
            target = self.node(_resolve_pointer(self.root, ref))
            holder.append(target)
            node = self.refs[ref] = target
        # "$ref" is not part of jsonschema's schema path, and a false target keeps no path.
        return node.valid, node.errors


def _resolve_pointer(root: Any, ref: str) -> Any:
    if ref[1:] and not ref.startswith("#/"):
        raise Unsupported(f"anchor references such as {ref!r} are left to jsonschema")
    nodes = pointer_nodes(root, ref[1:])
    if nodes is None:
        raise Unsupported(f"unresolvable reference {ref!r}")
    if any(isinstance(node, Mapping) and "$id" in node for node in nodes):
        raise Unsupported("a reference into a subschema with its own $id")
    return nodes[-1] if nodes else root


def _combine(checks: list[tuple[Valid, Errors]]) -> Node:
    if not checks:
        return TRUE_NODE
    valids = tuple(valid for valid, _ in checks)
    valid: Valid
    if len(valids) == 1:
        valid = valids[0]
    elif len(valids) == 2:
        first, second = valids
        valid = lambda instance: first(instance) and second(instance)  # noqa: E731
    else:
        def valid(instance: Any) -> bool:
            # A plain loop: cheaper than all() over a generator on the hot path.
            for check in valids:  # noqa: SIM110
                if not check(instance):
                    return False
            return True

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for check, explain in checks:
            if not check(instance):
                found.extend(explain(instance))
        return found

    return Node(valid, errors)


def compile_schema(schema: Mapping[str, Any] | bool) -> Callable[[Any], list[SchemaViolation]]:
    """The compiled check of a whole schema; raises :class:`Unsupported` to ask for fallback."""
    return compile_schema_parts(schema)[1]


def compile_schema_parts(schema: Mapping[str, Any] | bool
                         ) -> tuple[Valid, Callable[[Any], list[SchemaViolation]]]:
    """:func:`compile_schema`, and the yes/no check alone (cheaper when the answer is all
    that is wanted: it never builds a violation)."""
    try:
        root = _Compiler(schema).node(schema, at_root=True)
    except (TypeError, AttributeError, ValueError, KeyError) as error:
        # A malformed schema (``properties: 3``...): jsonschema decides what that means.
        raise Unsupported(f"malformed schema: {error}") from error
    valid, errors = root.valid, root.errors

    def check(instance: Any) -> list[SchemaViolation]:
        if valid(instance):
            return []
        return errors(instance)

    return valid, check
