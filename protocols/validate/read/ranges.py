"""Reading plain NDJSON files in pieces, for ``--jobs`` (parallel.py).

A piece is a byte range that starts and ends at line ends; :func:`read_range` gives exactly
the records :func:`~protocols.validate.read.inputs.read_records` gives for those lines, and the
runs at the piece's edges (limits.py), which the parent adds across pieces.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from protocols.plan.loader import display_path
from protocols.validate.read import limits
from protocols.validate.read.detect import detect
from protocols.validate.read.gunzip import GZIP_MAGIC
from protocols.validate.read.inputs import STDIN, LineHandler, LineReader, failure, ndjson
from protocols.validate.read.limits import MAX_LINE_BYTES, RunEdges, is_blank
from protocols.validate.read.records import Record


def splittable(name: str) -> bool:
    """Whether ``name`` is a plain (not gzip) NDJSON file, which :func:`read_range` can read
    in pieces with the very records :func:`read_records` gives."""
    if name == STDIN or not Path(name).is_file():
        return False
    try:
        with open(name, "rb") as handle:
            if handle.peek(2)[:2] == GZIP_MAGIC:
                return False
            reader = LineReader(name, handle, None)
            blank = 0
            while True:
                data = handle.readline(MAX_LINE_BYTES + 1)
                if not data:
                    return True
                reader.line += 1
                if not (data.endswith(b"\n") and is_blank(data, reader.line)):
                    break
                blank += len(reader.blank_lines(data))
                if blank > limits.MAX_BLANK_BYTES:
                    return False  # reading stops there: one process decides where
            return detect(reader, [data]) == "ndjson"
    except OSError:
        return False


class _Range:
    """The next ``size`` bytes of a stream, read by line."""

    def __init__(self, stream: io.BufferedReader, size: int) -> None:
        self.stream = stream
        self.left = size

    def readline(self, limit: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.readline(self.left if limit < 0 else min(limit, self.left))
        self.left -= len(data)
        return data

    def read(self, size: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        data = self.stream.read(self.left if size < 0 else min(size, self.left))
        self.left -= len(data)
        return data

    def peek(self, size: int = 0) -> bytes:
        return self.stream.peek(size)[: max(self.left, 0)]


def read_range(name: str, start: int, end: int, first_line: int,
               fast: LineHandler | None = None, edges: list[RunEdges] | None = None
               ) -> Iterator[Record]:
    """The records of bytes ``start`` to ``end`` of a :func:`splittable` file, where line
    ``first_line`` starts at ``start`` and a line ends at ``end`` (``fast``: as in
    :func:`read_records`). ``edges`` receives the piece's :class:`RunEdges`."""
    shown = display_path(Path(name))
    try:
        handle = open(name, "rb")  # noqa: SIM115
    except OSError as exc:
        yield failure(shown, first_line, f"cannot read {shown}: {exc.strerror or exc}")
        return
    with handle:
        handle.seek(start)
        reader = LineReader(shown, cast(IO[bytes], _Range(handle, end - start)), None,
                             first_line)
        try:
            yield from ndjson(reader, [], fast)
        except OSError as exc:
            yield failure(shown, reader.line + 1, f"cannot read past line {reader.line}: {exc}")
        if edges is not None:
            found = reader.runs.finish(reader.line + 1)
            found.stopped = reader.stopped is not None
            edges.append(found)
