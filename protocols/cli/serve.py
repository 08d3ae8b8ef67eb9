"""``protocols serve``."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import typer

from protocols.cli.app import app
from protocols.cli.output import guard_outputs, settings_or_exit, usage_error
from protocols.cli.validate import DEFAULT_SOURCE_FIELD, FAIL_ON

DEFAULT_GOOD = Path("protocols-received/good.ndjson")
DEFAULT_BAD = Path("protocols-received/bad.ndjson")
EXTRA_MISSING = ("protocols serve needs the web server packages of the serve extra "
                 "(missing: {missing}); install them with: pip install 'protocols[serve]'")


@app.command(epilog="""\b
Examples:
  protocols serve --plan plans/ecommerce.yaml
      then open http://127.0.0.1:8765/ and point an SDK at http://127.0.0.1:8765
  protocols serve --port 0 --good out/good.ndjson --bad out/bad.ndjson \\
      --bad-reasons out/bad.reasons.ndjson
  protocols serve --host 0.0.0.0 --allow-host my-laptop.local   (phones on the LAN)
  curl -s localhost:8765/api/counts
  curl -s 'localhost:8765/api/messages?status=bad&code=PV301'
  curl -s -X POST localhost:8765/api/reset
SDKs: analytics-python host=..., analytics-node {host: ...}, analytics-next
{cdnURL: ...}; any write key is accepted. Details: docs/serve.md.
Exit codes: 0 stopped, 1 the plan does not load, 2 usage error (or the serve extra missing).
""")
def serve(
    plan: str | None = typer.Option(None, "--plan", "-p", help="Plan file or plan id under "
                                    "the plans folder (default: the only plan there). "
                                    "Reloaded when it changes."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8765, "--port", min=0, max=65535, help="Port to listen on "
                             "(0: a free one, printed at start)."),
    good: Path = typer.Option(DEFAULT_GOOD, "--good", help="Append messages that follow "
                              "the plan here, unchanged (NDJSON)."),
    bad: Path = typer.Option(DEFAULT_BAD, "--bad", help="Append the others here, "
                             "unchanged, and bodies that hold no message."),
    bad_reasons: Path | None = typer.Option(None, "--bad-reasons", help="NDJSON: why each "
                                            "record of --bad is bad (codes, paths)."),
    source_field: str | None = typer.Option(None, "--source-field", help="Dotted path of the "
                                            "field naming a message's source for the drift "
                                            f"table (default: {DEFAULT_SOURCE_FIELD})."),
    fail_on: str | None = typer.Option(None, "--fail-on", help="error (default) or warning: "
                                       "messages with findings at this level are bad "
                                       "(never: as error)."),
    max_body: int = typer.Option(1024 * 1024, "--max-body", min=1, help="Largest request "
                                 "body in bytes, before and after gzip (larger: 413)."),
    max_batch: int = typer.Option(2_500, "--max-batch", min=1, help="Most messages in one "
                                  "batch (more: 413, kept whole in --bad)."),
    keep: int = typer.Option(1_000, "--keep", min=0, help="Latest messages kept in memory "
                             "for the API and the page (the files keep everything)."),
    fsync: bool = typer.Option(False, "--fsync", help="Force the files to disk before each "
                               "answer (survives a power cut, not only a crash; slower)."),
    allow_host: list[str] = typer.Option([], "--allow-host", help="A host name the server "
                                         "may be reached by besides IP addresses and "
                                         "localhost (repeatable)."),
    reload_interval: float = typer.Option(1.0, "--reload-interval", min=0.05, help="Seconds "
                                          "between two looks at the plan files."),
    config: Path | None = typer.Option(None, "--config", help="Configuration file (serve "
                                       "reads plan, source_field and fail_on from "
                                       "[tool.protocols.validate])."),
) -> None:
    """Run a local Segment collector: validate what SDKs send, live, against a plan."""
    try:
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise usage_error(EXTRA_MISSING.format(missing=exc.name or exc)) from None
    from protocols.cli.plan_tools import load_or_exit
    from protocols.plan.model import Plan
    from protocols.serve.collector import Collector, CollectorOptions
    from protocols.serve.planwatch import PlanWatch
    from protocols.serve.server import ServerOptions, bind, run, url_of
    from protocols.validate.planref import find_plan
    from protocols.validate.read.sources import InputError

    settings = settings_or_exit(config)
    section = settings.section("validate")
    level = fail_on or str(section.get("fail_on", "error"))
    if level not in FAIL_ON:
        raise usage_error(f"--fail-on takes error, warning or never, not {level!r}")
    try:
        plan_path = find_plan(plan or section.get("plan"), settings.plans_dir)
    except InputError as exc:
        raise usage_error(str(exc)) from None
    loaded = load_or_exit(plan_path)  # (exits 1 with the plan's errors)
    assert isinstance(loaded, Plan)
    # The shared check (device and inode: links and other spellings too), as every command.
    guard_outputs([good, bad, bad_reasons], [*loaded.files, settings.file])
    watch = PlanWatch(plan_path)
    watch.load()
    options = CollectorOptions(
        good=good, bad=bad, bad_reasons=bad_reasons,
        source_field=source_field or str(section.get("source_field", DEFAULT_SOURCE_FIELD)),
        fail_on=FAIL_ON[level], max_body=max_body, max_batch=max_batch, keep=keep,
        fsync=fsync)
    collector = Collector(loaded, options, plan_status=watch.status)
    try:
        collector.open()
    except OSError as exc:
        raise usage_error(f"cannot open the record files: {exc}") from None
    try:
        sock = bind(host, port)
    except OSError as exc:
        collector.close()
        raise usage_error(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    url = url_of(sock)
    status = watch.status
    assert status is not None
    lines = [
        f"protocols serve: listening on {url}",
        f"  plan       {status.id} {status.version or '(no version)'} ({status.file}), "
        "reloaded when it changes",
        f"  live page  {url}/",
        f"  SDKs       host {url} (POST /v1/batch, /v1/track...; analytics.js: cdnURL {url});"
        " any write key",
        f"  test API   {url}/api/counts, {url}/api/messages, POST {url}/api/reset",
        f"  good       {good}",
        f"  bad        {bad}" + (f" (reasons: {bad_reasons})" if bad_reasons else ""),
        "Stop with Ctrl-C.",
    ]
    typer.echo("\n".join(lines))
    sys.stdout.flush()

    def notify(text: str) -> None:
        typer.echo(text, err=True)

    # uvicorn stops gracefully on Ctrl-C or SIGTERM, then raises the signal again for the
    # handler it found: ours turns both into a clean exit 0.
    signal.signal(signal.SIGTERM, _stopped)
    try:
        run(collector, watch, sock, ServerOptions(host=host, port=port,
                                                  allow_hosts=tuple(allow_host),
                                                  reload_interval=reload_interval),
            notify=notify)
    except (KeyboardInterrupt, _Stop):
        pass
    finally:
        collector.close()
        sock.close()
    typer.echo("protocols serve: stopped", err=True)


class _Stop(Exception):
    """SIGTERM, after uvicorn's graceful shutdown."""


def _stopped(signum: int, frame: object) -> None:
    raise _Stop
