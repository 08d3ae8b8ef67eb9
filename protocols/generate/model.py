"""The language-neutral model every emitter works from: types and calls.

The plan is read once, here. Each message spec becomes a :class:`Call` (one per track event,
identify, group, named page and named screen) whose payload is a :class:`TypeExpr` built from
the spec's resolved JSON Schema. Emitters only map these types to their language and choose
identifiers; they never look at JSON Schema again.

What JSON Schema can say but a static type cannot (``minimum``, ``pattern``, ``format``...)
is left to runtime validation against the embedded schema; what has no static form at all
(``not``, ``if``/``then``, a bare ``{}``) becomes :class:`AnyType`, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from protocols.generate.safety import without_unsafe_patterns
from protocols.plan.model import MessageKind, MessageSpec, Plan
from protocols.schemarefs import defs_name

Primitive = Literal["string", "number", "integer", "boolean", "null"]
LiteralValue = str | int | bool | None


@dataclass(frozen=True)
class PrimitiveType:
    kind: Primitive


@dataclass(frozen=True)
class LiteralType:
    """A closed set of values (``enum``/``const``): string-literal unions in every target."""

    values: tuple[LiteralValue, ...]


@dataclass(frozen=True)
class ArrayType:
    items: TypeExpr


@dataclass(frozen=True)
class MapType:
    """An object with free-form keys (``additionalProperties`` only)."""

    values: TypeExpr


@dataclass(frozen=True)
class Field:
    wire_name: str  # exactly as planned: the key sent on the wire
    type: TypeExpr
    required: bool
    description: str | None = None
    deprecated: bool = False


@dataclass(frozen=True)
class ObjectType:
    """An object with planned fields; ``key`` names it (stable) and ``hint`` is its words."""

    key: tuple[str, ...]
    hint: tuple[str, ...]
    fields: tuple[Field, ...]
    description: str | None = None
    open: bool = True  # whether unplanned keys are allowed (not additionalProperties: false)

    @property
    def free_form(self) -> bool:
        """No planned fields and unplanned keys allowed: any object will do.

        A message planned without properties ("Empty Event") accepts whatever it is sent,
        as Segment's Typewriter does; only ``additionalProperties: false`` closes it.
        """
        return not self.fields and self.open


@dataclass(frozen=True)
class RefType:
    """A named type from the plan's ``types`` (JSON Schema ``$defs``)."""

    name: str


@dataclass(frozen=True)
class UnionType:
    members: tuple[TypeExpr, ...]


@dataclass(frozen=True)
class AnyType:
    """Whatever JSON value: the schema says something no static type can express."""


TypeExpr = PrimitiveType | LiteralType | ArrayType | MapType | ObjectType | RefType | UnionType | AnyType


@dataclass(frozen=True)
class Call:
    """One generated function: a typed wrapper of one SDK call."""

    kind: MessageKind
    wire_name: str | None  # event name, page or screen name; None for identify and group
    payload: ObjectType
    description: str | None
    deprecated: bool
    schema: Mapping[str, Any]  # the resolved payload schema, for runtime validation

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.kind, self.wire_name or "")

    @property
    def name_words(self) -> tuple[str, ...]:
        """What the function name is spelt from: the event name, ``identify``, ``group``,
        or the kind and name of a page or screen (``page Home``)."""
        if self.kind == "track":
            return (self.wire_name or "",)
        if self.wire_name is None:
            return (self.kind,)
        return (self.kind, self.wire_name)


@dataclass(frozen=True)
class ClientModel:
    plan_id: str
    plan_version: str | None
    plan_description: str | None
    calls: tuple[Call, ...]
    named_types: Mapping[str, TypeExpr]  # from $defs, by plan type name

    def objects(self) -> list[ObjectType]:
        """Every object type, payloads and nested, in a stable order (by key)."""
        found: dict[tuple[str, ...], ObjectType] = {}

        def walk(node: TypeExpr) -> None:
            if isinstance(node, ObjectType):
                found.setdefault(node.key, node)
                for item in node.fields:
                    walk(item.type)
            elif isinstance(node, ArrayType):
                walk(node.items)
            elif isinstance(node, MapType):
                walk(node.values)
            elif isinstance(node, UnionType):
                for member in node.members:
                    walk(member)

        for call in self.calls:
            walk(call.payload)
        for named in self.named_types.values():
            walk(named)
        return [found[key] for key in sorted(found)]


