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


def _refuse(uri: str) -> referencing.Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


#: The registry every validator is built with: it knows no documents and retrieves none.
OFFLINE_REGISTRY: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)  # type: ignore[call-arg]
