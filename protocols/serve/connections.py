"""Open connections, bounded: how many, how long one may keep the server waiting for its
request, and how many live-page streams.

uvicorn bounds the size of a request head (h11: 16 KiB, then 400) and, after an answer, how
long a kept-alive connection may stay silent; the application bounds a body's size and time
(app.py). Left open: a connection that never completes a request head (it sends nothing, or
a byte now and then, which restarts uvicorn's keep-alive clock) was held without end, and
so was every page stream, whoever opened it. Each costs the process little memory (about
5 KiB) but a file descriptor, and at the process's limit (1,024 on many systems) the server
can accept no one.

The guard, on uvicorn's HTTP/1.1 protocol (h11):

- a connection waiting for its client, for a request (new, or kept alive after an answer)
  or to take what was written (uvicorn paused writing), is dropped after ``idle_seconds``:
  a request head must be whole by then, and bytes that trickle in do not extend it;
- at most ``max_connections`` are open: one more closes the connection that has waited
  longest for its client, first among those waiting for it (as above), then among those
  whose body is still arriving; when every other connection is busy (its request whole and being
  answered), the new one is closed at once;
- at most ``max_streams`` page streams (``GET /api/stream``): one more ends the oldest (the
  page's EventSource reconnects by itself);
- answers written but not yet taken by their clients (each waits in the server's memory
  until its client reads it) share ``unread_bytes``: past it, the connection with the
  oldest such answer is dropped.

A connection is dropped with a reset (``abort()``, no lingering): at once, and what its client
has not read is dropped by the process and the kernel alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections import OrderedDict
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

try:
    import resource
except ImportError:  # (Windows: no descriptor limit to read or raise)
    resource = None  # type: ignore[assignment]

DEFAULT_MAX_CONNECTIONS = 1_000
DEFAULT_IDLE_SECONDS = 30.0  # for a request head; also uvicorn's keep-alive
DEFAULT_MAX_STREAMS = 32
DEFAULT_UNREAD_BYTES = 64 * 1024 * 1024
STREAM_PATH = "/api/stream"
# asyncio accepts up to this many connections at a time (uvicorn's backlog), before their
# protocols exist and the guard counts them: room is left for a few such batches.
ACCEPT_BACKLOG = 128
# Descriptors kept free: the files, the plan, the listening socket, the event loop, and
# connections accepted but not yet counted.
RESERVED_DESCRIPTORS = 64 + 3 * ACCEPT_BACKLOG

WAITING, RECEIVING, BUSY, STREAM, CLOSING = range(5)


def raise_descriptor_limit(wanted: int) -> None:
    """The process's soft descriptor limit raised, within the hard one, to hold ``wanted``
    connections besides the reserve (many systems start processes at 1,024, macOS at 256)."""
    if resource is None:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    needed = wanted + RESERVED_DESCRIPTORS
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return
    with contextlib.suppress(ValueError, OSError):  # (not allowed: the cap is lowered)
        resource.setrlimit(resource.RLIMIT_NOFILE, (
            needed if hard == resource.RLIM_INFINITY else min(needed, hard), hard))


def descriptor_room(wanted: int) -> int:
    """``wanted``, or fewer when the process may not open that many descriptors (with room
    for its files): past the limit, accept() fails and no one is served."""
    if resource is None:
        return wanted
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - RESERVED_DESCRIPTORS))


class ConnectionGuard:
    """The open connections of one server, in the order they started waiting."""

    def __init__(self, *, max_connections: int = DEFAULT_MAX_CONNECTIONS,
                 idle_seconds: float = DEFAULT_IDLE_SECONDS,
                 max_streams: int = DEFAULT_MAX_STREAMS,
                 unread_bytes: int = DEFAULT_UNREAD_BYTES) -> None:
        self.max_connections = max_connections
        self.idle_seconds = idle_seconds
        self.max_streams = max_streams
        self.unread_bytes = unread_bytes
        self.unread: OrderedDict[GuardedH11, None] = OrderedDict()  # oldest answer first
        self.open: set[GuardedH11] = set()
        # Each connection in one of these, by phase; oldest first, with since when (the
        # loop's clock: the deadline of a request head counts from it).
        self.waiting: OrderedDict[GuardedH11, float] = OrderedDict()
        self.receiving: OrderedDict[GuardedH11, float] = OrderedDict()
        self.busy: OrderedDict[GuardedH11, float] = OrderedDict()
        self.streams: OrderedDict[GuardedH11, float] = OrderedDict()
        self.closing: OrderedDict[GuardedH11, float] = OrderedDict()
        self._lists = {WAITING: self.waiting, RECEIVING: self.receiving, BUSY: self.busy,
                       STREAM: self.streams, CLOSING: self.closing}
        self._sweep: asyncio.TimerHandle | None = None

    def protocol(self) -> type[H11Protocol]:
        """The protocol class to give uvicorn (``Config(http=...)``)."""
        return type("GuardedH11", (GuardedH11,), {"guard": self})

    def opened(self, conn: GuardedH11) -> None:
        self.open.add(conn)
        self.update(conn)
        if len(self.open) <= self.max_connections:
            return
        # Room is made by the connection that has kept the server waiting longest: one
        # already closing (its answer not yet taken), then one waiting for a request head,
        # then one whose body is still arriving; else the new one goes.
        victim = next(iter(self.closing), None) or next(
            (other for other in self.waiting if other is not conn), None) or next(
            iter(self.receiving), None)
        self.drop(conn if victim is None else victim)

    def update(self, conn: GuardedH11) -> None:
        """Files ``conn`` under what it is doing now."""
        self._file(conn, conn.phase())

    def answered(self, conn: GuardedH11) -> None:
        """After an answer: if its client has not taken it all, it joins the unread ones,
        and the oldest of those go while they hold more than ``unread_bytes`` (so at most
        that and one answer are held: /api/messages gives at most 8 MiB of messages)."""
        self.unread.pop(conn, None)
        if conn.transport.get_write_buffer_size() == 0:
            return
        self.unread[conn] = None
        held = 0
        for other in list(self.unread):
            size = other.transport.get_write_buffer_size()
            if size == 0:
                del self.unread[other]
            held += size
        while held > self.unread_bytes and len(self.unread) > 1:  # (never the newest)
            oldest = next(iter(self.unread))
            held -= oldest.transport.get_write_buffer_size()
            self.drop(oldest)

    def closed(self, conn: GuardedH11) -> None:
        self._file(conn, None)
        self.open.discard(conn)
        self.unread.pop(conn, None)

    def drop(self, conn: GuardedH11) -> None:
        self.closed(conn)
        sock = conn.transport.get_extra_info("socket")
        if sock is not None:  # a reset: the kernel drops what it still had to send, too
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.transport.abort()

    def _file(self, conn: GuardedH11, phase: int | None) -> None:
        if conn.filed == phase:
            return
        if conn.filed is not None:
            del self._lists[conn.filed][conn]
        conn.filed = phase
        if phase is None:
            return
        self._lists[phase][conn] = conn.loop.time()
        if phase == WAITING and self._sweep is None:
            self._schedule(conn.loop)
        elif phase == STREAM and len(self.streams) > self.max_streams:
            self.drop(next(iter(self.streams)))

    def _schedule(self, loop: asyncio.AbstractEventLoop) -> None:
        self._sweep = loop.call_later(min(1.0, self.idle_seconds / 4), self._expire, loop)

    def _expire(self, loop: asyncio.AbstractEventLoop) -> None:
        """Drops the connections that have waited too long for a request head."""
        self._sweep = None
        deadline = loop.time() - self.idle_seconds
        while self.waiting:
            conn, since = next(iter(self.waiting.items()))
            if since > deadline:
                break
            self.drop(conn)
        if self.waiting:
            self._schedule(loop)


class GuardedH11(H11Protocol):
    """uvicorn's h11 protocol, telling the guard when a connection opens, starts and ends a
    request, and closes. (It reads ``cycle``, ``transport`` and ``loop``, which uvicorn's
    protocol has had since its early versions.)"""

    guard: ClassVar[ConnectionGuard]
    filed: int | None = None  # the guard's list it is in

    def phase(self) -> int:
        if self.transport.is_closing():
            return CLOSING
        cycle = self.cycle
        if cycle is None or cycle.response_complete or self.flow.write_paused:
            return WAITING  # for a request head, or for its client to read what was written
        if cycle.scope["path"] == STREAM_PATH and cycle.scope["method"] == "GET":
            return STREAM
        return RECEIVING if cycle.more_body else BUSY

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.guard.opened(self)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self.guard.update(self)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self.guard.answered(self)
        self.guard.update(self)

    def pause_writing(self) -> None:
        super().pause_writing()
        self.guard.update(self)

    def resume_writing(self) -> None:
        super().resume_writing()
        self.guard.update(self)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.guard.closed(self)
