"""Where a finding about a message of a JSON array points: the line and column where its
element starts, in every report, in ``--bad-reasons`` and through ``--jobs``.

Each test here failed before the fix: a finding about a valid-JSON element that breaks the
plan carried its line only, so in a one-line array (what ``jq -c`` writes) every finding
said line 1, whichever of its messages was meant.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols import load_plan
from protocols.cli import app
from protocols.validate import parallel
from protocols.validate.lines import LineChecker, LogRecord, read_log_records
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN_PATH = str(REPO / "tests" / "validate" / "plan.yaml")
PLAN = load_plan(PLAN_PATH)
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
# (characters that take 2, 3 and 4 bytes in UTF-8: columns count characters, not bytes)
WIDE = {**GOOD, "userId": "ü€😀-user"}
MISSING = {**GOOD, "properties": {"order_id": "o1", "currency": "USD"}}  # PV201: no total
DRIFT = {**GOOD, "event": "order_completed"}  # PV301


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def one_line(tmp_path: Path, name: str = "one.json") -> tuple[Path, str, list[int]]:
    """A one-line array of nine messages whose 3rd and 7th break the plan: (its path, its
    text, the column where each element starts, counted here by hand)."""
    elements = [compact(WIDE if i % 2 else GOOD) for i in range(9)]
    elements[2], elements[6] = compact(MISSING), compact(DRIFT)
    columns, column = [], 2  # (after the "[")
    for element in elements:
        columns.append(column)
        column += len(element) + 1  # (and its comma)
    text = "[" + ",".join(elements) + "]\n"
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path, text, columns


def pretty(tmp_path: Path, name: str = "pretty.json") -> tuple[Path, str]:
    text = json.dumps([GOOD, WIDE, MISSING, DRIFT], indent=2, ensure_ascii=False) + "\n"
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path, text


def value_at(text: str, line: int, column: int) -> Any:
    """The JSON value that starts at ``line``:``column`` of ``text``."""
    offset = sum(len(row) + 1 for row in text.split("\n")[:line - 1]) + column - 1
    return json.JSONDecoder().raw_decode(text, offset)[0]


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, ["validate", "--plan", PLAN_PATH, *args],
                              catch_exceptions=False)


def at(text: str, line: int, column: int) -> str:
    """The text from ``line``:``column`` (1-based; the column in characters) on."""
    return text.split("\n")[line - 1][column - 1:]


def test_each_finding_of_a_one_line_array_names_its_element_in_text_json_and_sarif(
        tmp_path: Path) -> None:
    path, text, columns = one_line(tmp_path)
    third, seventh = columns[2], columns[6]
    assert (third, seventh) == (238, 700)
    # (in characters: before the 7th, 3 elements hold 3 characters of 2, 3 and 4 bytes)
    assert text.encode("utf-8").index(compact(DRIFT).encode("utf-8")) + 1 == seventh + 3 * 6
    assert at(text, 1, third).startswith(compact(MISSING))
    assert at(text, 1, seventh).startswith(compact(DRIFT))

    shown = cli(str(path))
    assert shown.exit_code == 1, shown.output
    assert f"--> {path}:1:238\n" in shown.output
    assert f"--> {path}:1:700\n" in shown.output
    assert f"{path}:1\n" not in shown.output

    report = json.loads(cli(str(path), "-f", "json").stdout)
    found = [(d["code"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert found == [("PV201", 1, 238), ("PV301", 1, 700)]

    sarif = json.loads(cli(str(path), "-f", "sarif").stdout)
    regions = [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"])
               for r in sarif["runs"][0]["results"]]
    assert regions == [("PV201", {"startLine": 1, "startColumn": 238}),
                       ("PV301", {"startLine": 1, "startColumn": 700})]
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"

    github = cli(str(path), "-f", "github").stdout
    assert ",line=1,col=238," in github and ",line=1,col=700," in github
    for name in ("junit", "markdown"):
        assert ":1:238" in cli(str(path), "-f", name).stdout, name


def test_a_pretty_printed_array_points_at_the_opening_brace_of_each_element(
        tmp_path: Path) -> None:
    path, text = pretty(tmp_path)
    report = json.loads(cli(str(path), "-f", "json").stdout)
    found = [(d["code"], d["line"], d["column"]) for d in report["diagnostics"]]
    assert found == [("PV201", 22, 3), ("PV301", 31, 3)]
    for _, line, column in found:
        assert at(text, line, column).rstrip() == "{"
        assert text.split("\n")[line - 1][:column - 1].isspace()
    shown = cli(str(path)).output
    assert f"--> {path}:22:3\n" in shown and f"--> {path}:31:3\n" in shown


def test_two_jobs_give_the_reports_and_files_of_one(tmp_path: Path) -> None:
    inputs = [str(one_line(tmp_path)[0]), str(pretty(tmp_path)[0])]
    outputs: dict[int, list[bytes]] = {}
    for jobs in (1, 2):
        folder = tmp_path / f"jobs{jobs}"
        reports = [folder / f"report.{kind}" for kind in ("txt", "json", "sarif")]
        files = [folder / "good", folder / "bad", folder / "why"]
        result = cli(*inputs, "--jobs", str(jobs), "-f", "text", "-o", str(reports[0]),
                     "-f", "json", "-o", str(reports[1]), "-f", "sarif", "-o", str(reports[2]),
                     "--good", str(files[0]), "--bad", str(files[1]),
                     "--bad-reasons", str(files[2]))
        assert result.exit_code == 1, result.output
        outputs[jobs] = [p.read_bytes() for p in reports + files]
    assert outputs[1] == outputs[2]
    assert b":1:700" in outputs[1][0] and b'"column": 700' in outputs[1][1]
    # (the two files are two pieces: the workers did run, the result was not one process's)
    result = parallel.validate_in_parallel(PLAN, inputs, ValidateOptions(jobs=2,
                                                                         every_finding=True))
    assert result is not None and result.findings is not None
    assert [(d.line, d.column) for d in result.findings] == [(1, 238), (1, 700), (22, 3),
                                                              (31, 3)]


def test_bad_reasons_carry_the_position_of_array_elements_only(tmp_path: Path) -> None:
    path, text, _ = one_line(tmp_path)
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"type": "track", "event": oops},\n  [1],\n  ' + compact(DRIFT)
                      + "\n]\n", "utf-8")
    lines = tmp_path / "lines.ndjson"
    lines.write_text(compact(GOOD) + "\n" + compact(MISSING) + "\n", "utf-8")
    why, bad = tmp_path / "why.ndjson", tmp_path / "bad.ndjson"
    result = cli(str(path), str(broken), str(lines), "--bad", str(bad), "--bad-reasons",
                 str(why))
    assert result.exit_code == 1, result.output
    reasons = [json.loads(line) for line in why.read_text("utf-8").splitlines()]
    assert [(r["line"], r.get("column"), r.get("index"), r["codes"]) for r in reasons] == [
        (1, 238, 2, ["PV201"]), (1, 700, 6, ["PV301"]),
        (2, 3, 0, ["PV001"]), (3, 3, 1, ["PV002"]), (4, 3, 2, ["PV301"]),
        (2, None, None, ["PV201"])]
    assert "column" not in reasons[-1] and "index" not in reasons[-1]  # (an NDJSON line)
    assert list(reasons[0]) == ["file", "line", "column", "index", "bad_line", "codes",
                                "messages"]
    assert [m["path"] for r in reasons for m in r["messages"]] == [
        "[2].properties.total", "[6].event", "[0]", "[1]", "[2].event", "properties.total"]
    # The bad file holds each element's text, which starts where its reason says.
    records = bad.read_text("utf-8").splitlines()
    assert at(text, 1, 238).startswith(records[0]) and at(text, 1, 700).startswith(records[1])
    # (the syntax error keeps its own column; the record, where its element starts)
    report = json.loads(cli(str(broken), "-f", "json").stdout)
    assert [(d["code"], d["line"], d["column"]) for d in report["diagnostics"]] == [
        ("PV001", 2, 30), ("PV002", 3, 3), ("PV301", 4, 3)]


def test_ndjson_findings_keep_no_column(tmp_path: Path) -> None:
    lines = tmp_path / "lines.ndjson"
    lines.write_text(compact(GOOD) + "\n" + compact(MISSING) + "\n"
                     + json.dumps({"batch": [GOOD, DRIFT]}) + "\n", "utf-8")
    report = json.loads(cli(str(lines), "-f", "json").stdout)
    assert [(d["line"], d["column"], d["path"]) for d in report["diagnostics"]] == [
        (2, None, "properties.total"), (3, None, "batch[1].event")]


def test_a_batch_in_an_array_and_the_api_engines_share_give_the_same_position(
        tmp_path: Path) -> None:
    text = "[" + compact(GOOD) + ", " + compact({"batch": [GOOD, DRIFT]}) + "]"
    path = tmp_path / "batch.json"
    path.write_text(text, "utf-8")
    column = len("[" + compact(GOOD) + ", ") + 1
    result = validate_inputs(PLAN, [str(path)], ValidateOptions(every_finding=True))
    assert result.findings is not None
    assert [(d.line, d.column, d.path) for d in result.findings] == [
        (1, column, "[1].batch[1].event")]
    # read_log_records and LineChecker (what --jobs and Spark build on) say the same
    checker = LineChecker(PLAN)
    records = list(read_log_records(text.encode("utf-8"), file=str(path)))
    assert [(r.line, r.column, r.index) for r in records] == [(1, 2, 0), (1, column, 1)]
    found = [d for r in records for d in checker.check_record(r).diagnostics]
    assert [(d.line, d.column, d.path) for d in found] == [(1, column, "[1].batch[1].event")]


# -- the text report ----------------------------------------------------------------------------

def test_the_text_report_shows_the_plan_rule_where_the_log_line_cannot_reach_the_column(
        tmp_path: Path, monkeypatch: Any) -> None:
    from protocols.report import base
    from protocols.report.base import MAX_SHOWN_LINE

    monkeypatch.setattr(base, "MAX_CACHED_SOURCE", 10_000)  # (a big log: read a line's start)
    elements = [compact({**GOOD, "messageId": f"m{i}"}) for i in range(1_000)]
    elements[900] = compact(MISSING)
    text = "[" + ",".join(elements) + "]\n"
    path = tmp_path / "long.json"
    path.write_text(text, "utf-8")
    column = text.index(compact(MISSING)) + 1
    assert column > MAX_SHOWN_LINE  # (more than the report reads of a line)
    shown = cli(str(path)).output
    # Not a caret under the wrong text: the plan rule's line, as for a line without a column.
    assert f"--> {path}:1:{column}\n" in shown
    assert "total: {type: number, minimum: 0, required: true}" in shown
    assert not [row for row in shown.splitlines() if row.startswith("1 |")]  # (no log line)


def test_lines_of_a_big_log_are_read_on_from_the_last_one_shown(
        tmp_path: Path, monkeypatch: Any) -> None:
    from protocols.report import base

    monkeypatch.setattr(base, "MAX_CACHED_SOURCE", 10_000)
    path = tmp_path / "big.log"
    path.write_text("".join(f"line {n}\n" for n in range(1, 50_001)), "utf-8")
    reads: list[int] = []
    real_open = open

    def counting_open(*args: Any, **kwargs: Any) -> Any:
        handle = real_open(*args, **kwargs)
        real_read = handle.read

        def read(size: int = -1) -> bytes:
            data: bytes = real_read(size)
            reads.append(len(data))
            return data
        handle.read = read
        return handle

    monkeypatch.setattr("builtins.open", counting_open)
    asked = [3, 20_000, 20_000, 20_001, 49_999, 7, 50_000, 50_001]
    assert [base.read_source_line(str(path), n) for n in asked] == [
        "line 3", "line 20000", "line 20000", "line 20001", "line 49999", "line 7",
        "line 50000", None]
    # (forward, each read goes on from the last line found: the log is read about twice in
    # all, once up to line 49,999 and once again from its start for line 7)
    assert sum(reads) < 2.5 * path.stat().st_size
    path.write_text("changed\n" * 2_000, "utf-8")  # (a file that changed is read afresh)
    assert base.read_source_line(str(path), 1_500) == "changed"


def _caret_target(output: str, line: int) -> str:
    """The text above the caret of the snippet of log line ``line`` in a text report."""
    rows = output.splitlines()
    for index, row in enumerate(rows):
        if row.startswith(f"{line} | "):
            shown, caret = row[len(f"{line} | "):], rows[index + 1]
            return shown[caret.index("^") - len(f"{' ' * len(str(line))} | "):]
    raise AssertionError(f"no snippet of line {line}:\n{output}")


def test_the_text_report_counts_lines_as_the_reader_does_lone_cr_and_byte_order_mark(
        tmp_path: Path, monkeypatch: Any) -> None:
    """A lone \\r is JSON white space, not a line end: linecache started a line there, so the
    report showed another line of the log under the element's line number. And a log too big
    to cache kept its byte order mark on line 1: the caret fell one character short."""
    from protocols.report import base

    path = tmp_path / "cr.json"
    path.write_bytes(("[" + compact(GOOD) + ",\r" + compact(GOOD) + ",\n"
                      + compact(GOOD) + ",\r" + compact(DRIFT) + "]\n").encode("utf-8"))
    shown = cli(str(path)).output
    column = len(compact(GOOD)) + 3
    assert f"--> {path}:2:{column}\n" in shown
    assert _caret_target(shown, 2).startswith(compact(DRIFT)[:60])

    monkeypatch.setattr(base, "MAX_CACHED_SOURCE", 10)  # (a big log: its lines are read)
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf[" + (compact(GOOD) + "," + compact(DRIFT)).encode("utf-8")
                     + b"]\n")
    shown = cli(str(path)).output
    assert f"--> {path}:1:{len(compact(GOOD)) + 3}\n" in shown
    assert _caret_target(shown, 1).startswith(compact(DRIFT)[:60])


def test_a_log_small_enough_to_cache_shows_its_whole_line(tmp_path: Path) -> None:
    """Past 64 KiB of a line of a log under 4 MiB, the line is still shown (as linecache
    did): only logs too big to cache are read a line's first 64 KiB."""
    elements = [compact({**GOOD, "messageId": f"m{i}"}) for i in range(1_000)]
    elements[900] = compact(DRIFT)
    path = tmp_path / "long.json"
    path.write_text("[" + ",".join(elements) + "]\n", "utf-8")
    shown = cli(str(path)).output
    assert _caret_target(shown, 1).startswith(compact(DRIFT)[:60])


