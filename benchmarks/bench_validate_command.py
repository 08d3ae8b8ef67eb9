"""The ``validate`` command end to end against the hand-written jsonschema reference.

``bench_validate.py`` measures the engine layer only. This script measures what
``protocols validate LOG --format json`` really runs: ``validate_inputs`` (the core function
the CLI calls) reading a log FILE, with format detection, envelope checks, name checks, a full
``Diagnostic`` for every finding (warnings too), capped examples, per-code and per-event
counts and the naming-drift report; optionally on worker processes (``--jobs``).

The log and the reference are those of ``bench_validate.py`` (``json.loads`` per line and a
jsonschema ``Draft202012Validator`` compiled once per event, every error of each violating
message collected). The log is cut into ten slices, each written to its own file before timing;
the reference and the command alternate slice by slice (reading the file is timed for both), so
a change in the machine's load hits both alike. Both must count the same invalid messages.

    python benchmarks/bench_validate_command.py              # 200,000 messages, median of 3
    python benchmarks/bench_validate_command.py --jobs 2     # the command on 2 processes
    python benchmarks/bench_validate_command.py --jobs 2 --slices 2  # fewer, longer runs
    python benchmarks/bench_validate_command.py --memory     # peak RSS at 200k and 1M messages

``--memory`` runs the command's core and its JSON and SARIF reporters (every finding, written
to /dev/null) in a fresh process per log, on the log above and on a log where nearly every
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
import time
from dataclasses import replace
from pathlib import Path

from bench_validate import OUT, PLAN, ReferencePath, _read, _slices, generate, log_file

from protocols.plan import load_plan
from protocols.report import RenderOptions, render_pieces
from protocols.validate.read import fastjson
from protocols.validate.run import ValidateOptions, validate_inputs

MAX_EXAMPLES = 20


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


def interleaved(path: Path, jobs: int, parts: int = 10) -> tuple[float, float, int, int]:
    """Seconds of the reference and of the command over the whole log, slice by slice."""
    files = slice_files(path, parts)
    started = time.perf_counter()
    reference = ReferencePath()
    ref_time = time.perf_counter() - started
    started = time.perf_counter()
    plan = load_plan(PLAN)
    our_time = time.perf_counter() - started
    options = _options(jobs)
    ref_counts = [0, 0]
    our_counts = [0, 0]
    for index, part in enumerate(files):
        for name in ("ref", "ours") if index % 2 == 0 else ("ours", "ref"):
            begun = time.perf_counter()
            if name == "ref":
                messages, invalid = reference.run(_read(part, 0, part.stat().st_size))
                ref_time += time.perf_counter() - begun
                ref_counts[0] += messages
                ref_counts[1] += invalid
            else:
                summary = validate_inputs(plan, [str(part)], options).summary
                our_time += time.perf_counter() - begun
                our_counts[0] += summary["messages"]
                our_counts[1] += summary["invalid"]
    assert ref_counts == our_counts, f"reference found {ref_counts}, the command {our_counts}"
    return ref_time, our_time, ref_counts[0], ref_counts[1]


def speed(count: int, repeats: int, jobs: int, parts: int) -> None:
    path = log_file(count)
    print(f"log: {path.name}, {count:,} messages, {path.stat().st_size / count:.0f} "
          f"bytes/message on average, in {parts} slices; the command with --jobs {jobs}")
    print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, "
          f"json backend {fastjson.BACKEND}, load average {os.getloadavg()[0]:.2f}")
    ratios, refs, ours = [], [], []
    for attempt in range(1, repeats + 1):
        ref_time, our_time, messages, invalid = interleaved(path, jobs, parts)
        refs.append(messages / ref_time)
        ours.append(messages / our_time)
        ratios.append(ref_time / our_time)
        print(f"run {attempt}: reference {refs[-1]:,.0f} msg/s, command {ours[-1]:,.0f} msg/s "
              f"({ratios[-1]:.1f}x); {invalid:,} invalid; load average "
              f"{os.getloadavg()[0]:.2f}", flush=True)
    print(f"median: reference {statistics.median(refs):,.0f} msg/s, command "
          f"{statistics.median(ours):,.0f} msg/s, ratio {statistics.median(ratios):.1f}x")


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
        for kind, path in (("log", log_file(count)), ("findings log", findings_log(count))):
            result = subprocess.run([sys.executable, __file__, "--stream", str(path),
                                     "--jobs", str(jobs)],
                                    capture_output=True, text=True, check=True)
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
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--slices", type=int, default=10,
                        help="slices of the log the two paths alternate over (each slice is "
                             "one run of the command: with --jobs, one pool of workers)")
    parser.add_argument("--memory", action="store_true",
                        help="peak RSS of the command streaming 200k and 1M messages")
    parser.add_argument("--stream", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.stream:
        stream(options.stream, options.jobs)
    elif options.memory:
        memory([200_000, 1_000_000], options.jobs)
    else:
        speed(options.messages, options.repeats, options.jobs, options.slices)


if __name__ == "__main__":
    main()
