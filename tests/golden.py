"""Golden-file comparison for reporter output: ``UPDATE_GOLDEN=1 pytest`` rewrites them."""

from __future__ import annotations

import os

from tests.conftest import REPO

GOLDEN = REPO / "tests" / "golden" / "reports"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8", newline="")
    assert path.exists(), f"{path} is missing: run UPDATE_GOLDEN=1 pytest to create it"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs from its golden file (UPDATE_GOLDEN=1 to accept)"
