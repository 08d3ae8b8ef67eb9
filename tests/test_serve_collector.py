"""The collector without the web layer: bodies, records, counts, the ring, the plan in force.

The core promise is checked against `protocols validate` itself: the same log sent to the
collector gives the same good and bad files, byte for byte, the same codes and the same
naming-drift table.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols import load_plan
from protocols.diagnostics import Severity
from protocols.serve.body import Unreadable, decompress, one_line, parsed, split
from protocols.serve.collector import Collector, write_key_of
from protocols.serve.kept import Kept, Query, Received
from protocols.serve.planwatch import PlanWatch
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO
from tests.serve_tools import PLAN, collector_options, compact, with_version

EVENTS = REPO / "examples" / "events.ndjson"
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3,
                       "products": [{"product_id": "p", "price": 1, "quantity": 1}]}}


def make(tmp_path: Path, **options: Any) -> Collector:
    collector = Collector(load_plan(PLAN), collector_options(tmp_path, **options))
    collector.open()
    return collector


def batch_body(lines: list[bytes]) -> bytes:
    return b'{"batch":[' + b",".join(lines) + b'],"sentAt":"2026-11-02T09:00:00Z"}'


def send_log(collector: Collector, lines: list[bytes], size: int = 7) -> None:
    """Each line of a log, in order: parseable lines in batches, others alone."""
    pending: list[bytes] = []

    def flush() -> None:
        if pending:
            assert collector.receive(endpoint="batch", body=batch_body(pending)).status == 200
            pending.clear()

    for line in lines:
        try:
            json.loads(line)
        except ValueError:
            flush()
            assert collector.receive(endpoint="track", body=line).status == 400
            continue
        pending.append(line)
        if len(pending) >= size:
            flush()
    flush()


def test_a_log_sent_to_the_collector_is_split_as_validate_splits_it(tmp_path: Path) -> None:
    lines = EVENTS.read_bytes().splitlines()
    collector = make(tmp_path / "serve")
    send_log(collector, lines)
    collector.close()
    reference = tmp_path / "validate"
    result = validate_inputs(load_plan(PLAN), [str(EVENTS)], ValidateOptions(
        good=reference / "good.ndjson", bad=reference / "bad.ndjson"))
    assert (tmp_path / "serve" / "good.ndjson").read_bytes() == \
        (reference / "good.ndjson").read_bytes()
    assert (tmp_path / "serve" / "bad.ndjson").read_bytes() == \
        (reference / "bad.ndjson").read_bytes()
    summary = result.summary
    counts = collector.tally.to_dict()
    assert counts["good"] == summary["valid"] and counts["good"] > 100
    assert counts["bad"] == summary["invalid"] + summary["unparseable"]
    assert {code: entry["count"] for code, entry in counts["by_code"].items()} == \
        summary["by_code"]
    assert collector.drift_table() == result.extra["inconsistencies"]
    assert collector.drift_table(), "the example log drifts between sources"


def test_findings_are_validators_and_say_the_plan_rule_and_path(tmp_path: Path) -> None:
    collector = make(tmp_path)
    message = {**GOOD, "event": "order_completed",
               "properties": {**GOOD["properties"], "total": "3"}}
    reply = collector.receive(endpoint="batch", body=json.dumps({"batch": [message]}).encode())
    assert reply.body == {"success": True, "good": 0, "bad": 1}
    [entry] = collector.messages(Query(), 10)["messages"]
    assert entry["status"] == "bad" and entry["event"] == "Order Completed"
    assert entry["sent_name"] == "order_completed" and entry["message"] == message
    found = {(f["code"], f["path"]) for f in entry["findings"]}
    assert ("PV301", "event") in found and ("PV202", "properties.total") in found
    rule = next(f["plan_rule"] for f in entry["findings"] if f["code"] == "PV202")
    assert rule.startswith(str(PLAN.relative_to(REPO)).replace("\\", "/")) or "ecommerce.yaml:" in rule
    reasons = [json.loads(line) for line in (tmp_path / "bad.reasons.ndjson").read_text().splitlines()]
    assert reasons[0]["bad_line"] == 1 and "PV202" in reasons[0]["codes"]
    assert reasons[0]["endpoint"] == "/v1/batch" and reasons[0]["index"] == 0


def test_fail_on_warning_makes_warnings_bad(tmp_path: Path) -> None:
    message = {**GOOD, "properties": {**GOOD["properties"], "unplanned_extra": 1}}
    lenient = make(tmp_path / "a")
    strict = make(tmp_path / "b", fail_on=Severity.WARNING)
    body = json.dumps(message).encode()
    findings = lenient.validator.validate(message)
    assert findings and all(f.severity is Severity.WARNING for f in findings)
    assert lenient.receive(endpoint="track", body=body).body["good"] == 1
    assert strict.receive(endpoint="track", body=body).body["bad"] == 1


def test_the_path_gives_the_type_when_the_message_has_none(tmp_path: Path) -> None:
    collector = make(tmp_path)
    body = json.dumps({k: v for k, v in GOOD.items() if k != "type"}).encode()
    assert collector.receive(endpoint="track", body=body).body == \
        {"success": True, "good": 1, "bad": 0}
    assert (tmp_path / "good.ndjson").read_bytes() == body + b"\n"  # unchanged


def test_write_keys_from_basic_auth_then_the_body_then_the_message(tmp_path: Path) -> None:
    collector = make(tmp_path)
    assert write_key_of("Basic " + "d2sxOg==") == "wk1"  # base64("wk1:")
    assert write_key_of("Bearer x") is None and write_key_of("Basic !!") is None
    collector.receive(endpoint="batch", body=batch_body([compact(GOOD)]),
                      authorization="Basic d2sxOg==")
    collector.receive(endpoint="batch",
                      body=json.dumps({"batch": [GOOD], "writeKey": "wk2"}).encode())
    collector.receive(endpoint="t", body=json.dumps({**GOOD, "writeKey": "wk3"}).encode())
    collector.receive(endpoint="t", body=json.dumps(GOOD).encode())
    keys = [m["write_key"] for m in collector.messages(Query(), 10)["messages"]]
    assert keys == ["wk1", "wk2", "wk3", "(none)"]
    assert set(collector.tally.to_dict()["by_write_key"]) == {"wk1", "wk2", "wk3", "(none)"}
    assert [m["id"] for m in collector.messages(Query(write_key="wk2"), 10)["messages"]] == [2]


def test_garbage_is_kept_in_bad_and_answered_400(tmp_path: Path) -> None:
    collector = make(tmp_path)
    cases = [b"not json", b"", b"\xff\xfe{}", b"[1, 2]", b'"text"', b"{\"a\":\n 1"]
    for body in cases:
        reply = collector.receive(endpoint="batch", body=body)
        assert reply.status == 400 and reply.body["success"] is False
        assert reply.body["error"]
    bad = (tmp_path / "bad.ndjson").read_bytes()
    assert bad == b"".join(body + b"\n" for body in cases)
    codes = [m["findings"][0]["code"] for m in collector.messages(Query(), 10)["messages"]]
    assert codes == ["PV001", "PV001", "PV003", "PV002", "PV002", "PV001"]
    reasons = [json.loads(line) for line in (tmp_path / "bad.reasons.ndjson").read_text().splitlines()]
    assert [r["bad_line"] for r in reasons] == [1, 2, 3, 4, 5, 6]  # "{\"a\":\n 1" takes 2 lines


HUGE = b"9" * 5_000  # past Python's 4,300-digit limit for int()
DEEP = b"[" * 100_000 + b"]" * 100_000  # past the recursion limit of every JSON parser
HOSTILE = {
    # body -> (records it becomes, the code each record gets)
    b'{"batch":[' + compact(GOOD) + b',{"type":"track","event":"caf\xe9"}]}':
        ([compact(GOOD), b'{"type":"track","event":"caf\xe9"}'], [None, "PV003"]),
    b'{"batch":[{"type":"track","n":' + HUGE + b"}," + compact(GOOD) + b"]}":
        ([b'{"type":"track","n":' + HUGE + b"}", compact(GOOD)], ["PV001", None]),
    b'{"type":"track","n":' + HUGE + b"}": ([b'{"type":"track","n":' + HUGE + b"}"], ["PV001"]),
    b'{"batch":[' + DEEP + b"]}": ([b'{"batch":[' + DEEP + b"]}"], ["PV001"]),
    b'{"type":"track","x":' + DEEP + b"}": ([b'{"type":"track","x":' + DEEP + b"}"], ["PV001"]),
}


@pytest.mark.parametrize("body", HOSTILE, ids=["latin1-element", "huge-int-element",
                                               "huge-int-message", "deep-batch", "deep-message"])
def test_bodies_the_fast_splitter_takes_but_python_cannot_read_are_kept_in_bad(
        tmp_path: Path, body: bytes) -> None:
    collector = make(tmp_path)
    reply = collector.receive(endpoint="batch", body=body)  # never raises: nothing is lost
    collector.close()
    records, codes = HOSTILE[body]
    assert reply.status in (200, 400)
    listed = collector.messages(Query(), 10)["messages"]
    assert [m["findings"][0]["code"] if m["status"] != "good" else None
            for m in listed] == codes
    good = (tmp_path / "good.ndjson").read_bytes().splitlines()
    bad = (tmp_path / "bad.ndjson").read_bytes().splitlines()
    assert sorted(good + bad) == sorted(records)  # byte for byte


def test_a_bug_in_reading_a_body_keeps_it_in_bad_saying_so(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import protocols.serve.collector as module

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    collector = make(tmp_path)
    monkeypatch.setattr(module, "split", broken)
    body = b'{"batch":[' + compact(GOOD) + b"]}"
    reply = collector.receive(endpoint="batch", body=body)
    assert reply.status == 400 and "internal error" in reply.body["error"]
    monkeypatch.undo()
    monkeypatch.setattr(module, "parsed", broken)
    assert collector.receive(endpoint="track", body=compact(GOOD)).body["bad"] == 1
    collector.close()
    assert (tmp_path / "bad.ndjson").read_bytes() == body + b"\n" + compact(GOOD) + b"\n"
    notes = [json.loads(line)["note"] for line in (tmp_path / "bad.reasons.ndjson").read_text(
        ).splitlines()]
    assert all("internal error" in note and "RuntimeError: a bug" in note for note in notes)


def test_gzip_bodies_and_bombs(tmp_path: Path) -> None:
    collector = make(tmp_path, max_body=10_000)
    body = json.dumps({"batch": [GOOD, GOOD]}).encode()
    assert collector.receive(endpoint="batch", body=gzip.compress(body),
                             encoding="gzip").body["good"] == 2
    bomb = gzip.compress(b" " * 8_000_000)  # 8 MB in under 10 KB
    assert len(bomb) < 10_000
    reply = collector.receive(endpoint="batch", body=bomb, encoding="gzip")
    assert reply.status == 413 and "expands past 10000 bytes" in reply.body["error"]
    assert collector.receive(endpoint="batch", body=b"\x1f\x8bnot gzip", encoding="gzip"
                             ).status == 400
    assert collector.receive(endpoint="batch", body=body, encoding="br").status == 415
    bad = (tmp_path / "bad.ndjson").read_bytes()
    assert bomb in bad and b"\x1f\x8bnot gzip" in bad and body in bad  # kept, unchanged
    with pytest.raises(Unreadable):
        decompress(gzip.compress(b"x")[:-4], "gzip", limit=100)
    assert decompress(gzip.compress(b"a") + gzip.compress(b"b"), "gzip", limit=100) == b"ab"


def test_a_batch_over_the_limit_is_refused_and_kept_whole(tmp_path: Path) -> None:
    collector = make(tmp_path, max_batch=3)
    body = batch_body([compact(GOOD)] * 4)
    reply = collector.receive(endpoint="batch", body=body)
    assert reply.status == 413 and "over the limit of 3 (--max-batch)" in reply.body["error"]
    assert (tmp_path / "bad.ndjson").read_bytes() == body + b"\n"
    assert collector.receive(endpoint="batch", body=batch_body([compact(GOOD)] * 3)
                             ).body["good"] == 3


def test_pretty_printed_bodies_become_one_line_each(tmp_path: Path) -> None:
    pretty = json.dumps({"batch": [GOOD, {"type": "track"}]}, indent=2).encode()
    parts = [parsed(p) for p in split(pretty, max_batch=10).parts]
    assert [p.message for p in parts] == [GOOD, {"type": "track"}]
    assert [json.loads(p.raw) for p in parts] == [GOOD, {"type": "track"}]
    assert all(b"\n" not in p.raw for p in parts)
    assert one_line(b'{"a":\r\n1}') == b'{"a":  1}'


def test_json_only_the_stdlib_reads_keeps_each_messages_bytes() -> None:
    # A lone surrogate escape: analytics.js can send one (a string cut inside an emoji);
    # msgspec refuses it, validate's fallback parser reads it.
    first = b'{"type":"track","event":"Order Completed","userId":"\\ud83d","properties":{}}'
    second = compact(GOOD)
    found = split(b'{"writeKey":"k", "batch": [' + first + b" ,\n " + second + b"]}",
                  max_batch=10)
    assert [p.raw for p in found.parts] == [first, second]
    assert parsed(found.parts[0]).message["userId"] == "\ud83d" and found.write_key == "k"
    assert split(first, max_batch=10).parts[0].raw == first


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(
    st.just(GOOD),
    st.dictionaries(st.text(max_size=5), st.one_of(st.integers(), st.text(max_size=8),
                                                   st.none()), max_size=4),
    st.integers(), st.text(max_size=10)), max_size=12))
def test_every_batch_element_is_kept_byte_for_byte(tmp_path_factory: pytest.TempPathFactory,
                                                   elements: list[Any]) -> None:
    folder = tmp_path_factory.mktemp("batch")
    collector = make(folder)
    lines = [compact(e) if isinstance(e, dict) else json.dumps(e).encode() for e in elements]
    collector.receive(endpoint="batch", body=batch_body(lines))
    collector.close()
    good = (folder / "good.ndjson").read_bytes().splitlines()
    bad = (folder / "bad.ndjson").read_bytes().splitlines()
    assert sorted(good + bad) == sorted(lines)
    assert len(good) == sum(1 for e in elements if e == GOOD)


def test_files_are_appended_to_and_a_cut_line_is_closed(tmp_path: Path) -> None:
    (tmp_path / "bad.ndjson").write_bytes(b'{"old":1}\n{"cut by a cra')
    collector = make(tmp_path)
    collector.receive(endpoint="track", body=b"{broken")
    collector.close()
    assert (tmp_path / "bad.ndjson").read_bytes() == b'{"old":1}\n{"cut by a cra\n{broken\n'
    reason = json.loads((tmp_path / "bad.reasons.ndjson").read_text())
    assert reason["bad_line"] == 3


def test_a_write_failure_is_not_acknowledged(tmp_path: Path) -> None:
    collector = make(tmp_path)
    full = os.open("/dev/full", os.O_WRONLY)  # a disk that is full: every write fails
    os.dup2(full, collector.recorder._fds[0])  # type: ignore[arg-type]
    os.close(full)
    with pytest.raises(OSError):
        collector.receive(endpoint="track", body=json.dumps(GOOD).encode())
    assert collector.counts()["all"] == 0


def test_the_ring_is_bounded_in_count_and_bytes() -> None:
    kept = Kept(limit=5, max_bytes=1_000)

    def entry(number: int, size: int) -> Received:
        return Received(number, 0.0, "/v1/t", "k", "s", "track", "e", "e", True,
                        b"x" * size, ())

    for number in range(10):
        kept.add(entry(number, 10))
    assert [e.id for e in kept] == [5, 6, 7, 8, 9]
    kept.add(entry(10, 900))
    kept.add(entry(11, 200))
    assert [e.id for e in kept] == [11]  # 1,130 bytes with 7..10: the oldest go first
    found, total = kept.select(Query(), 1)
    assert [e.id for e in found] == [11] and total == len(kept)


def test_filters_and_reset(tmp_path: Path) -> None:
    collector = make(tmp_path)
    ios = {**GOOD, "event": "Order-Completed", "context": {"library": {"name": "ios"}}}
    web = {**GOOD, "context": {"library": {"name": "web"}}}
    ident = {"type": "identify", "userId": "u", "traits": {"email": "a@b.co"}}
    collector.receive(endpoint="batch", body=json.dumps({"batch": [ios, web, ident]}).encode())
    collector.receive(endpoint="batch", body=b"nope")

    def ids(**query: Any) -> list[int]:
        return [m["id"] for m in collector.messages(Query(**query), 100)["messages"]]

    assert ids(status="good") == [2, 3] and ids(status="bad") == [1, 4]
    assert ids(event="Order Completed") == [1, 2] and ids(event="Order-Completed") == [1]
    assert ids(kind="identify") == [3] and ids(source="ios") == [1]
    assert ids(code="PV301") == [1] and ids(code="PV001") == [4] and ids(since=2) == [3, 4]
    assert collector.counts() == {"all": 4, "good": 2, "bad": 2, "refused": 0}
    assert collector.drift_table()
    collector.reset()
    assert collector.counts() == {"all": 0, "good": 0, "bad": 0, "refused": 0}
    assert ids() == [] and collector.drift_table() == []
    assert len((tmp_path / "bad.ndjson").read_bytes().splitlines()) == 2  # files keep all


def test_a_reload_keeps_the_drift_and_a_broken_plan_keeps_the_last_good(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.read_text("utf-8"), "utf-8")
    watch = PlanWatch(plan)
    collector = Collector(watch.load(), collector_options(tmp_path), plan_status=watch.status)
    collector.open()
    ios = {**GOOD, "event": "Order-Completed", "context": {"library": {"name": "ios"}}}
    collector.receive(endpoint="batch", body=json.dumps({"batch": [ios, GOOD]}).encode())
    drift = collector.drift_table()
    assert watch.reload() is None  # unchanged
    plan.write_text(with_version(plan.read_text("utf-8"), "9.1.0"), "utf-8")
    new = watch.reload()
    assert new is not None and new.version == "9.1.0"
    collector.use_plan(new, watch.status)
    assert collector.drift_table() == drift
    assert collector.summary()["plan"]["version"] == "9.1.0"
    assert collector.summary()["plan"]["revision"] == 2
    plan.write_text("protocols: 1\nevents: [\n", "utf-8")
    assert watch.reload() is None
    collector.plan_failed(watch.status)
    status = collector.summary()["plan"]
    assert status["broken"] and status["version"] == "9.1.0" and status["revision"] == 2
    assert any("plan.yaml:" in error for error in status["errors"])
    # Messages are still checked, against the last good plan.
    assert collector.receive(endpoint="track", body=json.dumps(GOOD).encode()).body["good"] == 1


def test_the_page_summary_shows_only_the_start_of_a_huge_message(tmp_path: Path) -> None:
    collector = make(tmp_path)
    huge = {**GOOD, "properties": {**GOOD["properties"], "note": "x" * 100_000}}
    collector.receive(endpoint="track", body=json.dumps(huge).encode())
    [shown] = collector.summary()["latest"]
    assert shown["message"] is None and len(shown["raw"]) < 5_000
    assert "/api/messages and the files have it all" in shown["raw"]
    assert collector.messages(Query(), 1)["messages"][0]["message"] == huge
