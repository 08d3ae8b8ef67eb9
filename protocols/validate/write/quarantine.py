"""Quarantine: split the input into a good file and a bad file, unchanged.

Every record (an NDJSON line, or one element of a JSON array file) goes to exactly one of the
two files, byte for byte with its original line ending; a final line without one gets
``\\n``. Unparseable lines go to the bad file too, so good + bad is always the whole input
(up to where reading stopped, for an input that is not a log: PV006). Blank lines are not
messages: they go to the good file and are not counted as records. The optional reasons
file is NDJSON, one object per bad record, in the same order: where it came from (its line,
and for an element of a JSON array its column and its index in the array), where it is in
the bad file, and the codes and messages that made it bad.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO

from protocols.diagnostics import Diagnostic
from protocols.jsontext import json_text
from protocols.validate.read.records import Record

MAX_REASONS = 10  # messages kept per bad record in the reasons file


class Quarantine:
    """Writes records to ``good``/``bad`` (either may be None) and reasons to ``reasons``."""

    def __init__(self, *, good: Path | None = None, bad: Path | None = None,
                 reasons: Path | None = None) -> None:
        self._paths = (good, bad, reasons)
        self._good: IO[bytes] | None = None
        self._bad: IO[bytes] | None = None
        self._reasons: IO[str] | None = None
        self._bad_lines = 0
        self.good_records = 0
        self.bad_records = 0

    @property
    def bad_lines(self) -> int:
        """Lines written to the bad file so far."""
        return self._bad_lines

    @property
    def active(self) -> bool:
        return any(path is not None for path in self._paths)

    def __enter__(self) -> Quarantine:
        good, bad, reasons = self._paths
        for path in self._paths:
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
        self._good = open(good, "wb") if good else None
        self._bad = open(bad, "wb") if bad else None
        self._reasons = open(reasons, "w", encoding="utf-8") if reasons else None
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        for handle in (self._good, self._bad, self._reasons):
            if handle is not None:
                handle.close()

    def write(self, record: Record, *, bad: bool, diagnostics: Sequence[Diagnostic]) -> None:
        """Send one record to its file. Consumes the record's tail (a very long line).

        Blank lines go to the good file but are not counted (they hold no message); a
        finding about the input that holds none of its bytes (a gzip stream that ends
        early, an input that stops) is not a record of either file (the report has it)."""
        if not record.items:
            self._copy(record, self._good)
            return
        if not record.raw and record.tail is None:
            return
        if bad:
            self.bad_records += 1
            start = self._bad_lines + 1
            self._bad_lines += self._copy(record, self._bad)
            if self._reasons is not None:
                self._reasons.write(reason_line(_reason(record, start, diagnostics)))
        else:
            self.good_records += 1
            self._copy(record, self._good)

    def good_writer(self) -> Callable[[bytes], None] | None:
        """For the run's fast lane: a function that sends one good NDJSON line (its bytes
        with their line ending, if any) to the good file as :meth:`write` would; None when
        no quarantine is asked for."""
        if not self.active:
            return None
        target = self._good

        def write_good(raw: bytes) -> None:
            self.good_records += 1
            if target is not None:
                target.write(raw if raw.endswith(b"\n") else raw + b"\n")

        return write_good

    @staticmethod
    def _copy(record: Record, target: IO[bytes] | None) -> int:
        """Write the record's bytes; returns how many lines they take."""
        last = record.raw
        lines = record.raw.count(b"\n")
        if target is not None:
            target.write(record.raw)
        for chunk in record.tail or ():
            if target is not None:
                target.write(chunk)
            lines += chunk.count(b"\n")
            last = chunk
        if last and not last.endswith(b"\n"):
            if target is not None:
                target.write(b"\n")
            lines += 1
        return lines


def reason_line(reason: dict[str, object]) -> str:
    """One line of the reasons file. Text from the log can hold a lone surrogate (JSON's
    ``"\\ud800"`` is legal and parses to one), which UTF-8 cannot carry, or control and
    bidirectional characters: those are written as JSON escapes (jsontext), so the line
    reads back to the same value, the run goes on, and printing it is safe."""
    return json_text(reason) + "\n"


def _reason(record: Record, bad_line: int, diagnostics: Sequence[Diagnostic]) -> dict[str, object]:
    codes = sorted({d.code for d in diagnostics})
    reason: dict[str, object] = {"file": record.file, "line": record.line}
    if record.column is not None:  # (an array element; an NDJSON line starts its line)
        reason["column"] = record.column
    if record.index is not None:
        reason["index"] = record.index
    reason.update({
        "bad_line": bad_line, "codes": codes,
        "messages": [
            {"code": d.code, "severity": d.severity.value, "path": d.path, "message": d.message}
            for d in diagnostics[:MAX_REASONS]
        ],
    })
    return reason
