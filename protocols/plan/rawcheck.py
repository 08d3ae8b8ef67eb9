"""Raw ``schema:`` blocks checked when a plan is loaded, so no command meets a broken one.

Plan keys are checked by the plan format; a raw block is JSON Schema passed through as written,
so ``validate``, ``generate`` and ``compile`` would be the first to read it. Two kinds of
mistake there used to end in tracebacks far from the plan: a block that is not valid draft
2020-12 (a draft-7 tuple ``items: [...]``) and a ``$ref`` to a local place that does not
exist. Both are positioned errors here (PL104, PL108), from the loader, for every command.
References to other documents are not followed by plans at all (see docs/plan-format.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from functools import cache, lru_cache
from typing import Any

import jsonschema

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.schemarefs import (
    OFFLINE_REGISTRY,
    REFERENCE_KEYWORDS,
    VALUE_KEYWORDS,
    defs_target,
    schema_at_pointer,
)
from protocols.yamlsrc import PathKey, SourceMap

# Where property fragments are written: maps of names to fragments.
_NAME_MAPS = frozenset({"properties", "traits"})
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf")
MAX_DEPTH = 128


def raw_blocks(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, Mapping[str, Any]]]:
    """Every raw ``schema:`` block of a plan document, with its path."""
    for section in ("properties", "types", "events", "pages", "screens"):
        for name, body in _items(data.get(section)):
            if section in ("events", "pages", "screens"):
                yield from _message(( section, name), body)
            else:
                yield from _fragment((section, name), body, 0)
    for name, body in _items((data.get("common") or {}).get("properties")
                             if isinstance(data.get("common"), Mapping) else None):
        yield from _fragment(("common", "properties", name), body, 0)
    for section in ("identify", "group"):
        if isinstance(data.get(section), Mapping):
            yield from _message((section,), data[section])


def _items(value: Any) -> list[tuple[str, Any]]:
    return list(value.items()) if isinstance(value, Mapping) else []


def _message(path: PathKey, body: Any) -> Iterator[tuple[PathKey, Mapping[str, Any]]]:
    if not isinstance(body, Mapping):
        return
    if isinstance(body.get("schema"), Mapping):
        yield (*path, "schema"), body["schema"]
    for field in _NAME_MAPS:
        for name, fragment in _items(body.get(field)):
            yield from _fragment((*path, field, name), fragment, 0)


def _fragment(path: PathKey, body: Any, depth: int
              ) -> Iterator[tuple[PathKey, Mapping[str, Any]]]:
    if not isinstance(body, Mapping) or depth > MAX_DEPTH:
        return
    if isinstance(body.get("schema"), Mapping):
        yield (*path, "schema"), body["schema"]
    for name, child in _items(body.get("properties")):
        yield from _fragment((*path, "properties", name), child, depth + 1)
    for key in ("items", "additionalProperties", "not"):
        yield from _fragment((*path, key), body.get(key), depth + 1)
    for key in _SCHEMA_LISTS:
        members = body.get(key)
        for index, member in enumerate(members if isinstance(members, list) else []):
            yield from _fragment((*path, key, index), member, depth + 1)


@cache
def _metaschema() -> jsonschema.protocols.Validator:
    cls = jsonschema.Draft202012Validator
    return cls(cls.META_SCHEMA, registry=OFFLINE_REGISTRY)


# The metaschema check is slow (its $dynamicRef lookups), and a plan repeats the same
# fragments (a library entry used by 30 events compiles to 30 equal sub-schemas).
@lru_cache(maxsize=8192)
def _cached(canonical: str) -> tuple[tuple[PathKey, str], ...]:
    return tuple(_errors(json.loads(canonical)))


def _errors(instance: Any) -> Iterator[tuple[PathKey, str]]:
    for error in _metaschema().iter_errors(instance):
        # "is not valid under any of the given schemas" says little; the closest branch's
        # own complaint ("has non-unique elements") says what to fix.
        if error.context:
            error = min(error.context, key=lambda e: (e.validator in ("type", "enum"),
                                                      -len(e.absolute_path)))
        yield tuple(error.absolute_path), error.message


def metaschema_errors(block: Mapping[str, Any]) -> tuple[tuple[PathKey, str], ...]:
    """The draft 2020-12 metaschema's complaints about a raw block, memoised."""
    try:
        return _cached(json.dumps(block, sort_keys=True))
    except (TypeError, ValueError, RecursionError):
        return tuple(_errors(block))


