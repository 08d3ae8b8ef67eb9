"""``--jobs 2`` against one process, by piece size and by how workers start.

``validate_inputs`` (the core of ``protocols validate``) in this process, wall clock, on the
benchmark logs of bench_validate_command.py (``uniform`` and ``production``): one process,
then ``--jobs 2`` with pieces of 16, 32 and 64 MiB and with one piece per process (the
default), then one piece per process with spawned workers (what a process with other threads
gets), the same runs alternating ``--repeats`` times so that each comparison is made in the
same minutes. Results are checked equal to one process's. Figures: docs/performance.md,
"--jobs and pieces".

    python benchmarks/bench_jobs.py                       # both logs, 200,000 messages
    python benchmarks/bench_jobs.py --log production --messages 100000 --repeats 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from bench_validate import PLAN
from bench_validate_command import LOGS

from protocols.plan import load_plan
from protocols.validate import parallel
from protocols.validate.run import ValidateOptions, validate_inputs

MiB = 2**20


def _variants() -> dict[str, tuple[int, Callable[[int, Any], int] | None, str | None]]:
    """name -> (jobs, piece size rule or None for the default, start method or None)."""
    fixed = {f"{size} MiB pieces": (2, (lambda total, options, size=size:
                                        min(max(-(-total // options.jobs), MiB), size * MiB)),
                                    None) for size in (16, 32, 64)}
    return {"one process": (1, None, None), **fixed,
            "one piece per process": (2, None, None),
            "one piece per process, spawned": (2, None, "spawn")}


def run(log: str, repeats: int) -> None:
    plan = load_plan(PLAN)
    default_size, default_start = parallel._piece_bytes, parallel._start_method
    times: dict[str, list[float]] = {}
    expected = None
    for _ in range(repeats):
        for name, (jobs, size, start) in _variants().items():
            parallel._piece_bytes = size or default_size  # type: ignore[assignment]
            parallel._start_method = (lambda start=start: start) if start else default_start
            began = time.perf_counter()
            result = validate_inputs(plan, [log], ValidateOptions(jobs=jobs))
            times.setdefault(name, []).append(time.perf_counter() - began)
            found = (result.summary, result.diagnostics, result.extra)
            if expected is None:
                expected = found
            elif found != expected:
                raise SystemExit(f"{name}: a different result from one process's")
    parallel._piece_bytes, parallel._start_method = default_size, default_start
    one = min(times["one process"])
    print(f"{os.path.basename(log)}, {os.path.getsize(log) / MiB:.0f} MiB, "
          f"load average {os.getloadavg()[0]:.1f}")
    for name, values in times.items():
        spread = ", ".join(f"{value:.2f}" for value in sorted(values))
        print(f"  {name:32} {spread} s   best: {one / min(values):.2f}x one process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--log", choices=[*LOGS, "both"], default="both")
    options = parser.parse_args()
    print(f"machine: nproc={os.cpu_count()}, python {sys.version.split()[0]}")
    for log in LOGS if options.log == "both" else [options.log]:
        run(str(LOGS[log](options.messages)), options.repeats)


if __name__ == "__main__":
    main()
