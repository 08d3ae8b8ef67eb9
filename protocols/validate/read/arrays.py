"""Reading a JSON array document one element at a time.

A log exported as one JSON array (``[{...}, {...}, ...]``, on one line or pretty-printed)
is read through a window of text, never whole: each element is decoded as soon as it is
complete and becomes a record of its own (its exact source text and a newline; the brackets
and commas around elements belong to no message and are not kept). Memory stays flat
however long the array.

A broken element does not end the document: the text from where the element starts to the
end of the line where the error is becomes one bad record (PV001 at the error's line and
column, PV003 when it is not UTF-8, PV004 when it is longer than an element may be), and
reading goes on at the next line, so one bad element costs its own lines and nothing after.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from protocols.validate.codes import CODES
from protocols.validate.read.records import DECODER, Item, Record, messages_of

CHUNK = 1 << 20
# Text that cannot be UTF-8: invalid bytes decoded with surrogateescape (U+DC80..U+DCFF).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_SPACE = " \t\r\n"
# What comes next in the array: an element (after "[" or ","), a separator (after an
# element), or either (after a broken line: the next line may start with the comma).
_ELEMENT, _SEPARATOR, _RESUMED = range(3)


@dataclass
class _Window:
    """Decoded text of the input from ``line`` (the line of ``text[0]``) on, ``column``
    characters into that line; ``counted`` characters of it hold ``lines`` newlines (so
    line numbers are counted once)."""

    text: str
    line: int
    eof: bool = False
    counted: int = 0
    lines: int = 0
    column: int = 0


class ArrayReader:
    """The records of one array document, read from ``read`` (``read(n)`` gives bytes).

    ``head`` is the input already read (from the line holding ``[`` on), and ``first_line``
    that line's number. ``max_element`` bounds an element in characters.
    """

    def __init__(self, file: str, read: Callable[[int], bytes], head: bytes, first_line: int,
                 *, max_element: int) -> None:
        self.file = file
        self._read = read
        self._decode = codecs.getincrementaldecoder("utf-8")("surrogateescape").decode
        if first_line == 1 and head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8):]
        self._window = _Window(self._decode(head), first_line)
        self._max_element = max_element
        #: Bytes read from ``read`` so far (for callers that bound the input).
        self.consumed = 0

    def records(self) -> Iterator[Record]:
        position = self._skip_space(0)
        text = self._window.text
        if position >= len(text) or text[position] != "[":
            return  # (the caller checked; an empty input has no records)
        position += 1
        state = _ELEMENT
        while True:
            position = self._skip_space(position)
            text = self._window.text
            if position >= len(text):
                yield self._broken(position, position, "not valid JSON: the array is not "
                                   "closed (the input ends inside it)")
                return
            char = text[position]
            if char == "]":
                yield from self._trailing(position + 1)
                return
            if char == "," and state != _SEPARATOR:
                if state == _RESUMED:  # a line after a broken one may start with the comma
                    position, state = position + 1, _ELEMENT
                    continue
                record, position = self._resync(position, position,
                                                "not valid JSON: expecting value")
            elif char == "," or state == _SEPARATOR:
                if char == ",":
                    position, state = position + 1, _ELEMENT
                    continue
                record, position = self._resync(position, position,
                                                "not valid JSON: expecting ',' or ']'")
            else:
                record, position, ok = self._element(position)
                if ok:
                    yield record
                    state = _SEPARATOR
                    continue
            yield record
            state = _RESUMED

    # -- the window -------------------------------------------------------------------------

    def _more(self) -> bool:
        """Read more input into the window; False at the end of the input."""
        window = self._window
        if window.eof:
            return False
        data = self._read(CHUNK)
        self.consumed += len(data)
        if not data:
            window.eof = True
            window.text += self._decode(b"", final=True)
            return False
        window.text += self._decode(data)
        return True

    def _drop(self, position: int) -> int:
        """Forget the text before ``position`` (already turned into records); returns the
        same place in the shortened window."""
        window = self._window
        if position > CHUNK:
            window.line = self._line_of(position)
            window.column = self._column_of(position) - 1
            window.text = window.text[position:]
            window.counted = window.lines = 0
            return 0
        return position

    def _skip_space(self, position: int) -> int:
        while True:
            text = self._window.text
            while position < len(text) and text[position] in _SPACE:
                position += 1
            if position < len(text) or not self._more():
                return position

    def _line_of(self, position: int) -> int:
        window = self._window
        if position < window.counted:  # (an error before the last element read: rare)
            return window.line + window.text.count("\n", 0, position)
        window.lines += window.text.count("\n", window.counted, position)
        window.counted = position
        return window.line + window.lines

    def _column_of(self, position: int) -> int:
        newline = self._window.text.rfind("\n", 0, position)
        return position - newline if newline >= 0 else self._window.column + position + 1

    # -- records ----------------------------------------------------------------------------

    def _element(self, start: int) -> tuple[Record, int, bool]:
        """The element at ``start``: its record, where reading goes on, and whether it
        decoded (a broken one's record ends its line)."""
        while True:
            text = self._window.text
            try:
                value, end = DECODER.raw_decode(text, start)
            except json.JSONDecodeError as exc:
                # The element may go on in the input not read yet, unless a line ends after
                # the error: what follows cannot mend it (a string that runs to the end of
                # the window has no line end in it, or the error would be that line end).
                mendable = text.find("\n", exc.pos) < 0
                if mendable and len(text) - start <= self._max_element and self._more():
                    continue
                if (len(text) if mendable else exc.pos) - start > self._max_element:
                    record, position = self._resync(
                        start, start, f"an element longer than {self._max_element // 1024} "
                        "KiB: not read as a message", code="PV004")
                    return record, position, False
                record, position = self._resync(start, exc.pos, f"not valid JSON: {exc.msg}")
                return record, position, False
            except (ValueError, RecursionError) as exc:
                reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
                record, position = self._resync(start, start, f"not valid JSON: {reason}")
                return record, position, False
            if end == len(text) and self._more():
                continue  # a number (or literal) at the end of the window may go on
            break
        if end - start > self._max_element:  # (whole, yet too long to be a message)
            record = self._broken(start, end, f"an element longer than "
                                  f"{self._max_element // 1024} KiB: not read as a message",
                                  code="PV004")
            return Record(record.file, record.line, record.raw + b"\n", record.items,
                          kind="problem"), \
                self._drop(end), True
        line = self._line_of(start)
        found = _NOT_UTF8.search(text, start, end)
        if found is not None:
            record, position = self._resync(start, found.start(), "not UTF-8: a byte that "
                                            "is not UTF-8 inside this element", code="PV003")
            return record, position, False
        raw = text[start:end].encode("utf-8") + b"\n"
        record = Record(self.file, line, raw, tuple(messages_of(value, file=self.file,
                                                                line=line)), kind="document")
        return record, self._drop(end), True

    def _resync(self, start: int, error_at: int, message: str, *, code: str = "PV001"
                ) -> tuple[Record, int]:
        """A bad record from ``start`` to the end of the line where the error is (or of
        the window, for a line longer than an element may be); reading goes on after it."""
        line, column = self._line_of(error_at), self._column_of(error_at)
        while True:
            text = self._window.text
            newline = text.find("\n", error_at)
            if newline >= 0:
                end = newline + 1
                break
            if len(text) - start > self._max_element or not self._more():
                end = len(self._window.text)
                break
        return self._broken(start, end, message, code=code, line=line, column=column), \
            self._drop(end)

    def _broken(self, start: int, end: int, message: str, *, code: str = "PV001",
                line: int | None = None, column: int | None = None) -> Record:
        text = self._window.text
        first = self._line_of(start)
        error = CODES[code].diagnostic(message, file=self.file,
                                       line=line if line is not None else first,
                                       column=column)
        raw = text[start:end].encode("utf-8", "surrogateescape")
        return Record(self.file, first, raw, (Item(first, error=error),), kind="problem")

    def _trailing(self, position: int) -> Iterator[Record]:
        """After the closing bracket: nothing but space, or one bad record per line."""
        while True:
            position = self._skip_space(position)
            if position >= len(self._window.text):
                return
            record, position = self._resync(position, position,
                                            "not valid JSON: extra data after the array")
            yield record
