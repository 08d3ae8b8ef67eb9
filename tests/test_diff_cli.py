"""``protocols diff`` through the CLI (CliRunner), comparing two plan files: exit codes,
audiences, --fail-on, accepted changes, JSON, and the text and Markdown changelogs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols.cli import app

OLD = """\
protocols: 1
plan: shop
version: "1.2.0"
events:
  Order Completed:
    description: The order was paid.
    properties:
      total: {type: number, required: true}
      currency: {type: string, enum: [USD, EUR]}
  Order Refunded:
    properties:
      amount: {type: number}
"""
# total became optional (breaks consumers), a currency was added (may break consumers),
# the description changed, Order Refunded was removed (breaks both); version bumped to 2.0.0.
NEW = """\
protocols: 1
plan: shop
version: "2.0.0"
events:
  Order Completed:
    description: The order was confirmed and paid.
    properties:
      total: {type: number}
      currency: {type: string, enum: [USD, EUR, GBP]}
"""


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "old.yaml").write_text(OLD, "utf-8")
    (tmp_path / "new.yaml").write_text(NEW, "utf-8")
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["diff", *args], catch_exceptions=False)
    return result.exit_code, result.output


def edit(folder: Path, old: str, new: str) -> None:
    (folder / "old.yaml").write_text(old, "utf-8")
    (folder / "new.yaml").write_text(new, "utf-8")


def test_text_report_lists_changes_by_level(folder: Path) -> None:
    code, output = run("new.yaml", "--against", "old.yaml")
    assert code == 1
    assert "error[PD102 event-removed]: event \"Order Refunded\" was removed: breaks producers " \
           "and consumers\n  --> new.yaml:4:1" in output
    section = output[output.index("Changes against old.yaml"):]
    assert section == """\
Changes against old.yaml (levels for producers and consumers):
  Breaking (2)
    - event "Order Refunded" was removed: breaks producers and consumers [PD102 event-removed]
    - property "total" of event "Order Completed" became optional: breaks consumers [PD206 property-became-optional]
  Possibly breaking (1)
    - property "currency" of event "Order Completed" accepts new value "GBP": may break consumers [PD306 enum-value-added]
  Non-breaking (1)
    - the description of event "Order Completed" changed: safe for producers and consumers [PD501 description-changed]
  Version of new.yaml: 1.2.0 -> 2.0.0; the changes need a major bump (to 2.0.0): ok

Found 2 errors, 1 warning, 1 note in 1 file.
"""


def test_markdown_changelog_for_a_pull_request(folder: Path) -> None:
    code, _ = run("new.yaml", "--against", "old.yaml", "--changelog", "out/changes.md")
    assert code == 1
    assert (folder / "out" / "changes.md").read_text("utf-8") == """\
## Tracking plan changes against `old.yaml`

Levels are for producers and consumers.

### Breaking (2)

- **event "Order Refunded" was removed**: breaks producers and consumers (`PD102 event-removed`, new.yaml:4)
- **property "total" of event "Order Completed" became optional**: breaks consumers (`PD206 property-became-optional`, new.yaml:8)

### Possibly breaking (1)

- **property "currency" of event "Order Completed" accepts new value "GBP"**: may break consumers (`PD306 enum-value-added`, new.yaml:9)

### Non-breaking (1)

- **the description of event "Order Completed" changed**: safe for producers and consumers (`PD501 description-changed`, new.yaml:5)

### Version

