"""End to end: generated clients drive the REAL Segment SDKs against a local collector.

Every generated function is called with valid data; every captured message must fit the plan
with zero violations (checked by ``message_violations``, the one oracle). With runtime
validation on, an invalid call reaches the violation handler.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from protocols.plan import Plan, load_plan
from tests.generate_tools import (
    message_violations,
    run_node,
    run_tsc,
    segment_server,
    validate_log,
    write_client,
)
from tests.test_generate_python import ECOMMERCE, import_file


@pytest.fixture(scope="module")
def e2e_plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_e2e_plan(tmp_path_factory.mktemp("e2e_plan"))


def write_e2e_plan(folder: Path) -> Path:
    """The shipped e-commerce plan plus a group, a page and a screen, so every kind is covered."""
    data = yaml.safe_load(ECOMMERCE.read_text("utf-8"))
    data["group"] = {"description": "The account.", "owner": "@data-team", "traits": {
        "plan": {"type": "string", "enum": ["free", "pro"], "required": True},
        "seats": {"type": ["integer", "null"]}}}
    data["pages"] = {"Home": {"description": "The home page.", "owner": "@web-team",
                              "properties": {"referrer": {"type": "string"}}}}
    data["screens"] = {"Checkout": {"description": "Checkout screen.", "owner": "@app-team",
                                    "properties": {"step": {"type": "integer", "minimum": 1,
                                                            "required": True}}}}
    path = folder / "shop.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), "utf-8")
    return path


ORDER = {"order_id": "o1", "currency": "EUR", "total": 19.0,
         "products": [{"product_id": "p1", "sku": "S-1", "price": 9.5, "quantity": 2}]}


def assert_all_fit(plan: Plan, messages: list[dict[str, Any]], expected: int) -> None:
    assert len(messages) == expected, messages
    for message in messages:
        assert message_violations(plan, message) == [], message
        assert message["context"]["protocols"] == {"plan": "ecommerce", "version": "2.0.0"}
    # And the command teams run in CI agrees: zero findings, even at warning level.
    result = validate_log(Path(plan.file), messages, Path(plan.file).with_suffix(".ndjson"))
    report = json.loads(result.stdout)
    assert result.exit_code == 0, result.stdout
    assert report["diagnostics"] == []
    assert report["summary"]["messages"] == report["summary"]["valid"] == expected


def test_python_client_through_segment_analytics_python(tmp_path: Path, e2e_plan: Path) -> None:
    analytics = pytest.importorskip("segment.analytics")
    write_client(e2e_plan, tmp_path / "shop_tracking", lang="python")
    module = import_file(tmp_path / "shop_tracking" / "__init__.py", "shop_tracking_e2e")
    plan = load_plan(e2e_plan)

    def fail(violation: Any) -> None:
        raise AssertionError(f"valid data reported as a violation: {violation}")

    with segment_server() as (url, captured):
        sdk = analytics.Client(write_key="test-key", host=url, sync_mode=True, max_retries=0)
        tracking = module.ProtocolsClient(sdk, on_violation=fail)
        tracking.order_completed(ORDER, user_id="u1", message_id="m-1")
        tracking.product_added({"cart_id": "c1", "product_id": "p1", "quantity": 1},
                               anonymous_id="a1")
        tracking.identify({"email": "ada@example.com", "name": "Ada"}, user_id="u1")
        tracking.group("g1", {"plan": "pro", "seats": None}, user_id="u1")
        tracking.page_home({"referrer": "https://example.com"}, user_id="u1", category="Shop")
        tracking.screen_checkout({"step": 2}, anonymous_id="a1")
        sdk.flush()
        messages = captured.messages
    assert_all_fit(plan, messages, 6)
    assert [m["type"] for m in messages] == ["track", "track", "identify", "group", "page", "screen"]
    assert messages[0]["event"] == "Order Completed" and messages[0]["messageId"] == "m-1"
    assert messages[4]["name"] == "Home" and messages[4]["category"] == "Shop"

    seen: list[Any] = []
    with segment_server() as (url, captured):
        sdk = analytics.Client(write_key="test-key", host=url, sync_mode=True, max_retries=0)
        invalid = module.ProtocolsClient(sdk, on_violation=seen.append)
        invalid.screen_checkout({"step": 0}, user_id="u1")  # below the minimum
    assert [(v.path, v.name) for v in seen] == [("properties.step", "Checkout")]
    # The default policy sends the call anyway; the plan check then sees the same problem.
    assert message_violations(plan, captured.messages[0]) != []


NODE_DRIVER = """
import { Analytics } from "@segment/analytics-node";
import { ProtocolsClient, Violation } from "./tracking/index";
import { validator } from "./tracking/validation";

async function main(): Promise<void> {
  const analytics = new Analytics({ writeKey: "test-key", host: process.env.HOST, path: "/v1/batch",
                                    maxRetries: 0, flushInterval: 50 });
  const failures: Violation[] = [];
  const tracking = new ProtocolsClient(analytics, { validator, onViolation: (v) => failures.push(v) });
  tracking.orderCompleted({ userId: "u1", messageId: "m-1", properties: ORDER });
  tracking.productAdded({ anonymousId: "a1", properties: { cart_id: "c1", product_id: "p1", quantity: 1 } });
  tracking.identify({ userId: "u1", traits: { email: "ada@example.com", name: "Ada" } });
  tracking.group({ userId: "u1", groupId: "g1", traits: { plan: "pro", seats: null } });
  tracking.pageHome({ userId: "u1", category: "Shop", properties: { referrer: "https://example.com" } });
  tracking.screenCheckout({ anonymousId: "a1", properties: { step: 2 } });
  await analytics.closeAndFlush();

  // Runtime validation in development: an invalid call reaches onViolation.
  const seen: Violation[] = [];
  const sent: unknown[] = [];
  const stub = { screen: (message: unknown) => { sent.push(message); } } as unknown as Analytics;
  new ProtocolsClient(stub, { validator, onViolation: (v) => seen.push(v) })
    .screenCheckout({ userId: "u1", properties: { step: 0 } });
  console.log(JSON.stringify({ failures, seen, sent: sent.length }));
}

main().catch((error) => { console.error(error); process.exit(1); });
"""


def test_typescript_client_through_segment_analytics_node(tmp_path: Path, e2e_plan: Path) -> None:
    write_client(e2e_plan, tmp_path / "tracking", lang="typescript", sdk="analytics-node")
    driver = NODE_DRIVER.replace("ORDER", json.dumps(ORDER))
    (tmp_path / "driver.ts").write_text(driver, "utf-8")
    compiled = run_tsc(tmp_path, ["driver.ts", "tracking/index.ts", "tracking/validation.ts"],
                       out_dir="js")
    assert compiled.returncode == 0, compiled.stdout
    plan = load_plan(e2e_plan)
    with segment_server() as (url, captured):
        run = run_node(tmp_path, "js/driver.js", env={"HOST": url})
        messages = captured.messages
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["failures"] == []
    assert_all_fit(plan, messages, 6)
    assert sorted(m["type"] for m in messages) == sorted(
        ["track", "track", "identify", "group", "page", "screen"])
    order = next(m for m in messages if m.get("event") == "Order Completed")
    assert order["messageId"] == "m-1" and order["properties"] == ORDER
    assert report["seen"] == [{"kind": "screen", "name": "Checkout", "path": "properties.step",
                               "message": "must be >= 1"}]
    assert report["sent"] == 1
