"""`protocols serve` over real HTTP (uvicorn on 127.0.0.1, a free port): the tracking API as
the SDKs use it, CORS, the settings analytics.js loads, limits, the test API, the stream,
and the guards against hostile requests."""

from __future__ import annotations

import gzip
import json
import os
import socket
import time
from pathlib import Path
from typing import Any

from tests.serve_tools import Running, get_json, post, request, running_server, with_version
from tests.test_serve_collector import EVENTS, GOOD, batch_body


def test_every_tracking_endpoint_takes_its_call(tmp_path: Path) -> None:
    calls = {
        "track": GOOD,
        "identify": {"userId": "u", "traits": {"email": "a@b.co"}},
        "page": {"anonymousId": "a", "name": "Home"},
        "screen": {"anonymousId": "a", "name": "Home"},
        "group": {"userId": "u", "groupId": "g1"},
        "alias": {"userId": "u", "previousId": "a"},
    }
    with running_server(tmp_path) as server:
        for path, body in calls.items():
            answer = post(f"{server.url}/v1/{path}", body, write_key="wk")
            assert answer.status == 200 and answer.json()["success"] is True, answer.body
        answer = post(f"{server.url}/v1/batch", {"batch": [GOOD, GOOD]})
        assert answer.json() == {"success": True, "good": 2, "bad": 0}
        listed = get_json(f"{server.url}/api/messages")["messages"]
        assert [m["type"] for m in listed] == [*calls, "track", "track"]
        assert [m["message"] for m in listed] == [*calls.values(), GOOD, GOOD]
        assert {m["write_key"] for m in listed[:6]} == {"wk"}
        assert post(f"{server.url}/v1/nope", {}).status == 404
    lines = server.lines("good") + server.lines("bad")
    sent = [json.dumps(body).encode() for body in [*calls.values(), GOOD, GOOD]]
    assert sorted(lines) == sorted(sent)  # each message's bytes as sent


def test_the_example_log_over_http_matches_validate(tmp_path: Path) -> None:
    from protocols import load_plan
    from protocols.validate.run import ValidateOptions, validate_inputs
    from tests.serve_tools import PLAN

    lines = EVENTS.read_bytes().splitlines()
    with running_server(tmp_path / "serve") as server:
        pending: list[bytes] = []
        for line in [*lines, b""]:
            try:
                json.loads(line)
            except ValueError:
                if pending:
                    assert post(f"{server.url}/v1/batch", batch_body(pending)).status == 200
                    pending = []
                if line:
                    assert post(f"{server.url}/v1/track", line).status == 400
                continue
            pending.append(line)
        drift = get_json(f"{server.url}/api/drift")
        counts = get_json(f"{server.url}/api/counts")
    result = validate_inputs(load_plan(PLAN), [str(EVENTS)], ValidateOptions(
        good=tmp_path / "v" / "good.ndjson", bad=tmp_path / "v" / "bad.ndjson"))
    assert server.good.read_bytes() == (tmp_path / "v" / "good.ndjson").read_bytes()
    assert server.bad.read_bytes() == (tmp_path / "v" / "bad.ndjson").read_bytes()
    assert drift["inconsistencies"] == result.extra["inconsistencies"]
    assert counts["all"] == result.summary["messages"] == len(lines)


def test_gzip_bodies_from_http_and_the_size_limit(tmp_path: Path) -> None:
    with running_server(tmp_path, max_body=20_000) as server:
        body = json.dumps({"batch": [GOOD] * 3}).encode()
        answer = post(f"{server.url}/v1/batch", gzip.compress(body),
                      headers={"Content-Encoding": "gzip"})
        assert answer.json()["good"] == 3
        big = json.dumps({"batch": [GOOD] * 200}).encode()
        assert len(big) > 20_000
        answer = post(f"{server.url}/v1/batch", big)
        assert answer.status == 413
        assert "larger than 20000 bytes (--max-body)" in answer.json()["error"]
        bomb = gzip.compress(b"[" * 5_000_000)
        answer = post(f"{server.url}/v1/batch", bomb, headers={"Content-Encoding": "gzip"})
        assert answer.status == 413 and "expands past" in answer.json()["error"]
        # A body sent in chunks without a length is cut off at the limit too.
        assert _chunked_post(server, b"x" * 50_000) == 413
        counts = get_json(f"{server.url}/api/counts")
        assert counts == {"all": 4, "good": 3, "bad": 1, "refused": 2}


