"""The validate run: read every input (inputs.py), check every message (checker.py, with
the fast lane of lane.py), count (tally.py), quarantine (quarantine.py).

Memory stays flat however large the logs and however many violations: inputs are streamed,
the tally keeps capped examples and counts, every finding goes to a file on disk when the
caller wants them all (findings.py), and the drift tracker bounds itself (see drift.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from protocols.diagnostics import Severity
from protocols.plan.model import Plan
from protocols.progress import EVERY, Progress, Report
from protocols.report.base import RunResult
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, DriftTracker, source_of
from protocols.validate.count.findings import FindingsLog, findings_of_run
from protocols.validate.count.partial import PartialResult
from protocols.validate.lines import LineChecker
from protocols.validate.read.envelope import EnvelopeReader, is_utf8
from protocols.validate.read.inputs import LineHandler, read_records
from protocols.validate.read.records import Record, parsed_fast
from protocols.validate.write.quarantine import Quarantine


@dataclass(frozen=True, kw_only=True)
class ValidateOptions:
    """How to run. ``fail_on`` also decides which messages count as invalid (and go to the
    bad file): those with a finding at or above it (errors when it is None).
    ``every_finding``: keep every finding (on disk) for the formats that list them all; the
    result's ``findings`` is then set."""

    source_field: str = DEFAULT_SOURCE_FIELD
    max_examples: int = 5
    fail_on: Severity | None = Severity.ERROR
    good: Path | None = None
    bad: Path | None = None
    bad_reasons: Path | None = None
    jobs: int = 1
    every_finding: bool = False


def validate_inputs(plan: Plan, inputs: Sequence[str], options: ValidateOptions, *,
                    progress: Report | None = None) -> RunResult:
    """Validate every message of ``inputs`` (file names or ``-``) against ``plan``.

    With ``options.jobs`` above 1, NDJSON files are validated in byte ranges on worker
    processes (protocols/validate/parallel.py); the result is the same as with one.
    ``progress`` hears how far the run has got (protocols/progress.py): every EVERY
    messages on one process, after each piece on several.
    """
    if options.jobs > 1:
        from protocols.validate.parallel import validate_in_parallel

        result = validate_in_parallel(plan, inputs, options, progress=progress)
        if result is not None:
            return result
    with findings_of_run(options.every_finding) as findings:
        run = Run(Validator(plan), options, findings=findings)
        ticker = Ticker(run, progress, inputs) if progress is not None else None
        run.tick = ticker.tick if ticker is not None else None
        quarantine = Quarantine(good=options.good, bad=options.bad, reasons=options.bad_reasons)
        with quarantine:
            for name in inputs:
                run.counts.files += 1
                if ticker is not None:
                    ticker.begin(name)
                run.feed(read_records(name, run.line_handler(quarantine),
                                      opened=ticker.opened if ticker is not None else None),
                         quarantine)
                if ticker is not None:
                    ticker.done(name)
        return run.result(quarantine)


