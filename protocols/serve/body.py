"""Request bodies: decompressed within a limit, then split into the records to keep.

A record is what goes to the good or the bad file as one NDJSON line: one message of a batch
(its exact bytes), one single message, or a whole body that holds no message (not JSON, not
UTF-8, not an object, a corrupt gzip stream). Bytes are kept as sent; the one change is that
line breaks between JSON tokens (a pretty-printed body) become spaces, so that a record stays
one line. JSON strings cannot hold a raw line break, so this changes no value, and SDKs send
compact JSON anyway. A body that is not JSON at all is kept byte for byte, line breaks
included (the reasons file says on which line of the bad file it starts).

Parsing never raises for bad content: a record that cannot be a message carries the same
diagnostic ``protocols validate`` gives (PV001 malformed JSON, PV002 not an object, PV003
not UTF-8, PV005 unreadable).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any

import msgspec

from protocols.diagnostics import Diagnostic
from protocols.validate.codes import CODES
from protocols.validate.read.records import DECODER, NOT_PARSED, parse_message_text, parsed_fast

BODY_FILE = "<request body>"  # the file name diagnostics about a body carry
_WHITESPACE = b" \t\r\n"
_MAX_GZIP_MEMBERS = 64  # gzip members concatenated in one body
_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw])
_ELEMENTS = msgspec.json.Decoder(list[msgspec.Raw])


class Unreadable(Exception):
    """A body that cannot be decoded: ``status`` is the HTTP answer, ``reason`` says why."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Part:
    """One record of a request: its line, and the message in it or why there is none.

    ``note`` is a reason with no validate code (a batch over the length limit);
    ``index`` the record's position in its batch. A batch's elements come unparsed
    (``pending``): :func:`parsed` reads one when it is its turn to be checked.
    """

    raw: bytes
    message: Any = None
    error: Diagnostic | None = None
    note: str | None = None
    index: int | None = None
    pending: bool = False


@dataclass(frozen=True, slots=True)
class Split:
    """The records of one body. ``status``/``problem``: the request is answered with an
    error (the records are kept all the same)."""

    parts: tuple[Part, ...]
    write_key: str | None = None
    status: int = 200
    problem: str | None = None


def decompress(body: bytes, encoding: str | None, *, limit: int) -> bytes:
    """The body as sent before ``Content-Encoding`` (gzip or none), at most ``limit`` bytes.

    A gzip bomb is stopped after ``limit + 1`` bytes of output, never inflated whole.
    """
    name = (encoding or "").strip().lower()
    if name in ("", "identity"):
        return body
    if name not in ("gzip", "x-gzip"):
        raise Unreadable(415, f"Content-Encoding {clip_text(name)!r} is not supported "
                              "(send gzip or no encoding)")
    out = bytearray()
    data = body
    for _ in range(_MAX_GZIP_MEMBERS):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out += inflater.decompress(data, limit + 1 - len(out))
        except zlib.error as exc:
            raise Unreadable(400, f"the gzip body is corrupt ({exc})") from None
        if len(out) > limit:
            raise Unreadable(413, f"the gzip body expands past {limit} bytes (--max-body)")
        if not inflater.eof:
            raise Unreadable(400, "the gzip body is truncated")
        data = inflater.unused_data
        if not data.strip(b"\0"):
            return bytes(out)
    raise Unreadable(400, f"more than {_MAX_GZIP_MEMBERS} gzip members in one body")


def unreadable_part(body: bytes, reason: str) -> Part:
    """A body kept unchanged because it could not be decoded (PV005, as validate says of a
    corrupt gzip file)."""
    return Part(body, error=CODES["PV005"].diagnostic(reason, file=BODY_FILE, line=1))


def split(body: bytes, *, max_batch: int) -> Split:
    """The records of a decoded body: each message of a ``{"batch": [...]}``, or the one
    message, or the whole body when it holds none."""
    text = body.strip(_WHITESPACE)
    try:
        top = _TOP.decode(text)
    except (msgspec.MsgspecError, RecursionError):  # not JSON, not an object, nested too
        return _split_slowly(body, max_batch)  # deeply, or JSON only the stdlib takes
    write_key = _text(top.get("writeKey"))
    batch = top.get("batch")
    if batch is None or "type" in top:
        return _single(text, write_key)
    try:
        elements = _ELEMENTS.decode(batch)
    except (msgspec.MsgspecError, RecursionError):  # "batch" is not a list: a message,
        return _single(text, write_key)  # which validate judges
    if len(elements) > max_batch:
        return _too_long(body, len(elements), max_batch, write_key)
    return Split(tuple(_element(bytes(raw), index) for index, raw in enumerate(elements)),
                 write_key)


def _single(text: bytes, write_key: str | None) -> Split:
    value, error = _value(text)
    part = Part(one_line(text), error=error) if error is not None else \
        _part(one_line(text), value, None)
    if part.error is not None:
        return Split((part,), write_key, 400, part.error.message)
    return Split((part,), write_key)


