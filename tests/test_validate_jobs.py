"""``validate --jobs N`` gives exactly the report and quarantine files of ``--jobs 1``."""

from __future__ import annotations

import gzip
import itertools
import json
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols import load_plan
from protocols.cli import app
from protocols.validate import parallel
from protocols.validate.count import tally
from protocols.validate.parallel import jobs_from, pieces
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
EXAMPLES = [str(REPO / "examples" / "events.ndjson"), str(REPO / "examples" / "clean.ndjson")]


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["validate", *args], catch_exceptions=False)


def quarantined(tmp_path: Path, jobs: int, *args: str) -> tuple[Any, list[bytes]]:
    folder = tmp_path / f"jobs{jobs}"
    files = [folder / "good.ndjson", folder / "bad.ndjson", folder / "reasons.ndjson"]
    result = cli("--plan", str(REPO / "plans" / "ecommerce.yaml"), "--format", "json",
                 "--jobs", str(jobs), "--good", str(files[0]), "--bad", str(files[1]),
                 "--bad-reasons", str(files[2]), *args)
    return result, [f.read_bytes() for f in files]


def test_the_example_logs_give_the_same_json_and_files_on_two_jobs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "PIECE_BYTES", 4096)  # many pieces per example file
    assert len(pieces(EXAMPLES[0])) > 5
    one, files_one = quarantined(tmp_path, 1, *EXAMPLES)
    two, files_two = quarantined(tmp_path, 2, *EXAMPLES)
    assert one.exit_code == two.exit_code == 1
    assert json.loads(one.output)["summary"]["invalid"] > 0
    assert one.output == two.output
    assert files_one == files_two
    assert files_one[1] and files_one[2]  # something went to the bad file


GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "context": {"library": {"name": "web"}},
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
lines = st.one_of(
    st.just(json.dumps(GOOD)),
    st.builds(lambda source, event, currency, total: json.dumps(
        {**GOOD, "event": event, "context": {"library": {"name": source}},
         "properties": {"order_id": "o", "currency": currency, "total": total}}),
        st.sampled_from(["web", "ios", "android"]),
        st.sampled_from(["Order Completed", "order_completed", "Order-Completed", "Unplanned"]),
        st.sampled_from(["USD", "usd", "EUR", 5]), st.sampled_from([3, "3", -1, None])),
    st.just(json.dumps({"batch": [GOOD, {**GOOD, "userId": ""}, 3]})),
    st.sampled_from(["", "   ", "{not json", "[1, 2]", '"text"', '{"type": "alias"}']),
    st.text(max_size=20).filter(lambda t: "\n" not in t and "\r" not in t),
)


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(lines, max_size=40), st.sampled_from(["\n", "\r\n"]), st.booleans(),
       st.integers(1, 300))
