"""Spark gives the command line's verdicts: on a local Spark (``local[2]``), the example logs,
a hostile log and a generated 100,000-message log give the report of ``validate`` to the
byte (summary, by_code, by_event, examples, every finding, drift), and the good and bad
lines it writes, as multisets of lines."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols import LineChecker, Severity, load_plan
from protocols.report import RenderOptions, render_pieces
from protocols.validate.count.drift import DEFAULT_SOURCE_FIELD
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.engine_logs import ECOMMERCE, EXAMPLES, GOOD, generated_log, hostile_log, line

PLAN = load_plan(ECOMMERCE)
OPTIONS = RenderOptions(tool_version="test")


def part_lines(folder: Path) -> list[bytes]:
    """Every line of a folder of Spark part files (the multiset, sorted)."""
    data = [f.read_bytes() for f in sorted(folder.rglob("part-*"))]
    return sorted(raw for part in data for raw in part.splitlines(keepends=True))


def file_lines(path: Path) -> list[bytes]:
    return sorted(path.read_bytes().splitlines(keepends=True))


def compare(spark: Any, tmp_path: Path, files: list[Path], *,
            fail_on: Severity | None = Severity.ERROR, max_examples: int = 5,
            partitions: int | None = None, source_field: str = DEFAULT_SOURCE_FIELD
            ) -> dict[str, Any]:
    """Validate ``files`` with the command's core and with Spark; they must agree."""
    from protocols.spark import JobOptions, run_job

    names = [str(f) for f in files]
    command = validate_inputs(PLAN, names, ValidateOptions(
        fail_on=fail_on, max_examples=max_examples, good=tmp_path / "good.ndjson",
        bad=tmp_path / "bad.ndjson", every_finding=True, source_field=source_field))
    ours = run_job(spark, PLAN, names, JobOptions(
        fail_on=fail_on, max_examples=max_examples, good=str(tmp_path / "good"),
        bad=str(tmp_path / "bad"), every_finding=True, partitions=partitions,
        source_field=source_field))
    expected = "".join(render_pieces("json", command, OPTIONS))
    got = "".join(render_pieces("json", ours, OPTIONS))
    if got != expected:  # the parts first, for a readable failure
        mine, theirs = json.loads(got), json.loads(expected)
        assert mine["summary"] == theirs["summary"]
        assert mine["inconsistencies"] == theirs["inconsistencies"]
        assert mine["diagnostics"] == theirs["diagnostics"]
    assert got == expected
    assert part_lines(tmp_path / "good") == file_lines(tmp_path / "good.ndjson")
    assert part_lines(tmp_path / "bad") == file_lines(tmp_path / "bad.ndjson")
    report = json.loads(expected)
    assert isinstance(report, dict)
    return report


def test_the_example_logs(spark: Any, tmp_path: Path) -> None:
    report = compare(spark, tmp_path, EXAMPLES)
    assert report["summary"]["invalid"] and report["inconsistencies"]
    # The API on its own, as a notebook uses it.
    from protocols.spark import drift, read_log, summarize, validate_dataframe, write_lines

    checked = validate_dataframe(read_log(spark, [str(f) for f in EXAMPLES]), PLAN).cache()
    assert summarize(checked) == {k: v for k, v in report["summary"].items()
                                  if k != "quarantine"}
    assert drift(checked, PLAN) == report["inconsistencies"]
    row = checked.filter("verdict = 'invalid'").first()
    assert row is not None and row.bad and row.codes and row.findings[0].severity == "error"
    write_lines(checked, str(tmp_path / "by-input"), bad=True, partition_by=["path"])
    folders = sorted(p.name for p in (tmp_path / "by-input").iterdir() if p.is_dir())
    assert len(folders) == 1 and folders[0].startswith("path=")  # (clean.ndjson: no bad line)
    assert folders[0].endswith("events.ndjson")
    assert part_lines(tmp_path / "by-input") == file_lines(tmp_path / "bad.ndjson")
    checked.unpersist()


@pytest.mark.parametrize(("fail_on", "source_field"), [(Severity.ERROR, DEFAULT_SOURCE_FIELD),
                                                        (Severity.WARNING, "type")])