_PRIMITIVES: frozenset[str] = frozenset({"string", "number", "integer", "boolean", "null"})


def build_model(plan: Plan) -> ClientModel:
    """Read every message spec of ``plan`` into calls and types."""
    named: dict[str, TypeExpr] = {}
    calls: list[Call] = []
    for spec in plan.messages():
        for name, schema in (spec.schema.get("$defs") or {}).items():
            if name not in named:
                named[name] = to_type(schema, key=("type", name), hint=(name,))
        calls.append(_call(spec))
    calls.sort(key=lambda call: call.sort_key)
    return ClientModel(plan.id, plan.version, plan.description, tuple(calls),
                       {name: named[name] for name in sorted(named)})


def _call(spec: MessageSpec) -> Call:
    words = {"track": (), "identify": ("identify",), "group": ("group",),
             "page": ("page",), "screen": ("screen",)}[spec.kind]
    hint = (*words, *((spec.name,) if spec.name else ()), spec.payload_field)
    key = (spec.kind, spec.name or "", spec.payload_field)
    payload = to_type(spec.schema, key=key, hint=hint)
    if not isinstance(payload, ObjectType):  # a payload is always an object on the wire
        payload = ObjectType(key, hint, (), spec.description,
                             open=spec.schema.get("additionalProperties") is not False)
    # A risky pattern never reaches a client: generate refuses it, or with --force leaves it
    # out of runtime validation (protocols.generate.safety).
    return Call(spec.kind, spec.name, payload, spec.description, spec.deprecated,
                without_unsafe_patterns(spec.schema))


def to_type(schema: Any, *, key: tuple[str, ...], hint: tuple[str, ...]) -> TypeExpr:
    """The static type of a JSON Schema; ``key``/``hint`` name any object type it defines."""
    if schema is True or not isinstance(schema, Mapping):
        return AnyType()
    name = defs_name(schema.get("$ref"))  # (a place inside a type, or "#": any value)
    if name is not None and len(schema.keys() - _ANNOTATIONS) == 1:
        return RefType(name)
    if "const" in schema:
        return _literals([schema["const"]], schema)
    if isinstance(schema.get("enum"), list):
        return _literals(schema["enum"], schema)
    for keyword in ("anyOf", "oneOf"):
        members = schema.get(keyword)
        if isinstance(members, list) and members:
            return union(tuple(to_type(m, key=(*key, keyword, str(i)), hint=hint)
                               for i, m in enumerate(members)))
    all_of = schema.get("allOf")
    if isinstance(all_of, list) and len(all_of) == 1 and not schema.keys() - _ANNOTATIONS - {"allOf"}:
        return to_type(all_of[0], key=(*key, "allOf"), hint=hint)
    if set(schema) & {"not", "if", "allOf", "$ref", "patternProperties", "prefixItems"}:
        return AnyType()
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return _single(kinds, schema, key=key, hint=hint)
    if isinstance(kinds, list) and kinds:
        return union(tuple(_single(k, schema, key=key, hint=hint) for k in kinds))
    if "properties" in schema:
        return _single("object", schema, key=key, hint=hint)
    if "items" in schema:
        return _single("array", schema, key=key, hint=hint)
    return AnyType()


_ANNOTATIONS = frozenset({"description", "title", "deprecated", "x-pii", "examples", "$comment"})


