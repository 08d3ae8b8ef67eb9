"""``--format junit``: parses with junitparser with the expected cases and counts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from junitparser import Failure, JUnitXml, TestCase

from protocols.diagnostics import Diagnostic, Severity
from protocols.report import RenderOptions, RunResult
from protocols.report.junit import render_junit
from tests.golden import assert_golden
from tests.report_samples import OPTIONS, diff_result, validate_result
from tests.test_report_sarif import lint_result


def parse(text: str, tmp_path: Path) -> tuple[JUnitXml, dict[str, TestCase]]:
    path = tmp_path / "report.xml"
    path.write_text(text, encoding="utf-8")
    xml = JUnitXml.fromfile(str(path))
    cases = {case.name: case for suite in xml for case in suite}
    return xml, cases


def failure(case: TestCase) -> Failure | None:
    found = [r for r in case.result if isinstance(r, Failure)]
    return found[0] if found else None


def test_validate_has_a_case_per_planned_event_one_for_unplanned_and_one_for_unreadable(
        tmp_path: Path) -> None:
    xml, cases = parse(render_junit(validate_result(), OPTIONS), tmp_path)
    assert set(cases) == {"Cart Viewed", "Order Completed", "Product Added", "Signed In",
                          "unplanned events", "unreadable messages"}
    xml.update_statistics()
    assert (xml.tests, xml.failures, xml.errors, xml.skipped) == (6, 4, 0, 0)
    assert failure(cases["Cart Viewed"]) is None
    completed = failure(cases["Order Completed"])
    assert completed is not None
    assert completed.message == "2 of 4 messages invalid"
    assert "got string '12.50'" in completed.text and "logs/web.ndjson:7:1" in completed.text
    assert "= rule: plans/ecommerce.yaml:52:7" in completed.text
    # A warning does not fail the case at the default failing level; it is still reported.
    assert failure(cases["Product Added"]) is None
    assert "missing required property 'cart_id'" in cases["Product Added"].system_out
    # A drifted spelling fails the planned event it drifts from.
    drift = failure(cases["Signed In"])
    assert drift is not None and drift.message == "1 of 4 messages invalid"
    assert "'Signed-In'" in drift.text and "did you mean 'Signed In'?" in drift.text
    unplanned = failure(cases["unplanned events"])
    assert unplanned is not None and unplanned.message == "1 unplanned event in 1 message"
    assert "Order Shipped" in unplanned.text
    assert failure(cases["unreadable messages"]) is not None


def test_an_event_counted_invalid_fails_even_without_examples(tmp_path: Path) -> None:
    summary = {"messages": 3, "valid": 1, "invalid": 2, "unparseable": 0,
               "by_event": {"Order Completed": {"messages": 3, "invalid": 2}}}
    xml, cases = parse(render_junit(RunResult("validate", (), summary), OPTIONS), tmp_path)
    found = failure(cases["Order Completed"])
    assert found is not None and found.message == "2 of 3 messages invalid"
    assert "--max-examples" in found.text
    xml.update_statistics()
    assert (xml.tests, xml.failures) == (3, 1)


def test_failing_at_warning_fails_cases_with_warnings(tmp_path: Path) -> None:
    options = RenderOptions(source_root="/repo", fail_on=Severity.WARNING)
    xml, cases = parse(render_junit(validate_result(), options), tmp_path)
    xml.update_statistics()
    assert xml.failures == 5
    assert failure(cases["Product Added"]) is not None
    _, never = parse(render_junit(validate_result(), RenderOptions(fail_on=None)), tmp_path)
    assert all(failure(case) is None for case in never.values())


def test_lint_has_a_case_per_file_and_rule_and_one_for_clean_files(tmp_path: Path) -> None:
    xml, cases = parse(render_junit(lint_result(tmp_path), RenderOptions(
        source_root=str(tmp_path))), tmp_path)
    assert set(cases) == {"PL201 event-case", "PL202 property-case",
                          "PL203 event-name-collision", "1 plan file without findings"}
    assert {case.classname for case in cases.values()} == {"plans/bad plan.yaml", "lint"}
    xml.update_statistics()
    assert (xml.tests, xml.failures) == (4, 3)


def test_diff_has_a_case_per_change_kind(tmp_path: Path) -> None:
    xml, cases = parse(render_junit(diff_result(), OPTIONS), tmp_path)
    assert set(cases) == {"PD202 property-added-required", "PD306 enum-value-added"}
    added = failure(cases["PD202 property-added-required"])
    assert added is not None and added.message == "2 findings"
    assert failure(cases["PD306 enum-value-added"]) is None
    xml.update_statistics()
    assert (xml.tests, xml.failures) == (2, 1)


def test_clean_runs_have_one_passing_case(tmp_path: Path) -> None:
    _, cases = parse(render_junit(RunResult("diff", (), {}), OPTIONS), tmp_path)
    assert list(cases) == ["no findings"]


def test_characters_xml_cannot_carry_are_shown_escaped(tmp_path: Path) -> None:
    bad = Diagnostic("PT001", "malformed-json", Severity.ERROR, "byte \x00 and \x1b[31m here",
                     file="logs/\x07.ndjson", line=1)
    _, cases = parse(render_junit(RunResult("validate", (bad,), {}), OPTIONS), tmp_path)
    found = failure(cases["unreadable messages"])
    assert found is not None
    assert "byte \\x00 and \\x1b[31m here" in found.text
    assert "logs/\\x07.ndjson:1" in found.text


def test_junit_output_golden() -> None:
    assert_golden("validate.junit.xml", render_junit(validate_result(), OPTIONS))


ANY_TEXT = st.text(max_size=30)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(ANY_TEXT, st.one_of(st.none(), ANY_TEXT),
                          st.sampled_from(list(Severity)[:3])), max_size=12))
def test_any_messages_and_event_names_give_well_formed_xml_with_consistent_counts(
        items: list[tuple[str, str | None, Severity]]) -> None:
    diagnostics = tuple(Diagnostic("PT301", "type-mismatch", severity, message, event=event,
                                   file="logs/a.ndjson", line=1)
                        for message, event, severity in items)
    root = ET.fromstring(render_junit(RunResult("validate", diagnostics, {}), OPTIONS))
    cases = root.findall("./testsuite/testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    events = {event for _, event, _ in items if event is not None}
    assert len(cases) == len(events) + 2  # + unplanned events + unreadable messages
    assert root.get("tests") == str(len(cases)) and root.get("failures") == str(len(failed))
    # An event fails when it has an error; None stands for the "unreadable messages" case.
    assert len(failed) == len({event for _, event, severity in items
                               if severity is Severity.ERROR})
