"""The ``validate`` command end to end against hand-written references, on two logs.

``bench_validate.py`` measures the engine layer only. This script measures what users run:
``protocols validate --plan plans/ecommerce.yaml LOG --format json --output FILE``, the real
command line entry in a fresh process (start-up, plan loading and compiling, format
detection, envelope and name checks, a full ``Diagnostic`` for every finding, warnings too,
the naming-drift report and the JSON report), once with one process and once with
``--jobs 2``, beside, in the same run:

- the reference (full_reference.py): ``json.loads`` per line, a jsonschema
  ``Draft202012Validator`` (formats asserted) compiled once per planned message kind, and the
  envelope and name checks by hand; it must count the same messages and invalid messages as
  the command, or the run fails;
- a parse-only loop: msgspec's decoder over every line of the same file, and nothing else:
  the floor that reading the log costs.

The command runs with bytecode caching allowed (``PYTHONDONTWRITEBYTECODE`` is dropped from
its environment), as an installed package runs. Two logs, both of 200,000 messages by
default: ``uniform``, bench_validate.py's log (two
events and identify, a small vocabulary of values), and ``production``, production_log.py's
log (every event of the plan, three SDK sources with full contexts, high-cardinality values,
every kind of finding); and with ``--log typewriter`` (or ``all``) a third, ``typewriter``:
the same generator on Segment's own end-to-end tracking plan (Typewriter's, from the public
fixtures in ../shared/fixtures, imported by ``protocols import segment``), a plan this
project did not write (25 events, odd names, nullable and union types, nested arrays of
objects, patterns). Each log is cut into slices (``--slices``, default 2: runs of 100,000
messages), written before timing; on each slice the four runs go in turn, in an order that
rotates from slice to slice, so a change in the machine's load hits all alike. Every run
reads its file and pays its own start-up (the reference builds its validators from the plan
each time).

    python benchmarks/bench_validate_command.py                  # both logs, median of 3
    python benchmarks/bench_validate_command.py --log production --repeats 5
    python benchmarks/bench_validate_command.py --log all        # and the typewriter log
    python benchmarks/bench_validate_command.py --slices 10      # runs of 20,000 messages
    python benchmarks/bench_validate_command.py --memory         # peak RSS at 200k and 1M

``--memory`` runs the command's core and its JSON and SARIF reporters (every finding, written
to /dev/null) in a fresh process per log, on both logs above and on a log where nearly every
message has findings (95% break the plan, 90% carry an unplanned property: about two
findings a message), and prints peak RSS. Goal (issue 14): under 200 MB at 1,000,000
messages whatever the number of findings.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import msgspec
import production_log
from bench_validate import OUT, PLAN, _slices, generate, log_file
from full_reference import FullReference

from protocols.plan import load_plan
from protocols.report import RenderOptions, render_pieces
from protocols.validate.read import fastjson
from protocols.validate.run import ValidateOptions, validate_inputs

MAX_EXAMPLES = 20
COMMAND = str(Path(sys.executable).with_name("protocols"))
# Segment's own end-to-end tracking plan (Typewriter's), a plan this project did not write:
# the public fixtures beside the repository (../shared/fixtures, with its licence).
TYPEWRITER = PLAN.parent.parent.parent / "shared" / "fixtures" / "segment-typewriter" / \
    "plan.json"


def typewriter_log(count: int) -> tuple[Path, Path]:
    """Typewriter's plan, imported by ``protocols import segment``, and a production-shaped
    log of ``count`` messages made from it (both written once, in benchmarks/out)."""
    if not TYPEWRITER.is_file():
        raise SystemExit(f"the typewriter log needs {TYPEWRITER} (../shared/fixtures is absent)")
    OUT.mkdir(parents=True, exist_ok=True)
    plan = OUT / "typewriter.yaml"
    if not plan.exists():
        subprocess.run([COMMAND, "import", "segment", str(TYPEWRITER), "--out", str(plan)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    path = OUT / f"typewriter-{count}.ndjson"
    if not path.exists():
        partial = path.with_suffix(".partial")
        production_log.generate(partial, count, plan=load_plan(plan))
        partial.replace(path)
    return plan, path


# The two logs validated against plans/ecommerce.yaml (other benchmarks share them).
LOGS: dict[str, Callable[[int], Path]] = {
    "uniform": log_file,
    "production": lambda count: production_log.log_file(count, OUT),
}


def plan_and_log(name: str, count: int) -> tuple[Path, Path]:
    """A log of ``count`` messages by its name, with the plan it is validated against."""
    return typewriter_log(count) if name == "typewriter" else (PLAN, LOGS[name](count))


def _options(jobs: int) -> ValidateOptions:
    return ValidateOptions(max_examples=MAX_EXAMPLES, jobs=jobs)


def slice_files(path: Path, parts: int) -> list[Path]:
    """The log cut into ``parts`` files of whole lines (written once, outside the timings)."""
    files = []
    for index, (start, end) in enumerate(_slices(path, parts)):
        part = OUT / f"{path.stem}.part{index}of{parts}.ndjson"
        if not part.exists() or part.stat().st_size != end - start:
            with path.open("rb") as source:
                source.seek(start)
                part.write_bytes(source.read(end - start))
        files.append(part)
    return files


def reference(path: Path, plan: Path = PLAN) -> tuple[int, int]:
    """(messages, invalid) by the reference, from the plan file to the last line."""
    with path.open("rb") as handle:
        return FullReference(load_plan(plan)).run(handle.read().split(b"\n"))


def parse_only(path: Path) -> tuple[int, int]:
    """Every line of the file parsed by msgspec, and nothing else."""
    decode = msgspec.json.Decoder().decode
    lines = 0
    with path.open("rb") as handle:
        for line in handle:
            lines += 1
            try:  # noqa: SIM105 (a with-block would add its cost to the floor measured)
                decode(line)
            except msgspec.DecodeError:
                pass
    return lines, 0


# An installed package has its modules compiled to bytecode once; an environment that
# forbids writing bytecode would make every run compile them again (a third of a second).
ENVIRONMENT = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def command(path: Path, jobs: int, report: Path, plan: Path = PLAN) -> None:
    """``protocols validate`` as a user runs it, with the JSON report written to ``report``."""
    done = subprocess.run([COMMAND, "validate", "--plan", str(plan), str(path), "--format",
                           "json", "--output", str(report), "--jobs", str(jobs)],
                          stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False, env=ENVIRONMENT)
    if done.returncode not in (0, 1):
        raise SystemExit(f"protocols validate failed ({done.returncode}):\n"
                         f"{done.stderr.decode(errors='replace')}")


def _counts(report: Path) -> tuple[int, int]:
    summary = json.loads(report.read_bytes())["summary"]
    return summary["messages"], summary["invalid"]


RUNS = ("reference", "parse", "jobs 1", "jobs 2")


def interleaved(path: Path, parts: int, runs: tuple[str, ...] = RUNS, plan: Path = PLAN
                ) -> dict[str, float]:
    """Seconds of each run over the whole log, slice by slice (their order rotating)."""
    files = slice_files(path, parts)
    seconds = dict.fromkeys(runs, 0.0)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        for index, part in enumerate(files):
            order = runs[index % len(runs):] + runs[:index % len(runs)]
            counted: dict[str, tuple[int, int]] = {}
            for name in order:
                began = time.perf_counter()
                if name == "reference":
                    counted[name] = reference(part, plan)
                elif name == "parse":
                    parse_only(part)
                else:
                    command(part, int(name.split()[1]), report, plan)
                seconds[name] += time.perf_counter() - began
                if name.startswith("jobs"):
                    counted[name] = _counts(report)
            if len(set(counted.values())) > 1:
                raise SystemExit(f"{part.name}: (messages, invalid) differ: {counted}")
    return seconds


def speed(count: int, repeats: int, parts: int, logs: list[str]) -> None:
    print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, "
          f"msgspec {msgspec.__version__}, json backend {fastjson.BACKEND}")
    for log in logs:
        plan, path = plan_and_log(log, count)
        print(f"\n{log} log: {path.name} (plan {plan.name}), {count:,} messages, "
              f"{path.stat().st_size / count:.0f} bytes/message on average, in {parts} slices")
        table: dict[str, list[float]] = {}
        for attempt in range(1, repeats + 1):
            load = os.getloadavg()[0]
            seconds = interleaved(path, parts, plan=plan)
            ratios = {
                "reference / jobs 1": seconds["reference"] / seconds["jobs 1"],
                "reference / jobs 2": seconds["reference"] / seconds["jobs 2"],
                "jobs 1 / parse": seconds["jobs 1"] / seconds["parse"],
                "jobs 2 / parse": seconds["jobs 2"] / seconds["parse"],
            }
            for name, value in ratios.items():
                table.setdefault(name, []).append(value)
            rates = ", ".join(f"{name} {count / s:,.0f} msg/s" for name, s in seconds.items())
            print(f"run {attempt}: {rates}; " + ", ".join(
                f"{name} {value:.1f}x" for name, value in ratios.items())
                  + f"; load average {load:.1f}-{os.getloadavg()[0]:.1f}", flush=True)
        print(f"median ({log}): " + ", ".join(
            f"{name} {statistics.median(values):.1f}x" for name, values in table.items()))


def findings_log(count: int) -> Path:
    """A log of ``count`` messages nearly all of which have findings (about two each)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"log-{count}-findings.ndjson"
    if not path.exists():
        generate(path, count, seed=11, violating=0.95, unplanned=0.9)
    return path


