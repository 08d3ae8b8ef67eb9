"""Instructions per message of the validate command and of the reference, under cachegrind.

Wall-clock ratios on a shared machine move by a third from run to run; the number of CPU
instructions a run executes barely moves. This script runs, under ``valgrind --tool=cachegrind``,
the command's core (``validate_inputs``, as bench_validate_command.py does) and the reference
(``json.loads`` + jsonschema, from bench_validate.py) over the first N messages of the benchmark
log, once and three times in a process; (three runs - one run) / 2 / N is the cost of a message
with the start-up (imports, plan loading, the first compile) left out.

    python benchmarks/count_instructions.py              # 8,000 messages, needs valgrind
    python benchmarks/count_instructions.py --messages 2000 --only command

It is slow (about a minute per measurement: valgrind runs Python some 50 times slower) and
measures one core's work: nothing of --jobs.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bench_validate import OUT, PLAN, ReferencePath, log_file


def _run_inside(kind: str, path: Path, runs: int) -> None:
    """The measured work (called in the process valgrind watches)."""
    if kind == "reference":
        reference = ReferencePath()
        lines = path.read_bytes().splitlines(keepends=True)
        for _ in range(runs):
            reference.run(lines)
        return
    from protocols.plan import load_plan
    from protocols.validate.run import ValidateOptions, validate_inputs

    plan = load_plan(PLAN)
    for _ in range(runs):
        validate_inputs(plan, [str(path)], ValidateOptions(max_examples=20))


def _instructions(kind: str, path: Path, runs: int) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--inside", kind, "--log", str(path), "--runs", str(runs)],
        capture_output=True, text=True, check=True,
        env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def per_message(kind: str, path: Path, messages: int) -> int:
    return (_instructions(kind, path, 3) - _instructions(kind, path, 1)) // 2 // messages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=8_000)
    parser.add_argument("--only", choices=["command", "reference"])
    parser.add_argument("--inside", choices=["command", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--log", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inside:
        _run_inside(options.inside, options.log, options.runs)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    head = OUT / f"head-{options.messages}.ndjson"
    with log_file(200_000).open("rb") as source, head.open("wb") as target:
        for _, line in zip(range(options.messages), source, strict=False):
            target.write(line)
    found = {}
    for kind in ("reference", "command"):
        if options.only in (None, kind):
            found[kind] = per_message(kind, head, options.messages)
            print(f"{kind}: {found[kind]:,} instructions per message", flush=True)
    if len(found) == 2:
        print(f"ratio: {found['reference'] / found['command']:.1f}x")


if __name__ == "__main__":
    main()
