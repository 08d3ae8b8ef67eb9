"""The validation benchmark's log is deterministic, and both of its paths agree on it."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    # Imported by name, so worker processes can unpickle its functions.
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    return importlib.import_module("bench_validate")


def test_the_log_is_deterministic_realistic_and_both_paths_agree(bench: ModuleType,
                                                                 tmp_path: Path) -> None:
    first, second = tmp_path / "a.ndjson", tmp_path / "b.ndjson"
    bench.generate(first, 2000)
    bench.generate(second, 2000)
    assert first.read_bytes() == second.read_bytes()
    lines = first.read_bytes().splitlines()
    assert len(lines) == 2000
    assert 500 < len(first.read_bytes()) / 2000 < 800  # "about 600 bytes" a message
    assert all("context" in json.loads(line) for line in lines)
    reference = bench.run_reference(first)
    assert bench.run_ours(first) == reference
    messages, invalid = reference
    assert 0.03 < invalid / messages < 0.07  # ~5% violating


def test_parallel_chunks_cover_every_line_once(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    bench.generate(log, 1000)
    assert bench.run_ours_parallel(log, 2) == bench.run_ours(log)
