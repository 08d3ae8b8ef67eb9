"""Load and faults, on 127.0.0.1 against a `protocols serve` process.

- 20 concurrent clients send 100,000 messages (batches of 1 to 100, single calls, some
  garbage): the good and bad files together hold exactly the records sent, byte for byte.
- The server is killed (SIGKILL) while clients are sending: every acknowledged message is in
  the files, and the files hold nothing that was not sent; a restart appends cleanly.

The load is bounded in count (PROTOCOLS_LOAD_MESSAGES, default 100,000; about 15 s here)
and in time (each request times out).
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.serve_tools import get_json, serve_process

MESSAGES = int(os.environ.get("PROTOCOLS_LOAD_MESSAGES", "100000"))
CLIENTS = 20


def _templates() -> list[dict[str, Any]]:
    """The example log's messages (its broken lines left out)."""
    found = []
    for line in (REPO / "examples" / "events.ndjson").read_bytes().splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and "type" in value:
            found.append(value)
    return found


TEMPLATES = _templates()


def records(client: int, count: int, seed: int) -> list[list[bytes]]:
    """``count`` records for one client, grouped into the bodies it will send: a batch
    (a list of message lines), a single message, or one garbage body."""
    rng = random.Random(seed)
    bodies: list[list[bytes]] = []
    made = 0
    while made < count:
        roll = rng.random()
        size = 1 if roll < 0.1 else min(rng.randint(1, 100), count - made)
        if roll < 0.01:
            bodies.append([f"garbage {client}-{made} {{not json".encode()])
            made += 1
            continue
        batch = []
        for _ in range(size):
            message = dict(rng.choice(TEMPLATES))
            message["messageId"] = f"load-{client}-{made}"
            batch.append(json.dumps(message, separators=(",", ":")).encode())
            made += 1
        bodies.append(batch)
    return bodies


def body_of(lines: list[bytes], *, single: bool) -> tuple[str, bytes]:
    if single:
        return "/v1/track" if lines[0].startswith(b'{"type":"track"') else "/v1/batch", lines[0]
    return "/v1/batch", b'{"batch":[' + b",".join(lines) + b"]}"


class Client(threading.Thread):
    def __init__(self, url: str, bodies: list[list[bytes]], single_every: int = 7) -> None:
        super().__init__(daemon=True)
        self.host, port = url.removeprefix("http://").split(":")
        self.port = int(port)
        self.bodies = bodies
        self.single_every = single_every
        self.acked: list[bytes] = []
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.connect()  # Nagle off, as in the SDKs' HTTP clients (see bench_serve.py)
            assert conn.sock is not None
            conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for number, lines in enumerate(self.bodies):
                single = len(lines) == 1 and (number % self.single_every == 0
                                              or not lines[0].startswith(b"{"))
                path, body = body_of(lines, single=single)
                conn.request("POST", path, body, {"Content-Type": "application/json"})
                answer = conn.getresponse()
                answer.read()
                expected = 400 if not lines[0].startswith(b"{") else 200
                if answer.status != expected:
                    self.errors.append(f"{answer.status} for {body[:80]!r}")
                self.acked.extend(lines)
        except (OSError, http.client.HTTPException) as exc:
            self.errors.append(repr(exc))
        finally:
            conn.close()


def file_lines(folder: Path) -> list[bytes]:
    return [line for name in ("good.ndjson", "bad.ndjson")
            for line in (folder / name).read_bytes().splitlines()]


@pytest.mark.load
def test_twenty_clients_and_a_hundred_thousand_messages(tmp_path: Path) -> None:
    per_client = MESSAGES // CLIENTS
    plans = [records(client, per_client, seed=client) for client in range(CLIENTS)]
    sent = Counter(line for bodies in plans for lines in bodies for line in lines)
    assert sum(sent.values()) == per_client * CLIENTS
    with serve_process(tmp_path, "--keep", "200") as server:
        clients = [Client(server.url, bodies) for bodies in plans]
        started = time.monotonic()
        for client in clients:
            client.start()
        for client in clients:
            client.join(timeout=600)
        elapsed = time.monotonic() - started
        assert all(not c.is_alive() for c in clients)
        assert [e for c in clients for e in c.errors] == []
        counts = get_json(server.url + "/api/counts")
    assert counts["all"] == sum(sent.values())
    assert Counter(file_lines(tmp_path)) == sent  # byte for byte, nothing lost or added
    assert counts["good"] == len((tmp_path / "good.ndjson").read_bytes().splitlines())
    print(f"{sum(sent.values())} messages in {elapsed:.1f} s: "
          f"{sum(sent.values()) / elapsed:,.0f} messages/s")


@pytest.mark.load
def test_a_killed_server_loses_nothing_it_acknowledged(tmp_path: Path) -> None:
    plans = [records(client, 4_000, seed=100 + client) for client in range(4)]
    sent = Counter(line for bodies in plans for lines in bodies for line in lines)
    with serve_process(tmp_path) as server:
        clients = [Client(server.url, bodies) for bodies in plans]
        for client in clients:
            client.start()
        deadline = time.monotonic() + 60
        while sum(len(c.acked) for c in clients) < 3_000:  # well into the run
            assert time.monotonic() < deadline and any(c.is_alive() for c in clients)
            time.sleep(0.005)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        for client in clients:
            client.join(timeout=60)
    acked = Counter(line for c in clients for line in c.acked)
    kept = Counter(file_lines(tmp_path))
    assert sum(acked.values()) >= 3_000
    assert not acked - kept, "an acknowledged message is missing"
    assert not kept - sent, "the files hold something that was not sent"
    assert sum(acked.values()) < sum(sent.values()), "the kill came before the end"
    assert any(c.errors for c in clients), "some requests were cut off by the kill"
    # A restart appends to the same files, each record on a line of its own.
    with serve_process(tmp_path) as server:
        conn = http.client.HTTPConnection(*server.url.removeprefix("http://").split(":"))
        after = b'{"type":"identify","userId":"after-restart","traits":{"email":"a@b.co"}}'
        conn.request("POST", "/v1/identify", after)
        assert conn.getresponse().status == 200
        conn.close()
    assert Counter(file_lines(tmp_path)) - kept == Counter([after])