def _element(raw: bytes, index: int) -> Part:
    return Part(one_line(raw), index=index, pending=True)


def parsed(part: Part) -> Part:
    """The part with its message (or why it is none), read now if it was pending."""
    if not part.pending:
        return part
    value, error = _value(part.raw)
    if error is not None:
        return Part(part.raw, error=error, index=part.index)
    return _part(part.raw, value, part.index)


def _value(raw: bytes) -> tuple[Any, Diagnostic | None]:
    """The JSON value of a record, or the finding validate gives a line it cannot read.

    The fast parser's splitting does not read every byte the way a full parse does: an
    element may still be invalid UTF-8, hold an integer too long for Python to convert, or
    nest past the recursion limit. Such a record is bad (PV003, PV001), never an error that
    would lose the request."""
    value = parsed_fast(raw)
    if value is not NOT_PARSED:
        return value, None
    try:
        return DECODER.decode(raw.decode("utf-8")), None
    except (ValueError, RecursionError):  # (UnicodeDecodeError and JSONDecodeError too)
        items = parse_message_text(raw, file=BODY_FILE, line=1)
        error = items[0].error if items else None
        return None, error or CODES["PV001"].diagnostic("not valid JSON", file=BODY_FILE,
                                                        line=1)


def _part(raw: bytes, value: Any, index: int | None) -> Part:
    if type(value) is dict:
        return Part(raw, message=value, index=index)
    error = CODES["PV002"].diagnostic(f"a message must be a JSON object, got {_kind(value)}",
                                      file=BODY_FILE, line=1)
    return Part(raw, error=error, index=index)


def _too_long(body: bytes, length: int, max_batch: int, write_key: str | None) -> Split:
    reason = (f"a batch of {length} messages is over the limit of {max_batch} (--max-batch): "
              "kept whole, not validated")
    return Split((Part(body, note=reason),), write_key, 413, reason)


def _split_slowly(body: bytes, max_batch: int) -> Split:
    """What the fast parser refused: validate's own parser decides (and positions the error),
    and a batch is walked with the stdlib scanner to find each message's bytes."""
    items = parse_message_text(body, file=BODY_FILE, line=1)
    first = items[0] if items else None
    if first is not None and first.error is not None and not first.prefix:
        return Split((Part(body, error=first.error),), None, 400, first.error.message)
    text = body.decode("utf-8")  # (it parsed, so it decodes)
    value, spans = _batch_spans(text)
    write_key = _text(value.get("writeKey")) if isinstance(value, dict) else None
    if spans is None:
        return _single(body.strip(_WHITESPACE), write_key)
    if len(spans) > max_batch:
        return _too_long(body, len(spans), max_batch, write_key)
    return Split(tuple(_part(one_line(text[start:end].encode("utf-8")), element, index)
                       for index, (start, end, element) in enumerate(spans)), write_key)


def _batch_spans(text: str) -> tuple[Any, list[tuple[int, int, Any]] | None]:
    """The document, and the (start, end, value) of each element of its ``batch`` list when
    it is a batch (as validate reads one: an object with a list ``batch`` and no ``type``)."""
    start = _skip(text, 0)
    value, _ = DECODER.raw_decode(text, start)
    if not (isinstance(value, dict) and "type" not in value
            and isinstance(value.get("batch"), list)):
        return value, None
    spans: list[tuple[int, int, Any]] = []
    position = _skip(text, start + 1)  # after "{"
    while text[position] != "}":
        key, position = DECODER.raw_decode(text, position)
        position = _skip(text, _skip(text, position) + 1)  # after ":"
        element_spans: list[tuple[int, int, Any]] = []
        if key == "batch" and text[position] == "[":
            position = _skip(text, position + 1)
            while text[position] != "]":
                element, end = DECODER.raw_decode(text, position)
                element_spans.append((position, end, element))
                position = _skip(text, end)
                if text[position] == ",":
                    position = _skip(text, position + 1)
            position += 1
            spans = element_spans  # (the last "batch" key wins, as in the parsed value)
        else:
            _, position = DECODER.raw_decode(text, position)
        position = _skip(text, position)
        if text[position] == ",":
            position = _skip(text, position + 1)
    return value, spans


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def one_line(raw: bytes) -> bytes:
    """The record as one line: line breaks between JSON tokens become spaces."""
    if b"\n" in raw or b"\r" in raw:
        return raw.replace(b"\r", b" ").replace(b"\n", b" ")
    return raw


def _text(value: Any) -> str | None:
    """A write key from a body (msgspec Raw or a str), if it is a short string."""
    if isinstance(value, msgspec.Raw):
        try:
            value = msgspec.json.decode(value)
        except msgspec.MsgspecError:
            return None
    return value if isinstance(value, str) and value else None


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def clip_text(text: str, limit: int = 80) -> str:
    """A string from a request, shortened for an error message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."
