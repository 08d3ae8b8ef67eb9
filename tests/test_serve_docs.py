"""The test-suite examples of docs/serve.md run as written, against a real collector.

The pytest example is taken from the page, pointed at a collector on a free port, and run by
pytest with an ``app`` fixture that sends through segment-analytics-python, as the page's
reader's app would. (The Jest example needs Jest, which tests/node does not install: it was
run by hand with Jest 30 and @segment/analytics-node against a collector; this test holds
the parts that do not need Jest: it uses only Jest's own API and the documented endpoints.)
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO
from tests.serve_tools import running_server

DOC = (REPO / "docs" / "serve.md").read_text("utf-8")

APP = '''
import pytest
from segment.analytics import Client


class App:
    """A shop whose checkout tracks the order, its SDK pointed at the collector."""

    def __init__(self, host):
        self.analytics = Client("dev", host=host, sync_mode=False, max_retries=1)

    def checkout(self, cart):
        self.analytics.track("u1", "Order Completed", {
            "order_id": "o-" + cart, "currency": "EUR", "total": 12.5,
            "products": [{"product_id": "p1", "price": 12.5, "quantity": 1}]})


@pytest.fixture
def app():
    shop = App("COLLECTOR_URL")
    yield shop
    shop.analytics.shutdown()
'''


def example(heading: str, language: str) -> str:
    section = DOC[DOC.index(heading):]
    found = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert found is not None, heading
    return found.group(1)


def test_the_pytest_example_passes_against_a_collector(tmp_path: Path) -> None:
    code = example("### pytest", "python")
    assert 'COLLECTOR = "http://127.0.0.1:8765"' in code
    with running_server(tmp_path / "collector") as server:
        suite = tmp_path / "suite"
        suite.mkdir()
        (suite / "conftest.py").write_text(APP.replace("COLLECTOR_URL", server.url), "utf-8")
        (suite / "test_shop.py").write_text(
            code.replace("http://127.0.0.1:8765", server.url), "utf-8")
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                              "-p", "no:randomly", str(suite)], capture_output=True, text=True,
                             cwd=suite, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "1 passed" in run.stdout


def test_the_jest_example_uses_jest_api_and_real_endpoints() -> None:
    code = example("### Jest", "js")
    assert "expect.poll" not in code  # Playwright Test's, not Jest's
    for path in re.findall(r'api\("(/api/[a-z]+)', code):
        assert path in ("/api/counts", "/api/messages", "/api/reset"), path
    assert re.findall(r"expect\([^)]*\)\.(\w+)", code.replace("await ", "")) and all(
        matcher in ("toBe", "toEqual") for matcher in
        re.findall(r"\)\.(to\w+)\(", code))


def test_the_banner_shown_is_the_one_printed() -> None:
    banner = example("pip install 'protocols[serve]'", "text")
    version = re.search(r'^version: "(.*)"', (REPO / "plans" / "ecommerce.yaml").read_text(
        "utf-8"), re.M)
    assert version is not None and f"plan       ecommerce {version.group(1)} " in banner
