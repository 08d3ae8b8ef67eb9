"""The core never imports typer or rich: only the CLI and the terminal reporter may."""

from __future__ import annotations

import ast

from tests.conftest import REPO

ALLOWED = {"protocols/cli", "protocols/report/text.py"}
UI_LIBRARIES = {"typer", "rich", "click"}


def test_core_does_not_import_ui_libraries() -> None:
    offenders = []
    for path in sorted((REPO / "protocols").rglob("*.py")):
        relative = path.relative_to(REPO).as_posix()
        if any(relative == a or relative.startswith(a + "/") for a in ALLOWED):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{relative}: {n}" for n in names if n.split(".")[0] in UI_LIBRARIES]
    assert offenders == []
