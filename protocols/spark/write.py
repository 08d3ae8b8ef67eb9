"""Writing lines back: the good and the bad, byte for byte, as Spark part files.

``validate --good/--bad`` write two files; on Spark each is a folder of part files (one per
partition, or per value of the ``partition_by`` columns), whose lines together are exactly
the lines ``validate`` writes: the same bytes (not UTF-8, CRLF, a BOM: unchanged), a final
``\\n`` added to a last line without one, blank lines with the good ones.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from protocols.validate.write.quarantine import MAX_REASONS

# Spark's text writer ends each row with "\n": a value that ends with one gives it up first.
# (A binary cast to a string keeps its bytes, whatever they are.)
_TEXT = ("CASE WHEN substring(value, -1, 1) = X'0A' "
         "THEN substring(value, 1, length(value) - 1) ELSE value END")


def write_lines(df: DataFrame, path: str, *, bad: bool | None = None,
                partition_by: Sequence[str] = (), mode: str = "overwrite") -> None:
    """Write the lines (``value``) of a validated DataFrame to the folder ``path``: the bad
    ones (``bad=True``, what ``--bad`` receives), the good ones (``bad=False``), or all.
    ``partition_by``: columns to split the output by (``path``: a folder per input)."""
    rows = df if bad is None else df.filter(F.col("bad") == F.lit(bad))
    rows = rows.filter(F.length("value") > 0)  # (a finding about an input holds no line)
    rows.select(F.expr(_TEXT).cast("string").alias("value"), *partition_by).write.mode(mode) \
        .partitionBy(*partition_by).text(path)


def write_reasons(df: DataFrame, path: str, *, mode: str = "overwrite") -> None:
    """Why each bad line is bad, as ``--bad-reasons`` says it (file, line, for an element of
    a JSON array its column and index, codes, the first messages), one JSON object a line,
    in part files. Without ``bad_line``: on Spark the bad lines are spread over part files,
    each record's ``file`` and ``line`` find it."""
    rows = df.filter(F.col("bad") & (F.length("value") > 0))
    messages = F.transform(F.slice("findings", 1, MAX_REASONS), lambda f: F.struct(
        f.code.alias("code"), f.severity.alias("severity"), f.path.alias("path"),
        f.message.alias("message"))).alias("messages")
    where = [F.col("path").alias("file"), F.col("line").alias("line")]
    codes = F.col("codes").alias("codes")
    reason = F.to_json(F.struct(*where, codes, messages), {"ignoreNullFields": "false"})
    # (read_log's: only an array element has them, as in validate; the text after an array
    # has a column and no index)
    for place in (["column"], ["column", "index"]):
        if set(place) <= set(df.columns):
            placed = F.to_json(F.struct(*where, *(F.col(c).alias(c) for c in place), codes,
                                        messages), {"ignoreNullFields": "false"})
            reason = F.when(F.col(place[-1]).isNull(), reason).otherwise(placed)
    rows.select(reason.alias("value")).write.mode(mode).text(path)
