"""The collector: what happens to a request's body, whatever web framework carried it.

``Collector.receive`` takes the body of a ``POST /v1/...`` request and returns the answer:
the body is decompressed and split into records (body.py); each record that is a message is
checked by ``protocols.Validator``, as ``protocols validate`` checks it (same codes, same
``--fail-on`` rule for what is bad), and counted in the naming-drift tracker; then all the
request's records are appended to the good and bad files (recorder.py) and only then counted,
kept for the API (kept.py) and acknowledged. A record that cannot be a message (not JSON, a
corrupt gzip body, a batch over the length limit) goes to the bad file all the same: nothing
received is dropped. Only a body over the size limit is refused before it is read whole; it
is counted as refused and the client is told (413).

The collector is used from one thread (the server's event loop): a request is checked and
written whole before the next one is, so records of two requests never interleave.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path
from time import time
from typing import Any

from protocols.diagnostics import Diagnostic, Severity
from protocols.plan import Plan
from protocols.serve.body import Part, Unreadable, decompress, parsed, split, unreadable_part
from protocols.serve.kept import MAX_FINDINGS, Kept, Query, Received, iso
from protocols.serve.planwatch import PlanStatus
from protocols.serve.recorder import Recorder
from protocols.serve.tally import Tally
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.check.messages import clip
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, CapReached, DriftTracker, source_of

DEFAULT_MAX_BODY = 1024 * 1024  # Segment takes 500 KB a batch; twice that, decompressed
DEFAULT_MAX_BATCH = 2_500
DEFAULT_KEEP = 1_000
DEFAULT_KEEP_BYTES = 64 * 1024 * 1024
# Request bodies arriving at the same time share this many bytes (at least one --max-body):
# a client that opens thousands of connections and sends each body slowly held a buffer per
# connection, without end. Past it a body is refused with 503, which SDKs retry.
DEFAULT_IN_FLIGHT_BYTES = 64 * 1024 * 1024
DEFAULT_BODY_SECONDS = 30.0  # a body must arrive whole within this (then 408)
MAX_REASONS = 10  # findings written per bad record in the reasons file
MAX_DRIFT_SHOWN = 200  # drift rows in the page's summary (the API has them all)
MAX_WRITE_KEY = 100
PREVIEW_BYTES = 16 * 1024  # a longer message is shown on the page as the start of its text
# Messages (as sent) in one answer of /api/messages: the latest that fit. Each is parsed
# again for the answer, and any client may ask: 20 clients asking at once for the whole
# 64 MiB ring took 1.4 GB.
MAX_ANSWER_BYTES = 8 * 1024 * 1024
NO_WRITE_KEY = "(none)"

# The tracking API's paths under /v1, and the message type each implies (None: a batch).
# The one-letter paths are those analytics.js posts to (/v1/t, /v1/b...).
ENDPOINTS: dict[str, str | None] = {
    "batch": None, "import": None, "b": None,
    "track": "track", "t": "track", "identify": "identify", "i": "identify",
    "page": "page", "p": "page", "screen": "screen", "s": "screen",
    "group": "group", "g": "group", "alias": "alias", "a": "alias",
}


@dataclass(frozen=True, kw_only=True)
class CollectorOptions:
    good: Path
    bad: Path
    bad_reasons: Path | None = None
    source_field: str = DEFAULT_SOURCE_FIELD
    fail_on: Severity | None = Severity.ERROR
    max_body: int = DEFAULT_MAX_BODY
    max_batch: int = DEFAULT_MAX_BATCH
    keep: int = DEFAULT_KEEP
    keep_bytes: int = DEFAULT_KEEP_BYTES
    in_flight_bytes: int = DEFAULT_IN_FLIGHT_BYTES
    body_seconds: float = DEFAULT_BODY_SECONDS
    fsync: bool = False


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]


@dataclass(slots=True)
class _Checked:
    """What the rest of a request needs of one checked record. The parsed message itself is
    dropped once checked: a batch's messages are never all alive at once, which keeps the
    garbage collector's work per request small."""

    raw: bytes
    good: bool
    findings: list[Diagnostic]
    index: int | None = None
    note: str | None = None
    event: str | None = None
    kind: str | None = None
    source: str = "-"
    sent_name: str | None = None
    write_key: str | None = None  # the message's own writeKey