def test_a_byte_that_is_not_utf8_on_an_ndjson_line_is_placed_in_characters(
        tmp_path: Path) -> None:
    """PV003 on an NDJSON line gave the bad byte's offset as its column, where every other
    column (and SARIF's columnKind) counts characters: after `ééé` the caret stood three
    characters right of the byte. The message still says which byte it is."""
    path = tmp_path / "bad.ndjson"
    path.write_bytes(b'{"type":"track","event":"' + "ééé".encode() + b'\xff"}\n')
    report = json.loads(cli(str(path), "-f", "json").stdout)
    [found] = report["diagnostics"]
    assert (found["code"], found["line"], found["column"]) == ("PV003", 1, 29)
    assert "at byte 32 of the line" in found["message"]
    # (the element of an array says the same, from its own reader)
    array = tmp_path / "bad.json"
    array.write_bytes(b"[" + path.read_bytes().rstrip(b"\n") + b"]\n")
    [found] = json.loads(cli(str(array), "-f", "json").stdout)["diagnostics"]
    assert (found["code"], found["line"], found["column"]) == ("PV003", 1, 30)


# -- which element: its index in the array, first in the path --------------------------------
#
# The column tells one element of a line from another; the path says which element it is in
# the array, counted from 0 as batch[3] counts a batch's messages (jq's `.[6].event`).

