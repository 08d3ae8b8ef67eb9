"""Security: a generated client never crashes or hangs the application that calls it.

Issue 11: the generated clients ran the plan's patterns inside the host app (a hang there is
the app's outage), fetched ``$ref`` URLs at runtime, and raised from ``track()`` when a schema
could not be resolved. Now what no client can carry is refused at generate time with a
positioned error, patterns run in bounded time, nothing is fetched, and anything that goes
wrong while checking is reported to ``on_violation``: the call itself always goes out.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from protocols.cli import app
from protocols.generate.model import build_model
from protocols.generate.python import render_python
from protocols.generate.safety import schema_findings
from protocols.plan import load_plan
from tests.generate_tools import run_node, run_tsc, segment_server, write_client
from tests.test_generate_python import Recorder, import_file

PLAN = """protocols: 1
plan: shop
version: "1.0.0"
types:
  Node:
    description: A tree, as deep as the app makes it.
    type: object
    properties:
      child: {type: Node}
events:
  Searched:
    description: A search.
    properties:
      query: {type: string, pattern: '[a-z]+@'}
      code: {type: string, pattern: '^[A-Z]{3}$'}
      tree: {type: Node}
"""
LONG = 100_000  # characters: a quadratic search of this would take the app minutes


@pytest.fixture
def plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, "utf-8")
    return path


def deep(levels: int) -> dict[str, Any]:
    node: dict[str, Any] = {}
    for _ in range(levels):
        node = {"child": node}
    return node


# -- Python ---------------------------------------------------------------------------------------


def test_python_client_checks_in_bounded_time_and_never_raises(plan: Path) -> None:
    write_client(plan, plan.parent / "tracking", lang="python")
    module = import_file(plan.parent / "tracking" / "__init__.py", "sec_tracking_bounded")
    seen: list[Any] = []
    sdk = Recorder()
    client = module.ProtocolsClient(sdk, on_violation=seen.append)

    started = time.monotonic()
    client.searched({"query": "a" * LONG, "code": "ABC"}, user_id="u")
    assert time.monotonic() - started < 2
    assert [(v.path, v.message) for v in seen] == [
        ("properties.query", f"a value of {LONG} characters was not checked against "
                             "'[a-z]+@' (at most 4096)")]

    seen.clear()
    client.searched({"tree": deep(50_000)}, user_id="u")  # deeper than Python's stack
    assert [v.path for v in seen] == ["properties"]
    assert "could not be checked" in seen[0].message and "RecursionError" in seen[0].message

    seen.clear()
    client.searched({"query": "ada@", "code": "ABC", "tree": deep(3)}, user_id="u")
    assert seen == []
    assert [kind for kind, _ in sdk.calls] == ["track", "track", "track"]  # all sent


def test_python_runtime_never_fetches_a_reference(plan: Path) -> None:
    """Defence in depth: even a schema that reached the emitter with a URL reference (past
    every check, by the API) only yields a violation; no request leaves the app."""
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = b'{"type": "integer"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        model = build_model(load_plan(plan))
        call = model.calls[0]
        schema = {**call.schema, "properties": {
            "query": {"$ref": f"http://127.0.0.1:{server.server_address[1]}/s.json"}}}
        object.__setattr__(call, "schema", schema)
        files = render_python(model, runtime_validation=True, tool_version="test")
        (plan.parent / "remote").mkdir()
        (plan.parent / "remote" / "__init__.py").write_text(files["__init__.py"], "utf-8")
        module = import_file(plan.parent / "remote" / "__init__.py", "sec_tracking_remote")
        seen: list[Any] = []
        sdk = Recorder()
        module.ProtocolsClient(sdk, on_violation=seen.append).searched({"query": "x"},
                                                                       user_id="u")
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []
    assert len(seen) == 1 and "could not be checked" in seen[0].message
    assert len(sdk.calls) == 1


@pytest.mark.parametrize(("fragment", "codes"), [
    ("amount: {type: number, enum: [1, .inf]}", ("PL103", "PG002")),
    ("amount: {type: number, maximum: .nan}", ("PL103", "PG002")),
    ("amount: {type: integer, enum: [9007199254740993]}", ("PG003",)),
    ("amount: {schema: {$ref: '#/$defs/Nowhere'}}", ("PL108", "PG001")),
])
def test_what_no_client_can_carry_is_refused_at_its_line_even_forced(
        plan: Path, fragment: str, codes: tuple[str, ...]) -> None:
    """The plan loader refuses most of these for every command; generate's own check (PG)
    refuses the rest, and holds for plans built through the API."""
    plan.write_text(PLAN.replace("      tree: {type: Node}\n",
                                 f"      tree: {{type: Node}}\n      {fragment}\n"), "utf-8")
    for lang in ("typescript", "python", "go"):
        result = CliRunner().invoke(app, ["generate", "--lang", lang, "--plan", "plan.yaml",
                                          "--out", "out", "--force"])
        if codes == ("PG003",) and lang != "typescript":
            assert result.exit_code == 0, result.output  # Python and Go integers hold it
            continue
        assert result.exit_code == 1, (lang, result.output)
        assert any(f"[{code} " in result.output for code in codes), (lang, result.output)
        assert "plan.yaml:17:" in result.output, (lang, result.output)
        assert "Traceback" not in result.output
        assert not Path("out").exists() or not any(Path("out").iterdir())


@pytest.mark.parametrize(("schema", "lang", "code"), [
    ({"enum": [1, float("inf")]}, "python", "PG002"),
    ({"maximum": float("nan")}, "typescript", "PG002"),
    ({"enum": [2**53]}, "typescript", "PG003"),
    ({"const": 2**63}, "go", "PG003"),
    ({"const": 10**4001}, "python", "PG003"),
    ({"properties": {"a": {"$ref": "#/$defs/Nowhere"}}}, "python", "PG001"),
    ({"properties": {"a": {"$ref": "https://example.com/a.json"}}}, "kotlin", "PG001"),
    ({"properties": {"a": {"pattern": "^(a|aa)+$"}}}, "typescript", "PG004"),
])
def test_generate_time_checks_hold_for_any_schema(schema: dict[str, Any], lang: str,
                                                  code: str) -> None:
    found = [f.code for f in schema_findings(schema, lang=lang)]
    assert found == [code], found


def test_a_risky_pattern_does_not_stop_clients_that_never_run_patterns() -> None:
    schema = {"properties": {"a": {"pattern": "^(a|aa)+$"}}}
    assert list(schema_findings(schema, lang="kotlin", patterns=False)) == []


# -- TypeScript, through the real analytics-node ----------------------------------------------------

DRIVER = """
import { Analytics } from "@segment/analytics-node";
import { ProtocolsClient, Violation } from "./tracking/index";
import { validator } from "./tracking/validation";