class Collector:
    """Validates, records and counts what the SDKs send; see the module docs."""

    def __init__(self, plan: Plan, options: CollectorOptions, *,
                 plan_status: PlanStatus | None = None) -> None:
        self.options = options
        self.recorder = Recorder(good=options.good, bad=options.bad,
                                 reasons=options.bad_reasons, fsync=options.fsync)
        threshold = options.fail_on or Severity.ERROR
        self._failing = frozenset(s for s in Severity if s.rank >= threshold.rank)
        self.plan = plan
        self.validator = Validator(plan)
        self.lane = FastLane(self.validator)
        self.drift = DriftTracker(plan, source_field=options.source_field)
        self.plan_status = plan_status
        self.tally = Tally()
        self.kept = Kept(options.keep, options.keep_bytes)
        self.version = 0  # bumped by every change the page shows
        self.started_at = time()
        self.drift_note: str | None = None
        self.last_refusal: str | None = None
        self._records = 0
        self._requests = 0

    def open(self) -> None:
        self.recorder.open()

    def close(self) -> None:
        self.recorder.close()

    # -- receiving ------------------------------------------------------------------------

    def receive(self, *, endpoint: str, body: bytes, encoding: str | None = None,
                authorization: str | None = None) -> Reply:
        """One ``POST /v1/<endpoint>`` body: validated, written, counted, then answered.

        Raises OSError when the files cannot be written (nothing is counted then; the
        server answers 503 so that the SDK sends it again)."""
        implied = ENDPOINTS.get(endpoint)
        status, problem = 200, None
        try:
            data = decompress(body, encoding, limit=self.options.max_body)
        except Unreadable as exc:
            parts: tuple[Part, ...] = (unreadable_part(body, exc.reason),)
            status, problem, body_key = exc.status, exc.reason, None
        else:
            try:
                found = split(data, max_batch=self.options.max_batch)
                parts, body_key = found.parts, found.write_key
                status, problem = found.status, found.problem
            except Exception as exc:  # a bug must not lose the body: kept whole in bad
                note = f"internal error while reading the body: {type(exc).__name__}: {exc}"
                parts, body_key = (Part(data, note=note),), None
                status, problem = 400, note
        header_key = write_key_of(authorization)
        checked = [self._check(part, implied) for part in parts]
        received_at = time()
        self._requests += 1
        good_lines = [c.raw for c in checked if c.good]
        bad_lines = []
        keys = []
        for c in checked:
            key = header_key or body_key or c.write_key
            keys.append(clip(key, MAX_WRITE_KEY) if key else NO_WRITE_KEY)
            if not c.good:
                bad_lines.append((c.raw, self._reason(c, endpoint, keys[-1], received_at)))
        self.recorder.write(good_lines, bad_lines)  # (the ack waits for this)
        self.tally.requests += 1
        path = f"/v1/{endpoint}"
        for c, key in zip(checked, keys, strict=True):
            self._count(c, path, key, received_at)
        self.version += 1
        if problem is not None:
            self.last_refusal = f"{endpoint}: {problem}"
            return Reply(status, {"success": False, "error": problem,
                                  "kept": len(parts), "good": len(good_lines),
                                  "bad": len(bad_lines)})
        return Reply(200, {"success": True, "good": len(good_lines), "bad": len(bad_lines)})

    def refuse(self, *, endpoint: str, reason: str, status: int = 413) -> Reply:
        """A body not taken: too large to read (413), too slow to arrive (408), or no room
        for it now (503). Counted, and the client told."""
        self.tally.refused += 1
        self.tally.requests += 1
        self.last_refusal = f"{endpoint}: {reason}"
        self.version += 1
        return Reply(status, {"success": False, "error": reason, "kept": 0})

    def _check(self, part: Part, implied: str | None) -> _Checked:
        try:
            part = parsed(part)
        except Exception as exc:  # a bug must not lose the message: it goes to bad, saying so
            return _Checked(part.raw, False, [], part.index, "internal error while reading: "
                            f"{type(exc).__name__}: {exc}")
        if part.message is None:
            findings = [part.error] if part.error is not None else []
            return _Checked(part.raw, False, findings, part.index, part.note)
        message = part.message
        if implied is not None and "type" not in message:
            message = {**message, "type": implied}  # the path says what the call is
        kind, sent_name = _kind(message), _sent_name(message)
        source = source_of(message, self.drift.source_path)
        write_key = _message_key(message)
        try:
            # The message with no finding at all takes validate's fast lane (the same
            # answer as the full path, which tests/test_validate_lane.py holds it to).
            event = self.lane.accept(message)
            if event is not None:
                self.drift.observe(message)
                return _Checked(part.raw, True, [], part.index, None, event, kind, source,
                                sent_name, write_key)
            findings, event = self.validator.check(message)
            self.drift.observe(message)
        except Exception as exc:  # a bug must not lose the message: it goes to bad, saying so
            note = f"internal error while validating: {type(exc).__name__}: {exc}"
            return _Checked(part.raw, False, [], part.index, note, None, kind, source,
                            sent_name, write_key)
        good = not any(d.severity in self._failing for d in findings)
        return _Checked(part.raw, good, findings, part.index, None, event, kind, source,
                        sent_name, write_key)

    def _reason(self, checked: _Checked, endpoint: str, write_key: str,
                received_at: float) -> dict[str, Any]:
        findings = checked.findings
        return {
            "received_at": iso(received_at), "endpoint": f"/v1/{endpoint}",
            "write_key": write_key, "request": self._requests, "index": checked.index,
            "codes": sorted({d.code for d in findings}),
            "messages": [{"code": d.code, "severity": d.severity.value, "path": d.path,
                          "message": d.message} for d in findings[:MAX_REASONS]],
            "note": checked.note,
        }

    def _count(self, checked: _Checked, path: str, write_key: str,
               received_at: float) -> None:
        findings = checked.findings
        self.tally.add(good=checked.good, event=checked.event, kind=checked.kind,
                       write_key=write_key, findings=findings)
        self._records += 1
        self.kept.add(Received(
            self._records, received_at, path, write_key, checked.source, checked.kind,
            checked.event, checked.sent_name, checked.good, checked.raw,
            tuple(findings[:MAX_FINDINGS]) if findings else (), checked.note))

    # -- the plan -----------------------------------------------------------------------

    def use_plan(self, plan: Plan, status: PlanStatus | None) -> None:
        """Check what comes next against ``plan``; the drift counts so far carry over."""
        drift = DriftTracker(plan, source_field=self.options.source_field)
        try:
            drift.merge(self.drift)
            self.drift_note = None
        except CapReached:
            drift = DriftTracker(plan, source_field=self.options.source_field)
            self.drift_note = ("the naming-drift counts restarted when the plan was reloaded "
                               "(the earlier ones had reached a cap)")
        self.plan, self.validator, self.drift = plan, Validator(plan), drift
        self.lane = FastLane(self.validator)
        self.plan_status = status
        self.version += 1

    def plan_failed(self, status: PlanStatus | None) -> None:
        self.plan_status = status
        self.version += 1

    def reset(self) -> None:
        """Forget the counts, the kept records and the drift (the files keep everything)."""
        self.tally = Tally()
        self.kept.clear()
        self.drift = DriftTracker(self.plan, source_field=self.options.source_field)
        self.drift_note = None
        self.last_refusal = None
        self.version += 1

    # -- what the API and the page show -----------------------------------------------------

    def counts(self) -> dict[str, Any]:
        tally = self.tally
        return {"all": tally.good + tally.bad, "good": tally.good, "bad": tally.bad,
                "refused": tally.refused}

    def messages(self, query: Query, limit: int) -> dict[str, Any]:
        head, found = self.messages_found(query, limit)
        return {**head, "messages": [entry.to_dict() for entry in found]}

    def messages_found(self, query: Query, limit: int
                       ) -> tuple[dict[str, Any], list[Received]]:
        """The answer of ``messages`` but its list, and the records to list (app.py writes
        them one at a time, as the client takes them)."""
        found, total = self.kept.select(query, limit, max_bytes=MAX_ANSWER_BYTES)
        return {"matched": total, "returned": len(found), "kept": len(self.kept)}, found

    def drift_table(self) -> list[dict[str, Any]]:
        return self.drift.inconsistencies()

    def summary(self, *, latest: int = 50) -> dict[str, Any]:
        drift = self.drift_table()
        found, _ = self.kept.select(Query(), latest)
        return {
            "version": self.version,
            "started_at": iso(self.started_at),
            "plan": self.plan_status.to_dict() if self.plan_status is not None else None,
            "counts": self.tally.to_dict(),
            "latest": [entry.to_dict(preview=PREVIEW_BYTES) for entry in reversed(found)],
            "drift": drift[:MAX_DRIFT_SHOWN],
            "drift_total": len(drift),
            "drift_note": self.drift_note,
            "source_field": self.options.source_field,
            "last_refusal": self.last_refusal,
            "files": {"good": str(self.options.good), "bad": str(self.options.bad),
                      "reasons": (str(self.options.bad_reasons)
                                  if self.options.bad_reasons else None)},
            "limits": {"max_body": self.options.max_body, "max_batch": self.options.max_batch,
                       "keep": self.options.keep},
        }


def write_key_of(authorization: str | None) -> str | None:
    """The write key of an ``Authorization: Basic base64(key:)`` header, as the SDKs send it."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    return decoded.partition(":")[0] or None


def _message_key(message: dict[str, Any]) -> str | None:
    key = message.get("writeKey")
    return key if isinstance(key, str) and key else None


def _kind(message: dict[str, Any]) -> str | None:
    kind = message.get("type")
    return clip(kind) if isinstance(kind, str) else None


def _sent_name(message: dict[str, Any]) -> str | None:
    name = message.get("event") if message.get("type") == "track" else message.get("name")
    return clip(name) if isinstance(name, str) else None

