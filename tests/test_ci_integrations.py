"""action.yml, .pre-commit-hooks.yaml and our workflow parse and name real commands and flags.

The action's run scripts are executed here with bash, as the Actions runner would run them,
against the repository's plans (the install step is the only one not run: it needs pip).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main
import yaml
from typer.testing import CliRunner

from protocols.cli import app
from tests.conftest import REPO

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
FLAG = re.compile(r"(?<![\w-])--[a-z][\w-]*")


def load(name: str) -> Any:
    return yaml.safe_load((REPO / name).read_text("utf-8"))


def command(name: str) -> Any:
    commands: dict[str, Any] = getattr(typer.main.get_command(app), "commands", {})
    found = commands.get(name)
    if found is None:
        pytest.skip(f"`protocols {name}` is not in this build yet (it lands from another branch)")
    return found


def declared_options(name: str) -> set[str]:
    return {opt for param in command(name).params for opt in param.opts if opt.startswith("-")}


def flags_used(script: str, subcommand: str) -> set[str]:
    """Flags written after `protocols SUBCOMMAND` or added to its extra=() array."""
    lines = [line for line in script.splitlines()
             if f"protocols {subcommand}" in line or "extra+=" in line]
    return {flag for line in lines for flag in FLAG.findall(line.split("#", 1)[0])}


ACTION = load("action.yml")
STEPS = {step.get("id", step["name"]): step for step in ACTION["runs"]["steps"]}


def test_action_is_composite_and_every_expression_names_a_real_input_or_step() -> None:
    assert ACTION["runs"]["using"] == "composite"
    inputs = set(ACTION["inputs"])
    text = (REPO / "action.yml").read_text("utf-8")
    for expression in EXPRESSION.findall(text):
        if expression.startswith("inputs."):
            assert expression.split()[0].removeprefix("inputs.") in inputs, expression
        elif expression.startswith("steps."):
            assert expression.split(".")[1] in STEPS, expression
        else:
            assert expression == "github.action_path", expression
    for step in ACTION["runs"]["steps"]:
        # Inputs reach scripts through env only: no expression is pasted into shell code.
        assert "${{" not in step["run"], step["name"]
        assert step["shell"] == "bash"


def test_action_installs_protocols_from_its_own_checkout() -> None:
    install = STEPS["Install protocols"]
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet --disable-pip-version-check "$ACTION_PATH"' in install["run"]


def test_action_lint_flags_exist() -> None:
    assert flags_used(STEPS["lint"]["run"], "lint") <= declared_options("lint")
    assert {"--format", "--output", "--strict"} <= flags_used(STEPS["lint"]["run"], "lint")


def test_action_validate_flags_exist() -> None:
    used = flags_used(STEPS["validate"]["run"], "validate")
    assert {"--plan", "--fail-on", "--format", "--output"} <= used
    assert used <= declared_options("validate")


def run_step(step: dict[str, Any], env: dict[str, str], tmp_path: Path) -> tuple[
        subprocess.CompletedProcess[str], dict[str, str]]:
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    outputs = tmp_path / "github_output"
    outputs.write_text("", encoding="utf-8")
    full_env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                f"{os.environ['PATH']}", "GITHUB_OUTPUT": str(outputs),
                "GITHUB_ACTIONS": "true", **env}
    # How the runner runs `shell: bash`.
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                          cwd=REPO, env=full_env, capture_output=True, text=True, timeout=120,
                          check=False)
    written = dict(line.split("=", 1) for line in outputs.read_text("utf-8").splitlines())
    return done, written


def test_action_lint_step_annotates_summarises_and_writes_sarif(tmp_path: Path) -> None:
    if not (Path(sys.executable).parent / "protocols").exists():
        pytest.skip("the protocols script is not installed beside this Python")
    summary = tmp_path / "summary.md"
    sarif = tmp_path / "sarif"
    done, outputs = run_step(STEPS["lint"], {"PLANS": "plans/", "SARIF_DIR": str(sarif),
                                             "STRICT": "true",
                                             "GITHUB_STEP_SUMMARY": str(summary)}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs == {"exit-code": "0"}
    assert done.stdout.startswith("protocols lint: 0 errors, 0 warnings, 0 notes in 1 file.")
    assert summary.read_text("utf-8").startswith("### ✅ protocols lint: no problems found")
    log = json.loads((sarif / "protocols-lint.sarif").read_text("utf-8"))
    assert log["runs"][0]["automationDetails"]["id"] == "protocols/lint/"


def test_action_lint_step_records_findings_without_stopping_the_job(tmp_path: Path) -> None:
    if not (Path(sys.executable).parent / "protocols").exists():
        pytest.skip("the protocols script is not installed beside this Python")
    bad = tmp_path / "bad.yaml"
    bad.write_text('protocols: 1\nplan: bad\nversion: "1"\nconventions: {event_case: title}\n'
                   "events:\n  order_completed: {}\n", encoding="utf-8")
    done, outputs = run_step(STEPS["lint"], {"PLANS": str(bad), "SARIF_DIR": "",
                                             "STRICT": "false"}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs == {"exit-code": "1"}
    assert done.stdout.startswith("::error file=")


def test_action_validate_step_runs_on_the_clean_example_log(tmp_path: Path) -> None:
    command("validate")
    if not (REPO / "examples" / "clean.ndjson").is_file():
        pytest.skip("examples/clean.ndjson (a log that follows the plan) is not in this build yet")
    if not (Path(sys.executable).parent / "protocols").exists():
        pytest.skip("the protocols script is not installed beside this Python")
    sarif = tmp_path / "sarif"
    done, outputs = run_step(STEPS["validate"], {
        "LOGS": "examples/clean.ndjson", "PLAN": "plans/ecommerce.yaml", "SARIF_DIR": str(sarif),
        "STRICT": "false", "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert outputs == {"exit-code": "0"}, done.stdout + done.stderr
    log = json.loads((sarif / "protocols-validate.sarif").read_text("utf-8"))
    assert log["runs"][0]["automationDetails"]["id"] == "protocols/validate/"
    assert (tmp_path / "summary.md").read_text("utf-8").startswith("### ")


@pytest.mark.parametrize(("lint", "validate", "expected"), [
    ("0", "", 0), ("1", "", 1), ("0", "1", 1), ("1", "2", 2), ("2", "0", 2)])
def test_action_fails_with_the_worse_exit_code(lint: str, validate: str, expected: int,
                                               tmp_path: Path) -> None:
    done, _ = run_step(STEPS["Result"], {"LINT": lint, "VALIDATE": validate}, tmp_path)
    assert done.returncode == expected


def test_pre_commit_hooks_name_real_commands() -> None:
    hooks = {hook["id"]: hook for hook in load(".pre-commit-hooks.yaml")}
    assert set(hooks) == {"protocols-lint", "protocols-generate-check", "protocols-scan"}
    for hook in hooks.values():
        assert hook["language"] == "python"
        if "files" not in hook:  # scan runs on source files by type (tests/test_scan_cli.py)
            continue
        assert re.search(hook["files"], "plans/ecommerce.yaml")
        assert not re.search(hook["files"], ".github/workflows/ci.yml")
    lint_args = shlex.split(hooks["protocols-lint"]["entry"])
    assert lint_args[0] == "protocols"
    # pre-commit appends the staged plan files.
    result = CliRunner().invoke(app, [*lint_args[1:], str(REPO / "plans" / "ecommerce.yaml")])
    assert result.exit_code == 0, result.output
    generate = shlex.split(hooks["protocols-generate-check"]["entry"])
    assert generate[:2] == ["protocols", "generate"]
    assert hooks["protocols-generate-check"]["pass_filenames"] is False
    assert set(generate[2:]) <= declared_options("generate")
    assert shlex.split(hooks["protocols-scan"]["entry"]) == ["protocols", "scan"]


def test_our_workflow_runs_the_tests_and_dogfoods_the_action() -> None:
    workflow = load(".github/workflows/ci.yml")
    test_steps = workflow["jobs"]["test"]["steps"]
    assert any(step.get("run") == "bash .ci/run" for step in test_steps)
    dogfood = workflow["jobs"]["dogfood"]
    assert dogfood["permissions"]["security-events"] == "write"
    action_step = next(step for step in dogfood["steps"] if step.get("uses") == "./")
    assert set(action_step["with"]) <= set(ACTION["inputs"])
    upload = next(step for step in dogfood["steps"]
                  if str(step.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert upload["with"]["sarif_file"] == action_step["with"]["sarif-dir"]
