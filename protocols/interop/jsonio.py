"""Read JSON input for import with positioned, readable errors (never a traceback)."""

from __future__ import annotations

import json
import math
import re
import sys
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
        data = json.loads(text, parse_constant=_constant, parse_float=_float, parse_int=_int,
                          object_pairs_hook=lambda pairs: _object(pairs, duplicates))
    except json.JSONDecodeError as exc:
        raise InteropError(f"invalid JSON: {exc.msg}", file=shown, line=exc.lineno,
                           column=exc.colno) from None
    except _BadNumber as exc:
        line, column = _bad_number_at(text)
        raise InteropError(exc.problem, file=shown, line=line, column=column) from None
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


def _plain(text: str) -> str:
    """``text`` with the escapes that could end a string early (``\\\\`` and ``\\"``)
    replaced by two characters that are neither: every offset kept, every string then
    matched whole by ``"[^"]*"``."""
    return text.replace("\\\\", "__").replace('\\"', "__")


def _too_deep_at(text: str, limit: int) -> tuple[int | None, int | None]:
    """The line and column of the bracket that opens level ``limit + 1``."""
    plain = _plain(text)
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


class _BadNumber(ValueError):
    """A number in the input no plan can hold as written; ``problem`` says why."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def number_problem(token: str) -> str | None:
    """Why the JSON number (or NaN/Infinity token) ``token`` cannot be read as written, or
    None. Python's json reads ``1e400`` as infinity (which the plan would then hold, and
    no JSON can write), ``1e-400`` as 0 (another bound than the one written), refuses an
    integer of more than 4,300 digits (Python's limit on converting text to int) and takes
    NaN and Infinity, which are not JSON."""
    shown = token if len(token) <= 40 else f"{token[:20]}...{token[-10:]} ({len(token)} characters)"
    if token in ("NaN", "Infinity", "-Infinity"):
        return f"invalid JSON: {token} is not a JSON number"
    if not any(mark in token for mark in ".eE"):
        try:
            int(token)
        except ValueError:
            return (f"the integer {token[:20]}... has {len(token.lstrip('-'))} digits; at "
                    f"most {sys.get_int_max_str_digits()} are read")
        return None
    value = float(token)
    if math.isinf(value):
        return (f"the number {shown} is beyond what a plan can hold (about ±1.8e308): it "
                "would be read as infinity")
    mantissa = token.lstrip("-").partition("e")[0].partition("E")[0]
    if value == 0 and mantissa.strip("0.") != "":
        return (f"the number {shown} is too close to 0 for a plan to hold: it would be "
                "read as 0")
    return None


def _float(token: str) -> float:
    problem = number_problem(token)
    if problem is not None:
        raise _BadNumber(problem)
    return float(token)


def _int(token: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise _BadNumber(number_problem(token) or f"the integer {token[:20]}... cannot be "
                         "read") from None


def _constant(name: str) -> Any:
    raise _BadNumber(f"invalid JSON: {name} is not a JSON number")


# A JSON string (skipped whole: digits inside it are no number), a number, or one of the
# constants Python's json takes; read in the text _plain makes, as _TOKEN is.
_VALUE = re.compile(r'"[^"]*"|-?Infinity|NaN|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?')


def _bad_number_at(text: str) -> tuple[int | None, int | None]:
    """The line and column where the first number :func:`number_problem` refuses starts:
    the one the reader stopped at, as it reads in the same order and by the same rule."""
    for match in _VALUE.finditer(_plain(text)):
        token = match.group()
        if token[0] != '"' and number_problem(token) is not None:
            offset = match.start()
            return (text.count("\n", 0, offset) + 1,
                    offset - (text.rfind("\n", 0, offset) + 1) + 1)
    return None, None
