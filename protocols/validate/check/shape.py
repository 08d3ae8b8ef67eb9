"""A payload schema compiled once into what the name checks need at each level.

The name checks (drift, unplanned and deprecated properties) run on every message, so the
schema is not re-read each time: each object level becomes an :class:`ObjectShape` (its
planned names, their shapes, which are deprecated, how unplanned names are reported) and each
array an :class:`ArrayShape`. Levels with neither (strings, numbers...) have no shape and are
skipped. Named types are followed once; recursive types refer to the same shape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Union

from protocols.diagnostics import Severity
from protocols.naming import collision_key, did_you_mean, normalized_value
from protocols.schemarefs import local_reference, resolve_local

PathKey = tuple[str | int, ...]

# The same few names and values come in every message; normalising them is not free. Only
# short ones are cached, so the cache cannot hold on to huge strings from a hostile log.
_CACHED = 256
_name_key = lru_cache(maxsize=4_096)(collision_key)
_value_key = lru_cache(maxsize=4_096)(normalized_value)


# No plan names anything this long: such a name can only be compared as it is.
_LONGEST = 1_024


# What collision_key removes from ASCII text: the separators (regular expression ``\s``
# matches the ASCII whitespace below, \x1c-\x1f included) and nothing else.
_ASCII_SEPARATORS = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f_-"


def ascii_key(text: str) -> str:
    """:func:`protocols.naming.collision_key` of ASCII text: NFKC leaves ASCII as it is and
    case folding is lower-casing there, so it is the text less its separators, in lower
    case (tests/test_validate_speed.py holds the two equal). Several times cheaper, and
    high-cardinality values (ids, emails) are nearly all ASCII and would not stay cached."""
    # (bytes.translate deleting a set of bytes is a table lookup per byte in C; str's
    # translate goes through a dict per character, several times slower)
    return text.encode("ascii").translate(None, _ASCII_SEPARATORS).lower().decode("ascii")


def name_key(name: str) -> str:
    """:func:`protocols.naming.collision_key`, cached for short names; a very long name (a
    broken or hostile log) is its own key, so normalising it cannot cost seconds."""
    if len(name) <= _CACHED:
        return ascii_key(name) if name.isascii() else _name_key(name)
    return collision_key(name) if len(name) <= _LONGEST else "\x00" + name


def value_key(value: str) -> str:
    """:func:`protocols.naming.normalized_value`, cached for short values."""
    if len(value) <= _CACHED:
        return ascii_key(value) if value.isascii() else _value_key(value)
    return normalized_value(value) if len(value) <= _LONGEST else "\x00" + value


def suggest(name: str, candidates: list[str]) -> str | None:
    """did-you-mean for a name from a message (none for absurdly long names)."""
    return did_you_mean(name, candidates) if len(name) <= _CACHED else None

_POLICY = {"warn": Severity.WARNING, "error": Severity.ERROR}
# Hints remembered per object level: the same few unplanned names come in message after
# message, and a did-you-mean compares against every planned name.
_HINTS_KEPT = 1_024


@dataclass(frozen=True)
class Child:
    shape: Shape | None
    deprecated: bool
    schema_path: PathKey


@dataclass(eq=False)
class ObjectShape:
    """One object level: its planned names, and the severity of an unplanned one (None:
    allowed)."""

    schema: Mapping[str, Any]
    schema_path: PathKey
    unplanned: Severity | None
    children: dict[str, Child] = field(default_factory=dict)
    # The level's ``patternProperties`` and those of the schemas that apply to it in place
    # (see _members): a name one of their keys matches is planned.
    patterns: dict[str, Any] = field(default_factory=dict)
    # The planned names the level's own ``properties`` leave out (planned in place only): its
    # ``additionalProperties`` still refuses them, as JSON Schema's does (payload.py).
    in_place: frozenset[str] = frozenset()
    _by_key: dict[str, str] | None = None
    _hints: dict[str, str | None] = field(default_factory=dict)
    # Unplanned names seen here -> (message, hint), or None when allowed (payload.py).
    unplanned_seen: dict[str, tuple[str, str | None] | None] = field(default_factory=dict)
    # For names_clean: the planned, not deprecated names, and the children with shapes.
    _clean: frozenset[str] | None = None
    _nested: tuple[tuple[str, Shape], ...] = ()

    def planned_spelling(self, name: str) -> str | None:
        """The planned name with the same collision key as ``name``, if any."""
        if self._by_key is None:
            self._by_key = {}
            for planned in self.children:
                self._by_key.setdefault(name_key(planned), planned)
        return self._by_key.get(name_key(name))

    def hint(self, name: str) -> str | None:
        """:func:`suggest` among this level's planned names, remembered for short names."""
        hints = self._hints
        if name in hints:
            return hints[name]
        found = suggest(name, list(self.children))
        if len(hints) < _HINTS_KEPT and len(name) <= _CACHED:
            hints[name] = found
        return found


    def clean_names(self) -> tuple[frozenset[str], tuple[tuple[str, Shape], ...]]:
        """The names that cannot give a finding here (planned, not deprecated), and the
        planned names whose values have shapes of their own."""
        if self._clean is None:
            self._clean = frozenset(
                name for name, child in self.children.items() if not child.deprecated)
            self._nested = tuple((name, child.shape) for name, child in self.children.items()
                                 if child.shape is not None)
        return self._clean, self._nested

    def names_clean(self, value: dict[str, Any], depth: int = 0) -> bool:
        """True when the name checks have nothing to say about ``value`` at any level: every
        name is planned and not deprecated (so nothing drifts or is unplanned). Most
        messages take this path, and then the full walk is skipped."""
        clean, nested = self.clean_names()
        if not value.keys() <= clean or depth > _DEEPEST:
            return False
        for name, shape in nested:
            child = value.get(name)
            if child is not None and not shape_clean(shape, child, depth + 1):
                return False
        return True


