"""`protocols serve` under many connections (protocols/serve/connections.py): a connection
that never sends a whole request is closed in time, open connections and page streams are
capped, the longest waiting going first, and real clients are served meanwhile."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.serve_tools import Running, get_json, post, running_server
from tests.test_serve_collector import GOOD


def _connect(server: Running, first: bytes = b"") -> socket.socket:
    host, port = server.url.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=10)
    if first:
        conn.sendall(first)
    return conn


def _closed_within(conn: socket.socket, seconds: float) -> bool:
    """Whether the server closes ``conn`` within ``seconds`` (whatever it answered first)."""
    deadline = time.monotonic() + seconds
    while True:
        conn.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            if not conn.recv(65_536):
                return True
        except TimeoutError:
            return False
        except OSError:  # reset: dropped with abort()
            return True
        if time.monotonic() >= deadline:
            return False


def _settle(server: Running) -> None:
    """Until the server has taken the connections opened so far (one request through)."""
    assert get_json(f"{server.url}/api/health")["ok"] is True


def _stream(server: Running) -> socket.socket:
    conn = _connect(server, b"GET /api/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
    head = b""
    while b"retry:" not in head:
        chunk = conn.recv(4096)
        assert chunk, "the stream was closed before it started"
        head += chunk
    assert head.startswith(b"HTTP/1.1 200")
    return conn


def test_a_connection_must_send_a_whole_request_head_in_time(tmp_path: Path) -> None:
    """A connection that sent nothing, or a header byte now and then (which restarts
    uvicorn's keep-alive clock), was held without end: each a descriptor, until the server
    could accept no one (1,500 of them with a limit of 1,024: no call answered)."""
    with running_server(tmp_path, limits={"idle_seconds": 0.5}) as server:
        silent = _connect(server)
        trickling = _connect(server, b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        while time.monotonic() - started < 2.5:
            try:
                trickling.sendall(b"X")
            except OSError:
                break
            time.sleep(0.1)
        with silent, trickling:
            assert _closed_within(silent, 0.5)
            assert _closed_within(trickling, 0.5)
        # A client that sends its request is answered, and its kept connection is closed
        # once it has been idle as long.
        with _connect(server, b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") as kept:
            assert kept.recv(4096).startswith(b"HTTP/1.1 200")
            assert _closed_within(kept, 3)
        assert post(f"{server.url}/v1/track", GOOD).status == 200


@pytest.mark.parametrize(("head", "status"), [
    (b"Content-Length: 50000000\r\n\r\n{", 413),  # announced too large
    (b"Transfer-Encoding: chunked\r\n\r\n4000\r\n" + b" " * 0x4000 + b"\r\n", 413),
    (b"Content-Length: 9000\r\n\r\n{", 408),  # not whole in time
])
def test_an_answer_before_the_body_is_read_closes_the_connection(
        tmp_path: Path, head: bytes, status: int) -> None:
    """The rest of such a body is never read: the answer says ``Connection: close`` and the
    connection ends with it, so it holds nothing afterwards."""
    with running_server(tmp_path, max_body=10_000, body_seconds=0.5) as server, _connect(
            server, b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n" + head) as conn:
        reply = b""
        while b"\r\n\r\n" not in reply:
            reply += conn.recv(4096)
        assert reply.startswith(f"HTTP/1.1 {status} ".encode())
        assert b"\r\nconnection: close\r\n" in reply.lower()
        assert _closed_within(conn, 2)


def test_open_connections_are_capped_and_the_longest_waiting_go_first(tmp_path: Path) -> None:
    """Past the cap, the connection that has waited longest for its client is closed; the
    real SDK keeps being served through a crowd of idle connections opened before and
    while it sends."""
    from segment.analytics import Client

    with running_server(tmp_path, limits={"max_connections": 10}) as server:
        crowd = [_connect(server) for _ in range(10)]
        _settle(server)  # (its connection was the 11th: the first of the crowd went)
        client = Client(write_key="py-key", host=server.url, max_retries=3,
                        upload_interval=0.05)
        for number in range(20):
            client.track(user_id="u1", event="Products Searched",
                         properties={"query": f"q{number}"})
        client.flush()
        crowd += [_connect(server) for _ in range(25)]  # more than the cap, while it is open
        _settle(server)
        for number in range(20, 40):
            client.track(user_id="u1", event="Products Searched",
                         properties={"query": f"q{number}"})
        client.flush()
        client.shutdown()
        assert get_json(f"{server.url}/api/counts") == {"all": 40, "good": 40, "bad": 0,
                                                        "refused": 0}
        closed = [_closed_within(conn, 0.2) for conn in crowd]
        assert closed[0], "the oldest idle connection stays open past the cap"
        assert not closed[-1], "the newest connection was closed"
        assert closed.index(False) > 20 and all(closed[:closed.index(False)])
        assert sum(not c for c in closed) <= 10
        for conn in crowd:
            conn.close()


def test_page_streams_are_capped_the_oldest_ending_first(tmp_path: Path) -> None:
    """Each page stream is held as long as its client stays (and a client that does not read
    it holds what was written), so anyone could open thousands. Past the cap the oldest
    ends, and the page's EventSource reconnects by itself."""
    with running_server(tmp_path, limits={"max_streams": 2}) as server:
        first, second, third = _stream(server), _stream(server), _stream(server)
        assert _closed_within(first, 2)
        assert not _closed_within(second, 0.3) and not _closed_within(third, 0.3)
        for conn in (first, second, third):
            conn.close()


def test_with_every_connection_busy_a_new_one_is_closed_at_once(tmp_path: Path) -> None:
    with running_server(tmp_path, limits={"max_connections": 2, "max_streams": 2}) as server:
        streams = [_stream(server), _stream(server)]
        with _connect(server) as extra:
            assert _closed_within(extra, 2)
        for conn in streams:
            assert not _closed_within(conn, 0.2)
            conn.close()
        deadline = time.monotonic() + 5
        while post(f"{server.url}/v1/track", GOOD).status != 200:  # once they are gone
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_a_connection_dropped_to_make_room_leaves_no_traceback(
        tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A connection whose body is still arriving can be the one dropped: its request is
    counted as refused, quietly (the application sees the client leave)."""
    with running_server(tmp_path, limits={"max_connections": 2}) as server:
        receiving = [_connect(server, b"POST /v1/track HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                              b"Content-Length: 9000\r\n\r\n{") for _ in range(2)]
        time.sleep(0.2)
        assert post(f"{server.url}/v1/track", GOOD).status == 200
        assert _closed_within(receiving[0], 2)
        for conn in receiving:
            conn.close()
        deadline = time.monotonic() + 5
        while get_json(f"{server.url}/api/counts")["refused"] < 2:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    errors = capfd.readouterr().err
    assert "Traceback" not in errors and "Exception in ASGI application" not in errors


def _big_track(number: int, size: int) -> dict[str, object]:
    return {"type": "track", "event": "Products Searched", "userId": "u",
            "messageId": f"big-{number}", "properties": {"query": "x" * size}}


def test_an_answer_of_the_test_api_holds_at_most_8_mib_of_messages(tmp_path: Path) -> None:
    """/api/messages?limit=10000 over a ring of 64 MiB built an answer of all of it (and
    Python objects for each message): 20 clients asking at once took 1.5 GB."""
    with running_server(tmp_path) as server:
        for number in range(20):
            assert post(f"{server.url}/v1/track", _big_track(number, 600_000)).status == 200
        answer = get_json(f"{server.url}/api/messages?limit=10000")
        assert answer["matched"] == 20 and answer["returned"] == 13  # 13 x 600 KB <= 8 MiB
        assert [m["message"]["messageId"] for m in answer["messages"]] == [
            f"big-{number}" for number in range(7, 20)]  # the latest, oldest first
        assert get_json(f"{server.url}/api/messages?limit=3")["returned"] == 3


def test_a_client_that_does_not_read_its_answer_is_dropped_in_time(tmp_path: Path) -> None:
    """An answer its client did not read stayed in the server's memory until the connection
    ended (20 clients that asked for 64 MiB of messages and read nothing held 1.4 GB).
    /api/messages is now written a message at a time as the client takes it, and a client
    that takes nothing for ``idle_seconds`` is dropped; one that reads gets it all."""
    with running_server(tmp_path, limits={"idle_seconds": 1.0}) as server:
        for number in range(9):
            assert post(f"{server.url}/v1/track", _big_track(number, 900_000)).status == 200
        asks = []
        for _ in range(3):  # 8.1 MB each: the kernel takes a few MB, then the server waits
            conn = _connect(server)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # (never reopens)
            conn.sendall(b"GET /api/messages?limit=100 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            asks.append(conn)
        time.sleep(2.5)
        for conn in asks:
            assert _closed_within(conn, 1), "a client that reads nothing is held"
            conn.close()
        answer = get_json(f"{server.url}/api/messages?limit=100")
        assert answer["returned"] == 9 and answer["matched"] == 9
        assert [m["message"]["messageId"] for m in answer["messages"]] == [
            f"big-{number}" for number in range(9)]


class _Transport:
    def __init__(self, unread: int) -> None:
        self.unread = unread
        self.aborted = False

    def get_write_buffer_size(self) -> int:
        return self.unread

    def get_extra_info(self, name: str) -> None:
        return None

    def abort(self) -> None:
        self.aborted = True


class _Connection:
    """What the guard reads of a connection: its transport, loop and phase."""

    filed: int | None = None

    def __init__(self, unread: int) -> None:
        import asyncio

        self.transport = _Transport(unread)
        self.loop = asyncio.new_event_loop()

    def phase(self) -> int:
        from protocols.serve.connections import BUSY

        return BUSY


def test_whole_answers_no_one_reads_share_a_byte_budget() -> None:
    """Answers written whole (all but /api/messages and the stream; a page summary is up to
    about 1 MB) and not yet taken share ``unread_bytes``: past it, the connection with the
    oldest goes, never the newest."""
    from protocols.serve.connections import ConnectionGuard

    guard = ConnectionGuard(unread_bytes=1_000)
    conns = [_Connection(600) for _ in range(3)] + [_Connection(5_000)]
    try:
        for conn in conns:
            guard.opened(conn)  # type: ignore[arg-type]
        guard.answered(conns[0])  # type: ignore[arg-type]
        guard.answered(conns[1])  # type: ignore[arg-type]  # 1,200 > 1,000: the first goes
        assert [c.transport.aborted for c in conns] == [True, False, False, False]
        conns[1].transport.unread = 0  # its client took it
        guard.answered(conns[2])  # type: ignore[arg-type]
        assert not conns[2].transport.aborted
        guard.answered(conns[3])  # type: ignore[arg-type]  # alone over: kept, the older goes
        assert [c.transport.aborted for c in conns] == [True, False, True, False]
    finally:
        for conn in conns:
            conn.loop.close()
