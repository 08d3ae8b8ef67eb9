"""``validate`` on Apache Spark, with the verdicts of the command line.

Install with ``pip install 'protocols[spark]'`` (pyspark, pyarrow, pandas; Spark needs Java
17). A thin layer over the public core (protocols.LineChecker, PartialResult, drift_report):

    from protocols import load_plan
    from protocols.spark import read_log, validate_dataframe, summarize, drift, write_lines

    plan = load_plan("plans/ecommerce.yaml")
    records = read_log(spark, ["s3a://bucket/logs/2026-11-*/"])   # raw bytes, one row a record
    checked = validate_dataframe(records, plan, fail_on="error")   # verdict, bad, codes, findings
    summary = summarize(checked)                                   # validate's JSON summary
    report = drift(checked, plan, source_field="context.library.name")
    write_lines(checked, "s3a://bucket/quarantine/bad", bad=True)

``python -m protocols.spark`` runs the whole of ``validate`` for ``spark-submit``; see
docs/spark.md.
"""

from __future__ import annotations

from protocols.spark.check import VERDICT_COLUMNS, validate_dataframe
from protocols.spark.count import drift, drift_counts, every_finding, summarize, tally
from protocols.spark.job import JobOptions, run_job
from protocols.spark.read import LogFile, list_inputs, read_log
from protocols.spark.session import local_session
from protocols.spark.write import write_lines, write_reasons

__all__ = ["VERDICT_COLUMNS", "JobOptions", "LogFile", "drift", "drift_counts",
           "every_finding", "list_inputs", "local_session", "read_log", "run_job",
           "summarize", "tally", "validate_dataframe", "write_lines", "write_reasons"]
