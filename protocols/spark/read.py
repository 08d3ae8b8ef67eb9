"""Reading logs into Spark: every record of every input, as raw bytes, as ``validate`` reads it.

Spark's text reader would decode lines as UTF-8 text, split on ``\\r`` too, drop a BOM and
pick gzip by file name. So files are read whole as bytes (Spark's ``binaryFile`` source:
local paths, HDFS, object stores) and cut into records on the executors by the same reader
``validate`` runs (:func:`protocols.read_log_records`): format by content, gzip by its magic
bytes, the BOM, CRLF, bytes that are not UTF-8, every limit. One file is read by one task.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession

from protocols.plan.loader import display_path
from protocols.validate.count.findings import encode
from protocols.validate.lines import LogRecord, read_log_records
from protocols.validate.read.inputs import read_records
from protocols.validate.read.sources import STDIN, InputError, expand_inputs, is_log

#: The columns of :func:`read_log`, in order.
RECORD_SCHEMA = ("input int, path string, record long, line long, column long, index long, "
                 "value binary, kind string, problem string")
_REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_BATCH_ROWS = 4096
_BATCH_BYTES = 32 * 2**20


@dataclass(frozen=True)
class LogFile:
    """One input: where Spark reads it (``uri``; None when Spark cannot), and the name
    findings give (``shown``, as ``validate`` shows it)."""

    uri: str | None
    shown: str
    local: str | None = None


def list_inputs(spark: SparkSession, paths: Sequence[str]) -> list[LogFile]:
    """The files ``paths`` name, in the order ``validate`` reads them (files as given, folders
    walked for log files, globs expanded, each file once).

    Local paths are expanded exactly as ``validate`` expands them. Paths with a scheme
    (``s3a://``, ``hdfs://``...) are listed by Spark: a folder gives its log files, sorted;
    a glob what it matches. Raises :class:`InputError` for what names nothing."""
    if STDIN in paths:
        raise InputError("Spark reads files, not standard input (-)")
    remote = [p for p in paths if _REMOTE.match(p) and not p.startswith("file:")]
    if not remote:
        return [_local(name) for name in expand_inputs([_unfile(p) for p in paths])]
    found: list[LogFile] = []
    for path in paths:
        if path in remote:
            found.extend(_listed(spark, path))
        else:
            found.extend(_local(name) for name in expand_inputs([_unfile(path)]))
    return list({(f.uri or f.shown): f for f in found}.values())


def _unfile(path: str) -> str:
    return unquote(urlsplit(path).path) if path.startswith("file:") else path


def _local(name: str) -> LogFile:
    shown = display_path(Path(name))
    readable = os.path.isfile(name) and os.access(name, os.R_OK)
    # Spark skips files whose names start with _ or . (its own _SUCCESS and such): validate
    # reads them, so they are a finding here rather than dropped in silence.
    hidden = os.path.basename(name)[:1] in ("_", ".")
    uri = Path(os.path.abspath(name)).as_uri() if readable and not hidden else None
    return LogFile(uri, shown, name)


def _listed(spark: SparkSession, path: str) -> list[LogFile]:
    reader = spark.read.format("binaryFile").option("recursiveFileLookup", "true")
    try:
        uris = [row.path for row in reader.load(path).select("path").collect()]
    except Exception as exc:  # (an AnalysisException: nothing there)
        raise InputError(f"no such file or folder: {path} ({type(exc).__name__})") from None
    if not glob.has_magic(path) and uris != [path]:
        uris = [u for u in uris if is_log(u.rsplit("/", 1)[-1])]
        if not uris:
            raise InputError(f"no log files in {path}")
    return [LogFile(u, u) for u in sorted(uris, key=lambda u: u.split("/"))]


def read_log(spark: SparkSession, paths: Sequence[str] | str, *,
             files: Sequence[LogFile] | None = None) -> DataFrame:
    """Every record of the logs at ``paths`` (as ``validate`` takes them), one row each:

    - ``input``: the file's place among the inputs (0, 1, ...), ``path``: its name as
      findings give it, ``record``: the record's place in its file, ``line``: its first line,
      ``column``: where it starts on that line, and ``index``: which element it is (from
      0), for an element of a JSON array (else null);
    - ``value``: the record's exact bytes (binary), with its line ending;
    - ``kind`` and ``problem``: how to read ``value`` again (:class:`protocols.LogRecord`;
      ``problem`` is the reader's finding, encoded).

    ``files``: the inputs already listed (:func:`list_inputs`)."""
    if isinstance(paths, str):
        paths = [paths]
    listed = list(files) if files is not None else list_inputs(spark, paths)
    order = {_key(f.uri): (index, f.shown) for index, f in enumerate(listed) if f.uri}
    frames = []
    if order:
        raw = spark.read.format("binaryFile").load([f.uri for f in listed if f.uri])
        frames.append(raw.select("path", "content").mapInArrow(
            lambda batches: _records(batches, order), RECORD_SCHEMA))
    local = [(index, f) for index, f in enumerate(listed) if f.uri is None]
    if local:  # what Spark will not read: the finding validate gives, or Spark's own
        rows = [_row(index, number, record) for index, f in local
                for number, record in enumerate(_unread(f))]
        frames.append(spark.createDataFrame(rows, RECORD_SCHEMA))
    if not frames:
        return spark.createDataFrame([], RECORD_SCHEMA)
    result = frames[0]
    for frame in frames[1:]:
        result = result.unionByName(frame)
    return result


def _unread(file: LogFile) -> Iterator[LogRecord]:
    name = file.local or file.shown
    if os.path.basename(name)[:1] in ("_", ".") and os.path.isfile(name):
        from protocols.validate.read.inputs import failure
        record = failure(file.shown, 1, f"cannot read {file.shown} on Spark: Spark skips "
                         "files whose names start with _ or . (rename it to validate it)")
    else:
        record = next(iter(read_records(name)))  # (a folder, a file it cannot open)
    yield LogRecord(record.file, record.line, record.raw, "problem", record.items[0].error)


def _key(uri: str | None) -> str:
    """A file's URI as Spark lists it and as we built it, made comparable."""
    if uri is None:
        return ""
    if uri.startswith("file:"):
        return "file:" + os.path.abspath(unquote(urlsplit(uri).path))
    return uri


def _row(index: int, number: int, record: LogRecord) -> tuple[Any, ...]:
    problem = encode(record.problem).decode("utf-8") if record.problem is not None else None
    return (index, record.file, number, record.line, record.column, record.index, record.data,
            record.kind, problem)


def _records(batches: Iterator[pa.RecordBatch], order: dict[str, tuple[int, str]]
             ) -> Iterator[pa.RecordBatch]:
    rows: list[tuple[Any, ...]] = []
    size = 0
    for batch in batches:
        for uri, content in zip(batch.column("path").to_pylist(),
                                batch.column("content").to_pylist(), strict=True):
            index, shown = order[_key(uri)]
            for number, record in enumerate(read_log_records(content, file=shown)):
                rows.append(_row(index, number, record))
                size += len(record.data)
                if len(rows) >= _BATCH_ROWS or size >= _BATCH_BYTES:
                    yield _batch(rows)
                    rows, size = [], 0
    if rows:
        yield _batch(rows)


_ARROW = pa.schema([("input", pa.int32()), ("path", pa.string()), ("record", pa.int64()),
                    ("line", pa.int64()), ("column", pa.int64()), ("index", pa.int64()),
                    ("value", pa.binary()), ("kind", pa.string()), ("problem", pa.string())])


def _batch(rows: list[tuple[Any, ...]]) -> pa.RecordBatch:
    columns = list(zip(*rows, strict=True))
    return pa.RecordBatch.from_arrays(
        [pa.array(column, type=field.type) for column, field in zip(columns, _ARROW,
                                                                     strict=True)],
        schema=_ARROW)
