"""Security: no output ever overwrites an input, and a failed write keeps the old file.

The attacks of issue 11: ``--good`` as a hard link to the log truncated the log to zero bytes;
``-o`` naming the log or the plan overwrote it. Every command that writes is tried with every
kind of alias of an input (the same path, another spelling, a hard link, a symbolic link,
standard input or output redirected to the file): each must exit 2 before writing anything.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.fileguard import write_text

PROTOCOLS = [sys.executable, "-c", "from protocols.cli import main; main()"]
PLAN = """protocols: 1
plan: shop
version: "1.0.0"
imports: [lib.yaml]
events:
  Order Completed:
    description: An order was placed.
    properties:
      total: {type: number, required: true}
      order_id: {}
"""
LIB = "protocols: 1\nlibrary: lib\nproperties:\n  order_id: {type: string}\n"
MESSAGE = {"type": "track", "event": "Order Completed", "userId": "u",
           "properties": {"total": 3, "order_id": "o"}}


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "shop.yaml").write_text(PLAN, "utf-8")
    (tmp_path / "plans" / "lib.yaml").write_text(LIB, "utf-8")
    (tmp_path / "log.ndjson").write_text(json.dumps(MESSAGE) + "\n{broken\n", "utf-8")
    (tmp_path / "schema.json").write_text(json.dumps({"title": "E", "type": "object"}), "utf-8")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text('analytics.track("u", "Order Completed")\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


def run(*args: str) -> Any:
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


# Each alias maker returns a new name for ``original`` that is the same file.
def same(original: str) -> str:
    return original


def spelled(original: str) -> str:
    return f"./plans/../{original}"


def hard(original: str) -> str:
    link = f"{original}.hard"
    os.link(original, link)
    return link


def soft(original: str) -> str:
    link = f"{original}.soft"
    os.symlink(os.path.abspath(original), link)
    return link


ALIASES: dict[str, Callable[[str], str]] = {"same": same, "spelled": spelled,
                                             "hard": hard, "soft": soft}

# (command with {out} where the written path goes, the input it aliases)
COMMANDS = [
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "--good", "{out}"], "log.ndjson"),
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "--bad", "{out}"], "log.ndjson"),
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "--bad", "bad.ndjson",
      "--bad-reasons", "{out}"], "log.ndjson"),
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "-o", "{out}"], "log.ndjson"),
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "-o", "{out}"], "plans/shop.yaml"),
    (["validate", "--plan", "plans/shop.yaml", "log.ndjson", "--good", "{out}"],
     "plans/lib.yaml"),
    (["lint", "plans/shop.yaml", "-f", "json", "-o", "{out}"], "plans/shop.yaml"),
    (["lint", "plans/shop.yaml", "-o", "{out}"], "plans/lib.yaml"),
    (["diff", "plans/shop.yaml", "--against", "plans/shop.yaml", "-o", "{out}"],
     "plans/shop.yaml"),
    (["diff", "plans/shop.yaml", "--against", "plans/shop.yaml", "--changelog", "{out}"],
     "plans/shop.yaml"),
    (["export", "segment", "plans/shop.yaml", "--out", "{out}"], "plans/shop.yaml"),
    (["import", "jsonschema", "schema.json", "--out", "{out}", "--force"], "schema.json"),
    (["import", "segment", "schema.json", "--out", "{out}", "--force"], "schema.json"),
    (["infer", "log.ndjson", "--out", "{out}", "--force"], "log.ndjson"),
    (["serve", "--plan", "plans/shop.yaml", "--port", "0", "--good", "{out}"], "plans/shop.yaml"),
    (["scan", "src", "--plan", "plans/shop.yaml", "-o", "{out}"], "src/app.py"),
]


@pytest.mark.parametrize("alias", ALIASES)
@pytest.mark.parametrize(("command", "victim"), COMMANDS,
                         ids=[f"{c[0]}-{c[-2] if '{out}' in c[-1] else c[-3]}-{v}"
                              for c, v in COMMANDS])
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(
        work: Path, command: list[str], victim: str, alias: str) -> None:
    target = ALIASES[alias](victim)
    before = snapshot(work)
    result = run(*[target if part == "{out}" else part for part in command])
    assert result.exit_code == 2, result.output
    assert "refusing to overwrite an input" in result.output or "same file" in result.output
    assert snapshot(work) == before  # nothing truncated, nothing created


@pytest.mark.parametrize("alias", ["hard", "soft"])
def test_folder_outputs_are_checked_file_by_file(work: Path, alias: str) -> None:
    """compile, export jsonschema, generate and docs write many files into a folder: none
    of them may be an input (here the plan, linked where a generated file will go)."""
    for folder, name, command in [
        ("build", "track/order_completed.json", ["compile", "plans/shop.yaml", "--out", "build"]),
        ("schemas", "track/order_completed.json",
         ["export", "jsonschema", "plans/shop.yaml", "--out", "schemas"]),
        ("gen", "__init__.py", ["generate", "--lang", "python", "--plan", "plans/shop.yaml",
                                "--out", "gen"]),
        ("site", "index.html", ["docs", "--plan", "plans/shop.yaml", "--out", "site",
                                "--no-history"]),
    ]:
        (work / folder / name).parent.mkdir(parents=True, exist_ok=True)
        link = ALIASES[alias]("plans/shop.yaml")
        os.replace(link, work / folder / name)
        before = snapshot(work)
        result = run(*command)
        assert result.exit_code == 2, (command, result.output)
        assert "refusing to overwrite an input" in result.output
        assert snapshot(work) == before


def test_two_outputs_that_are_one_file_are_refused(work: Path) -> None:
    result = run("validate", "--plan", "plans/shop.yaml", "log.ndjson", "--good", "out.ndjson",
                 "--bad", "./out.ndjson")
    assert result.exit_code == 2 and "are the same file" in result.output
    assert not (work / "out.ndjson").exists()


def test_stdin_redirected_from_the_output_file_is_refused(work: Path) -> None:
    """``protocols validate - --good log < log``: the input is standard input, whose file is
    found with fstat(0)."""
    before = snapshot(work)
    with (work / "log.ndjson").open("rb") as stdin:
        result = subprocess.run([*PROTOCOLS, "validate", "--plan", "plans/shop.yaml", "-",
                                 "--good", "log.ndjson"], stdin=stdin, capture_output=True,
                                text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert "standard input" in result.stderr
    assert snapshot(work) == before


def test_stdout_appended_to_an_input_is_refused(work: Path) -> None:
    """``protocols validate log >> log`` would read its own report forever."""
    before = snapshot(work)
    with (work / "log.ndjson").open("ab") as stdout:
        result = subprocess.run([*PROTOCOLS, "validate", "--plan", "plans/shop.yaml",
                                 "log.ndjson"], stdout=stdout, stderr=subprocess.PIPE,
                                text=True, timeout=120, check=False)
    assert result.returncode == 2, result.stderr
    assert "standard output is redirected to the input" in result.stderr
    assert snapshot(work) == before


def test_distinct_outputs_still_work(work: Path) -> None:
    result = run("validate", "--plan", "plans/shop.yaml", "log.ndjson", "--good", "good.ndjson",
                 "--bad", "bad.ndjson", "-f", "json", "-o", "report.json")
    assert result.exit_code == 1, result.output
    assert json.loads((work / "report.json").read_text("utf-8"))["summary"]["messages"] == 2
    assert (work / "good.ndjson").read_text("utf-8") == json.dumps(MESSAGE) + "\n"


def _read_fifo(path: Path, into: list[bytes]) -> threading.Thread:
    def read() -> None:
        with open(path, "rb") as handle:
            into.append(handle.read())
    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_report_to_a_device_or_a_pipe_is_written_in_place(work: Path) -> None:
    # `-o /dev/null` once renamed a temporary file over /dev/null (run as root, the machine
    # lost its /dev/null). A named pipe stands for every such file here, so that the test
    # cannot break the machine if it fails.
    fifo = work / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    result = run("validate", "--plan", "plans/shop.yaml", "log.ndjson", "-o", str(fifo),
                 "-f", "json")
    reader.join(timeout=30)
    assert result.exit_code == 1, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert json.loads(got[0])["summary"]["messages"] == 2
    assert sorted(p.name for p in work.iterdir()) == [
        "log.ndjson", "plans", "report.pipe", "schema.json", "src"]  # no temporary file left


def test_a_failed_write_keeps_the_old_report(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (work / "report.json").write_text("previous report\n", "utf-8")

    def broken_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("protocols.fileguard.os.replace", broken_replace)
    result = run("lint", "plans/shop.yaml", "-f", "json", "-o", "report.json")
    assert result.exit_code == 2 and "No space left on device" in result.output
    assert (work / "report.json").read_text("utf-8") == "previous report\n"
    assert sorted(p.name for p in work.iterdir()) == [
        "log.ndjson", "plans", "report.json", "schema.json", "src"]  # no temporary file left


def test_write_text_is_atomic_on_any_error(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("old", "utf-8")
    target.chmod(0o640)
    with pytest.raises(UnicodeEncodeError):
        write_text(target, "new text with a lone surrogate \ud800")
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]
    write_text(target, "new")
    assert target.read_text("utf-8") == "new" and target.stat().st_mode & 0o777 == 0o640
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_text(link, "through the link")
    assert link.is_symlink() and target.read_text("utf-8") == "through the link"
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _read_fifo(fifo, got)
    write_text(fifo, "into the pipe")
    reader.join(timeout=30)
    assert got == [b"into the pipe"] and stat.S_ISFIFO(os.lstat(fifo).st_mode)
