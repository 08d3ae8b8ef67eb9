"""The verdict on every row of a DataFrame of log lines, computed on the executors.

:func:`validate_dataframe` runs :class:`protocols.LineChecker` over a column of lines in
``mapInArrow``: rows arrive as Arrow batches, each line gets the verdict ``validate`` gives
it, and the batch goes back with the verdict columns added. The checker (with its plan) is
broadcast: each executor's Python worker receives it once, compiles the plan's checks once
and reuses them for every batch and task it runs. Works on streaming DataFrames too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa
from pyspark import Broadcast
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.plan.model import Plan
from protocols.validate.check.checker import Validator
from protocols.validate.codes import CODES
from protocols.validate.count.findings import decode
from protocols.validate.lines import LineChecker, LineVerdict, LogRecord

#: A finding, as a struct in the ``findings`` column.
FINDING = ("struct<code: string, name: string, severity: string, message: string, "
           "line: long, column: long, path: string, suggestion: string, event: string, "
           "related: struct<file: string, line: long, column: long>>")
#: The columns :func:`validate_dataframe` adds, in order.
VERDICT_COLUMNS = {
    "verdict": "string",
    "bad": "boolean",
    "codes": "array<string>",
    "findings": f"array<{FINDING}>",
    "messages": "array<struct<event: string, verdict: string>>",
}
_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "never": None}
_RELATED = pa.struct([("file", pa.string()), ("line", pa.int64()), ("column", pa.int64())])
_FINDING = pa.struct([("code", pa.string()), ("name", pa.string()), ("severity", pa.string()),
                      ("message", pa.string()), ("line", pa.int64()), ("column", pa.int64()),
                      ("path", pa.string()), ("suggestion", pa.string()),
                      ("event", pa.string()), ("related", _RELATED)])
_ARROW = {
    "verdict": pa.string(),
    "bad": pa.bool_(),
    "codes": pa.list_(pa.string()),
    "findings": pa.list_(_FINDING),
    "messages": pa.list_(pa.struct([("event", pa.string()), ("verdict", pa.string())])),
}


def fail_level(fail_on: str | Severity | None) -> Severity | None:
    """``--fail-on`` as a level: ``error``, ``warning`` or ``never`` (None)."""
    if fail_on is None or isinstance(fail_on, Severity):
        return fail_on
    if fail_on not in _LEVELS:
        raise ValueError(f"fail_on takes error, warning or never, not {fail_on!r}")
    return _LEVELS[fail_on]


def validate_dataframe(df: DataFrame, plan: Plan | Validator, *, column: str = "value",
                       fail_on: str | Severity | None = "error") -> DataFrame:
    """``df`` with the verdict on each row's line (``column``: binary, or a string) added:

    - ``verdict``: ``valid``, ``invalid``, ``unparseable`` (the worst of its messages; a
      batch holds several), or ``blank`` (no message);
    - ``bad``: whether ``validate --bad`` would take the line;
    - ``codes``: the codes of its findings, each once, sorted;
    - ``findings``: every finding (code, name, severity, message, line, column, path,
      suggestion, event, related), in the order they were found;
    - ``messages``: each message's ``event`` (the name it is counted under) and ``verdict``.

    Rows from :func:`read_log` are read as ``validate`` read them (their ``kind``, ``path``
    and ``line``); any other row's line is one NDJSON line (``path`` and ``line`` are used
    for findings when the DataFrame has them)."""
    level = fail_level(fail_on)
    spark = df.sparkSession
    checker: Broadcast[LineChecker] = spark.sparkContext.broadcast(
        LineChecker(plan, fail_on=level))
    fields = set(df.columns)
    if column not in fields:
        raise ValueError(f"no column {column!r} in the DataFrame ({', '.join(df.columns)})")
    taken = [name for name in VERDICT_COLUMNS if name in fields]
    if taken:
        raise ValueError(f"the DataFrame already has column(s) {', '.join(taken)}")
    source = df
    if dict(df.dtypes)[column] != "binary":  # (a string keeps its bytes when cast)
        source = df.withColumn(column, F.col(column).cast("binary"))
    records = {"kind", "problem"} <= fields
    layout = _Layout(column, "path" in fields, "line" in fields, records,
                     records and "column" in fields, records and "index" in fields)
    schema = ", ".join(f"`{name}` {kind}" for name, kind in source.dtypes)
    schema += ", " + ", ".join(f"{name} {kind}" for name, kind in VERDICT_COLUMNS.items())

    def check(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return _check(batches, checker.value, layout)

    return source.mapInArrow(check, schema)


class _Layout:
    """Which columns a DataFrame has for the checker."""

    def __init__(self, column: str, path: bool, line: bool, records: bool, starts: bool,
                 places: bool) -> None:
        self.column, self.path, self.line, self.records = column, path, line, records
        self.starts = starts  # (read_log's ``column``: where an array element starts)
        self.places = places  # (read_log's ``index``: which element of its array it is)


def _check(batches: Iterator[pa.RecordBatch], checker: LineChecker, layout: _Layout
           ) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        values = batch.column(layout.column).to_pylist()
        count = len(values)
        paths = batch.column("path").to_pylist() if layout.path else ["-"] * count
        lines = batch.column("line").to_pylist() if layout.line else [1] * count
        kinds = batch.column("kind").to_pylist() if layout.records else ["line"] * count
        problems = batch.column("problem").to_pylist() if layout.records else [None] * count
        starts = batch.column("column").to_pylist() if layout.starts else [None] * count
        places = batch.column("index").to_pylist() if layout.places else [None] * count
        out: dict[str, list[Any]] = {name: [] for name in VERDICT_COLUMNS}
        for value, path, line, kind, problem, start, place in zip(
                values, paths, lines, kinds, problems, starts, places, strict=True):
            file, number = path or "-", line or 1
            if value is None:
                verdict = LineVerdict((), False)
            elif kind == "line" or kind is None:
                verdict = checker.check_line(value, file=file, line=number)
            else:
                record = LogRecord(file, number, value, kind,
                                   decode(problem.encode("utf-8")) if problem else None, start,
                                   place)
                verdict = checker.check_record(record)
            _add(out, verdict)
        arrays = [*batch.columns, *(pa.array(out[name], type=_ARROW[name])
                                    for name in VERDICT_COLUMNS)]
        yield pa.RecordBatch.from_arrays(arrays, names=[*batch.schema.names, *VERDICT_COLUMNS])


def _add(out: dict[str, list[Any]], verdict: LineVerdict) -> None:
    out["verdict"].append(verdict.verdict)
    out["bad"].append(verdict.bad)
    out["codes"].append(list(verdict.codes))
    out["findings"].append([finding_row(d) for message in verdict.messages
                            for d in message.diagnostics])
    out["messages"].append([{"event": m.event, "verdict": m.verdict}
                            for m in verdict.messages])


def finding_row(diagnostic: Diagnostic) -> dict[str, Any]:
    """A finding as a row of the ``findings`` column (its file is the row's ``path``)."""
    related = diagnostic.related
    return {"code": diagnostic.code, "name": diagnostic.name,
            "severity": diagnostic.severity.value, "message": diagnostic.message,
            "line": diagnostic.line, "column": diagnostic.column, "path": diagnostic.path,
            "suggestion": diagnostic.suggestion, "event": diagnostic.event,
            "related": None if related is None else
            {"file": related.file, "line": related.line, "column": related.column}}


def finding_of(row: Any, file: str | None) -> Diagnostic:
    """A row of the ``findings`` column back as the :class:`Diagnostic` it was."""
    related = row["related"]
    name = row["name"] if row["name"] is not None else CODES[row["code"]].name
    return Diagnostic(row["code"], name, Severity(row["severity"]), row["message"], file,
                      row["line"], row["column"], row["path"], row["suggestion"], row["event"],
                      None if related is None else
                      Location(related["file"], related["line"], related["column"]))
