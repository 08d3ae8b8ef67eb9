"""JSON equality and uniqueness exactly as jsonschema defines them.

JSON Schema compares values as JSON, not as Python: ``1 == 1.0`` but ``True != 1``. These
mirror ``jsonschema._utils.equal`` and ``uniq`` (a private module we must not import), with a
hashable fast path for the common case of scalar enums and arrays of strings or numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

_TRUE = object()
_FALSE = object()
_UNHASHABLE = object()


def unbool(value: Any) -> Any:
    """Booleans as tokens that equal nothing else, so ``True`` never equals ``1``."""
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    return value


def equal(one: Any, two: Any) -> bool:
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return bool(one == two)
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(equal(i, j) for i, j in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and equal(value, two[key]) for key, value in one.items())
    return bool(unbool(one) == unbool(two))


def scalar_key(value: Any) -> Any:
    """A hashable key under which JSON-equal scalars collide, or ``_UNHASHABLE``."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return ("bool", value)
    if kind is int or kind is float:
        return ("number", value)
    if value is None:
        return ("null",)
    return _UNHASHABLE


def is_unhashable(key: Any) -> bool:
    return key is _UNHASHABLE


def json_key(value: Any) -> Any:
    """A hashable key under which JSON-equal values collide (objects and arrays too), or
    ``_UNHASHABLE`` for what is not JSON."""
    key = scalar_key(value)
    if key is not _UNHASHABLE:
        return key
    if isinstance(value, list | tuple):
        parts = tuple(json_key(item) for item in value)
        return _UNHASHABLE if _UNHASHABLE in parts else ("array", parts)
    if isinstance(value, Mapping):
        pairs = frozenset((name, json_key(item)) for name, item in value.items())
        if any(item is _UNHASHABLE for _, item in pairs) or not all(
                isinstance(name, str) for name, _ in pairs):
            return _UNHASHABLE
        return ("object", pairs)
    return _UNHASHABLE


def uniq(container: list[Any]) -> bool:
    """True when no two items are JSON-equal (jsonschema's ``uniq``, in linear time).

    jsonschema compares objects pairwise, which takes n**2 steps: a log line holding a
    100,000-object array under ``uniqueItems`` would stall validation for minutes. Objects and
    arrays are hashed by their JSON value instead.
    """
    try:
        keys = [json_key(item) for item in container]
    except RecursionError:
        keys = [_UNHASHABLE]
    if _UNHASHABLE not in keys:
        return len(set(keys)) == len(keys)
    try:
        ordered = sorted(unbool(item) for item in container)
        for left, right in zip(ordered, itertools.islice(ordered, 1, None), strict=False):
            if equal(left, right):
                return False
    except (NotImplementedError, TypeError):
        seen: list[Any] = []
        for item in container:
            item = unbool(item)
            if any(equal(other, item) for other in seen):
                return False
            seen.append(item)
    return True
