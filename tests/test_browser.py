"""The browser the page tests use works here: Debian's Chromium, driven by Playwright, offline."""

from __future__ import annotations

from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.local_http import local_http

PAGE = b"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>probe</title></head>
<body><h1>probe</h1><button id="b" onclick="document.getElementById('out').textContent='clicked'">
Click</button><p id="out"></p></body></html>"""


@pytest.fixture
def local_url() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with local_http(Handler) as url:
        yield url + "/"


def test_chromium_renders_and_runs_script(page: Any, local_url: str) -> None:  # noqa: F811
    page.goto(local_url)
    assert page.title() == "probe"
    page.click("#b")
    assert page.text_content("#out") == "clicked"
    assert page.console_errors == []
