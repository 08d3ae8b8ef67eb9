"""Reading event logs: which files, which format, and one record at a time.

Formats are detected per file, not by extension: NDJSON (one message per line, a line may be
a ``{"batch": [...]}`` envelope), or one JSON document (an array of messages, one message, or
one batch envelope). Gzip is recognised by its magic bytes; a UTF-8 BOM and CRLF line endings
are accepted. NDJSON is streamed line by line, so memory stays flat however long the log is.

Nothing here raises for bad content: a line that is not UTF-8, not JSON, not an object or too
long becomes a :class:`Item` carrying a diagnostic, and the run goes on.
"""

from __future__ import annotations

import glob
import gzip
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, cast

from protocols.plan.loader import display_path
from protocols.validate.codes import CODES
from protocols.validate.records import (
    DECODER,
    Item,
    Record,
    messages_of,
    parse_message_text,
)

# Segment refuses messages above 32 KB; a line 32 times that is certainly not one message.
MAX_LINE_BYTES = 1024 * 1024
# A JSON document (array or object file) is parsed whole; beyond this, use NDJSON.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024
CHUNK = 1024 * 1024
LOG_SUFFIXES = (".ndjson", ".jsonl", ".json", ".log", ".gz")
STDIN = "-"
_BOM = b"\xef\xbb\xbf"
_GZIP_MAGIC = b"\x1f\x8b"


#: Offered each complete NDJSON line and its number; returns True when it dealt with the line
#: whole (the run's fast lane, run.py), which then yields no record.
LineHandler = Callable[[bytes, int], bool]


class InputError(Exception):
    """An input argument that names nothing readable (a usage error, exit code 2)."""


def expand_inputs(arguments: Iterable[str]) -> list[str]:
    """Files to read, in order: files as given, folders walked, globs expanded, ``-`` stdin.

    Raises :class:`InputError` for a path that does not exist or a glob that matches nothing.
    """
    found: list[str] = []
    for argument in arguments:
        if argument == STDIN:
            found.append(STDIN)
            continue
        path = Path(argument)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and _is_log(p))
            if not files:
                raise InputError(f"no log files ({', '.join(LOG_SUFFIXES)}) in {argument}")
            found.extend(str(p) for p in files)
        elif path.exists():
            found.append(argument)
        elif glob.has_magic(argument):
            matches = sorted(p for p in glob.glob(argument, recursive=True) if Path(p).is_file())
            if not matches:
                raise InputError(f"no files match {argument}")
            found.extend(matches)
        else:
            raise InputError(f"no such file or folder: {argument}")
    return list(dict.fromkeys(found))


def _is_log(path: Path) -> bool:
    return path.name.lower().endswith(LOG_SUFFIXES) and not path.name.startswith(".")


def read_records(name: str, fast: LineHandler | None = None) -> Iterator[Record]:
    """Every record of one input (a file name or ``-``), never raising for bad content.

    With ``fast``, each complete NDJSON line is offered to it first, and only the lines it
    declines become records."""
    shown = "<stdin>" if name == STDIN else display_path(Path(name))
    try:
        handle: IO[bytes] = sys.stdin.buffer if name == STDIN else open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        yield _failure(shown, 1, f"cannot read {shown}: {exc.strerror or exc}")
        return
    try:
        yield from _read_stream(shown, handle, fast)
    finally:
        if name != STDIN:
            handle.close()


def _failure(file: str, line: int, message: str, raw: bytes = b"",
             tail: Iterator[bytes] | None = None) -> Record:
    error = CODES["PV005"].diagnostic(message, file=file, line=line)
    return Record(file, line, raw, (Item(line, error=error),), tail)


def _read_stream(file: str, handle: IO[bytes], fast: LineHandler | None) -> Iterator[Record]:
    stream = _maybe_gunzip(handle)
    reader = _LineReader(file, stream)
    try:
        yield from _detect_and_read(file, reader, fast)
    except (OSError, EOFError, zlib.error) as exc:
        if stream is not handle and reader.line == 0 and handle.seekable():
            # Not gzip after all, only two bytes that look like it: read it as it is.
            handle.seek(0)
            yield from _detect_and_read(file, _LineReader(file, handle), fast)
            return
        # A truncated or corrupt gzip stream: say where it broke and keep the earlier lines.
        yield _failure(file, reader.line + 1, f"cannot read past line {reader.line}: {exc}")


