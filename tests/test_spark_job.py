"""``python -m protocols.spark`` takes validate's options and writes validate's reports (json,
sarif, markdown, junit), to the byte, with the same exit code."""

from __future__ import annotations

import os
import subprocess
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


def test_python_m_protocols_spark(spark: Any, tmp_path: Path) -> None:
    # The entry point spark-submit runs, in a process (and a Spark) of its own.
    out = tmp_path / "report.json"
    env = {**os.environ, "PYSPARK_PYTHON": sys.executable, "SPARK_LOCAL_IP": "127.0.0.1"}
    done = subprocess.run([sys.executable, "-m", "protocols.spark", "--master", "local[1]",
                           "--plan", "plans/ecommerce.yaml", "examples/clean.ndjson",
                           "-f", "json", "-o", str(out)], cwd=REPO, env=env,
                          capture_output=True, timeout=600)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    cli = CliRunner().invoke(protocols_app, ["validate", "--plan",
                                             str(REPO / "plans" / "ecommerce.yaml"),
                                             str(REPO / "examples" / "clean.ndjson"),
                                             "-f", "json", "-o", str(tmp_path / "cli.json")])
    assert cli.exit_code == 0
    assert out.read_text("utf-8") == (tmp_path / "cli.json").read_text("utf-8").replace(
        str(REPO / "examples"), "examples")
