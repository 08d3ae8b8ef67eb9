"""The whole of ``validate`` on Spark: read, check, write the good and bad lines, count.

What ``python -m protocols.spark`` (protocols/cli/spark_job.py) runs: the DataFrame of
checked lines is kept (memory, then disk) while the outputs and counts are made from it, so
the logs are read and checked once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark import StorageLevel
from pyspark.sql import SparkSession

from protocols.diagnostics import Severity
from protocols.plan.model import Plan
from protocols.report.base import RunResult
from protocols.spark.check import validate_dataframe
from protocols.spark.count import drift_counts, every_finding, tally
from protocols.spark.read import LogFile, list_inputs, read_log
from protocols.spark.write import write_lines, write_reasons
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD
from protocols.validate.count.findings import findings_of_run


@dataclass(frozen=True, kw_only=True)
class JobOptions:
    """``validate``'s options, on Spark: ``good``, ``bad`` and ``bad_reasons`` are folders
    (any path Spark writes: local, HDFS, an object store); ``partitions``: spread the lines
    over this many partitions before checking them (a few large files otherwise give a
    few tasks); ``every_finding``: keep every finding, for the formats that list them."""

    source_field: str = DEFAULT_SOURCE_FIELD
    max_examples: int = 5
    fail_on: Severity | None = Severity.ERROR
    good: str | None = None
    bad: str | None = None
    bad_reasons: str | None = None
    partitions: int | None = None
    every_finding: bool = False


def run_job(spark: SparkSession, plan: Plan, inputs: Sequence[str], options: JobOptions,
            *, files: Sequence[LogFile] | None = None) -> RunResult:
    """Validate the logs at ``inputs`` (``files``: as :func:`list_inputs` lists them); the
    result every reporter takes, as ``validate``'s."""
    files = list(files) if files is not None else list_inputs(spark, inputs)
    records = read_log(spark, inputs, files=files)
    if options.partitions:
        records = records.repartition(options.partitions)
    checked = validate_dataframe(records, plan, fail_on=options.fail_on)
    checked = checked.persist(StorageLevel.MEMORY_AND_DISK)
    try:
        with findings_of_run(options.every_finding) as findings:
            if options.good:
                write_lines(checked, options.good, bad=False)
            if options.bad:
                write_lines(checked, options.bad, bad=True)
            if options.bad_reasons:
                write_reasons(checked, options.bad_reasons)
            partial = tally(checked, max_examples=options.max_examples, inputs=len(files),
                            quarantine=bool(options.good or options.bad), plan=plan)
            partial.drift = drift_counts(checked, source_field=options.source_field)
            if findings is not None:
                partial.findings = every_finding(checked, findings)
            return partial.result()
    finally:
        checked.unpersist()
