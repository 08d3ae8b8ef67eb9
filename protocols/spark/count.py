"""The report of a validated DataFrame, counted by Spark: the summary, the examples, every
finding, and the naming-drift report, equal to what ``validate`` reports on the same input.

Spark counts; the core decides. Counts are group-bys with the position where each thing
first came (``input``, ``record``, then its place in the row); the driver hands them to a
:class:`protocols.PartialResult` in the order they first came, and drift observations to
:func:`protocols.drift_report`. So every cap of ``validate`` (event names counted by name,
example groups, the drift tracker's) keeps what came first, as there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark.sql import Column, DataFrame, Row, Window
from pyspark.sql import functions as F

from protocols.diagnostics import sort_diagnostics
from protocols.plan.model import Plan
from protocols.spark.check import finding_of
from protocols.validate.count import drift as tracker
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD, source_path
from protocols.validate.count.findings import FindingsLog
from protocols.validate.count.observations import (
    DriftCounter,
    DriftObservation,
    drift_observations,
    drift_report,
)
from protocols.validate.count.partial import PartialResult
from protocols.validate.lines import LogRecord, parse_line, parse_record

_FIRST = "struct<input: int, record: long, item: int, index: int>"
# Results up to this many rows are collected in one job; longer ones are streamed to the
# driver a partition at a time, so its memory stays bounded.
COLLECTED_ROWS = 100_000


def ordered_rows(df: DataFrame, *order: Column | str) -> Iterator[Row]:
    """The rows of ``df`` sorted by ``order``: one Spark job (a top-k on each partition) when
    there are at most COLLECTED_ROWS, else streamed."""
    head = df.orderBy(*order).limit(COLLECTED_ROWS + 1).collect()
    if len(head) <= COLLECTED_ROWS:
        yield from head
        return
    del head
    yield from df.orderBy(*order).toLocalIterator()


def _order(df: DataFrame) -> tuple[DataFrame, Column, Column]:
    """``df`` with the two columns that order its rows as the input did: ``input`` and
    ``record`` from :func:`read_log`; for other DataFrames, Spark's row ids."""
    if {"input", "record"} <= set(df.columns):
        return df, F.col("input").cast("int"), F.col("record").cast("long")
    ordered = df.withColumn("__record", F.monotonically_increasing_id())
    return ordered, F.lit(0).cast("int"), F.col("__record")


def tally(df: DataFrame, *, max_examples: int = 5, inputs: int | None = None,
          quarantine: bool = False, plan: Plan | None = None) -> PartialResult:
    """A validated DataFrame (:func:`validate_dataframe`) counted into a
    :class:`PartialResult`: counts, examples, and quarantine counts when ``quarantine``.
    ``inputs``: the number of files read (default: the distinct ``path`` values)."""
    df, input_, record = _order(df)
    partial = PartialResult(plan, max_examples=max_examples, drift=DriftCounter())
    first = F.struct(input_.alias("input"), record.alias("record"))
    messages = df.select(first.alias("at"), F.posexplode("messages").alias("item", "m"))
    findings = df.select(first.alias("at"), F.posexplode("findings").alias("item", "f"))
    records = df.select(first.alias("at"), F.lit(0).alias("item"), "bad",
                        ((F.size("messages") > 0) & (F.length("value") > 0)).alias("counted"))
    none = F.lit(None).cast("string")
    rows = messages.select(F.lit("message").alias("kind"), F.col("m.event").alias("event"),
                           F.col("m.verdict").alias("verdict"), none.alias("code"),
                           none.alias("severity"), "at", "item").unionByName(
        findings.select(F.lit("finding").alias("kind"), F.col("f.event").alias("event"),
                        none.alias("verdict"), F.col("f.code").alias("code"),
                        F.col("f.severity").alias("severity"), "at", "item"))
    if quarantine:
        rows = rows.unionByName(records.filter("counted").select(
            F.lit("record").alias("kind"), none.alias("event"),
            F.when(F.col("bad"), "bad").otherwise("good").alias("verdict"), none.alias("code"),
            none.alias("severity"), "at", "item"))
    counted = rows.groupBy("kind", "event", "verdict", "code", "severity").agg(
        F.count(F.lit(1)).alias("count"),
        F.min(F.struct(F.col("at.input").alias("input"), F.col("at.record").alias("record"),
                       F.col("item").alias("item"))).alias("first"))
    good = bad = 0
    for row in ordered_rows(counted, "first"):
        if row.kind == "message":
            if row.verdict == "unparseable":
                partial.count(unparseable=row["count"])
            else:
                partial.count(row.event, **{row.verdict: row["count"]})
        elif row.kind == "finding":
            partial.count_findings(row.code, row.severity, row["count"])
        elif row.verdict == "bad":
            bad += row["count"]
        else:
            good += row["count"]
    if quarantine:
        partial.quarantine = (good, bad)
    partial.counts.files = inputs if inputs is not None else (
        df.select("path").distinct().count() if "path" in df.columns else 1)
    if max_examples > 0:
        for example in _examples(df, first, max_examples):
            partial.keep_example(example)
    return partial


