"""The scan benchmark's tree is what it says, and the scan finds every call it wrote."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from protocols.plan import load_plan
from protocols.scan import ScanSettings, run_scan
from tests.conftest import REPO


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    module = importlib.import_module("bench_scan")
    monkeypatch.setattr(module, "OUT", tmp_path)
    return module


def test_the_generated_tree_scans_to_exactly_the_calls_written(bench: ModuleType,
                                                               tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    sources, calls = bench.make_tree(root, 120)
    assert sources == 108 and calls > 50
    result = run_scan(load_plan(REPO / "plans" / "ecommerce.yaml"), [str(root)], ScanSettings())
    assert result.summary["files"] == sources
    assert result.summary["calls"] == calls
    assert set(result.summary["languages"]) == {"go", "java", "javascript", "kotlin", "python",
                                                "swift", "tsx", "typescript"}
    assert not [d for d in result.diagnostics if d.code in ("PS001", "PS003", "PS101")]
    assert result.summary["skipped_by_reason"].get("ignored by .gitignore", 0) > 0  # the PNGs


def test_measure_runs_end_to_end_on_a_small_tree(bench: ModuleType) -> None:
    report = bench.measure(60, 1)
    assert report["source_files"] == 54
    assert report["scan_files_per_second"] > 0 and report["peak_rss_mib"]["scan"] > 0
    assert report["cpu_seconds"]["scan"] > 0 and report["scan_over_parse_only_cpu"] > 0
