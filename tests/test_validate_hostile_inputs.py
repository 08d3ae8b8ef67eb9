"""Hostile and odd inputs (issue 12): decided per line, streamed, bounded, each file once.

Every test here failed before its fix: a log whose first lines are broken or an array was
read as one broken document; leading blank lines were held in memory; a truncated gzip's
last line was lost; /dev/zero and ``yes`` never ended; symbolic link loops were followed.
"""

from __future__ import annotations

import gzip
import json
import linecache
import os
import subprocess
import sys
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols import load_plan
from protocols.cli import app
from protocols.validate import parallel
from protocols.validate.read import inputs, limits, sources
from protocols.validate.read.inputs import read_records
from protocols.validate.read.sources import expand_inputs
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN_PATH = REPO / "tests" / "validate" / "plan.yaml"
PLAN = load_plan(PLAN_PATH)
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
LINE = json.dumps(GOOD).encode() + b"\n"


def run(tmp_path: Path, data: bytes, name: str = "in.ndjson", **options: Any
        ) -> tuple[dict[str, Any], bytes, bytes, list[str]]:
    """Validate ``data``: (summary, good file, bad file, codes of the findings)."""
    log = tmp_path / name
    log.write_bytes(data)
    good, bad = tmp_path / "good", tmp_path / "bad"
    result = validate_inputs(PLAN, [str(log)], ValidateOptions(
        good=good, bad=bad, every_finding=True, **options))
    codes = [d.code for d in result.findings or ()]
    return dict(result.summary), good.read_bytes(), bad.read_bytes(), codes


# -- format detection: per line for NDJSON-looking input -------------------------------------

@pytest.mark.parametrize("broken", [
    [b'{"type": "track", "event": "Order'],
    [b'{"type": "track",', b'{"event":', b'{"userId": "u'],
    [b'[{"type": "track"}, {"type"'],
    [b"{"] + [b'{"type": "track", "properties": {'] * 6,
])
def test_broken_first_lines_do_not_turn_a_log_into_one_document(tmp_path: Path,
                                                                 broken: list[bytes]) -> None:
    data = b"".join(line + b"\n" for line in broken) + LINE * 300
    summary, good, bad, codes = run(tmp_path, data)
    assert summary["valid"] == 300
    assert good == LINE * 300
    assert bad == b"".join(line + b"\n" for line in broken)
    assert codes == ["PV001"] * len(broken)


@pytest.mark.parametrize("first", [b"[1, 2]", json.dumps([GOOD, GOOD]).encode()])
def test_a_first_line_that_is_an_array_does_not_make_a_document(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, first: bytes) -> None:
    # Small limits, so that a small log is what a log of gigabytes was: too large to be
    # held as a document (it all went to --bad, unvalidated).
    monkeypatch.setattr(inputs, "MAX_DOCUMENT_BYTES", 4096)
    data = first + b"\n" + LINE * 300
    summary, good, bad, codes = run(tmp_path, data)
    assert summary["valid"] == 300 and good == LINE * 300
    assert bad == first + b"\n" and codes == ["PV002"]


def test_a_log_with_a_broken_first_line_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    path.write_bytes(b'{"type": \n' + LINE * 15_000)
    tracemalloc.start()
    count = sum(1 for r in read_records(str(path)) for i in r.items if i.message is not None)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 15_000
    assert peak < 500_000, peak  # the old reader held the whole file as a document


def test_an_array_document_is_streamed_element_by_element(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps([GOOD] * 50_000, indent=2), "utf-8")
    assert path.stat().st_size > 8_000_000
    tracemalloc.start()
    count = sum(1 for r in read_records(str(path)) for i in r.items if i.message == GOOD)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 50_000
    assert peak < 6_000_000, peak