def _chunked_post(server: Running, body: bytes) -> int:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        try:
            for start in range(0, len(body), 4096):
                chunk = body[start:start + 4096]
                conn.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            conn.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server may answer and close before the rest is sent
        reply = conn.recv(4096)
    return int(reply.split(b" ")[1])


def _start_body(server: Running, length: int, sent: bytes) -> socket.socket:
    """A request whose body is announced as ``length`` bytes, of which ``sent`` are sent."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    conn.sendall(b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                 b"application/json\r\nContent-Length: " + str(length).encode()
                 + b"\r\n\r\n" + sent)
    return conn


def _status(conn: socket.socket) -> tuple[int, bytes]:
    reply = b""
    while b"\r\n\r\n" not in reply or not reply.endswith(b"}"):
        chunk = conn.recv(4096)
        if not chunk:
            break
        reply += chunk
    return int(reply.split(b" ")[1]), reply.partition(b"\r\n\r\n")[2]


def test_slow_and_simultaneous_bodies_are_bounded(tmp_path: Path) -> None:
    """A client sending a body slowly held its connection and buffer without end (900 such
    connections: no answer after 43 s, 174 MB; 2,500: 335 MB), so many of them could take
    any amount of memory. A body must arrive whole in time (408), and bodies received at
    the same time share a byte budget (503, which SDKs retry)."""
    with running_server(tmp_path, max_body=10_000, in_flight_bytes=10_000,
                        body_seconds=1.0) as server:
        started = time.monotonic()
        slow = _start_body(server, 9_000, b"{" + b" " * 6_999)
        time.sleep(0.3)  # the server has taken the slow body's 7,000 bytes
        with _start_body(server, 9_000, b"{" + b" " * 5_000) as crowded:
            status, body = _status(crowded)
        assert status == 503 and "too many request bodies" in json.loads(body)["error"]
        with slow:
            status, body = _status(slow)
        assert status == 408 and "did not arrive whole within 1 seconds" in body.decode()
        assert time.monotonic() - started < 5
        # The budget is free again: an ordinary call goes through.
        assert post(f"{server.url}/v1/track", GOOD).status == 200
        assert get_json(f"{server.url}/api/counts")["refused"] == 2


def test_cors_for_browsers_on_the_tracking_api_only(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        origin = {"Origin": "http://shop.test:3000"}
        answer = request(f"{server.url}/v1/t", method="OPTIONS", headers={
            **origin, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type"})
        assert answer.status == 204
        assert answer.headers["access-control-allow-origin"] == "http://shop.test:3000"
        assert "Authorization" in answer.headers["access-control-allow-headers"]
        answer = post(f"{server.url}/v1/t", GOOD, headers={**origin, "Content-Type": "text/plain"})
        assert answer.status == 200
        assert answer.headers["access-control-allow-origin"] == "http://shop.test:3000"
        answer = request(f"{server.url}/api/messages", headers=origin)
        assert "access-control-allow-origin" not in answer.headers
        # A page on another site cannot reset the collector (it cannot read its data either).
        assert request(f"{server.url}/api/reset", method="POST", headers=origin).status == 403
        assert get_json(f"{server.url}/api/counts")["all"] == 1
        own = {"Origin": server.url}
        assert request(f"{server.url}/api/reset", method="POST", headers=own).status == 200
        assert get_json(f"{server.url}/api/counts")["all"] == 0


def test_the_settings_analytics_js_loads_point_back_here(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        answer = request(f"{server.url}/v1/projects/my-key/settings",
                         headers={"Origin": "http://shop.test"})
        assert answer.headers["access-control-allow-origin"] == "http://shop.test"
        settings = answer.json()
        segment = settings["integrations"]["Segment.io"]
        host = server.url.removeprefix("http://")
        assert segment == {**segment, "apiKey": "my-key", "apiHost": f"{host}/v1",
                           "protocol": "http"}
        assert list(settings["integrations"]) == ["Segment.io"]
        assert settings["remotePlugins"] == [] and settings["metrics"]["sampleRate"] == 0


def test_hostile_requests(tmp_path: Path) -> None:
    with running_server(tmp_path, allow_hosts=("collector.test",)) as server:
        for path in ("/assets/../../../etc/passwd", "/assets/%2e%2e/%2e%2e/etc/passwd",
                     "/v1/projects/..%2f..%2fetc%2fpasswd/settings/x", "/static/app.js",
                     "/assets/index.html"):
            answer = request(server.url + path)
            assert answer.status in (404, 405) and b"root:" not in answer.body, path
        rebinding = request(f"{server.url}/api/messages", headers={"Host": "evil.example"})
        assert rebinding.status == 403 and b"--allow-host" in rebinding.body
        assert request(f"{server.url}/api/health", headers={"Host": "collector.test:80"}
                       ).status == 200
        assert request(f"{server.url}/api/health", headers={"Host": "[::1]:9"}).status == 200
        page = request(server.url + "/")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-content-type-options"] == "nosniff"
        assert request(f"{server.url}/api/messages?limit=x").status == 400
        assert request(f"{server.url}/api/messages?status=odd").status == 400


def test_a_full_disk_is_answered_503_so_the_sdk_retries(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        fd = server.collector.recorder._fds[0]
        assert fd is not None
        full = os.open("/dev/full", os.O_WRONLY)
        saved = os.dup(fd)
        os.dup2(full, fd)
        try:
            answer = post(f"{server.url}/v1/track", GOOD)
            assert answer.status == 503 and "cannot write" in answer.json()["error"]
            assert get_json(f"{server.url}/api/counts")["all"] == 0
        finally:
            os.dup2(saved, fd)
            os.close(full)
            os.close(saved)
        assert post(f"{server.url}/v1/track", GOOD).status == 200
    assert server.lines("good") == [json.dumps(GOOD).encode()]


def test_the_api_filters_like_micro(tmp_path: Path) -> None:
    ios = {**GOOD, "event": "Order-Completed", "context": {"library": {"name": "ios"}}}
    with running_server(tmp_path) as server:
        post(f"{server.url}/v1/batch", {"batch": [GOOD, ios, {"type": "identify"}]},
             write_key="web")
        post(f"{server.url}/v1/batch", "garbage", write_key="ios")

        def ids(query: str) -> list[int]:
            found = get_json(f"{server.url}/api/messages?{query}")
            return [m["id"] for m in found["messages"]]

        assert ids("status=good") == [1] and ids("status=bad") == [2, 3, 4]
        assert ids("event=Order%20Completed") == [1, 2] and ids("type=identify") == [3]
        assert ids("source=ios") == [2] and ids("write_key=ios") == [4]
        assert ids("code=PV301") == [2] and ids("code=PV001") == [4]
        assert ids("limit=2") == [3, 4] and ids("since=3") == [4]
        garbage = get_json(f"{server.url}/api/messages?code=PV001")["messages"][0]
        assert garbage["message"] is None and garbage["raw"] == "garbage"
        summary = get_json(f"{server.url}/api/summary")
        assert summary["counts"]["by_event"]["Order Completed"] == {"messages": 2, "bad": 1}
        assert summary["counts"]["by_code"]["PV301"] == {"name": "event-name-drift", "count": 1}
        assert summary["plan"]["id"] == "ecommerce" and summary["drift"]
        assert request(f"{server.url}/api/reset", method="POST").json()["all"] == 0
        assert ids("") == []


def _strict_json(data: bytes) -> Any:
    """JSON as a browser's JSON.parse reads it: no NaN or Infinity, UTF-8 text."""
    def refuse(token: str) -> Any:
        raise AssertionError(f"{token} is not JSON")

    return json.loads(data.decode("utf-8"), parse_constant=refuse)


