"""JSON array documents, on one line or pretty-printed: read element by element, a broken
element one unparseable message at its start, bounded on any input.

Each test here failed before its fix: a one-line array over 1 MiB (what ``jq -c`` writes)
was one NDJSON line too long to read (PV004), nothing in it validated; a broken element of a
pretty-printed array made the reader go on at its next line, inside it, so that its keys
became messages (a 4-message array read as 10, 7 of them unparseable); each broken element
cost ~350 us, its error position counting the lines of the whole window.
"""

from __future__ import annotations

import gzip
import json
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols import load_plan
from protocols.validate.read import arrays, limits
from protocols.validate.read.inputs import read_records
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
INVALID = {**GOOD, "properties": {"order_id": "o1", "currency": "USD"}}  # (total missing)
BROKEN = '{"type": "track", "event": oops, "userId": "u1"}'
MiB = 2**20


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def run(tmp_path: Path, data: bytes, name: str = "in.json", **options: Any
        ) -> tuple[dict[str, Any], bytes, bytes, list[Any]]:
    """Validate ``data``: (summary, good file, bad file, findings)."""
    log = tmp_path / name
    log.write_bytes(data)
    folder = tmp_path / f"jobs{options.get('jobs', 1)}"
    good, bad = folder / "good", folder / "bad"
    result = validate_inputs(PLAN, [str(log)], ValidateOptions(
        good=good, bad=bad, every_finding=True, **options))
    return dict(result.summary), good.read_bytes(), bad.read_bytes(), list(result.findings or ())


def errors(path: Path) -> list[tuple[int, str, int, int | None]]:
    """(record line, code, line, column) of every finding of the reader."""
    return [(r.line, i.error.code, i.error.line or 0, i.error.column)
            for r in read_records(str(path)) for i in r.items if i.error is not None]


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


# -- a one-line array over 1 MiB -------------------------------------------------------------

def test_a_one_line_array_over_a_mebibyte_is_read_element_by_element(tmp_path: Path) -> None:
    elements = [compact({**GOOD, "messageId": f"m{i}"}) for i in range(12_000)]
    elements[5_000] = compact(INVALID)
    elements[9_000] = BROKEN
    line = "[" + ",".join(elements) + "]"
    assert len(line) > 1.5 * MiB
    summary, good, bad, findings = run(tmp_path, line.encode())
    assert (summary["messages"], summary["valid"], summary["invalid"],
            summary["unparseable"]) == (12_000, 11_998, 1, 1)
    assert good == "".join(e + "\n" for i, e in enumerate(elements)
                           if i not in (5_000, 9_000)).encode()
    assert bad == (elements[5_000] + "\n" + BROKEN + "\n").encode()
    syntax = [d for d in findings if d.code == "PV001"]
    column = line.index("oops") + 1
    assert [(d.line, d.column) for d in syntax] == [(1, column)]
    assert [d.code for d in findings if d.code != "PV001"] == ["PV201"]


def test_a_one_line_array_gives_the_same_result_on_two_jobs(tmp_path: Path) -> None:
    elements = [compact({**GOOD, "messageId": f"m{i}", "event": "Order-Completed"}
                        if i % 7 else GOOD) for i in range(20_000)]
    elements[4] = BROKEN
    data = ("[" + ",".join(elements) + "]\n").encode()
    one = run(tmp_path, data, jobs=1)
    two = run(tmp_path, data, jobs=2)
    assert one[0]["messages"] == 20_000 and one[0]["unparseable"] == 1
    assert one == two


def test_a_one_line_array_is_streamed(tmp_path: Path) -> None:
    path = write(tmp_path / "big.json",
                 ("[" + ",".join([compact(GOOD)] * 200_000) + "]").encode())
    assert path.stat().st_size > 20 * MiB
    tracemalloc.start()
    count = sum(1 for r in read_records(str(path)) for i in r.items if i.message == GOOD)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 200_000
    assert peak < 8 * MiB, peak


