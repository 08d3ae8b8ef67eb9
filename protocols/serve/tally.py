"""The counts since start (or the last reset): all, good, bad, and per event, code, write key
and type. Every table is capped, so a stream of made-up names cannot grow memory."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic

MAX_NAMES = 1_000  # events (and write keys) counted by name; later ones share one row
OTHER = "(other)"
NO_EVENT = "(no event)"


@dataclass
class Tally:
    good: int = 0
    bad: int = 0
    refused: int = 0  # requests answered with an error and not kept (too large)
    requests: int = 0
    by_event: dict[str, dict[str, int]] = field(default_factory=dict)
    by_write_key: dict[str, dict[str, int]] = field(default_factory=dict)
    by_code: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    code_names: dict[str, str] = field(default_factory=dict)

    def add(self, *, good: bool, event: str | None, kind: str | None, write_key: str,
            findings: Sequence[Diagnostic] = ()) -> None:
        if good:
            self.good += 1
        else:
            self.bad += 1
        _bump(self.by_event, event if event is not None else NO_EVENT, good)
        _bump(self.by_write_key, write_key, good)
        self.by_type[kind if kind is not None else "(none)"] += 1
        for finding in findings:
            self.by_code[finding.code] += 1
            self.code_names.setdefault(finding.code, finding.name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "all": self.good + self.bad, "good": self.good, "bad": self.bad,
            "refused": self.refused, "requests": self.requests,
            "by_event": dict(sorted(self.by_event.items())),
            "by_code": {code: {"name": self.code_names.get(code, ""), "count": count}
                        for code, count in sorted(self.by_code.items())},
            "by_write_key": dict(sorted(self.by_write_key.items())),
            "by_type": dict(sorted(self.by_type.items())),
        }


def _bump(table: dict[str, dict[str, int]], key: str, good: bool) -> None:
    entry = table.get(key)
    if entry is None:
        if len(table) >= MAX_NAMES:
            key = OTHER
        entry = table.setdefault(key, {"messages": 0, "bad": 0})
    entry["messages"] += 1
    entry["bad"] += int(not good)
