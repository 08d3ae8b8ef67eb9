"""``validate`` on Spark (``local[2]``) against the command on the same machine, same logs.

Both do the whole of ``validate --format json --good G --bad B``: read the log, check every
message, write the good and bad lines, count, keep every finding, report drift. The command
runs in this process (``validate_inputs``, the core the CLI calls), on one process and with
``--jobs 2``; Spark runs :func:`protocols.spark.run_job` on a ``local[2]`` session (the two
cores of this machine), the log read by one task and its lines then spread over 4
partitions. Spark's start-up is reported apart: the session (a JVM), then the first job,
which also starts the Python workers and compiles the plan in each; the runs after that are
what a long-lived cluster pays per log.

Two production-shaped logs: ``bench_validate.py``'s (four SDK sources, full contexts, ids
of high cardinality, 5% of messages breaking the plan) and the drifting log of the Spark
tests (three sources that spell events and properties their own way, batches, broken
lines). Every run checks that Spark's report and good and bad lines equal the command's.

    python benchmarks/bench_spark.py                      # 100,000 messages a log, 2 runs
    python benchmarks/bench_spark.py --messages 400000 --runs 3
    python benchmarks/bench_spark.py --stages             # and where Spark's time goes
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_validate import generate  # noqa: E402

from protocols import load_plan  # noqa: E402
from protocols.report import RenderOptions, render_pieces  # noqa: E402
from protocols.validate.run import ValidateOptions, validate_inputs  # noqa: E402
from tests.engine_logs import ECOMMERCE, generated_log  # noqa: E402

OPTIONS = RenderOptions(tool_version="bench")


def lines_of(path: Path) -> list[bytes]:
    files = sorted(path.rglob("part-*")) if path.is_dir() else [path]
    return sorted(raw for f in files for raw in f.read_bytes().splitlines(keepends=True))


def command(plan: object, log: Path, out: Path, jobs: int) -> tuple[float, str]:
    started = time.perf_counter()
    result = validate_inputs(plan, [str(log)], ValidateOptions(  # type: ignore[arg-type]
        good=out / "good.ndjson", bad=out / "bad.ndjson", every_finding=True, jobs=jobs))
    report = "".join(render_pieces("json", result, OPTIONS))
    return time.perf_counter() - started, report


def on_spark(spark: object, plan: object, log: Path, out: Path) -> tuple[float, str]:
    from protocols.spark import JobOptions, run_job

    started = time.perf_counter()
    result = run_job(spark, plan, [str(log)], JobOptions(  # type: ignore[arg-type]
        good=str(out / "good"), bad=str(out / "bad"), every_finding=True, partitions=4))
    report = "".join(render_pieces("json", result, OPTIONS))
    return time.perf_counter() - started, report


def stages(spark: object, plan: object, log: Path, out: Path) -> str:
    """Spark's run taken apart: each step of ``run_job`` on its own, on the kept lines."""
    from pyspark import StorageLevel

    from protocols.spark import (
        drift_counts,
        every_finding,
        read_log,
        tally,
        validate_dataframe,
        write_lines,
    )
    from protocols.validate.count.findings import FindingsLog

    timed: dict[str, float] = {}

    def step(name: str, work: object) -> None:
        started = time.perf_counter()
        work()  # type: ignore[operator]
        timed[name] = time.perf_counter() - started

    records = read_log(spark, [str(log)])  # type: ignore[arg-type]
    step("read (one task)", records.count)
    checked = validate_dataframe(records.repartition(4), plan)  # type: ignore[arg-type]
    checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
    step("read + shuffle + check", checked.count)
    step("write good", lambda: write_lines(checked, str(out / "good"), bad=False))
    step("write bad", lambda: write_lines(checked, str(out / "bad"), bad=True))
    step("summary", lambda: tally(checked, max_examples=5, inputs=1, quarantine=True,
                                  plan=plan))  # type: ignore[arg-type]
    step("drift", lambda: drift_counts(checked))
    findings = FindingsLog()
    step("every finding", lambda: every_finding(checked, findings))
    findings.close()
    checked.unpersist()
    return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timed.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--stages", action="store_true",
                        help="then time each step of Spark's run on its own")
    options = parser.parse_args()
    plan = load_plan(ECOMMERCE)
    scratch = Path(tempfile.mkdtemp(prefix="bench-spark-"))
    try:
        logs = {"bench_validate": scratch / "bench.ndjson", "drifting": scratch / "drift.ndjson"}
        generate(logs["bench_validate"], options.messages)
        generated_log(logs["drifting"], options.messages)
        print(f"machine: nproc={os.cpu_count()}, python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.2f}")
        started = time.perf_counter()
        from protocols.spark import local_session

        spark = local_session(2, app_name="protocols benchmark")
        print(f"spark: local[2] session started in {time.perf_counter() - started:.1f} s")
        first = True
        for name, log in logs.items():
            size = log.stat().st_size / 1e6
            print(f"log {name}: {options.messages:,} messages, {size:.0f} MB")
            times: dict[str, list[float]] = {"command": [], "command --jobs 2": [], "spark": []}
            for run in range(options.runs + first):
                out = scratch / "out"
                shutil.rmtree(out, ignore_errors=True)
                (out / "one").mkdir(parents=True)
                (out / "two").mkdir(parents=True)
                one, expected = command(plan, log, out / "one", 1)
                two, _ = command(plan, log, out / "two", 2)
                elapsed, got = on_spark(spark, plan, log, out / "spark")
                assert got == expected, "Spark's report differs from the command's"
                assert lines_of(out / "spark" / "good") == lines_of(out / "one" / "good.ndjson")
                assert lines_of(out / "spark" / "bad") == lines_of(out / "one" / "bad.ndjson")
                if first:  # Python workers start, the plan is compiled in each
                    print(f"  first Spark job (workers starting): {elapsed:.1f} s")
                    first = False
                    continue
                times["command"].append(one)
                times["command --jobs 2"].append(two)
                times["spark"].append(elapsed)
                summary = json.loads(expected)["summary"]
                print(f"  run {run}: command {one:.1f} s, --jobs 2 {two:.1f} s, "
                      f"spark {elapsed:.1f} s ({elapsed / one:.1f}x the command); "
                      f"{summary['invalid']:,} invalid, {summary['findings']:,} findings; "
                      f"load average {os.getloadavg()[0]:.2f}", flush=True)
            medians = {k: statistics.median(v) for k, v in times.items()}
            print(f"  median: command {medians['command']:.1f} s "
                  f"({options.messages / medians['command']:,.0f} msg/s), --jobs 2 "
                  f"{medians['command --jobs 2']:.1f} s, spark {medians['spark']:.1f} s "
                  f"({options.messages / medians['spark']:,.0f} msg/s): spark/command "
                  f"{medians['spark'] / medians['command']:.2f}x")
            if options.stages:
                shutil.rmtree(scratch / "stages", ignore_errors=True)
                print(f"  spark's steps: {stages(spark, plan, log, scratch / 'stages')}",
                      flush=True)
        spark.stop()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
