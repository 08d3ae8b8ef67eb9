"""Reading a gzip stream without losing what came before a problem.

``gzip.GzipFile`` raises when the stream is truncated or corrupt, and the bytes it had
decompressed of the last line are lost with the exception. :class:`GunzipReader` gives
back every byte it could decompress, then ends the stream and says why in ``problem``;
the reader above it (inputs.py) turns that into a finding and sends the incomplete last
line to the bad file. Concatenated gzip members and zero padding after the last member are
read as ``gzip`` reads them. Output is produced in bounded pieces, so a small file that
decompresses to gigabytes (a "zip bomb") streams like any other log.
"""

from __future__ import annotations

import io
import zlib
from typing import IO

_CHUNK = 1 << 20  # compressed bytes read at a time, and decompressed bytes made at a time
GZIP_MAGIC = b"\x1f\x8b"  # how a gzip stream starts (a file is gzip by its content)


class GunzipReader(io.RawIOBase):
    """The decompressed bytes of a gzip stream; wrap it in ``io.BufferedReader``."""

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._unzip = zlib.decompressobj(wbits=31)
        self._pending = memoryview(b"")
        self._done = False
        #: Why the stream ended before the gzip data did (truncated, corrupt), or None.
        self.problem: str | None = None
        #: Decompressed bytes produced so far.
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            self._fill()
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _fill(self) -> None:
        unzip = self._unzip
        if unzip.eof:
            self._next_member(unzip.unused_data)
            return
        data = unzip.unconsumed_tail or self._raw.read(_CHUNK)
        if not data:
            self._finish("the gzip stream ends early (the file is truncated)")
            return
        try:
            out = unzip.decompress(data, _CHUNK)
        except zlib.error as exc:
            self._finish(f"the gzip data is corrupt ({exc})")
            return
        self.produced += len(out)
        self._pending = memoryview(out)

    def _next_member(self, rest: bytes) -> None:
        """After a member: another member, zero padding, the end, or garbage."""
        while len(rest) < len(GZIP_MAGIC):
            more = self._raw.read(_CHUNK)
            if not more:
                break
            rest += more
        rest = rest.lstrip(b"\0") if not rest.startswith(GZIP_MAGIC) else rest
        while not rest:  # zero padding up to here: the end, unless more follows
            more = self._raw.read(_CHUNK)
            if not more:
                self._done = True
                return
            rest = more.lstrip(b"\0")
        if not rest.startswith(GZIP_MAGIC) and len(rest) >= len(GZIP_MAGIC):
            self._finish("data after the end of the gzip stream is not gzip")
            return
        self._unzip = zlib.decompressobj(wbits=31)
        try:
            out = self._unzip.decompress(rest, _CHUNK)
        except zlib.error as exc:
            self._finish(f"the gzip data is corrupt ({exc})")
            return
        self.produced += len(out)
        self._pending = memoryview(out)

    def _finish(self, problem: str) -> None:
        self.problem = problem
        self._done = True


def open_gunzip(raw: IO[bytes]) -> tuple[io.BufferedReader, GunzipReader]:
    """A buffered reader over the decompressed stream, and the reader that says why it
    ended early."""
    inner = GunzipReader(raw)
    return io.BufferedReader(inner, buffer_size=_CHUNK), inner
