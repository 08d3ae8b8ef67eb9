"""Instructions per message of the validate command and of the reference, under cachegrind.

Wall-clock ratios on a shared machine move by a third from run to run; the number of CPU
instructions a run executes barely moves. This script runs, under ``valgrind --tool=cachegrind``,
over the first N messages of each benchmark log (bench_validate_command.py's ``uniform`` and
``production`` logs):

- ``command``: what ``protocols validate LOG --format json`` runs once the plan is loaded:
  the run (``validate_inputs``) and the JSON report, written to /dev/null;
- ``reference``: json.loads + jsonschema + the envelope and name checks (full_reference.py);
- ``parse``: msgspec's decoder over every line, and nothing else;

each once and three times in a process; (three runs - one run) / 2 / N is the cost of a
message with the start-up (imports, plan loading, the first compile) left out.

    python benchmarks/count_instructions.py              # 8,000 messages, needs valgrind
    python benchmarks/count_instructions.py --messages 2000 --only command --log production

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

from bench_validate import OUT, PLAN
from bench_validate_command import LOGS, parse_only

KINDS = ("reference", "command", "parse")


def _run_inside(kind: str, path: Path, runs: int) -> None:
    """The measured work (called in the process valgrind watches)."""
    from protocols.plan import load_plan

    plan = load_plan(PLAN)
    if kind == "reference":
        from full_reference import FullReference

        reference = FullReference(plan)
        lines = path.read_bytes().split(b"\n")
        for _ in range(runs):
            reference.run(lines)
        return
    if kind == "parse":
        for _ in range(runs):
            parse_only(path)
        return
    from protocols.report import REPORTERS, RenderOptions
    from protocols.validate.run import ValidateOptions, validate_inputs

    for _ in range(runs):
        result = validate_inputs(plan, [str(path)], ValidateOptions(max_examples=5))
        with open(os.devnull, "w", encoding="utf-8") as sink:
            sink.write(REPORTERS["json"](result, RenderOptions()))


def _instructions(kind: str, path: Path, runs: int) -> int:
    result = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--inside", kind, "--file", str(path), "--runs", str(runs)],
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
    parser.add_argument("--only", choices=KINDS)
    parser.add_argument("--log", choices=[*LOGS, "both"], default="both")
    parser.add_argument("--inside", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=1, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.inside:
        _run_inside(options.inside, options.file, options.runs)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    for log in list(LOGS) if options.log == "both" else [options.log]:
        head = OUT / f"head-{log}-{options.messages}.ndjson"
        with LOGS[log](200_000).open("rb") as source, head.open("wb") as target:
            for _, line in zip(range(options.messages), source, strict=False):
                target.write(line)
        found = {}
        for kind in KINDS:
            if options.only in (None, kind):
                found[kind] = per_message(kind, head, options.messages)
                print(f"{log} log, {kind}: {found[kind]:,} instructions per message",
                      flush=True)
        if "reference" in found and "command" in found:
            print(f"{log} log: the reference / the command {found['reference'] / found['command']:.1f}x")
        if "parse" in found and "command" in found:
            print(f"{log} log: the command / parsing {found['command'] / found['parse']:.1f}x")


if __name__ == "__main__":
    main()
