"""`protocols serve` on the command line: help, usage errors, the missing extra, a broken plan,
and a real start (banner, Ctrl-C) as a process."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from protocols import load_plan
from protocols.cli import app
from tests.serve_tools import PLAN, get_json, post, serve_process
from tests.test_serve_collector import GOOD

runner = CliRunner()


def test_help_has_examples() -> None:
    result = runner.invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "protocols serve --plan" in result.output
    assert "/api/messages" in result.output and "--max-batch" in result.output


def test_the_top_level_help_lists_serve() -> None:
    assert "serve" in runner.invoke(app, ["--help"]).output


def test_a_missing_extra_is_a_clear_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "starlette", None)  # as if it were not installed
    result = runner.invoke(app, ["serve", "--plan", str(PLAN)])
    assert result.exit_code == 2
    assert "pip install 'protocols[serve]'" in result.output
    assert "Traceback" not in result.output


def test_a_broken_plan_exits_1_with_its_errors(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: x\nevents:\n  A: {properties: 3}\n", "utf-8")
    result = runner.invoke(app, ["serve", "--plan", str(plan), "--port", "0"])
    assert result.exit_code == 1
    assert "plan.yaml:4:" in result.output


def test_usage_errors(tmp_path: Path) -> None:
    same = str(tmp_path / "x.ndjson")
    result = runner.invoke(app, ["serve", "--plan", str(PLAN), "--good", same, "--bad", same])
    assert result.exit_code == 2 and "are the same file" in result.output
    result = runner.invoke(app, ["serve", "--plan", str(PLAN), "--good", str(PLAN)])
    assert result.exit_code == 2 and "refusing to overwrite an input" in result.output
    result = runner.invoke(app, ["serve", "--plan", str(PLAN), "--fail-on", "sometimes"])
    assert result.exit_code == 2
    result = runner.invoke(app, ["serve", "--plan", "no-such-plan"])
    assert result.exit_code == 2 and "no plan file or plan id" in result.output


def test_a_port_in_use_is_a_usage_error(tmp_path: Path) -> None:
    from protocols.serve.server import bind

    taken = bind("127.0.0.1", 0)
    try:
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", "--plan", str(PLAN), "--port", str(port),
                                     "--good", str(tmp_path / "g"), "--bad", str(tmp_path / "b")])
        assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{port}" in result.output
    finally:
        taken.close()


def test_a_real_start_and_ctrl_c(tmp_path: Path) -> None:
    with serve_process(tmp_path) as server:
        assert f"plan       ecommerce {load_plan(PLAN).version}" in server.banner
        assert post(f"{server.url}/v1/track", GOOD, write_key="k").status == 200
        assert get_json(server.url + "/api/counts")["good"] == 1
        server.process.send_signal(signal.SIGINT)
        assert server.process.wait(timeout=20) == 0
    assert (tmp_path / "good.ndjson").read_text().count("\n") == 1
    assert "Traceback" not in (tmp_path / "serve.stderr").read_text()
