"""``--format github``: workflow-command escaping, ordering, and the step summary."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app
from protocols.diagnostics import Diagnostic, Severity
from protocols.report import RenderOptions, RunResult
from protocols.report.github import annotation, render_github
from protocols.safetext import printable
from tests.golden import assert_golden
from tests.report_samples import OPTIONS, validate_result


def _unescape_data(text: str) -> str:
    # The order the Actions runner uses (ActionCommand.Unescape): %25 last.
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
            .replace("%2C", ",").replace("%25", "%"))


def parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """Parse one workflow command the way the Actions runner does."""
    assert line.startswith("::")
    end = line.index("::", 2)
    command, _, raw_properties = line[2:end].partition(" ")
    properties: dict[str, str] = {}
    for pair in raw_properties.split(","):
        key, _, value = pair.partition("=")
        properties[key] = _unescape_property(value)
    return command, properties, _unescape_data(line[end + 2:])


NASTY = st.text(alphabet=st.sampled_from(list("ab Z9_-./=%:,;\n\r\t\"'[]{}é😀")) | st.characters(),
                min_size=1, max_size=40)


@settings(max_examples=300, deadline=None)
@given(message=NASTY, file=NASTY, name=NASTY, line=st.integers(1, 10**6),
       column=st.integers(1, 500), severity=st.sampled_from(
           [Severity.ERROR, Severity.WARNING, Severity.INFO]))
def test_any_message_and_file_name_round_trip_through_the_escaping(
        message: str, file: str, name: str, line: int, column: int, severity: Severity) -> None:
    diagnostic = Diagnostic("PL999", name, severity, message, file=file, line=line, column=column)
    text = annotation(diagnostic, RenderOptions())
    assert "\n" not in text and "\r" not in text
    command, properties, parsed_message = parse_command(text)
    assert command == {"error": "error", "warning": "warning", "info": "notice"}[severity.value]
    # Control characters (which GitHub's log viewer would interpret) arrive escaped.
    assert properties == {"file": printable(file), "line": str(line), "col": str(column),
                          "title": f"PL999 {printable(name)}"}
    assert parsed_message == printable(message)


def test_annotations_come_most_severe_first_and_distinct_problems_before_repeats() -> None:
    lines = render_github(validate_result(), OPTIONS).splitlines()
    commands = [parse_command(line) for line in lines if line.startswith("::")]
    assert [c for c, _, _ in commands] == ["error"] * 5 + ["warning"]
    titles = [p["title"] for _, p, _ in commands]
    # Within a level, in file order, but a repeat (same code and event) after every first.
    assert titles[:5] == ["PT103 unplanned-event", "PT106 event-name-drift",
                          "PT001 malformed-json", "PT301 type-mismatch", "PT301 type-mismatch"]
    lines_of_pv301 = [p["line"] for _, p, _ in commands if p["title"].startswith("PT301")]
    assert lines_of_pv301 == ["3", "7"]
    # Absolute paths inside the source root become repository-relative.
    assert {p["file"] for _, p, _ in commands} == {"logs/web.ndjson", "logs/ios.ndjson"}
    assert lines[-1] == "protocols validate: 10 errors, 1 warning, 0 notes."


def test_annotation_carries_position_suggestion_and_plan_rule() -> None:
    drift = next(d for d in validate_result().diagnostics if d.code == "PT106")
    command, properties, message = parse_command(annotation(drift, OPTIONS))
    assert (command, properties["line"], properties["col"]) == ("error", "4", "1")
    assert message.splitlines() == [
        "event 'Signed-In' is not in the plan; the plan has 'Signed In'", "at event",
        "did you mean 'Signed In'?", "plan rule: plans/ecommerce.yaml:80:3"]


def test_github_output_golden() -> None:
    assert_golden("validate.github.txt", render_github(validate_result(), OPTIONS))


def test_more_than_ten_of_a_level_says_github_hides_the_rest() -> None:
    many = tuple(Diagnostic("PL201", "event-case", Severity.ERROR, f"bad {i}", file="p.yaml",
                            line=i + 1) for i in range(11))
    text = render_github(RunResult("lint", many, {"files": 1}), RenderOptions())
    assert text.splitlines()[-1].startswith("GitHub shows the first 10 annotations")


BAD_PLAN = """protocols: 1
plan: bad
version: "1.0.0"
conventions: {event_case: title}
events:
  order_completed: {}
"""


@pytest.fixture()
def bad_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    path = tmp_path / "plans" / "bad.yaml"
    path.write_text(BAD_PLAN, encoding="utf-8")
    return path


def test_auto_format_in_github_actions_writes_annotations_and_appends_the_step_summary(
        bad_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(app, ["lint", "plans/bad.yaml"])
    assert result.exit_code == 1
    command, properties, _ = parse_command(result.stdout.splitlines()[0])
    assert (command, properties["file"], properties["line"]) == ("error", "plans/bad.yaml", "6")
    written = summary.read_text("utf-8")
    assert written.startswith("# earlier step\n### ❌ protocols lint: 1 error")
    assert "`plans/bad.yaml:6:3`" in written


def test_step_summary_stays_under_githubs_limit(
        bad_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    limit = 1024 * 1024
    summary.write_text("x" * (limit - 200) + "\n", encoding="utf-8")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(app, ["lint", "plans/bad.yaml", "--format", "github"])
    assert result.exit_code == 1
    assert summary.stat().st_size <= limit
    assert summary.read_text("utf-8").rstrip().endswith("see the full report.")


def test_no_step_summary_without_the_github_format(
        bad_plan: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = CliRunner().invoke(app, ["lint", "plans/bad.yaml", "--format", "json"])
    assert result.exit_code == 1
    assert not summary.exists()


def test_a_message_that_already_asks_did_you_mean_is_not_asked_twice() -> None:
    typo = Diagnostic("PT103", "unplanned-event", Severity.ERROR,
                      "event 'Product Add' is not in the plan; did you mean 'Product Added'?",
                      file="e.ndjson", line=3, path="event", suggestion="Product Added")
    _, _, message = parse_command(annotation(typo, RenderOptions()))
    assert message.lower().count("did you mean") == 1
