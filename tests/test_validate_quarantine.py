"""Quarantine accounting: every input record lands in exactly one file, byte for byte."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from protocols import load_plan
from protocols.validate.read.limits import is_blank
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "properties": {"order_id": "o1", "currency": "USD", "total": 3}}
BAD = {"type": "track", "event": "Order Completed", "userId": "u1",
       "properties": {"order_id": 5, "currency": "usd"}}

good_lines = st.sampled_from([GOOD, {**GOOD, "anonymousId": None},
                              {"type": "identify", "userId": "u", "traits": {"email": "a@b.io"}}]
                             ).map(lambda m: json.dumps(m).encode())
bad_lines = st.sampled_from([BAD, {"type": "nope"}, {"type": "track", "event": "x"}, [1]]
                            ).map(lambda m: json.dumps(m).encode())
garbage = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b" "))
lines = st.lists(st.tuples(st.one_of(good_lines, bad_lines, garbage),
                           st.sampled_from([b"\n", b"\r\n"])), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=lines, final_newline=st.booleans())
def test_good_plus_bad_is_the_input(tmp_path: Path, lines: list[tuple[bytes, bytes]],
                                    final_newline: bool) -> None:
    raw = [text + ending for text, ending in lines]
    if not final_newline:
        raw[-1] = lines[-1][0]
    # A file that is one JSON array as a whole, or opens with "[" alone on a line, is an array
    # document, quarantined per element (test_array_documents_are_split_per_message); this
    # property is about line logs.
    assume(not _is_json_array(b"".join(raw)))
    assume(next((r.strip() for r in raw if r.strip()), b"").lstrip(b"\xef\xbb\xbf") != b"[")
    log = tmp_path / "in.ndjson"
    log.write_bytes(b"".join(raw))
    good, bad, reasons = tmp_path / "good", tmp_path / "bad", tmp_path / "reasons"
    result = validate_inputs(PLAN, [str(log)], ValidateOptions(good=good, bad=bad,
                                                               bad_reasons=reasons))
    # The input, with a newline added to a last line that lacked one.
    expected = [r if r.endswith(b"\n") or not r else r + b"\n" for r in raw]
    out_good = _split([good.read_bytes()])
    out_bad = _split([bad.read_bytes()])
    assert Counter(out_good) + Counter(out_bad) == Counter(_split(expected))
    assert len(out_good) + len(out_bad) == sum(len(_split([r])) for r in expected)
    summary = result.summary
    assert summary["valid"] + summary["invalid"] + summary["unparseable"] == summary["messages"]
    # One record per line with content (blank lines go to the good file uncounted), except
    # that a file opening like a JSON document ("[" or "{" on its first line) that is neither
    # a document nor NDJSON is one broken record.
    records = summary["quarantine"]["good"] + summary["quarantine"]["bad"]
    # (a BOM alone on the first line is blank too)
    assert records == sum(1 for n, r in enumerate(raw, 1) if not is_blank(r, n)) or (
        records == 1 and summary["unparseable"] == 1)
    reason_rows = [json.loads(line) for line in reasons.read_text("utf-8").splitlines()]
    assert len(reason_rows) == summary["quarantine"]["bad"]
    for row in reason_rows:  # each reason points at its line in the bad file
        assert row["codes"]
        assert out_bad[row["bad_line"] - 1] == expected[row["line"] - 1]


def _is_json_array(data: bytes) -> bool:
    try:
        return isinstance(json.loads(data.lstrip(b"\xef\xbb\xbf")), list)
    except ValueError:
        return False


def _split(chunks: list[bytes]) -> list[bytes]:
    """Lines ended by \n only (a lone \r inside garbage is not a line break in NDJSON)."""
    return re.findall(rb"[^\n]*\n|[^\n]+$", b"".join(chunks))


def test_each_message_goes_to_its_file(tmp_path: Path) -> None:
    log = tmp_path / "in.ndjson"
    log.write_bytes(json.dumps(GOOD).encode() + b"\r\n" + json.dumps(BAD).encode() + b"\n"
                    + b"\xff oops\n\n" + json.dumps(GOOD).encode())
    good, bad = tmp_path / "g.ndjson", tmp_path / "b.ndjson"
    result = validate_inputs(PLAN, [str(log)], ValidateOptions(good=good, bad=bad))
    assert good.read_bytes() == json.dumps(GOOD).encode() + b"\r\n\n" + json.dumps(GOOD).encode() + b"\n"
    assert bad.read_bytes() == json.dumps(BAD).encode() + b"\n" + b"\xff oops\n"
    assert result.summary["quarantine"] == {"good": 2, "bad": 2}  # (the blank line: uncounted)
    assert (result.summary["valid"], result.summary["invalid"],
            result.summary["unparseable"]) == (2, 1, 1)


def test_array_documents_are_split_per_message(tmp_path: Path) -> None:
    log = tmp_path / "in.json"
    log.write_text(json.dumps([GOOD, BAD, GOOD], indent=2), "utf-8")
    good, bad = tmp_path / "g.ndjson", tmp_path / "b.ndjson"
    validate_inputs(PLAN, [str(log)], ValidateOptions(good=good, bad=bad))
    assert [json.loads(x) for x in _documents(good.read_text("utf-8"))] == [GOOD, GOOD]
    assert [json.loads(x) for x in _documents(bad.read_text("utf-8"))] == [BAD]
    assert json.dumps(BAD, indent=2).replace("\n", "\n  ") in bad.read_text("utf-8")


def _documents(text: str) -> list[str]:
    decoder, position, found = json.JSONDecoder(), 0, []
    while position < len(text):
        if text[position].isspace():
            position += 1
            continue
        _, end = decoder.raw_decode(text, position)
        found.append(text[position:end])
        position = end
    return found


def test_warnings_are_bad_only_when_failing_on_warnings(tmp_path: Path) -> None:
    warned = {**GOOD, "properties": {**GOOD["properties"], "extra": 1}}
    log = tmp_path / "in.ndjson"
    log.write_text(json.dumps(warned) + "\n", "utf-8")
    from protocols.diagnostics import Severity

    relaxed = validate_inputs(PLAN, [str(log)], ValidateOptions())
    strict = validate_inputs(PLAN, [str(log)], ValidateOptions(fail_on=Severity.WARNING))
    assert (relaxed.summary["valid"], strict.summary["invalid"]) == (1, 1)