def test_the_api_stays_json_whatever_the_messages_hold(tmp_path: Path) -> None:
    # 1e999 is read as infinity by Python's parser, and a lone surrogate (a string cut inside
    # an emoji) cannot be encoded as UTF-8: neither may break the API or the live page.
    overflow = b'{"type":"track","event":"Order Completed","userId":"u","properties":{"x":1e999}}'
    surrogate = b'{"type":"track","event":"Cart \\ud83d","userId":"u","properties":{"y":"\\udc00"}}'
    with running_server(tmp_path) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            stream = _Stream(conn)
            stream.next_summary()
            assert post(f"{server.url}/v1/batch", b'{"batch":[' + overflow + b"," + surrogate
                        + b"]}").status == 200
            data = stream.next_summary_bytes()
        assert _strict_json(data)["counts"]["all"] == 2
        for path in ("/api/messages", "/api/summary", "/api/drift", "/api/counts"):
            answer = request(server.url + path)
            assert answer.status == 200, (path, answer.body)
            _strict_json(answer.body)
        listed = _strict_json(request(server.url + "/api/messages").body)["messages"]
        assert listed[0]["message"] is None and "1e999" in listed[0]["raw"]
        assert listed[1]["sent_name"] == "Cart \ud83d"
        assert listed[1]["message"]["properties"] == {"y": "\udc00"}
    assert sorted(server.lines("bad")) == sorted([overflow, surrogate])


