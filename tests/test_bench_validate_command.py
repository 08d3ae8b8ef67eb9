"""The end-to-end benchmark measures the real command and agrees with the reference."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    module = importlib.import_module("bench_validate_command")
    base = importlib.import_module("bench_validate")
    monkeypatch.setattr(base, "OUT", tmp_path)
    monkeypatch.setattr(module, "OUT", tmp_path)
    return module


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_command_and_the_reference_count_the_same_messages(bench: ModuleType,
                                                               jobs: int) -> None:
    # interleaved() asserts that both sides count the same messages and invalid ones.
    ref_time, our_time, messages, invalid = bench.interleaved(bench.log_file(1500), jobs,
                                                              parts=3)
    assert messages == 1500
    assert 0.03 < invalid / messages < 0.07
    assert ref_time > 0 and our_time > 0


def test_slices_are_the_whole_log(bench: ModuleType) -> None:
    log = bench.log_file(1000)
    parts = bench.slice_files(log, 4)
    assert b"".join(p.read_bytes() for p in parts) == log.read_bytes()