def test_each_finding_of_a_one_line_array_gives_its_element_index_in_every_report(
        tmp_path: Path) -> None:
    path, _, _ = one_line(tmp_path)
    report = json.loads(cli(str(path), "-f", "json").stdout)
    assert [(d["code"], d["line"], d["column"], d["path"]) for d in report["diagnostics"]] == [
        ("PV201", 1, 238, "[2].properties.total"), ("PV301", 1, 700, "[6].event")]

    shown = cli(str(path)).output
    assert f"--> {path}:1:700\n" in shown and "= path: [6].event\n" in shown
    assert "= path: [2].properties.total\n" in shown

    sarif = json.loads(cli(str(path), "-f", "sarif").stdout)
    assert [r["properties"]["path"] for r in sarif["runs"][0]["results"]] == [
        "[2].properties.total", "[6].event"]
    github = cli(str(path), "-f", "github").stdout
    assert ",line=1,col=700," in github and "%0Aat [6].event" in github
    assert "= path: [6].event" in cli(str(path), "-f", "junit").stdout
    gitlab = json.loads(cli(str(path), "-f", "gitlab").stdout)
    assert [e["location"]["positions"]["begin"] for e in gitlab] == [
        {"line": 1, "column": 238}, {"line": 1, "column": 700}]


def _layouts() -> dict[str, tuple[bytes, str]]:
    """The array [GOOD, WIDE, MISSING, DRIFT] as logs are laid out: name: (the file's bytes,
    its text as its columns count it: decoded, without a BOM)."""
    elements = [GOOD, WIDE, MISSING, DRIFT]
    line = "[" + ",".join(compact(e) for e in elements) + "]\n"
    indented = json.dumps(elements, indent=2, ensure_ascii=False) + "\n"
    # (the first element on the "[" line, the others each on a line of its own, one space in)
    on_bracket = "[" + ",\n ".join(compact(e) for e in elements) + "]\n"
    # (pretty-printed elements after the "[" on its line: `[{` then the keys below)
    opened = "[" + ", ".join(json.dumps(e, indent=4, ensure_ascii=False)
                             for e in elements) + "]\n"
    return {
        "one line": (line.encode(), line),
        "pretty": (indented.encode(), indented),
        "crlf": (indented.replace("\n", "\r\n").encode(), indented.replace("\n", "\r\n")),
        "bom": (b"\xef\xbb\xbf" + line.encode(), line),
        "on the [ line": (on_bracket.encode(), on_bracket),
        "opened on the [ line": (opened.encode(), opened),
        "gzip": (gzip.compress(line.encode()), line),
        "gzip, pretty, crlf and bom": (
            gzip.compress(b"\xef\xbb\xbf" + indented.replace("\n", "\r\n").encode()),
            indented.replace("\n", "\r\n")),
    }


