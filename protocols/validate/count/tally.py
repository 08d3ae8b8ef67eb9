"""The count stage of a validate run: exact counts, a few examples, the summary.

Memory stays flat however many findings there are: counts are per code, level and event
name (at most ``MAX_EVENTS_COUNTED`` names, the rest under ``(other events)``), and only the
first ``max_examples`` diagnostics of each (code, event) pair are kept, for at most
``MAX_EXAMPLE_GROUPS`` pairs. Every finding, for the machine formats, goes to a
:class:`~protocols.validate.count.findings.FindingsLog` on disk instead.

Both classes merge: a parallel run (parallel.py) adds the tallies of its pieces in input
order, and gets exactly the tally of one process, or :class:`CapReached` when a cap makes
that impossible.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Diagnostic, sort_diagnostics
from protocols.validate.count.drift import CapReached

MAX_EXAMPLE_GROUPS = 1_000
MAX_EVENTS_COUNTED = 1_000
OTHER_EVENTS = "(other events)"
NO_EVENT = "(no event)"


class Examples:
    """The first ``limit`` diagnostics per (code, event); everything else is only counted."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: dict[tuple[str, str | None], list[Diagnostic]] = {}
        self.total = 0

    def add(self, diagnostic: Diagnostic) -> None:
        self.total += 1
        self.keep(diagnostic)

    def keep(self, diagnostic: Diagnostic) -> None:
        """:meth:`add`, for a finding already counted in ``total`` (an engine that counted
        them apart offers only the first few of each code and event, in input order)."""
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

    def merge(self, later: Examples) -> None:
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
class Counts:
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
        self.add_event(name, 1, int(invalid))

    def add_event(self, name: str | None, messages: int, invalid: int) -> None:
        """Count ``messages`` of event ``name`` (None: no event), ``invalid`` of them
        invalid. Names are kept in the order they first come, up to MAX_EVENTS_COUNTED."""
        key = name if name is not None else NO_EVENT
        entry = self.by_event.get(key)
        if entry is None:
            if len(self.by_event) >= MAX_EVENTS_COUNTED:
                key = OTHER_EVENTS
            entry = self.by_event.setdefault(key, {"messages": 0, "invalid": 0})
        entry["messages"] += messages
        entry["invalid"] += invalid

    def finding(self, diagnostic: Diagnostic) -> None:
        self.by_code[diagnostic.code] += 1
        self.by_severity[diagnostic.severity.value] += 1

    def add_findings(self, code: str, severity: str, count: int) -> None:
        self.by_code[code] += count
        self.by_severity[severity] += count

    def merge(self, later: Counts) -> None:
        """Add the counts of the input that follows (names first seen there come after)."""
        if OTHER_EVENTS in later.by_event:
            raise CapReached("events counted by name")
        self.messages += later.messages
        self.valid += later.valid
        self.invalid += later.invalid
        self.unparseable += later.unparseable
        self.files += later.files
        self.by_code.update(later.by_code)
        self.by_severity.update(later.by_severity)
        for name, theirs in later.by_event.items():
            self.add_event(name, theirs["messages"], theirs["invalid"])


def summary(counts: Counts, examples: Examples, *, max_examples: int,
            quarantine: tuple[int, int] | None) -> dict[str, Any]:
    """The ``summary`` of a validate report; ``quarantine``: (good, bad) records, if any."""
    out: dict[str, Any] = {
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
        "max_examples": max_examples,
    }
    if quarantine is not None:
        out["quarantine"] = {"good": quarantine[0], "bad": quarantine[1]}
    return out
