"""Where a run of ``protocols validate`` spends its time, against the least a Python loop
over the same log costs, and what issue 14's targets leave for the work itself.

On each benchmark log of bench_validate_command.py (``uniform``, ``production``), the first
``--messages`` lines, each of these runs ``--repeats`` times (the best kept; the command's
start-up: the median):

- ``reference``: full_reference.py in this process, as bench_validate_command.py times it
  (the plan loaded, the file read and split, every line checked);
- ``parse``: msgspec's decoder over every line of the file, read line by line (the issue's
  parse-only loop, bench_validate_command.py's ``parse_only``);
- ``envelope``: every line of the file decoded into the lane's envelope (read/envelope.py:
  the envelope fields and the source, the payload kept as JSON text, ``context`` skipped);
- ``floor``: the same, with the payload decoded (untyped) and one count per (source,
  event). It checks nothing, not even that a line is UTF-8, and keeps no drift counts: a
  loop in Python that reads what the plan's checks and the drift report need does at least
  this much a message;
- ``core``: ``validate_inputs`` on one process (the command once started: the plan compiled,
  every check, every finding's diagnostic, the drift report);
- ``start-up``: the installed command on an empty log, JSON report (a fresh process: imports,
  the plan loaded and compiled);
- ``native``: the floor in Rust (benchmarks/native_floor/, built with cargo when it is on the
  PATH, else left out saying so): the same fields read, each payload decoded into JSON values,
  one count per (source, event), timed by the program from its file read to its last count.
  What a validator in compiled code would pay before any check, with the same start-up;
- ``bytes``: the same program reading the file and cutting it into lines, nothing parsed:
  what this machine pays to bring the log's bytes in.

It then prints, for each target (10x the reference on one process, 15x with ``--jobs 2``),
what it allows the whole command (start-up included), what the start-up and the floor take
of that (with two processes sharing the floor perfectly), and the CPU time a message is left
for the checks and the drift counts, beside what the command spends on them now; and, with
the native floor, the same for a core in compiled code behind today's start-up.
Figures: docs/performance.md, "What the targets leave".

    python benchmarks/bench_floor.py                     # both logs, 100,000 messages
    python benchmarks/bench_floor.py --log production --messages 50000 --repeats 5
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import msgspec
from bench_validate import PLAN
from bench_validate_command import LOGS, command, reference

from protocols.plan import load_plan
from protocols.validate.count.drift import source_path
from protocols.validate.read.envelope import EnvelopeReader
from protocols.validate.run import ValidateOptions, validate_inputs

NATIVE = Path(__file__).resolve().parent / "native_floor"
NATIVE_TARGET = Path(__file__).resolve().parent / "out" / "native-target"  # (git-ignored)

# Issue 14: the command at least 10x the reference on one process, 15x with --jobs 2.
TARGETS = {1: 10, 2: 15}


def parse(path: Path) -> int:
    """The lines of the file msgspec parses."""
    decode = msgspec.json.Decoder().decode
    parsed = 0
    with path.open("rb") as lines:
        for line in lines:
            try:
                decode(line)
            except msgspec.DecodeError:
                continue
            parsed += 1
    return parsed


def envelope(path: Path) -> int:
    """The lines of the file that decode as an envelope."""
    decode = EnvelopeReader(source_path()).decode
    assert decode is not None
    read = 0
    with path.open("rb") as lines:
        for line in lines:
            try:
                decode(line)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
            read += 1
    return read


def floor(path: Path) -> int:
    """Envelope, payload, one count per (source, event); the messages read."""
    reader = EnvelopeReader(source_path())
    decode, source = reader.decode, reader.source
    assert decode is not None
    payload_of = msgspec.json.Decoder().decode
    counts: dict[tuple[str, object], int] = {}
    with path.open("rb") as lines:
        for line in lines:
            try:
                found = decode(line)
                payload = found.properties or found.traits
                if payload:
                    payload_of(payload)
            except (msgspec.DecodeError, msgspec.ValidationError):
                continue
            key = (source(found), found.event)
            counts[key] = counts.get(key, 0) + 1
    return sum(counts.values())


def native_floor() -> Path | None:
    """The native floor's program, built (once) with cargo; None without cargo."""
    cargo = shutil.which("cargo")
    if cargo is None:
        return None
    subprocess.run([cargo, "build", "--release", "--locked", "--quiet", "--manifest-path",
                    str(NATIVE / "Cargo.toml"), "--target-dir", str(NATIVE_TARGET)],
                   check=True)
    return NATIVE_TARGET / "release" / "native_floor"