def _single(kind: Any, schema: Mapping[str, Any], *, key: tuple[str, ...],
            hint: tuple[str, ...]) -> TypeExpr:
    if kind in _PRIMITIVES:
        return PrimitiveType(kind)
    if kind == "array":
        items = schema.get("items")
        if items is None:
            return ArrayType(AnyType())
        return ArrayType(to_type(items, key=(*key, "items"), hint=(*hint, "item")))
    if kind == "object":
        return _object(schema, key=key, hint=hint)
    return AnyType()


def _object(schema: Mapping[str, Any], *, key: tuple[str, ...], hint: tuple[str, ...]) -> TypeExpr:
    properties = schema.get("properties")
    additional = schema.get("additionalProperties", True)
    if not isinstance(properties, Mapping) or not properties:
        if isinstance(additional, Mapping):
            return MapType(to_type(additional, key=(*key, "values"), hint=(*hint, "value")))
        if additional is False:
            return ObjectType(key, hint, (), _text(schema.get("description")), open=False)
        return MapType(AnyType())
    required = set(schema.get("required") or ())
    fields = tuple(
        Field(name, to_type(sub, key=(*key, "properties", name), hint=(*hint, name)),
              name in required, _text(sub.get("description")) if isinstance(sub, Mapping) else None,
              bool(sub.get("deprecated")) if isinstance(sub, Mapping) else False)
        for name, sub in properties.items())
    return ObjectType(key, hint, fields, _text(schema.get("description")), open=additional is not False)


def _literals(values: list[Any], schema: Mapping[str, Any]) -> TypeExpr:
    """Literal types for strings, integers, booleans and null; other values widen."""
    literal: list[LiteralValue] = []
    others: list[TypeExpr] = []
    for value in values:
        if value is None or isinstance(value, str | bool) or (
                isinstance(value, int) and not isinstance(value, bool)):
            if value not in literal or any(type(v) is not type(value) for v in literal if v == value):
                literal.append(value)
        elif isinstance(value, float):
            others.append(PrimitiveType("number"))
        else:
            others.append(AnyType())
    members: list[TypeExpr] = [LiteralType(tuple(literal))] if literal else []
    members.extend(others)
    return union(tuple(members)) if members else AnyType()


def union(members: tuple[TypeExpr, ...]) -> TypeExpr:
    """A flattened union without repeats; Any absorbs the rest."""
    flat: list[TypeExpr] = []
    for member in members:
        for part in member.members if isinstance(member, UnionType) else (member,):
            if isinstance(part, AnyType):
                return AnyType()
            if part not in flat:
                flat.append(part)
    if len(flat) == 1:
        return flat[0]
    return UnionType(tuple(flat))


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def nullable_parts(node: TypeExpr) -> tuple[TypeExpr, bool]:
    """Split off ``null``: the non-null type and whether null is allowed."""
    if isinstance(node, PrimitiveType) and node.kind == "null":
        return node, False
    if isinstance(node, UnionType):
        rest = tuple(m for m in node.members if m != PrimitiveType("null"))
        if len(rest) != len(node.members):
            return union(rest), True
    return node, False


def strip_annotations(schema: Any) -> Any:
    """The schema without descriptions: they do not change what validates, only the size."""
    if isinstance(schema, Mapping):
        return {k: (_strip_each(v) if k in _SCHEMA_MAPS else
                    v if k in _VALUE_KEYS else strip_annotations(v))
                for k, v in schema.items() if k not in _ANNOTATION_KEYS}
    if isinstance(schema, list):
        return [strip_annotations(v) for v in schema]
    return schema


def _strip_each(mapping: Any) -> Any:
    """``properties``/``$defs``: the keys are names (a property may be called "description")."""
    if not isinstance(mapping, Mapping):
        return mapping
    return {k: strip_annotations(v) for k, v in mapping.items()}


_ANNOTATION_KEYS = frozenset({"description", "x-pii", "$comment", "examples"})
_SCHEMA_MAPS = frozenset({"properties", "$defs", "patternProperties", "dependentSchemas"})
_VALUE_KEYS = frozenset({"const", "enum", "default"})