@pytest.mark.parametrize("layout", list(_layouts()))
def test_every_layout_gives_the_line_column_and_index_of_the_element(
        tmp_path: Path, layout: str) -> None:
    data, text = _layouts()[layout]
    path = tmp_path / "in.json"
    path.write_bytes(data)
    report = json.loads(cli(str(path), "-f", "json").stdout)
    found = [(d["code"], d["path"]) for d in report["diagnostics"]]
    assert found == [("PV201", "[2].properties.total"), ("PV301", "[3].event")]
    # (the element starts there, and is the one its index names)
    for d, element in zip(report["diagnostics"], (MISSING, DRIFT), strict=True):
        assert value_at(text, d["line"], d["column"]) == element
    events = [json.loads(text)[int(p[1])]["event"] for _, p in found]
    assert events == [MISSING["event"], DRIFT["event"]]
    shown = cli(str(path)).output
    for d in report["diagnostics"]:
        assert f"--> {path}:{d['line']}:{d['column']}\n" in shown
        assert f"= path: {d['path']}\n" in shown


def test_the_index_counts_on_past_what_the_reader_holds(tmp_path: Path) -> None:
    """Elements of a one-line array of more than a window (1 MiB) keep their index."""
    elements = [compact({**GOOD, "messageId": f"m{i}"}) for i in range(12_000)]
    elements[5_000], elements[11_999] = compact(MISSING), compact(DRIFT)
    text = "[" + ",".join(elements) + "]"
    path = tmp_path / "long.json"
    path.write_text(text, "utf-8")
    assert len(text) > 1.5 * 2**20
    result = validate_inputs(PLAN, [str(path)], ValidateOptions(every_finding=True))
    assert result.findings is not None
    assert [(d.line, d.column, d.path) for d in result.findings] == [
        (1, text.index(compact(MISSING)) + 1, "[5000].properties.total"),
        (1, text.index(compact(DRIFT)) + 1, "[11999].event")]


