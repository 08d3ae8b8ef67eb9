"""Helpers for the `protocols serve` tests: the real server on 127.0.0.1 (a free port), in a
thread or as a `protocols serve` process, and a small HTTP client."""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.serve.collector import Collector, CollectorOptions
from protocols.serve.planwatch import PlanWatch
from protocols.serve.server import ServerOptions, bind, build, url_of
from tests.conftest import REPO

PLAN = REPO / "plans" / "ecommerce.yaml"


def with_version(text: str, version: str) -> str:
    """A plan's text with another ``version``."""
    return re.sub(r'^version: .*$', f'version: "{version}"', text, count=1, flags=re.M)


@dataclass
class Running:
    url: str
    collector: Collector
    folder: Path
    options: CollectorOptions
    notes: list[str] = field(default_factory=list)

    @property
    def good(self) -> Path:
        return self.options.good

    @property
    def bad(self) -> Path:
        return self.options.bad

    def lines(self, which: str) -> list[bytes]:
        path = self.good if which == "good" else self.bad
        return path.read_bytes().splitlines() if path.exists() else []


def collector_options(folder: Path, **options: Any) -> CollectorOptions:
    return CollectorOptions(good=folder / "good.ndjson", bad=folder / "bad.ndjson",
                            bad_reasons=folder / "bad.reasons.ndjson", **options)


@contextmanager
def running_server(folder: Path, *, plan: Path = PLAN, reload_interval: float = 0.1,
                   allow_hosts: tuple[str, ...] = (), limits: dict[str, Any] | None = None,
                   **options: Any) -> Iterator[Running]:
    """The real application under uvicorn, in a thread, on 127.0.0.1 and a free port;
    ``limits``: ServerOptions' limits on connections, ``options``: the collector's."""
    watch = PlanWatch(plan)
    loaded = watch.load()
    collector_opts = collector_options(folder, **options)
    collector = Collector(loaded, collector_opts, plan_status=watch.status)
    collector.open()
    sock = bind("127.0.0.1", 0)
    running = Running(url_of(sock), collector, folder, collector_opts)
    server = build(collector, watch, ServerOptions(reload_interval=reload_interval,
                                                   allow_hosts=allow_hosts, **(limits or {})),
                   notify=running.notes.append)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield running
    finally:
        server.should_exit = True
        thread.join(timeout=15)
        collector.close()
        sock.close()


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


def request(url: str, *, method: str = "GET", body: bytes | None = None,
            headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Answer(response.status, response.read(),
                          {k.lower(): v for k, v in response.headers.items()})
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), {k.lower(): v for k, v in error.headers.items()})


def post(url: str, body: bytes | str | dict[str, Any], *, write_key: str | None = None,
         headers: dict[str, str] | None = None) -> Answer:
    data = json.dumps(body).encode() if isinstance(body, dict) else (
        body.encode() if isinstance(body, str) else body)
    sent = {"Content-Type": "application/json", **(headers or {})}
    if write_key is not None:
        sent["Authorization"] = "Basic " + base64.b64encode(f"{write_key}:".encode()).decode()
    return request(url, method="POST", body=data, headers=sent)


def get_json(url: str) -> Any:
    answer = request(url)
    assert answer.status == 200, (answer.status, answer.body)
    return answer.json()


def compact(message: dict[str, Any]) -> bytes:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass
class ServeProcess:
    process: subprocess.Popen[bytes]
    url: str
    banner: str


@contextmanager
def serve_process(folder: Path, *args: str, plan: Path = PLAN) -> Iterator[ServeProcess]:
    """`protocols serve` as a separate process (port 0), stopped (SIGTERM, then SIGKILL)
    when the block ends unless the test stopped it."""
    command = [sys.executable, "-c", "from protocols.cli import main; main()", "serve",
               "--plan", str(plan), "--port",
               "0", "--good", str(folder / "good.ndjson"), "--bad", str(folder / "bad.ndjson"),
               "--bad-reasons", str(folder / "bad.reasons.ndjson"), *args]
    folder.mkdir(parents=True, exist_ok=True)
    errors = folder / "serve.stderr"
    with errors.open("ab") as stderr:  # (a file: a pipe nobody reads could fill and block it)
        process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE, stderr=stderr,
                                   env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert process.stdout is not None
        banner = []
        deadline = time.monotonic() + 60
        url = None
        while url is None:
            line = process.stdout.readline().decode()
            if not line:
                process.wait(timeout=10)
                raise AssertionError("protocols serve stopped: " + errors.read_text())
            banner.append(line)
            found = re.search(r"listening on (http://\S+)", line)
            url = found.group(1) if found else None
            assert time.monotonic() < deadline
        while not banner[-1].startswith("Stop with"):  # the rest of the banner
            banner.append(process.stdout.readline().decode())
            assert banner[-1], "the banner ended early"
        _wait_healthy(url)
        yield ServeProcess(process, url, "".join(banner))
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            if request(url + "/api/health", timeout=2).status == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, "protocols serve does not answer"
        time.sleep(0.05)


def png_size_and_ink(png: bytes) -> tuple[int, int, int]:
    """Width, height and how many pixels are not near-white, of an 8-bit RGB(A) PNG (what
    Chromium's screenshots are): enough to tell a rendered table from an empty box."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(png):
        length = int.from_bytes(png[position:position + 4], "big")
        kind = png[position + 4:position + 8]
        data = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks.append(data)
        position += 12 + length
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, color = header[8], header[9]
    assert depth == 8 and color in (2, 6), "an 8-bit RGB or RGBA PNG"
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    ink = 0
    for row in range(height):
        start = row * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                line[i] = (line[i] + pred) & 0xFF
        for x in range(width):
            pixel = line[x * channels:x * channels + 3]
            if min(pixel) < 200:
                ink += 1
        previous = line
    return width, height, ink