- new.yaml: 1.2.0 -> 2.0.0; the changes need a major bump (to 2.0.0): ok
"""


def test_json_has_changes_and_version(folder: Path) -> None:
    result = CliRunner().invoke(app, ["diff", "new.yaml", "--against", "old.yaml", "-f", "json"])
    document = json.loads(result.stdout)
    assert document["command"] == "diff"
    assert document["summary"]["breaking"] == 2
    assert document["version"]["new.yaml"] == {
        "old": "1.2.0", "new": "2.0.0", "required_bump": "major", "required_version": "2.0.0",
        "problem": None, "ok": True}
    removed = next(c for c in document["changes"] if c["id"] == "event-removed")
    assert removed["levels"] == {"producers": "breaking", "consumers": "breaking"}
    assert removed["old"] == {"file": "old.yaml", "line": 10, "column": 3}
    assert removed["path"] == 'events["Order Refunded"]'


@pytest.mark.parametrize(("fail_on", "expected"), [
    ("breaking", 1), ("possibly-breaking", 1), ("any", 1), ("never", 0)])
def test_fail_on(folder: Path, fail_on: str, expected: int) -> None:
    assert run("new.yaml", "--against", "old.yaml", "--fail-on", fail_on)[0] == expected


def test_fail_on_levels_with_a_possibly_breaking_change(folder: Path) -> None:
    edit(folder, OLD, OLD.replace("[USD, EUR]", "[USD, EUR, GBP]").replace("1.2.0", "1.3.0"))
    assert run("new.yaml", "--against", "old.yaml")[0] == 0
    assert run("new.yaml", "--against", "old.yaml", "--fail-on", "possibly-breaking")[0] == 1


def test_fail_on_any_with_docs_only(folder: Path) -> None:
    edit(folder, OLD, OLD.replace("The order was paid.", "Paid.").replace("1.2.0", "1.2.1"))
    assert run("new.yaml", "--against", "old.yaml")[0] == 0
    assert run("new.yaml", "--against", "old.yaml", "--fail-on", "any")[0] == 1


def test_audience_decides_the_level(folder: Path) -> None:
    # A property that became optional breaks consumers only.
    edit(folder, OLD, OLD.replace("total: {type: number, required: true}",
                                  "total: {type: number}").replace("1.2.0", "2.0.0"))
    assert run("new.yaml", "--against", "old.yaml", "--audience", "producers")[0] == 0
    code, output = run("new.yaml", "--against", "old.yaml", "--audience", "consumers")
    assert code == 1
    assert "breaks consumers" in output
    assert run("new.yaml", "--against", "old.yaml")[0] == 1


def test_identical_plans_exit_0(folder: Path) -> None:
    code, output = run("old.yaml", "--against", "old.yaml")
    assert code == 0
    assert "No changes against old.yaml." in output


def test_accepted_file_flag(folder: Path) -> None:
    (folder / "ok.yaml").write_text(
        "- {rule: PD102, event: Order Refunded, reason: Retired.}\n"
        "- {rule: property-became-optional, path: 'events*.total', reason: Optional now.}\n",
        "utf-8")
    result = CliRunner().invoke(app, ["diff", "new.yaml", "--against", "old.yaml",
                                      "--accepted", "ok.yaml", "-f", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["summary"]["accepted"] == 2
    assert sorted(d["name"] for d in document["diagnostics"]) == [
        "description-changed", "enum-value-added"]
    assert document["unused_accepted"] == []


def test_unused_accepted_entries_are_listed(folder: Path) -> None:
    (folder / "ok.yaml").write_text(
        "- {rule: event-removed, event: Order Refunded, reason: Retired.}\n"
        "- {rule: event-removed, event: Gone Long Ago, reason: Retired.}\n", "utf-8")
    code, output = run("new.yaml", "--against", "old.yaml", "--accepted", "ok.yaml")
    assert code == 1
    assert ("Accepted change matched nothing (ok.yaml:2): event-removed Gone Long Ago: remove "
            "it if the change is gone") in output



@pytest.mark.parametrize(("text", "message"), [
    ("- {rule: event-remvoed, event: X, reason: r}\n", "1:10: unknown change rule 'event-remvoed'; "
                                                       "did you mean 'event-removed'?"),
    ("- {rule: event-removed, event: X}\n", "1:3: every accepted change needs a `reason`"),
    ("- {rule: event-removed, reason: r}\n", "1:3: say which change: give a `path` or an `event`"),
    ("rule: event-removed\n", "1:1: an accepted-changes file is a list"),
    ("- [unclosed\n", "ok.yaml:2:1"),
])
def test_bad_accepted_file_is_a_usage_error(folder: Path, text: str, message: str) -> None:
    (folder / "ok.yaml").write_text(text, "utf-8")
    code, output = run("new.yaml", "--against", "old.yaml", "--accepted", "ok.yaml")
    assert code == 2
    assert message in output


@pytest.mark.parametrize(("args", "message"), [
    (["--fail-on", "sometimes"], "--fail-on takes one of"),
    (["--audience", "everyone"], "--audience takes one of"),
    (["--accepted", "missing.yaml"], "no such accepted-changes file"),
])
def test_bad_flags_are_usage_errors(folder: Path, args: list[str], message: str) -> None:
    code, output = run("new.yaml", "--against", "old.yaml", *args)
    assert code == 2
    assert message in output


def test_against_a_file_needs_a_plan(folder: Path) -> None:
    code, output = run("--against", "old.yaml")
    assert code == 2
    assert "give the PLAN" in output


def test_missing_against_file_is_a_usage_error(folder: Path) -> None:
    code, output = run("new.yaml", "--against", "gone.yaml")
    assert code == 2
    assert "no such plan file or git ref: gone.yaml" in output


def test_config_sets_fail_on(folder: Path) -> None:
    (folder / ".protocols.toml").write_text('[diff]\nfail_on = "never"\n', "utf-8")
    assert run("new.yaml", "--against", "old.yaml")[0] == 0
    assert run("new.yaml", "--against", "old.yaml", "--fail-on", "breaking")[0] == 1


def test_binary_plan_is_a_usage_error_with_a_position(folder: Path) -> None:
    (folder / "new.yaml").write_bytes(b"protocols: 1\n\x00\x01")
    code, output = run("new.yaml", "--against", "old.yaml")
    assert code == 2
    assert "new.yaml:2:1" in output


def test_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["diff", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "--fail-on" in result.output


def test_markdown_changelog_is_capped_per_level(folder: Path) -> None:
    events = "".join(f"  Event {i}: {{}}\n" for i in range(250))
    edit(folder, "protocols: 1\nplan: shop\nevents:\n" + events,
         "protocols: 1\nplan: shop\nevents:\n  Kept: {}\n")
    code, output = run("new.yaml", "--against", "old.yaml", "--changelog", "-", "-f", "json")
    assert code == 1
    markdown = output[output.index("## Tracking plan changes"):]
    assert markdown.count("\n- **event") == 200 + 1  # 200 removals shown, 1 addition
    assert "- ... and 50 more (see the JSON report)" in markdown


def test_markup_in_names_is_shown_as_written(folder: Path) -> None:
    name = "[red]Refund[/red] \\\\"  # YAML "\\" is one backslash
    edit(folder, OLD, OLD.replace("1.2.0", "1.3.0") + f'  "{name}": {{}}\n')
    code, output = run("new.yaml", "--against", "old.yaml", "--changelog", "cl.md")
    assert code == 0
    assert '- event "[red]Refund[/red] \\\\" was added' in output  # JSON-quoted backslash
    markdown = (folder / "cl.md").read_text("utf-8")
    assert '**event "\\[red\\]Refund\\[/red\\] \\\\\\\\" was added**' in markdown


def test_a_version_finding_can_be_accepted(folder: Path) -> None:
    edit(folder, OLD, OLD.replace("[USD, EUR]", "[USD]"))
    assert run("new.yaml", "--against", "old.yaml", "--fail-on", "never")[1].count(
        "version-not-bumped") == 1
    (folder / "ok.yaml").write_text(
        "- {rule: version-not-bumped, path: version, reason: Released with 1.3.0.}\n"
        "- {rule: enum-value-removed, path: '*currency', reason: EUR only.}\n", "utf-8")
    code, output = run("new.yaml", "--against", "old.yaml", "--accepted", "ok.yaml")
    assert code == 0, output
    assert "No problems found" in output and "matched nothing" not in output
