"""The README's two commands are the contract with a fresh machine: keep them true."""

from __future__ import annotations

import re
import shlex

from typer.testing import CliRunner

from protocols.cli import app
from tests.conftest import REPO


def readme_commands() -> list[str]:
    text = (REPO / "README.md").read_text("utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)[:2]


def test_readme_opens_with_two_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_readme_main_command_does_what_the_readme_says() -> None:
    # The main command validates examples/, whose drifting log has errors: the README says it
    # exits with status 1 and shows the drift table, so check exactly that.
    main = readme_commands()[0]
    invocation = main.split("&&")[-1].strip()
    args = shlex.split(invocation)
    assert args[0].endswith("protocols")
    result = CliRunner().invoke(app, args[1:], catch_exceptions=False)
    readme = " ".join((REPO / "README.md").read_text("utf-8").split())
    assert "exits with status 1 because there are errors" in readme
    assert result.exit_code == 1, result.output
    assert "Naming drift between sources" in result.output
    assert "'Order-Completed'" in result.output and "'orderId'" in result.output
