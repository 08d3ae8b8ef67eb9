"""One unit of input: the record (for quarantine) and the messages parsed from it.

Parsing never raises: a value that is not UTF-8, not JSON or not an object becomes an
:class:`Item` carrying its diagnostic.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Diagnostic, format_path
from protocols.validate.codes import CODES
from protocols.validate.read import fastjson


@dataclass(frozen=True)
class Item:
    """One message read from the input, or the reason one could not be read.

    ``prefix`` is the JSON path of the message inside its record (``batch[3]``) when a record
    holds several messages, and inside its array (``[6]``, ``[6].batch[3]``) for an element
    of a JSON array, so diagnostics can say exactly which one. ``column`` is where
    the value holding the message starts on ``line`` (1-based, in characters), for an
    element of a JSON array, where many messages share a line; None for an NDJSON line,
    which holds one record.
    """

    line: int
    message: Mapping[str, Any] | None = None
    error: Diagnostic | None = None
    prefix: tuple[str | int, ...] = ()
    column: int | None = None


@dataclass(frozen=True)
class Record:
    """The unit of quarantine: an NDJSON line or one element of a JSON array document.

    ``raw`` is the record's exact bytes (with its line ending). For a line too long to keep in
    memory, ``raw`` is its first chunk and ``tail`` yields the rest; it must be consumed before
    the next record is read. ``items`` are the messages it holds (none for a blank line).
    ``column`` is where an element of a JSON array starts on ``line`` (1-based, in
    characters), and ``index`` which element of its array it is (from 0, as jq counts: the
    first part of its findings' paths, ``[6].event``); None for any other record (an NDJSON
    line starts its line, and is not in an array).

    ``kind`` says how ``items`` came from the bytes, so that they can be read again from the
    bytes alone (protocols/validate/lines.py): ``line``, an NDJSON line (parse_line);
    ``document``, one JSON value read whole (a document, an array element); ``problem``, a
    finding of the reader itself (a broken array element, a gzip stream cut short, an input
    that stops), its one item.
    """

    file: str
    line: int
    raw: bytes
    items: tuple[Item, ...]
    tail: Iterator[bytes] | None = None
    kind: str = "line"
    column: int | None = None
    index: int | None = None


def parse_message_text(body: bytes, *, file: str, line: int, column_offset: int = 0,
                       column: int | None = None, index: int | None = None) -> list[Item]:
    """Decode and parse one JSON value holding a message or a batch of messages.

    ``column`` and ``index``: where the value starts on ``line`` and which element of its
    array it is, given to its messages (an array element's, read again from its bytes);
    ``column_offset``: how far right of column 1 its first line starts, for the position of
    a syntax error there."""
    value = parsed_fast(body)
    if value is not NOT_PARSED:
        return messages_of(value, file=file, line=line, column=column, index=index)
    body = body.rstrip(b"\r\n")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        # (the column in characters, as every other one: what comes before the bad byte is
        # UTF-8; the message says which byte it is)
        error = CODES["PV003"].diagnostic(
            f"not UTF-8: byte 0x{body[exc.start]:02x} at byte {exc.start + 1} of the line",
            file=file, line=line, column=len(body[:exc.start].decode("utf-8")) + 1)
        return [Item(line, error=error)]
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as exc:
        error = CODES["PV001"].diagnostic(f"not valid JSON: {exc.msg}", file=file,
                                          line=line + exc.lineno - 1,
                                          column=exc.colno + (column_offset if exc.lineno == 1
                                                              else 0))
        return [Item(line, error=error)]
    except (ValueError, RecursionError) as exc:
        message = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
        return [Item(line, error=CODES["PV001"].diagnostic(f"not valid JSON: {message}",
                                                           file=file, line=line))]
    return messages_of(value, file=file, line=line, column=column, index=index)


NOT_PARSED: Any = object()
_RAW_LOADS = fastjson.RAW_LOADS


def parsed_fast(body: bytes) -> Any:
    """The JSON value of ``body`` by the fast parser, or NOT_PARSED when the stdlib parser
    must decide.

    What msgspec accepts it reads as the stdlib does (tests/test_validate_speed.py holds the
    two equal); whatever it refuses goes to the stdlib parser, so errors (and the few inputs
    only the stdlib accepts: a lone surrogate, 1e999) come out exactly as they always have.
    The line ending is JSON whitespace to it.
    """
    if _RAW_LOADS is None:
        return NOT_PARSED
    try:
        return _RAW_LOADS(body)
    except (ValueError, RecursionError):
        return NOT_PARSED


def reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# One decoder for every line (json.loads with options builds a new one per call).
DECODER = json.JSONDecoder(parse_constant=reject_constant)


def messages_of(value: Any, *, file: str, line: int, column: int | None = None,
                index: int | None = None) -> list[Item]:
    """A message, or each message of a ``{"batch": [...]}`` envelope; ``column`` is where
    ``value`` starts on ``line`` and ``index`` which element of its array it is (an array
    element's), None for a line."""
    # (an element's messages are placed in its array: their findings' paths start [index])
    element: tuple[str | int, ...] = () if index is None else (index,)
    if type(value) is dict and "type" in value:
        # A message, what nearly every value is: first, and its item built from positions
        # (keywords cost a tenth of a microsecond more, paid by every element of an array).
        return [Item(line, value, None, element, column)]
    if isinstance(value, dict) and "type" not in value and isinstance(value.get("batch"), list):
        items = []
        for place, message in enumerate(value["batch"]):
            prefix = (*element, "batch", place)
            if isinstance(message, dict):
                items.append(Item(line, message=message, prefix=prefix, column=column))
            else:
                items.append(Item(line, error=_not_object(message, file, line, column, prefix),
                                  prefix=prefix, column=column))
        return items
    if isinstance(value, dict):
        return [Item(line, message=value, prefix=element, column=column)]
    return [Item(line, error=_not_object(value, file, line, column, element), prefix=element,
                 column=column)]


def _not_object(value: Any, file: str, line: int, column: int | None,
                prefix: tuple[str | int, ...]) -> Diagnostic:
    kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)
    return CODES["PV002"].diagnostic(f"a message must be a JSON object, got {kind}",
                                     file=file, line=line, column=column,
                                     path=format_path(prefix) or None)
