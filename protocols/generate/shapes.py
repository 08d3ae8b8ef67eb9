"""Questions about model types that statically typed emitters (Go, Swift...) share.

Where null is allowed (the type system says it with a pointer or an optional) and which
literal sets are string enums (a named type of their own in those languages).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from typing import TypeVar

from protocols.generate.model import (
    Field,
    LiteralType,
    ObjectType,
    PrimitiveType,
    TypeExpr,
    UnionType,
    nullable_parts,
    union,
)


def split_null(node: TypeExpr) -> tuple[TypeExpr, bool]:
    """The non-null type and whether null is allowed (also for ``enum: [a, null]``)."""
    if isinstance(node, LiteralType) and None in node.values and len(node.values) > 1:
        return LiteralType(tuple(v for v in node.values if v is not None)), True
    if isinstance(node, UnionType):
        members: list[TypeExpr] = []
        nullable = False
        for member in node.members:
            inner, null = split_null(member)
            if member == PrimitiveType("null") or (
                    isinstance(member, LiteralType) and member.values == (None,)):
                nullable = True
                continue
            nullable = nullable or null
            members.append(inner)
        if nullable and members:
            return union(tuple(members)), True
    return nullable_parts(node)


def is_string_enum(node: TypeExpr) -> bool:
    """A closed set of strings only: an enum type in languages that have them."""
    return isinstance(node, LiteralType) and bool(node.values) and all(
        isinstance(v, str) for v in node.values)


def literal_kind(node: LiteralType) -> str:
    """``integer`` or ``boolean`` when every value is one; otherwise ``mixed``."""
    if all(isinstance(v, int) and not isinstance(v, bool) for v in node.values):
        return "integer"
    if all(isinstance(v, bool) for v in node.values):
        return "boolean"
    return "mixed"


K = TypeVar("K", bound=Hashable)


def fields_on_cycles(structs: Mapping[K, ObjectType], target: Callable[[Field], K | None]
                     ) -> set[tuple[K, str]]:
    """The fields (struct key, wire name) that hold a struct by value on a cycle, a struct
    that contains itself through them: a language without indirection there (a Go pointer, a
    Swift box) would need an infinite type. ``target`` names the struct a field holds by
    value, or None."""
    edges: dict[K, set[K]] = {key: set() for key in structs}
    for key, obj in structs.items():
        for item in obj.fields:
            held = target(item)
            if held is not None:
                edges[key].add(held)

    def reaches(start: K, goal: K) -> bool:
        seen: set[K] = set()
        stack = [start]
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        return False

    return {(key, item.wire_name) for key, obj in structs.items() for item in obj.fields
            if (held := target(item)) is not None and reaches(held, key)}
