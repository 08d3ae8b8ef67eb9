"""benchmarks/bench_floor.py: its loops read what they say, and a run prints every figure."""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, require


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    for name in ("bench_validate", "bench_validate_command"):
        monkeypatch.setattr(importlib.import_module(name), "OUT", tmp_path)
    return importlib.import_module("bench_floor")


def test_the_loops_count_what_they_read(bench: ModuleType, tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    log.write_bytes(b"\n".join([
        b'{"type":"track","event":"A","properties":{"a":1},'
        b'"context":{"library":{"name":"web"}}}',
        b'{"type":"identify","traits":{"email":"x@example.com"}}',
        b'{"type":"track","event":"B","properties":{"a":',  # broken
        b"[1, 2]",  # JSON, but no envelope
        b'{"type":"identify","traits":{"a":"\xff"}}',  # an envelope; its payload is not UTF-8
        b'{"type":"track","event":"C","properties":{"a":"\xff"}}',
    ]) + b"\n")
    assert bench.parse(log) == 3
    assert bench.envelope(log) == 4
    assert bench.floor(log) == 2  # (the payload is decoded: the last two are refused)


@pytest.fixture(scope="module")
def native_floor() -> Path:
    require(shutil.which("cargo"), "cargo is not installed: benchmarks/native_floor/ needs it")
    import sys

    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        program = importlib.import_module("bench_floor").native_floor()
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    assert program is not None and program.is_file()
    return program


def test_the_native_floor_reads_what_the_floor_reads(bench: ModuleType, native_floor: Path,
                                                     tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    lines = [
        b'{"type":"track","event":"A","properties":{"a":1},'
        b'"context":{"library":{"name":"web"}}}',
        b'{"type":"identify","traits":{"email":"x@example.com"},"context":{"ip":"1"}}',
        b'{"type":"track","event":"B","properties":{"a":',  # broken
        b"[1, 2]",  # JSON, but no envelope
        b'{"type":"track","event":"C","properties":{"a":"\xff"}}',  # payload not UTF-8
        b'{"type":"track","event":"D","properties":{"a":[1,{"b":]}}',  # payload broken
        b'{"type":"track","event":"E","context":"web"}',  # a source path of another shape
        b'{"type":"page","name":"Home","properties":null}',
    ]
    log.write_bytes(b"\n".join(lines) + b"\n")
    read, seconds, split = bench.native(native_floor, log)
    assert read == bench.floor(log) == 3
    assert seconds > 0 and split > 0
    # Each line alone: the same verdict, line by line.
    for index, line in enumerate(lines):
        one = tmp_path / f"line{index}.ndjson"
        one.write_bytes(line + b"\n")
        assert bench.native(native_floor, one)[0] == bench.floor(one), line


def test_the_budget_is_what_the_docs_table_says(bench: ModuleType,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    # The production run of docs/performance.md, "What the targets leave".
    seconds = {"reference": 6.331, "parse": 0.386, "envelope": 0.171, "floor": 0.279,
               "core": 1.660, "start-up": 0.288}
    bench._budget(seconds, 100_000, 1, 10)
    bench._budget(seconds, 100_000, 2, 15)
    bench._budget({**seconds, "reference": 7.044, "floor": 0.265, "core": 1.747,
                   "start-up": 0.321}, 100_000, 2, 15)
    one, two, three = capsys.readouterr().out.splitlines()
    # 10x allows 0.6331 s; 0.288 + 0.279 = 0.567 s taken (90%); 0.0661 s left: 0.66 us a
    # message, against (1.660 - 0.279) / 100,000 = 13.81 us spent, 20.9x the time left.
    assert "allows 0.633 s" in one and "take 0.567 s (90%)" in one
    assert "(0.66 us of CPU a message), against 13.81 us spent now (20.9x)" in one
    # 15x allows 0.422 s; 0.288 + 0.279 / 2 = 0.4275 s taken: nothing left.
    assert "allows 0.422 s" in two and "take 0.427 s (101%)" in two
    assert "(0.00 us of CPU a message), against 13.81 us spent now" in two
    assert not two.endswith("x)")
    # 15x of 7.044 s allows 0.4696 s; 0.321 + 0.1325 = 0.4535 s taken; 0.0161 s left on each
    # of two processes: 0.32 us of CPU a message; (1.747 - 0.265) / 2 = 0.741 s spent on
    # each: 46.0x.
    assert "take 0.454 s (97%)" in three
    assert "(0.32 us of CPU a message), against 14.82 us spent now (46.0x)" in three


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
    assert "native floor" not in out


def test_a_run_with_the_native_floor_budgets_it_too(bench: ModuleType, native_floor: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    command = importlib.import_module("bench_validate_command")
    seconds = bench.run(command.LOGS["production"](400), 300, 1, 0.25, native_floor)
    assert set(seconds) >= {"native", "bytes"}
    assert 0 < seconds["bytes"] < seconds["native"]
    out = capsys.readouterr().out
    assert "with the native floor in place of the floor:" in out
    assert out.count("10x the reference on 1 process allows") == 2


def test_start_up_runs_the_installed_command(bench: ModuleType) -> None:
    assert 0 < bench.start_up(1) < 30
