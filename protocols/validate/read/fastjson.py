"""Parse one JSON document fast (msgspec), with errors that say where, like the stdlib's.

``loads(data)`` accepts bytes or str and returns the value, or raises :class:`JSONError`
(a ``json.JSONDecodeError``, hence a ``ValueError``) with ``msg``, ``pos``, ``lineno`` and
``colno``. msgspec is several times faster than ``json.loads`` on a Segment message (about
twice orjson, which this module used before, and exact where orjson rounded integers beyond
64 bits to floats); when it is not installed the stdlib parser is used with nearly the same
strictness.

Strict JSON, whichever parser runs: ``NaN``, ``Infinity``, numbers that overflow a double
(``1e999``), invalid UTF-8 and a leading byte order mark are errors (strip a BOM from a file
before splitting it into lines). One msgspec trait remains: it also rejects a lone surrogate
escape (``"\\ud800"``), which the stdlib accepts.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any

Parser = Callable[[bytes | str], Any]


class JSONError(json.JSONDecodeError):
    """Malformed JSON, with the position (``pos`` counts characters of the decoded text)."""

    def __init__(self, msg: str, doc: str, pos: int) -> None:
        super().__init__(msg, doc, pos)


def _stdlib_loads(data: bytes | str) -> Any:
    text = _decode(data)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except json.JSONDecodeError as error:
        raise JSONError(error.msg, text, error.pos) from None
    except _NotStrict as error:
        raise JSONError(str(error), text, _position_of(text, error.token)) from None


def _decode(data: bytes | str) -> str:
    if isinstance(data, str):
        return data
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        good = data[: error.start].decode("utf-8")
        raise JSONError(f"not valid UTF-8 (byte 0x{data[error.start]:02x})", good,
                        len(good)) from None


class _NotStrict(ValueError):
    def __init__(self, message: str, token: str) -> None:
        super().__init__(message)
        self.token = token


def _no_constant(token: str) -> Any:
    raise _NotStrict(f"{token} is not valid JSON", token)


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise _NotStrict(f"number {token} is too large for a double", token)
    return value


def _position_of(text: str, token: str) -> int:
    found = text.find(token)
    return max(found, 0)


def _make_fast_loads() -> tuple[Parser, Parser] | None:
    """msgspec's decoder, raw and wrapped in :func:`loads`'s error contract."""
    try:
        import msgspec
    except ImportError:  # pragma: no cover - msgspec is a dependency; the fallback is tested
        return None
    fast: Parser = msgspec.json.Decoder().decode

    def loads(data: bytes | str) -> Any:
        try:
            return fast(data)
        except (ValueError, RecursionError) as error:
            # The error path: re-parse with the stdlib for its familiar message and position;
            # if the stdlib accepts what msgspec refused (a lone surrogate...), keep msgspec's.
            text = _decode(data)
            try:
                _stdlib_loads(text)
            except JSONError:
                raise
            at = re.search(r"\(byte (\d+)\)", str(error))
            raise JSONError(str(error), text, min(int(at.group(1)) if at else 0,
                                                  len(text))) from None

    return fast, loads


_FAST = _make_fast_loads()

#: msgspec's own decoder (None without msgspec), for a caller that sends everything it
#: refuses to the stdlib parser anyway: its errors carry no stdlib-style message.
RAW_LOADS: Parser | None = None if _FAST is None else _FAST[0]

#: The parser in use: ``"msgspec"`` or ``"json"``.
BACKEND = "json" if _FAST is None else "msgspec"


def loads(data: bytes | str) -> Any:
    """One JSON document from bytes (UTF-8) or str; raises :class:`JSONError` with a position."""
    if _FAST is None:
        return _stdlib_loads(data)
    return _FAST[1](data)


def stdlib_loads(data: bytes | str) -> Any:
    """The same contract on the standard library's parser (for environments without msgspec)."""
    return _stdlib_loads(data)
