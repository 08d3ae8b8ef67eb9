"""Shared test helpers: paths to the repository and to the public fixtures beside it."""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
# ../shared beside the clone; PROTOCOLS_SHARED points elsewhere (a worktree whose shared/ is
# not beside it). Public fixtures live in its fixtures/, never inside the clone;
# PROTOCOLS_FIXTURES names that folder directly (tests/fetch_fixtures.sh writes either place).
SHARED = Path(os.environ.get("PROTOCOLS_SHARED") or REPO.parent / "shared")
FIXTURES = Path(os.environ.get("PROTOCOLS_FIXTURES") or SHARED / "fixtures")
NODE_BIN = REPO / "tests" / "node" / "node_modules" / ".bin"


def fixture_missing(*parts: str) -> str:
    """Why a public fixture cannot be read: names its folder and how to get it."""
    folder = FIXTURES / parts[0] if parts else FIXTURES
    return (f"public fixture folder {folder} is absent (needs {'/'.join(parts)}): run "
            "`bash tests/fetch_fixtures.sh` to fetch it, or set PROTOCOLS_FIXTURES to where "
            "the fixtures are")


def shared_fixture(*parts: str) -> Path:
    """A file from ../shared/fixtures, or skip the test naming the folder when it is absent."""
    path = FIXTURES.joinpath(*parts)
    if not path.exists():
        pytest.skip(fixture_missing(*parts))
    return path


def node_tool(name: str) -> Path:
    """A tool installed by `npm ci --prefix tests/node`, or skip saying how to install it."""
    path = NODE_BIN / name
    if not path.exists():
        pytest.skip(f"{name} is not installed: run `npm ci --prefix tests/node`")
    return path


def require(condition: object, reason: str) -> None:
    """Skip the test with ``reason`` unless ``condition`` holds; under CI (``CI`` set), fail.

    For tools the README's test command installs (tests/setup.sh): on a developer's machine a
    missing tool chain skips its tests with a reason, but CI must never pass by skipping them.
    """
    if condition:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must run this test: see tests/setup.sh)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """One local Spark (``local[2]``) for the whole test session, shared by every Spark test:
    bound to 127.0.0.1, without its web UI, two shuffle partitions. Spark needs Java 17 (the
    machine's JDK, tests/setup.d/60-spark.sh) and pyspark, pyarrow and pandas (the test
    extras)."""
    require(shutil.which("java") is not None,
            "Java is not installed: Spark needs a JDK 17 (tests/setup.d/60-spark.sh)")
    require(all(importlib.util.find_spec(name) for name in ("pyspark", "pyarrow", "pandas")),
            "pyspark, pyarrow and pandas are not installed: pip install -e '.[test]'")
    from protocols.spark import local_session

    session = local_session(2, app_name="protocols tests")
    yield session
    session.stop()
