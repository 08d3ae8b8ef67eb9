"""A payload schema as msgspec types: a yes in C for the common message.

Most of a valid message's cost in Python is walking its payload: every name planned, every
value of its type and in its bounds. msgspec does that walk in C while it decodes, when the
schema is written as types: an object as a :class:`msgspec.Struct` that refuses unknown
fields, a bounded number as ``Annotated[int, Meta(ge=0)] | Annotated[float, Meta(ge=0)]``, a
string enum as a ``Literal``. :func:`payload_decoder` turns a payload schema into such a type
when every keyword it uses has an exact msgspec counterpart, and into None otherwise.

The decoder is only ever asked for a yes. Everything it accepts, the plan's schema accepts
with every name planned and none deprecated (what the fast lane needs: lane.py); what it
refuses goes the usual way, which decides and explains. It is stricter than the schema in a
few places, which only costs that way: ``1.0`` is an integer to JSON Schema but not to
msgspec, an enum of numbers is left to Python, and so on. ``format`` and ``pattern`` have no
exact msgspec counterpart (the engine's own checks are the reference), so they run after the
decoding, on the few values that carry one. tests/test_validate_typed.py holds the decoders
to the compiled engine with hypothesis.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

import msgspec

from protocols.schemarefs import defs_name, resolve_local
from protocols.validate.check.engine import compile_checks
from protocols.validate.check.fastschema.formats import SURE_PATTERNS
from protocols.validate.check.fastschema.keywords import format_
from protocols.validate.check.shape import is_deprecated

#: Keywords that do not change what is valid.
_ANNOTATIONS = frozenset({"$schema", "$comment", "$defs", "definitions", "title",
                          "description", "default", "examples", "deprecated", "readOnly",
                          "writeOnly", "contentMediaType", "contentEncoding"})
_HANDLED = frozenset({"type", "enum", "const", "properties", "required",
                      "additionalProperties", "items", "minItems", "maxItems", "minLength",
                      "maxLength", "minimum", "maximum", "exclusiveMinimum",
                      "exclusiveMaximum", "format", "pattern", "$ref", "anyOf", "multipleOf"})
_BOUNDS = {"minimum": "ge", "maximum": "le", "exclusiveMinimum": "gt",
           "exclusiveMaximum": "lt"}
_SIMPLE = {"string": str, "boolean": bool, "null": type(None)}
# The enum values a Literal holds exactly (msgspec's int Literal refuses 1.0 and true: a
# stricter yes, which only sends such a message the usual way), by the types they are of.
_LITERALS = {str: {"string"}, int: {"integer", "number"}, type(None): {"null"}}

Post = Callable[[Any], bool]  # the checks left after decoding (formats, patterns)


class _Unsupported(Exception):
    pass


class PayloadDecoder:
    """``decode(raw)`` a payload's JSON text, or raise ValueError when it is not sure the
    payload is valid with only planned names.

    The value comes from msgspec's plain decoder, as the full path reads it (the same keys in
    the same order, integers as integers); the typed decoding before it only checks, in C."""

    def __init__(self, kind: Any, post: Post | None) -> None:
        self._check = msgspec.json.Decoder(kind).decode
        self._post = post

    def decode(self, raw: bytes | memoryview) -> Any:
        self._check(raw)
        value = _PLAIN(raw)
        if self._post is not None and not self._post(value):
            raise ValueError("a format or pattern check failed")
        return value


_PLAIN = msgspec.json.Decoder().decode


def payload_decoder(schema: Mapping[str, Any]) -> PayloadDecoder | None:
    """The decoder of a payload schema (with its own ``$defs``), or None when the schema
    uses something it cannot say exactly."""
    defs = schema.get("$defs", {})
    try:
        kind, post = _Builder(defs if isinstance(defs, Mapping) else {}).build(schema, True)
        return PayloadDecoder(kind, post)
    # (msgspec refuses some types: TypeError, or NotImplementedError for what it may one
    # day support)
    except (_Unsupported, TypeError, ValueError, NotImplementedError):
        return None


class _Builder:
    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.following: set[str] = set()  # named types being built (recursion: unsupported)
        # Each named type built once, however often it is used: built per use, ten
        # properties of the next type nine levels deep were 10**9 structs (validate never
        # ended). A type's decoder does not depend on where it is used.
        self.built: dict[str, tuple[Any, Post | None]] = {}
        self.structs = 0

    def build(self, schema: Any, top: bool = False) -> tuple[Any, Post | None]:
        if schema is True or schema == {}:
            return Any, None
        if not isinstance(schema, Mapping):
            raise _Unsupported(schema)
        keys = {k for k in schema if k not in _ANNOTATIONS and not k.startswith("x-")}
        if not keys and not top:
            return Any, None  # only annotations (a description): any value, as ``{}``
        if not keys <= _HANDLED:
            raise _Unsupported(keys - _HANDLED)
        if "$ref" in schema:
            return self._ref(schema, keys)
        if "anyOf" in schema:
            return self._nullable(schema, keys)
        post = self._post(schema)
        if "enum" in schema or "const" in schema:
            return self._enum(schema, keys), post
        kinds = schema.get("type")
        if top and kinds is None and "properties" in schema:
            kinds = "object"
        if not isinstance(kinds, (str, list)) or not kinds:
            raise _Unsupported("no type")  # (without a type, any JSON value may be valid)
        members: list[Any] = []
        posts: list[Post] = [post] if post is not None else []
        for each in [kinds] if isinstance(kinds, str) else kinds:
            found, member_post = self._member(each, schema)
            members += found
            if member_post is not None:
                posts.append(member_post)
        kind = Union[tuple(members)] if len(members) > 1 else members[0]  # noqa: UP007
        return kind, _all(posts)

    def _member(self, kind: Any, schema: Mapping[str, Any]) -> tuple[list[Any], Post | None]:
        if kind == "object":
            return self._object(schema)
        if kind == "array":
            item, item_post = self.build(schema.get("items", True))
            sized = _sized(list[item], schema, "minItems", "maxItems")  # type: ignore[valid-type]
            if item_post is None:
                return [sized], None
            return [sized], lambda value: type(value) is not list or all(map(item_post, value))
        if kind == "string":
            form = schema.get("format")
            sure = SURE_PATTERNS.get(form) if isinstance(form, str) and \
                "pattern" not in schema else None
            return [_sized(str, schema, "minLength", "maxLength", pattern=sure)], None
        if kind == "integer":
            return [_bounded(int, schema)], None
        if kind == "number":
            return [_bounded(int, schema), _bounded(float, schema)], None
        if kind in _SIMPLE:
            return [_SIMPLE[kind]], None
        raise _Unsupported(kind)

    def _object(self, schema: Mapping[str, Any]) -> tuple[list[Any], Post | None]:
        properties = schema.get("properties")
        extra = schema.get("additionalProperties", True)
        if extra not in (True, False):
            raise _Unsupported("additionalProperties schema")
        if properties is None:
            if extra is False:
                raise _Unsupported("no properties allowed")
            return [dict[str, Any]], None
        if not isinstance(properties, Mapping):
            raise _Unsupported(properties)
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise _Unsupported(required)
        if not set(required) <= properties.keys():
            raise _Unsupported("a required name that is not planned")  # (never clean)
        fields: list[tuple[str, Any, Any] | tuple[str, Any]] = []
        rename: dict[str, str] = {}
        posts: list[tuple[str, Post]] = []
        for index, (name, child) in enumerate(properties.items()):
            if is_deprecated(child, self.defs):
                if name in required:
                    raise _Unsupported("a required name that is deprecated")
                continue  # sending it is a warning: such a message is not a yes
            kind, post = self.build(child)
            attribute = f"f{index}"
            rename[attribute] = name
            if name in required:
                fields.append((attribute, kind))
            else:
                fields.append((attribute, Union[kind, msgspec.UnsetType], msgspec.UNSET))  # noqa: UP007
            if post is not None:
                posts.append((name, post))
        self.structs += 1
        struct = msgspec.defstruct(f"Payload{self.structs}", fields, rename=rename,
                                   forbid_unknown_fields=True, kw_only=True)
        if not posts:
            return [struct], None
        checks = tuple(posts)

        def fields_pass(value: Any) -> bool:
            if type(value) is not dict:
                return True
            for name, check in checks:  # noqa: SIM110 (per message: a loop, not all())
                if name in value and not check(value[name]):
                    return False
            return True

        return [struct], fields_pass

    def _ref(self, schema: Mapping[str, Any], keys: set[str]) -> tuple[Any, Post | None]:
        ref = schema["$ref"]
        name = defs_name(ref)  # (a place inside a type, or "#": left to the engine)
        if keys != {"$ref"} or name is None:
            raise _Unsupported(ref)
        if name in self.built:
            return self.built[name]
        if name in self.following or name not in self.defs:
            raise _Unsupported("a recursive or missing type")
        self.following.add(name)
        try:
            self.built[name] = self.build(self.defs[name])
        finally:
            self.following.discard(name)
        return self.built[name]

    def _nullable(self, schema: Mapping[str, Any], keys: set[str]) -> tuple[Any, Post | None]:
        members = schema["anyOf"]
        if keys != {"anyOf"} or not isinstance(members, list) or len(members) != 2:
            raise _Unsupported("anyOf")
        nulls = [m for m in members if m == {"type": "null"}]
        if len(nulls) != 1:
            raise _Unsupported("anyOf")
        other = members[1] if members[0] is nulls[0] else members[0]
        kind, post = self.build(other)
        if post is not None:
            inner = post
            post = lambda value: value is None or inner(value)  # noqa: E731
        return Union[kind, None], post  # noqa: UP007

    def _enum(self, schema: Mapping[str, Any], keys: set[str]) -> Any:
        options = schema["enum"] if "enum" in schema else [schema["const"]]
        if not (keys <= {"enum", "const", "type", "format", "pattern", "minLength",
                         "maxLength"}) or ("enum" in schema and "const" in schema):
            raise _Unsupported("enum with other keywords")
        if not isinstance(options, list) or not options or \
                not all(type(option) in _LITERALS for option in options):
            # (a float or a bool: 1.0 and 1 are one value to JSON Schema, True and 1 are
            # not, and a Literal cannot say either)
            raise _Unsupported("an enum of other values than strings, integers and null")
        if any(type(option) is int and not -2**63 <= option < 2**63 for option in options):
            raise _Unsupported("an integer beyond 64 bits")  # (msgspec's Literal holds int64)
        kinds = schema.get("type")
        if kinds is not None:
            allowed = {kinds} if isinstance(kinds, str) else set(kinds) \
                if isinstance(kinds, list) else set()
            # An option of another type than ``type`` allows is never valid: left out.
            options = [option for option in options if _LITERALS[type(option)] & allowed]
        for keyword, fits in (("minLength", int.__ge__), ("maxLength", int.__le__)):
            if keyword in schema:  # (a string option too short or too long: never valid)
                bound = schema[keyword]
                if type(bound) is not int:
                    raise _Unsupported(keyword)
                options = [option for option in options
                           if type(option) is not str or fits(len(option), bound)]
        if not options:
            raise _Unsupported("an enum none of whose values can be valid")
        return Literal[tuple(options)]

    def _post(self, schema: Mapping[str, Any]) -> Post | None:
        """The engine's own check of this node when it holds what msgspec cannot say."""
        if "multipleOf" in schema:
            # (msgspec's multiple_of is exact for integers only; JSON Schema's for numbers
            # allows for float rounding: the engine's whole check of a number node)
            kinds = schema.get("type")
            if not (isinstance(kinds, (str, list)) and kinds and
                    set([kinds] if isinstance(kinds, str) else kinds) <=
                    {"integer", "number", "null"}):
                raise _Unsupported("multipleOf outside a number")
            return compile_checks({k: v for k, v in schema.items() if k != "$defs"})[0]
        if "format" not in schema and "pattern" not in schema:
            return None
        kinds = schema.get("type")
        if kinds != "string":
            if not (isinstance(kinds, list) and "string" in kinds):
                raise _Unsupported("format or pattern outside a string")
            # A string or something else (``nullable: true``): the engine's whole check of
            # the node, which holds a value of another type to its type alone.
            return compile_checks({k: v for k, v in schema.items() if k != "$defs"})[0]
        if "pattern" not in schema:
            if schema["format"] in SURE_PATTERNS:
                return None  # (msgspec checks it: see _member)
            # Only a format, on a value msgspec made sure is a string: the very check the
            # engine runs for it (fastschema/keywords.format_), without the node around it.
            compiled = format_(schema["format"], schema)
            return None if compiled is None else compiled[0]
        return compile_checks({k: v for k, v in schema.items() if k != "$defs"})[0]


