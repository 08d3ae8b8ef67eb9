"""The good, bad and reasons files: appended to, never truncated, written before the ack.

Each request's records are written with one ``write`` per file (to the OS, unbuffered)
before the collector answers, so a crash of the server process, even ``kill -9``, loses no
acknowledged message. With ``fsync`` the files are also forced to the disk before the answer,
which a power cut needs too; it costs a disk flush per request.

Files are opened in append mode: restarting the collector adds to what it kept before. A line
cut short by a crash (the one write that was under way) is ended with a newline at start-up,
so the next record starts on a line of its own. Bad-line numbers in the reasons file count
the lines already in the bad file.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_CHUNK = 1024 * 1024


class Recorder:
    """Appends records to ``good`` and ``bad`` and one reason per bad record to ``reasons``."""

    def __init__(self, *, good: Path, bad: Path, reasons: Path | None = None,
                 fsync: bool = False) -> None:
        self.paths = (good, bad, reasons)
        self.fsync = fsync
        self._fds: list[int | None] = [None, None, None]
        self.bad_lines = 0  # lines in the bad file

    def open(self) -> None:
        for index, path in enumerate(self.paths):
            if path is None:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._fds[index] = fd
            lines, ends_cleanly = _count_lines(path)
            if not ends_cleanly:
                _write_all(fd, b"\n")  # end the line a crash cut short
                lines += 1
            if index == 1:
                self.bad_lines = lines

    def close(self) -> None:
        for index, fd in enumerate(self._fds):
            if fd is not None:
                os.close(fd)
                self._fds[index] = None

    def __enter__(self) -> Recorder:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, good: Sequence[bytes], bad: Sequence[tuple[bytes, dict[str, Any]]]) -> None:
        """Append one request's records (each one line, without its newline) and the reasons
        of the bad ones. Raises OSError when a file cannot be written."""
        good_fd, bad_fd, reasons_fd = self._fds
        if good and good_fd is not None:
            _write_all(good_fd, b"".join(line + b"\n" for line in good))
        if bad and bad_fd is not None:
            reasons: list[bytes] = []
            line = self.bad_lines + 1
            for raw, reason in bad:
                reasons.append(json.dumps({**reason, "bad_line": line}).encode() + b"\n")
                line += raw.count(b"\n") + 1
            _write_all(bad_fd, b"".join(raw + b"\n" for raw, _ in bad))
            self.bad_lines = line - 1
            if reasons_fd is not None:
                _write_all(reasons_fd, b"".join(reasons))
        if self.fsync:
            for fd in self._fds:
                if fd is not None:
                    os.fsync(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _count_lines(path: Path) -> tuple[int, bool]:
    """Newlines in a file, and whether it is empty or ends with one."""
    lines, last = 0, b"\n"
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return lines, last == b"\n"