def stream(path: Path, jobs: int) -> None:
    """Run the command's core and its JSON and SARIF reports over one log (in a fresh
    subprocess) and print the peak RSS."""
    started = time.perf_counter()
    options = replace(_options(jobs), every_finding=True)
    result = validate_inputs(load_plan(PLAN), [str(path)], options)
    validated = time.perf_counter() - started
    written = {}
    for name in ("json", "sarif"):
        size = 0
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for piece in render_pieces(name, result, RenderOptions()):
                sink.write(piece)
                size += len(piece)
        written[name] = size
    elapsed = time.perf_counter() - started
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = result.summary
    print(json.dumps({"messages": summary["messages"], "invalid": summary["invalid"],
                      "findings": summary["findings"], "listed": len(result.findings or ()),
                      "json_mb": round(written["json"] / 1e6, 1),
                      "validate_seconds": round(validated, 1), "seconds": round(elapsed, 1),
                      "peak_rss_mb": round(own / 1024, 1),
                      "worker_peak_rss_mb": round(workers / 1024, 1)}))


def memory(counts: list[int], jobs: int) -> None:
    for count in counts:
        for kind, path in (("uniform log", log_file(count)),
                           ("production log", production_log.log_file(count, OUT)),
                           ("findings log", findings_log(count))):
            result = subprocess.run([sys.executable, __file__, "--stream", str(path),
                                     "--jobs", str(jobs)],
                                    capture_output=True, text=True, check=False)
            if result.returncode != 0:
                raise SystemExit(f"--stream {path} failed:\n{result.stderr}")
            found = json.loads(result.stdout)
            print(f"{count:>9,} messages, {kind} ({path.stat().st_size / 1e6:,.0f} MB), "
                  f"--jobs {jobs}: peak RSS {found['peak_rss_mb']} MB (largest worker "
                  f"{found['worker_peak_rss_mb']} MB); {found['invalid']:,} invalid, "
                  f"{found['findings']:,} findings, all {found['listed']:,} in the JSON "
                  f"report ({found['json_mb']:,} MB); {found['validate_seconds']} s to "
                  f"validate, {found['seconds']} s with the JSON and SARIF reports",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--log", choices=[*LOGS, "typewriter", "both", "all"], default="both",
                        help="both: uniform and production; all: typewriter too (it needs "
                             "../shared/fixtures)")
    parser.add_argument("--jobs", type=int, default=1, help="(--memory only)")
    parser.add_argument("--slices", type=int, default=2,
                        help="slices of each log the runs alternate over (each slice is one "
                             "run of the command)")
    parser.add_argument("--memory", action="store_true",
                        help="peak RSS of the command streaming 200k and 1M messages")
    parser.add_argument("--stream", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.stream:
        stream(options.stream, options.jobs)
    elif options.memory:
        memory([200_000, 1_000_000], options.jobs)
    else:
        speed(options.messages, options.repeats, options.slices,
              ["uniform", "production"] if options.log == "both" else
              [*LOGS, "typewriter"] if options.log == "all" else [options.log])


if __name__ == "__main__":
    main()
