"""Start-up of the command line: ``protocols --version``, ``protocols --help``, and
``protocols validate`` of an empty log (a command's fixed cost: imports, the plan loaded and
compiled, a JSON report written).

Runs ``python -m protocols ...`` in fresh processes with bytecode caching allowed (as an
installed package runs; one warm-up run first), and prints the median wall time of
``--runs`` runs of each and the slowest imports of one run of ``--version`` under
``python -X importtime`` (cumulative microseconds). Goal (issue 14): ``--version`` and
``--help`` under 0.15 s on a quiet machine.

    python benchmarks/bench_startup.py
    python benchmarks/bench_startup.py --root /tmp/old-checkout   # another copy's protocols/
    python benchmarks/bench_startup.py --python /tmp/other-venv/bin/python   # its packages
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PLAN = Path(__file__).resolve().parent.parent / "plans" / "ecommerce.yaml"


def _environment(root: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if root:
        env["PYTHONPATH"] = root
    return env


# ``-m`` puts the working folder first on the path: run where the measured package is.
CWD: str | None = None
PYTHON = sys.executable  # the interpreter (and so the installed packages) measured


def wall(args: list[str], runs: int, env: dict[str, str]) -> float:
    command = [PYTHON, "-m", "protocols", *args]
    subprocess.run(command, env=env, capture_output=True, check=True, cwd=CWD)  # writes the bytecode
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True, cwd=CWD)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def slowest_imports(env: dict[str, str], count: int) -> list[str]:
    done = subprocess.run([PYTHON, "-X", "importtime", "-m", "protocols", "--version"],
                          env=env, capture_output=True, text=True, check=True, cwd=CWD)
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return [f"{cumulative / 1000:8.1f} ms  {name}" for cumulative, name in rows[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", type=int, default=15, help="slowest imports shown")
    parser.add_argument("--root", help="a folder holding the protocols package to measure")
    parser.add_argument("--python", default=sys.executable,
                        help="the interpreter to measure with (another environment's packages)")
    options = parser.parse_args()
    global CWD, PYTHON
    env = _environment(options.root)
    CWD, PYTHON = options.root, options.python
    where = subprocess.run([PYTHON, "-c", "import protocols, typer; "
                            "print(protocols.__file__, 'typer', typer.__version__)"],
                           env=env, capture_output=True, text=True, check=True,
                           cwd=CWD).stdout.strip()
    print(f"python {sys.version.split()[0]}, protocols from {where}, "
          f"load average {os.getloadavg()[0]:.2f}")
    with tempfile.TemporaryDirectory() as scratch:
        empty = Path(scratch) / "empty.ndjson"
        empty.write_bytes(b"")
        validate = ["validate", "--plan", str(PLAN), str(empty), "-f", "json", "-o",
                    str(Path(scratch) / "report.json")]
        for args in (["--version"], ["--help"], validate):
            seconds = wall(args, options.runs, env)
            print(f"protocols {args[0]}: median of {options.runs}: {seconds:.3f} s wall")
    print("slowest imports of --version (cumulative):")
    for line in slowest_imports(env, options.imports):
        print(line)
    print(f"load average {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
