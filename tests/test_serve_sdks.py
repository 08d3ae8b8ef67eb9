"""The real Segment SDKs send to `protocols serve`, and the API shows exactly what they sent.

What each SDK put on the wire is captured independently of the collector: through a
forwarding tap for segment-analytics-python and @segment/analytics-node, and from Chromium's
own record of the page's requests for @segment/analytics-next. The API must list exactly
those messages, in order, and the good and bad files must hold each one's bytes as sent.
"""

from __future__ import annotations

import gzip
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from tests.browser import browser, page  # noqa: F401  (fixtures)
from tests.conftest import require
from tests.generate_tools import NODE_MODULES, run_node
from tests.local_http import local_http
from tests.serve_tools import Running, get_json, running_server

ORDER = {"order_id": "o1", "currency": "EUR", "total": 19.0,
         "products": [{"product_id": "p1", "price": 9.5, "quantity": 2}]}


@dataclass
class Sent:
    path: str
    headers: dict[str, str]
    body: bytes  # decompressed

    def messages(self) -> list[Any]:
        value = json.loads(self.body)
        messages: list[Any] = value.get("batch", [value])
        return messages


@contextmanager
def tap(target: str) -> Iterator[tuple[str, list[Sent]]]:
    """An HTTP proxy on 127.0.0.1 that records each request and forwards it to ``target``."""
    sent: list[Sent] = []
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {k: v for k, v in self.headers.items()
                       if k.lower() not in ("host", "connection", "content-length")}
            plain = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body
            with lock:
                sent.append(Sent(self.path, headers, plain))
            forward = urllib.request.Request(target + self.path, data=body, method="POST",
                                             headers=headers)
            try:
                with urllib.request.urlopen(forward, timeout=30) as answer:
                    status, reply = answer.status, answer.read()
            except urllib.error.HTTPError as error:
                status, reply = error.code, error.read()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with local_http(Handler) as url:
        yield url, sent


def assert_api_shows_what_was_sent(server: Running, sent: list[Sent], write_key: str,
                                   bodies: list[bytes]) -> list[dict[str, Any]]:
    expected = [m for request in sent for m in request.messages()]
    listed = get_json(f"{server.url}/api/messages?write_key={write_key}")["messages"]
    assert [m["message"] for m in listed] == expected
    counts = get_json(f"{server.url}/api/counts")
    assert counts["all"] == len(expected)
    lines = server.lines("good") + server.lines("bad")
    assert sorted(_key(json.loads(line)) for line in lines) == sorted(map(_key, expected))
    for line in lines:  # each record is the bytes the SDK sent, unchanged
        assert any(line in body for body in bodies), line[:200]
    return listed


def _key(message: Any) -> str:
    return json.dumps(message, sort_keys=True)


def test_segment_analytics_python(tmp_path: Path) -> None:
    from segment.analytics import Client

    with running_server(tmp_path) as server, tap(server.url) as (url, sent):
        client = Client(write_key="py-key", host=url, gzip=True, max_retries=0,
                        upload_interval=0.05)
        client.track(user_id="u1", event="Order Completed", properties=ORDER, message_id="p1")
        client.track(user_id="u1", event="order_completed", properties={"total": "19"},
                     message_id="p2")
        client.identify(user_id="u1", traits={"email": "ada@example.com"}, message_id="p3")
        client.page(user_id="u1", name="Home", properties={"path": "/"}, message_id="p4")
        client.screen(user_id="u1", name="Checkout", message_id="p5")
        client.group(user_id="u1", group_id="g1", traits={"name": "Acme"}, message_id="p6")
        client.alias(previous_id="a1", user_id="u1", message_id="p7")
        client.flush()
        client.shutdown()
        assert all(s.headers.get("Content-Encoding") == "gzip" for s in sent)
        assert all(s.headers["Authorization"] == "Basic cHkta2V5Og==" for s in sent)
        listed = assert_api_shows_what_was_sent(server, sent, "py-key",
                                                [s.body for s in sent])
    assert [m["message"]["messageId"] for m in listed] == [f"p{i}" for i in range(1, 8)]
    assert [m["status"] for m in listed] == ["good", "bad", "good", "good", "good", "good",
                                             "good"]
    drifted = listed[1]
    assert drifted["event"] == "Order Completed" and drifted["sent_name"] == "order_completed"
    assert {"PV301", "PV202"} <= {f["code"] for f in drifted["findings"]}
    assert {m["source"] for m in listed} == {"analytics-python"}