def _refs(node: Any, path: PathKey, depth: int = 0) -> Iterator[tuple[PathKey, str]]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in REFERENCE_KEYWORDS and isinstance(value, str):
                yield (*path, key), value
            elif key not in VALUE_KEYWORDS and not str(key).startswith("x-"):
                yield from _refs(value, (*path, key), depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _refs(value, (*path, index), depth + 1)


def _ids(node: Any, path: PathKey, depth: int = 0) -> Iterator[PathKey]:
    """Where a raw block sets ``$id`` (not inside values, nor ``x-`` annotations)."""
    if depth > MAX_DEPTH:
        return
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$id":
                yield (*path, key)
            elif key not in VALUE_KEYWORDS and not str(key).startswith("x-"):
                yield from _ids(value, (*path, key), depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _ids(value, (*path, index), depth + 1)


def _resolves(pointer: str, types: Mapping[str, Any]) -> bool:
    """Whether a local reference in a raw block points at something a compiled schema has:
    the payload root (``#``) or a named type (``#/$defs/Name``, or a schema inside it such
    as ``#/$defs/Name/properties/y``; escaped and percent-encoded as JSON pointers are, and
    resolved the way validate resolves it)."""
    if pointer in ("#", ""):
        return True
    if defs_target(pointer) is None:
        return False
    return schema_at_pointer({"$defs": types}, pointer[1:])


MAX_INTEGER = 2**64  # JavaScript, most JSON tools and generated code lose precision beyond


def _big_integers(node: Any, path: PathKey, depth: int = 0) -> Iterator[PathKey]:
    if depth > MAX_DEPTH:
        return
    if isinstance(node, bool):
        return
    if isinstance(node, int) and abs(node) >= MAX_INTEGER:
        yield path
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _big_integers(value, (*path, key), depth + 1)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _big_integers(value, (*path, index), depth + 1)


def check_literals(data: Any, source: SourceMap, path: PathKey = (), depth: int = 0
                   ) -> Iterator[Diagnostic]:
    """Integers beyond 64 bits in an ``enum`` or ``const`` (lint PL107): generated code (a
    TypeScript literal type, a JavaScript number) would hold another value. ``validate`` reads
    them exactly, so the plan still loads; bounds may be that large, since generated code does
    not spell them."""
    if depth > MAX_DEPTH:
        return
    if isinstance(data, Mapping):
        for key, value in data.items():
            if isinstance(key, str) and key.startswith("x-"):
                continue
            if key in ("enum", "const"):
                for where in _big_integers(value, (*path, key)):
                    location = source.value_location(where)
                    yield Diagnostic(
                        "PL107", "contradiction", Severity.ERROR,
                        f"{format_path(where)}: an integer beyond 64 bits in an {key}; "
                        "generated code and JavaScript would hold another number (quote it if "
                        "it is text)", location.file, location.line, location.column,
                        path=format_path(where))
            else:
                yield from check_literals(value, source, (*path, key), depth + 1)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from check_literals(value, source, (*path, index), depth + 1)


def check_raw_blocks(data: Mapping[str, Any], source: SourceMap,
                     types: Mapping[str, Any]) -> list[Diagnostic]:
    """PL104 for raw blocks that are not valid JSON Schema, PL108 for local ``$ref``s that
    point nowhere (``types``: the plan's compiled named types, imported ones included) and
    for a ``$id``, which would make them point elsewhere."""
    found: list[Diagnostic] = []
    for path, block in raw_blocks(data):
        problems = metaschema_errors(block)
        for sub_path, message in problems:
            where = source.value_location((*path, *sub_path))
            found.append(Diagnostic("PL104", "invalid-json-schema", Severity.ERROR,
                                    f"not valid JSON Schema: {message}", where.file, where.line,
                                    where.column, path=format_path((*path, *sub_path))))
        if problems:
            continue
        for id_path in _ids(block, path):
            where = source.value_location(id_path)
            found.append(Diagnostic(
                "PL108", "unresolved-reference", Severity.ERROR,
                "`$id` inside a plan changes what `#` and `#/$defs/Name` mean below it "
                "(JSON Schema resolves them against this schema, the plan's types are not "
                "there): remove it; each compiled payload gets its `$id` from the plan",
                where.file, where.line, where.column, path=format_path(id_path)))
        for ref_path, ref in _refs(block, path):
            if not ref.startswith("#") or _resolves(ref, types):
                continue  # references to other documents are not local mistakes
            where = source.value_location(ref_path)
            names = ", ".join(sorted(types)) or "none"
            found.append(Diagnostic(
                "PL108", "unresolved-reference", Severity.ERROR,
                f"`{ref_path[-1]}: {ref}` points nowhere: a raw schema can refer to the "
                "payload (`#`) or to a named type (`#/$defs/Name`, or a schema inside one "
                f"such as `#/$defs/Name/properties/field`; this plan's types: {names})",
                where.file, where.line, where.column, path=format_path(ref_path)))
    return found
