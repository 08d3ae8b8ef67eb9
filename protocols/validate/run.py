"""The validate run: read every input, check every message, count, keep a few examples.

Memory stays flat however large the logs and however many violations: inputs are streamed,
only ``max_examples`` diagnostics are kept per (code, event) pair, the number of pairs and
events counted by name is capped, and the drift tracker bounds itself (see drift.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from protocols.diagnostics import Diagnostic, Severity, format_path, sort_diagnostics
from protocols.plan.model import Plan
from protocols.report.base import RunResult
from protocols.validate.checker import Validator
from protocols.validate.drift import DEFAULT_SOURCE_FIELD, CapReached, DriftTracker, source_of
from protocols.validate.envelope import EnvelopeReader, is_utf8
from protocols.validate.inputs import LineHandler, read_records
from protocols.validate.lane import FastLane
from protocols.validate.quarantine import Quarantine
from protocols.validate.records import Item, Record, parsed_fast

MAX_EXAMPLE_GROUPS = 1_000
MAX_EVENTS_COUNTED = 1_000
OTHER_EVENTS = "(other events)"
NO_EVENT = "(no event)"


@dataclass(frozen=True, kw_only=True)
class ValidateOptions:
    """How to run. ``fail_on`` also decides which messages count as invalid (and go to the
    bad file): those with a finding at or above it (errors when it is None)."""

    source_field: str = DEFAULT_SOURCE_FIELD
    max_examples: int = 5
    fail_on: Severity | None = Severity.ERROR
    good: Path | None = None
    bad: Path | None = None
    bad_reasons: Path | None = None
    jobs: int = 1


class _Examples:
    """The first ``limit`` diagnostics per (code, event); everything else is only counted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: dict[tuple[str, str | None], list[Diagnostic]] = {}
        self.total = 0

    def add(self, diagnostic: Diagnostic) -> None:
        self.total += 1
        key = (diagnostic.code, diagnostic.event)
        group = self.kept.get(key)
        if group is None:
            if len(self.kept) >= MAX_EXAMPLE_GROUPS or self.limit <= 0:
                return
            group = self.kept[key] = []
        if len(group) < self.limit:
            group.append(diagnostic)

    def diagnostics(self) -> tuple[Diagnostic, ...]:
        return tuple(sort_diagnostics(d for group in self.kept.values() for d in group))

    def merge(self, later: _Examples) -> None:
        """Add the examples of the input that follows, as if it had been read by this one."""
        if len(later.kept) >= MAX_EXAMPLE_GROUPS:
            raise CapReached("example groups")  # it may have dropped groups we would keep
        self.total += later.total
        for key, group in later.kept.items():
            mine = self.kept.get(key)
            if mine is None:
                if len(self.kept) >= MAX_EXAMPLE_GROUPS:
                    continue
                mine = self.kept[key] = []
            mine.extend(group[: max(self.limit - len(mine), 0)])


@dataclass
class _Counts:
    messages: int = 0
    valid: int = 0
    invalid: int = 0
    unparseable: int = 0
    files: int = 0

    def __post_init__(self) -> None:
        self.by_code: Counter[str] = Counter()
        self.by_severity: Counter[str] = Counter()
        self.by_event: dict[str, dict[str, int]] = {}

    def event(self, name: str | None, *, invalid: bool) -> None:
        key = name if name is not None else NO_EVENT
        entry = self.by_event.get(key)
        if entry is None:
            if len(self.by_event) >= MAX_EVENTS_COUNTED:
                key = OTHER_EVENTS
            entry = self.by_event.setdefault(key, {"messages": 0, "invalid": 0})
        entry["messages"] += 1
        entry["invalid"] += int(invalid)

    def merge(self, later: _Counts) -> None:
        """Add the counts of the input that follows (names first seen there come after)."""
        if OTHER_EVENTS in later.by_event:
            raise CapReached("events counted by name")
        self.messages += later.messages
        self.valid += later.valid
        self.invalid += later.invalid
        self.unparseable += later.unparseable
        self.by_code.update(later.by_code)
        self.by_severity.update(later.by_severity)
        for name, theirs in later.by_event.items():
            key = name
            if key not in self.by_event and len(self.by_event) >= MAX_EVENTS_COUNTED:
                key = OTHER_EVENTS
            entry = self.by_event.setdefault(key, {"messages": 0, "invalid": 0})
            entry["messages"] += theirs["messages"]
            entry["invalid"] += theirs["invalid"]


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
    run = Run(Validator(plan), DriftTracker(plan, source_field=options.source_field), options)
    quarantine = Quarantine(good=options.good, bad=options.bad, reasons=options.bad_reasons)
    with quarantine:
        for name in inputs:
            run.counts.files += 1
            run.feed(read_records(name, run.line_handler(quarantine)), quarantine)
    return run.result(quarantine)


class Run:
    """The counts, examples and drift of a run, fed records in input order. A worker of a
    parallel run keeps one for its share of the input; see parallel.py for the merge."""

    def __init__(self, validator: Validator, drift: DriftTracker,
                 options: ValidateOptions, lane: FastLane | None = None) -> None:
        self.validator = validator
        self.drift = drift
        self.options = options
        self.examples = _Examples(options.max_examples)
        self.counts = _Counts()
        threshold = options.fail_on or Severity.ERROR
        self.failing = frozenset(s for s in Severity if s.rank >= threshold.rank)
        self.lane = lane if lane is not None else FastLane(validator)

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
        failing = self.failing
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
                    counts.by_code[diagnostic.code] += 1
                    counts.by_severity[diagnostic.severity.value] += 1
                    examples.add(diagnostic)
                record_bad = record_bad or bad or item.error is not None
                found.extend(diagnostics)
            if quarantine.active:
                quarantine.write(record, bad=record_bad, diagnostics=found)
            elif record.tail is not None:
                for _ in record.tail:  # a very long line: skip the rest of it
                    pass

    def result(self, quarantine: Quarantine) -> RunResult:
        return RunResult("validate", self.examples.diagnostics(),
                         _summary(self.counts, self.examples, self.options, quarantine),
                         {"inconsistencies": self.drift.inconsistencies()})


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


def _summary(counts: _Counts, examples: _Examples, options: ValidateOptions,
             quarantine: Quarantine) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "messages": counts.messages,
        "valid": counts.valid,
        "invalid": counts.invalid,
        "unparseable": counts.unparseable,
        "inputs": counts.files,
        "by_event": dict(sorted(counts.by_event.items())),
        "by_code": dict(sorted(counts.by_code.items())),
        "by_severity": {level: counts.by_severity.get(level, 0)
                        for level in ("error", "warning", "info")},
        "findings": examples.total,
        "shown": len(examples.diagnostics()),
        "max_examples": options.max_examples,
    }
    if quarantine.active:
        summary["quarantine"] = {"good": quarantine.good_records, "bad": quarantine.bad_records}
    return summary