def test_a_broken_element_and_one_that_is_not_an_object_are_named_by_index(
        tmp_path: Path) -> None:
    """Every element counts, whole or not: the index is the element's place in the array
    (an element left out, `,,`, takes a place too, as it does in the text)."""
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"type": "track", "event": oops},\n  [1],\n  ' + compact(DRIFT)
                      + ",,\n  " + compact(GOOD) + " " + compact(DRIFT) + ",\n  "
                      + compact(MISSING) + "\n]\n", "utf-8")
    report = json.loads(cli(str(broken), "-f", "json").stdout)
    assert [(d["code"], d["line"], d["path"]) for d in report["diagnostics"]] == [
        ("PV001", 2, "[0]"), ("PV002", 3, "[1]"), ("PV301", 4, "[2].event"),
        ("PV001", 4, "[3]"), ("PV001", 5, "[5]"), ("PV201", 6, "[6].properties.total")]
    shown = cli(str(broken)).output
    assert "= path: [0]\n" in shown and "= path: [5]\n" in shown


def test_an_element_that_is_not_utf8_or_too_long_is_named_by_index(tmp_path: Path) -> None:
    path = tmp_path / "bytes.json"
    path.write_bytes(b"[" + compact(GOOD).encode() + b',{"type":"track","userId":"u\xff"},'
                     + compact({**GOOD, "userId": "u" * 2**20}).encode() + b","
                     + compact(DRIFT).encode() + b"]\n")
    result = validate_inputs(PLAN, [str(path)], ValidateOptions(every_finding=True))
    assert result.findings is not None
    assert [(d.code, d.path) for d in result.findings] == [
        ("PV003", "[1]"), ("PV004", "[2]"), ("PV301", "[3].event")]


