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


# Examples that cannot run as written, and why.
NOT_RUNNABLE = {
    ("PL100", "Failing"): "shows a tab as →",
    ("PL112", "Passing"): "needs the imported file beside it",
}


def rule_examples() -> list[Any]:
    from protocols.lint.registry import all_rules

    cases = []
    for rule in all_rules():
        for kind in ("Failing", "Passing"):
            start = rule.doc.find(f"{kind}:")
            block = re.search(r"```yaml\n(.*?)```", rule.doc[start:], re.S) if start >= 0 else None
            if block is None or (rule.code, kind) in NOT_RUNNABLE:
                continue
            if kind == "Failing" and "Passing:" in rule.doc[start:start + block.start()]:
                continue  # the Failing example is prose; this block belongs to Passing
            cases.append(pytest.param(rule.code, kind, block.group(1),
                                      id=f"{rule.code}-{kind}"))
    return cases


@pytest.mark.parametrize(("code", "kind", "example"), rule_examples())
def test_rule_doc_examples_fail_and_pass(code: str, kind: str, example: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    from protocols.lint import lint_paths

    monkeypatch.chdir(tmp_path)
    text = example if "protocols:" in example else "protocols: 1\nplan: shop\n" + example
    (tmp_path / "plan.yaml").write_text(text, "utf-8")
    found = list(lint_paths(["plan.yaml"]).diagnostics)
    own = [d for d in found if d.code == code]
    if kind == "Failing":
        assert own, f"the failing example of {code} does not trigger it: {found}"
    else:
        assert not own, f"the passing example of {code} triggers it: {own}"
    # No example should trip over an unrelated format error either.
    assert not [d for d in found if d.code in ("PL100", "PL102", "PL103") and d.code != code]


def _yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, re.S)


def test_plan_format_examples_lint_clean(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    from protocols.lint import lint_paths

    monkeypatch.chdir(tmp_path)
    blocks = _yaml_blocks(PLAN_FORMAT)
    (tmp_path / "plan.yaml").write_text(blocks[0], "utf-8")  # the opening example
    library = next(b for b in blocks if b.startswith("# plans/shared/common.yaml"))
    importer = next(b for b in blocks if b.startswith("# plans/web.yaml"))
    (tmp_path / "plans" / "shared").mkdir(parents=True)
    (tmp_path / "plans" / "shared" / "common.yaml").write_text(library, "utf-8")
    (tmp_path / "plans" / "web.yaml").write_text(importer, "utf-8")
    report = lint_paths(["plan.yaml", "plans"])
    assert len(report.files) == 3
    # The import example leaves out descriptions to stay short; nothing else may be reported.
    assert [(d.file, d.code) for d in report.diagnostics] == [
        ("plans/web.yaml", "PL301")]
