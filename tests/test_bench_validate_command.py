"""The end-to-end benchmark measures the real command and agrees with the reference."""

from __future__ import annotations

import importlib
import json
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


@pytest.mark.parametrize("log", ["uniform", "production", "typewriter"])
def test_the_command_and_the_reference_count_the_same_messages(bench: ModuleType,
                                                               log: str) -> None:
    # interleaved() fails when the reference and the command (on one process and on two)
    # count different messages or invalid messages.
    if log == "typewriter" and not bench.TYPEWRITER.is_file():
        pytest.skip(f"the typewriter log needs {bench.TYPEWRITER} (../shared/fixtures)")
    plan, path = bench.plan_and_log(log, 1500)
    seconds = bench.interleaved(path, 3, plan=plan)
    assert set(seconds) == {"reference", "parse", "jobs 1", "jobs 2"}
    assert all(value > 0 for value in seconds.values())
    report = path.with_name("report.json")
    bench.command(path, 1, report, plan)
    summary = json.loads(report.read_bytes())["summary"]
    assert summary["messages"] == 1500
    assert 0.03 < summary["invalid"] / summary["messages"] < 0.07


def test_a_disagreement_fails_the_run(bench: ModuleType, monkeypatch: pytest.MonkeyPatch
                                      ) -> None:
    monkeypatch.setattr(bench, "reference", lambda path, plan: (1, 0))
    with pytest.raises(SystemExit, match="differ"):
        bench.interleaved(bench.LOGS["uniform"](300), 1)


def test_slices_are_the_whole_log(bench: ModuleType) -> None:
    log = bench.log_file(1000)
    parts = bench.slice_files(log, 4)
    assert b"".join(p.read_bytes() for p in parts) == log.read_bytes()
