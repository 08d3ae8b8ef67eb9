"""The Kotlin target through the real tool chain: kotlinc -Werror against analytics-kotlin, a
JVM program sending every planned call through the real SDK to a 127.0.0.1 collector, and the
mistakes kotlinc must reject. (Every shared vector compiles: tests/test_generate_vectors.py.)
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from protocols.generate import GenerateOptions, generate, write_files
from protocols.generate.jvm import JType, JvmModel, build_jvm_model, kotlin_str
from protocols.generate.kotlin import METHOD_NAMES, POLICIES, sendable
from protocols.generate.model import build_model
from protocols.generate.names import call_methods
from protocols.plan import Plan, load_plan
from tests.conftest import require
from tests.generate_docs import wrapped
from tests.generate_examples import call_examples
from tests.generate_tools import (
    jvm_classpath,
    jvm_missing,
    run_kotlinc,
    segment_server,
)
from tests.test_generate_e2e import assert_all_fit, write_e2e_plan


def kt_value(value: Any, jtype: JType, jvm: JvmModel) -> str:
    """A Kotlin expression of ``jtype`` for the JSON ``value``."""
    if value is None:
        return "null"
    if jtype.kind == "string":
        return kotlin_str(value)
    if jtype.kind == "long":
        return f"{int(value)}L"
    if jtype.kind == "double":
        return repr(float(value))
    if jtype.kind == "boolean":
        return "true" if value else "false"
    if jtype.kind == "enum":
        enum = next(e for e in jvm.enums.values() if e.name == jtype.name)
        return f"{enum.name}.{enum.constants[enum.values.index(value)]}"
    if jtype.kind == "object":
        cls = next(c for c in jvm.classes.values() if c.name == jtype.name)
        args = [f"{f.ident} = {kt_value(value[f.wire_name], f.type, jvm)}"
                for f in cls.fields if f.wire_name in value]
        return f"{cls.name}({', '.join(args)})"
    if jtype.kind == "list":
        assert jtype.item is not None
        return "listOf(" + ", ".join(kt_value(v, jtype.item, jvm) for v in value) + ")"
    if jtype.kind == "map":
        assert jtype.item is not None
        return "mapOf(" + ", ".join(f"{kotlin_str(k)} to {kt_value(v, jtype.item, jvm)}"
                                    for k, v in value.items()) + ")"
    return _any(value)


def _any(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):
        return kotlin_str(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "listOf<Any?>(" + ", ".join(_any(v) for v in value) + ")"
    return "mapOf<String, Any?>(" + ", ".join(f"{kotlin_str(k)} to {_any(v)}"
                                              for k, v in value.items()) + ")"


def calls_source(plan: Plan) -> tuple[list[str], int]:
    """Kotlin statements calling every method of the generated client with valid payloads
    (minimal and full), and how many messages they send."""
    model = build_model(plan)
    jvm = build_jvm_model(model, POLICIES)
    methods = call_methods(model, METHOD_NAMES, calls=[c for c in model.calls if sendable(c)])
    lines: list[str] = []
    for kind, name, _full, payload in call_examples(plan):
        if (kind, name) not in methods:
            continue
        call = next(c for c in model.calls if (c.kind, c.wire_name) == (kind, name))
        value = kt_value(payload, jvm.payloads[call.sort_key], jvm)
        args = {"identify": ['"u1"', value], "group": ['"g1"', value],
                "screen": [value, '"Shop"']}.get(kind, [value])
        lines.append(f"    tracking.{methods[(kind, name)]}({', '.join(args)})")
    return lines, len(lines)


DRIVER = """
import com.segment.analytics.kotlin.core.Analytics
import com.segment.analytics.kotlin.core.RequestFactory
import com.segment.analytics.kotlin.core.Settings
import com.segment.analytics.kotlin.core.Storage
import com.segment.analytics.kotlin.core.StorageProvider
import com.segment.analytics.kotlin.core.utilities.FileEventStream
import com.segment.analytics.kotlin.core.utilities.PropertiesFile
import com.segment.analytics.kotlin.core.utilities.StorageImpl
import java.io.File
import java.io.IOException
import java.net.HttpURLConnection
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import shop.tracking.*

