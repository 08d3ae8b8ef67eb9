"""Whole runs on production-shaped logs (benchmarks/production_log.py) are the same with
every shortcut of the run (typed envelopes, the fast lane, deferred drift counts) and
without any: summaries, every diagnostic, the drift report and the quarantine files."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from protocols.interop import dump_plan, segment_to_plan
from protocols.plan import load_plan
from protocols.validate import parallel
from protocols.validate.check.lane import FastLane
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO, shared_fixture

PLANS = {"ecommerce": REPO / "plans" / "ecommerce.yaml",
         "lane": REPO / "tests" / "validate" / "lane_plan.yaml"}


def _generate(path: Path, count: int, plan_path: Path, seed: int) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        importlib.import_module("production_log").generate(path, count, seed=seed,
                                                           plan=load_plan(plan_path))
    finally:
        sys.path.remove(str(REPO / "benchmarks"))


def _run(plan_path: Path, log: Path, out: Path, **options: Any) -> tuple[Any, dict[str, bytes]]:
    out.mkdir()
    chosen = ValidateOptions(good=out / "good.ndjson", bad=out / "bad.ndjson",
                             bad_reasons=out / "reasons.ndjson", max_examples=1000,
                             **options)
    result = validate_inputs(load_plan(plan_path), [str(log)], chosen)
    return result, {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def _plan(name: str, tmp_path: Path) -> Path:
    if name != "typewriter":
        return PLANS[name]
    # Segment's own end-to-end plan (a plan we did not write: nullable, any-typed, union and
    # patterned properties, odd names), imported as `protocols import segment` does.
    source = json.loads(shared_fixture("segment-typewriter", "plan.json").read_text("utf-8"))
    data, _ = segment_to_plan(source, plan_id="typewriter")
    path = tmp_path / "typewriter.yaml"
    path.write_text(dump_plan(data), encoding="utf-8")
    return path


@pytest.mark.parametrize(("plan", "seed"), [("ecommerce", 1), ("lane", 2), ("typewriter", 3)])
def test_shortcuts_change_nothing_on_production_traffic(
        plan: str, seed: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan_path = _plan(plan, tmp_path)
    log = tmp_path / "log.ndjson"
    _generate(log, 2500, plan_path, seed)
    fast = _run(plan_path, log, tmp_path / "fast")
    assert fast[0].summary["valid"] > 2000
    monkeypatch.setattr(FastLane, "accept_envelope", lambda self, envelope: None)
    slow = _run(plan_path, log, tmp_path / "slow")
    assert fast[0].summary == slow[0].summary
    assert fast[0].diagnostics == slow[0].diagnostics
    assert fast[0].extra == slow[0].extra
    assert fast[1] == slow[1]
    assert any(e["kind"] == "event-name" for e in slow[0].extra["inconsistencies"])
    # Two processes, in many pieces, with the shortcuts: the same again.
    monkeypatch.undo()
    monkeypatch.setattr(parallel, "PIECE_BYTES", 256 * 1024)
    assert len(parallel.pieces(str(log), 256 * 1024)) > 4
    two = _run(plan_path, log, tmp_path / "two", jobs=2)
    assert two[0] == slow[0]
    assert two[1] == slow[1]