def test_a_one_line_array_in_gzip_with_a_bom(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbf[" + ",".join([compact(GOOD)] * 20_000).encode() + b"]\n"
    assert len(data) > MiB
    summary, good, _, _ = run(tmp_path, gzip.compress(data), name="in.json.gz")
    assert (summary["messages"], summary["valid"]) == (20_000, 20_000)
    assert good == (compact(GOOD) + "\n").encode() * 20_000


def test_lines_after_a_one_line_array_are_read_as_ndjson(tmp_path: Path) -> None:
    # A log whose first line is an array over 1 MiB: too long to hold and see what follows,
    # it is read as an array (its elements are messages, as a batch's are); the lines after
    # it are read line by line, as they would have been.
    first = "[" + ",".join([compact(GOOD)] * 15_000) + "]"
    lines = [compact(GOOD), "{not json", compact(INVALID)]
    data = (first + "\n" + "\n".join(lines) + "\n").encode()
    one = run(tmp_path, data, name="in.ndjson")
    summary, good, bad, findings = one
    assert (summary["messages"], summary["valid"], summary["invalid"],
            summary["unparseable"]) == (15_003, 15_001, 1, 1)
    assert good == (compact(GOOD) + "\n").encode() * 15_001
    assert bad == ("{not json\n" + compact(INVALID) + "\n").encode()
    assert sorted((d.code, d.line) for d in findings) == [("PV001", 3), ("PV201", 4)]
    assert run(tmp_path, data, name="in.ndjson", jobs=2) == one


def test_what_follows_a_long_array_on_its_own_line_is_one_bad_record(tmp_path: Path) -> None:
    first = "[" + ",".join([compact(GOOD)] * 15_000) + "]"
    data = (first + "  trailing junk\n" + compact(GOOD) + "\n").encode()
    found = errors(write(tmp_path / "in.json", data))
    assert found == [(1, "PV001", 1, len(first) + 3)]
    summary, _, bad, _ = run(tmp_path, data)
    assert (summary["valid"], summary["unparseable"]) == (15_001, 1)
    assert bad == b"trailing junk\n"


def test_a_long_line_that_is_not_an_array_is_still_one_line_too_long(tmp_path: Path) -> None:
    data = b'{"type": "track", "blob": "' + b"x" * (2 * MiB) + b'"}\n' + \
        compact(GOOD).encode() + b"\n"
    assert errors(write(tmp_path / "in.ndjson", data)) == [(1, "PV004", 1, None)]


# -- a broken element is one message ---------------------------------------------------------

def test_a_broken_element_of_a_pretty_array_is_one_unparseable_message(tmp_path: Path) -> None:
    elements = [json.dumps({**GOOD, "messageId": f"m{i}"}, indent=2) for i in range(4)]
    elements[2] = elements[2].replace('"o1"', "o1")  # a bad token, inside the element
    text = "[\n" + ",\n".join(elements) + "\n]\n"
    summary, good, bad, findings = run(tmp_path, text.encode())
    assert (summary["messages"], summary["valid"], summary["unparseable"]) == (4, 3, 1)
    assert bad == elements[2].encode() + b"\n"
    assert good == b"".join(e.encode() + b"\n" for i, e in enumerate(elements) if i != 2)
    start = text[: text.index(elements[2])].count("\n") + 1
    at = text.index("o1,")
    (finding,) = findings
    assert (finding.code, finding.line, finding.column) == (
        "PV001", text[:at].count("\n") + 1, at - text.rindex("\n", 0, at))
    assert [r.line for r in read_records(str(tmp_path / "in.json"))
            if r.kind == "problem"] == [start]


ELEMENT = '{"type": "track", "event": "E", "userId": "u"}'


@pytest.mark.parametrize(("text", "expected"), [
    # (what is read, as (record line, code or "ok", the record's bytes))
    pytest.param('[{"a": 1}, {"b": tru, "c": [1, {"d": 2}]}, {"e": 3}]',
                 [(1, "ok", '{"a": 1}'), (1, "PV001", '{"b": tru, "c": [1, {"d": 2}]}'),
                  (1, "ok", '{"e": 3}')], id="a bad token, one line"),
    pytest.param('[\n  {\n    "a": [\n      1,\n      {"b": NaN}\n    ]\n  },\n  {\n    "c": 1\n  }\n]\n',
                 [(2, "PV001", '{\n    "a": [\n      1,\n      {"b": NaN}\n    ]\n  }'),
                  (8, "ok", '{\n    "c": 1\n  }')], id="NaN, pretty-printed"),
    pytest.param('[\n  {\n    "a": {\n      "b": \n  {\n    "c": 1\n  },\n  {\n    "d": 2\n  }\n]\n',
                 [(2, "PV001", '{\n    "a": {\n      "b":'), (5, "ok", '{\n    "c": 1\n  }'),
                  (8, "ok", '{\n    "d": 2\n  }')], id="cut short, pretty-printed"),
    pytest.param('[\n  {\n  {\n    "c": 1\n  }\n]\n',
                 [(2, "PV001", "{"), (3, "ok", '{\n    "c": 1\n  }')],
                 id="cut short after its opening line"),
    pytest.param('[\n{"type": "tr\n{"a": 1},\n{"b": [1, 2\n]\n',
                 [(2, "PV001", '{"type": "tr'), (3, "ok", '{"a": 1}'), (4, "PV001", '{"b": [1, 2')],
                 id="cut short, an element a line"),
    pytest.param('[\n{"a": "x"y", "b": [1]},\n{"c": 1}\n]\n',
                 [(2, "PV001", '{"a": "x"y", "b": [1]},'), (3, "ok", '{"c": 1}')],
                 id="a quote too many, an element a line"),
    pytest.param('[{"a": 1} {"b": 2}, {"c": 3}]',
                 [(1, "ok", '{"a": 1}'), (1, "PV001", '{"b": 2}'), (1, "ok", '{"c": 3}')],
                 id="a missing comma"),
    pytest.param('[{"a": 1}}, {"b": 2} x, {"c": 3}]',
                 [(1, "PV001", '{"a": 1}}'), (1, "PV001", '{"b": 2} x'), (1, "ok", '{"c": 3}')],
                 id="something after an element"),
    pytest.param('[{"a": "]},{"}, {"b": "\\"],["}, {"c": 1} "]',
                 [(1, "ok", '{"a": "]},{"}'), (1, "ok", '{"b": "\\"],["}'),
                  (1, "PV001", '{"c": 1} "]')], id="brackets in strings"),
    pytest.param('[{"a": 1}, {"b": "never closed, ]}',
                 [(1, "ok", '{"a": 1}'), (1, "PV001", '{"b": "never closed, ]}')],
                 id="a string to the end of the input"),
    pytest.param('[\n  {"a": 1},\n  {"b": [[[[\n',
                 [(2, "ok", '{"a": 1}'), (3, "PV001", '{"b": [[[[')],
                 id="brackets to the end of the input"),
])
def test_a_broken_element_ends_where_its_brackets_say(tmp_path: Path, text: str,
                                                      expected: list[tuple[int, str, str]]
                                                      ) -> None:
    records = list(read_records(str(write(tmp_path / "in.json", text.encode()))))
    found = [(r.line, i.error.code if i.error else "ok", r.raw.decode().removesuffix("\n"))
             for r in records for i in r.items]
    assert found == expected
    for record in records:  # the finding is inside its record
        error = record.items[0].error
        if error is not None:
            assert error.line is not None and record.line <= error.line <= \
                record.line + record.raw.count(b"\n")


def test_a_broken_stretch_to_the_end_of_the_input_is_one_message_with_its_position(
        tmp_path: Path) -> None:
    text = '[\n  {"a": 1},\n  {"b": "a string never closed\n  , "c": [1, 2}\n'
    (record,) = [r for r in read_records(str(write(tmp_path / "in.json", text.encode())))
                 if r.kind == "problem"]
    error = record.items[0].error
    assert error is not None and record.line == 3
    assert record.raw == text[text.index('{"b"'):].rstrip().encode() + b"\n"
    # (where JSON breaks: the line end inside the string)
    assert (error.code, error.line, error.column) == (
        "PV001", 3, len('  {"b": "a string never closed') + 1)


# -- bounded ---------------------------------------------------------------------------------

@pytest.mark.parametrize("endless", [b'{"a": "' + b"x" * MiB, b'{"a": ' + b"[" * MiB,
                                     b'{"a": [' + b"[]" * (MiB // 2), b"1" * MiB,
                                     b'{"a": [' + b"[]\n" * (MiB // 3)])
def test_a_broken_element_without_end_is_read_in_bounded_time_and_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, endless: bytes) -> None:
    monkeypatch.setattr(limits, "MAX_RECORD_BYTES", 4 * MiB)
    path = tmp_path / "in.json"
    with path.open("wb") as handle:
        handle.write(b"[\n" + compact(GOOD).encode() + b",")
        for _ in range(16):  # 16 MiB, four times as long as a record may be
            handle.write(endless)
    tracemalloc.start()
    started = time.perf_counter()
    records, first, last = 0, [], []  # (not all: 100,000 records would be held here)
    for record in read_records(str(path)):
        records += 1
        last = [(len(record.raw) + sum(len(c) for c in record.tail or ()),
                 [i.error.code for i in record.items if i.error]), *last[:1]]
        first = first or last
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 16 * MiB, peak
    assert elapsed < 30, elapsed
    assert first[0][1] == []  # the element before
    assert last[0][1] == ["PV006"]
    if endless.endswith(b"\n"):  # lines that start values: each is a record, until the limit
        assert records > 1000
    else:  # one bad record up to the limit, then reading stops
        assert records == 3 and last[1][1] in (["PV001"], ["PV004"])
        assert last[1][0] == 4 * MiB  # its bytes, up to where reading stopped


def test_white_space_between_elements_is_not_held(tmp_path: Path) -> None:
    path = tmp_path / "in.json"
    with path.open("wb") as handle:
        handle.write(b"[\n" + compact(GOOD).encode() + b",\n")
        for _ in range(8):
            handle.write(b" " * MiB)
        handle.write(compact(GOOD).encode() + b"\n]\n")
    tracemalloc.start()
    count = sum(1 for r in read_records(str(path)) for i in r.items if i.message == GOOD)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 2
    assert peak < 6 * MiB, peak  # the old reader held every space (and took 20 s per 200 MiB)


def test_a_broken_element_costs_no_more_than_its_own_text(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The decoder's error counts the lines of all the text it was given, before the error: it
    # is given a piece from the element on, not the window (a MiB or two), so a broken
    # element costs its own length. It cost ~350 us each, 20 times a good one.
    given_sizes: list[int] = []
    decoder = arrays.DECODER

    class Counting:
        def raw_decode(self, text: str, start: int = 0) -> tuple[Any, int]:
            given_sizes.append(len(text) - start)
            return decoder.raw_decode(text, start)

    monkeypatch.setattr(arrays, "DECODER", Counting())
    elements = [compact(GOOD), BROKEN] * 10_000
    line = ("[\n" + ",\n".join(elements) + "\n]\n").encode()
    assert len(line) > arrays.CHUNK
    path = write(tmp_path / "in.json", line)
    assert [c for _, c, _, _ in errors(path)] == ["PV001"] * 10_000
    assert max(given_sizes) <= 4096, max(given_sizes)  # (the window, before: 1 to 2 MiB)


def test_broken_elements_of_a_one_line_array_are_scanned_as_far_as_they_go(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Found in review: the scan of a broken stretch looked for the next quote or line end,
    # then counted the brackets of all the text up to it; a one-line array of broken
    # elements with no quote in the window scanned the rest of the window for each
    # (quadratic: 64,000 of them took 15 s).
    scanned: list[int] = []
    outside = arrays._outside_strings

    def counting(text: str, position: int, stop: int, depth: int) -> Any:
        scanned.append(stop - position)
        return outside(text, position, stop, depth)

    monkeypatch.setattr(arrays, "_outside_strings", counting)
    data = b"[" + b"x," * 20_000 + b"{}," * 10 + b"{}]"
    path = write(tmp_path / "in.json", data)
    found = errors(path)
    assert len(found) == 20_000 and {c for _, c, _, _ in found} == {"PV001"}
    # (each element's scan reads its own text and at most one first piece past it; before,
    # the rest of the window: about 400 million characters here)
    assert sum(scanned) <= 2 * len(data) + 20_000 * 256, sum(scanned)


def test_a_bom_before_an_array_of_several_lines_is_not_its_end(tmp_path: Path) -> None:
    # An array that opens on its first line was parsed as a document, then read from its
    # first byte: the BOM, where the reader saw no "[" and read nothing (two messages lost).
    data = b"\xef\xbb\xbf[" + compact(GOOD).encode() + b",\n" + compact(GOOD).encode() + b"]\n"
    summary, good, _, _ = run(tmp_path, data)
    assert (summary["messages"], summary["valid"]) == (2, 2)
    assert good == (compact(GOOD) + "\n").encode() * 2


# -- every element is one message ------------------------------------------------------------

# Breaking an element without touching its brackets, commas or quotes: what logs hold.
TOKENS = ["tru", "NaN", "01", "1.2.3", "+1", "'x'", "undefined", "0x10"]


@st.composite
def broken_element(draw: st.DrawFn, text: str, *, lines: bool) -> tuple[str, bool]:
    """``text`` (one element as laid out) broken in one of the ways logs are broken, and
    whether it was cut short (only where lines tell where the next element starts)."""
    kinds = ["token", "colon", "comma", "trailing", "escape"] + (["cut"] if lines else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "token":
        return text.replace('"u1"', draw(st.sampled_from(TOKENS)), 1), False
    if kind == "colon":
        return text.replace('"userId":', '"userId"', 1), False
    if kind == "comma":
        return text.replace('"track",', '"track"', 1), False
    if kind == "trailing":
        return text.replace('"o1"', '"o1",', 1), False
    if kind == "escape":
        return text.replace('"u1"', '"u\\q"', 1), False
    return text[:draw(st.integers(1, len(text) - 2))].rstrip(), True


messages = st.builds(lambda event, name, nested: {
    **GOOD, "event": event, "properties": {**GOOD["properties"], "name": name, "nested": nested}},
    st.sampled_from(["Order Completed", "Order Shipped"]),
    st.sampled_from(["a", "b,]}", '[{"x":', "\\"]),
    st.sampled_from([[], [1, {"a": [2]}], {"b": {"c": None}}]))


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(data=st.data(), elements=st.lists(messages, min_size=1, max_size=8),
       layout=st.sampled_from(["compact", "spaced", "line", "pretty1", "pretty2", "pretty4",
                               "pretty0"]),
       ending=st.sampled_from(["\n", "\r\n"]))
def test_every_element_is_one_message(tmp_path: Path, data: st.DataObject,
                                      elements: list[dict[str, Any]], layout: str,
                                      ending: str) -> None:
    if layout.startswith("pretty"):
        indent = int(layout[-1])
        texts = [json.dumps(e, indent=indent).replace("\n", "\n" + " " * indent)
                 for e in elements]
        before, between, after = "[\n" + " " * indent, ",\n" + " " * indent, "\n]"
    elif layout == "line":
        texts = [json.dumps(e) for e in elements]
        before, between, after = "[\n", ",\n", "\n]"
    else:
        texts = [json.dumps(e) if layout == "spaced" else compact(e) for e in elements]
        before, between, after = "[", ", " if layout == "spaced" else ",", "]"
    # (an element cut short can be told from the next one by its lines: not on one line, nor
    # where every line starts at the same column)
    lines = layout not in ("compact", "spaced", "pretty0")
    broken = data.draw(st.sets(st.integers(0, len(texts) - 1)), label="broken")
    cut = set()
    for index in sorted(broken):
        texts[index], cut_short = data.draw(broken_element(texts[index], lines=lines),
                                            label="how")
        if cut_short:
            cut.add(index)
    # (an element cut short loses the comma after it too: the next starts on the next line)
    text = before + "".join(
        element + ("" if index == len(texts) - 1 else
                   between.removeprefix(",") if index in cut else between)
        for index, element in enumerate(texts)) + after + "\n"
    path = write(tmp_path / "in.json", text.replace("\n", ending).encode())
    records = [r for r in read_records(str(path)) if r.items]
    assert len(records) == len(elements)
    assert [index for index, r in enumerate(records) if r.kind == "problem"] == sorted(broken)
    # Each element starts at its record's line and column (in characters) in the file's text,
    # and so do its messages.
    rows = path.read_bytes().decode("utf-8").split("\n")
    for record in records:
        assert record.column is not None
        begins = rows[record.line - 1][record.column - 1:]
        assert begins.startswith(record.raw.decode("utf-8").rstrip("\n").split("\n")[0])
        assert begins[:1] == "{" or record.kind == "problem"
        assert all((i.line, i.column) == (record.line, record.column) for i in record.items)
    # Each has its place in the array, broken or not.
    assert [record.index for record in records] == list(range(len(elements)))
    summary, _, _, findings = run(tmp_path, text.replace("\n", ending).encode())
    assert summary["messages"] == len(elements)
    assert summary["unparseable"] == len(broken)
    assert summary["valid"] + summary["invalid"] + summary["unparseable"] == len(elements)
    # Each finding about a message that was read points at its element.
    starts = {(r.line, r.column) for r in records if r.kind != "problem"}
    about = [(d.line, d.column) for d in findings if d.code[:3] != "PV0"]
    assert about or not starts  # (every message read has an unplanned property at least)
    assert set(about) <= starts
    # And names it by its place: first in the path, as a broken element's finding does.
    places = {(r.line, r.column): r.index for r in records}
    assert all((d.path or "").startswith(f"[{places[d.line, d.column]}].")
               for d in findings if d.code[:3] != "PV0")
    assert sorted(d.path or "" for d in findings if d.code[:3] == "PV0") == sorted(
        f"[{index}]" for index in broken)