def _examples(df: DataFrame, first: Column, limit: int) -> Iterator[Any]:
    """The first ``limit`` findings of each code and event, in input order."""
    path = F.col("path") if "path" in df.columns else F.lit(None).cast("string")
    found = df.select(first.alias("at"), path.alias("file"),
                      F.posexplode("findings").alias("item", "f"))
    order = [F.col("at.input"), F.col("at.record"), F.col("item")]
    ranked = found.withColumn("n", F.row_number().over(
        Window.partitionBy("f.code", "f.event").orderBy(*order)))
    for row in ordered_rows(ranked.filter(F.col("n") <= limit), *order):
        yield finding_of(row.f, row.file)


def summarize(df: DataFrame, *, max_examples: int = 5, inputs: int | None = None,
              quarantine: bool = False) -> dict[str, Any]:
    """The ``summary`` of ``validate --format json`` for a validated DataFrame: messages by
    verdict, ``by_event``, ``by_code``, ``by_severity``, findings and examples shown.
    ``inputs``: the number of files read (default: the distinct ``path`` values; an empty
    file has no row); ``quarantine``: add the good and bad record counts."""
    return tally(df, max_examples=max_examples, inputs=inputs,
                 quarantine=quarantine).summary()


def every_finding(df: DataFrame, findings: FindingsLog) -> FindingsLog:
    """Every finding of a validated DataFrame into ``findings``, in the order ``validate``
    lists them (input order; a line's findings sorted as reports sort them)."""
    df, input_, record = _order(df)
    path = F.col("path") if "path" in df.columns else F.lit(None).cast("string")
    rows = df.filter(F.size("findings") > 0).select(
        input_.alias("i"), record.alias("r"), path.alias("file"), "findings")
    for row in ordered_rows(rows, "i", "r"):
        findings.add(sort_diagnostics(finding_of(f, row.file) for f in row.findings))
    return findings


