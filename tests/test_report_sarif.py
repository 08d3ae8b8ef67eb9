"""``--format sarif``: valid for Microsoft's validator and the SARIF 2.1.0 schema; rules,
locations, fingerprints and the 25,000-result cap."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from jsonschema.validators import validator_for

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.lint import LintOptions, lint_paths
from protocols.report import RenderOptions, RunResult
from protocols.report.sarif import artifact_uri, build_sarif, render_sarif
from tests.conftest import NODE_BIN, REPO, node_tool
from tests.report_samples import OPTIONS, diff_result, validate_result

BAD_PLAN = """protocols: 1
plan: bad
version: "1.0.0"
conventions: {event_case: title, property_case: snake}
events:
  order_completed:
    properties:
      orderId: {type: string}
  Order Completed: {}
"""


def lint_result(tmp_path: Path) -> RunResult:
    plan = tmp_path / "plans" / "bad plan.yaml"
    plan.parent.mkdir(parents=True, exist_ok=True)
    plan.write_text(BAD_PLAN, encoding="utf-8")
    report = lint_paths([str(plan), str(REPO / "plans")], options=LintOptions(ignore=["PL301"]))
    return RunResult("lint", report.diagnostics, report.summary)


def sarif_schema() -> dict[str, Any]:
    # Microsoft ships the schema inside the platform package of @microsoft/sarif-multitool.
    node_tool("sarif-multitool")
    found = sorted((NODE_BIN.parent / "@microsoft").glob("sarif-multitool-*/sarif-2.1.0.json"))
    if not found:
        pytest.skip("sarif-2.1.0.json not found in the @microsoft/sarif-multitool packages")
    schema: dict[str, Any] = json.loads(found[0].read_text("utf-8"))
    return schema


def all_samples(tmp_path: Path) -> dict[str, str]:
    big = RunResult("validate", tuple(
        Diagnostic("PT301", "type-mismatch", Severity.ERROR, f"bad value {i}",
                   file="logs/a.ndjson", line=i + 1, column=1) for i in range(30)), {})
    return {
        "lint": render_sarif(lint_result(tmp_path), RenderOptions(source_root=str(tmp_path))),
        "validate": render_sarif(validate_result(), OPTIONS),
        "diff": render_sarif(diff_result(), OPTIONS),
        "clean": render_sarif(RunResult("lint", (), {"files": 1}), OPTIONS),
        "capped": json.dumps(build_sarif(big, OPTIONS, max_results=10)),
        "unlocated": render_sarif(RunResult("validate", (
            Diagnostic("PT900", "enum-drift", Severity.WARNING, "'Email' and 'email' both seen",
                       related=Location("plans/ecommerce.yaml", 30, 5)),
            Diagnostic("PT901", "no-place", Severity.INFO, "nowhere")), {}), OPTIONS),
    }


def test_every_sarif_we_write_validates_against_the_sarif_2_1_0_schema(tmp_path: Path) -> None:
    schema = sarif_schema()
    validator = validator_for(schema)(schema)
    for name, text in all_samples(tmp_path).items():
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(
            json.loads(text))]
        assert errors == [], name


def test_every_sarif_we_write_passes_microsofts_sarif_validator(tmp_path: Path) -> None:
    tool = node_tool("sarif-multitool")
    folder = tmp_path / "sarif"
    folder.mkdir()
    for name, text in all_samples(tmp_path).items():
        (folder / f"{name}.sarif").write_text(text, encoding="utf-8")
    out = tmp_path / "validation.sarif"
    run = subprocess.run([str(tool), "validate", str(folder / "*.sarif"), "--output", str(out),
                          "--log", "ForceOverwrite"],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    report = json.loads(out.read_text("utf-8-sig"))
    scanned = {a["location"]["uri"].rsplit("/", 1)[-1] for a in report["runs"][0].get(
        "artifacts", [])}
    problems = [(r.get("level", "warning"), r["ruleId"], r["message"])
                for r in report["runs"][0]["results"]]
    # No errors, and no warnings either: the validator's advice (informationUri, versions,
    # sentence-like messages, rule names) is all followed.
    assert problems == [], run.stdout
    assert "Done. 6 files scanned." in run.stdout, (run.stdout, scanned)


def test_rules_results_and_locations_of_a_real_lint_run(tmp_path: Path) -> None:
    log = json.loads(render_sarif(lint_result(tmp_path), RenderOptions(
        source_root=str(tmp_path), tool_version="9.9.9")))
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("protocols", "9.9.9")
    assert driver["informationUri"].startswith("https://")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {r["ruleId"] for r in run["results"]} == {"PL201", "PL202", "PL203"}
    pl201 = rules["PL201"]
    assert pl201["shortDescription"]["text"] == "Event names follow the plan's event case style."
    assert pl201["fullDescription"]["text"].startswith("Event, page and screen names")
    assert "Failing:" in pl201["help"]["text"] and "```yaml" in pl201["help"]["markdown"]
    assert pl201["helpUri"].endswith("docs/rules.md#pl201-event-case")
    assert pl201["defaultConfiguration"]["level"] == "error"
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        # Relative to the root, percent-encoded: what code scanning matches to repo files.
        assert physical["artifactLocation"]["uri"] == "plans/bad%20plan.yaml"
        assert physical["region"]["startLine"] >= 6 and physical["region"]["startColumn"] >= 3
    assert run["automationDetails"]["id"] == "protocols/lint/"


def test_validate_results_point_at_log_lines_with_the_plan_rule_related() -> None:
    run = build_sarif(validate_result(), OPTIONS)["runs"][0]
    drift = next(r for r in run["results"] if r["ruleId"] == "PT106")
    assert drift["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "logs/ios.ndjson"},
        "region": {"startLine": 4, "startColumn": 1}}
    related = drift["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "plans/ecommerce.yaml"
    assert related["region"] == {"startLine": 80, "startColumn": 3}
    assert drift["message"]["text"].endswith("did you mean 'Signed In'?")
    assert drift["properties"] == {"path": "event", "event": "Signed In",
                                   "suggestion": "Signed In"}
    # Unplanned codes, unknown to the lint registry, still get a described rule.
    rule = run["tool"]["driver"]["rules"][drift["ruleIndex"]]
    assert rule["shortDescription"]["text"] == "Event name drift."
    assert rule["helpUri"].endswith("#pt106-event-name-drift")
    assert rule["defaultConfiguration"]["level"] == "error"
    missing = next(r for r in run["results"] if r["ruleId"] == "PT205")
    assert missing["level"] == "warning"
    assert missing["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "logs/web.ndjson"  # absolute /repo/logs/web.ndjson made relative to the root


def test_a_finding_without_a_file_is_located_at_its_plan_rule() -> None:
    loose = Diagnostic("PT900", "enum-drift", Severity.WARNING, "'Email' and 'email' both seen",
                       related=Location("plans/ecommerce.yaml", 30, 5))
    bare = Diagnostic("PT901", "no-place", Severity.INFO, "nowhere")
    run = build_sarif(RunResult("validate", (loose, bare), {}), OPTIONS)["runs"][0]
    located, unlocated = run["results"]
    assert located["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 30, "startColumn": 5}
    assert "locations" not in unlocated


def test_fingerprints_are_unique_and_survive_moved_lines_and_changed_numbers() -> None:
    def fingerprints_of(result: RunResult) -> list[str]:
        run = build_sarif(result, OPTIONS)["runs"][0]
        return [r["partialFingerprints"]["protocolsFinding/v1"] for r in run["results"]]

    original = validate_result()
    first = fingerprints_of(original)
    assert len(set(first)) == len(first)
    moved = RunResult("validate", tuple(
        Diagnostic(d.code, d.name, d.severity, d.message.replace("99.00", "98.00"),
                   file=d.file, line=(d.line or 0) + 40, column=d.column, path=d.path,
                   suggestion=d.suggestion, event=d.event, related=d.related)
        for d in original.diagnostics), original.summary)
    assert fingerprints_of(moved) == first
    renamed = RunResult("validate", tuple(
        Diagnostic(d.code, d.name, d.severity, d.message.replace("Order", "Ordre"),
                   file=d.file, line=d.line, column=d.column, path=d.path, event=d.event)
        for d in original.diagnostics), original.summary)
    assert fingerprints_of(renamed) != first


def test_more_results_than_the_cap_keeps_the_most_severe_and_says_so() -> None:
    notes = [Diagnostic("PL205", "x", Severity.INFO, "note", file="a.yaml", line=i + 1)
             for i in range(8)]
    diagnostics = (*notes, Diagnostic("PL201", "event-case", Severity.ERROR, "bad",
                                      file="z.yaml", line=1))
    run = build_sarif(RunResult("lint", diagnostics, {}), OPTIONS, max_results=5)["runs"][0]
    assert len(run["results"]) == 5
    assert run["results"][0]["level"] == "error"
    notification = run["invocations"][0]["toolExecutionNotifications"][0]
    assert notification["level"] == "warning"
    assert "5 most severe of 9 results" in notification["message"]["text"]
    full = build_sarif(RunResult("lint", diagnostics, {}), OPTIONS)["runs"][0]
    assert len(full["results"]) == 9
    assert "toolExecutionNotifications" not in full["invocations"][0]


@pytest.mark.parametrize(("file", "uri"), [
    ("plans/shop.yaml", "plans/shop.yaml"),
    ("plans/my shop#1.yaml", "plans/my%20shop%231.yaml"),
    ("/repo/plans/a.yaml", "plans/a.yaml"),
    ("/elsewhere/a b.yaml", "file:///elsewhere/a%20b.yaml"),
    ("C:\\work\\a.yaml", "file:///C:/work/a.yaml"),
])
def test_artifact_uris(file: str, uri: str) -> None:
    assert artifact_uri(file, "/repo") == uri


def test_cli_writes_sarif_and_text_in_one_run(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from protocols.cli import app

    monkeypatch.chdir(REPO)
    out = tmp_path / "out" / "lint.sarif"
    result = CliRunner().invoke(app, ["lint", "plans/", "-f", "text", "-o", "-",
                                      "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "No problems found" in result.stdout
    log = json.loads(out.read_text("utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["results"] == []