def test_any_log_gives_the_same_result_on_two_jobs(
        tmp_path: Path, log: list[str], ending: str, final_newline: bool,
        piece_bytes: int) -> None:
    path = tmp_path / "log.ndjson"
    text = ending.join(log) + (ending if final_newline and log else "")
    path.write_bytes(text.encode("utf-8"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parallel, "PIECE_BYTES", piece_bytes)
        results = []
        for jobs in (1, 2):
            out = tmp_path / f"out{jobs}"
            options = ValidateOptions(jobs=jobs, good=out / "g", bad=out / "b",
                                      bad_reasons=out / "r", max_examples=3)
            result = validate_inputs(PLAN, [str(path)], options)
            results.append((result.diagnostics, result.summary, result.extra,
                            [(out / name).read_bytes() for name in "gbr"]))
    assert results[0] == results[1]


def test_pieces_cover_every_byte_once_and_know_their_line(tmp_path: Path) -> None:
    path = tmp_path / "log.ndjson"
    path.write_bytes(b"".join(b'{"n": %d}\n' % i + b"\n" * (i % 3) for i in range(500)))
    cut = pieces(str(path), 100)
    data = path.read_bytes()
    assert len(cut) > 10
    assert cut[0].start == 0 and cut[-1].end == len(data)
    for before, after in itertools.pairwise(cut):
        assert before.end == after.start
        assert data[after.start - 1:after.start] == b"\n"  # cut after a line end
        assert after.first_line == data[:after.start].count(b"\n") + 1


def test_gzip_and_documents_are_read_whole(tmp_path: Path) -> None:
    packed = tmp_path / "log.ndjson.gz"
    packed.write_bytes(gzip.compress(b'{"type": "track"}\n' * 50))
    array = tmp_path / "log.json"
    array.write_text(json.dumps([GOOD] * 50), "utf-8")
    assert pieces(str(packed), 10) == [parallel.Piece(str(packed))]
    assert pieces(str(array), 10) == [parallel.Piece(str(array))]
    one = validate_inputs(PLAN, [str(packed), str(array)], ValidateOptions())
    two = validate_inputs(PLAN, [str(packed), str(array)], ValidateOptions(jobs=2))
    assert (one.diagnostics, one.summary, one.extra) == (two.diagnostics, two.summary, two.extra)


@pytest.mark.parametrize("start", ["fork", "spawn"])
@pytest.mark.parametrize(("piece_bytes", "merged"), [(150, True), (3000, False)])
def test_caps_merge_exactly_or_fall_back_to_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, piece_bytes: int, merged: bool,
        start: str) -> None:
    # Beyond the cap, which event names are counted depends on the order of the whole log.
    # Pieces of a line or two never reach it and merge exactly; a piece that reaches it
    # cannot know what the whole log would have kept, so the run falls back. (A spawned
    # worker knows the cap lowered here only because it is handed the parent's limits.)
    monkeypatch.setattr(parallel, "_start_method", lambda: start)
    monkeypatch.setattr(tally, "MAX_EVENTS_COUNTED", 3)
    monkeypatch.setattr(parallel, "PIECE_BYTES", piece_bytes)
    path = tmp_path / "log.ndjson"
    path.write_text("".join(json.dumps({**GOOD, "event": f"E{i % 7}"}) + "\n"
                            for i in range(60)), "utf-8")
    one = validate_inputs(PLAN, [str(path)], ValidateOptions())
    two = validate_inputs(PLAN, [str(path)], ValidateOptions(jobs=2))
    attempt = parallel.validate_in_parallel(PLAN, [str(path)], ValidateOptions(jobs=2))
    assert (attempt is not None) == merged
    assert (one.diagnostics, one.summary, one.extra) == (two.diagnostics, two.summary, two.extra)
    assert "(other events)" in two.summary["by_event"]


def test_jobs_option(tmp_path: Path) -> None:
    assert jobs_from("3") == 3
    assert jobs_from("auto") >= 1
    for bad in ("0", "-1", "two"):
        with pytest.raises(ValueError, match="--jobs takes"):
            jobs_from(bad)
    log = tmp_path / "log.ndjson"
    log.write_text(json.dumps(GOOD) + "\n", "utf-8")
    result = cli("--plan", str(REPO / "tests" / "validate" / "plan.yaml"), "--jobs", "zero",
                 str(log))
    assert result.exit_code == 2
    assert "--jobs takes a whole number >= 1 or auto, not 'zero'" in result.output
    assert cli("--plan", str(REPO / "tests" / "validate" / "plan.yaml"), "--jobs", "auto",
               str(log)).exit_code == 0


def test_jobs_from_the_configuration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "log.ndjson"
    log.write_text(json.dumps(GOOD) + "\n", "utf-8")
    config = tmp_path / ".protocols.toml"
    monkeypatch.chdir(tmp_path)
    config.write_text('[validate]\njobs = "auto"\n', "utf-8")
    plan = str(REPO / "tests" / "validate" / "plan.yaml")
    assert cli("--plan", plan, str(log)).exit_code == 0
    config.write_text("[validate]\njobs = 0\n", "utf-8")
    result = cli("--plan", plan, str(log))
    assert result.exit_code == 2 and "not '0'" in result.output
    assert cli("--plan", plan, "--jobs", "2", str(log)).exit_code == 0  # the flag wins


