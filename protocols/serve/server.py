"""Running the collector: a socket bound first (so port 0 works and the URL can be printed),
then uvicorn serving the application on it until Ctrl-C or SIGTERM."""

from __future__ import annotations

import socket
from collections.abc import Callable
from dataclasses import dataclass

import uvicorn

from protocols.serve.app import create_app
from protocols.serve.collector import Collector
from protocols.serve.planwatch import PlanWatch


@dataclass(frozen=True, kw_only=True)
class ServerOptions:
    host: str = "127.0.0.1"
    port: int = 8765
    allow_hosts: tuple[str, ...] = ()
    reload_interval: float = 1.0


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
        sock.listen(512)
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
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            server_header=False, date_header=True, proxy_headers=False,
                            timeout_graceful_shutdown=2, timeout_keep_alive=30)
    servers.append(uvicorn.Server(config))
    return servers[0]


def run(collector: Collector, watch: PlanWatch | None, sock: socket.socket,
        options: ServerOptions, *, notify: Callable[[str], None] | None = None) -> None:
    """Serve on ``sock`` until stopped."""
    build(collector, watch, options, notify=notify).run(sockets=[sock])
