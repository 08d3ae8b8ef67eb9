"""The shortcuts the validate run takes for speed give exactly the results of the long way."""

from __future__ import annotations

import json
import pickle
import re
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from protocols import load_plan
from protocols.naming import collision_key
from protocols.validate.check.checker import Validator
from protocols.validate.check.messages import is_timestamp
from protocols.validate.check.payload import PayloadContext, report_violations, walk
from protocols.validate.check.shape import ascii_key, name_key, value_key
from protocols.validate.count import drift
from protocols.validate.count.drift import DriftTracker
from protocols.validate.read import records
from protocols.validate.read.records import parse_message_text
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
SOURCES = ["analytics.js", "analytics-ios", "analytics-android"]
EVENTS = ["Order Completed", "order_completed", "Order-Completed", "Cart Shared", "cartShared"]
LONG = "x" * (drift.MAX_NAME_LENGTH + 10)  # names and values too long to count as they are
NAMES = ["order_id", "orderId", "currency", "Currency", "total", "cart_id", "note", LONG,
         LONG + "y"]
VALUES = ["USD", "usd", "U-S-D", "EUR", "a", "b", "c", "d", "e", "f", 5, 5.5, True, None, LONG]

messages = st.lists(st.builds(
    lambda source, event, payload, kind: (
        {"type": "track", "event": event, "properties": payload} if kind == "track" else
        {"type": "identify", "traits": payload}) | {"context": {"library": {"name": source}}},
    st.sampled_from(SOURCES), st.sampled_from(EVENTS),
    st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), max_size=5),
    st.sampled_from(["track", "track", "identify"])), max_size=60)


def _drift_report(log: list[dict[str, Any]], held: int, views: int = 1_000,
                  names: int = 64, split: int = 64) -> tuple[Any, int]:
    with pytest.MonkeyPatch.context() as patch:
        # Small caps, so that the values and variants that are dropped depend on order.
        patch.setattr(drift, "MAX_VALUES", 3)
        patch.setattr(drift, "MAX_VARIANTS", 4)
        patch.setattr(drift, "MAX_HELD", held)
        patch.setattr(drift, "MAX_VIEWS", views)
        patch.setattr(drift, "MAX_LAYOUT_NAMES", names)
        patch.setattr(drift, "SPLIT_AFTER", split)
        tracker = DriftTracker(PLAN)
        for message in log:
            tracker.observe(message)
        return tracker.inconsistencies(), tracker.truncated


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_deferred_counts_equal_counting_each_message(log: list[dict[str, Any]]) -> None:
    # MAX_HELD 0 counts every message as it comes; the others hold counts and unfold later,
    # forget layouts (MAX_VIEWS) or count big payloads directly (MAX_LAYOUT_NAMES).
    each = _drift_report(log, 0)
    assert _drift_report(log, 10_000) == each
    assert _drift_report(log, 7) == each
    assert _drift_report(log, 10_000, views=1) == each
    assert _drift_report(log, 10_000, names=2) == each
    # Values counted one by one (an event switches at an unfold): after the first few
    # unfolds, or right away.
    assert _drift_report(log, 3, split=2) == each
    assert _drift_report(log, 0, split=-1) == each


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(NAMES), st.sampled_from(VALUES), max_size=5),
       st.sampled_from(EVENTS))
def test_the_fast_clean_path_agrees_with_the_full_payload_check(
        payload: dict[str, Any], event: str) -> None:
    validator = Validator(PLAN)
    message = {"type": "track", "event": event, "userId": "u", "properties": payload}
    found = validator.validate(message, file="log", line=1)
    spec = PLAN.events.get(event)
    if spec is None:
        return
    _, check, shape, _ = validator.compiled(spec)
    # The long way: always walk the names, then explain what the engine says.
    ctx = PayloadContext(spec, "log", 1, spec.name)
    report_violations(check(walk(payload, shape, (), ctx)), ctx)
    assert [d for d in found if (d.path or "").startswith("properties")] == ctx.found


@pytest.mark.parametrize("line", [
    b'{"type": "track", "n": 123456789012345678901234567890}',  # beyond 64 bits
    b'{"type": "track", "n": -12345678901234567890}',
    b'{"type": "track", "n": 1e999}',                           # the stdlib accepts: inf
    b'{"type": "track", "s": "\\ud800"}',                       # lone surrogate
    b'{"type": "track", "n": NaN}',
    b'{"type": "track",}',
    b'\xff{"type": "track"}',
    b'[' * 5000,
])
def test_lines_parse_as_the_stdlib_parser_decides(line: bytes,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    fast = parse_message_text(line, file="log", line=4)
    monkeypatch.setattr(records, "_RAW_LOADS", None)  # the stdlib path only
    slow = parse_message_text(line, file="log", line=4)
    assert fast == slow


@settings(max_examples=200, deadline=None)
@given(messages, st.integers(0, 60))
def test_merged_trackers_equal_one_tracker_or_refuse(log: list[dict[str, Any]],
                                                     split: int) -> None:
    # What validate --jobs does with the drift counts of two consecutive pieces of a log.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(drift, "MAX_VALUES", 6)
        patch.setattr(drift, "MAX_VARIANTS", 12)
        trackers = [DriftTracker(PLAN) for _ in range(3)]
        for message in log:
            trackers[0].observe(message)
        for index, message in enumerate(log):
            trackers[1 if index < split else 2].observe(message)
        later = pickle.loads(pickle.dumps(trackers[2]))  # as it comes back from a worker
        try:
            trackers[1].merge(later)
        except drift.CapReached:
            event("a cap was reached: --jobs reruns on one process")
            return
        event("merged")
        assert trackers[1].inconsistencies() == trackers[0].inconsistencies()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                max_size=3),
    max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(json_values, st.integers(0, 200), st.binary(max_size=2), st.booleans())
