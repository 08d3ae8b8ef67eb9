"""Several --format/--output pairs in one run, '-' for stdout, and usage errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


def test_every_format_in_one_run(tmp_path: Path) -> None:
    names = ["json", "sarif", "junit", "gitlab", "markdown", "github"]
    args = ["lint", "plans/"]
    for name in names:
        args += ["--format", name, "--output", str(tmp_path / f"report.{name}")]
    result = CliRunner().invoke(app, [*args, "--format", "text"])
    assert result.exit_code == 0, result.output
    assert "No problems found in 1 file." in result.stdout
    assert json.loads((tmp_path / "report.gitlab").read_text("utf-8")) == []
    assert json.loads((tmp_path / "report.sarif").read_text("utf-8"))["version"] == "2.1.0"
    assert (tmp_path / "report.junit").read_text("utf-8").startswith("<?xml")
    assert (tmp_path / "report.github").read_text("utf-8").startswith("protocols lint: 0 errors")


def test_dash_output_is_stdout_so_stdout_formats_can_come_first(tmp_path: Path) -> None:
    out = tmp_path / "x.sarif"
    result = CliRunner().invoke(app, ["lint", "plans/", "-f", "github", "-o", "-",
                                      "-f", "sarif", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("protocols lint: 0 errors, 0 warnings, 0 notes in 1 file.")
    assert json.loads(out.read_text("utf-8"))["runs"][0]["results"] == []


def test_auto_is_github_inside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    result = CliRunner().invoke(app, ["lint", "plans/"])
    assert result.stdout.startswith("protocols lint: 0 errors")
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    assert "No problems found" in CliRunner().invoke(app, ["lint", "plans/"]).stdout


@pytest.mark.parametrize(("args", "message"), [
    (["-f", "sarif", "-o", "a.sarif", "-o", "b.sarif"], "more --output files than --format"),
    (["-f", "sarif2"], "unknown format 'sarif2'"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["lint", "plans/", *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unwritable_output_is_a_usage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["lint", "plans/", "-f", "sarif", "-o",
                                      str(blocker / "x.sarif")])
    assert result.exit_code == 2
    assert "cannot write" in result.stderr
