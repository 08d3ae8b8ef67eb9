"""A real browser for the tests: Debian's Chromium, driven by Playwright.

Playwright's own browser download needs a network this project's machines don't have, so the
tests launch the system Chromium (installed by tests/setup.d/30-chromium.sh) through
Playwright's ``executable_path``. The flags keep Chromium off the network it would otherwise
try to reach at start-up (component updates, sync, field trials).

Use the ``browser`` fixture (one Chromium per test session) and open a fresh ``page`` per test::

    def test_page(page): page.goto(url); ...
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import require

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-default-apps", "--disable-extensions", "--metrics-recording-only",
    "--disable-features=Translate,OptimizationHints,MediaRouter",
]


def chromium_path() -> str | None:
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


# One Chromium for the whole run. Every test module that imports these fixtures gets its own
# copy of the session fixture, and a second sync_playwright() in the same thread fails ("using
# Playwright Sync API inside the asyncio loop"), so the copies share one instance, closed when
# the last of them is torn down.
_SHARED: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if "browser" not in _SHARED:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:  # pragma: no cover - the test extras install it
            require(False, "playwright is not installed: run `bash tests/setup.sh`")
            raise
        executable = chromium_path()
        require(executable, "chromium is not installed: run `bash tests/setup.d/30-chromium.sh` as root")
        manager = sync_playwright()
        playwright = manager.__enter__()
        try:
            _SHARED["browser"] = playwright.chromium.launch(
                executable_path=executable, args=CHROMIUM_FLAGS, headless=True)
        except BaseException:
            manager.__exit__(None, None, None)
            raise
        _SHARED["manager"] = manager
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            _SHARED.pop("browser").close()
            _SHARED.pop("manager").__exit__(None, None, None)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page in its own context; console errors are collected on ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    try:
        yield page
    finally:
        context.close()