def _all(posts: list[Post]) -> Post | None:
    if not posts:
        return None
    if len(posts) == 1:
        return posts[0]
    checks = tuple(posts)
    return lambda value: all(check(value) for check in checks)


def _sized(kind: Any, schema: Mapping[str, Any], low: str, high: str,
           pattern: str | None = None) -> Any:
    bounds: dict[str, Any] = {} if pattern is None else {"pattern": pattern}
    for keyword, name in ((low, "min_length"), (high, "max_length")):
        if keyword in schema:
            value = schema[keyword]
            if type(value) is not int or value < 0:
                raise _Unsupported(keyword)
            bounds[name] = value
    return Annotated[kind, msgspec.Meta(**bounds)] if bounds else kind


def _bounded(kind: type, schema: Mapping[str, Any]) -> Any:
    """``int`` or ``float`` with the schema's bounds, each exact for that type."""
    bounds: dict[str, Any] = {}
    for keyword, name in _BOUNDS.items():
        if keyword not in schema:
            continue
        bound = schema[keyword]
        if type(bound) not in (int, float) or (type(bound) is float and not math.isfinite(bound)):
            raise _Unsupported(keyword)
        if kind is int:
            # An integer n >= 1.5 is an integer n >= 2, and so on: whole bounds, exactly.
            if name in ("ge", "gt"):
                bounds["ge"] = max(bounds.get("ge", -math.inf), math.ceil(bound) if name == "ge"
                                   else math.floor(bound) + 1)
            else:
                bounds["le"] = min(bounds.get("le", math.inf), math.floor(bound) if name == "le"
                                   else math.ceil(bound) - 1)
        else:
            if type(bound) is int and float(bound) != bound:
                raise _Unsupported("a bound a float cannot hold exactly")
            bounds[name] = float(bound)
    return Annotated[kind, msgspec.Meta(**bounds)] if bounds else kind