def test_a_hostile_log(spark: Any, tmp_path: Path, fail_on: Severity,
                       source_field: str) -> None:
    log = tmp_path / "hostile.ndjson"
    log.write_bytes(hostile_log())
    report = compare(spark, tmp_path, [log], fail_on=fail_on, max_examples=2,
                     source_field=source_field)
    sources = {s for e in report["inconsistencies"] for s in json.dumps(e).split('"')}
    # (drift is told by --source-field: a source's name, or a message type, in the report)
    assert ("analytics-android" in sources) == (source_field == DEFAULT_SOURCE_FIELD)
    assert {"PV001", "PV002", "PV003", "PV004"} <= set(report["summary"]["by_code"])
    assert report["summary"]["quarantine"]["bad"] >= 6


def test_gzip_by_content_and_other_formats(spark: Any, tmp_path: Path) -> None:
    # Gzip is told by its magic bytes, not the name (Spark's text reader goes by the name):
    # a gzipped log named .ndjson, a .gz whose stream is cut short, a .gz that is plain text;
    # and a JSON array and one document, which are not lines at all.
    packed = tmp_path / "packed.ndjson"
    packed.write_bytes(gzip.compress(hostile_log()))
    cut = tmp_path / "cut.ndjson.gz"
    cut.write_bytes(gzip.compress(hostile_log())[:-30])
    plain = tmp_path / "plain.ndjson.gz"
    plain.write_bytes(line(GOOD) + b"\n" + line({**GOOD, "event": "order_completed"}) + b"\n")
    array = tmp_path / "array.json"
    array.write_text("[\n" + ",\n".join([json.dumps(GOOD), "{broken", json.dumps([GOOD])])
                     + "\n]\n", "utf-8")
    document = tmp_path / "one.json"
    document.write_text(json.dumps({"batch": [GOOD, GOOD]}, indent=2), "utf-8")
    report = compare(spark, tmp_path, [packed, cut, plain, array, document], max_examples=2)
    summary = report["summary"]
    assert summary["inputs"] == 5
    assert {"PV001", "PV002", "PV003", "PV004", "PV005"} <= set(summary["by_code"])
    assert summary["messages"] > 20
    files = {d["file"].rsplit("/", 1)[-1] for d in report["diagnostics"]}
    assert {"packed.ndjson", "cut.ndjson.gz", "plain.ndjson.gz", "array.json"} <= files


def test_findings_in_json_arrays_keep_the_column_of_their_element(spark: Any,
                                                                  tmp_path: Path) -> None:
    # A finding about a message of an array gives where its element starts, line and column,
    # and which element it is, first in its path, on Spark as in validate (read_log's
    # ``column`` and ``index``), and so does --bad-reasons.
    from protocols.spark import read_log, validate_dataframe, write_reasons

    drifting = {**GOOD, "event": "order_completed"}
    compact = [json.dumps(m, separators=(",", ":"))
               for m in (GOOD, {**GOOD, "userId": "ü€😀"}, drifting, GOOD, drifting)]
    one_line = tmp_path / "one.json"
    one_line.write_text("[" + ",".join(compact) + "]\n", "utf-8")
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps([GOOD, drifting, [GOOD]], indent=2), "utf-8")
    log = tmp_path / "lines.ndjson"
    log.write_bytes(line(drifting) + b"\n")
    report = compare(spark, tmp_path, [one_line, pretty, log])
    columns = 2 + len(compact[0]) + len(compact[1]) + 2, 2 + sum(len(c) + 1 for c in compact[:4])
    assert [(d["line"], d["column"], d["path"]) for d in report["diagnostics"]
            if d["code"] in ("PV301", "PV002")] == [
        (1, columns[0], "[2].event"), (1, columns[1], "[4].event"), (26, 3, "[1].event"),
        (50, 3, "[2]"), (1, None, "event")]
    after = tmp_path / "after.json"  # (text after an array: a column, no element)
    after.write_text("[" + compact[0] + "] oops\n", "utf-8")
    checked = validate_dataframe(read_log(spark, [str(one_line), str(log), str(after)]), PLAN)
    write_reasons(checked, str(tmp_path / "why"))
    reasons = [json.loads(raw) for raw in part_lines(tmp_path / "why")]
    assert sorted((r["file"].rsplit("/", 1)[-1], r["line"], r.get("column"), r.get("index"))
                  for r in reasons) == [("after.json", 1, len(compact[0]) + 4, None),
                                        ("lines.ndjson", 1, None, None),
                                        ("one.json", 1, columns[0], 2),
                                        ("one.json", 1, columns[1], 4)]
    ndjson = next(r for r in reasons if r["file"].endswith("lines.ndjson"))
    assert "column" not in ndjson and "index" not in ndjson
    assert list(next(r for r in reasons if "index" in r)) == [
        "file", "line", "column", "index", "codes", "messages"]


