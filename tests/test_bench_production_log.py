"""The production-shaped benchmark log: deterministic, built from the plan, realistic, and the
reference the benchmark holds the command to agrees with the command on it."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from protocols.plan import load_plan
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

ECOMMERCE = REPO / "plans" / "ecommerce.yaml"
LANE = REPO / "tests" / "validate" / "lane_plan.yaml"  # enums, deprecations, pages, screens


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return importlib.import_module("production_log")
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def reference() -> ModuleType:
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        return importlib.import_module("full_reference")
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


@pytest.fixture(scope="module")
def log(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("production") / "log.ndjson"
    bench.generate(path, 4000, seed=3)
    return path


def _messages(path: Path) -> list[dict[str, Any]]:
    found = []
    for line in path.read_bytes().splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def test_the_same_seed_writes_the_same_bytes(bench: ModuleType, tmp_path: Path) -> None:
    first, second, other = (tmp_path / name for name in ("a", "b", "c"))
    bench.generate(first, 800, seed=5)
    bench.generate(second, 800, seed=5)
    bench.generate(other, 800, seed=6)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()


def test_the_log_is_production_shaped(log: Path) -> None:
    messages = _messages(log)
    plan = load_plan(ECOMMERCE)
    kinds = Counter(m.get("type") for m in messages)
    assert {"track", "identify", "group", "page", "screen"} <= set(kinds)
    assert kinds["track"] > 0.7 * len(messages)
    events = Counter(m["event"] for m in messages if m.get("event") in plan.events)
    assert len(events) >= 15  # every planned event comes, some far more often than others
    assert events.most_common()[0][1] > 5 * events.most_common()[-1][1]
    sources = Counter(m["context"]["library"]["name"] for m in messages
                      if isinstance(m.get("context"), dict))
    assert set(sources) == {"analytics.js", "analytics-ios", "analytics-android"}
    assert all(count > 0.15 * len(messages) for count in sources.values())
    # Each source sends its own full context.
    web = next(m["context"] for m in messages if m["context"]["library"]["name"] == "analytics.js")
    ios = next(m["context"] for m in messages if m["context"]["library"]["name"] == "analytics-ios")
    assert {"page", "userAgent", "locale", "library"} <= set(web)
    assert {"app", "device", "os", "screen", "network", "library"} <= set(ios)
    # High cardinality: ids, product names, urls and emails nearly never repeat.
    tracks = [m.get("properties") for m in messages if m.get("type") == "track"]
    for name in ("product_id", "name", "url", "order_id", "recipient"):
        values = [value for payload in tracks for value in _values_of(payload, name)]
        assert len(values) > 50, name
        assert len(set(values)) > 0.9 * len(values), name
    emails = [m["traits"]["email"] for m in messages
              if m.get("type") == "identify" and isinstance(m["traits"].get("email"), str)]
    assert len(set(emails)) > 0.9 * len(emails)
    assert len({m["messageId"] for m in messages}) == len(messages)
    assert len({m["timestamp"] for m in messages}) > 0.95 * len(messages)


def _values_of(value: Any, name: str) -> list[Any]:
    if isinstance(value, dict):
        found = [v for k, v in value.items() if k == name and isinstance(v, str)]
        for child in value.values():
            found += _values_of(child, name)
        return found
    if isinstance(value, list):
        return [v for child in value for v in _values_of(child, name)]
    return []


def _run(path: Path, plan_path: Path) -> dict[str, Any]:
    return validate_inputs(load_plan(plan_path), [str(path)], ValidateOptions()).summary


def test_about_five_percent_break_the_plan_in_every_way_it_allows(log: Path) -> None:
    summary = _run(log, ECOMMERCE)
    broken = (summary["invalid"] + summary["unparseable"]) / summary["messages"]
    assert 0.035 < broken < 0.065
    # plans/ecommerce.yaml has no enum, no deprecation and no keyword PV210 reports.
    expected = {"PV001", "PV002", "PV003", "PV101", "PV102", "PV103", "PV104", "PV105",
                "PV201", "PV202", "PV204", "PV205", "PV206", "PV207", "PV301", "PV302"}
    assert expected <= set(summary["by_code"])
    assert 0.01 < summary["by_code"]["PV207"] / summary["messages"] < 0.05  # warnings
    assert summary["by_severity"]["warning"] > 0


def test_a_plan_with_enums_and_deprecations_gets_those_findings_too(
        bench: ModuleType, tmp_path: Path) -> None:
    path = tmp_path / "lane.ndjson"
    bench.generate(path, 6000, seed=4, plan=load_plan(LANE))
    codes = set(_run(path, LANE)["by_code"])
    assert {"PV001", "PV002", "PV003", "PV101", "PV102", "PV103", "PV104", "PV105", "PV201",
            "PV202", "PV203", "PV204", "PV205", "PV206", "PV207", "PV208", "PV209", "PV210",
            "PV301", "PV302", "PV303"} <= codes


def test_a_line_too_long_is_written_when_its_turn_comes(bench: ModuleType, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench, "TOO_LONG_EVERY", 1)  # every broken message
    path = tmp_path / "long.ndjson"
    assert bench.generate(path, 3, seed=2, violating=1.0) == {"PV004": 3}
    assert _run(path, ECOMMERCE)["by_code"] == {"PV004": 3}


@pytest.mark.parametrize("plan_path", [ECOMMERCE, LANE], ids=["ecommerce", "lane"])
def test_the_reference_counts_what_the_command_counts(bench: ModuleType, reference: ModuleType,
                                                      plan_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    plan = load_plan(plan_path)
    bench.generate(path, 3000, seed=8, plan=plan)
    summary = _run(path, plan_path)
    found = reference.FullReference(plan).run(path.read_bytes().split(b"\n"))
    assert found == (summary["messages"], summary["invalid"])
    assert summary["invalid"] > 50
