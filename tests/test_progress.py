"""The live progress line of long runs: on a terminal only, never on standard output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from protocols.cli.progress import progress_wanted
from tests.terminal import run_with_stderr_on_a_terminal

LINE = ('{"type": "track", "event": "Order Completed", "userId": "u%d", '
        '"properties": {"order_id": "o%d", "total": 10}, '
        '"context": {"library": {"name": "web"}}}\n')


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
