"""``--format gitlab``: GitLab Code Quality entries with unique fingerprints."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.report import RunResult
from protocols.report.gitlab import render_gitlab
from tests.report_samples import OPTIONS, validate_result

REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}


def test_entries_have_gitlabs_fields_and_severities() -> None:
    report = json.loads(render_gitlab(validate_result(), OPTIONS))
    assert len(report) == 6
    for entry in report:
        assert set(entry) >= REQUIRED
        location = entry["location"]
        line = location["positions"]["begin"]["line"] if "positions" in location else \
            location["lines"]["begin"]
        assert line >= 1
        assert not entry["location"]["path"].startswith("/")
    by_code = {entry["check_name"]: entry for entry in report}
    assert by_code["PT301"]["severity"] == "critical"
    assert by_code["PT205"]["severity"] == "minor"
    assert by_code["PT106"]["description"].startswith("PT106 event-name-drift: event 'Signed-In'")
    assert by_code["PT106"]["description"].endswith("(did you mean 'Signed In'?)")
    assert by_code["PT205"]["location"] == {"path": "logs/web.ndjson",
                                            "positions": {"begin": {"line": 9, "column": 1}}}


def test_fingerprints_are_unique_even_for_identical_messages_at_different_places() -> None:
    same = tuple(Diagnostic("PT201", "unplanned-property", Severity.INFO, "property 'x' is "
                            "not in the plan", file="logs/a.ndjson", line=line, path="properties.x")
                 for line in (1, 5, 9))
    report = json.loads(render_gitlab(RunResult("validate", same, {}), OPTIONS))
    prints = [entry["fingerprint"] for entry in report]
    assert len(set(prints)) == 3
    assert {entry["severity"] for entry in report} == {"info"}
    # Stable between runs: the same findings get the same fingerprints.
    again = json.loads(render_gitlab(RunResult("validate", same, {}), OPTIONS))
    assert [entry["fingerprint"] for entry in again] == prints


def test_the_index_of_an_array_element_moves_and_does_not_change_a_fingerprint() -> None:
    # A message of a JSON array is named by its place first in its path ([6].event): an
    # element added before it moves it, as a line added before moves an NDJSON line.
    def finding(path: str, line: int, column: int) -> Diagnostic:
        return Diagnostic("PV301", "event-name-drift", Severity.ERROR, "event 'x' is spelled "
                          "'X' in the plan", file="logs/a.json", line=line, column=column,
                          path=path)

    def prints(*found: Diagnostic) -> list[str]:
        report = json.loads(render_gitlab(RunResult("validate", found, {}), OPTIONS))
        return [entry["fingerprint"] for entry in report]

    before = prints(finding("[2].event", 1, 400), finding("[7].batch[1].event", 1, 900))
    after = prints(finding("[3].event", 1, 520), finding("[8].batch[1].event", 1, 1020))
    assert before == after and len(set(before)) == 2
    # (only that first index: the others say where in the message, and a name stays a name)
    assert prints(finding("[2].batch[1].event", 1, 1)) != prints(finding("[2].batch[2].event",
                                                                         1, 1))
    assert prints(finding('["9"].event', 1, 1)) != prints(finding('["8"].event', 1, 1))
    assert prints(finding("[2].event", 1, 1)) != prints(finding("event", 1, 1))


def test_a_finding_without_a_file_points_at_its_plan_rule() -> None:
    loose = Diagnostic("PT900", "drift", Severity.WARNING, "drift",
                       related=Location("plans/ecommerce.yaml", 12, 3))
    report = json.loads(render_gitlab(RunResult("validate", (loose,), {}), OPTIONS))
    assert report[0]["location"] == {"path": "plans/ecommerce.yaml",
                                     "positions": {"begin": {"line": 12, "column": 3}}}


def test_a_column_is_given_as_a_position_and_a_line_alone_as_lines() -> None:
    # Code Climate's two forms of a location (GitLab reads both): a column needs positions.
    at = Diagnostic("PV201", "missing-required", Severity.ERROR, "missing",
                    file="logs/a.ndjson", line=1, column=4051)
    bare = Diagnostic("PV201", "missing-required", Severity.ERROR, "missing",
                      file="logs/a.ndjson", line=7)
    report = json.loads(render_gitlab(RunResult("validate", (at, bare), {}), OPTIONS))
    assert [entry["location"] for entry in report] == [
        {"path": "logs/a.ndjson", "positions": {"begin": {"line": 1, "column": 4051}}},
        {"path": "logs/a.ndjson", "lines": {"begin": 7}}]


def test_clean_run_is_an_empty_array() -> None:
    assert json.loads(render_gitlab(RunResult("lint", (), {"files": 2}), OPTIONS)) == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["PT301", "PL201"]), st.sampled_from(["a", "b 1"]),
                          st.integers(1, 3)), max_size=20))
def test_fingerprints_are_unique_for_any_mix_of_repeated_findings(
        items: list[tuple[str, str, int]]) -> None:
    diagnostics = tuple(Diagnostic(code, "rule", Severity.ERROR, message, file="f.yaml",
                                   line=line) for code, message, line in items)
    report = json.loads(render_gitlab(RunResult("lint", diagnostics, {}), OPTIONS))
    prints = [entry["fingerprint"] for entry in report]
    assert len(prints) == len(items) == len(set(prints))
