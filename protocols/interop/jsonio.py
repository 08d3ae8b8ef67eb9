"""Read JSON input for import with positioned, readable errors (never a traceback)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from protocols.interop.errors import InteropError

MAX_JSON_BYTES = 64 * 1024 * 1024


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
    try:
        return json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise InteropError(f"invalid JSON: {exc.msg}", file=shown, line=exc.lineno,
                           column=exc.colno) from None
    except ValueError as exc:  # NaN or Infinity
        raise InteropError(f"invalid JSON: {exc}", file=shown) from None
    except RecursionError:
        raise InteropError("JSON is nested too deeply to read", file=shown) from None


def reject_constant(name: str) -> Any:
    """Python's json accepts NaN and Infinity; JSON (and JSON Schema) does not."""
    raise ValueError(f"{name} is not a JSON number")
