"""Shared test helpers: paths to the repository and to the public fixtures beside it."""

from __future__ import annotations

import os
from pathlib import Path

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
