"""The validate run: read every input (inputs.py), check every message (checker.py, with
the fast lane of lane.py), count (tally.py), quarantine (quarantine.py).

Memory stays flat however large the logs and however many violations: inputs are streamed,
the tally keeps capped examples and counts, every finding goes to a file on disk when the
caller wants them all (findings.py), and the drift tracker bounds itself (see drift.py).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO

from protocols.diagnostics import Diagnostic, Severity, format_path, sort_diagnostics
from protocols.plan.model import Plan
from protocols.progress import EVERY, Progress, Report
from protocols.report.base import RunResult
from protocols.validate.checker import Validator
from protocols.validate.drift import DEFAULT_SOURCE_FIELD, DriftTracker, source_of
from protocols.validate.envelope import EnvelopeReader, is_utf8
from protocols.validate.findings import FindingsLog
from protocols.validate.inputs import LineHandler, read_records
from protocols.validate.lane import FastLane
from protocols.validate.quarantine import Quarantine
from protocols.validate.records import Item, Record, parsed_fast
from protocols.validate.tally import Counts, Examples, summary


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
    findings = FindingsLog() if options.every_finding else None
    run = Run(Validator(plan), DriftTracker(plan, source_field=options.source_field), options,
              findings=findings)
    ticker = Ticker(run, progress, inputs) if progress is not None else None
    run.tick = ticker.tick if ticker is not None else None
    quarantine = Quarantine(good=options.good, bad=options.bad, reasons=options.bad_reasons)
    try:
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
    except BaseException:
        if findings is not None:
            findings.close()
        raise
    return run.result(quarantine)


class Run:
    """The counts, examples and drift of a run, fed records in input order. A worker of a
    parallel run keeps one for its share of the input; see parallel.py for the merge."""

    def __init__(self, validator: Validator, drift: DriftTracker,
                 options: ValidateOptions, lane: FastLane | None = None, *,
                 findings: FindingsLog | None = None) -> None:
        self.validator = validator
        self.drift = drift
        self.options = options
        self.examples = Examples(options.max_examples)
        self.counts = Counts()
        self.findings = findings
        threshold = options.fail_on or Severity.ERROR
        self.failing = frozenset(s for s in Severity if s.rank >= threshold.rank)
        self.lane = lane if lane is not None else FastLane(validator)
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
        validator, drift, counts, examples = (self.validator, self.drift, self.counts,
                                              self.examples)
        failing, findings = self.failing, self.findings
        tick, mask = self.tick, EVERY - 1
        for record in records:
            found: list[Diagnostic] = []
            record_bad = False
            for item in record.items:
                diagnostics, event = _check_item(item, record.file, validator, drift)
                counts.messages += 1
                if not counts.messages & mask and tick is not None:
                    tick()
                if not diagnostics:  # most messages: only counted
                    counts.valid += 1
                    counts.event(event, invalid=False)
                    continue
                bad = any(d.severity in failing for d in diagnostics)
                if item.error is not None:
                    counts.unparseable += 1
                else:
                    counts.invalid += int(bad)
                    counts.valid += int(not bad)
                    counts.event(event, invalid=bad)
                for diagnostic in diagnostics:
                    counts.finding(diagnostic)
                    examples.add(diagnostic)
                record_bad = record_bad or bad or item.error is not None
                found.extend(diagnostics)
            if found and findings is not None:
                findings.add(sort_diagnostics(found))
            if quarantine.active:
                quarantine.write(record, bad=record_bad, diagnostics=found)
            elif record.tail is not None:
                for _ in record.tail:  # a very long line: skip the rest of it
                    pass

    def result(self, quarantine: Quarantine) -> RunResult:
        counted = (quarantine.good_records, quarantine.bad_records) if quarantine.active else None
        if self.findings is not None:
            self.findings.finish()
        return RunResult("validate", self.examples.diagnostics(),
                         summary(self.counts, self.examples,
                                 max_examples=self.options.max_examples, quarantine=counted),
                         {"inconsistencies": self.drift.inconsistencies()},
                         findings=self.findings)


def _check_item(item: Item, file: str, validator: Validator, drift: DriftTracker
                ) -> tuple[list[Diagnostic], str | None]:
    if item.error is not None:
        return [item.error], None
    assert item.message is not None
    diagnostics, event = validator.check(item.message, file=file, line=item.line)
    drift.observe(item.message)
    if item.prefix and diagnostics:
        diagnostics = list(_prefixed(diagnostics, format_path(item.prefix)))
    return diagnostics, event


def _prefixed(diagnostics: Iterable[Diagnostic], prefix: str) -> Iterable[Diagnostic]:
    for diagnostic in diagnostics:
        path = diagnostic.path or ""
        joined = prefix if not path else (f"{prefix}{path}" if path.startswith("[")
                                          else f"{prefix}.{path}")
        yield replace(diagnostic, path=joined)


class Ticker:
    """Tells ``report`` how far a run on one process has got: bytes of the inputs read
    (their handles' positions; of a gzip file, compressed bytes), of the inputs' total size
    when every one is a regular file, messages read and findings so far."""

    def __init__(self, run: Run, report: Report, inputs: Sequence[str]) -> None:
        self.run = run
        self.report = report
        sizes = [_size(name) for name in inputs]
        self.total = None if None in sizes else sum(s for s in sizes if s is not None)
        self.before = 0
        self.handle: IO[bytes] | None = None
        self.positioned = False

    def begin(self, name: str) -> None:
        """The next input is ``name`` (standard input has no position worth telling)."""
        self.positioned = _size(name) is not None

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
        self.before += _size(name) or 0
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
