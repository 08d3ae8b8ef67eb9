"""Stream Segment messages out of NDJSON logs (plain or gzip), one message at a time.

A line holds one message, or a batch ``{"batch": [message, ...]}`` as Segment's HTTP API takes
it. A line that is not JSON, is too long, or holds something other than an object is a
:class:`BrokenLine` (file:line and why): it is counted and reported, and reading goes on.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocols.interop.jsonio import reject_constant
from protocols.progress import EVERY

MAX_LINE_BYTES = 4 * 1024 * 1024  # a longer line is reported, not parsed


@dataclass(frozen=True)
class BrokenLine:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass(frozen=True)
class Message:
    file: str
    line: int
    data: dict[str, Any]


def read_messages(path: Path, shown: str, *,
                  position: Callable[[int], None] | None = None
                  ) -> Iterator[Message | BrokenLine]:
    """Every message in one log file, and every line that could not be read.

    ``position`` is told how many bytes of the file were read (of a gzip file: compressed
    bytes) every EVERY lines, for a progress line."""
    try:
        raw = path.open("rb")
    except OSError as exc:
        yield BrokenLine(shown, 0, f"cannot read file: {exc.strerror or exc}")
        return
    with raw:
        stream: io.BufferedIOBase = raw
        if path.suffix == ".gz" or raw.peek(2)[:2] == b"\x1f\x8b":
            stream = gzip.GzipFile(fileobj=raw)
        number = 0
        try:
            while True:
                chunk = stream.readline(MAX_LINE_BYTES + 1)
                if not chunk:
                    break
                number += 1
                if position is not None and number % EVERY == 0:
                    position(raw.tell())
                if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
                    yield BrokenLine(shown, number, f"line longer than {MAX_LINE_BYTES} bytes")
                    while chunk and not chunk.endswith(b"\n"):  # skip the rest of it
                        chunk = stream.readline(MAX_LINE_BYTES + 1)
                    continue
                yield from _parse_line(chunk, shown, number)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield BrokenLine(shown, number + 1, f"cannot read compressed data: {exc}")


def _parse_line(chunk: bytes, shown: str, number: int) -> Iterator[Message | BrokenLine]:
    text = chunk.strip()
    if not text:
        return
    try:
        value = json.loads(text.decode("utf-8"), parse_constant=reject_constant)
    except UnicodeDecodeError:
        yield BrokenLine(shown, number, "not UTF-8 text")
        return
    except json.JSONDecodeError as exc:
        yield BrokenLine(shown, number, f"invalid JSON at column {exc.colno}: {exc.msg}")
        return
    except ValueError as exc:  # NaN or Infinity
        yield BrokenLine(shown, number, f"invalid JSON: {exc}")
        return
    except RecursionError:
        yield BrokenLine(shown, number, "JSON nested too deeply")
        return
    if b"\\u" in text and not _encodable(value):
        # A lone surrogate escape ("\ud800") parses but cannot be written to a plan file.
        yield BrokenLine(shown, number, "invalid Unicode (a lone surrogate escape)")
        return
    if isinstance(value, dict) and isinstance(value.get("batch"), list):
        for index, item in enumerate(value["batch"]):
            if isinstance(item, dict):
                yield Message(shown, number, item)
            else:
                yield BrokenLine(shown, number, f"batch[{index}] is not a JSON object")
    elif isinstance(value, dict):
        yield Message(shown, number, value)
    else:
        yield BrokenLine(shown, number, "not a JSON object (a message or a batch)")


def _encodable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