def _maybe_gunzip(handle: IO[bytes]) -> IO[bytes]:
    peek = getattr(handle, "peek", None)
    head = peek(2)[:2] if callable(peek) else b""
    if head == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # type: ignore[return-value]
    return handle


class _LineReader:
    """Bounded ``readline`` over a binary stream, counting lines."""

    def __init__(self, file: str, stream: IO[bytes]) -> None:
        self.file = file
        self.stream = stream
        self.line = 0

    def next_line(self) -> tuple[bytes, bool] | None:
        """The next line (up to MAX_LINE_BYTES) and whether it is complete; None at the end."""
        data = self.stream.readline(MAX_LINE_BYTES + 1)
        if not data:
            return None
        self.line += 1
        complete = data.endswith(b"\n") or len(data) <= MAX_LINE_BYTES
        return data, complete

    def rest_of_line(self) -> Iterator[bytes]:
        while True:
            data = self.stream.readline(CHUNK)
            if not data:
                return
            yield data
            if data.endswith(b"\n"):
                return


def _detect_and_read(file: str, reader: _LineReader, fast: LineHandler | None
                     ) -> Iterator[Record]:
    leading, ndjson = _leading_lines(reader)
    if ndjson:
        yield from _ndjson(file, reader, leading, fast)
        return
    # Blank lines before the document are records of their own (for quarantine accounting).
    for offset, (data, _) in enumerate(leading[:-1]):
        yield Record(file, reader.line - len(leading) + 1 + offset, data, ())
    yield from _document(file, reader, leading[-1:])


def _leading_lines(reader: _LineReader) -> tuple[list[tuple[bytes, bool]], bool]:
    """The lines up to the first with content, and whether the input is NDJSON."""
    # Blank lines before the first content decide nothing; keep them for quarantine.
    leading: list[tuple[bytes, bool]] = []
    while True:
        got = reader.next_line()
        if got is None:
            return leading, True
        leading.append(got)
        data, complete = got
        if data.strip(b" \t\r\n" + _BOM) or not complete:
            break
    first, complete = leading[-1]
    text = first.lstrip(_BOM).strip()
    # A first line that is a whole JSON object starts NDJSON; "[" starts an array document
    # (on one line or many); "{" that does not close on its line starts a pretty document.
    ndjson = not complete or text[:1] not in (b"[", b"{") or (
        text[:1] == b"{" and _parses(text))
    return leading, ndjson


def splittable(name: str) -> bool:
    """Whether ``name`` is a plain (not gzip) NDJSON file, which :func:`read_range` can read
    in pieces with the very records :func:`read_records` gives."""
    if name == STDIN or not Path(name).is_file():
        return False
    try:
        with open(name, "rb") as handle:
            if handle.peek(2)[:2] == _GZIP_MAGIC:
                return False
            return _leading_lines(_LineReader(name, handle))[1]
    except OSError:
        return False


