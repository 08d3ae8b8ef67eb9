"""``protocols scan`` from the command line: the fixture apps dogfooded, every report format,
--fail-on, configuration errors, the progress line, and the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from jsonschema.validators import validator_for
from typer.testing import CliRunner

from protocols.cli import app
from protocols.report import REPORTERS
from tests.conftest import REPO
from tests.terminal import run_with_stderr_on_a_terminal as _run_with_stderr_on_a_terminal

CONFIG = "tests/scan/apps/.protocols.toml"


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def scan(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["scan", *args], catch_exceptions=False)
    return result.exit_code, result.output


def test_the_fixture_apps_dogfood_the_command() -> None:
    code, out = scan("--config", CONFIG)
    assert code == 1  # the apps hold deliberate drift
    assert "Scanned" in out and "Coverage: " in out
    assert "error[PS103 event-name-drift]: event 'Signed-In' is spelled 'Signed In'" in out
    assert "not sent Cart Shared" in out
    assert "sent     Order Completed" in out


def test_every_format_the_other_commands_have(tmp_path: Path) -> None:
    args = ["--config", CONFIG]
    for name in REPORTERS:
        args += ["-f", name, "-o", str(tmp_path / f"scan.{name}")]
    code, _ = scan(*args)
    assert code == 1
    text = {name: (tmp_path / f"scan.{name}").read_text("utf-8") for name in REPORTERS}
    document = json.loads(text["json"])
    assert document["command"] == "scan"
    assert {e["event"] for e in document["coverage"]} >= {"Order Completed", "identify"}
    assert document["summary"]["planned"] == 9  # 5 events, identify, group, a screen, a page
    assert sum(line.startswith("::error file=tests/scan/apps/") for line in text["github"].splitlines()) > 10
    sarif = json.loads(text["sarif"])
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert "PS103" in rules and sarif["runs"][0]["automationDetails"]["id"] == "protocols/scan/"
    cases = ET.fromstring(text["junit"]).findall(".//testcase")
    assert {c.get("name") for c in cases} >= {"Order Completed", "Cart Shared",
                                              "unplanned events", "source files"}
    gitlab = json.loads(text["gitlab"])
    assert gitlab and all(e["location"]["path"].startswith("tests/scan/apps/") for e in gitlab)
    assert "#### Coverage" in text["markdown"] and "| `Cart Shared` | **no** |" in text["markdown"]
    assert "Coverage: " in text["text"]


def test_a_lone_surrogate_escape_in_the_code_is_reported_in_every_format(tmp_path: Path) -> None:
    # "\ud83d" is a valid escape in a Python or JS string (half an emoji), so the event name
    # holds a lone surrogate, which UTF-8 cannot encode: no report may crash on it.
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "a.py").write_text('analytics.track("u", "Cart \\ud83d", {})\n', "utf-8")
    args = [str(app_dir), "--plan", "tests/scan/plan.yaml"]
    for name in REPORTERS:
        args += ["-f", name, "-o", str(tmp_path / f"scan.{name}")]
    code, _ = scan(*args)
    assert code == 1
    document = json.loads((tmp_path / "scan.json").read_text("utf-8"))
    assert [e["event"] for e in document["unplanned_events"]] == ["Cart \ud83d"]
    assert "Cart \\ud83d" in (tmp_path / "scan.html").read_text("utf-8")
    shown = subprocess.run([sys.executable, "-c", "from protocols.cli import main; main()",
                            "scan", *args[:3], "-f", "json"], capture_output=True, cwd=REPO)
    assert shown.returncode == 1 and b"Traceback" not in shown.stderr, shown.stderr[-500:]
    assert json.loads(shown.stdout)["unplanned_events"][0]["event"] == "Cart \ud83d"


def test_the_terminal_report_shows_control_characters_never_sends_them(tmp_path: Path) -> None:
    # A pull request controls file names and source lines: an escape sequence in either must
    # be written out, with the caret still under the finding.
    app_dir = tmp_path / "app"
    app_dir.mkdir()
    (app_dir / "evil\x1b[2Jname.py").write_text(
        'x = "\x1b]0;title\x07"; analytics.track("u", "Cart\\x1b[31mAbandoned")  # \u202e\n',
        "utf-8")
    (app_dir / "new\nline.py").write_text('analytics.track("u", f"Sign {x}\x1b[2J")\n', "utf-8")
    code, out = scan(str(app_dir), "--plan", "tests/scan/plan.yaml")
    assert code == 1
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e]", out), repr(out)
    assert "evil\\x1b[2Jname.py:1:" in out and "new\\nline.py:1:" in out
    assert "'Cart\\x1b[31mAbandoned'" in out  # not doubled backslashes
    lines = out.splitlines()
    source = next(i for i, line in enumerate(lines) if "x = " in line)
    column = lines[source].index('"Cart')
    assert lines[source + 1].index("^") == column  # the caret moved with the written-out text
    assert "f\"Sign {x}\\x1b[2J\"" in out  # an unresolvable name quoted in a message


def test_a_minified_bundle_shows_the_line_around_the_finding(tmp_path: Path) -> None:
    filler = ";".join(f"function f{i}(a){{return a+{i}}}" for i in range(2_000))
    (tmp_path / "bundle.js").write_text(
        f'{filler};analytics.track("Cart Abandoned",{{x:1}});{filler}\n', "utf-8")
    code, out = scan(str(tmp_path), "--plan", "tests/scan/plan.yaml")
    assert code == 1 and len(out) < 3_000  # not the whole 120 KB line
    lines = out.splitlines()
    source = next(i for i, line in enumerate(lines) if "analytics.track(" in line)
    assert lines[source].startswith("1 | …") and lines[source].endswith("…")
    column = lines[source].index('"Cart Abandoned"')
    assert lines[source + 1].index("^") == column
    assert lines[source + 1].count("^") == len('"Cart Abandoned"')


def test_the_sarif_report_validates_against_the_sarif_schema(tmp_path: Path) -> None:
    from tests.test_report_sarif import sarif_schema

    schema = sarif_schema()
    scan("--config", CONFIG, "-f", "sarif", "-o", str(tmp_path / "scan.sarif"))
    document = json.loads((tmp_path / "scan.sarif").read_text("utf-8"))
    errors = [e.message for e in validator_for(schema)(schema).iter_errors(document)]
    assert errors == []


def test_fail_on_chooses_what_fails() -> None:
    code, out = scan("--config", CONFIG, "--fail-on", "never")
    assert code == 0 and "error[" not in out
    code, out = scan("tests/scan/apps/python", "--config", CONFIG, "--fail-on", "missing")
    assert code == 1
    assert "error[PS301 planned-event-not-sent]: Cart Shared is planned" in out
    assert "warning[PS204 not-in-enum]" in out  # drift is no longer failing
    code, out = scan("--config", CONFIG, "--fail-on", "unplanned", "-f", "json")
    failing = {d["code"] for d in json.loads(out)["diagnostics"] if d["severity"] == "error"}
    assert failing == {"PS102"}


@pytest.mark.parametrize(("args", "message"), [
    (["--fail-on", "sometimes"], "--fail-on takes missing, unplanned, drift or never"),
    (["--fail-on", "never,missing"], "cannot be combined"),
    (["does/not/exist"], "no such file or directory: does/not/exist"),
    (["--plan", "nope.yaml"], "no plan file or plan id 'nope.yaml'"),
])
def test_usage_errors_exit_2(args: list[str], message: str) -> None:
    code, out = scan("--config", CONFIG, *args)
    assert code == 2 and message in out


@pytest.mark.parametrize(("toml", "message"), [
    ("[scan]\nwrapper = []\n", "unknown key 'wrapper' in [scan]; did you mean 'wrappers'?"),
    ("[scan]\nwrappers = [{call = \"t\", event = 3}]\n", "`event` must be a non-empty string"),
    ("[scan]\nwrappers = [{call = \"t\", evnt_arg = 0}]\n", "unknown key 'evnt_arg'"),
    ("[scan]\nwrappers = [{call = \"t\", kind = \"identify\", event_arg = 0}]\n",
     "identify calls have no event name"),
    ("[scan]\nmax_file_size = -1\n", "max_file_size must be a positive number"),
    ("[scan]\nmax_file_size = 104857600\n", "max_file_size is at most 8388608 bytes"),
    ("[scan]\nfail_on = [\"missing\", \"late\"]\n", "[scan] fail_on"),
])
def test_bad_configuration_is_a_precise_error(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / ".protocols.toml"
    config.write_text(toml, "utf-8")
    code, out = scan("tests/scan/apps/python", "--plan", "tests/scan/plan.yaml",
                     "--config", str(config))
    assert code == 2 and message in out, out


def test_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["scan", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "wrappers = [" in result.output
    assert "protocols scan" in CliRunner().invoke(app, ["--help"]).output


def test_progress_line_on_a_terminal_only(tmp_path: Path) -> None:
    for index in range(150):
        (tmp_path / f"m{index}.py").write_text(
            "import segment.analytics as analytics\n" * 200
            + 'analytics.track("u", "Signed In")\n', "utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    env.update(COLUMNS="100", TERM="xterm")
    args = ["scan", str(tmp_path), "--plan", "tests/scan/plan.yaml", "--fail-on", "never"]
    code, stdout, stderr = _run_with_stderr_on_a_terminal(args, env)
    assert code == 0
    assert "scanning" in stderr and "150" in stderr
    assert "scanning" not in stdout and "Coverage" in stdout
    _, _, quiet = _run_with_stderr_on_a_terminal([*args, "-f", "json"], env)
    assert "scanning" not in quiet  # a machine format on stdout
    _, _, under_ci = _run_with_stderr_on_a_terminal(args, {**env, "CI": "true"})
    assert "scanning" not in under_ci
    _, _, quiet = _run_with_stderr_on_a_terminal([*args, "--quiet"], env)
    assert "scanning" not in quiet


def test_the_pre_commit_hook_runs_scan_on_the_whole_tree() -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(
        "utf-8"))}
    hook = hooks["protocols-scan"]
    assert hook["entry"] == "protocols scan"
    assert hook["pass_filenames"] is False  # imports and coverage need every file
    assert {"python", "ts", "tsx", "javascript", "kotlin", "swift", "java", "go"} <= set(
        hook["types_or"])


def _documented_scan_commands() -> list[str]:
    found: set[str] = set()
    for page in ("docs/ci.md", "docs/scan.md"):
        text = (REPO / page).read_text("utf-8")
        found |= {c.strip() for c in re.findall(r"(?:^|- |run: )(protocols scan [^\n`#]*)",
                                                 text, flags=re.MULTILINE)}
    return sorted(found)


def test_the_docs_show_scan_commands() -> None:
    assert len(_documented_scan_commands()) >= 3


@pytest.mark.parametrize("line", _documented_scan_commands())
def test_documented_scan_commands_run(line: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("plans", "tests"):
        (tmp_path / name).symlink_to(REPO / name, target_is_directory=True)
    app_dir = tmp_path / "src"
    app_dir.mkdir()
    (app_dir / "app.py").write_text(
        'import segment.analytics as analytics\nanalytics.track("u", "Order Completed")\n',
        "utf-8")
    monkeypatch.chdir(tmp_path)
    args = shlex.split(line)[2:]
    result = CliRunner().invoke(app, ["scan", *args])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    for output in (o for o in re.findall(r"-o ([^\s]+)", line) if o != "-"):
        assert (tmp_path / output).stat().st_size > 0