def test_the_stream_pushes_a_summary_on_each_change(tmp_path: Path) -> None:
    with running_server(tmp_path) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as conn:
            conn.sendall(b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            stream = _Stream(conn)
            first = stream.next_summary()
            assert first["counts"]["all"] == 0
            post(f"{server.url}/v1/track", GOOD)
            second = stream.next_summary()
            assert second["counts"]["all"] == 1 and second["latest"][0]["message"] == GOOD


class _Stream:
    """Server-sent events read off a raw connection (each event is one chunk)."""

    MARK = b"event: summary\ndata: "

    def __init__(self, conn: socket.socket) -> None:
        self.conn = conn
        self.buffer = b""

    def next_summary(self) -> Any:
        return json.loads(self.next_summary_bytes())

    def next_summary_bytes(self) -> bytes:
        deadline = time.monotonic() + 10
        while True:
            marker = self.buffer.find(self.MARK)
            end = self.buffer.find(b"\n\n", marker) if marker >= 0 else -1
            if end >= 0:
                data = self.buffer[marker + len(self.MARK):end]
                self.buffer = self.buffer[end + 2:]
                return data
            assert time.monotonic() < deadline, self.buffer[-500:]
            self.buffer += self.conn.recv(65536)


def test_the_plan_is_reloaded_when_its_file_changes(tmp_path: Path) -> None:
    from tests.serve_tools import PLAN

    plan = tmp_path / "plans" / "shop.yaml"
    plan.parent.mkdir()
    plan.write_text(PLAN.read_text("utf-8"), "utf-8")
    with running_server(tmp_path, plan=plan, reload_interval=0.05) as server:
        signed_up = {"type": "track", "event": "Signed Up", "userId": "u"}
        assert post(f"{server.url}/v1/track", signed_up).json()["bad"] == 1
        text = with_version(plan.read_text("utf-8"), "9.1.0")
        plan.write_text(text.replace("\nevents:\n", "\nevents:\n  Signed Up:\n"
                                     "    description: A user signed up.\n", 1), "utf-8")
        _wait(lambda: get_json(f"{server.url}/api/plan")["version"] == "9.1.0")
        assert post(f"{server.url}/v1/track", signed_up).json()["good"] == 1
        plan.write_text("protocols: 1\nplan: shop\nevents: {Broken: {properties: 3}}\n",
                        "utf-8")
        _wait(lambda: get_json(f"{server.url}/api/plan")["broken"])
        status = get_json(f"{server.url}/api/plan")
        assert status["version"] == "9.1.0" and status["revision"] == 2
        assert any("shop.yaml:" in line for line in status["errors"])
        assert post(f"{server.url}/v1/track", signed_up).json()["good"] == 1
    assert any("plan reloaded" in note for note in server.notes)
    assert any("does not load" in note for note in server.notes)


def _wait(condition: Any, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_answers_do_not_wait_for_delayed_acks(tmp_path: Path) -> None:
    # Nagle's algorithm on the server's sockets made each answer wait for the client's
    # delayed ACK: about 40 ms a request, 25 requests a second per connection.
    import http.client
    import statistics

    from protocols.serve.server import bind

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        sock.close()
    with running_server(tmp_path) as server:
        host, port = server.url.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        times = []
        for _ in range(20):
            started = time.perf_counter()
            conn.request("POST", "/v1/track", json.dumps(GOOD).encode())
            answer = conn.getresponse()
            answer.read()
            assert answer.status == 200
            times.append(time.perf_counter() - started)
        conn.close()
    assert statistics.median(times) < 0.025, times
