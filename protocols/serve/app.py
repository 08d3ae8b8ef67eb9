"""The ASGI application (Starlette): Segment's tracking API, the test API, the live page.

Routes::

    POST /v1/batch /v1/import /v1/b            a {"batch": [...]} of messages
    POST /v1/track /v1/identify /v1/page ...   one message (and /v1/t, /v1/i... as analytics.js)
    GET  /v1/projects/<writeKey>/settings      the settings analytics.js loads first
    GET  /api/counts /api/messages /api/drift /api/plan /api/summary /api/health
    POST /api/reset
    GET  /api/stream                           server-sent events: the page's summary
    GET  /  /assets/app.js  /assets/app.css    the live page (package data, no CDN)

Hostile-safe by construction: a body is read up to the size limit and no further; no part of
a request ever names a file (the page's three assets are looked up in a fixed table); the
tracking endpoints answer any origin (CORS, as Segment's do), the test API and the page only
their own (no CORS headers, and a cross-site reset is refused); a Host header that is neither
an IP address, ``localhost`` nor a name given with ``--allow-host`` is refused, so a web page
cannot reach the collector through DNS rebinding.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from protocols.serve.collector import ENDPOINTS, Collector, CollectorOptions
from protocols.serve.kept import Query
from protocols.serve.planwatch import PlanWatch

STREAM_TICK = 0.25  # seconds between two looks for news, per page
KEEPALIVE = 15.0  # seconds between comments on an idle stream (proxies close silent ones)
MAX_LIMIT = 10_000
ASSETS = {"/": ("index.html", "text/html; charset=utf-8"),
          "/assets/app.js": ("app.js", "text/javascript; charset=utf-8"),
          "/assets/app.css": ("app.css", "text/css; charset=utf-8")}
PAGE_HEADERS = {
    # Only the tool's own assets run: a <script> inside a message could not run even if it
    # reached the page as markup (it does not: the page sets text, never HTML).
    "Content-Security-Policy": ("default-src 'none'; script-src 'self'; style-src 'self'; "
                                "connect-src 'self'; img-src 'self' data:; base-uri 'none'; "
                                "form-action 'none'; frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ALLOWED_HEADERS = "Authorization, Content-Type, Content-Encoding, X-Retry-Count"


def create_app(collector: Collector, *, watch: PlanWatch | None = None,
               reload_interval: float = 1.0, allow_hosts: tuple[str, ...] = (),
               notify: Callable[[str], None] | None = None,
               stopping: Callable[[], bool] = lambda: False) -> ASGIApp:
    """The application over ``collector``; ``watch`` reloads the plan every
    ``reload_interval`` seconds when its files change (``notify`` hears about it).
    ``stopping`` says when the server shuts down: open streams then end cleanly."""
    assets = {path: (_asset(name), kind) for path, (name, kind) in ASSETS.items()}
    summaries: dict[int, bytes] = {}
    in_flight = _InFlight(max(collector.options.in_flight_bytes, collector.options.max_body))

    def summary_bytes() -> bytes:
        version = collector.version
        cached = summaries.get(version)
        if cached is None:
            summaries.clear()
            cached = summaries[version] = json.dumps(collector.summary()).encode()
        return cached

    async def ingest(request: Request) -> Response:
        endpoint = request.path_params["endpoint"]
        if endpoint not in ENDPOINTS:
            return _cors(request, JSONAnswer(
                {"success": False, "error": f"no such endpoint: /v1/{_short(endpoint)}"}, 404))
        body = await _read_body(request, collector.options, in_flight)
        if isinstance(body, _Refusal):
            reply = collector.refuse(endpoint=endpoint, reason=body.reason, status=body.status)
            return _cors(request, JSONAnswer(reply.body, reply.status,
                                               headers={"Connection": "close"}))
        try:
            reply = collector.receive(endpoint=endpoint, body=body,
                                      encoding=request.headers.get("content-encoding"),
                                      authorization=request.headers.get("authorization"))
        except OSError as exc:  # disk full...: not acknowledged, so the SDK sends it again
            return _cors(request, JSONAnswer(
                {"success": False, "error": f"cannot write the record files: {exc}"}, 503))
        return _cors(request, JSONAnswer(reply.body, reply.status))

    async def preflight(request: Request) -> Response:
        return _cors(request, Response(status_code=204), preflight=True)

    async def settings(request: Request) -> Response:
        write_key = request.path_params["write_key"]
        host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
        return _cors(request, JSONAnswer(cdn_settings(write_key, host, request.url.scheme)))

    async def counts(request: Request) -> Response:
        return _json(collector.counts())

    async def messages(request: Request) -> Response:
        params = request.query_params
        try:
            query, limit = _query(params)
        except ValueError as exc:
            return _json({"error": str(exc)}, 400)
        head, found = collector.messages_found(query, limit)

        async def chunks() -> AsyncIterator[bytes]:
            # A message at a time: uvicorn waits for a client that does not read before it
            # takes the next, so up to 8 MiB of answer never sits whole in memory (20
            # clients that asked and read nothing held 1.45 GB), and connections.py drops
            # one kept waiting too long.
            yield _dumps(head)[:-1] + b',"messages":['
            for index, entry in enumerate(found):
                yield (b"," if index else b"") + _dumps(entry.to_dict())
            yield b"]}"

        return StreamingResponse(chunks(), media_type="application/json",
                                 headers={"Cache-Control": "no-store",
                                          "X-Content-Type-Options": "nosniff"})

    async def drift(request: Request) -> Response:
        return _json({"source_field": collector.options.source_field,
                      "inconsistencies": collector.drift_table()})

    async def plan(request: Request) -> Response:
        status = collector.plan_status
        return _json(status.to_dict() if status is not None else {})

    async def summary(request: Request) -> Response:
        return Response(summary_bytes(), media_type="application/json",
                        headers={"Cache-Control": "no-store"})

    async def health(request: Request) -> Response:
        return _json({"ok": True, "version": collector.version})

    async def reset(request: Request) -> Response:
        if not _same_origin(request):
            return _json({"error": "a reset must come from this server's own page or a "
                                   "client that sends no Origin header"}, 403)
        collector.reset()
        return _json({"reset": True, **collector.counts()})

    async def stream(request: Request) -> Response:
        async def events() -> AsyncIterator[bytes]:
            seen, idle = -1, 0.0
            yield b"retry: 2000\n\n"
            while not stopping():
                if collector.version != seen:
                    seen = collector.version
                    yield b"event: summary\ndata: " + summary_bytes() + b"\n\n"
                    idle = 0.0
                elif idle >= KEEPALIVE:
                    yield b": keep-alive\n\n"
                    idle = 0.0
                await anyio.sleep(STREAM_TICK)
                idle += STREAM_TICK

        return StreamingResponse(events(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store",
                                          "X-Accel-Buffering": "no"})

    async def asset(request: Request) -> Response:
        content, kind = assets[request.url.path]
        return Response(content, media_type=kind, headers=PAGE_HEADERS)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tasks:
            if watch is not None:
                tasks.start_soon(_watch_plan, collector, watch, reload_interval, notify)
            try:
                yield
            finally:
                tasks.cancel_scope.cancel()

    routes = [
        Route("/v1/projects/{write_key}/settings", settings, methods=["GET"]),
        Route("/v1/projects/{write_key}/settings", preflight, methods=["OPTIONS"]),
        Route("/v1/{endpoint}", ingest, methods=["POST"]),
        Route("/v1/{endpoint}", preflight, methods=["OPTIONS"]),
        Route("/api/counts", counts, methods=["GET"]),
        Route("/api/messages", messages, methods=["GET"]),
        Route("/api/drift", drift, methods=["GET"]),
        Route("/api/plan", plan, methods=["GET"]),
        Route("/api/summary", summary, methods=["GET"]),
        Route("/api/health", health, methods=["GET"]),
        Route("/api/reset", reset, methods=["POST"]),
        Route("/api/stream", stream, methods=["GET"]),
        *(Route(path, asset, methods=["GET"]) for path in ASSETS),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    return HostCheck(app, allow_hosts)


async def _watch_plan(collector: Collector, watch: PlanWatch, interval: float,
                      notify: Callable[[str], None] | None) -> None:
    while True:
        await anyio.sleep(interval)
        if not await anyio.to_thread.run_sync(watch.changed):
            continue
        before = watch.status
        plan = await anyio.to_thread.run_sync(watch.reload)
        status = watch.status
        if plan is not None:
            collector.use_plan(plan, status)
            if notify is not None and status is not None:
                notify(f"plan reloaded: {status.id} {status.version or '(no version)'} "
                       f"(revision {status.revision})")
        elif status is not None and status is not before:
            collector.plan_failed(status)
            if notify is not None and status.errors:
                notify(f"plan {status.file} does not load; revision {status.revision} stays "
                       f"in force:\n  " + "\n  ".join(status.errors))


def cdn_settings(write_key: str, host: str, scheme: str) -> dict[str, Any]:
    """What analytics.js reads from ``/v1/projects/<writeKey>/settings``: only the Segment.io
    destination, pointed back at this collector; no device-mode destinations, remote plugins,
    middleware or metrics, so the page loads no code from anywhere else."""
    return {
        "integrations": {"Segment.io": {
            "apiKey": write_key[:200], "apiHost": f"{host}/v1", "protocol": scheme,
            "addBundledMetadata": False, "unbundledIntegrations": [],
        }},
        "plan": {"track": {"__default": {"enabled": True, "integrations": {}}},
                 "identify": {"__default": {"enabled": True}},
                 "group": {"__default": {"enabled": True}}},
        "edgeFunction": {}, "analyticsNextEnabled": True, "middlewareSettings": {},
        "enabledMiddleware": {}, "metrics": {"sampleRate": 0}, "legacyVideoPluginsEnabled":
        False, "remotePlugins": [],
    }


@dataclass
class _InFlight:
    """The bytes of request bodies being received now, and how many there may be."""

    limit: int
    held: int = 0


@dataclass(frozen=True)
class _Refusal:
    status: int
    reason: str


async def _read_body(request: Request, options: CollectorOptions, in_flight: _InFlight
                     ) -> bytes | _Refusal:
    """The body, or why it is not taken, as soon as that is known: over ``--max-body``
    (413), not arrived whole within ``body_seconds`` (408), no room among the bodies
    being received at the same time (503), or the client gone before it was whole (400,
    which no one reads). Slow or many clients hold bounded memory, for a
    bounded time."""
    limit = options.max_body
    too_large = _Refusal(413, f"the body is larger than {limit} bytes (--max-body): not kept")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        return too_large
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.move_on_after(options.body_seconds) as scope:
            async for chunk in request.stream():
                if size + len(chunk) > limit:
                    return too_large
                if in_flight.held + len(chunk) > in_flight.limit:
                    return _Refusal(503, "too many request bodies are being received at once "
                                    f"({in_flight.limit} bytes): not kept; send it again")
                in_flight.held += len(chunk)
                size += len(chunk)
                chunks.append(chunk)
    except ClientDisconnect:  # it left (or was dropped for room, connections.py) mid-body:
        return _Refusal(400, "the client left before the body arrived whole: not kept")
    finally:
        in_flight.held -= size
    if scope.cancelled_caught:
        return _Refusal(408, f"the body did not arrive whole within {options.body_seconds:g} "
                        "seconds: not kept")
    return b"".join(chunks)


def _query(params: Any) -> tuple[Query, int]:
    status = params.get("status")
    if status not in (None, "good", "bad"):
        raise ValueError("status is good or bad")
    since = params.get("since")
    limit_text = params.get("limit", "100")
    if not limit_text.isdigit() or (since is not None and not since.isdigit()):
        raise ValueError("limit and since are whole numbers")
    query = Query(status=status, event=params.get("event"), kind=params.get("type"),
                  source=params.get("source"), write_key=params.get("write_key"),
                  code=params.get("code"), since=int(since) if since is not None else None)
    return query, min(int(limit_text), MAX_LIMIT)


def _dumps(content: Any) -> bytes:
    """JSON with every non-ASCII character escaped: a message may hold a lone surrogate
    (``"\\ud83d"``, a string cut inside an emoji), which is valid JSON as an escape but
    cannot be encoded as UTF-8."""
    return json.dumps(content, ensure_ascii=True, allow_nan=False,
                      separators=(",", ":")).encode("ascii")


class JSONAnswer(JSONResponse):
    """JSON as :func:`_dumps` writes it."""

    def render(self, content: Any) -> bytes:
        return _dumps(content)


def _json(data: Any, status: int = 200) -> Response:
    return JSONAnswer(data, status, headers={"Cache-Control": "no-store",
                                             "X-Content-Type-Options": "nosniff"})


def _cors(request: Request, response: Response, *, preflight: bool = False) -> Response:
    """Segment's endpoints answer browsers on any origin (analytics.js posts from the app's)."""
    origin = request.headers.get("origin")
    response.headers["Access-Control-Allow-Origin"] = origin or "*"
    if origin:
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Vary"] = "Origin"
    if preflight:
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    return response


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site request (curl, a test)
    return urlsplit(origin).netloc.lower() == (request.headers.get("host") or "").lower()


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _asset(name: str) -> bytes:
    return (resources.files("protocols.serve") / "static" / name).read_bytes()


class HostCheck:
    """Refuses requests whose Host is not an IP address, ``localhost`` or an allowed name."""

    def __init__(self, app: ASGIApp, allow_hosts: tuple[str, ...]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allow_hosts} | {"localhost"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allows(_host_of(scope)):
            response = JSONAnswer({"error": "this Host is not allowed (a guard against DNS "
                                              "rebinding); start with --allow-host NAME"}, 403)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def allows(self, host: str | None) -> bool:
        if host is None:
            return True  # HTTP/1.0 without Host: not a browser
        name = host.lower()
        if name.startswith("["):  # [::1]:8765
            name = name[1:].partition("]")[0]
        elif name.count(":") == 1:
            name = name.partition(":")[0]
        if name in self.allowed or name.endswith(".localhost"):
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _host_of(scope: Scope) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == b"host":
            return str(value.decode("latin-1"))
    return None