def drift_counts(df: DataFrame, *, source_field: str = DEFAULT_SOURCE_FIELD,
                 column: str = "value") -> DriftCounter:
    """The drift observations of every message of ``df`` (raw or validated lines), counted
    by Spark with their first positions: what :func:`protocols.drift_report` takes.

    Before they reach the driver, the values of a property with more distinct values than
    the tracker tracks (ids, free text: none are reported) are left out."""
    # Each line is parsed again here, though validate_dataframe parsed it: a parsed message
    # leaves the Python worker of that pass only as an Arrow column, and writing the
    # observations to one, then reading them back, costs about four times the parse and
    # adds to the kept DataFrame one and a half times the bytes of its lines (examples/).
    df, input_, record = _order(df)
    if dict(df.dtypes)[column] != "binary":
        df = df.withColumn(column, F.col(column).cast("binary"))
    fields = set(df.columns)
    layout = (column, "path" in fields, "line" in fields, {"kind", "problem"} <= fields)
    source = df.select(input_.alias("__input"), record.alias("__record"),
                       *[F.col(c) for c in (column, "path", "line", "kind", "problem")
                         if c in fields])
    path = source_path(source_field)
    observed = source.mapInArrow(lambda batches: _observe(batches, layout, path),
                                 f"kind string, event string, source string, name string, "
                                 f"detail string, prop string, normal string, count long, "
                                 f"first {_FIRST}")
    keys = ["kind", "event", "source", "name", "detail", "prop", "normal"]
    counted = observed.groupBy(*keys).agg(F.sum("count").alias("count"),
                                          F.min("first").alias("first")).persist()
    try:
        values = counted.filter(F.col("kind") == "value")
        many = values.groupBy("event", "prop").agg(F.countDistinct("normal").alias("n")) \
            .filter(F.col("n") > tracker.MAX_VALUES).select("event", "prop")
        kept = counted.filter(F.col("kind") != "value").unionByName(
            values.join(F.broadcast(many), ["event", "prop"], "left_anti"))
        counter = DriftCounter(source_field=source_field)
        for row in ordered_rows(kept, "first"):
            counter.add(DriftObservation(row.kind, row.event, row.source, row.name, row.detail),
                        row["count"], tuple(row.first))
    finally:
        counted.unpersist()
    return counter


def drift(df: DataFrame, plan: Plan, *, source_field: str = DEFAULT_SOURCE_FIELD,
          column: str = "value") -> list[dict[str, Any]]:
    """The naming-drift report (``inconsistencies``) of ``validate`` for the lines of
    ``df``, counted by Spark."""
    return drift_report(plan, drift_counts(df, source_field=source_field, column=column))


_OBSERVED = pa.schema([
    ("kind", pa.string()), ("event", pa.string()), ("source", pa.string()),
    ("name", pa.string()), ("detail", pa.string()), ("prop", pa.string()),
    ("normal", pa.string()), ("count", pa.int64()),
    ("first", pa.struct([("input", pa.int32()), ("record", pa.int64()), ("item", pa.int32()),
                         ("index", pa.int32())]))])


def _observe(batches: Iterator[pa.RecordBatch], layout: tuple[str, bool, bool, bool],
             path: tuple[str, ...]) -> Iterator[pa.RecordBatch]:
    column, has_path, has_line, records = layout
    for batch in batches:
        counter = DriftCounter()
        values = batch.column(column).to_pylist()
        count = len(values)
        inputs = batch.column("__input").to_pylist()
        numbers = batch.column("__record").to_pylist()
        paths = batch.column("path").to_pylist() if has_path else ["-"] * count
        lines = batch.column("line").to_pylist() if has_line else [1] * count
        kinds = batch.column("kind").to_pylist() if records else ["line"] * count
        for row in zip(values, inputs, numbers, paths, lines, kinds, strict=True):
            value, input_, number, file, line, kind = row
            if value is None or kind == "problem":
                continue
            if kind == "document":
                items = parse_record(LogRecord(file or "-", line or 1, value, "document"))
            else:
                items = parse_line(value, file=file or "-", line=line or 1)
            for item_index, item in enumerate(items):
                if item.message is None:
                    continue
                for index, observation in drift_observations(item.message, path):
                    counter.add(observation, 1, (input_, number, item_index, index))
        rows = list(counter)
        if not rows:
            continue
        columns: dict[str, list[Any]] = {name: [] for name in _OBSERVED.names}
        for observation, seen, first in rows:
            kind, event, source, name, detail = observation
            columns["kind"].append(kind)
            columns["event"].append(event)
            columns["source"].append(source)
            columns["name"].append(name)
            columns["detail"].append(detail)
            columns["prop"].append(observation.property_key)
            columns["normal"].append(observation.value_key)
            columns["count"].append(seen)
            columns["first"].append(dict(zip(("input", "record", "item", "index"), first,
                                             strict=True)))
        yield pa.RecordBatch.from_arrays(
            [pa.array(columns[field.name], type=field.type) for field in _OBSERVED],
            schema=_OBSERVED)
