"""The live progress line of long runs: on a terminal only, never on standard output."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from protocols.cli.progress import progress_wanted
from protocols.plan import load_plan
from protocols.progress import Progress
from protocols.validate.run import ValidateOptions, validate_inputs
from tests.conftest import REPO
from tests.terminal import run_with_stderr_on_a_terminal

LINE = ('{"type": "track", "event": "Order Completed", "userId": "u%d", '
        '"properties": {"order_id": "o%d", "total": 10}, '
        '"context": {"library": {"name": "web"}}}\n')


# Nine messages in ten valid (the fast lane), one missing required properties (findings).
VALID = ('{"type": "track", "event": "Order Completed", "userId": "u%d", "properties": '
         '{"order_id": "o%d", "total": 10, "currency": "USD", "products": [{"product_id": '
         '"p%d", "sku": "S-%d", "name": "n", "price": 1, "quantity": 1}]}}\n')
INVALID = '{"type": "track", "event": "Order Completed", "userId": "x", "properties": {}}\n'


@pytest.fixture
def env() -> dict[str, str]:
    found = {k: v for k, v in os.environ.items() if k not in ("CI", "GITHUB_ACTIONS")}
    found.update(COLUMNS="120", TERM="xterm")
    return found


@pytest.fixture
def log(tmp_path: Path) -> Path:
    path = tmp_path / "log.ndjson"
    path.write_text("".join(LINE % (i, i) for i in range(30_000)), "utf-8")
    return path


def test_infer_shows_bytes_messages_and_rate(log: Path, tmp_path: Path,
                                             env: dict[str, str]) -> None:
    args = ["infer", str(log), "--out", str(tmp_path / "draft.yaml"), "--force"]
    code, stdout, terminal = run_with_stderr_on_a_terminal(args, env)
    assert code == 0, terminal
    assert "inferring" in terminal and "messages" in terminal and "/s)" in terminal
    assert "inferring" not in stdout and "from 30000 messages" in stdout
    for off in ([*args, "--quiet"], [*args, "-q"]):
        assert "inferring" not in run_with_stderr_on_a_terminal(off, env)[2]
    assert "inferring" not in run_with_stderr_on_a_terminal(args, {**env, "CI": "true"})[2]


def test_progress_is_wanted_only_at_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Terminal:
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.setattr("sys.stderr", Terminal())
    assert progress_wanted(["text"], [])
    assert progress_wanted(["json"], [Path("report.json")])  # the report goes to a file
    assert not progress_wanted(["json"], [])  # a machine format on stdout
    assert not progress_wanted(["text", "sarif"], [Path("-")])
    assert not progress_wanted(["text"], [], quiet=True)
    monkeypatch.setenv("CI", "true")
    assert not progress_wanted(["text"], [])


@pytest.fixture
def validate_log(tmp_path: Path) -> Path:
    path = tmp_path / "validate.ndjson"
    path.write_text("".join(VALID % (i, i, i, i) if i % 10 else INVALID
                            for i in range(30_000)), "utf-8")
    return path


def test_validate_shows_bytes_messages_rate_and_findings(validate_log: Path, tmp_path: Path,
                                                         env: dict[str, str]) -> None:
    args = ["validate", "--plan", "plans/ecommerce.yaml", str(validate_log), "-f", "json",
            "-o", str(tmp_path / "report.json")]
    for jobs in ("1", "2"):
        code, stdout, terminal = run_with_stderr_on_a_terminal([*args, "--jobs", jobs], env)
        assert code in (0, 1), terminal
        assert "validating" in terminal and "/s)" in terminal and "findings" in terminal
        assert "30,000 messages" in terminal or jobs == "1"  # (after the last piece)
        assert "kB" in terminal or "MB" in terminal  # bytes read
        assert "validating" not in stdout
    summary = json.loads((tmp_path / "report.json").read_text("utf-8"))["summary"]
    assert summary["messages"] == 30_000
    for off in ([*args, "-q"], args[:-2]):  # the last: json on stdout
        assert "validating" not in run_with_stderr_on_a_terminal(off, env)[2]
    assert "validating" not in run_with_stderr_on_a_terminal(args, {**env, "CI": "true"})[2]


@pytest.mark.parametrize("jobs", [1, 2])
def test_validate_reports_progress_to_the_end_without_changing_the_result(
        validate_log: Path, jobs: int) -> None:
    log = validate_log
    plan = load_plan(REPO / "plans" / "ecommerce.yaml")
    options = ValidateOptions(jobs=jobs, max_examples=3)
    heard: list[Progress] = []
    with_progress = validate_inputs(plan, [str(log), str(log)], options,
                                    progress=heard.append)
    without = validate_inputs(plan, [str(log), str(log)], options)
    assert with_progress.summary == without.summary
    assert with_progress.diagnostics == without.diagnostics
    assert len(heard) >= 2
    size = 2 * log.stat().st_size
    assert all(p.bytes_total == size for p in heard)
    assert [p.bytes_read for p in heard] == sorted(p.bytes_read for p in heard)
    assert [p.messages for p in heard] == sorted(p.messages for p in heard)
    assert heard[-1].bytes_read == size and heard[-1].messages == 60_000
    assert heard[-1].findings == without.summary["findings"] > 0


def test_validate_of_standard_input_shows_messages_not_bytes(validate_log: Path,
                                                             env: dict[str, str]) -> None:
    args = ["validate", "--plan", "plans/ecommerce.yaml", "-"]
    code, _, terminal = run_with_stderr_on_a_terminal(args, env, stdin=validate_log)
    assert code == 1, terminal
    assert "validating" in terminal and "messages" in terminal and "findings" in terminal
    line = terminal.split("validating")[-1].split("\n")[0]
    assert "bytes" not in line and "kB" not in line  # no position to tell on a pipe


def test_the_rate_counts_from_the_start_of_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    # With --jobs the first report already holds a whole piece: a rate counted from it showed
    # 1,638,847 messages a second for a run of 13,360 messages in about a second.
    from rich.progress import Progress as Bar

    from protocols.cli import progress as module

    clock = iter([100.0, 100.0, 101.0, 102.0])
    monkeypatch.setattr(module.time, "monotonic", lambda: next(clock))
    shown: list[str] = []
    monkeypatch.setattr(Bar, "update", lambda self, task, **fields: shown.append(
        fields.get("counts", "")))
    with module.RunProgress(enabled=True, verb="validating") as bar:
        bar.update(Progress(bytes_read=10, bytes_total=None, messages=5000, findings=0))
        bar.update(Progress(bytes_read=20, bytes_total=None, messages=10000, findings=0))
    assert shown == ["5,000 messages (5,000/s), 0 findings",
                     "10,000 messages (5,000/s), 0 findings"]
