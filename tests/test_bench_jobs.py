"""benchmarks/bench_jobs.py runs every variant and holds each to one process's result."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from tests.conftest import REPO


def test_every_variant_runs_and_agrees(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    base = importlib.import_module("bench_validate")
    command = importlib.import_module("bench_validate_command")
    bench = importlib.import_module("bench_jobs")
    monkeypatch.setattr(base, "OUT", tmp_path)
    monkeypatch.setattr(command, "OUT", tmp_path)
    monkeypatch.setattr(bench.parallel, "PIECE_BYTES", 64 * 1024)  # pieces of a small log
    monkeypatch.setattr(bench, "MiB", 4096)  # 16, 32, 64 "MiB" pieces: several each
    path = command.LOGS["production"](600)
    defaults = (bench.parallel._piece_bytes, bench.parallel._start_method)
    bench.run(str(path), 1)
    out = capsys.readouterr().out
    for name in bench._variants():
        assert f"  {name} " in out
    assert (bench.parallel._piece_bytes, bench.parallel._start_method) == defaults