# Deeper than this, the fast check gives up and the walk decides (recursive types).
_DEEPEST = 32


def shape_clean(shape: Shape, value: Any, depth: int = 0) -> bool:
    """:meth:`ObjectShape.names_clean` for any shape and value."""
    kind = type(value)
    if kind is dict:
        return type(shape) is not ObjectShape or shape.names_clean(value, depth)
    if kind is list and type(shape) is ArrayShape and shape.items is not None:
        items = shape.items
        return all(shape_clean(items, element, depth + 1) for element in value)
    return True


def compile_clean(shape: Shape) -> Callable[[Any], bool]:
    """:func:`shape_clean` for ``shape`` as one closure per level, for a caller that runs it
    on every message (validate's fast lane): no shape dispatch and no depth count at run
    time. It looks at every level however deep (shape_clean stops at _DEEPEST and lets the
    full walk decide), so its True is at least as sure. Recursive types make recursive
    closures; a value nested deeply enough raises RecursionError, which the caller treats
    as "not sure"."""
    built: dict[int, Callable[[Any], bool]] = {}

    def build(level: Shape | None) -> Callable[[Any], bool]:
        if level is None:
            return _anything
        done = built.get(id(level))
        if done is not None:
            return done
        if type(level) is ObjectShape:
            clean, nested = level.clean_names()
            children: list[tuple[str, Callable[[Any], bool]]] = []

            def object_clean(value: Any) -> bool:
                if type(value) is not dict:
                    return True
                if not value.keys() <= clean:
                    return False
                for name, child_clean in children:
                    child = value.get(name)
                    if child is not None and not child_clean(child):
                        return False
                return True

            built[id(level)] = object_clean  # before the children: a type may nest itself
            children.extend((name, build(child)) for name, child in nested)
            return object_clean
        assert type(level) is ArrayShape
        items: list[Callable[[Any], bool]] = []

        def array_clean(value: Any) -> bool:
            if type(value) is not list:
                return True
            item_clean = items[0]
            for element in value:  # noqa: SIM110 (a loop: cheaper than all() on the hot path)
                if not item_clean(element):
                    return False
            return True

        built[id(level)] = array_clean
        items.append(build(level.items))
        return array_clean

    return build(shape)


def _anything(value: Any) -> bool:
    return True


@dataclass(eq=False)
class ArrayShape:
    schema_path: PathKey
    items: Shape | None = None


Shape = Union[ObjectShape, ArrayShape]  # noqa: UP007  (a runtime alias, used in isinstance)


def resolve(schema: Any, defs: Mapping[str, Any], root: Any = None) -> Mapping[str, Any]:
    """Follow ``$ref`` (or ``$dynamicRef``: the same, for a JSON pointer) to a named type
    (or a schema inside one, or ``#``: the payload schema ``root``), and look through
    ``nullable`` wrappers."""
    document = root if isinstance(root, Mapping) else {"$defs": defs}
    for _ in range(16):
        if not isinstance(schema, Mapping):
            return {}
        ref = local_reference(schema)
        if ref is not None:
            schema = resolve_local(document, ref)
            continue
        members = schema.get("anyOf")
        if isinstance(members, list) and "properties" not in schema and "items" not in schema:
            useful = [m for m in members if not (isinstance(m, Mapping)
                                                 and m.get("type") == "null")]
            if len(useful) == 1:
                schema = useful[0]
                continue
        return schema
    return {}