_KIND_OF = {"string": str, "integer": int, "number": float, "boolean": bool,
            "null": type(None), "object": dict, "array": list}


def fixed_kinds(schema: Mapping[str, Any]) -> dict[str, type]:
    """The Python type of each top-level property's value in every valid payload, for those
    whose type the schema fixes (``float`` stands for a number: int or float, both counted
    as one by the drift report). A property whose type may vary is left out."""
    defs = schema.get("$defs", {})
    properties = schema.get("properties")
    found: dict[str, type] = {}
    if not isinstance(properties, Mapping) or not isinstance(defs, Mapping):
        return found
    for name, child in properties.items():
        for _ in range(16):  # follow references (named types, places inside them, "#")
            ref = child.get("$ref") if isinstance(child, Mapping) else None
            if not (isinstance(ref, str) and ref.startswith("#")):
                break
            child = resolve_local(schema, ref)
        if not isinstance(child, Mapping):
            continue
        kind = child.get("type")
        options = child.get("enum", [child["const"]] if "const" in child else None)
        if isinstance(options, list) and options and all(type(o) is str for o in options):
            found[name] = str
        elif isinstance(kind, str) and kind in _KIND_OF and "anyOf" not in child \
                and "oneOf" not in child and options is None:
            found[name] = _KIND_OF[kind]
    return found
