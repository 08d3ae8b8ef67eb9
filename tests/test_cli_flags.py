"""One meaning per flag: `-o/--output` is the report, `--out` what a command writes; help reads
as words; a folder where a file belongs is the same clear error everywhere."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from protocols.cli import app
from tests.conftest import REPO

PLAN = REPO / "plans" / "ecommerce.yaml"


def run(*args: str, input: str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False)


def every_command() -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in sorted(subcommands.items()):
                walk(f"{prefix} {name}".strip(), sub)
        else:
            found.append((prefix, command))

    walk("", typer.main.get_command(app))
    return found


@pytest.mark.parametrize("name", [name for name, _ in every_command()])
def test_help_reads_as_words_and_output_is_always_the_report(name: str) -> None:
    result = run(*name.split(), "--help")
    assert result.exit_code == 0
    flags = result.output.split("Examples:")[0]  # the epilog's examples may say <event>
    assert re.search(r"<[a-z]+(\[[^\]]*\])?>", flags) is None, flags
    command = dict(every_command())[name]
    for param in command.params:
        opts = set(param.opts) | set(param.secondary_opts)
        if "--output" in opts and not param.hidden:
            # --output goes with --format: it is where a report goes.
            assert any("--format" in p.opts for p in command.params), name


LEGACY = [  # the old spelling of --out, still read (hidden), and the new one
    ("compile", ["compile", str(PLAN)], "-o", "dir"),
    ("export jsonschema", ["export", "jsonschema", str(PLAN)], "-o", "dir"),
    ("export jsonschema", ["export", "jsonschema", str(PLAN)], "--output", "dir"),
    ("export segment", ["export", "segment", str(PLAN)], "-o", "file"),
    ("export segment", ["export", "segment", str(PLAN)], "--output", "file"),
]


@pytest.mark.parametrize(("name", "args", "old", "kind"), LEGACY,
                         ids=[f"{n} {o}" for n, _, o, _ in LEGACY])
def test_out_and_its_old_spelling_write_the_same(tmp_path: Path, name: str, args: list[str],
                                                 old: str, kind: str) -> None:
    new_target, old_target = tmp_path / "new", tmp_path / "old"
    assert run(*args, "--out", str(new_target)).exit_code == 0
    assert run(*args, old, str(old_target)).exit_code == 0
    if kind == "dir":
        new_files = sorted(p.relative_to(new_target) for p in new_target.rglob("*.json"))
        assert new_files == sorted(p.relative_to(old_target) for p in old_target.rglob("*.json"))
        assert new_files
    else:
        assert new_target.read_text("utf-8") == old_target.read_text("utf-8")
    help_text = run(*name.split(), "--help").output
    assert "--out" in help_text and old not in help_text.replace("--out", "")


def test_import_and_infer_write_the_plan_with_out_and_the_old_spellings(tmp_path: Path) -> None:
    export = tmp_path / "segment.json"
    assert run("export", "segment", str(PLAN), "--out", str(export)).exit_code == 0
    for index, flag in enumerate(["--out", "--output", "-o"]):
        target = tmp_path / f"plan{index}.yaml"
        result = run("import", "segment", str(export), flag, str(target))
        assert result.exit_code == 0, result.output
        assert target.exists()
    log = tmp_path / "logs" / "a.ndjson"
    log.parent.mkdir()
    log.write_text(json.dumps({"type": "track", "event": "Signed In", "userId": "u",
                               "properties": {"method": "email"}}) + "\n", "utf-8")
    for flag in ("--out", "-o"):
        target = tmp_path / f"draft{flag.strip('-')}.yaml"
        result = run("infer", str(log.parent), flag, str(target))  # a folder, like validate
        assert result.exit_code == 0, result.output
        assert "Signed In" in target.read_text("utf-8")


FILE_EXPECTED = [
    ["compile", "{dir}", "--out", "{tmp}/c"],
    ["export", "segment", "{dir}"],
    ["export", "jsonschema", "{dir}", "--out", "{tmp}/j"],
    ["validate", "--plan", "{dir}", "-"],
    ["generate", "--lang", "python", "--plan", "{dir}", "--out", "{tmp}/g"],
    ["import", "segment", "{dir}", "--out", "{tmp}/p.yaml"],
    ["import", "jsonschema", str(REPO / "tests"), "--out", "{dir}"],
    ["infer", str(REPO / "examples"), "--out", "{dir}"],
]


@pytest.mark.parametrize("template", FILE_EXPECTED, ids=[" ".join(t[:2]) for t in FILE_EXPECTED])
def test_a_folder_where_a_file_belongs_is_one_clear_error(tmp_path: Path,
                                                          template: list[str]) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    args = [part.format(dir=folder, tmp=tmp_path) for part in template]
    result = run(*args, input="")
    assert result.exit_code == 2, result.output
    assert f"{folder} is a folder" in result.output, result.output
