"""benchmarks/bench_floor.py: its loops read what they say, and a run prints every figure."""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    for name in ("bench_validate", "bench_validate_command"):
        monkeypatch.setattr(importlib.import_module(name), "OUT", tmp_path)
    return importlib.import_module("bench_floor")


def test_the_loops_count_what_they_read(bench: ModuleType) -> None:
    lines = [b'{"type":"track","event":"A","properties":{"a":1},'
             b'"context":{"library":{"name":"web"}}}',
             b'{"type":"identify","traits":{"email":"x@example.com"}}',
             b'{"type":"track","event":"B","properties":{"a":',  # broken
             b"[1, 2]"]  # not an object: no envelope
    assert bench.parse(lines) == 4
    assert bench.envelope(lines) == 2
    assert bench.floor(lines) == 2


def test_a_run_prints_each_figure_and_both_budgets(bench: ModuleType,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    command = importlib.import_module("bench_validate_command")
    for log in ("uniform", "production"):
        seconds = bench.run(command.LOGS[log](400), 300, 1, 0.25)
        assert set(seconds) == {"reference", "parse", "envelope", "floor", "core", "start-up"}
        assert all(value > 0 for value in seconds.values())
    out = capsys.readouterr().out
    assert out.count("the first 300 messages") == 2
    assert out.count("10x the reference on 1 process allows") == 2
    assert out.count("15x the reference on 2 processes allows") == 2


def test_start_up_runs_the_installed_command(bench: ModuleType) -> None:
    assert 0 < bench.start_up(1) < 30
