"""The run loop: counts add up, examples are capped, memory does not grow with violations."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from protocols import load_plan
from protocols.validate.count.tally import MAX_EVENTS_COUNTED
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")


def bad_message(index: int, names: int = 10**9) -> str:
    # Every message breaks several rules, under one of ``names`` event names (many names is
    # the worst case for anything counted per event).
    return json.dumps({"type": "track", "event": f"Unplanned {index % names}", "userId": "",
                       "timestamp": "never", "properties": {"x": index}})


def peak_memory(path: Path, lines: int) -> int:
    # 200 names: ten times every cap below, and few enough for the name caches to hold.
    path.write_text("".join(bad_message(i, 200) + "\n" for i in range(lines)), "utf-8")
    tracemalloc.start()
    result = validate_inputs(PLAN, [str(path)], ValidateOptions(max_examples=2))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.summary["invalid"] == lines
    assert result.summary["findings"] == 3 * lines
    return peak


def test_memory_stays_flat_as_violations_grow(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # Lower the caps so that a small test goes past all of them, as a big log would.
    import protocols.validate.count.drift as drift
    import protocols.validate.count.tally as tally

    monkeypatch.setattr(drift, "MAX_EVENTS", 20)
    monkeypatch.setattr(tally, "MAX_EXAMPLE_GROUPS", 20)
    monkeypatch.setattr(tally, "MAX_EVENTS_COUNTED", 20)
    peak_memory(tmp_path / "warm.ndjson", 200)  # fill the name caches first
    small = peak_memory(tmp_path / "small.ndjson", 500)
    large = peak_memory(tmp_path / "large.ndjson", 2_000)
    # Four times the violations, all under different event names: memory stays level.
    assert large < small * 1.3, (small, large)


def test_events_counted_by_name_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "many.ndjson"
    path.write_text("".join(bad_message(i) + "\n" for i in range(MAX_EVENTS_COUNTED + 50)),
                    "utf-8")
    result = validate_inputs(PLAN, [str(path)], ValidateOptions(max_examples=1))
    by_event = result.summary["by_event"]
    assert len(by_event) == MAX_EVENTS_COUNTED + 1
    assert by_event["(other events)"] == {"messages": 50, "invalid": 50}
    assert sum(e["messages"] for e in by_event.values()) == MAX_EVENTS_COUNTED + 50


def test_diagnostics_are_sorted_by_input_position(tmp_path: Path) -> None:
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    first.write_text(bad_message(1) + "\n" + bad_message(2) + "\n", "utf-8")
    second.write_text(bad_message(3) + "\n", "utf-8")
    result = validate_inputs(PLAN, [str(first), str(second)], ValidateOptions())
    positions = [(d.file, d.line) for d in result.diagnostics]
    assert positions == sorted(positions)
    assert result.summary["inputs"] == 2


def test_huge_names_are_clipped_in_everything_kept(tmp_path: Path) -> None:
    huge_event, huge_key = "E" * 500_000, "k" * 300_000
    path = tmp_path / "huge.ndjson"
    lines = [json.dumps({"type": "track", "event": huge_event, "userId": "u",
                         "properties": {huge_key: "v"}}),
             json.dumps({"type": "track", "event": "Order Completed", "userId": "u",
                         "properties": {"order_id": "o", "currency": "USD", "total": 1,
                                        huge_key: "v"}})]
    path.write_text(("\n".join(lines) + "\n") * 3, "utf-8")
    result = validate_inputs(PLAN, [str(path)], ValidateOptions())
    assert {d.code for d in result.diagnostics} == {"PV103", "PV207"}
    for diagnostic in result.diagnostics:
        assert len(diagnostic.message) < 600 and len(diagnostic.path or "") <= 400
        assert len(diagnostic.event or "") <= 120
    assert all(len(name) <= 120 for name in result.summary["by_event"])
    text = json.dumps(result.extra["inconsistencies"])
    assert len(text) < 10_000