def test_the_fast_parser_reads_lines_as_the_stdlib_parser_does(
        value: Any, at: int, noise: bytes, mutate: bool) -> None:
    line = json.dumps({"type": "track", "v": value}, allow_nan=True).encode("utf-8")
    if mutate:  # a broken line: bytes inserted somewhere
        at %= len(line) + 1
        line = line[:at] + noise + line[at:]
    fast = parse_message_text(line, file="log", line=2)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(records, "_RAW_LOADS", None)
        slow = parse_message_text(line, file="log", line=2)
    assert repr(fast) == repr(slow)  # repr tells 1 from 1.0 and True from 1


def _timestamp_by_pattern(value: str) -> bool:
    # The definition is_timestamp was first written as (it reads every character twice).
    if not re.match(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}", value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_TIMESTAMP_PARTS = st.sampled_from(
    ["2026", "-", "11", "26", "T", "t", " ", "x", "10", ":", "00", ":59", ".123", "Z", "z",
     "+01:00", "-0530", "1", "٣", "２", "99", "24", "W01", "\u00a0", ""])


@settings(max_examples=2_000, deadline=None)
@given(st.one_of(st.lists(_TIMESTAMP_PARTS, max_size=12).map("".join), st.text(max_size=30),
                 st.datetimes().map(lambda d: d.isoformat(sep=" "))))
def test_timestamps_are_checked_as_the_pattern_and_fromisoformat_decide(value: str) -> None:
    assert is_timestamp(value) == _timestamp_by_pattern(value)
    assert is_timestamp(value) == _timestamp_by_pattern(value)  # remembered, the same


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=40)
       | st.sampled_from(["Order_Completed", "order-completed", "ORDER completed", "a\x1cb",
                          "\x1f_-\t", "USD", "u-s-d", ""]))
def test_the_ascii_key_is_the_collision_key(text: str) -> None:
    assert ascii_key(text) == collision_key(text)
    assert name_key(text) == value_key(text) == collision_key(text)


@pytest.mark.parametrize("text", ["Stra\u00dfe", "STRASSE", "\u2163", "Caf\u00e9", "e\u0301",
                                  "\u00a0Total\u2003Due", "\u0130stanbul"])
def test_other_text_keeps_the_full_collision_key(text: str) -> None:
    assert name_key(text) == value_key(text) == collision_key(text)


def _field(*plausible: str, size: int = 2) -> st.SearchStrategy[str]:
    digits = st.text(alphabet="0123456789\u0663", min_size=size, max_size=size)
    return st.one_of(*[st.sampled_from(plausible)] * 4, digits)  # (mostly plausible)


@settings(max_examples=3000, deadline=None)
@given(st.builds(lambda y, mo, d, h, mi, s, f, z: f"{y}-{mo}-{d}T{h}:{mi}:{s}{f}{z}",
                 _field("2026", "0000", "0001", "9999", size=4),
                 _field("01", "02", "11", "12", "13", "00"),
                 _field("01", "28", "29", "30", "31", "00"),
                 _field("00", "09", "23", "24"), _field("00", "59", "60"),
                 _field("00", "59", "60"),
                 st.sampled_from(["", ".1", ".123", ".123456", ".1234567", "."]),
                 st.sampled_from(["Z", "z", "+05:30", "-23:59", "+24:00", "+05:60", "+0530",
                                  ""]))
       | st.text(max_size=30))
def test_a_quick_timestamp_is_a_timestamp(text: str) -> None:
    from protocols.validate.check.messages import QUICK_TIMESTAMP, _is_timestamp

    if QUICK_TIMESTAMP(text):
        event("quick")
        assert _is_timestamp(text), text


def test_quick_timestamps_are_timestamps_field_by_field() -> None:
    from protocols.validate.check.messages import QUICK_TIMESTAMP, _is_timestamp

    dates = [f"{y}-{m:02d}-{d:02d}" for y in ("0000", "0001", "1900", "2024", "2026", "9999")
             for m in range(14) for d in range(33)]
    times = [f"{h:02d}:{m:02d}:{s:02d}{f}{z}" for h in (0, 9, 23, 24) for m in (0, 59, 60)
             for s in (0, 59, 60) for f in ("", ".1", ".123456", ".1234567", ".")
             for z in ("Z", "z", "+05:30", "-23:59", "+24:00", "+05:60", "+0530", "")]
    quick = 0
    for text in [f"{d}T10:00:00.123Z" for d in dates] + [f"2026-11-20T{t}" for t in times]:
        if QUICK_TIMESTAMP(text):
            quick += 1
            assert _is_timestamp(text), text
    assert quick > 1000
