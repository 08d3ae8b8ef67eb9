"""The latest received records, kept for the API and the page: a bounded ring.

The ring holds at most ``limit`` records and ``max_bytes`` bytes of them; older ones drop out
(the good and bad files hold everything). A record is kept as its bytes, parsed again only
when the API shows it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from protocols.diagnostics import Diagnostic
from protocols.validate.read.fastjson import stdlib_loads
from protocols.validate.read.records import NOT_PARSED, parsed_fast

MAX_FINDINGS = 50  # findings kept per record (the reasons file and the counts have them all)
MAX_RAW_SHOWN = 4_096  # characters of a record that is not JSON shown by the API


@dataclass(frozen=True, slots=True)
class Received:
    id: int
    received_at: float
    endpoint: str
    write_key: str
    source: str  # as the drift table groups it (--source-field)
    kind: str | None  # the message type
    event: str | None  # the name it is counted under (the planned name when it drifts)
    sent_name: str | None  # the event (or page/screen) name as sent
    good: bool
    raw: bytes
    findings: tuple[Diagnostic, ...]
    note: str | None = None

    def codes(self) -> set[str]:
        return {finding.code for finding in self.findings}

    def to_dict(self, *, preview: int | None = None) -> dict[str, Any]:
        """The record for the API; with ``preview``, a message longer than that many bytes
        is shown as the start of its text (the page's summary stays small)."""
        value = NOT_PARSED if preview is not None and len(self.raw) > preview \
            else parsed_fast(self.raw)
        if value is NOT_PARSED and (preview is None or len(self.raw) <= preview):
            try:  # strict: 1e999 read as infinity would make the answer invalid JSON
                value = stdlib_loads(self.raw)
            except (ValueError, RecursionError):
                value = NOT_PARSED
        data: dict[str, Any] = {
            "id": self.id, "received_at": iso(self.received_at), "endpoint": self.endpoint,
            "write_key": self.write_key, "source": self.source, "type": self.kind,
            "event": self.event, "sent_name": self.sent_name,
            "status": "good" if self.good else "bad",
            "message": None if value is NOT_PARSED else value,
            "findings": [finding_dict(f) for f in self.findings],
            "note": self.note,
        }
        if value is NOT_PARSED:
            data["raw"] = self.raw[:MAX_RAW_SHOWN * 4].decode("utf-8", "replace")[:MAX_RAW_SHOWN]
            if len(self.raw) > MAX_RAW_SHOWN:
                data["raw"] += f"... ({len(self.raw)} bytes: /api/messages and the files have it all)"
        return data


def iso(moment: float) -> str:
    """A time as ISO 8601 in UTC, to the millisecond."""
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")


def finding_dict(finding: Diagnostic) -> dict[str, Any]:
    """A finding for the API: its code and rule, message, JSON path and the plan rule."""
    related = finding.related
    return {
        "code": finding.code, "name": finding.name, "severity": finding.severity.value,
        "message": finding.message, "path": finding.path, "suggestion": finding.suggestion,
        "plan_rule": None if related is None else str(related),
    }


@dataclass(frozen=True)
class Query:
    """Which records to list; every field set must match."""

    status: str | None = None  # good | bad
    event: str | None = None  # the counted name or the name as sent
    kind: str | None = None
    source: str | None = None
    write_key: str | None = None
    code: str | None = None
    since: int | None = None  # records with a greater id

    def matches(self, entry: Received) -> bool:
        return ((self.status is None or (entry.good == (self.status == "good")))
                and (self.event is None or self.event in (entry.event, entry.sent_name))
                and (self.kind is None or entry.kind == self.kind)
                and (self.source is None or entry.source == self.source)
                and (self.write_key is None or entry.write_key == self.write_key)
                and (self.code is None or self.code in entry.codes())
                and (self.since is None or entry.id > self.since))


class Kept:
    def __init__(self, limit: int, max_bytes: int) -> None:
        self.limit = limit
        self.max_bytes = max_bytes
        self._entries: deque[Received] = deque()
        self._bytes = 0

    def add(self, entry: Received) -> None:
        if self.limit <= 0:
            return
        self._entries.append(entry)
        self._bytes += len(entry.raw)
        while len(self._entries) > self.limit or (self._bytes > self.max_bytes
                                                  and len(self._entries) > 1):
            self._bytes -= len(self._entries.popleft().raw)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[Received]:
        return iter(self._entries)

    def select(self, query: Query, limit: int, *, max_bytes: int | None = None
               ) -> tuple[list[Received], int]:
        """The latest ``limit`` matching records, oldest first, and how many match in all;
        with ``max_bytes``, only as many of the latest as fit in that many bytes (as sent;
        at least one)."""
        found: list[Received] = []
        total = size = 0
        full = False
        for entry in reversed(self._entries):
            if query.matches(entry):
                total += 1
                if full or len(found) >= limit:
                    continue
                size += len(entry.raw)
                if max_bytes is not None and size > max_bytes and found:
                    full = True
                    continue
                found.append(entry)
        found.reverse()
        return found, total
