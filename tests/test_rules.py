"""Rule tests as data: one fixture file per rule code under tests/rules/.

Each file lists named cases, each a plan (and optionally extra files it imports) and the
exact findings expected from that rule alone: code, line and column (and optionally a
fragment of the message and the suggestion).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from protocols.docgen import render
from protocols.lint import LintOptions, lint_paths
from protocols.lint.registry import all_rules
from tests.conftest import REPO

RULE_CASES = REPO / "tests" / "rules"


def load_cases() -> list[Any]:
    params = []
    for path in sorted(RULE_CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text("utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{path.stem}-{case['name']}"))
    return params


@pytest.mark.parametrize(("code", "case"), load_cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    plan = tmp_path / "plan.yaml"
    raw = case["plan"]
    plan.write_bytes(raw.encode("latin-1") if case.get("latin1") else raw.encode("utf-8"))
    for name, text in (case.get("files") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, "utf-8")
    for name, target in (case.get("symlinks") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).symlink_to(tmp_path / target)  # an absolute target stays absolute
    report = lint_paths(case.get("paths", ["plan.yaml"]), options=LintOptions(select=[code]))
    found = [(d.code, d.line, d.column) for d in report.diagnostics]
    expected = [(e["code"], e["line"], e["column"]) for e in case["expect"]]
    assert found == expected, [d.message for d in report.diagnostics]
    for diagnostic, want in zip(report.diagnostics, case["expect"], strict=True):
        if "message" in want:
            assert want["message"] in diagnostic.message
        if "suggestion" in want:
            assert diagnostic.suggestion == want["suggestion"]


def test_every_rule_has_cases_that_pass_and_fail() -> None:
    for rule in all_rules():
        path = RULE_CASES / f"{rule.code}.yaml"
        assert path.exists(), f"{rule.code} has no fixture file {path.name}"
        cases = yaml.safe_load(path.read_text("utf-8"))["cases"]
        assert any(c["expect"] for c in cases), f"{rule.code}: no failing case"
        assert any(not c["expect"] for c in cases) or rule.category == "format", (
            f"{rule.code}: no passing case")


def test_every_rule_is_documented_with_examples() -> None:
    for rule in all_rules():
        assert rule.summary and "Failing" in rule.doc and "Passing" in rule.doc, rule.code


def test_docs_rules_md_is_generated_from_the_registry() -> None:
    assert (REPO / "docs" / "rules.md").read_text("utf-8") == render(), (
        "docs/rules.md is stale: run `python -m protocols.docgen > docs/rules.md`")