STUCK_WORKER = """
import os, signal, sys, time, multiprocessing
from protocols import load_plan
from protocols.validate import parallel
from protocols.validate.run import ValidateOptions, validate_inputs

def stop_a_worker(progress):
    os.kill(multiprocessing.active_children()[0].pid, signal.SIGSTOP)
    raise KeyboardInterrupt

if __name__ == "__main__":
    parallel._start_method = lambda: sys.argv[3]
    parallel.PIECE_BYTES = 2048
    started = time.monotonic()
    try:
        validate_inputs(load_plan(sys.argv[1]), [sys.argv[2]], ValidateOptions(jobs=2),
                        progress=stop_a_worker)
    except KeyboardInterrupt:
        print(f"interrupted after {time.monotonic() - started:.1f} s")
"""


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_stuck_worker_does_not_hold_a_run_that_fails(tmp_path: Path, start: str) -> None:
    # The run is interrupted while a worker is stopped (SIGSTOP: as stuck as a worker gets).
    # Waiting for the workers to end their pieces waited for ever; they are killed now.
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps({**GOOD, "userId": f"u{i}"}) + "\n"
                           for i in range(400)), "utf-8")
    script = tmp_path / "stuck.py"
    script.write_text(STUCK_WORKER, "utf-8")
    run = subprocess.run([sys.executable, str(script), str(REPO / "tests" / "validate" /
                                                            "plan.yaml"), str(log), start],
                         capture_output=True, text=True, timeout=120, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("interrupted after"), run.stdout + run.stderr


HALF_SENT_RESULT = """
import os, struct, sys, time
from concurrent.futures import process
from pathlib import Path
from protocols import load_plan
from protocols.validate import parallel
from protocols.validate.count.drift import CapReached
from protocols.validate.run import ValidateOptions, validate_inputs

flags = Path(sys.argv[3])
piece, sendback, kill = parallel._validate_piece, process._sendback_result, parallel._kill_workers

def validate_piece(job):
    if job[0] == 0:
        raise CapReached("a cap")  # the run falls back to one process, killing the workers
    if job[0] == 1:
        while not (flags / "killing").exists():
            time.sleep(0.05)
        return "half"
    return piece(job)

def send_back(queue, work_id, result=None, exception=None, **rest):
    if result != "half":
        return sendback(queue, work_id, result, exception, **rest)
    # A big result, killed with a part of it written: the pool's manager thread waits
    # for the rest of it.
    queue._writer._send(struct.pack("!i", 2**20) + bytes(1000))
    (flags / "sent").touch()
    time.sleep(600)

def kill_workers(pool):
    (flags / "killing").touch()
    while not (flags / "sent").exists():
        time.sleep(0.05)
    time.sleep(0.5)
    kill(pool)

if __name__ == "__main__":
    parallel._start_method = lambda: "fork"
    parallel.PIECE_BYTES = 2048
    parallel._validate_piece, process._sendback_result = validate_piece, send_back
    parallel._kill_workers = kill_workers
    result = validate_inputs(load_plan(sys.argv[1]), [sys.argv[2]], ValidateOptions(jobs=2))
    print("validated", result.summary["messages"])
"""


def test_a_worker_killed_while_sending_its_piece_does_not_hang_the_run(tmp_path: Path) -> None:
    # Found by fuzzing: on a log of 10 MB with thousands of event names, `--jobs 2` reached
    # a cap and killed its workers while one was sending its piece (3 MB, more than a pipe
    # holds); the pool waited for ever for the rest of it. Ctrl-C could do the same.
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps({**GOOD, "userId": f"u{i}"}) + "\n"
                           for i in range(400)), "utf-8")
    script = tmp_path / "half_sent.py"
    script.write_text(HALF_SENT_RESULT, "utf-8")
    try:
        run = subprocess.run([sys.executable, str(script), str(REPO / "tests" / "validate" /
                                                                "plan.yaml"), str(log),
                              str(tmp_path)], capture_output=True, text=True, timeout=60,
                             cwd=REPO)
    except subprocess.TimeoutExpired:
        pytest.fail("the run waited for ever for a piece whose worker was killed")
    assert run.returncode == 0, run.stderr
    assert run.stdout == "validated 400\n"


