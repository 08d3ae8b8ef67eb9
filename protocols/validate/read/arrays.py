"""Reading a JSON array document one element at a time.

A log exported as one JSON array (``[{...}, {...}, ...]``, on one line or pretty-printed)
is read through a window of text, never whole: each element is decoded as soon as it is
complete and becomes a record of its own (its exact source text and a newline; the brackets
and commas around elements belong to no message and are not kept). Memory stays flat
however long the array, one line of gigabytes included.

A broken element does not end the document, nor spill into the next ones. Its extent is
found from its structure (:class:`_Brackets`): from where it starts, counting brackets and
braces outside strings (a string never spans a line: a line end closes one), it ends at the
first ``,`` or ``]`` at the array's level, or before a line that starts the next element
where its lines say so (a line that opens a value, ``{`` or ``[``, or closes the array,
``]``, at the element's own column or left of it: how an element cut short is followed by
the next one, pretty-printed or an element a line). That stretch is one bad record (PV001
at the error's line and column, PV003 when it is not UTF-8, PV004 when it is longer than an
element may be) and reading goes on after it. Where nothing ends it (a string or a bracket
never closed; an element cut short on the array's one line), it runs to the end of the
input: one bad record, streamed and not held, up to MAX_RECORD_BYTES, where reading stops
(PV006) as for a line that long. Scanning is linear: a run of text without quotes or line
ends is counted, or searched, at C speed, and read a character at a time only where its
brackets could end the element.

Each element has its place in the array, counted from 0 whether it is whole, broken or left
out (``[a,,b]``: ``b`` is the third), and each finding about it gives that place first in its
path (``[6].event``, ``[6]`` for a broken element), with where the element starts.

What costs time is counted once. The decoder is given a piece of the window from the
element on (its error counts the lines of all it is given, before the error), and positions
are counted from the last one asked for: the window remembers its line and where it starts.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from protocols.diagnostics import Diagnostic
from protocols.validate.codes import CODES
from protocols.validate.read import limits
from protocols.validate.read.records import DECODER, Item, Record, messages_of

CHUNK = 1 << 20
# Text that cannot be UTF-8: invalid bytes decoded with surrogateescape (U+DC80..U+DCFF).
_NOT_UTF8 = re.compile("[\udc80-\udcff]")
_NOT_UTF8_MESSAGE = "not UTF-8: a byte that is not UTF-8 inside this element"
_SPACE = " \t\r\n"
# What the brackets of a broken stretch are counted from (_Brackets): the characters that
# matter inside a string, and where the text outside strings stops.
_OPENING = frozenset("[{")
_CLOSING = frozenset("]}")
_IN_STRING = re.compile(r'["\\\n]')
_QUOTE_OR_NEWLINE = re.compile(r'["\n]')
_NOT_SPACE = re.compile(r"[^ \t\r]")
_NOT_BLANK = re.compile(r"[^ \t\r\n]")
_STRUCTURE = re.compile(r"[\[\]{},]")
# Text outside strings this long, with too few closing brackets to end the element, is
# counted whole rather than read a character at a time.
_RUN = 32
# Characters of a broken stretch scanned outside strings at a time, at first (then twice as
# many each time, up to _SCAN_MOST; see ArrayReader._scan).
_SCAN_FIRST = 256
_SCAN_MOST = 65_536
# The piece of the window an element is first decoded from: twice the last one, at least.
_PIECE = 1024
# A decoding error this close to the end of the text held may be where the text stops,
# not where the JSON is wrong.
_NEAR_END = 64
# What comes next in the array: an element (after "[" or ","), a separator (after an
# element), or either (after a broken element that ended where a line starts the next one:
# its comma may be what was lost).
_ELEMENT, _SEPARATOR, _RESUMED = range(3)
# How a broken stretch ended: at a "," or "]" of the array, before a line that starts the
# next element, at the end of the input.
_AT_COMMA, _AT_CLOSE, _AT_LINE, _AT_EOF = range(4)


def _outside_strings(text: str, position: int, stop: int, depth: int
                     ) -> tuple[int, int, int | None]:
    """The brackets and commas of ``text[position:stop]``, text outside strings, from
    ``depth``: (the depth at ``stop``, ``stop``, None), or (0, where, how) where the stretch
    ends in it (a ``,`` or ``]`` at the array's level)."""
    chars: Iterable[tuple[int, str]] = ()
    if stop - position > _RUN:
        closing = text.count("]", position, stop) + text.count("}", position, stop)
        opening = text.count("[", position, stop) + text.count("{", position, stop)
        if depth and closing < depth:  # (too few closing brackets to end it: counted only)
            return depth + opening - closing, stop, None
        if 8 * (opening + closing) < stop - position:  # (few of them: found, not read)
            chars = ((found.start(), found.group())
                     for found in _STRUCTURE.finditer(text, position, stop))
    for index, char in chars or enumerate(text[position:stop], position):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            if depth:
                depth -= 1
            elif char == "]":
                return 0, index, _AT_CLOSE
        elif char == "," and not depth:
            return 0, index, _AT_COMMA
    return depth, stop, None


