"""Input formats and broken input: every format is detected per file, nothing raises."""

from __future__ import annotations

import gzip
import io
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from protocols.validate.read.inputs import MAX_LINE_BYTES, InputError, expand_inputs, read_records
from protocols.validate.read.records import Record

MESSAGE = {"type": "track", "event": "Order Completed", "userId": "u1",
           "properties": {"order_id": "o1"}}
LINE = json.dumps(MESSAGE)


def read(path: Path) -> list[Record]:
    return list(read_records(str(path)))


def items(records: list[Record]) -> list[tuple[int, Any, str | None]]:
    """(line, message or None, error code or None) for every item."""
    return [(i.line, i.message, i.error.code if i.error else None)
            for r in records for i in r.items]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_ndjson(tmp_path: Path) -> None:
    path = write(tmp_path, "a.ndjson", f"{LINE}\n{LINE}\n".encode())
    assert items(read(path)) == [(1, MESSAGE, None), (2, MESSAGE, None)]


def test_crlf_bom_and_blank_lines(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + f"{LINE}\r\n\r\n   \n{LINE}".encode()
    records = read(write(tmp_path, "a.jsonl", data))
    assert items(records) == [(1, MESSAGE, None), (4, MESSAGE, None)]
    assert b"".join(r.raw for r in records) == data


def test_json_array_pretty_printed(tmp_path: Path) -> None:
    data = json.dumps([MESSAGE, MESSAGE], indent=2).encode()
    records = read(write(tmp_path, "a.json", data))
    assert items(records) == [(2, MESSAGE, None), (10, MESSAGE, None)]
    assert [json.loads(r.raw) for r in records] == [MESSAGE, MESSAGE]


def test_json_array_with_bom_on_one_line(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf" + json.dumps([MESSAGE, 3]).encode()
    assert items(read(write(tmp_path, "a.json", data))) == [(1, MESSAGE, None), (1, None, "PV002")]


def test_empty_array_and_empty_file(tmp_path: Path) -> None:
    assert items(read(write(tmp_path, "a.json", b"[\n]\n"))) == []
    assert items(read(write(tmp_path, "b.ndjson", b""))) == []


def test_one_pretty_printed_object(tmp_path: Path) -> None:
    data = json.dumps(MESSAGE, indent=2).encode()
    records = read(write(tmp_path, "a.json", data))
    assert items(records) == [(1, MESSAGE, None)]
    assert records[0].raw == data


def test_batch_file(tmp_path: Path) -> None:
    data = json.dumps({"batch": [MESSAGE, "x", MESSAGE]}, indent=1).encode()
    found = [(i.message, i.error.code if i.error else None, i.prefix)
             for r in read(write(tmp_path, "a.json", data)) for i in r.items]
    assert found == [(MESSAGE, None, ("batch", 0)), (None, "PV002", ("batch", 1)),
                     (MESSAGE, None, ("batch", 2))]


def test_batch_per_line(tmp_path: Path) -> None:
    line = json.dumps({"batch": [MESSAGE, MESSAGE]})
    records = read(write(tmp_path, "a.ndjson", f"{line}\n{LINE}\n".encode()))
    assert [len(r.items) for r in records] == [2, 1]
    assert items(records) == [(1, MESSAGE, None), (1, MESSAGE, None), (2, MESSAGE, None)]


@pytest.mark.parametrize("name", ["a.ndjson.gz", "no-suffix"])
def test_gzip_is_detected_by_magic_bytes(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, gzip.compress(f"{LINE}\n{LINE}\n".encode()))
    assert items(read(path)) == [(1, MESSAGE, None), (2, MESSAGE, None)]


def test_gzip_json_array(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json.gz", gzip.compress(json.dumps([MESSAGE]).encode()))
    assert items(read(path)) == [(1, MESSAGE, None)]


def test_truncated_gzip_keeps_earlier_lines(tmp_path: Path) -> None:
    packed = gzip.compress((LINE + "\n").encode() * 2000)
    found = items(read(write(tmp_path, "a.gz", packed[: len(packed) // 2])))
    assert found[-1][2] == "PV005"
    assert found[0] == (1, MESSAGE, None) and len(found) > 2


@pytest.mark.parametrize(("line", "code", "column"), [
    (b'{"type": "track",', "PV001", 18),
    (b'{"type": NaN}', "PV001", None),
    (b"[" * 100_000, "PV001", None),
    (b"garbage", "PV001", 1),
    (b'"just a string"', "PV002", None),
    (b"42", "PV002", None),
    (b"null", "PV002", None),
    (b'{"type": "caf\xe9"}', "PV003", 14),
])
def test_broken_lines_are_findings_and_the_run_goes_on(tmp_path: Path, line: bytes, code: str,
                                                       column: int | None) -> None:
    path = write(tmp_path, "a.ndjson", LINE.encode() + b"\n" + line + b"\n" + LINE.encode())
    records = read(path)
    assert items(records)[0] == (1, MESSAGE, None)
    assert items(records)[2] == (3, MESSAGE, None)
    error = records[1].items[0].error
    assert error is not None and error.code == code
    assert (error.file, error.line) == (str(path.relative_to(Path.cwd()))
                                        if path.is_relative_to(Path.cwd()) else str(path), 2)
    if column is not None:
        assert error.column == column


def test_first_line_broken_then_ndjson(tmp_path: Path) -> None:
    path = write(tmp_path, "a.ndjson", b'{"type": \n' + f"{LINE}\n{LINE}\n".encode())
    assert [c for _, _, c in items(read(path))] == ["PV001", None, None]


def test_broken_array_element_costs_its_lines_only(tmp_path: Path) -> None:
    path = write(tmp_path, "a.json", b'[\n  {"type": "track"},\n  {"type": \n]\n')
    records = read(path)
    assert [r.line for r in records] == [2, 3]
    assert records[0].items[0].message == {"type": "track"}
    error = records[1].items[0].error
    assert error is not None and (error.code, error.line, error.column) == ("PV001", 3, 11)
    # The element, cut short: the "]" on the next line closes the array, as its column says.
    assert records[1].raw == b'{"type":\n'


def test_huge_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    big = b'{"type": "track", "blob": "' + b"x" * (MAX_LINE_BYTES * 3) + b'"}'
    path = write(tmp_path, "a.ndjson", big + b"\n" + LINE.encode() + b"\n")
    records = read_records(str(path))
    first = next(records)
    assert first.items[0].error is not None and first.items[0].error.code == "PV004"
    assert len(first.raw) <= MAX_LINE_BYTES + 1
    second = next(records)  # the unread tail is skipped
    assert second.items[0].message == MESSAGE and second.line == 2


def test_huge_line_tail_gives_back_every_byte(tmp_path: Path) -> None:
    big = b"y" * (MAX_LINE_BYTES * 2 + 17) + b"\n"
    path = write(tmp_path, "a.ndjson", big)
    records = read_records(str(path))
    record = next(records)
    assert record.raw + b"".join(record.tail or ()) == big


def test_binary_file(tmp_path: Path) -> None:
    data = bytes(range(256)) * 5000
    found = items(read(write(tmp_path, "a.log", data)))
    assert found and all(message is None and code for _, message, code in found)


def test_unreadable_file_is_a_finding(tmp_path: Path) -> None:
    records = read(tmp_path)  # a directory cannot be opened as a file
    assert [i.error.code for r in records for i in r.items if i.error] == ["PV005"]


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    data = f"{LINE}\n[1]\n".encode()

    class FakeStdin:
        buffer = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    records = list(read_records("-"))
    assert [r.file for r in records] == ["<stdin>", "<stdin>"]
    assert items(records) == [(1, MESSAGE, None), (2, None, "PV002")]


def test_ndjson_is_streamed(tmp_path: Path) -> None:
    path = tmp_path / "big.ndjson"
    with path.open("wb") as handle:
        for _ in range(15_000):
            handle.write(LINE.encode() + b"\n")
    assert path.stat().st_size > 1_400_000
    tracemalloc.start()
    count = sum(len(r.items) for r in read_records(str(path)))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 15_000
    assert peak < 500_000, peak


def test_expand_inputs(tmp_path: Path) -> None:
    (tmp_path / "logs" / "deep").mkdir(parents=True)
    for name in ("logs/b.ndjson", "logs/a.json", "logs/deep/c.ndjson.gz", "logs/notes.txt",
                 "logs/.hidden.ndjson"):
        (tmp_path / name).write_text("", "utf-8")
    folder = str(tmp_path / "logs")
    assert expand_inputs([folder]) == [str(tmp_path / p) for p in
                                       ("logs/a.json", "logs/b.ndjson", "logs/deep/c.ndjson.gz")]
    assert expand_inputs([folder + "/*.ndjson", "-"]) == [str(tmp_path / "logs/b.ndjson"), "-"]
    assert expand_inputs([folder + "/**/*.gz"]) == [str(tmp_path / "logs/deep/c.ndjson.gz")]
    assert expand_inputs([str(tmp_path / "logs/notes.txt")]) == [str(tmp_path / "logs/notes.txt")]
    for bad in (str(tmp_path / "nope.ndjson"), folder + "/*.csv", str(tmp_path / "logs/deep/x")):
        with pytest.raises(InputError):
            expand_inputs([bad])
