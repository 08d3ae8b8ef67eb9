"""docs/ci.md stays true: it lists every format, and its lint commands run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from protocols.cli import app
from protocols.report import REPORTERS
from tests.conftest import REPO

DOC = (REPO / "docs" / "ci.md").read_text("utf-8")


def test_every_format_is_documented() -> None:
    documented = set(re.findall(r"^\| `(\w+)`", DOC, flags=re.MULTILINE))
    assert documented == {*REPORTERS, "auto"}


def lint_commands() -> list[str]:
    commands = re.findall(r"(?:^|- |run: )(protocols lint [^\n`]+)", DOC, flags=re.MULTILINE)
    return sorted({c.strip() for c in commands})


def test_the_docs_show_lint_commands() -> None:
    assert len(lint_commands()) >= 3


@pytest.mark.parametrize("line", lint_commands())
def test_documented_lint_commands_run(line: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "plans").symlink_to(REPO / "plans", target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = CliRunner().invoke(app, shlex.split(line)[1:])
    assert result.exit_code == 0, result.output
    outputs = re.findall(r"-o ([^\s]+)", line)
    for output in (o for o in outputs if o != "-"):
        assert (tmp_path / output).stat().st_size > 0


def test_yaml_snippets_parse() -> None:
    snippets = re.findall(r"```yaml\n(.+?)```", DOC, flags=re.DOTALL)
    assert len(snippets) >= 4
    for snippet in snippets:
        yaml.safe_load(snippet)
