"""The line API gives, record by record, exactly what ``validate`` reports for a whole input:
read_log_records + LineChecker + PartialResult against the command's JSON report."""

from __future__ import annotations

import gzip
import io
import json
import pickle
from pathlib import Path
from typing import Any

import pytest

from protocols import (
    LineChecker,
    LogRecord,
    PartialResult,
    Severity,
    load_plan,
    parse_line,
    parse_record,
    read_log_records,
)
from protocols.plan.loader import display_path
from protocols.report import RenderOptions
from protocols.validate.count.findings import FindingsLog
from protocols.validate.read import limits
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.engine_logs import ECOMMERCE, EXAMPLES, GOOD, hostile_log, line

PLAN = load_plan(ECOMMERCE)
OPTIONS = RenderOptions(tool_version="test")


def engine_report(files: list[Path], *, fail_on: Severity | None = Severity.ERROR,
                  max_examples: int = 5) -> tuple[str, list[bytes], list[bytes]]:
    """What an engine builds from the API alone: the JSON report, the good and bad lines."""
    checker = LineChecker(PLAN, fail_on=fail_on)
    partial = PartialResult(PLAN, max_examples=max_examples, findings=FindingsLog())
    good: list[bytes] = []
    bad: list[bytes] = []
    counted = [0, 0]
    for path in files:
        partial.counts.files += 1
        for record in read_log_records(path.read_bytes(), file=display_path(path)):
            verdict = checker.check_record(record)
            partial.add(verdict)
            data = record.data if record.data.endswith(b"\n") or not record.data \
                else record.data + b"\n"
            if not verdict.messages:
                good.append(data)
            elif data:
                (bad if verdict.bad else good).append(data)
                counted[verdict.bad] += 1
    partial.quarantine = (counted[0], counted[1])
    return "".join(partial.report("json", OPTIONS)), good, bad


def command_report(tmp_path: Path, files: list[Path], *, fail_on: Severity | None = Severity.ERROR,
                   max_examples: int = 5) -> tuple[str, bytes, bytes]:
    options = ValidateOptions(fail_on=fail_on, max_examples=max_examples, good=tmp_path / "g",
                              bad=tmp_path / "b", every_finding=True)
    result = validate_inputs(PLAN, [str(f) for f in files], options)
    from protocols.report import render_pieces
    report = "".join(render_pieces("json", result, OPTIONS))
    return report, (tmp_path / "g").read_bytes(), (tmp_path / "b").read_bytes()


def lines_of(parts: list[bytes]) -> list[bytes]:
    return sorted(raw for part in parts for raw in part.splitlines(keepends=True))


def assert_same(tmp_path: Path, files: list[Path], **options: Any) -> dict[str, Any]:
    ours, good, bad = engine_report(files, **options)
    theirs, good_file, bad_file = command_report(tmp_path, files, **options)
    assert ours == theirs
    assert b"".join(good) == good_file  # (in input order too: one file at a time)
    assert b"".join(bad) == bad_file
    return dict(json.loads(ours))


def test_the_example_logs(tmp_path: Path) -> None:
    report = assert_same(tmp_path, EXAMPLES)
    assert report["summary"]["invalid"] > 0 and report["inconsistencies"]


@pytest.mark.parametrize("fail_on", [Severity.ERROR, Severity.WARNING, None])
def test_the_hostile_log(tmp_path: Path, fail_on: Severity | None) -> None:
    log = tmp_path / "hostile.ndjson"
    log.write_bytes(hostile_log())
    report = assert_same(tmp_path, [log], fail_on=fail_on, max_examples=2)
    codes = report["summary"]["by_code"]
    assert {"PV001", "PV002", "PV003", "PV004"} <= set(codes)


def test_other_formats_gzip_and_inputs_that_stop(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_BROKEN_LINES", 8)
    array = tmp_path / "array.json"
    array.write_text("[\n" + ",\n".join([json.dumps(GOOD), "{broken", json.dumps([GOOD]),
                                         json.dumps({**GOOD, "event": "order_completed"})])
                     + "\n]\n", "utf-8")
    document = tmp_path / "one.json"
    document.write_text(json.dumps({"batch": [GOOD, GOOD]}, indent=2), "utf-8")
    packed = tmp_path / "log.ndjson.gz"
    packed.write_bytes(gzip.compress(hostile_log())[:-30])  # truncated: its end is lost
    stops = tmp_path / "stops.ndjson"
    stops.write_bytes(line(GOOD) + b"\n" + b"nope\n" * 20 + line(GOOD) + b"\n")
    report = assert_same(tmp_path, [array, document, packed, stops])
    assert {"PV001", "PV005", "PV006"} <= set(report["summary"]["by_code"])


def test_records_hold_every_byte_of_the_input() -> None:
    data = hostile_log()
    records = list(read_log_records(data, file="h.ndjson"))
    assert b"".join(r.data for r in records) == data
    assert [r.line for r in records] == sorted(r.line for r in records)
    assert list(read_log_records(io.BytesIO(data), file="h.ndjson")) == records
    stream = io.BufferedReader(io.BytesIO(gzip.compress(data)))  # type: ignore[arg-type]
    assert list(read_log_records(stream, file="h.ndjson")) == records


def test_parse_line() -> None:
    bom = limits.BOM + line(GOOD) + b"\r\n"
    assert [item.message for item in parse_line(bom)] == [GOOD]
    assert parse_line(bom, line=2)[0].error.code == "PV001"  # type: ignore[union-attr]
    assert parse_line(b" \r\n") == ()
    batch = parse_line(line({"batch": [GOOD, 3]}), file="f", line=7)
    assert [(i.prefix, i.message is not None) for i in batch] == [(("batch", 0), True),
                                                                   (("batch", 1), False)]
    assert batch[1].error is not None and batch[1].error.location is not None
    assert str(batch[1].error.location) == "f:7"
    codes = {data: parse_line(data)[0].error.code  # type: ignore[union-attr]
             for data in (b'{"a": NaN}', b"\xff{}", b"[]",
                          b"{" + b" " * limits.MAX_LINE_BYTES + b"}")}
    assert list(codes.values()) == ["PV001", "PV003", "PV002", "PV004"]
    record = LogRecord("f", 3, b"{" + b" " * limits.MAX_LINE_BYTES + b"}\n", "document")
    assert parse_record(record)[0].message == {}  # a document has no line limit


def test_a_checker_pickles_and_says_the_same() -> None:
    checker = LineChecker(PLAN, fail_on=Severity.WARNING)
    data = EXAMPLES[0].read_bytes().splitlines(keepends=True)
    before = [checker.check_line(raw, file="e", line=n) for n, raw in enumerate(data, 1)]
    again = pickle.loads(pickle.dumps(checker))
    assert [again.check_line(raw, file="e", line=n) for n, raw in enumerate(data, 1)] == before
    assert {v.verdict for v in before} == {"valid", "invalid", "unparseable"}
    assert checker.check_line(b"\n").verdict == "blank"
    assert all(v.codes == tuple(sorted({d.code for d in v.diagnostics})) for v in before)


def test_fail_on_decides_which_messages_are_invalid() -> None:
    unplanned = line({**GOOD, "properties": {**GOOD["properties"], "note": "n"}})
    for fail_on, verdict in ((Severity.ERROR, "valid"), (None, "valid"),
                             (Severity.WARNING, "invalid")):
        checked = LineChecker(PLAN, fail_on=fail_on).check_line(unplanned)
        assert [d.severity for d in checked.diagnostics] == [Severity.WARNING]
        assert (checked.verdict, checked.bad) == (verdict, verdict == "invalid")