NODE_SCRIPT = """
const { Analytics } = require("@segment/analytics-node");
const analytics = new Analytics({ writeKey: "node-key", host: process.env.HOST,
                                  flushInterval: 50, maxRetries: 0 });
analytics.track({ userId: "u1", event: "Order Completed", properties: ORDER, messageId: "n1" });
analytics.track({ userId: "u1", event: "Order-Completed", properties: ORDER, messageId: "n2" });
analytics.identify({ userId: "u1", traits: { email: "ada@example.com" }, messageId: "n3" });
analytics.page({ userId: "u1", name: "Home", messageId: "n4" });
analytics.screen({ userId: "u1", name: "Checkout", messageId: "n5" });
analytics.group({ userId: "u1", groupId: "g1", traits: { name: "Acme" }, messageId: "n6" });
analytics.alias({ userId: "u1", previousId: "a1", messageId: "n7" });
analytics.closeAndFlush().then(() => console.log("flushed"));
"""


def test_segment_analytics_node(tmp_path: Path) -> None:
    require((NODE_MODULES / "@segment" / "analytics-node").is_dir(),
            "@segment/analytics-node is not installed: run `npm ci --prefix tests/node`")
    (tmp_path / "send.js").write_text(NODE_SCRIPT.replace("ORDER", json.dumps(ORDER)), "utf-8")
    with running_server(tmp_path / "serve") as server, tap(server.url) as (url, sent):
        run = run_node(tmp_path, "send.js", env={"HOST": url})
        assert run.returncode == 0 and "flushed" in run.stdout, run.stderr
        assert sent and all(s.path == "/v1/batch" for s in sent)
        listed = assert_api_shows_what_was_sent(server, sent, "node-key",
                                                [s.body for s in sent])
    assert [m["message"]["messageId"] for m in listed] == [f"n{i}" for i in range(1, 8)]
    assert [m["status"] for m in listed] == ["good", "bad", "good", "good", "good", "good",
                                             "good"]
    assert listed[1]["findings"][0]["code"] == "PV301"
    assert {m["source"] for m in listed} == {"@segment/analytics-node"}


BROWSER_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>shop</title>
<script src="/analytics-next.js"></script></head><body><p id="state">loading</p><script>
const analytics = AnalyticsNext.AnalyticsBrowser.load(
  { writeKey: "web-key", cdnURL: "COLLECTOR" }, { disableClientPersistence: true });
window.sent = (async () => {
  await analytics.identify("u1", { email: "ada@example.com" });
  await analytics.track("Order Completed", ORDER);
  await analytics.track("Order Completed", { ...ORDER, total: "19" });
  await analytics.page("Home");
  await analytics.group("g1", { name: "Acme" });
  await analytics.alias("u1", "a1");
  document.getElementById("state").textContent = "sent";
})();
</script></body></html>"""


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[str, Any]]:
    """A web page on its own origin that loads analytics-next from tests/node (no CDN)."""
    bundle = NODE_MODULES / "@segment" / "analytics-next" / "dist" / "umd" / "index.js"
    require(bundle.is_file(),
            "@segment/analytics-next is not installed: run `npm ci --prefix tests/node`")
    pages: dict[str, bytes] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            if self.path == "/analytics-next.js":
                body, kind = bundle.read_bytes(), "text/javascript"
            else:
                body, kind = pages.get(self.path, b""), "text/html; charset=utf-8"
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    with local_http(Handler) as url:
        yield url, pages


def test_analytics_next_in_chromium(tmp_path: Path, page: Any,  # noqa: F811
                                    shop: tuple[str, dict[str, bytes]]) -> None:
    origin, pages = shop
    with running_server(tmp_path) as server:
        pages["/"] = (BROWSER_PAGE.replace("COLLECTOR", server.url)
                      .replace("ORDER", json.dumps(ORDER)).encode())
        posted: list[Any] = []
        page.on("request", lambda r: posted.append(r) if r.method == "POST" else None)
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(
            ("http://127.0.0.1", "data:")) else None)
        page.goto(origin + "/")
        page.wait_for_function("document.getElementById('state').textContent === 'sent'",
                               timeout=30_000)
        bodies = [r.post_data_buffer for r in posted if r.url.startswith(server.url + "/v1/")]
        sent = [Sent(r.url.removeprefix(server.url), {}, r.post_data_buffer) for r in posted
                if r.url.startswith(server.url + "/v1/")]
        assert [s.path for s in sent] == ["/v1/i", "/v1/t", "/v1/t", "/v1/p", "/v1/g", "/v1/a"]
        listed = assert_api_shows_what_was_sent(server, sent, "web-key", bodies)
        assert outside == [], "the page reached beyond this machine"
        assert page.console_errors == []
    assert [m["type"] for m in listed] == ["identify", "track", "track", "page", "group",
                                           "alias"]
    assert [m["status"] for m in listed] == ["good", "good", "bad", "good", "good", "good"]
    assert listed[2]["findings"][0]["path"] == "properties.total"
    assert {m["source"] for m in listed} == {"analytics.js"}
    assert {m["write_key"] for m in listed} == {"web-key"}
