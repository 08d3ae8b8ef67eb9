"""Questions about model types that statically typed emitters (Go, Swift...) share.

Where null is allowed (the type system says it with a pointer or an optional) and which
literal sets are string enums (a named type of their own in those languages).
"""

from __future__ import annotations

from protocols.generate.model import (
    LiteralType,
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