def test_a_generated_log_of_100000_messages(spark: Any, tmp_path: Path) -> None:
    log = generated_log(tmp_path / "generated.ndjson", 100_000)
    # Split over 4 partitions, so both cores check lines of the one file.
    report = compare(spark, tmp_path, [log], partitions=4)
    summary = report["summary"]
    assert summary["messages"] >= 100_000 and summary["invalid"] > 1_000
    assert {e["kind"] for e in report["inconsistencies"]} >= {"event-name", "property-name",
                                                               "enum-value", "value-type"}


lines = st.one_of(
    st.just(json.dumps(GOOD)),
    st.builds(lambda source, event, currency, total: json.dumps(
        {**GOOD, "event": event, "context": {"library": {"name": source}},
         "properties": {**GOOD["properties"], "currency": currency, "total": total}}),
        st.sampled_from(["web", "ios", "android"]),
        st.sampled_from(["Order Completed", "order_completed", "Order-Completed", "Unplanned"]),
        st.sampled_from(["USD", "usd", "EUR", 5]), st.sampled_from([3, "3", -1, None])),
    st.just(json.dumps({"batch": [GOOD, {**GOOD, "userId": ""}, 3]})),
    st.sampled_from(["", "   ", "{not json", "[1, 2]", '"text"', '{"a": NaN}']),
    st.text(max_size=12).filter(lambda t: "\n" not in t and "\r" not in t),
)


@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(log=st.lists(lines, max_size=25), ending=st.sampled_from(["\n", "\r\n"]),
       final=st.booleans())
def test_any_small_log(spark: Any, tmp_path: Path, log: list[str], ending: str,
                       final: bool) -> None:
    path = tmp_path / "log.ndjson"
    path.write_bytes((ending.join(log) + (ending if final else "")).encode("utf-8"))
    compare(spark, tmp_path, [path], max_examples=2)


def test_a_stream_of_lines(spark: Any, tmp_path: Path) -> None:
    from protocols.spark import validate_dataframe

    folder = tmp_path / "incoming"
    folder.mkdir()
    sent = [line(GOOD), line({**GOOD, "event": "order_completed"}), b"{broken", b"",
            line({"batch": [GOOD, 3]})]
    (folder / "part-1.txt").write_bytes(b"\n".join(sent) + b"\n")
    stream = spark.readStream.format("text").load(str(folder))
    checked = validate_dataframe(stream, PLAN, fail_on="warning")
    query = (checked.writeStream.format("memory").queryName("checked_lines")
             .trigger(availableNow=True).start())
    query.awaitTermination(120)
    rows = spark.sql("select * from checked_lines").collect()
    checker = LineChecker(PLAN, fail_on=Severity.WARNING)
    got = sorted((bytes(r.value), r.verdict, r.bad, tuple(r.codes)) for r in rows)
    expected = sorted((raw, v.verdict, v.bad, v.codes) for raw in sent
                      for v in [checker.check_line(raw)])
    assert got == expected


def test_inputs_spark_cannot_read_are_findings(spark: Any, tmp_path: Path) -> None:
    from protocols.spark import read_log

    (tmp_path / "_hidden.ndjson").write_bytes(line(GOOD) + b"\n")
    (tmp_path / "log.ndjson").write_bytes(line(GOOD) + b"\n")
    rows = read_log(spark, [str(tmp_path / "_hidden.ndjson"), str(tmp_path)]).collect()
    problems = [r.problem for r in rows if r.problem]
    assert len(rows) == 2 and len(problems) == 1 and "Spark skips files" in problems[0]
