"""The validate run: read every input (inputs.py), check every message (checker.py, with
the fast lane of lane.py), count (tally.py), quarantine (quarantine.py).

Memory stays flat however large the logs and however many violations: inputs are streamed,
the tally keeps capped examples and counts, every finding goes to a file on disk when the
caller wants them all (findings.py), and the drift tracker bounds itself (see drift.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from protocols.diagnostics import Diagnostic, Severity, format_path, sort_diagnostics
from protocols.plan.model import Plan
from protocols.report.base import RunResult
from protocols.validate.checker import Validator
from protocols.validate.drift import DEFAULT_SOURCE_FIELD, DriftTracker
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
    run = Run(Validator(plan), DriftTracker(plan, source_field=options.source_field), options,
              findings=findings)
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
        validator, drift, counts, examples = (self.validator, self.drift, self.counts,
                                              self.examples)
        failing, findings = self.failing, self.findings
        for record in records:
            found: list[Diagnostic] = []
            record_bad = False
            for item in record.items:
                diagnostics, event = _check_item(item, record.file, validator, drift)
                counts.messages += 1
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
