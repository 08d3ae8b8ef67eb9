"""The lint and plan-format docs stay true: every key and flag documented, examples real."""

from __future__ import annotations

import json
import linecache
import re
from pathlib import Path
from typing import Any

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from protocols.cli import app
from tests.conftest import REPO

PLAN_FORMAT = (REPO / "docs" / "plan-format.md").read_text("utf-8")
LINT_DOC = (REPO / "docs" / "lint.md").read_text("utf-8")


def _keys(schema: dict[str, Any], *path: str) -> list[str]:
    node = schema
    for part in path:
        node = node[part]
    return list(node["properties"])


def format_keys() -> list[str]:
    schema = json.loads((REPO / "protocols" / "data" / "plan.schema.json").read_text("utf-8"))
    keys = _keys(schema)
    keys += _keys(schema, "properties", "conventions")
    keys += _keys(schema, "properties", "conventions", "properties", "event_template")
    keys += _keys(schema, "properties", "lint")
    keys += _keys(schema, "properties", "common")
    for name in ("property", "event", "traitsMessage"):
        keys += _keys(schema, "$defs", name)
    return sorted(set(keys))


@pytest.mark.parametrize("key", format_keys())
def test_every_plan_format_key_is_documented(key: str) -> None:
    assert f"`{key}`" in PLAN_FORMAT, f"docs/plan-format.md does not mention `{key}`"


def test_every_lint_flag_is_documented() -> None:
    command = get_command(app).commands["lint"]  # type: ignore[attr-defined]
    for param in command.params:
        for flag in param.opts:
            if flag.startswith("--"):
                assert f"`{flag}" in LINT_DOC, f"docs/lint.md does not mention {flag}"


def test_text_output_example_is_what_lint_prints(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    section = LINT_DOC[LINT_DOC.index("## Text output"):LINT_DOC.index("## JSON output")]
    plan = re.search(r"```yaml\n(.*?)```", section, re.S)
    shown = re.search(r"```text\n(.*?)```", section, re.S)
    assert plan and shown
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "shop.yaml").write_text(plan.group(1), "utf-8")
    linecache.clearcache()
    result = CliRunner().invoke(app, ["lint", "plans/shop.yaml"])
    assert result.exit_code == 1
    assert result.stdout == shown.group(1)
    data = CliRunner().invoke(app, ["lint", "plans/shop.yaml", "--format", "json"]).stdout
    first = json.loads(data)["diagnostics"][0]
    assert json.dumps(first["message"]) in LINT_DOC
