"""A log one line at a time, with exactly the verdicts of ``validate``.

An engine that reads logs in many places at once (``validate --jobs``, Spark, a stream
processor) needs what ``validate`` does to one line, apart from the loop around it:

- :func:`read_log_records`: the records of one input as ``validate`` reads them (NDJSON lines,
  array elements, a document; gzip by content; a BOM; the limits that end an input that is
  not a log), each with its exact bytes, so they can be shipped anywhere and read again;
- :func:`parse_line` and :func:`parse_record`: the messages of one record (a batch gives
  several; a line that is not UTF-8, not JSON, NaN, too long... gives the finding instead);
- :class:`LineChecker`: each message's verdict and findings for a ``--fail-on`` level, and
  whether the line goes to the bad file.

The run of ``validate`` (run.py) checks its records with the same checker, so a line has the
same verdict wherever it is checked. Counting verdicts is partial.py's.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import IO, Any, Literal, NamedTuple, cast

from protocols.diagnostics import Diagnostic, Severity, format_path, sort_diagnostics
from protocols.plan.model import Plan
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.read.inputs import _read_stream
from protocols.validate.read.limits import MAX_LINE_BYTES, is_blank, too_long, without_bom
from protocols.validate.read.records import Item, parse_message_text, parsed_fast

#: One message read from a record, or the finding that stands for one that could not be
#: read (``error``); ``prefix`` is its JSON path in the record (``batch[3]``) for a batch.
ParsedMessage = Item
Verdict = Literal["valid", "invalid", "unparseable"]
RecordKind = Literal["line", "document", "problem"]


@dataclass(frozen=True)
class LogRecord:
    """One record of an input: an NDJSON line, an element of a JSON array document, or a
    document, with its exact bytes (``data``: with its line ending; what ``--good`` or
    ``--bad`` receives, a final ``\\n`` added when it has none).

    ``kind`` says how to read ``data`` again: ``line`` (:func:`parse_line`), ``document`` (one
    JSON value read whole, whatever its size), or ``problem``: reading the input found
    ``problem`` instead of messages (a broken array element, a gzip stream cut short, an
    input that stops); ``data`` is then whatever bytes it holds, possibly none.

    ``column`` is where an element of a JSON array starts on ``line`` (1-based, in
    characters): the position its messages' findings give; ``index`` which element of its
    array it is (from 0), the first part of their paths (``[6].event``). None for any other
    record."""

    file: str
    line: int
    data: bytes
    kind: RecordKind = "line"
    problem: Diagnostic | None = None
    column: int | None = None
    index: int | None = None


def read_log_records(source: bytes | IO[bytes], *, file: str) -> Iterator[LogRecord]:
    """Every record of one input (its bytes, or a binary stream), in order, as ``validate``
    reads it: the format detected from the content (NDJSON, a JSON array, one document), gzip
    by its magic bytes, a BOM on the first line. ``file`` is the name findings give.

    Blank lines are records of their own (consecutive ones together), holding no message.
    Never raises for bad content; memory holds one record at a time (a line too long to be
    a message is read up to 64 MiB, where reading stops, as ``validate`` stops)."""
    if isinstance(source, bytes):
        stream: IO[bytes] = io.BufferedReader(io.BytesIO(source))
    elif callable(getattr(source, "peek", None)):
        stream = source
    else:  # (peek is how the reader sees gzip)
        stream = io.BufferedReader(cast(io.RawIOBase, source))
    plain: list[LogRecord] = []

    def plain_line(data: bytes, line: int) -> bool:
        # The reader offers each complete NDJSON line first. A line holding one message is
        # taken as it is (read again from its bytes later); any other comes back as a record,
        # so the reader still counts the runs of lines without a message that end an input
        # that is not a log (limits.py).
        value = parsed_fast(data)
        if type(value) is not dict or ("type" not in value
                                       and isinstance(value.get("batch"), list)):
            return False
        plain.append(LogRecord(file, line, data))
        return True

    for record in _read_stream(file, stream, plain_line):
        if plain:
            yield from plain
            plain.clear()
        data = record.raw if record.tail is None else record.raw + b"".join(record.tail)
        kind: RecordKind = "line"
        problem = None
        if record.kind == "problem":
            kind, problem = "problem", record.items[0].error
        elif record.kind == "document":
            kind = "document"
        yield LogRecord(record.file, record.line, data, kind, problem, record.column,
                        record.index)
    yield from plain


def parse_line(data: bytes, *, file: str = "-", line: int = 1) -> tuple[ParsedMessage, ...]:
    """The messages of one NDJSON line (its bytes, a line ending or not), exactly as
    ``validate`` reads them: none for a blank line; a message, or each message of a
    ``{"batch": [...]}`` envelope; or the finding instead: longer than 1 MiB (PV004), not
    UTF-8 (PV003), not JSON or NaN (PV001), not an object (PV002). A UTF-8 BOM is skipped on
    line 1 only, as at the start of a file."""
    body = data[:-1] if data[-1:] == b"\n" else data
    if len(body) > MAX_LINE_BYTES:
        return (Item(line, error=too_long(file, line)),)
    if is_blank(data, line):
        return ()
    return tuple(parse_message_text(without_bom(data, line), file=file, line=line))


def parse_record(record: LogRecord) -> tuple[ParsedMessage, ...]:
    """The messages of a record of :func:`read_log_records`, exactly as ``validate`` read
    them."""
    if record.kind == "problem":
        assert record.problem is not None
        return (Item(record.line, error=record.problem, column=record.column),)
    if record.kind == "document":
        return tuple(parse_message_text(without_bom(record.data, record.line),
                                        file=record.file, line=record.line,
                                        column=record.column, index=record.index))
    return parse_line(record.data, file=record.file, line=record.line)


class MessageVerdict(NamedTuple):
    """One message's verdict: ``valid``; ``invalid`` (a finding at or above ``--fail-on``);
    or ``unparseable`` (no message could be read: ``diagnostics`` says why). ``event`` is the
    name the message is counted under in ``by_event`` (None: none, or unparseable);
    ``message`` the message itself (None when unparseable). (Tuples: one is made for every
    message a run checks.)"""

    verdict: Verdict
    event: str | None
    diagnostics: tuple[Diagnostic, ...] | list[Diagnostic] = ()
    message: Mapping[str, Any] | None = None


class LineVerdict(NamedTuple):
    """The verdict on one line (a record): its messages' verdicts, and whether the line goes
    to ``--bad`` (a message that is invalid or unparseable)."""

    messages: tuple[MessageVerdict, ...] | list[MessageVerdict]
    bad: bool

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """Every finding of the line, in the order reports list them."""
        found = [d for message in self.messages for d in message.diagnostics]
        return tuple(sort_diagnostics(found)) if found else ()

    @property
    def verdict(self) -> str:
        """``blank`` (no message), else the worst of its messages' verdicts."""
        if not self.messages:
            return "blank"
        verdicts = {m.verdict for m in self.messages}
        for worst in ("unparseable", "invalid"):
            if worst in verdicts:
                return worst
        return "valid"

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of its findings, each once, sorted."""
        return tuple(sorted({d.code for m in self.messages for d in m.diagnostics}))


class LineChecker:
    """Verdicts on lines for one plan and one ``--fail-on`` level (None: ``never``, which
    still counts errors as invalid, as ``validate`` does).

    Built once and reused; picklable (it ships its :class:`Validator`, whose compiled checks
    are built again where it lands). Messages without any finding take the run's fast lane
    (lane.py), so a healthy line costs what it costs ``validate``."""

    def __init__(self, plan: Plan | Validator, *, fail_on: Severity | None = Severity.ERROR,
                 lane: FastLane | None = None) -> None:
        self.validator = plan if isinstance(plan, Validator) else Validator(plan)
        self.fail_on = fail_on
        self.failing = failing_levels(fail_on)
        self._lane = lane

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_lane"] = None  # compiled closures: rebuilt where it lands
        return state

    @property
    def lane(self) -> FastLane:
        if self._lane is None:
            self._lane = FastLane(self.validator)
        return self._lane

    def check_line(self, data: bytes, *, file: str = "-", line: int = 1) -> LineVerdict:
        """The verdict on one NDJSON line (:func:`parse_line`)."""
        if len(data) <= MAX_LINE_BYTES:
            message = parsed_fast(data)
            if type(message) is dict:
                event = self.lane.accept(message)
                if event is not None:  # the common case: no finding at all
                    return LineVerdict((MessageVerdict("valid", event, (), message),), False)
        return self.check_messages(parse_line(data, file=file, line=line), file=file)

    def check_record(self, record: LogRecord) -> LineVerdict:
        """The verdict on a record of :func:`read_log_records`."""
        if record.kind == "line":
            return self.check_line(record.data, file=record.file, line=record.line)
        return self.check_messages(parse_record(record), file=record.file)

    def check_messages(self, items: Iterable[ParsedMessage], *, file: str) -> LineVerdict:
        """The verdict on the messages read from one line of ``file``."""
        validator, failing = self.validator, self.failing
        verdicts: list[MessageVerdict] = []
        bad = False
        for item in items:
            if item.error is not None:
                verdicts.append(MessageVerdict("unparseable", None, (item.error,)))
                bad = True
                continue
            assert item.message is not None
            diagnostics, event = validator.check(item.message, file=file, line=item.line,
                                                 column=item.column)
            if not diagnostics:
                verdicts.append(MessageVerdict("valid", event, (), item.message))
                continue
            if item.prefix:
                diagnostics = list(_placed(diagnostics, format_path(item.prefix)))
            invalid = any(d.severity in failing for d in diagnostics)
            verdicts.append(MessageVerdict("invalid" if invalid else "valid", event,
                                           diagnostics, item.message))
            bad = bad or invalid
        return LineVerdict(verdicts, bad)


def failing_levels(fail_on: Severity | None) -> frozenset[Severity]:
    """The levels that make a message invalid: ``fail_on`` and above (errors for None)."""
    threshold = fail_on or Severity.ERROR
    return frozenset(s for s in Severity if s.rank >= threshold.rank)


def _placed(diagnostics: Iterable[Diagnostic], prefix: str) -> Iterable[Diagnostic]:
    """The findings about one message of a batch or an array, their paths under ``prefix``
    (the message's place in the batch, ``batch[3]``, or in the array, ``[6]``)."""
    for diagnostic in diagnostics:
        path = diagnostic.path or ""
        path = prefix if not path else (f"{prefix}{path}" if path.startswith("[")
                                         else f"{prefix}.{path}")
        yield replace(diagnostic, path=path)


__all__ = ["LineChecker", "LineVerdict", "LogRecord", "MessageVerdict", "ParsedMessage",
           "failing_levels", "parse_line", "parse_record", "read_log_records"]