def test_what_is_not_an_element_has_no_index(tmp_path: Path) -> None:
    """Text after the closing bracket, an array never closed: findings about the document,
    not about one of its elements."""
    after = tmp_path / "after.json"
    after.write_text("[" + compact(GOOD) + "] oops\n", "utf-8")
    open_ended = tmp_path / "open.json"
    open_ended.write_text("[" + compact(DRIFT) + ",", "utf-8")
    why = tmp_path / "why.ndjson"
    report = json.loads(cli(str(after), str(open_ended), "-f", "json", "--bad",
                            str(tmp_path / "bad"), "--bad-reasons", str(why)).stdout)
    assert [(d["code"], d["path"]) for d in report["diagnostics"]] == [
        ("PV001", None), ("PV301", "[0].event"), ("PV001", None)]
    reasons = [json.loads(line) for line in why.read_text("utf-8").splitlines()]
    assert [(r["line"], r.get("column"), r.get("index")) for r in reasons] == [
        (1, len(compact(GOOD)) + 4, None), (1, 2, 0)]
    assert "index" not in reasons[0]


def test_the_lines_api_carries_the_index_and_an_ndjson_record_none(tmp_path: Path) -> None:
    """read_log_records gives each element its index; a LogRecord read again (another
    process, Spark) gives its findings the same paths; an NDJSON line has none."""
    # (lines after an array's closing bracket are NDJSON)
    text = json.dumps([GOOD, DRIFT], indent=2) + "\n" + compact(DRIFT) + "\n"
    records = list(read_log_records(text.encode("utf-8"), file="mixed.json"))
    assert [(r.line, r.column, r.index) for r in records] == [(2, 3, 0), (12, 3, 1),
                                                              (23, None, None)]
    checker = LineChecker(PLAN)
    paths = [d.path for r in records for d in checker.check_record(r).diagnostics]
    assert paths == ["[1].event", "event"]
    shipped = LogRecord("mixed.json", 1, compact(DRIFT).encode() + b"\n", "document",
                        column=5, index=41)
    [finding] = checker.check_record(shipped).diagnostics
    assert (finding.line, finding.column, finding.path) == (1, 5, "[41].event")


def test_an_element_inserted_before_leaves_the_fingerprints_of_the_others_as_they_were(
        tmp_path: Path, monkeypatch: Any) -> None:
    """GitLab and code scanning match findings between runs by fingerprint, which leaves the
    line out; the element's index is a place too, not what the finding is."""
    monkeypatch.chdir(tmp_path)  # (the same file name in both runs)
    prints = []
    for elements in ((MISSING, DRIFT), (GOOD, MISSING, DRIFT)):
        Path("log.json").write_text("[" + ",".join(compact(e) for e in elements) + "]\n",
                                    "utf-8")
        gitlab = json.loads(cli("log.json", "-f", "gitlab").stdout)
        sarif = json.loads(cli("log.json", "-f", "sarif").stdout)
        prints.append(([e["fingerprint"] for e in gitlab],
                       [r["partialFingerprints"] for r in sarif["runs"][0]["results"]]))
    assert len(prints[0][0]) == 2
    assert prints[0] == prints[1]
