"""Read JSON input for import with positioned, readable errors (never a traceback)."""

from __future__ import annotations

import json
import re
from itertools import islice
from pathlib import Path
from typing import Any

from protocols.interop.errors import InteropError

MAX_JSON_BYTES = 64 * 1024 * 1024
# Deepest nesting of arrays and objects read. Importers, the JSON Schema check and the YAML
# writer recurse on what they are given, and a plan holds 64 levels (protocols.yamlsrc): a
# schema nested 900 deep passed the JSON reader and ended in a RecursionError traceback.
MAX_JSON_DEPTH = 100


def read_json(path: Path, shown: str | None = None) -> Any:
    """Parse one JSON file; raises :class:`InteropError` with file:line:column."""
    shown = shown or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_JSON_BYTES:
            raise InteropError(f"file is {size} bytes; imports read at most {MAX_JSON_BYTES}",
                               file=shown)
        raw = path.read_bytes()
    except OSError as exc:
        raise InteropError(f"cannot read file: {exc.strerror or exc}", file=shown) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InteropError(f"not UTF-8 text (byte {exc.start}); is it a binary file?",
                           file=shown) from None
    duplicates: list[str] = []
    try:
        data = json.loads(text, parse_constant=reject_constant,
                          object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        raise InteropError(f"invalid JSON: {exc.msg}", file=shown, line=exc.lineno,
                           column=exc.colno) from None
    except ValueError as exc:  # NaN or Infinity
        raise InteropError(f"invalid JSON: {exc}", file=shown) from None
    except RecursionError:
        raise InteropError("JSON is nested too deeply to read", file=shown) from None
    if _deeper_than(data, MAX_JSON_DEPTH):
        line, column = _too_deep_at(text, MAX_JSON_DEPTH)
        raise InteropError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep; no plan can "
                           "hold it", file=shown, line=line, column=column)
    if duplicates:
        key = duplicates[0]
        line, column = _second_occurrence(text, key)
        raise InteropError(f"duplicate key {key!r} with different values in one object: JSON "
                           "readers keep only one of them, so the file is ambiguous"
                           + (f" ({len(duplicates)} duplicate keys in all)"
                              if len(duplicates) > 1 else ""),
                           file=shown, line=line, column=column)
    return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether arrays and objects in ``data`` nest more than ``limit`` levels (no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, dict | list))
    return False


# A JSON string without escapes, or a bracket: strings are matched whole, so brackets inside
# them do not count. The escapes that could end a string early (``\\`` and ``\"``) are first
# replaced by two characters that are neither, which keeps every offset. (A regular
# expression of a string with its escapes, ``"(?:[^"\\]|\\.)*"``, repeats a group for each
# character, and held about 120 bytes a character: 6 GB and 14 s for a 50 MB string, under
# the 64 MiB a file may be.)
_TOKEN = re.compile(r'"[^"]*"|[\[\]{}]')


def _too_deep_at(text: str, limit: int) -> tuple[int | None, int | None]:
    """The line and column of the bracket that opens level ``limit + 1``."""
    plain = text.replace("\\\\", "__").replace('\\"', "__")
    depth = 0
    for match in _TOKEN.finditer(plain):
        token = match.group()
        if token in ("[", "{"):
            depth += 1
            if depth > limit:
                offset = match.start()
                return (text.count("\n", 0, offset) + 1,
                        offset - (text.rfind("\n", 0, offset) + 1) + 1)
        elif token in ("]", "}"):
            depth -= 1
    return None, None


def _object(pairs: list[tuple[str, Any]], duplicates: list[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        # The same key twice with the same value loses nothing (iglu-central has such a
        # schema); with different values one of them would be dropped.
        if key in found and found[key] != value:
            duplicates.append(key)
        found[key] = value
    return found


def _second_occurrence(text: str, key: str) -> tuple[int | None, int | None]:
    """Where a duplicated key is written the second time (best effort: its first spelling
    as a JSON string followed by a colon, seen twice)."""
    pattern = re.compile(re.escape(json.dumps(key)) + r"\s*:")
    matches = list(islice(pattern.finditer(text), 2))  # (not every one: millions, in a file)
    if len(matches) < 2:
        return None, None
    offset = matches[1].start()
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def reject_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON (and JSON Schema) does not."""
    raise ValueError(f"{name} is not a JSON number")
