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


# One Chromium for the whole session. Each test module imports the fixture, which makes it a
# fixture of its own per module; a second sync_playwright() in the same thread would fail
# ("Sync API inside the asyncio loop"), so every module's fixture shares the first one's.
_SHARED: dict[str, Any] = {}


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if "browser" in _SHARED:
        yield _SHARED["browser"]
        return
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extras install it
        require(False, "playwright is not installed: run `bash tests/setup.sh`")
        raise
    executable = chromium_path()
    require(executable, "chromium is not installed: run `bash tests/setup.d/30-chromium.sh` as root")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS,
                                              headless=True)
        _SHARED["browser"] = chromium
        try:
            yield chromium
        finally:
            _SHARED.clear()
            chromium.close()


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