class Run:
    """A validate run, fed records in input order: the verdict on each (lines.py's
    :class:`LineChecker`) counted in a :class:`PartialResult` (partial.py). A worker of a
    parallel run keeps one for its share of the input; the parent merges them."""

    def __init__(self, validator: Validator, options: ValidateOptions,
                 lane: FastLane | None = None, *, findings: FindingsLog | None = None) -> None:
        self.validator = validator
        self.options = options
        self.partial = PartialResult(validator.plan, source_field=options.source_field,
                                     max_examples=options.max_examples, findings=findings)
        # (the parts the fast lane below updates itself)
        self.counts, self.examples = self.partial.counts, self.partial.examples
        drift = self.partial.drift
        assert isinstance(drift, DriftTracker)
        self.drift = drift
        self.lane = lane if lane is not None else FastLane(validator)
        self.checker = LineChecker(validator, fail_on=options.fail_on, lane=self.lane)
        # Called when the count of messages is a multiple of EVERY (a progress line).
        self.tick: Callable[[], None] | None = None

    def line_handler(self, quarantine: Quarantine) -> LineHandler:
        """What the NDJSON reader offers each line first: a message that parses and takes
        the fast lane (no finding at all) is counted, observed for drift and sent to the
        good file right here, without the record and diagnostics machinery of :meth:`feed`;
        any other line is declined and comes back to :meth:`feed` as a record."""
        accept, counts = self.lane.accept_envelope, self.counts
        observe, by_event = self.drift.observe_parts, counts.by_event
        write_good = quarantine.good_writer()
        reader = EnvelopeReader(self.drift.source_path)
        decode, source_of_envelope, from_message = reader.decode, reader.source, \
            reader.from_message
        source_path = self.drift.source_path
        tick, mask = self.tick, EVERY - 1

        def handle(data: bytes, line: int) -> bool:
            if decode is not None:
                # The envelope only (envelope.py); anything it refuses, the full path reads.
                try:
                    envelope = decode(data)
                except (ValueError, RecursionError):
                    return False
                if not data.isascii() and not is_utf8(data):
                    return False
                source = None
            else:  # a source path the envelope cannot type: the message whole
                message = parsed_fast(data)
                if type(message) is not dict:  # (NOT_PARSED too): the full path decides
                    return False
                envelope = from_message(message)
                source = source_of(message, source_path)
            accepted = accept(envelope)
            if accepted is None:
                return False
            entry, payload = accepted
            event = entry.event
            kind = envelope.type
            if kind == "track" or kind == "identify" or kind == "group":
                observe(kind, envelope.event, payload,
                        source_of_envelope(envelope) if source is None else source,
                        entry.planned)
            counts.messages += 1
            if not counts.messages & mask and tick is not None:
                tick()
            counts.valid += 1
            known = by_event.get(event)
            if known is not None:  # (counts.event, less a call)
                known["messages"] += 1
            else:
                counts.event(event, invalid=False)
            if write_good is not None:
                write_good(data)
            return True

        return handle

    def feed(self, records: Iterable[Record], quarantine: Quarantine) -> None:
        check, add = self.checker.check_messages, self.partial.add
        counts, tick = self.counts, self.tick
        for record in records:
            before = counts.messages
            verdict = check(record.items, file=record.file)
            add(verdict)
            if tick is not None and counts.messages // EVERY > before // EVERY:
                tick()
            if quarantine.active:
                found = [d for message in verdict.messages for d in message.diagnostics]
                quarantine.write(record, bad=verdict.bad, diagnostics=found)
            elif record.tail is not None:
                for _ in record.tail:  # a very long line: skip the rest of it
                    pass

    def result(self, quarantine: Quarantine) -> RunResult:
        if quarantine.active:
            self.partial.quarantine = (quarantine.good_records, quarantine.bad_records)
        return self.partial.result()


class Ticker:
    """Tells ``report`` how far a run on one process has got: bytes of the inputs read
    (their handles' positions; of a gzip file, compressed bytes), of the inputs' total size
    when every one is a regular file, messages read and findings so far."""

    def __init__(self, run: Run, report: Report, inputs: Sequence[str]) -> None:
        self.run = run
        self.report = report
        self.sizes = {name: _size(name) for name in inputs}  # (one stat per input)
        known = [self.sizes[name] for name in inputs]  # an input given twice is read twice
        self.total = None if None in known else sum(s for s in known if s is not None)
        self.before = 0
        self.handle: IO[bytes] | None = None
        self.positioned = False

    def begin(self, name: str) -> None:
        """The next input is ``name`` (standard input has no position worth telling)."""
        self.positioned = self.sizes.get(name) is not None

    def opened(self, handle: IO[bytes]) -> None:
        self.handle = handle if self.positioned else None

    def tick(self) -> None:
        at = 0
        if self.handle is not None:
            try:
                at = self.handle.tell()
            except (OSError, ValueError):  # a pipe, or closed
                at = 0
        self._report(self.before + at)

    def done(self, name: str) -> None:
        self.before += self.sizes.get(name) or 0
        self.handle = None
        self._report(self.before)

    def _report(self, read: int) -> None:
        run = self.run
        if self.total is not None:
            read = min(read, self.total)
        self.report(Progress(read, self.total, run.counts.messages, run.examples.total))


def _size(name: str) -> int | None:
    """The size of a regular file, None for stdin and anything else."""
    try:
        return os.path.getsize(name) if os.path.isfile(name) else None
    except OSError:
        return None