def is_deprecated(schema: Any, defs: Mapping[str, Any]) -> bool:
    """Whether a property is deprecated: itself, or its named type (through aliases and
    ``nullable`` wrappers)."""
    return (isinstance(schema, Mapping) and schema.get("deprecated") is True) or (
        resolve(schema, defs).get("deprecated") is True)


def compile_shape(schema: Mapping[str, Any], policy: str) -> Shape | None:
    """The shape of a payload schema (with its own ``$defs``) under a plan policy."""
    defs = schema.get("$defs", {})
    return _build(schema, (), defs if isinstance(defs, Mapping) else {},
                  _POLICY.get(policy), {}, schema)


def _build(schema: Any, schema_path: PathKey, defs: Mapping[str, Any],
           policy: Severity | None, memo: dict[int, Shape | None],
           root: Mapping[str, Any]) -> Shape | None:
    resolved = resolve(schema, defs, root)
    key = id(resolved)
    if key in memo:
        return memo[key]
    members = _members(resolved, schema_path, defs, root)
    items = resolved.get("items")
    if any(isinstance(member.get("properties"), Mapping) for member, _ in members):
        extra = resolved.get("additionalProperties")
        severity = Severity.ERROR if extra is False else (None if extra is not None else policy)
        shape = ObjectShape(resolved, schema_path, severity)
        memo[key] = shape
        # The level's own names first, then those of its members in the schema's order: a
        # name planned twice is checked by its first definition's shape (the schema check
        # itself applies every definition).
        for member, member_path in members:
            properties = member.get("properties")
            for name, child in properties.items() if isinstance(properties, Mapping) else ():
                if name in shape.children:
                    continue
                child_path = (*member_path, "properties", name)
                deprecated = is_deprecated(child, defs)  # (not the payload's own, through "#")
                shape.children[name] = Child(
                    _build(child, child_path, defs, policy, memo, root), deprecated, child_path)
            patterns = member.get("patternProperties")
            if isinstance(patterns, Mapping):
                for pattern, child in patterns.items():
                    shape.patterns.setdefault(pattern, child)
        own = resolved.get("properties")
        shape.in_place = frozenset(name for name in shape.children
                                   if not (isinstance(own, Mapping) and name in own))
        return shape
    if isinstance(items, Mapping):
        array = ArrayShape(schema_path)
        memo[key] = array
        array.items = _build(items, (*schema_path, "items"), defs, policy, memo, root)
        return array
    memo[key] = None
    return None


# Keywords whose schemas apply to the same object as the level they stand in. A name one of
# them plans (``properties``, ``patternProperties``) is planned at that level: raw
# ``schema:`` blocks and imported JSON Schema put names under ``allOf`` (a level that already
# has ``properties`` gets the block's under ``allOf``), and ``anyOf``/``oneOf`` branches or
# ``if``/``then``/``else`` name the properties of each case. ``not`` plans nothing.
_IN_PLACE_LISTS = ("allOf", "anyOf", "oneOf")
_IN_PLACE_ONES = ("if", "then", "else")
_MAX_MEMBERS = 256  # in-place schemas read per level (a plan is hostile input)
_MAX_MEMBER_DEPTH = 16


def _members(level: Mapping[str, Any], schema_path: PathKey, defs: Mapping[str, Any],
             root: Mapping[str, Any]) -> list[tuple[Mapping[str, Any], PathKey]]:
    """``level`` and the schemas that apply to the same value in place, each resolved
    through references, with its schema path, in the schema's order; each at most once
    (references may go round) and at most _MAX_MEMBERS of them."""
    found: list[tuple[Mapping[str, Any], PathKey]] = []
    seen: set[int] = set()

    def visit(node: Mapping[str, Any], path: PathKey, depth: int) -> None:
        if id(node) in seen or len(found) >= _MAX_MEMBERS:
            return
        seen.add(id(node))
        found.append((node, path))
        if depth >= _MAX_MEMBER_DEPTH:
            return
        for keyword in _IN_PLACE_LISTS:
            branches = node.get(keyword)
            for index, branch in enumerate(branches if isinstance(branches, list) else ()):
                _visit_resolved(branch, (*path, keyword, index), depth)
        for keyword in _IN_PLACE_ONES:
            if keyword in node:
                _visit_resolved(node[keyword], (*path, keyword), depth)
        dependent = node.get("dependentSchemas")
        for name, branch in dependent.items() if isinstance(dependent, Mapping) else ():
            _visit_resolved(branch, (*path, "dependentSchemas", name), depth)

    def _visit_resolved(branch: Any, path: PathKey, depth: int) -> None:
        resolved = resolve(branch, defs, root)
        if resolved:
            visit(resolved, path, depth + 1)

    visit(level, schema_path, 0)
    return found
