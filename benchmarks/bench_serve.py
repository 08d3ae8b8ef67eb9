"""Throughput of ``protocols serve``: messages per second through HTTP, against references.

Clients (threads with keep-alive connections, on this machine) post a log to a server
process on 127.0.0.1 in batches of ``--batch`` messages (100 is analytics-python's default
upload size; 1 is analytics.js's one request per call), all at once, and the time from the
first request to the last answer is taken. Two servers, alternating run by run:

- **serve**: ``protocols serve`` (validate, drift, append to the good/bad files, count, ack);
- **bare**: the same stack (Starlette + uvicorn) answering after appending the body to a
  file, with no parsing, validation or counting: what the HTTP layer costs by itself.

And, as the offline reference, ``protocols validate`` (``validate_inputs``) on the same log
as a file, with ``--good``/``--bad``. Two logs: ``healthy`` (bench_validate.py's generated
traffic: three SDKs, high-cardinality ids, 5% violating) and ``drifting`` (the messages of
examples/events.ndjson, where three SDKs spell events and properties their own way: about
60% bad, so most messages take the full diagnostic path). Every run checks that the good and
bad files together hold exactly the messages sent.

    python benchmarks/bench_serve.py                        # 50,000 messages a log, batch 100
    python benchmarks/bench_serve.py --batch 1 --messages 10000
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench_validate import OUT, PLAN, log_file

from protocols.plan import load_plan
from protocols.validate.run import ValidateOptions, validate_inputs

REPO = Path(__file__).resolve().parent.parent
BARE = """
import sys
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route
import uvicorn
from protocols.serve.server import bind, url_of

out = open(sys.argv[1], "ab", buffering=0)

async def ingest(request):
    out.write(await request.body() + b"\\n")
    return JSONResponse({"success": True})

sock = bind("127.0.0.1", 0)
print("listening on", url_of(sock), flush=True)
app = Starlette(routes=[Route("/v1/{endpoint}", ingest, methods=["POST"])])
uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False)).run(sockets=[sock])
"""


def drifting_log(count: int) -> Path:
    """examples/events.ndjson's messages, repeated with unique message ids."""
    path = OUT / f"drifting-{count}.ndjson"
    if path.exists():
        return path
    templates = []
    for line in (REPO / "examples" / "events.ndjson").read_bytes().splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            templates.append(value)
    rng = random.Random(11)
    OUT.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for number in range(count):
            message = dict(rng.choice(templates), messageId=f"drift-{number:09d}")
            out.write(json.dumps(message, separators=(",", ":")) + "\n")
    return path


def start(command: list[str], folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    process = subprocess.Popen(command, cwd=folder, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    while True:
        line = process.stdout.readline().decode()
        if not line:
            raise SystemExit(f"the server did not start: {command}")
        if "listening on" in line:
            return process, line.split()[-1]


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def connect(host: str, port: int) -> http.client.HTTPConnection:
    """A keep-alive connection with Nagle's algorithm off, as the SDKs' HTTP clients have it
    (urllib3, Node's http): http.client sends a request's headers and body in two writes,
    and with Nagle on, the second waits for the server's delayed ACK (40 ms a request)."""
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.connect()
    assert conn.sock is not None
    conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn


def send(url: str, bodies: list[bytes], clients: int) -> float:
    """Seconds to post every body, ``clients`` connections at once."""
    host, port = url.removeprefix("http://").split(":")
    shares = [bodies[i::clients] for i in range(clients)]
    failures: list[str] = []

    def client(share: list[bytes]) -> None:
        conn = connect(host, int(port))
        for body in share:
            conn.request("POST", "/v1/batch", body, {"Content-Type": "application/json"})
            answer = conn.getresponse()
            answer.read()
            if answer.status != 200:
                failures.append(f"{answer.status}")
        conn.close()

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: {failures[:3]}")
    return elapsed


def run_serve(lines: list[bytes], bodies: list[bytes], clients: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        process, url = start([sys.executable, "-c", "from protocols.cli import main; main()",
                              "serve", "--plan", str(PLAN), "--port", "0", "--good",
                              "good.ndjson", "--bad", "bad.ndjson", "--keep", "1000"], folder)
        try:
            elapsed = send(url, bodies, clients)
        finally:
            stop(process)
        kept = sorted((folder / "good.ndjson").read_bytes().splitlines()
                      + (folder / "bad.ndjson").read_bytes().splitlines())
        if kept != sorted(lines):
            raise SystemExit("the good and bad files do not hold exactly the messages sent")
        return elapsed
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_bare(bodies: list[bytes], clients: int) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-bare-"))
    try:
        process, url = start([sys.executable, "-c", BARE, str(folder / "bodies")], folder)
        try:
            return send(url, bodies, clients)
        finally:
            stop(process)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def run_validate(path: Path) -> float:
    folder = Path(tempfile.mkdtemp(prefix="bench-validate-"))
    try:
        started = time.perf_counter()
        validate_inputs(load_plan(PLAN), [str(path)], ValidateOptions(
            good=folder / "good.ndjson", bad=folder / "bad.ndjson"))
        return time.perf_counter() - started
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"# {platform.python_version()}, {os.cpu_count()} cores, {args.messages} messages "
          f"a log, batches of {args.batch}, {args.clients} clients, median of {args.repeats}")
    print("| log | serve msg/s | bare msg/s | serve / bare | validate (file) msg/s |"
          " serve / validate |")
    print("|---|---|---|---|---|---|")
    for name, path in (("healthy", log_file(args.messages)),
                       ("drifting", drifting_log(args.messages))):
        lines = path.read_bytes().splitlines()
        bodies = [b'{"batch":[' + b",".join(lines[i:i + args.batch]) + b"]}"
                  for i in range(0, len(lines), args.batch)]
        serve, bare, offline = [], [], []
        for _ in range(args.repeats):
            serve.append(run_serve(lines, bodies, args.clients))
            bare.append(run_bare(bodies, args.clients))
            offline.append(run_validate(path))
        rate = len(lines) / statistics.median(serve)
        bare_rate = len(lines) / statistics.median(bare)
        offline_rate = len(lines) / statistics.median(offline)
        print(f"| {name} | {rate:,.0f} | {bare_rate:,.0f} | {rate / bare_rate:.2f} | "
              f"{offline_rate:,.0f} | {rate / offline_rate:.2f} |", flush=True)


if __name__ == "__main__":
    main()
