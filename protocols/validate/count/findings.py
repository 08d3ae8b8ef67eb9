"""Every finding of a run, kept on disk rather than in memory.

The run keeps exact counts and a few examples per code in memory; the machine formats (JSON,
SARIF, GitLab) list every finding. A :class:`FindingsLog` writes each finding as one compact
JSON line to a temporary file as the run goes, and gives them back in the same order as often
as a reporter iterates over it. Memory stays flat however many findings there are (the file
holds about 250 bytes a finding), and a parallel run appends its pieces' logs in input order,
so ``--jobs N`` lists the findings of ``--jobs 1`` in the same order.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import msgspec

from protocols.diagnostics import Diagnostic, Location, Severity

_ENCODE = msgspec.json.Encoder().encode
_DECODE = msgspec.json.Decoder().decode
_SEVERITY = {severity.value: severity for severity in Severity}
_READ_BYTES = 1 << 18


def encode(diagnostic: Diagnostic) -> bytes:
    """One finding as a JSON array line (fields in :class:`Diagnostic` order)."""
    related = diagnostic.related
    row = (diagnostic.code, diagnostic.name, diagnostic.severity.value, diagnostic.message,
           diagnostic.file, diagnostic.line, diagnostic.column, diagnostic.path,
           diagnostic.suggestion, diagnostic.event,
           None if related is None else (related.file, related.line, related.column))
    try:
        return _ENCODE(row) + b"\n"
    except UnicodeEncodeError:  # a lone surrogate from the log: JSON can escape it
        return json.dumps(row, ensure_ascii=True).encode("ascii") + b"\n"


def decode(line: bytes) -> Diagnostic:
    try:
        row = _DECODE(line)
    except msgspec.DecodeError:  # written by the json fallback above (escaped surrogates)
        row = json.loads(line)
    (code, name, severity, message, file, line_number, column, path, suggestion, event,
     related) = row
    return Diagnostic(code, name, _SEVERITY[severity], message, file, line_number, column,
                      path, suggestion, event,
                      None if related is None else Location(related[0], related[1],
                                                            related[2]))


@contextlib.contextmanager
def findings_of_run(wanted: bool) -> Iterator[FindingsLog | None]:
    """The :class:`FindingsLog` of a run that lists every finding (``wanted``), else None;
    removed if the run fails (when it ends well, its result owns the log)."""
    log = FindingsLog() if wanted else None
    try:
        yield log
    except BaseException:
        if log is not None:
            log.close()
        raise


class FindingsLog:
    """An append-only, re-readable list of diagnostics in a temporary file.

    ``len()`` is the number of findings; iterating reads them back (each iteration from the
    start, independently of any other). The file is removed by :meth:`close`, or when the
    log is garbage collected, or at exit.
    """

    def __init__(self, directory: str | Path | None = None) -> None:
        handle, name = tempfile.mkstemp(prefix="protocols-findings-", suffix=".ndjson",
                                        dir=directory)
        self.path = Path(name)
        self._out = os.fdopen(handle, "wb")
        self._count = 0
        self._finalizer = weakref.finalize(self, _remove, self._out, self.path)

    def __len__(self) -> int:
        return self._count

    def add(self, diagnostics: Iterable[Diagnostic]) -> None:
        write = self._out.write
        for diagnostic in diagnostics:
            write(encode(diagnostic))
            self._count += 1

    def append_log(self, path: Path, count: int) -> None:
        """Append the findings of another log's file (a parallel piece), then delete it."""
        with open(path, "rb") as source:
            shutil.copyfileobj(source, self._out)
        os.unlink(path)
        self._count += count

    def finish(self) -> None:
        """Flush what was written (the file stays, for reading)."""
        self._out.flush()

    def close(self) -> None:
        self._finalizer()

    def keep(self) -> Path:
        """Close the file and leave it on disk for another process (a parallel piece's log,
        which the parent appends with :meth:`append_log`); returns its path."""
        self._finalizer.detach()
        self._out.close()
        return self.path

    def __iter__(self) -> Iterator[Diagnostic]:
        self._out.flush()
        with open(self.path, "rb") as source:
            rest = b""
            while chunk := source.read(_READ_BYTES):
                lines = (rest + chunk).split(b"\n")
                rest = lines.pop()
                for line in lines:
                    yield decode(line)
            if rest:
                yield decode(rest)


def _remove(handle: IO[bytes], path: Path) -> None:
    handle.close()
    with contextlib.suppress(OSError):
        path.unlink()