fun main() {
    val collector = System.getenv("COLLECTOR")
    val segment = JsonObject(mapOf("apiKey" to JsonPrimitive("k"), "apiHost" to JsonPrimitive(collector)))
    val analytics = Analytics(System.getenv("WRITE_KEY")) {
        application = "protocols-e2e"
        apiHost = collector
        flushAt = 1000
        flushInterval = 1
        defaultSettings = Settings(integrations = JsonObject(mapOf("Segment.io" to segment)))
        // The SDK's own file storage, as its default provider builds it, but in this test's
        // folder: the default is /tmp/analytics-kotlin/<write key>, outside the test's tree.
        storageProvider = object : StorageProvider {
            override fun createStorage(vararg params: Any): Storage {
                val sdk = params[0] as Analytics
                val folder = File(System.getenv("STORAGE"))
                val writeKey = sdk.configuration.writeKey
                return StorageImpl(PropertiesFile(File(folder, "analytics-kotlin-$writeKey.properties")),
                    FileEventStream(File(folder, "events")), sdk.store, writeKey,
                    "segment.events.file.index.$writeKey", sdk.fileIODispatcher)
            }
        }
        requestFactory = object : RequestFactory() {
            // This test has no CDN: the SDK falls back to defaultSettings.
            override fun settings(cdnHost: String, writeKey: String): HttpURLConnection =
                throw IOException("no settings in this test")
            // The SDK speaks https to its API host; the local collector speaks http.
            override fun openConnection(url: String): HttpURLConnection =
                super.openConnection(url.replaceFirst("https://", "http://"))
        }
    }
    val tracking = ProtocolsClient(analytics)
CALLS
    // Stay alive, flushing, until the test has every message and stops this process.
    repeat(240) {
        analytics.flush()
        Thread.sleep(250)
    }
}
"""


@pytest.fixture(scope="module")
def kotlin_e2e(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Plan, int, float]:
    require(jvm_missing("kotlin") is None, f"kotlin: {jvm_missing('kotlin')}")
    folder = tmp_path_factory.mktemp("kotlin_e2e")
    plan = load_plan(write_e2e_plan(folder))
    write_files(generate(plan, GenerateOptions(lang="kotlin", package="shop.tracking")),
                folder / "tracking")
    lines, count = calls_source(plan)
    (folder / "Main.kt").write_text(DRIVER.replace("CALLS", "\n".join(lines)), "utf-8")
    started = time.monotonic()
    result = run_kotlinc(folder, ["Main.kt", "tracking/Tracking.kt"])
    assert result.returncode == 0, result.stdout + result.stderr
    return folder, plan, count, time.monotonic() - started


def test_every_planned_call_goes_through_analytics_kotlin_and_fits_the_plan(
        kotlin_e2e: tuple[Path, Plan, int, float]) -> None:
    folder, plan, expected, _ = kotlin_e2e
    # Pages: analytics-kotlin has no page call, so the client has no page methods.
    kinds = {spec.kind for spec in plan.messages()}
    assert "page" in kinds
    assert expected == 2 * sum(1 for spec in plan.messages() if spec.kind != "page")
    write_key = f"e2e-{uuid.uuid4().hex}"
    storage = folder / "sdk-storage"
    with segment_server() as (url, captured):
        collector = url.removeprefix("http://")
        process = subprocess.Popen(
            ["java", "-XX:TieredStopAtLevel=1", "-cp",
             f"classes:{jvm_classpath('kotlin')}", "MainKt"], cwd=folder,
            env={"COLLECTOR": collector, "WRITE_KEY": write_key, "STORAGE": str(storage),
                 "PATH": "/usr/bin:/bin", "HOME": str(folder)},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            deadline = time.monotonic() + 60
            while len(captured.messages) < expected and time.monotonic() < deadline:
                if process.poll() is not None:
                    break
                time.sleep(0.2)
        finally:
            process.kill()
            _out, err = process.communicate(timeout=30)
        messages = captured.messages
    assert len(messages) == expected, err[-3000:]
    # The SDK kept its files (settings, user, event batches) in the test's folder, not /tmp.
    assert (storage / f"analytics-kotlin-{write_key}.properties").is_file()
    assert (storage / "events").is_dir()
    assert not (Path("/tmp/analytics-kotlin") / write_key).exists()
    track = [m for m in messages if m["type"] == "track"]
    assert {m["event"] for m in track} == {s.name for s in plan.messages() if s.kind == "track"}
    assert_all_fit(plan, messages, expected)
    screens = [m for m in messages if m["type"] == "screen"]
    assert {(m["name"], m.get("category")) for m in screens} == {("Checkout", "Shop")}
    groups = [m for m in messages if m["type"] == "group"]
    assert {m["groupId"] for m in groups} == {"g1"} and {m["traits"]["plan"] for m in groups} == {"pro"}
    # An optional property left at its default (null) is not sent; a set one is.
    assert sorted("seats" in m["traits"] for m in groups) == [False, True]


BAD = {
    "missing_required": (
        'val missing = OrderCompleted(orderId = "o1", currency = "EUR", total = 1.0)',
        "No value passed for parameter 'products'"),
    "wrong_type": (
        'val wrong = ProductAdded(cartId = "c", productId = "p", quantity = "2")',
        "Argument type mismatch: actual type is 'String', but 'Double?' was expected"),
    "misspelt_enum": (
        'val misspelt = GroupTraitsPlan.ENTERPRISE',
        "Unresolved reference 'ENTERPRISE'"),
    "misspelt_event": (
        "fun f(t: ProtocolsClient) = t.orderComplete(OrderCompleted(\"o\", \"EUR\", 1.0, emptyList()))",
        "Unresolved reference 'orderComplete'"),
}


def test_kotlinc_rejects_each_mistake(tmp_path: Path) -> None:
    require(jvm_missing("kotlin") is None, f"kotlin: {jvm_missing('kotlin')}")
    # The e-commerce plan with a group whose `plan` trait is an enum (free, pro).
    plan = load_plan(write_e2e_plan(tmp_path))
    write_files(generate(plan, GenerateOptions(lang="kotlin", package="shop")), tmp_path / "tracking")
    good = ('package shop\n\nfun ok(t: ProtocolsClient) {\n'
            '    t.orderCompleted(OrderCompleted("o1", "EUR", 19.0, '
            'listOf(Product(productId = "p1", quantity = 2.0))))\n'
            '    t.group("g1", GroupTraits(plan = GroupTraitsPlan.PRO, seats = 3L))\n'
            '    t.productAdded(ProductAdded(cartId = "c", productId = "p"))\n'
            '    t.identify("u1", IdentifyTraits(email = "ada@example.com"))\n}\n')
    (tmp_path / "Good.kt").write_text(good, "utf-8")
    # docs/generate.md's Kotlin example, written for this plan, compiles in the same run.
    (tmp_path / "DocsExample.kt").write_text(wrapped("kotlin", "shop"), "utf-8")
    for name, (line, _) in BAD.items():
        (tmp_path / f"{name}.kt").write_text(f"package shop\n\n{line}\n", "utf-8")
    result = run_kotlinc(tmp_path, ["tracking/Tracking.kt", "Good.kt", "DocsExample.kt",
                                    *(f"{n}.kt" for n in BAD)])
    output = result.stdout + result.stderr
    assert result.returncode != 0
    errors = [line for line in output.splitlines() if "error:" in line]
    for name, (_, message) in BAD.items():  # one error each, on the mistake, for its reason
        mine = [e for e in errors if f"{name}.kt:" in e]
        assert len(mine) == 1 and f"{name}.kt:3:" in mine[0], (name, output[-3000:])
        assert message.lower() in mine[0].lower(), (name, mine[0])
    # Only the mistakes fail: the generated code, the valid calls and the docs' example compile.
    # (-Werror: a warning there would fail a user's build too.)
    flagged = [line for line in output.splitlines() if "error:" in line or "warning:" in line]
    assert not [e for e in flagged if any(f in e for f in ("Tracking.kt", "Good.kt", "DocsExample.kt"))], \
        output[-3000:]