@dataclass
class _Window:
    """Decoded text of the input from absolute character offset ``base`` on. Positions are
    counted once: ``counted`` is the last window position asked for, on line ``line``,
    which starts at absolute offset ``line_start`` (once ``newlines_from`` is resolved);
    ``head_line`` and ``head_line_start`` are the same for ``text[0]``."""

    text: str
    line: int
    base: int = 0
    counted: int = 0
    line_start: int = 0
    newlines_from: int = -1  # where the newlines last counted were counted from, if any
    head_line: int = 0
    head_line_start: int = 0
    eof: bool = False


@dataclass
class _Brackets:
    """Where a broken stretch is in its structure, as far as it has been scanned."""

    column: int  # the column its element starts at
    depth: int = 0  # brackets and braces open, outside strings
    in_string: bool = False
    first_line: bool = True  # no line end seen yet
    pretty: bool = False  # its first line holds nothing but its opening bracket
    deeper: bool = False  # a later line of it starts right of its column
    second: bool = False  # the line being looked at is its second
    line_begins: int = -1  # absolute offset of a line whose first character is not seen yet


class ArrayReader:
    """The records of one array document, read from ``read`` (``read(n)`` gives bytes).

    ``head`` is the input already read (from the line holding ``[`` on), and ``first_line``
    that line's number. ``max_element`` bounds an element in characters.

    After the array's closing bracket, content on a later line is not the array's: reading
    stops there and :attr:`rest` holds the line number and the bytes from that line on (the
    caller reads them, and the rest of the stream, as lines).
    """

    def __init__(self, file: str, read: Callable[[int], bytes], head: bytes, first_line: int,
                 *, max_element: int) -> None:
        self.file = file
        self._read = read
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
        if first_line == 1 and head.startswith(codecs.BOM_UTF8):
            head = head[len(codecs.BOM_UTF8):]
        self._window = _Window(self._decoder.decode(head), first_line, head_line=first_line)
        self._max_element = max_element
        #: Bytes read from ``read`` so far (for callers that bound the input).
        self.consumed = 0
        #: Why reading stopped (a broken stretch longer than MAX_RECORD_BYTES, too much white
        #: space), or None; and on which line.
        self.stopped: str | None = None
        self.stopped_line = first_line
        #: Bytes of the last record, its tail included (for the runs that end an input).
        self.last_size = 0
        #: (line, bytes) of what follows the array on later lines, for the caller to read.
        self.rest: tuple[int, bytes] | None = None
        self._resume = 0
        self._state = _ELEMENT
        self._index = -1  # the place of the element being read in the array
        self._piece = _PIECE
        self._ended = False  # a broken stretch ran to the end of the input

    def records(self) -> Iterator[Record]:
        position = self._skip_space(0)
        text = self._window.text
        if position >= len(text) or text[position] != "[":
            return  # (the caller checked; an empty input has no records)
        position = self._skip_space(position + 1, drop=True)
        state = _ELEMENT
        while True:
            text = self._window.text
            if self.stopped is not None:
                return
            if position >= len(text):
                yield self._counted(self._problem(
                    position, position, "not valid JSON: the array is not closed (the input "
                    "ends inside it)", raw=b"", element=False))
                return
            char = text[position]
            if char == "]":
                yield from self._after(position)
                return
            if char == ",":
                if state == _ELEMENT:  # an element left out: "[," or ",,"
                    self._index += 1
                    yield self._counted(self._problem(position, position,
                                                      "not valid JSON: expecting value", raw=b""))
                position, state = self._skip_space(position + 1, drop=True), _ELEMENT
                continue
            self._index += 1
            if state == _SEPARATOR:  # the comma before this element is missing
                record = self._stretch(position, missing=True)
            else:
                record = self._element(position)
            yield record
            if record.tail is not None:
                for _ in record.tail:  # whatever the caller did not consume
                    pass
            if self.stopped is not None or self._ended:
                return
            position, state, text = self._resume, self._state, self._window.text
            if position >= len(text) or text[position] in _SPACE:
                position = self._skip_space(position, drop=True)

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
            window.text += self._decoder.decode(b"", final=True)
            return False
        window.text += self._decoder.decode(data)
        return True

    def _drop(self, position: int, *, at_least: int = CHUNK) -> int:
        """Forget the text before ``position`` (already turned into records) once it is more
        than ``at_least`` characters; returns the same place in the shortened window."""
        window = self._window
        if position > at_least:
            self._position(position)  # (the line start too: the text it is in goes)
            window.head_line, window.head_line_start = window.line, window.line_start
            window.base += position
            window.text = window.text[position:]
            window.counted = 0
            return 0
        return position

    def _skip_space(self, position: int, *, drop: bool = False) -> int:
        """The first position from ``position`` on that is not white space (the end of the
        window when there is none). Without ``drop`` the text before ``position`` is kept,
        and at most about ``max_element`` of white space is read; with ``drop`` the white
        space read is forgotten (positions before ``position`` are lost), and more than
        MAX_BLANK_BYTES of it in a row stops reading (``stopped``)."""
        text = self._window.text
        size = len(text)
        if position < size and text[position] not in _SPACE:
            return position  # (the common case: nothing to skip)
        near = position + 16 if position + 16 < size else size
        while position < near and text[position] in _SPACE:
            position += 1
        if position < near:
            return position  # (or no more than a line end and an indent)
        skipped = 0
        while True:
            text = self._window.text
            found = _NOT_BLANK.search(text, position)
            if found is not None:
                return found.start()
            skipped += len(text) - position
            if drop:
                if skipped > limits.MAX_BLANK_BYTES:
                    self._stop(len(text), f"more than {limits.MAX_BLANK_BYTES // 2**20} MiB "
                               "of white space in a row")
                    return len(text)
                position = self._drop(len(text), at_least=0)
            else:
                position = len(text)
                if skipped > self._max_element:
                    return position
            if not self._more():
                return position

    def _stop(self, position: int, reason: str) -> None:
        """Reading stops at ``position``, for ``reason``."""
        self.stopped = reason
        self.stopped_line = self._line(position)

    def _line(self, position: int) -> int:
        """The line of window position ``position``. Positions are asked for in the order of
        the input, so each counts the newlines since the one before only (and where the last
        of them is, only when a column is asked for: ``newlines_from``)."""
        window = self._window
        if position >= window.counted:
            newlines = window.text.count("\n", window.counted, position)
            if newlines:
                window.line += newlines
                window.newlines_from = window.counted
            window.counted = position
            return window.line
        return self._position(position)[0]

    def _position(self, position: int) -> tuple[int, int]:
        """The line and column of window position ``position`` (as :meth:`_line`)."""
        window = self._window
        if position >= window.counted:
            line = self._line(position)
            if window.newlines_from >= 0:  # (the line start, from the last newlines counted)
                window.line_start = window.base + window.text.rfind(
                    "\n", window.newlines_from, window.counted) + 1
                window.newlines_from = -1
            return line, window.base + position - window.line_start + 1
        # (behind the last position asked for: never, as records are read; correct anyway)
        text = window.text
        line = window.head_line + text.count("\n", 0, position)
        newline = text.rfind("\n", 0, position)
        start = window.base + newline + 1 if newline >= 0 else window.head_line_start
        return line, window.base + position - start + 1

    # -- records ----------------------------------------------------------------------------

    def _counted(self, record: Record) -> Record:
        self.last_size = len(record.raw)
        return record

    def _element(self, start: int) -> Record:
        """The element at ``start``: a record of its own, or the broken stretch it starts.

        The decoder is given a piece of the window from the element on, not the window: the
        error it raises counts the lines of all it was given, before the error."""
        size = self._piece
        while True:
            text = self._window.text
            piece = text[start:start + size]
            whole = start + size >= len(text)  # (the piece runs to the end of the window)
            try:
                value, end = DECODER.raw_decode(piece)
            except json.JSONDecodeError as exc:
                # Where the piece ends inside the element, more of it may complete it.
                if exc.pos < len(piece) - _NEAR_END and not exc.msg.startswith("Unterminated"):
                    return self._stretch(start)
                if not whole:
                    size *= 2
                    continue
                if len(text) - start <= self._max_element and self._more():
                    continue
                return self._stretch(start)  # (broken, or too long: its brackets tell)
            except (ValueError, RecursionError):
                return self._stretch(start)
            if end == len(piece):  # a number (or literal) at the end of the piece may go on
                if not whole or (len(text) - start <= self._max_element and self._more()):
                    size *= 2
                    continue
                if not self._window.eof:
                    return self._stretch(start)  # (a number too long to be read: its stretch)
            break
        self._piece = 2 * end if end > _PIECE // 2 else _PIECE
        end += start
        text = self._window.text
        after = end if end < len(text) and text[end] not in _SPACE else self._skip_space(end)
        text = self._window.text
        if after < len(text) and text[after] not in ",]{[":
            return self._stretch(start)  # something else before the next comma: one stretch
        if end - start > self._max_element or _NOT_UTF8.search(text, start, end) is not None:
            return self._decoded(start, end, after, value)
        # (what _decoded does with a message: every element of a log, so without the call,
        # and its record built from positions, not keywords; its column without _position's,
        # where no line ended since the last one)
        line = self._line(start)
        window = self._window
        column = window.base + start - window.line_start + 1 if window.newlines_from < 0 \
            else self._position(start)[1]
        raw = text[start:end].encode("utf-8") + b"\n"
        self.last_size = len(raw)
        self._state = _SEPARATOR
        self._resume = self._drop(after)
        index = self._index
        items = tuple(messages_of(value, file=self.file, line=line, column=column, index=index))
        return Record(self.file, line, raw, items, None, "document", column, index)

    def _decoded(self, start: int, end: int, after: int, value: object) -> Record:
        """The record of an element that decoded, from ``start`` to ``end``; reading goes on
        at ``after``."""
        text = self._window.text
        self._state = _SEPARATOR
        if end - start > self._max_element:  # (whole, yet too long to be a message)
            record = self._too_long(start, end)
            self._resume = self._drop(after)
            return self._counted(record)
        found = _NOT_UTF8.search(text, start, end)
        if found is not None:
            record = self._not_utf8(start, found.start(), end)
            self._resume = self._drop(after)
            return self._counted(record)
        line, column = self._position(start)
        raw = text[start:end].encode("utf-8") + b"\n"
        self.last_size = len(raw)
        self._resume = self._drop(after)
        index = self._index
        return Record(self.file, line, raw, tuple(messages_of(value, file=self.file, line=line,
                                                              column=column, index=index)),
                      kind="document", column=column, index=index)

    def _problem(self, start: int, error_at: int, message: str, *, code: str = "PV001",
                 end: int | None = None, raw: bytes | None = None, column: bool = True,
                 element: bool = True) -> Record:
        """A bad record of the text from ``start`` to ``end`` (or ``raw``), with the finding
        at ``error_at``: about the element being read, or (not ``element``) about the array
        (the text after it, its end that never comes)."""
        line, begins = self._position(start)
        index = self._index if element else None
        error = self._diagnostic(error_at, message, code, column=column, index=index)
        if raw is None:
            raw = self._window.text[start:end].encode("utf-8", "surrogateescape") + b"\n"
        return Record(self.file, line, raw, (Item(line, error=error, column=begins),),
                      kind="problem", column=begins, index=index)

    def _too_long_message(self) -> str:
        return f"an element longer than {self._max_element // 1024} KiB: not read as a message"

    def _too_long(self, start: int, end: int) -> Record:
        """PV004 for the element from ``start`` to ``end``, longer than an element may be."""
        return self._problem(start, start, self._too_long_message(), code="PV004", end=end,
                             column=False)

    def _not_utf8(self, start: int, at: int, end: int) -> Record:
        """PV003 for the element from ``start`` to ``end``, whose byte at ``at`` is not UTF-8."""
        return self._problem(start, at, _NOT_UTF8_MESSAGE, code="PV003", end=end)

    def _diagnostic(self, at: int, message: str, code: str, *, column: bool = True,
                    index: int | None = None) -> Diagnostic:
        """The finding at window position ``at``; ``index``: the place in the array of the
        element it is about, its path (None: about the array)."""
        line, col = self._position(at)
        return CODES[code].diagnostic(message, file=self.file, line=line,
                                      column=col if column else None,
                                      path=None if index is None else f"[{index}]")

    # -- broken stretches -------------------------------------------------------------------

    def _stretch(self, start: int, *, missing: bool = False) -> Record:
        """The element at ``start`` that did not decode (or that the comma before it is
        missing from: ``missing``), to where its brackets end it; a record of its own when
        it decodes after all (it was not all read yet)."""
        _, column = self._position(start)
        brackets = _Brackets(column)
        position = start
        while True:
            position, how = self._scan(brackets, start, position)
            if how is not None:
                break
            if len(self._window.text) - start > self._max_element:
                return self._long(start, brackets, position)
            if not self._more():
                position, how = len(self._window.text), _AT_EOF
                break
        text = self._window.text
        stop = position
        while stop > start and text[stop - 1] in _SPACE:
            stop -= 1
        self._resume = position
        self._state = _RESUMED if how == _AT_LINE else _SEPARATOR
        self._ended = how == _AT_EOF
        if missing:
            return self._bad(start, stop, start, "not valid JSON: expecting ',' delimiter")
        piece = text[start:stop]
        try:
            value, end = DECODER.raw_decode(piece)
        except json.JSONDecodeError as exc:
            return self._bad(start, stop, start + exc.pos, f"not valid JSON: {exc.msg}")
        except (ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            return self._bad(start, stop, start, f"not valid JSON: {reason}")
        if end < len(piece):  # (something after a whole element, before the comma)
            extra = len(piece) - len(piece[end:].lstrip(_SPACE))
            return self._bad(start, stop, start + extra, "not valid JSON: expecting ',' "
                             "delimiter")
        self._ended = False
        return self._decoded(start, stop, position, value)  # (it went on past the window)

    def _bad(self, start: int, stop: int, error_at: int, message: str) -> Record:
        """The bad record of a broken stretch: PV003 if it is not UTF-8, PV004 if it is longer
        than an element may be, else PV001 at ``error_at``."""
        found = _NOT_UTF8.search(self._window.text, start, stop)
        if found is not None:
            record = self._not_utf8(start, found.start(), stop)
        elif stop - start > self._max_element:
            record = self._too_long(start, stop)
        else:
            record = self._problem(start, error_at, message, end=stop)
        self._resume = self._drop(self._resume)
        return self._counted(record)

    def _scan(self, brackets: _Brackets, start: int, position: int) -> tuple[int, int | None]:
        """Scan the window from ``position`` for the end of the broken stretch that starts
        at ``start``: where it ends and how, or (the end of the window, None)."""
        window = self._window
        text, base = window.text, window.base
        size = len(text)
        piece = _SCAN_FIRST
        while position < size:
            if brackets.line_begins >= 0:  # the first character of a line: is it the next?
                found = _NOT_SPACE.search(text, position)
                if found is None:
                    return size, None
                position = found.start()
                char = text[position]
                if char == "\n":  # a blank line
                    brackets.line_begins = base + position + 1
                    position += 1
                    continue
                column = base + position - brackets.line_begins + 1
                # (pretty-printed, its second line and the ones inside are right of it)
                if column <= brackets.column and char in "{[]" and (
                        not brackets.pretty or brackets.deeper or brackets.second):
                    return brackets.line_begins - base, _AT_LINE
                if column > brackets.column:
                    brackets.deeper = True
                brackets.line_begins = -1
                brackets.second = False
            if brackets.in_string:
                found = _IN_STRING.search(text, position)
                if found is None:
                    return size, None
                position = found.start()
                char = text[position]
                if char == '"':
                    brackets.in_string = False
                    position += 1
                elif char == "\\":
                    if position + 1 >= size:
                        return position, None  # (the escaped character is not read yet)
                    position += 2 if text[position + 1] != "\n" else 1
                else:
                    brackets.in_string = False  # a line end ends a string: JSON has no other
                continue
            # Outside strings: the brackets and commas up to the next quote or line end, a
            # piece at a time (a stretch may end a few characters on, and the window hold
            # no quote for a megabyte: looking that far for each broken element of a
            # one-line array would be quadratic).
            limit = min(size, position + piece)
            found = _QUOTE_OR_NEWLINE.search(text, position, limit)
            stop = found.start() if found is not None else limit
            brackets.depth, position, how = _outside_strings(text, position, stop,
                                                             brackets.depth)
            if how is not None:
                return position, how
            if found is None:
                if limit == size:
                    return size, None
                piece = min(piece * 2, _SCAN_MOST)
                continue  # (the next piece)
            position = stop + 1
            if text[stop] == '"':
                brackets.in_string = True
            else:
                if brackets.first_line:
                    brackets.first_line, brackets.second = False, True
                    brackets.pretty = start >= 0 and not text[start + 1:stop].strip()
                brackets.line_begins = base + stop + 1
        return size, None

    def _long(self, start: int, brackets: _Brackets, position: int) -> Record:
        """A broken stretch longer than an element may be, whose end is not in the window:
        one bad record whose tail reads on to its end (without holding it)."""
        text = self._window.text
        message, code, error_at = self._long_finding(start)
        line, column = self._position(start)
        error = self._diagnostic(error_at, message, code, column=code != "PV004",
                                 index=self._index)
        raw = text[start:position].encode("utf-8", "surrogateescape")
        tail = self._rest_of_stretch(brackets, position, line, len(raw))
        return Record(self.file, line, raw, (Item(line, error=error, column=column),), tail,
                      kind="problem", column=column, index=self._index)

    def _long_finding(self, start: int) -> tuple[str, str, int]:
        """What is wrong with a stretch too long to hold: the first error in the text held
        (PV003, PV001), or that it is too long (PV004) where the text runs out first."""
        text = self._window.text
        too_long = (self._too_long_message(), "PV004", start)
        try:
            _, end = DECODER.raw_decode(text, start)
        except json.JSONDecodeError as exc:
            if exc.msg.startswith("Unterminated string") or exc.pos >= len(text) - _NEAR_END:
                return too_long
            found = _NOT_UTF8.search(text, start, exc.pos + 1)
            if found is not None:
                return _NOT_UTF8_MESSAGE, "PV003", found.start()
            return f"not valid JSON: {exc.msg}", "PV001", exc.pos
        except (ValueError, RecursionError) as exc:
            reason = str(exc) if isinstance(exc, ValueError) else "nested too deeply"
            return f"not valid JSON: {reason}", "PV001", start
        if end >= len(text) - _NEAR_END:
            return too_long
        return "not valid JSON: expecting ',' delimiter", "PV001", self._skip_space(end)

    def _rest_of_stretch(self, brackets: _Brackets, position: int, line: int, size: int
                         ) -> Iterator[bytes]:
        """The rest of a long broken stretch (the window's text before ``position`` is
        given), a window at a time, up to MAX_RECORD_BYTES in all; past that, reading stops
        (``stopped``). Leaves ``_resume`` and ``_state`` where reading goes on."""
        while True:
            self._drop(position, at_least=0)
            more = self._more()
            position, how = self._scan(brackets, -1, 0)
            text = self._window.text
            if how is None and not more:
                position, how = len(text), _AT_EOF
            stop = position
            if how is not None:
                while stop > 0 and text[stop - 1] in _SPACE:
                    stop -= 1
            chunk = text[:stop].encode("utf-8", "surrogateescape")
            size += len(chunk)
            self.last_size = min(size, limits.MAX_RECORD_BYTES)
            if size > limits.MAX_RECORD_BYTES:  # (its bytes up to there, as for a line)
                self._stop(stop, f"the array element at line {line} is longer than "
                           f"{limits.MAX_RECORD_BYTES // 2**20} MiB")
                yield chunk[:len(chunk) - (size - limits.MAX_RECORD_BYTES)]
                return
            if how is not None:
                self._ended = how == _AT_EOF
                self._state = _RESUMED if how == _AT_LINE else _SEPARATOR
                self._resume = position
                yield chunk + b"\n"
                return
            yield chunk

    # -- after the closing bracket ----------------------------------------------------------

    def _after(self, position: int) -> Iterator[Record]:
        """After the closing bracket at ``position``: nothing but space; junk on its own line
        (one bad record to the line's end); content on a later line, which is not the
        array's (``rest``)."""
        closing, _ = self._position(position)
        position = self._skip_space(position + 1, drop=True)
        text = self._window.text
        if position >= len(text):
            return
        line, column = self._position(position)
        if line == closing:
            newline = text.find("\n", position)
            while newline < 0 and len(text) - position <= self._max_element and self._more():
                text = self._window.text
                newline = text.find("\n", position)
            if newline < 0 and not self._window.eof:  # a line too long to hold: streamed
                error = self._diagnostic(position, "not valid JSON: extra data after the "
                                         "array", "PV001")
                raw = text[position:].encode("utf-8", "surrogateescape")
                tail = self._rest_of_line(len(text), line, len(raw))
                yield Record(self.file, line, raw, (Item(line, error=error, column=column),),
                             tail, kind="problem", column=column)
                for _ in tail:  # whatever the caller did not consume
                    pass
                position = self._resume
            else:
                end = len(text) if newline < 0 else newline
                yield self._counted(self._problem(position, position, "not valid JSON: extra "
                                                  "data after the array", end=end,
                                                  element=False))
                position = end
            position = self._skip_space(position, drop=True)
            text = self._window.text
            if position >= len(text) or self.stopped is not None:
                return
            line, column = self._position(position)
        begins = max(position - (column - 1), 0)
        rest = text[begins:].encode("utf-8", "surrogateescape") + self._decoder.getstate()[0]
        self.rest = (line, rest)

    def _rest_of_line(self, position: int, line: int, size: int) -> Iterator[bytes]:
        """The rest of a line too long to hold after the array (the window's text before
        ``position`` is given), up to MAX_RECORD_BYTES in all."""
        while True:
            self._drop(position, at_least=0)
            more = self._more()
            text = self._window.text
            newline = text.find("\n")
            position = len(text) if newline < 0 else newline
            chunk = text[:position].encode("utf-8", "surrogateescape")
            size += len(chunk)
            self.last_size = min(size, limits.MAX_RECORD_BYTES)
            if size > limits.MAX_RECORD_BYTES:
                self._stop(position, f"line {line} is longer than "
                           f"{limits.MAX_RECORD_BYTES // 2**20} MiB")
                yield chunk[:len(chunk) - (size - limits.MAX_RECORD_BYTES)]
                return
            if newline >= 0 or not more:
                self._resume = position
                yield chunk + b"\n"
                return
            yield chunk
