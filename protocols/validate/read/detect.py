"""Which format an input is: NDJSON, a JSON array document, or one JSON object document.

Decided from the first line with content and, when that is not enough, the next few; see
:func:`detect`. Wherever the input looks like NDJSON it is read line by line, so a log
whose first lines are broken, or are JSON arrays, is never taken for one broken document.
"""

from __future__ import annotations

from typing import IO, Protocol

from protocols.validate.read.limits import BOM, MAX_LINE_BYTES, is_blank
from protocols.validate.read.records import DECODER

# How far detection looks past a first line that opens like a document but is not JSON.
LOOKAHEAD_LINES = 8
LOOKAHEAD_BYTES = 1024 * 1024


class Lines(Protocol):
    """What detection reads from: a stream, and the number of the last line read."""

    stream: IO[bytes]
    line: int


def detect(reader: Lines, pending: list[bytes]) -> str:
    """``ndjson``, ``array`` or ``document``, from the first line with content (in
    ``pending``) and, when that is not enough, the next ones (read into ``pending``).

    - a first line longer than a message (MAX_LINE_BYTES): an array document when it opens
      with ``[`` (a one-line array, read element by element however long; what follows it
      on later lines is read as NDJSON), else NDJSON (the line is too long to be read);
    - a first line not starting with ``[`` or ``{``: NDJSON;
    - a whole JSON object: NDJSON (one message, or a batch, per line);
    - a whole JSON array: a one-line array document, unless another line with content
      follows (then each line is a record of NDJSON: a log of arrays, or one that starts
      with one);
    - ``[`` alone (how every tool pretty-prints an array): an array document, streamed,
      unless two of the next LOOKAHEAD_LINES lines with content are JSON objects by
      themselves (in an array written an element a line, only the last has no comma);
    - any other line opening with ``[`` or ``{``: a broken first line of NDJSON when one of
      the next LOOKAHEAD_LINES lines with content is a JSON object by itself, else a
      document (parsed whole up to MAX_DOCUMENT_BYTES, read line by line past that or when
      it is not JSON but some of its lines are: _document).
    """
    first = pending[0]
    if not first.endswith(b"\n") and len(first) > MAX_LINE_BYTES:
        # Too long to hold, or to be a message: a one-line array (what ``jq -c`` writes)
        # when it opens like one, streamed; any other, a line of NDJSON too long to read.
        return "array" if first.lstrip(BOM).lstrip()[:1] == b"[" else "ndjson"
    text = first.lstrip(BOM).strip()
    opening = text[:1]
    if opening not in (b"[", b"{"):
        return "ndjson"
    if _parses(text):
        if opening == b"{":
            return "ndjson"
        return "ndjson" if _next_content(reader, pending) is not None else "array"
    needed = 2 if text == b"[" else 1
    for _ in range(LOOKAHEAD_LINES):
        following = _next_content(reader, pending)
        if following is None:
            break
        if _is_object_line(following):
            needed -= 1
            if not needed:
                return "ndjson"
    return "array" if text == b"[" else "document"


def _is_object_line(data: bytes) -> bool:
    text = data.strip()
    return text[:1] == b"{" and _parses(text, dict)


def _next_content(reader: Lines, pending: list[bytes]) -> bytes | None:
    """Read lines into ``pending`` up to the next one with content (returned), within
    LOOKAHEAD_BYTES in all; None at the end of the input or past the look-ahead."""
    size = sum(len(data) for data in pending)
    while size <= LOOKAHEAD_BYTES:
        data = reader.stream.readline(MAX_LINE_BYTES + 1)
        if not data:
            return None
        reader.line += 1
        pending.append(data)
        size += len(data)
        if not data.endswith(b"\n") and len(data) > MAX_LINE_BYTES:
            return None  # a line too long to be a message decides nothing
        if not is_blank(data, reader.line):
            return data
    return None


def _parses(text: bytes, kind: type = object) -> bool:
    try:
        value = DECODER.decode(text.decode("utf-8"))
    except (ValueError, RecursionError):
        return False
    return isinstance(value, kind)


def has_object_line(body: bytes) -> bool:
    """Whether a document that is not JSON has a line that is a JSON object by itself (a
    message): then it is a log with broken lines, to be read line by line."""
    start = 0
    while start < len(body):
        end = body.find(b"\n", start)
        end = len(body) if end < 0 else end
        if _is_object_line(body[start:end]):
            return True
        start = end + 1
    return False
