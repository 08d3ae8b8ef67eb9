"""The validate run: read every input (inputs.py), check every message (checker.py, with
the fast lane of lane.py), count (tally.py), quarantine (quarantine.py).

Memory stays flat however large the logs and however many violations: inputs are streamed,
the tally keeps capped examples and counts, every finding goes to a file on disk when the
caller wants them all (findings.py), and the drift tracker bounds itself (see drift.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from protocols.diagnostics import Severity
from protocols.plan.model import Plan
from protocols.report.base import RunResult
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, DriftTracker
from protocols.validate.count.findings import FindingsLog
from protocols.validate.count.partial import PartialResult
from protocols.validate.lines import LineChecker
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


def validate_inputs(plan: Plan, inputs: Sequence[str], options: ValidateOptions
                    ) -> RunResult:
    """Validate every message of ``inputs`` (file names or ``-``) against ``plan``.

    With ``options.jobs`` above 1, NDJSON files are validated in byte ranges on worker
    processes (protocols/validate/parallel.py); the result is the same as with one.
    """
    if options.jobs > 1:
        from protocols.validate.parallel import validate_in_parallel

        result = validate_in_parallel(plan, inputs, options)
        if result is not None:
            return result
    findings = FindingsLog() if options.every_finding else None
    run = Run(Validator(plan), options, findings=findings)
    quarantine = Quarantine(good=options.good, bad=options.bad, reasons=options.bad_reasons)
    try:
        with quarantine:
            for name in inputs:
                run.counts.files += 1
                run.feed(read_records(name, run.line_handler(quarantine)), quarantine)
    except BaseException:
        if findings is not None:
            findings.close()
        raise
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

    def line_handler(self, quarantine: Quarantine) -> LineHandler:
        """What the NDJSON reader offers each line first: a message that parses and takes
        the fast lane (no finding at all) is counted, observed for drift and sent to the
        good file right here, without the record and diagnostics machinery of :meth:`feed`;
        any other line is declined and comes back to :meth:`feed` as a record."""
        accept, observe, counts = self.lane.accept, self.drift.observe, self.counts
        by_event = counts.by_event
        write_good = quarantine.good_writer()

        def handle(data: bytes, line: int) -> bool:
            message = parsed_fast(data)
            if type(message) is not dict:  # (NOT_PARSED too): the full path decides
                return False
            event = accept(message)
            if event is None:
                return False
            observe(message)
            counts.messages += 1
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
        for record in records:
            verdict = check(record.items, file=record.file)
            add(verdict)
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