function deep(levels: number): Record<string, unknown> {
  let node: Record<string, unknown> = {};
  for (let i = 0; i < levels; i++) { node = { child: node }; }
  return node;
}

async function main(): Promise<void> {
  const analytics = new Analytics({ writeKey: "k", host: process.env.HOST, path: "/v1/batch",
                                    maxRetries: 0, flushInterval: 50 });
  const seen: Violation[] = [];
  const tracking = new ProtocolsClient(analytics, { validator, onViolation: (v) => seen.push(v) });
  const timings: number[] = [];
  let started = Date.now();
  tracking.searched({ userId: "u", properties: { query: "a".repeat(LONG), code: "ABC" } });
  timings.push(Date.now() - started);
  started = Date.now();
  tracking.searched({ userId: "u", properties: { tree: deep(DEPTH) } });
  timings.push(Date.now() - started);
  const throwing = new ProtocolsClient(analytics, {
    validator: () => { throw new Error("validator broke"); },
    onViolation: (v) => seen.push(v) });
  throwing.searched({ userId: "u", properties: { code: "ABC" } });
  await analytics.closeAndFlush();
  console.log(JSON.stringify({ seen, timings }));
}

main().catch((error) => { console.error(error); process.exit(1); });
"""


def test_typescript_client_checks_in_bounded_time_and_never_throws(plan: Path) -> None:
    write_client(plan, plan.parent / "tracking", lang="typescript", sdk="analytics-node")
    driver = DRIVER.replace("LONG", str(LONG)).replace("DEPTH", "20000")
    (plan.parent / "driver.ts").write_text(driver, "utf-8")
    compiled = run_tsc(plan.parent, ["driver.ts", "tracking/index.ts", "tracking/validation.ts"],
                       out_dir="js")
    assert compiled.returncode == 0, compiled.stdout
    with segment_server() as (url, captured):
        run = run_node(plan.parent, "js/driver.js", env={"HOST": url})
        messages = captured.messages
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert all(ms < 2000 for ms in report["timings"]), report["timings"]
    found = [(v["path"], v["message"]) for v in report["seen"]]
    assert found[0] == ("properties.query", f"a value of {LONG} characters was not checked "
                        'against the pattern "[a-z]+@" (at most 4096)')
    assert [path for path, _ in found[1:]] == ["properties"] * 2, found
    assert all("could not be checked" in message for _, message in found[1:]), found
    assert "validator broke" in found[-1][1]
    # Every call reached the SDK, checked or not; the 20,000-deep tree is more than
    # analytics-node itself can serialise, so it drops that one (the SDK's own limit).
    assert len(messages) == 2 and all("tree" not in m["properties"] for m in messages)
