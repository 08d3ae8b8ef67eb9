"""Calls through the generated clients, scanned after generation, cover 100% of the plan.

For every language whose emitter is in the generate registry (protocols/generate/registry.py;
today Python, TypeScript for analytics-next and analytics-node, Kotlin and Java) and several
plans (the fixture
plan, the e-commerce plan, the plan with every type shape, Segment's typewriter plan with
colliding and odd names), the test generates the client, writes an app that calls every
method the generated file defines (found in the generated text, not in scan's own tables),
and scans both. Every planned message the client can send must be covered, by exactly the
call that names it, with nothing unplanned or unresolved (analytics-kotlin has no page call,
so a Kotlin client has no method for a planned page). The generated file's own SDK calls are recognised too
(one per planned message) but count as definitions, not sends.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from protocols.generate import GenerateOptions, generate, write_files
from protocols.generate.model import build_model
from protocols.generate.registry import EMITTERS
from protocols.interop.segment import segment_to_plan
from protocols.interop.yamlout import dump_plan
from protocols.plan import Plan, load_plan
from protocols.scan import ScanSettings, run_scan
from protocols.scan.generated import CALLED_FROM
from tests.conftest import REPO, shared_fixture

PLANS = {
    "scan-fixture": REPO / "tests" / "scan" / "plan.yaml",
    "ecommerce": REPO / "plans" / "ecommerce.yaml",
    "rich": REPO / "tests" / "golden" / "generate" / "plans" / "rich.yaml",
}
TARGETS = [("python", None), ("typescript", "analytics-next"), ("typescript", "analytics-node"),
           ("kotlin", None), ("java", None), ("go", None), ("swift", None)]
IDS = ["python", "ts-next", "ts-node", "kotlin", "java", "go", "swift"]
_PY_METHOD = re.compile(r"^    def ([a-z]\w*)\(\n((?:        .*\n)+?)    \) -> None:", re.MULTILINE)
_TS_METHOD = re.compile(r"^  ([a-zA-Z]\w*)\((.*)\): (?:void|Promise<unknown>) \{$", re.MULTILINE)
_KT_METHOD = re.compile(r"^    public fun ([a-zA-Z]\w*)\((.*)\) \{$", re.MULTILINE)
_GO_METHOD = re.compile(r"^func \(c \*Client\) ([A-Z]\w*)\(call Call(.*)\) error \{$", re.MULTILINE)
_SWIFT_METHOD = re.compile(r"^    public func ([a-z]\w*)\((.*)\) \{$", re.MULTILINE)
_JAVA_METHOD = re.compile(r"^    public void ([a-zA-Z]\w*)\((CallOptions options.*)\) \{$", re.MULTILINE)


def _plan(name: str, tmp_path: Path) -> Plan:
    if name != "typewriter":
        return load_plan(PLANS[name])
    export = json.loads(shared_fixture("segment-typewriter", "plan.json").read_text("utf-8"))
    data, _ = segment_to_plan(export, plan_id="typewriter")
    path = tmp_path / "typewriter.yaml"
    path.write_text(dump_plan(data), "utf-8")
    return load_plan(path)


def python_app(client: str) -> tuple[str, int]:
    calls = []
    for name, params in _PY_METHOD.findall(client):
        if "group_id: str" in params:
            calls.append(f'    t.{name}("g1", {{}}, user_id="u1")')
        else:
            calls.append(f'    t.{name}({{}}, user_id="u1")')
    body = "\n".join(calls)
    return ("from tracking import ProtocolsClient\n\nt = ProtocolsClient(analytics)\n\n\n"
            f"def send_all(analytics):\n{body}\n"), len(calls)


def typescript_app(client: str, sdk: str) -> tuple[str, int]:
    calls = []
    for name, params in _TS_METHOD.findall(client):
        field = "traits" if "traits" in params else "properties"
        if sdk == "analytics-node":
            group = 'groupId: "g1", ' if "groupId" in params else ""
            calls.append(f'  t.{name}({{ userId: "u1", {group}{field}: {{}} }});')
        elif "groupId" in params:
            calls.append(f'  t.{name}("g1", {{}});')
        else:
            calls.append(f"  t.{name}({{}});")
    body = "\n".join(calls)
    return ('import { ProtocolsClient } from "./tracking";\n\n'
            "const t = new ProtocolsClient(analytics);\n\n"
            f"export function sendAll(): void {{\n{body}\n}}\n"), len(calls)


def kotlin_app(client: str) -> tuple[str, int]:
    calls = []
    for name, params in _KT_METHOD.findall(client):
        leading = '"u1", ' if params.startswith(("userId", "groupId")) else ""
        calls.append(f"    t.{name}({leading}payload)")
    body = "\n".join(calls)
    return ("package app\n\nimport tracking.ProtocolsClient\n\n"
            f"fun sendAll(analytics: Analytics, payload: Any) {{\n"
            f"    val t = ProtocolsClient(analytics)\n{body}\n}}\n"), len(calls)


def java_app(client: str) -> tuple[str, int]:
    calls = []
    for name, params in _JAVA_METHOD.findall(client):
        leading = '"g1", ' if "String groupId" in params else ""
        calls.append(f"    t.{name}(options, {leading}payload);")
    body = "\n".join(calls)
    return ("package app;\n\nimport tracking.ProtocolsClient;\n\nclass App {\n"
            "  void sendAll(Analytics analytics, CallOptions options, Object payload) {\n"
            f"    ProtocolsClient t = new ProtocolsClient(analytics);\n{body}\n  }}\n}}\n"), \
        len(calls)


def go_app(client: str) -> tuple[str, int]:
    calls = []
    for name, params in _GO_METHOD.findall(client):
        leading = '"g1", ' if "groupId string" in params else ""
        calls.append(f"\t_ = t.{name}(call, {leading}payload)")
    body = "\n".join(calls)
    return ('package app\n\nimport (\n\tsegment "github.com/segmentio/analytics-go/v3"\n'
            '\t"example.com/app/tracking"\n)\n\n'
            "func SendAll(sdk segment.Client, call tracking.Call, payload any) {\n"
            f"\tt := tracking.New(sdk)\n{body}\n}}\n"), len(calls)


def swift_app(client: str) -> tuple[str, int]:
    calls = []
    methods = client[client.index("public struct ProtocolsClient"):]
    for name, params in _SWIFT_METHOD.findall(methods):
        if params.startswith("groupId"):
            calls.append(f'    t.{name}(groupId: "g1", traits: payload)')
        elif params.startswith("userId"):
            calls.append(f'    t.{name}(userId: "u1", traits: payload)')
        else:
            calls.append(f"    t.{name}(payload)")
    body = "\n".join(calls)
    return ("import Segment\n\nfunc sendAll(analytics: Analytics, payload: Any) {\n"
            f"    let t = ProtocolsClient(analytics)\n{body}\n}}\n"), len(calls)


def test_every_language_with_an_emitter_is_tested() -> None:
    assert set(EMITTERS) == {lang for lang, _ in TARGETS}
    assert set(EMITTERS) <= set(CALLED_FROM)


@pytest.mark.parametrize("plan_name", [*PLANS, "typewriter"])
@pytest.mark.parametrize(("lang", "sdk"), TARGETS, ids=IDS)
def test_generated_client_calls_cover_the_whole_plan(plan_name: str, lang: str, sdk: str | None,
                                                     tmp_path: Path) -> None:
    plan = _plan(plan_name, tmp_path)
    options = GenerateOptions(lang=lang, sdk=sdk)  # type: ignore[arg-type]
    files = generate(plan, options)
    app = tmp_path / "app"
    write_files(files, app / "tracking")
    if lang == "python":
        text, count = python_app(files["__init__.py"])
        (app / "main.py").write_text(text, "utf-8")
    elif lang == "typescript":
        text, count = typescript_app(files["index.ts"], sdk or "")
        (app / "main.ts").write_text(text, "utf-8")
    elif lang == "kotlin":
        text, count = kotlin_app(next(t for f, t in files.items() if f.endswith(".kt")))
        (app / "Main.kt").write_text(text, "utf-8")
    elif lang == "java":
        text, count = java_app(next(t for f, t in files.items()
                                    if f.endswith("ProtocolsClient.java")))
        (app / "App.java").write_text(text, "utf-8")
    elif lang == "go":
        text, count = go_app(next(t for f, t in files.items() if f.endswith(".go")))
        (app / "app.go").write_text(text, "utf-8")
    else:
        text, count = swift_app(next(t for f, t in files.items() if f.endswith(".swift")))
        (app / "App.swift").write_text(text, "utf-8")
    sendable = EMITTERS[lang].method_names(build_model(plan))
    labels = {spec.label for spec in plan.messages() if (spec.kind, spec.name) in sendable}
    assert count == len(sendable) == len(labels)  # one generated method per planned message

    result = run_scan(plan, [str(app)], ScanSettings())

    sent = {e["event"] for e in result.extra["coverage"] if e["sent"]}
    assert sent == labels
    if len(labels) == len(list(plan.messages())):
        assert result.summary["coverage"] == 100.0
    assert all(len(e["sent_at"]) == 1 for e in result.extra["coverage"] if e["sent"])
    assert result.extra["unplanned_events"] == []
    assert result.summary["by_form"] == {"generated": len(labels)}
    assert not [d for d in result.diagnostics if d.code in ("PS101", "PS102", "PS103")]
    assert result.summary["generated_files"] == len([f for f in files if not f.endswith(".json")])


@pytest.mark.parametrize(("lang", "sdk"), TARGETS, ids=IDS)
def test_the_generated_client_alone_sends_nothing_but_its_calls_are_recognised(
        lang: str, sdk: str | None, tmp_path: Path) -> None:
    plan = load_plan(PLANS["ecommerce"])
    files = generate(plan, GenerateOptions(lang=lang, sdk=sdk))  # type: ignore[arg-type]
    write_files(files, tmp_path / "tracking")
    result = run_scan(plan, [str(tmp_path)], ScanSettings())
    assert result.summary["sent"] == 0 and result.summary["calls"] == 0
    assert result.summary["generated_files"] == len([f for f in files if not f.endswith(".json")])
    sendable = EMITTERS[lang].method_names(build_model(plan))
    # One SDK call per method (the Swift identify has two: with and without a user id).
    assert len(sendable) <= result.summary["generated_calls"] <= len(sendable) + 1
