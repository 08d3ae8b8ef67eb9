"""The limits that end an input which is not a log, and what reading counts against them.

A log can be long, broken in places, or gzip of any size, and is read to its end. Some
inputs are not logs at all and would run for ever, or fill the bad file: ``/dev/zero`` (one
endless line), a small gzip of a gigabyte of newlines, ``yes`` or ``/dev/urandom`` (lines
that never hold a message). Reading such an input stops with a finding (PV006) at:

- a line longer than MAX_RECORD_BYTES (a line over MAX_LINE_BYTES is already not read as a
  message, PV004; its bytes still go to the bad file, up to this limit);
- more than MAX_BLANK_BYTES of blank lines in a row;
- MAX_BROKEN_LINES lines, or MAX_BROKEN_BYTES, in a row without a message that can be read
  (blank lines between them do not end the run).

The limits are read when used, so tests can lower them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from protocols.diagnostics import Diagnostic
from protocols.validate.codes import CODES
from protocols.validate.read.records import Record

# Segment refuses messages above 32 KB; a line 32 times that is certainly not one message.
MAX_LINE_BYTES = 1024 * 1024
MAX_RECORD_BYTES = 64 * 1024 * 1024
MAX_BLANK_BYTES = 64 * 1024 * 1024
MAX_BROKEN_LINES = 100_000
MAX_BROKEN_BYTES = 64 * 1024 * 1024
BOM = b"\xef\xbb\xbf"


def without_bom(data: bytes, line: int) -> bytes:
    """The text of a line or document starting on ``line``: a UTF-8 BOM is skipped on the
    first line only, as at the start of a file."""
    return data[len(BOM):] if line == 1 and data.startswith(BOM) else data


def is_blank(data: bytes, line: int) -> bool:
    """Whether a line holds nothing but white space (a BOM too, on the first line)."""
    body = without_bom(data, line)
    return not body or body.isspace()


def too_long(file: str, line: int) -> Diagnostic:
    """PV004 for a line over MAX_LINE_BYTES, which is not read as a message."""
    return CODES["PV004"].diagnostic(
        f"line longer than {MAX_LINE_BYTES // 1024} KiB: not read as a message",
        file=file, line=line)


@dataclass
class RunEdges:
    """For a parallel run: the runs of blank bytes and of lines without a message at the
    start (``leading``, up to the first line that ends them) and at the end (``trailing``)
    of a piece, whether one ended inside it, and whether reading stopped. The parent adds
    them across piece boundaries to see whether one process would have stopped."""

    leading: list[int] = field(default_factory=lambda: [0, 0, 0])
    trailing: list[int] = field(default_factory=lambda: [0, 0, 0])
    ended: list[bool] = field(default_factory=lambda: [False, False, False])
    stopped: bool = False


def stops(index: int, count: int) -> bool:
    """Whether ``count`` blank bytes (index 0), broken lines (1) or broken bytes (2) in a
    row stop reading (Runs.LIMITS)."""
    if index == 0:
        return count > MAX_BLANK_BYTES
    return count >= MAX_BROKEN_LINES if index == 1 else count > MAX_BROKEN_BYTES


class Runs:
    """Blank bytes, broken lines and broken bytes in a row; see MAX_BLANK_BYTES and co.

    Only records reach it (the fast lane's lines do not), so a gap in line numbers between
    two records means lines with messages came between them, which end every run."""

    LIMITS = ("blank", "broken", "broken bytes")

    def __init__(self, first_line: int, *, contiguous: bool = False) -> None:
        self.next_line = first_line
        self.contiguous = contiguous
        self.current = [0, 0, 0]
        self.edges = RunEdges()

    def _end(self, index: int) -> None:
        edges = self.edges
        if not edges.ended[index]:
            edges.ended[index] = True
            edges.leading[index] = self.current[index]
        self.current[index] = 0

    def add(self, record: Record, lines: int, *, size: int | None = None) -> str | None:
        """Count one record spanning ``lines`` lines, of ``size`` bytes (its ``raw``, unless
        told); why reading must stop, or None."""
        if record.line != self.next_line and not self.contiguous:
            for index in range(3):
                self._end(index)
        self.next_line = record.line + lines
        current = self.current
        if not record.items:
            current[0] += len(record.raw)
            if stops(0, current[0]):
                return f"more than {MAX_BLANK_BYTES // 2**20} MiB of blank lines in a row"
            return None
        self._end(0)
        if any(item.message is not None for item in record.items):
            self._end(1)
            self._end(2)
            return None
        current[1] += 1
        current[2] += len(record.raw) if size is None else size
        if stops(1, current[1]) or stops(2, current[2]):
            return (f"{current[1]:,} lines in a row ({current[2]:,} bytes) hold no message "
                    "that can be read: this does not look like an event log")
        return None

    def finish(self, next_line: int) -> RunEdges:
        """The edges, once the piece is read up to (not including) ``next_line``."""
        if self.next_line != next_line and not self.contiguous:
            for index in range(3):
                self._end(index)
        edges = self.edges
        for index in range(3):
            if not edges.ended[index]:
                edges.leading[index] = self.current[index]
        edges.trailing = list(self.current)
        return edges
