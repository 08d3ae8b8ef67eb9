"""``python -m protocols.spark`` takes validate's options and writes validate's reports (json,
sarif, markdown, junit), to the byte, with the same exit code."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols.cli import app as protocols_app
from protocols.cli.spark_job import app as spark_app
from tests.conftest import REPO
from tests.engine_logs import hostile_log

FORMATS = ["json", "sarif", "markdown", "junit"]


def reports(tmp_path: Path, name: str) -> list[str]:
    args = []
    for format in FORMATS:
        args += ["-f", format, "-o", str(tmp_path / f"{name}.{format}")]
    return args


def test_the_job_writes_validates_reports(spark: Any, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    log = tmp_path / "hostile.ndjson"
    log.write_bytes(hostile_log())
    common = ["--plan", "plans/ecommerce.yaml", "examples/", str(log), "--fail-on", "warning",
              "--max-examples", "2"]
    runner = CliRunner()
    cli = runner.invoke(protocols_app, ["validate", *common, "--good", str(tmp_path / "g"),
                                        "--bad", str(tmp_path / "b"),
                                        *reports(tmp_path, "cli")])
    job = runner.invoke(spark_app, [*common, "--good", str(tmp_path / "good"), "--bad",
                                    str(tmp_path / "bad"), "--bad-reasons",
                                    str(tmp_path / "reasons"), *reports(tmp_path, "spark")])
    assert (job.exit_code, job.output) == (cli.exit_code, cli.output)
    assert cli.exit_code == 1
    for format in FORMATS:
        assert (tmp_path / f"spark.{format}").read_text("utf-8") == \
            (tmp_path / f"cli.{format}").read_text("utf-8"), format
    assert spark.sparkContext._jsc is not None  # (the job left the shared session running)
    reasons = [line for part in sorted((tmp_path / "reasons").glob("part-*"))
               for line in part.read_text("utf-8").splitlines()]
    bad = [line for part in sorted((tmp_path / "bad").glob("part-*"))
           for line in part.read_bytes().splitlines()]
    assert len(reasons) == len(bad) > 0
    assert '"path": null' not in reasons[0] and '"path":' in "".join(reasons)


def test_usage_errors_are_validates(spark: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    plan = str(REPO / "plans" / "ecommerce.yaml")
    for args, message in (
            (["--fail-on", "often", str(REPO / "examples")], "--fail-on takes error, warning"),
            ([str(tmp_path / "nothing.ndjson")], "no such file or folder"),
            (["-", "-f", "json"], "Spark reads files, not standard input"),
            ([str(REPO / "examples"), "--bad-reasons", str(tmp_path / "r")], "pass --bad"),
            ([str(REPO / "examples"), "--good", str(REPO)], "holds an input")):
        result = runner.invoke(spark_app, ["--plan", plan, *args])
        assert result.exit_code == 2, (args, result.output)
        assert message in result.output


def test_python_m_protocols_spark(spark: Any, tmp_path: Path,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The module spark-submit runs, as ``python -m protocols.spark`` runs it (in this process,
    # so on the test session's Spark: a job uses the active session and leaves it running):
    # every report format, and the exit code, of ``protocols validate``.
    monkeypatch.chdir(REPO)
    log = tmp_path / "hostile.ndjson"
    log.write_bytes(hostile_log())
    common = ["--plan", "plans/ecommerce.yaml", "examples/clean.ndjson", str(log),
              "--max-examples", "3"]
    monkeypatch.setattr(sys, "argv", ["protocols.spark", *common, *reports(tmp_path, "spark")])
    with pytest.raises(SystemExit) as done:
        runpy.run_module("protocols.spark", run_name="__main__")
    cli = CliRunner().invoke(protocols_app, ["validate", *common, *reports(tmp_path, "cli")])
    assert cli.exit_code == 1  # (the hostile log has errors)
    assert done.value.code == cli.exit_code
    for format in FORMATS:
        assert (tmp_path / f"spark.{format}").read_text("utf-8") == \
            (tmp_path / f"cli.{format}").read_text("utf-8"), format
    assert spark.sparkContext._jsc is not None


def test_the_options_are_validates() -> None:
    # Every option of validate, spelled the same, and only --master besides: a flag added to
    # validate and not to the job fails here.
    import typer.main

    def options(command: Any) -> set[str]:
        return {o for p in command.params for o in (*p.opts, *p.secondary_opts)}

    validate = typer.main.get_command(protocols_app).commands["validate"]
    job = typer.main.get_command(spark_app)
    assert options(job) - options(validate) == {"--master"}
    assert options(validate) <= options(job)


def test_the_help_reads_like_validates() -> None:
    # Without the main app's settings, rich took "[tool.protocols]" for markup and dropped it,
    # and showed flags as if they took a value (--quiet QUIET).
    result = CliRunner().invoke(spark_app, ["--help"], terminal_width=100)
    assert result.exit_code == 0
    text = " ".join(result.output.split())
    assert "[tool.protocols] in pyproject.toml" in text
    assert "-q, --quiet Accepted" in text and "QUIET" not in text
