"""Reading event logs: which format, and one record at a time.

Formats are detected per file, not by extension: NDJSON (one message per line, a line may be
a ``{"batch": [...]}`` envelope), a JSON array document (read element by element:
arrays.py), or one JSON object document (a message or a batch envelope). Gzip is recognised
by its magic bytes; a UTF-8 BOM and CRLF line endings are accepted. Everything is streamed:
memory stays flat however long the log is.

Detection decides per line wherever the input looks like NDJSON: a log whose first lines
are broken, or are JSON arrays, is still read line by line, never as one broken document.

Nothing here raises for bad content: a line that is not UTF-8, not JSON, not an object or too
long becomes an :class:`Item` carrying a diagnostic, and the run goes on. An input that
cannot be a log at all (``/dev/zero``, ``yes``) ends with a finding (PV006) instead of running
for ever: see limits.py. What was read up to there is validated and quarantined as usual.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, cast

from protocols.plan.loader import display_path
from protocols.validate.codes import CODES
from protocols.validate.read import limits
from protocols.validate.read.arrays import ArrayReader
from protocols.validate.read.detect import detect, has_object_line
from protocols.validate.read.gunzip import GZIP_MAGIC, GunzipReader, open_gunzip
from protocols.validate.read.limits import MAX_LINE_BYTES, Runs, is_blank, too_long, without_bom
from protocols.validate.read.records import (
    DECODER,
    Item,
    Record,
    messages_of,
    parse_message_text,
)
from protocols.validate.read.sources import STDIN, InputError, expand_inputs

# A JSON object document (one message, one batch) is parsed whole; arrays are streamed.
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
CHUNK = 1024 * 1024
_BLANK = b" \t\r\n"

__all__ = ["CHUNK", "MAX_LINE_BYTES", "STDIN", "InputError", "LineHandler", "LineReader",
           "expand_inputs", "ndjson", "read_records"]

#: Offered each complete NDJSON line and its number; returns True when it dealt with the line
#: whole (the run's fast lane, run.py), which then yields no record.
LineHandler = Callable[[bytes, int], bool]


def read_records(name: str, fast: LineHandler | None = None, *,
                 opened: Callable[[IO[bytes]], None] | None = None) -> Iterator[Record]:
    """Every record of one input (a file name or ``-``), never raising for bad content.

    With ``fast``, each complete NDJSON line is offered to it first, and only the lines it
    declines become records. ``opened`` is given the input's handle once it is open (a
    progress line asks it how far the reading has got)."""
    shown = "<stdin>" if name == STDIN else display_path(Path(name))
    if name != STDIN and os.path.isdir(name):
        yield failure(shown, 1, _folder_problem(name, shown))
        return
    try:
        handle: IO[bytes] = sys.stdin.buffer if name == STDIN else open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        yield failure(shown, 1, f"cannot read {shown}: {exc.strerror or exc}")
        return
    if opened is not None:
        opened(handle)
    try:
        yield from _read_stream(shown, handle, fast)
    except OSError as exc:  # a read error (EIO...) of the file itself
        yield failure(shown, 1, f"cannot read {shown}: {exc.strerror or exc}")
    finally:
        if name != STDIN:
            handle.close()


def _folder_problem(name: str, shown: str) -> str:
    """Why a folder among the inputs (one that could not be walked) was not read."""
    try:
        with os.scandir(name):
            pass
    except OSError as exc:
        return f"cannot list the folder {shown}: {exc.strerror or exc}"
    return f"{shown} is a folder, not a log file"


def failure(file: str, line: int, message: str, code: str = "PV005") -> Record:
    """A finding about the input that holds no bytes of it (quarantine writes nothing)."""
    error = CODES[code].diagnostic(message, file=file, line=line)
    return Record(file, line, b"", (Item(line, error=error),), kind="problem")


def _read_stream(file: str, handle: IO[bytes], fast: LineHandler | None) -> Iterator[Record]:
    peek = getattr(handle, "peek", None)
    head = peek(2)[:2] if callable(peek) else b""
    if head == GZIP_MAGIC:
        stream, gunzip = open_gunzip(handle)
        stream.peek(1)
        if gunzip.problem is None or gunzip.produced or not handle.seekable():
            yield from _read(LineReader(file, stream, gunzip), fast)
            return
        handle.seek(0)  # not gzip after all, only two bytes that look like it
    yield from _read(LineReader(file, handle, None), fast)


class LineReader:
    """Bounded ``readline`` over a binary stream, counting lines, with the runs that end
    an input that is not a log."""

    def __init__(self, file: str, stream: IO[bytes], gunzip: GunzipReader | None,
                 first_line: int = 1, *, contiguous: bool = False) -> None:
        self.file = file
        self.stream = stream
        self.gunzip = gunzip
        self.line = first_line - 1
        self.runs = Runs(first_line, contiguous=contiguous)
        self.stopped: str | None = None

    def problem(self) -> str | None:
        """Why a gzip stream ended before its data did (the stream has ended then)."""
        return self.gunzip.problem if self.gunzip is not None else None

    def count(self, record: Record) -> Record:
        """Account ``record`` (its lines already counted in ``line``) in the runs."""
        reason = self.runs.add(record, self.line + 1 - record.line)
        if reason is not None and self.stopped is None:
            self.stopped = reason
        return record

    def stop_record(self) -> Record:
        assert self.stopped is not None
        message = (f"stopped reading {self.file} after line {self.line}: {self.stopped}; the "
                   "rest of this input is not validated, nor written to --good or --bad")
        return failure(self.file, self.line, message, code="PV006")

    def rest_of_line(self, read: int) -> Iterator[bytes]:
        """The rest of a line too long to hold, in chunks, up to MAX_RECORD_BYTES in all
        (``read``: bytes of it already read); past that, reading this input stops."""
        readline = self.stream.readline
        while True:
            if read >= limits.MAX_RECORD_BYTES:
                self.stopped = (f"line {self.line} is longer than "
                                f"{limits.MAX_RECORD_BYTES // 2**20} MiB")
                return
            data = readline(min(CHUNK, limits.MAX_RECORD_BYTES - read))
            if not data:
                return
            read += len(data)
            yield data
            if data.endswith(b"\n"):
                return

    def blank_lines(self, data: bytes) -> bytes:
        """``data`` (a blank line just read) and the blank lines right after it, taken in
        blocks from the stream's buffer rather than line by line (a gigabyte of newlines
        is a few thousand reads), up to about CHUNK bytes; counts the lines."""
        peek = getattr(self.stream, "peek", None)
        if not callable(peek):
            return data
        parts = [data]
        size = len(data)
        while size < CHUNK:
            ahead = peek(CHUNK)[:CHUNK - size]
            blank = len(ahead) - len(ahead.lstrip(_BLANK))
            end = ahead.rfind(b"\n", 0, blank) + 1  # whole blank lines only
            if end <= 0:
                break
            parts.append(self.stream.read(end))
            size += end
            self.line += ahead.count(b"\n", 0, end)
        return data if len(parts) == 1 else b"".join(parts)


def _read(reader: LineReader, fast: LineHandler | None) -> Iterator[Record]:
    """Blank lines first (records of their own, never held), then the format decides."""
    file = reader.file
    while True:
        data = reader.stream.readline(MAX_LINE_BYTES + 1)
        if not data:
            yield from _ended(reader, None)
            return
        reader.line += 1
        if data.endswith(b"\n") and is_blank(data, reader.line):
            first = reader.line
            yield reader.count(Record(file, first, reader.blank_lines(data), ()))
            if reader.stopped is not None:
                yield reader.stop_record()
                return
            continue
        break
    pending = [data]
    kind = detect(reader, pending)
    if kind == "array":
        yield from _array(reader, pending, fast)
    elif kind == "document":
        yield from _document(reader, pending, fast)
    else:
        yield from ndjson(reader, pending, fast)


def _ended(reader: LineReader, last: bytes | None) -> Iterator[Record]:
    """At the end of the stream: the gzip problem that ended it early, if any, unless the
    last line (cut short by it) already said so."""
    problem = reader.problem()
    if problem is not None and (last is None or last.endswith(b"\n")):
        yield failure(reader.file, reader.line + 1,
                       f"cannot read past line {reader.line}: {problem}")


def ndjson(reader: LineReader, pending: list[bytes], fast: LineHandler | None = None
            ) -> Iterator[Record]:
    """One record per line. ``pending``: lines already read (ending at ``reader.line``)."""
    end = reader.line
    reader.line -= len(pending)
    last: bytes | None = None
    for data in pending:
        reader.line += 1
        last = data
        if data[-1:] == b"\n" and fast is not None and fast(data, reader.line):
            continue
        yield from _slow_line(reader, data, ahead=False)
        if reader.stopped is not None:
            yield reader.stop_record()
            return
    assert reader.line == end
    # The loop every line of a big log goes through (a line is never longer than the limit
    # plus one byte: a longer one is read by _slow_line, a chunk at a time).
    readline, limit = reader.stream.readline, MAX_LINE_BYTES + 1
    while True:
        data = readline(limit)
        if not data:
            yield from _ended(reader, last)
            return
        reader.line += 1
        last = data
        if fast is not None and (data[-1:] == b"\n" or (
                len(data) <= MAX_LINE_BYTES and reader.gunzip is None)) \
                and fast(data, reader.line):
            continue
        yield from _slow_line(reader, data)
        if reader.stopped is not None:
            yield reader.stop_record()
            return


def _slow_line(reader: LineReader, data: bytes, *, ahead: bool = True) -> Iterator[Record]:
    """The record of one line the fast lane declined (blank, too long, cut short, or with
    a finding), counted in the runs that stop an input that is not a log. ``ahead``: a
    blank line takes the blank lines that follow it in the stream (not for a line read
    ahead by detection: the stream is then past the lines after it)."""
    file, line = reader.file, reader.line
    if data.endswith(b"\n"):
        if is_blank(data, line):
            record = Record(file, line, reader.blank_lines(data) if ahead else data, ())
        else:
            record = _line_record(file, line, data)
        yield reader.count(record)
        return
    if len(data) > MAX_LINE_BYTES:
        record = Record(file, line, data, (Item(line, error=too_long(file, line)),),
                        reader.rest_of_line(len(data)))
        yield reader.count(record)
        assert record.tail is not None
        for _ in record.tail:  # whatever the caller did not consume, up to the line's end
            pass
        return
    # The last line, without a line ending: complete, unless a gzip stream broke inside it.
    problem = reader.problem()
    if problem is not None:
        error = CODES["PV005"].diagnostic(
            f"line {line} is cut short: {problem}", file=file, line=line)
        yield reader.count(Record(file, line, data, (Item(line, error=error),), kind="problem"))
        return
    yield reader.count(Record(file, line, data, ()) if is_blank(data, line)
                       else _line_record(file, line, data))


def _line_record(file: str, line: int, data: bytes) -> Record:
    return Record(file, line, data, tuple(parse_message_text(without_bom(data, line), file=file,
                                                             line=line)))


def _array(reader: LineReader, pending: list[bytes], fast: LineHandler | None = None
           ) -> Iterator[Record]:
    """An array document, element by element (arrays.py), within the same limits; what
    follows its closing bracket on later lines is read as NDJSON."""
    first_line = reader.line - len(pending) + 1
    elements = ArrayReader(reader.file, reader.stream.read, b"".join(pending), first_line,
                           max_element=MAX_LINE_BYTES)
    yield from _elements(reader, elements, first_line, fast)


def _elements(reader: LineReader, elements: ArrayReader, first_line: int,
              fast: LineHandler | None) -> Iterator[Record]:
    """The records of an array (``elements``, from ``first_line``), within the limits that end
    an input that is not a log; then what follows it (NDJSON)."""
    runs = Runs(first_line, contiguous=True)
    for record in elements.records():
        yield record
        if record.tail is not None:
            for _ in record.tail:  # whatever the caller did not consume
                pass
        reason = elements.stopped or runs.add(record, 1, size=elements.last_size)
        if reason is not None:
            reader.stopped = reason
            reader.line = elements.stopped_line if elements.stopped else record.line
            yield reader.stop_record()
            return
    if elements.stopped is not None:  # (between records: white space without end)
        reader.stopped, reader.line = elements.stopped, elements.stopped_line
        yield reader.stop_record()
        return
    if elements.rest is not None:
        line, held = elements.rest
        yield from ndjson(_lines_after(reader, held, line), [], fast)
        return
    problem = reader.problem()
    if problem is not None:
        yield failure(reader.file, first_line, f"the array document is cut short: {problem}")


def _document(reader: LineReader, pending: list[bytes], fast: LineHandler | None
              ) -> Iterator[Record]:
    """A file holding one JSON document that is not a pretty-printed array: an object (a
    message or a batch) or an array, parsed whole. Past MAX_DOCUMENT_BYTES, or when it is not
    one JSON value but its lines are, the bytes held and the rest of the stream are read line
    by line as NDJSON; otherwise a broken array is read element by element (arrays.py), and
    any other broken document is one bad record, all its bytes kept."""
    file = reader.file
    start_line = reader.line - len(pending) + 1
    parts = list(pending)
    size = sum(len(p) for p in parts)
    while size <= MAX_DOCUMENT_BYTES:
        chunk = reader.stream.read(CHUNK)
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    content = b"".join(parts)
    del parts
    body = without_bom(content, start_line)
    if size <= MAX_DOCUMENT_BYTES and reader.problem() is None:
        try:
            value = DECODER.decode(body.decode("utf-8"))
        except (ValueError, RecursionError):
            value = _NOT_JSON
        # An array, or what opens like one and has no line that is a message: element by
        # element (a broken element is a record of its own, the others are read).
        if isinstance(value, list) or (value is _NOT_JSON and body.lstrip()[:1] == b"["
                                       and not has_object_line(body)):
            source = io.BytesIO(body)  # (without the BOM, which the array reader would see)
            yield from _elements(reader, ArrayReader(file, source.read, b"", start_line,
                                                     max_element=MAX_LINE_BYTES),
                                 start_line, fast)
            return
        if value is not _NOT_JSON:
            yield Record(file, start_line, content,
                         tuple(messages_of(value, file=file, line=start_line)), kind="document")
            return
        if not has_object_line(body):
            yield Record(file, start_line, content,
                         tuple(parse_message_text(body, file=file, line=start_line)),
                         kind="document")
            return
    lines = _lines_after(reader, content, start_line)
    lines.runs = reader.runs
    yield from ndjson(lines, [], fast)


def _lines_after(reader: LineReader, held: bytes, line: int) -> LineReader:
    """The lines of ``held`` (bytes already read from ``reader``), then of the rest of its
    stream, numbered from ``line``."""
    joined = io.BufferedReader(cast(io.RawIOBase, _Joined(io.BytesIO(held), reader.stream)),
                               buffer_size=CHUNK)
    return LineReader(reader.file, joined, reader.gunzip, line)


_NOT_JSON = object()


class _Joined(io.RawIOBase):
    """Two binary streams, one after the other."""

    def __init__(self, first: IO[bytes], second: IO[bytes]) -> None:
        super().__init__()
        self._streams = [first, second]

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._streams:
            data = self._streams[0].read(len(buffer))
            if data:
                buffer[: len(data)] = data
                return len(data)
            self._streams.pop(0)
        return 0