def native(program: Path, path: Path) -> tuple[int, float, float]:
    """(messages read, seconds, seconds to read and split the file alone) of the native
    floor over ``path``, as the program times them."""
    done = subprocess.run([str(program), str(path)], check=True, capture_output=True)
    figures = json.loads(done.stdout)
    return figures["read"], figures["seconds"], figures["split"]


def best(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return min(times)


def start_up(repeats: int) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        empty = Path(scratch) / "empty.ndjson"
        empty.write_bytes(b"")
        times = []
        for _ in range(repeats):
            began = time.perf_counter()
            command(empty, 1, Path(scratch) / "report.json")
            times.append(time.perf_counter() - began)
    return statistics.median(times)


def run(path: Path, count: int, repeats: int, started: float,
        program: Path | None = None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        part = Path(scratch) / "part.ndjson"
        with path.open("rb") as source:
            part.write_bytes(b"".join(line for _, line in zip(range(count), source,
                                                              strict=False)))
        plan = load_plan(PLAN)
        messages, _ = reference(part)  # (warms the file and the plan in the page cache too)
        read = floor(part)
        if read > messages:
            raise SystemExit(f"the floor read {read} messages of {messages}")
        if program is not None and native(program, part)[0] != read:
            raise SystemExit(f"the native floor read {native(program, part)[0]} messages, "
                             f"the floor {read}")
        seconds = {
            "reference": best(lambda: reference(part), repeats),
            "parse": best(lambda: parse(part), repeats),
            "envelope": best(lambda: envelope(part), repeats),
            "floor": best(lambda: floor(part), repeats),
            "core": best(lambda: validate_inputs(plan, [str(part)],
                                                 ValidateOptions(max_examples=20)), repeats),
        }
        if program is not None:
            timings = [native(program, part) for _ in range(repeats)]
            seconds["native"] = min(timing[1] for timing in timings)
            seconds["bytes"] = min(timing[2] for timing in timings)
    seconds["start-up"] = started
    print(f"{path.name}: the first {messages:,} messages, load average "
          f"{os.getloadavg()[0]:.1f}")
    for name, value in seconds.items():
        per = f"{value / messages * 1e6:8.2f} us/message" if name != "start-up" else ""
        print(f"  {name:10} {value:7.3f} s {per}")
    for jobs, target in TARGETS.items():
        _budget(seconds, messages, jobs, target)
    if "native" in seconds:
        print("  with the native floor in place of the floor:")
        for jobs, target in TARGETS.items():
            _budget({**seconds, "floor": seconds["native"]}, messages, jobs, target)
    return seconds


def _budget(seconds: dict[str, float], messages: int, jobs: int, target: int) -> None:
    """What ``target`` x the reference leaves once the start-up and the floor (shared by
    ``jobs`` processes, at best) are paid, beside what the command spends beyond the floor."""
    allowed = seconds["reference"] / target
    taken = seconds["start-up"] + seconds["floor"] / jobs
    left = allowed - taken
    spent = (seconds["core"] - seconds["floor"]) / jobs
    print(f"  {target}x the reference on {jobs} process{'es' if jobs > 1 else ''} allows "
          f"{allowed:.3f} s; start-up and floor take {taken:.3f} s ({taken / allowed:.0%}); "
          f"left for the checks and drift counts: {max(left, 0):.3f} s "
          f"({max(left, 0) * jobs / messages * 1e6:.2f} us of CPU a message), against "
          f"{spent * jobs / messages * 1e6:.2f} us spent now"
          + (f" ({spent / left:.1f}x)" if left > 0 else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--log", choices=[*LOGS, "both"], default="both")
    options = parser.parse_args()
    print(f"machine: nproc={os.cpu_count()}, python {sys.version.split()[0]}, "
          f"msgspec {msgspec.__version__}")
    started = start_up(max(options.repeats, 5))
    program = native_floor()
    if program is None:
        print("native floor: left out (no cargo on the PATH)")
    for log in LOGS if options.log == "both" else [options.log]:
        run(LOGS[log](max(options.messages, 200_000)), options.messages, options.repeats,
            started, program)


if __name__ == "__main__":
    main()