def test_an_array_larger_than_a_document_is_validated(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_DOCUMENT_BYTES", 4096)
    elements = [GOOD] * 200 + [{**GOOD, "properties": {}}] + [GOOD] * 99
    summary, good, _, codes = run(tmp_path, json.dumps(elements, indent=1).encode(),
                                    name="in.json")
    assert (summary["valid"], summary["invalid"]) == (299, 1)
    assert len(good.splitlines()) > 299 * 5  # each element as it was, pretty-printed
    assert set(codes) == {"PV201"}


def test_a_broken_array_element_costs_only_its_lines(tmp_path: Path) -> None:
    lines = [b"["] + [json.dumps(GOOD).encode() + b","] * 50 + [b'{"type": "tr,'] + \
        [json.dumps(GOOD).encode() + b","] * 49 + [json.dumps(GOOD).encode(), b"]"]
    summary, _, bad, codes = run(tmp_path, b"\n".join(lines) + b"\n", name="in.json")
    assert summary["valid"] == 100
    assert bad == b'{"type": "tr,\n' and codes == ["PV001"]


@pytest.mark.parametrize("broken", [b'{"type": oops},', b'{"type": "track" "event": 1},',
                                    b'{"type": "track", "event": "\\uzzzz"},', b"tru,"])
def test_a_broken_element_of_a_long_array_is_not_called_too_long(tmp_path: Path,
                                                                 broken: bytes) -> None:
    # Found by fuzzing: with more than 1 MiB of the array after it, a broken element of a
    # few bytes was PV004 "an element longer than 1024 KiB", without its column.
    element = json.dumps(GOOD).encode() + b","
    lines = [b"[", element, broken] + [element] * 20_000 + [json.dumps(GOOD).encode(), b"]"]
    data = b"\n".join(lines) + b"\n"
    assert len(data) > 2 * limits.MAX_LINE_BYTES
    records = [r for r in read_records(str(_write(tmp_path / "in.json", data)))
               if r.kind == "problem"]
    # (the element: the comma after it is the array's)
    assert [(r.line, r.raw) for r in records] == [(3, broken.removesuffix(b",") + b"\n")]
    error = records[0].items[0].error
    assert error is not None and error.code == "PV001", error
    assert error.line == 3 and error.column is not None and error.column <= len(broken)


def test_columns_in_a_long_array_count_from_the_start_of_the_line(tmp_path: Path) -> None:
    # Found by fuzzing: the window forgets what it has read at an element's end, mid-line,
    # and a broken element after that point on the same line got its column counted from
    # there (12 instead of 333).
    element = json.dumps(GOOD).encode()
    line = element + b', {"type": oops},'
    data = b"[\n" + (line + b"\n") * 12_000 + element + b"\n]\n"
    assert len(data) > 1.5 * limits.MAX_LINE_BYTES
    column = line.index(b"oops") + 1
    errors = [i.error for r in read_records(str(_write(tmp_path / "in.json", data)))
              for i in r.items if i.error is not None]
    assert len(errors) == 12_000
    assert {(e.code, e.column) for e in errors} == {("PV001", column)}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- bounded: blank lines, gzip, endless input ----------------------------------------------

def test_leading_blank_lines_are_not_held(tmp_path: Path) -> None:
    path = tmp_path / "blank.ndjson.gz"
    path.write_bytes(gzip.compress(b"\n" * 3_000_000 + LINE, compresslevel=1))
    tracemalloc.start()
    records = [(r.line, len(r.raw), len(r.items)) for r in read_records(str(path))]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 8_000_000, peak  # the old reader kept a tuple per blank line (300 MB)
    assert records[-1] == (3_000_001, len(LINE), 1)
    assert sum(size for _, size, items in records if not items) == 3_000_000


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    packed = gzip.compress(data)
    return packed[: int(len(packed) * keep)]


def test_a_truncated_gzip_keeps_its_partial_last_line_in_bad(tmp_path: Path) -> None:
    data = b"".join(json.dumps({**GOOD, "messageId": f"m{i}"}).encode() + b"\n"
                    for i in range(5000))
    summary, good, bad, codes = run(tmp_path, truncated(data), name="in.ndjson.gz")
    assert data.startswith(good + bad.removesuffix(b"\n"))  # nothing read is lost
    assert not bad.endswith(b"}\n") and len(bad) > 1  # the line that was cut short
    assert codes == ["PV005"] and summary["quarantine"]["bad"] == 1
    assert summary["valid"] == len(good.splitlines())


def test_a_corrupt_gzip_keeps_what_it_could_read(tmp_path: Path) -> None:
    import zlib

    data = b"".join(json.dumps({**GOOD, "messageId": f"m{i}"}).encode() + b"\n"
                    for i in range(20_000))
    packed = bytearray(gzip.compress(data))
    packed[len(packed) // 2] ^= 0xFF
    # What zlib can decompress before it finds the damage (fed a byte at a time).
    unzip, readable = zlib.decompressobj(wbits=31), b""
    with pytest.raises(zlib.error):
        for byte in packed:
            readable += unzip.decompress(bytes([byte]))
    summary, good, bad, codes = run(tmp_path, bytes(packed), name="in.gz")
    # Good and bad hold the lines of a prefix of that, each once (a newline added to the
    # last one if it was cut short), and miss less than the last piece zlib was given.
    size = len(good) + len(bad)
    lines = sorted((good + bad).splitlines(keepends=True))
    assert lines in ([*sorted(readable[:size].splitlines(keepends=True))],
                     [*sorted((readable[:size - 1] + b"\n").splitlines(keepends=True))])
    assert size > len(readable) - 2**20
    assert codes[-1] == "PV005" and summary["valid"] > 0


def test_gzip_members_and_padding_are_read_like_gzip(tmp_path: Path) -> None:
    data = gzip.compress(LINE * 3) + gzip.compress(LINE * 2) + b"\0" * 1024
    summary, good, bad, codes = run(tmp_path, data, name="in.gz")
    assert (summary["valid"], good, bad, codes) == (5, LINE * 5, b"", [])


def cli(*args: str, stdin: Any = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-c", "from protocols.cli import main; main()",
                           *args], stdin=stdin, capture_output=True, cwd=REPO, timeout=300)


def test_dev_zero_ends_with_a_finding(tmp_path: Path) -> None:
    done = cli("validate", "--plan", str(PLAN_PATH), "/dev/zero", "-f", "json",
               "--good", str(tmp_path / "good"), "--bad", str(tmp_path / "bad"))
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["by_code"] == {"PV004": 1, "PV006": 1}
    stop = report["diagnostics"][-1]
    assert "line 1 is longer than 64 MiB" in stop["message"]
    assert (tmp_path / "bad").stat().st_size == limits.MAX_RECORD_BYTES + 1  # and a newline


def test_yes_ends_with_a_finding(tmp_path: Path) -> None:
    with subprocess.Popen(["yes"], stdout=subprocess.PIPE) as endless:
        done = cli("validate", "--plan", str(PLAN_PATH), "-", "-f", "json",
                   "--bad", str(tmp_path / "bad"), stdin=endless.stdout)
        endless.kill()
    assert done.returncode == 1, done.stderr
    summary = json.loads(done.stdout)["summary"]
    assert summary["by_code"] == {"PV001": limits.MAX_BROKEN_LINES, "PV006": 1}
    assert (tmp_path / "bad").read_bytes() == b"y\n" * limits.MAX_BROKEN_LINES


def test_endless_blank_lines_end_with_a_finding(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_BLANK_BYTES", 3 * 2**20)
    data = LINE + b"\n" * (10 * 2**20) + LINE
    summary, good, bad, codes = run(tmp_path, gzip.compress(data, 1), name="in.gz")
    assert codes == ["PV006"] and summary["valid"] == 1
    assert 3 * 2**20 < len(good) - len(LINE) <= 4 * 2**20 + 1 and bad == b""


def test_a_stop_across_pieces_is_the_stop_of_one_process(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.setattr(limits, "MAX_BLANK_BYTES", 30_000)
    monkeypatch.setattr(limits, "MAX_BROKEN_LINES", 2_000)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 4096)
    monkeypatch.setattr(parallel, "_BLOCK", 4096)
    # Each run of filler spans several pieces, none of which reaches a limit by itself;
    # broken lines with blank lines between them are one run (blank lines do not end it).
    for filler in (b"\n" * 40_000, b"not json\n" * 2_500, b"x\n\n" * 2_500):
        data = LINE * 100 + filler + LINE * 100
        assert len(parallel.pieces(str(_written(tmp_path, data)), 4096)) > 5
        one = run(tmp_path, data, jobs=1)
        two = run(tmp_path, data, jobs=2)
        assert one == two
        assert one[3][-1] == "PV006" and one[0]["valid"] == 100
    # A run that does not reach the limit: both read to the end, in pieces.
    data = LINE * 100 + b"x\n\n" * 1_500 + LINE * 100
    one, two = run(tmp_path, data, jobs=1), run(tmp_path, data, jobs=2)
    assert one == two and one[0]["valid"] == 200 and "PV006" not in one[3]


def _written(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "in.ndjson"
    path.write_bytes(data)
    return path


# -- which files: each once, unreadable things are findings ---------------------------------

def test_a_symlink_loop_in_a_folder_is_walked_once(tmp_path: Path) -> None:
    (tmp_path / "logs" / "deep").mkdir(parents=True)
    (tmp_path / "logs" / "deep" / "a.ndjson").write_bytes(LINE)
    (tmp_path / "logs" / "deep" / "up").symlink_to(tmp_path / "logs")
    (tmp_path / "logs" / "again.ndjson").symlink_to(tmp_path / "logs" / "deep" / "a.ndjson")
    os.link(tmp_path / "logs" / "deep" / "a.ndjson", tmp_path / "logs" / "hard.ndjson")
    found = expand_inputs([str(tmp_path / "logs")])
    assert len(found) == 1 and os.path.samefile(found[0], tmp_path / "logs/deep/a.ndjson")


def test_a_glob_through_a_symlink_loop_reads_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "a.ndjson").write_bytes(LINE)
    (tmp_path / "logs" / "b.ndjson").write_bytes(LINE)
    (tmp_path / "logs" / "loop").symlink_to(tmp_path / "logs")
    found = expand_inputs([str(tmp_path / "logs" / "**" / "*.ndjson"),
                           str(tmp_path / "logs" / "a.ndjson")])
    assert found == [str(tmp_path / "logs" / "a.ndjson"), str(tmp_path / "logs" / "b.ndjson")]


def test_globs_match_as_glob_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import glob

    for name in ("a/x.ndjson", "a/b/y.ndjson", "a/b/c/z.json", "a/.h/w.ndjson", "a/.v.ndjson",
                 "q/r.log"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(LINE)
    monkeypatch.chdir(tmp_path)
    for pattern in ("a/**/*.ndjson", "a/*/*.ndjson", "*/*.log", "a/**", "**/*.json",
                    "a/.*.ndjson", "a/b/../x.ndjson", "[aq]/*"):
        expected = sorted(p for p in glob.glob(pattern, recursive=True) if os.path.isfile(p))
        if expected:
            assert expand_inputs([pattern]) == expected, pattern


def test_an_unreadable_folder_is_a_finding(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # (The tests run as root, whom permissions do not stop: the listing is made to fail.)
    (tmp_path / "logs" / "locked").mkdir(parents=True)
    (tmp_path / "logs" / "a.ndjson").write_bytes(LINE)
    (tmp_path / "logs" / "gone.ndjson").symlink_to(tmp_path / "nowhere.ndjson")
    real = os.scandir
    locked = str(tmp_path / "logs" / "locked")

    def scandir(path: Any = ".") -> Iterator[os.DirEntry[str]]:
        if str(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert sources.os.scandir is scandir
    result = CliRunner().invoke(app, ["validate", "--plan", str(PLAN_PATH),
                                      str(tmp_path / "logs"), "-f", "json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    problems = sorted(d["message"] for d in report["diagnostics"] if d["code"] == "PV005")
    assert len(problems) == 2 and report["summary"]["valid"] == 1
    assert "cannot list the folder" in problems[0] and "Permission denied" in problems[0]
    assert "gone.ndjson" in problems[1] and "No such file or directory" in problems[1]


def test_the_text_report_does_not_load_a_big_log(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from protocols.report import base

    monkeypatch.setattr(base, "MAX_CACHED_SOURCE", 10_000)
    path = tmp_path / "big.ndjson"
    path.write_bytes(LINE * 500 + b'{"type": "track",,}\n' + LINE * 500)
    result = CliRunner().invoke(app, ["validate", "--plan", str(PLAN_PATH), str(path)])
    assert '501 | {"type": "track",,}' in result.output
    assert str(path) not in linecache.cache


def test_blank_lines_read_ahead_by_detection_keep_their_place(tmp_path: Path) -> None:
    # A first line that is a JSON array makes detection read the next lines; a blank line
    # among them once took the blank lines after them in the stream (a crash: hypothesis
    # found it in the quarantine property).
    data = b"[1]\n\n" + LINE + b"\n"
    summary, good, bad, codes = run(tmp_path, data)
    assert (summary["messages"], summary["unparseable"], codes) == (2, 1, ["PV002"])
    assert Counter((good + bad).splitlines(keepends=True)) == \
        Counter(data.splitlines(keepends=True))
