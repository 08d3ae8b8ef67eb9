"""Many hostile connections to ``protocols serve``: the server's memory, how many of them it
still holds, and whether ordinary requests are served meanwhile.

A ``protocols serve`` process on 127.0.0.1 (port 0) gets ``--connections`` connections of
one ``--kind``, opened from this process, which then holds them for ``--hold`` seconds:

- ``idle``: connects and sends nothing;
- ``head``: sends the start of a request's head, then a header byte every 5 s (slowloris);
- ``keepalive``: one whole request, then nothing (a client that keeps its connection);
- ``early``: announces a body over --max-body and sends 64 KiB of it (answered 413 at once);
- ``body``: announces a 1 MiB body, sends 600 KiB of it, then nothing (answered 408);
- ``stream``: opens the page's event stream and never reads it;
- ``unread``: asks for every kept message (``/api/messages?limit=10000``, after 72 MB of
  messages were posted to fill the kept ring) and never reads the answer.

From the first of them to the end, an ordinary client posts one track call a second on a
new connection (as an SDK does after its keep-alive connection was closed) and times each
answer. Printed:
the server's RSS before and at the peak (``VmHWM``), its open descriptors, how many attack
connections the server has closed by the end, and the ordinary calls' answers.

    python benchmarks/serve_connections.py --kind idle --connections 3000 --hold 40
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_serve import start, stop

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "plans" / "ecommerce.yaml"
TRACK = json.dumps({"type": "track", "event": "Products Searched", "userId": "u",
                    "properties": {"query": "shoes"}}).encode()


def status(pid: int) -> dict[str, int]:
    """The server's resident memory (now and peak, KiB) and open descriptors."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0])
    fields["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    return fields


def opening(kind: str) -> bytes:
    head = "POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    if kind == "idle":
        return b""
    if kind == "head":
        return b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    if kind == "keepalive":
        return f"{head}Content-Length: {len(TRACK)}\r\n\r\n".encode() + TRACK
    if kind == "early":
        return f"{head}Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode() + b" " * 65_536
    if kind == "body":
        return f"{head}Content-Length: {1024 * 1024}\r\n\r\n".encode() + b" " * 600_000
    if kind == "stream":
        return b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    if kind == "unread":
        return b"GET /api/messages?limit=10000 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
    raise SystemExit(f"unknown kind {kind}")


def attack(host: str, port: int, kind: str, count: int) -> list[socket.socket]:
    first = opening(kind)
    conns = []
    for _ in range(count):
        try:
            conn = socket.create_connection((host, port), timeout=5)
        except OSError as exc:
            print(f"  connection {len(conns)}: {exc}")
            break
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # (a stream never read)
        if first:
            conn.setblocking(False)
            with contextlib.suppress(OSError):
                conn.send(first)  # as much as the kernel takes now
        conns.append(conn)
    return conns


def closed_by_server(conn: socket.socket) -> bool:
    conn.setblocking(False)
    try:
        while True:
            data = conn.recv(65_536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:
        return True


def ordinary(host: str, port: int, seconds: float, answers: list[tuple[int, float]],
             stop_event: threading.Event) -> None:
    """One track call a second, each on a new connection; (status, seconds) of each."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not stop_event.is_set():
        started = time.monotonic()
        try:
            conn = http.client.HTTPConnection(host, port, timeout=10)
            conn.request("POST", "/v1/track", TRACK, {"Content-Type": "application/json"})
            reply = conn.getresponse()
            reply.read()
            conn.close()
            answers.append((reply.status, time.monotonic() - started))
        except OSError:
            answers.append((0, time.monotonic() - started))
        time.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", default="idle")
    parser.add_argument("--connections", type=int, default=3_000)
    parser.add_argument("--hold", type=float, default=40.0)
    parser.add_argument("--server-nofile", type=int, default=0, help="the server's "
                        "descriptor limit (RLIMIT_NOFILE, soft and hard), as on a system "
                        "where both are 1024 (0: this process's)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="serve-connections-"))
    limit = ["prlimit", f"--nofile={args.server_nofile}"] if args.server_nofile else []
    process, url = start([*limit, sys.executable, "-c", "from protocols.cli import main; main()",
                          "serve", "--plan", str(PLAN), "--port", "0", "--good",
                          "good.ndjson", "--bad", "bad.ndjson"], folder)
    host, port_text = url.removeprefix("http://").split(":")
    port = int(port_text)
    try:
        if args.kind == "unread":  # 80 batches of 9 messages of 100 KB: the ring is full
            message = {"type": "track", "event": "Products Searched", "userId": "u",
                       "properties": {"query": "x" * 100_000}}
            batch = json.dumps({"batch": [message] * 9}).encode()
            for _ in range(80):
                conn = http.client.HTTPConnection(host, port, timeout=30)
                conn.request("POST", "/v1/batch", batch, {"Content-Type": "application/json"})
                conn.getresponse().read()
                conn.close()
        time.sleep(0.5)
        before = status(process.pid)
        answers: list[tuple[int, float]] = []
        done = threading.Event()
        client = threading.Thread(target=ordinary, args=(host, port, args.hold, answers, done))
        started = time.monotonic()
        client.start()
        conns = attack(host, port, args.kind, args.connections)
        opened = time.monotonic() - started
        peak_fds = 0
        trickle = time.monotonic()
        while time.monotonic() - started < args.hold:
            time.sleep(1.0)
            peak_fds = max(peak_fds, status(process.pid)["fds"])
            if args.kind == "head" and time.monotonic() - trickle >= 5:
                trickle = time.monotonic()
                for conn in conns:
                    with contextlib.suppress(OSError):
                        conn.send(b"X")
        during = status(process.pid)
        closed = sum(closed_by_server(conn) for conn in conns)
        done.set()
        client.join()
        for conn in conns:
            conn.close()
    finally:
        stop(process)
    served = [seconds for code, seconds in answers if code == 200]
    print(f"kind={args.kind} connections={len(conns)} (opened in {opened:.1f} s) "
          f"hold={args.hold:g} s")
    print(f"server RSS before {before['VmRSS'] / 1024:.1f} MB, at the end "
          f"{during['VmRSS'] / 1024:.1f} MB, peak {during['VmHWM'] / 1024:.1f} MB "
          f"({(during['VmHWM'] - before['VmRSS']) / max(1, len(conns)):.1f} KiB a connection)")
    print(f"server descriptors: before {before['fds']}, most {peak_fds}, end {during['fds']}")
    print(f"attack connections closed by the server by the end: {closed} of {len(conns)}")
    print(f"ordinary calls: {len(served)} of {len(answers)} answered 200"
          + (f", median {statistics.median(served) * 1000:.0f} ms, slowest "
             f"{max(served) * 1000:.0f} ms" if served else "")
          + f"; others: {sorted({code for code, _ in answers if code != 200})}")


if __name__ == "__main__":
    main()
