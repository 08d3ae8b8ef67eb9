"""Running the collector: a socket bound first (so port 0 works and the URL can be printed),
then uvicorn serving the application on it until Ctrl-C or SIGTERM."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn

from protocols.serve.app import create_app
from protocols.serve.collector import Collector
from protocols.serve.connections import (
    ACCEPT_BACKLOG,
    DEFAULT_IDLE_SECONDS,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_STREAMS,
    DEFAULT_UNREAD_BYTES,
    ConnectionGuard,
    descriptor_room,
    raise_descriptor_limit,
)
from protocols.serve.planwatch import PlanWatch


@dataclass(frozen=True, kw_only=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    allow_hosts: tuple[str, ...] = ()
    reload_interval: float = 1.0
    # connections.py: open connections (fewer if the descriptor limit is lower), the time a
    # connection may keep the server waiting for a whole request head, live-page streams,
    # bytes of answers not yet taken by their clients.
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    idle_seconds: float = DEFAULT_IDLE_SECONDS
    max_streams: int = DEFAULT_MAX_STREAMS
    unread_bytes: int = DEFAULT_UNREAD_BYTES


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one). Raises OSError."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP said explicitly: asyncio turns Nagle's algorithm off only on sockets whose
    # proto says TCP, and with it on, each answer's body waits for the client's delayed ACK
    # (about 40 ms a request). TCP_NODELAY on the listener is inherited by accepted sockets.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(ACCEPT_BACKLOG)
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def build(collector: Collector, watch: PlanWatch | None, options: ServerOptions, *,
          notify: Callable[[str], None] | None = None) -> uvicorn.Server:
    """The uvicorn server of the application; ``server.run(sockets=[bind(...)])`` serves
    until Ctrl-C or SIGTERM (or ``server.should_exit``). The collector's files are opened
    by the caller."""
    servers: list[uvicorn.Server] = []
    app = create_app(collector, watch=watch, reload_interval=options.reload_interval,
                     allow_hosts=options.allow_hosts, notify=notify,
                     stopping=lambda: bool(servers) and servers[0].should_exit)
    guard = ConnectionGuard(max_connections=descriptor_room(options.max_connections),
                            idle_seconds=options.idle_seconds,
                            max_streams=options.max_streams,
                            unread_bytes=options.unread_bytes)
    # h11 always (the guard is written for its protocol), and no WebSocket upgrades (nothing
    # here speaks it, and an upgraded connection would leave the guard's count).
    config = uvicorn.Config(app, http=guard.protocol(), ws="none", log_level="warning",
                            access_log=False, lifespan="on", server_header=False,
                            date_header=True, proxy_headers=False,
                            timeout_graceful_shutdown=2, backlog=ACCEPT_BACKLOG,
                            timeout_keep_alive=max(1, round(options.idle_seconds)))
    servers.append(uvicorn.Server(config))
    return servers[0]


def run(collector: Collector, watch: PlanWatch | None, sock: socket.socket,
        options: ServerOptions, *, notify: Callable[[str], None] | None = None) -> None:
    """Serve on ``sock`` until stopped."""
    raise_descriptor_limit(options.max_connections)
    build(collector, watch, options, notify=notify).run(sockets=[sock])