def test_stdin_runs_on_one_process(tmp_path: Path) -> None:
    assert parallel.validate_in_parallel(PLAN, ["-"], ValidateOptions(jobs=2)) is None


def test_workers_are_forked_only_from_a_process_of_one_thread() -> None:
    # A fork copies into the worker whatever another thread holds (a lock: the worker hangs).
    code = ("import threading, time\n"
            "from protocols.validate.parallel import _start_method\n"
            "print(_start_method())\n"
            "threading.Thread(target=time.sleep, args=(5,), daemon=True).start()\n"
            "print(_start_method())\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True)
    assert run.stdout.split() == ["fork", "spawn"]


def test_one_piece_per_process() -> None:
    # Each piece costs its process a start and drift counts learnt again: as few as can be.
    options = ValidateOptions(jobs=2)
    assert parallel._piece_bytes(100 * 2**20, options) == 50 * 2**20
    assert parallel._piece_bytes(10 * 2**30, options) == parallel.PIECE_BYTES
    assert parallel._piece_bytes(1000, options) == 2**20  # (one piece: no workers)


def test_an_unreadable_input_is_a_finding_with_jobs_too(tmp_path: Path) -> None:
    log = tmp_path / "log.ndjson"
    log.write_text(json.dumps(GOOD) + "\n", "utf-8")
    gone = str(tmp_path / "gone.ndjson")  # deleted between listing and reading
    one = validate_inputs(PLAN, [str(log), gone], ValidateOptions())
    two = validate_inputs(PLAN, [str(log), gone], ValidateOptions(jobs=2))
    assert (one.diagnostics, one.summary) == (two.diagnostics, two.summary)
    assert one.summary["by_code"] == {"PV005": 1}


@pytest.mark.parametrize("start", ["fork", "spawn"])
def test_a_worker_that_dies_does_not_hang_the_run(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  start: str) -> None:
    # A worker killed mid-run (out of memory, a signal) once left the run waiting forever for
    # the piece it held. Now the pieces are dropped and one process does the whole run.
    monkeypatch.setattr(parallel, "_start_method", lambda: start)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 2048)
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps({**GOOD, "userId": f"u{i}"}) + "\n"
                           for i in range(400)), "utf-8")
    assert len(pieces(str(log), 2048)) > 10
    killed: list[int] = []

    def kill_the_workers(progress: object) -> None:
        for worker in multiprocessing.active_children():
            if not killed:
                killed.append(worker.pid or 0)
                os.kill(worker.pid or 0, signal.SIGKILL)

    out = tmp_path / "out"
    options = ValidateOptions(jobs=2, good=out / "g", bad=out / "b")
    result = validate_inputs(PLAN, [str(log)], options, progress=kill_the_workers)
    assert killed
    assert result.summary["messages"] == result.summary["valid"] == 400
    assert (out / "g").read_bytes() == log.read_bytes()



def test_quarantine_to_a_pipe_on_two_jobs(tmp_path: Path) -> None:
    # `--good /dev/stdout | ...` once failed with --jobs 2 only: the workers' pieces were put
    # in a folder beside the output's real path (/proc/PID/fd/pipe:[N]), where none can be made.
    _, (good_one, bad_one, _) = quarantined(tmp_path, 1, *EXAMPLES)
    bad = tmp_path / "bad.ndjson"
    run = subprocess.run(
        [sys.executable, "-m", "protocols", "validate", "--plan",
         str(REPO / "plans" / "ecommerce.yaml"), "--format", "json", "-o",
         str(tmp_path / "report.json"), "--jobs", "2", "--good", "/dev/stdout", "--bad",
         str(bad), *EXAMPLES], capture_output=True, timeout=300)
    assert run.returncode == 1, run.stderr.decode()
    assert run.stdout == good_one and bad.read_bytes() == bad_one