class _Range:
    """The next ``size`` bytes of a stream, read by line."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        self.stream = stream
        self.left = size

    def readline(self, limit: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.readline(self.left if limit < 0 else min(limit, self.left))
        self.left -= len(data)
        return data


def read_range(name: str, start: int, end: int, first_line: int,
               fast: LineHandler | None = None) -> Iterator[Record]:
    """The records of bytes ``start`` to ``end`` of a :func:`splittable` file, where line
    ``first_line`` starts at ``start`` and a line ends at ``end`` (``fast``: as in
    :func:`read_records`)."""
    shown = display_path(Path(name))
    try:
        handle = open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        yield _failure(shown, first_line, f"cannot read {shown}: {exc.strerror or exc}")
        return
    with handle:
        handle.seek(start)
        reader = _LineReader(shown, cast(IO[bytes], _Range(handle, end - start)))
        reader.line = first_line - 1
        try:
            yield from _ndjson(shown, reader, [], fast)
        except OSError as exc:
            yield _failure(shown, reader.line + 1, f"cannot read past line {reader.line}: {exc}")


def _parses(text: bytes) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _ndjson(file: str, reader: _LineReader, leading: list[tuple[bytes, bool]],
            fast: LineHandler | None = None) -> Iterator[Record]:
    first_line = reader.line - len(leading) + 1
    for offset, (data, complete) in enumerate(leading):
        record = _line_record(file, first_line + offset, data, complete, reader)
        yield record
        if record.tail is not None:
            for _ in record.tail:  # skip whatever the caller did not consume
                pass
    # The loop every line of a big log goes through: reader.next_line inlined.
    readline, limit = reader.stream.readline, MAX_LINE_BYTES + 1
    while True:
        data = readline(limit)
        if not data:
            return
        reader.line += 1
        line = reader.line
        complete = data.endswith(b"\n") or len(data) <= MAX_LINE_BYTES
        if complete and fast is not None and fast(data, line):
            continue
        record = _line_record(file, line, data, complete, reader)
        yield record
        if record.tail is not None:
            for _ in record.tail:
                pass


def _line_record(file: str, line: int, data: bytes, complete: bool,
                 reader: _LineReader) -> Record:
    if not complete:
        error = CODES["PV004"].diagnostic(
            f"line longer than {MAX_LINE_BYTES // 1024} KiB: not read as a message",
            file=file, line=line)
        return Record(file, line, data, (Item(line, error=error),), reader.rest_of_line())
    body = data[len(_BOM):] if line == 1 and data.startswith(_BOM) else data
    if not body or body.isspace():  # (what strip() would leave empty, without a copy)
        return Record(file, line, data, ())
    return Record(file, line, data, tuple(parse_message_text(body, file=file, line=line)))


def _document(file: str, reader: _LineReader, leading: list[tuple[bytes, bool]]
              ) -> Iterator[Record]:
    """A file holding one JSON document: an array of messages, a message, or a batch."""
    start_line = reader.line - len(leading) + 1
    parts = [data for data, _ in leading]
    size = sum(len(p) for p in parts)
    while size <= MAX_DOCUMENT_BYTES:
        chunk = reader.stream.read(CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    content = b"".join(parts)
    if size > MAX_DOCUMENT_BYTES:
        def rest() -> Iterator[bytes]:
            while chunk := reader.stream.read(CHUNK):
                yield chunk
        yield _failure(file, start_line,
                       f"a JSON document larger than {MAX_DOCUMENT_BYTES // 2**20} MiB; "
                       "write large logs as NDJSON (one message per line)", content, rest())
        return
    body = content[len(_BOM):] if start_line == 1 and content.startswith(_BOM) else content
    try:
        text = body.decode("utf-8")
        value = DECODER.decode(text)
    except (ValueError, RecursionError):
        if _looks_like_ndjson(body):
            yield from _ndjson_in_memory(file, start_line, content)
            return
        yield Record(file, start_line, content,
                     tuple(parse_message_text(body, file=file, line=start_line)))
        return
    if not isinstance(value, list):
        yield Record(file, start_line, content, tuple(messages_of(value, file=file,
                                                                  line=start_line)))
        return
    yield from _array_elements(file, start_line, text)


def _looks_like_ndjson(body: bytes) -> bool:
    """A file that is not one JSON document but whose first line, or next lines, are."""
    lines = [line for line in body.split(b"\n") if line.strip()]
    return len(lines) >= 2 and (_parses(lines[0].lstrip(_BOM))
                                or all(_parses(line) for line in lines[1:3]))


def _ndjson_in_memory(file: str, start_line: int, content: bytes) -> Iterator[Record]:
    for offset, data in enumerate(re.findall(rb"[^\n]*\n|[^\n]+$", content)):
        line = start_line + offset
        body = data[len(_BOM):] if line == 1 and data.startswith(_BOM) else data
        items = tuple(parse_message_text(body, file=file, line=line)) if body.strip() else ()
        yield Record(file, line, data, items)


def _array_elements(file: str, start_line: int, text: str) -> Iterator[Record]:
    """One record per array element: the element's exact source text, then a newline.

    The brackets and commas around elements belong to no message and are not kept, so a
    quarantine file holds one message per record, each unchanged.
    """
    decoder = DECODER
    position = text.index("[") + 1
    line, counted = start_line, 0
    while True:
        position = _skip_space(text, position)
        if position >= len(text) or text[position] == "]":
            return
        line += text.count("\n", counted, position)
        counted = position
        value, end = decoder.raw_decode(text, position)
        raw = text[position:end].encode("utf-8") + b"\n"
        yield Record(file, line, raw, tuple(messages_of(value, file=file, line=line)))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position += 1


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position
