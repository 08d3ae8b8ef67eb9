"""End to end: generated clients drive the REAL Segment SDKs against a local collector.

Every generated function is called with valid data; every captured message must fit the plan
with zero violations (checked by ``message_violations``, the one oracle). With runtime
validation on, an invalid call reaches the violation handler.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from protocols.plan import Plan, load_plan
from tests.conftest import require
from tests.generate_tools import (
    go_available,
    go_module,
    message_violations,
    run_go,
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


GO_DRIVER = """package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	segment "github.com/segmentio/analytics-go/v3"
	"protocolstest/tracking"
)

type stub struct{ sent []segment.Message }

func (s *stub) Enqueue(m segment.Message) error { s.sent = append(s.sent, m); return nil }
func (s *stub) Close() error                    { return nil }

func must(err error) {
	if err != nil {
		panic(err)
	}
}

func main() {
	sdk, err := segment.NewWithConfig("test-key", segment.Config{Endpoint: os.Getenv("HOST"), Interval: 50 * time.Millisecond})
	must(err)
	var failures []tracking.Violation
	t := tracking.New(sdk, tracking.OnViolation(func(v tracking.Violation) error {
		failures = append(failures, v)
		return nil
	}))
	product := tracking.NewProduct("p1")
	product.Sku, product.Price, product.Quantity = tracking.Ptr("S-1"), tracking.Ptr(9.5), tracking.Ptr(2.0)
	order := tracking.NewOrderCompletedProperties("o1", "EUR", 19, []tracking.Product{product})
	must(t.OrderCompleted(tracking.Call{UserId: "u1", MessageId: "m-1"}, order))
	added := tracking.NewProductAddedProperties("c1", "p1")
	added.Quantity = tracking.Ptr(1.0)
	must(t.ProductAdded(tracking.Call{AnonymousId: "a1"}, added))
	traits := tracking.NewIdentifyTraits("ada@example.com")
	traits.Name = tracking.Ptr("Ada")
	must(t.Identify(tracking.Call{UserId: "u1"}, traits))
	group := tracking.NewGroupTraits(tracking.GroupTraitsPlanPro)
	group.Seats = tracking.Ptr(int64(5))
	must(t.Group(tracking.Call{UserId: "u1"}, "g1", group))
	page := tracking.NewPageHomeProperties()
	page.Referrer = tracking.Ptr("https://example.com")
	must(t.PageHome(tracking.Call{UserId: "u1"}, page))
	must(t.ScreenCheckout(tracking.Call{AnonymousId: "a1"}, tracking.NewScreenCheckoutProperties(2)))
	must(sdk.Close())

	// The runtime check: a value the types allow but the plan does not reaches the handler;
	// a handler that returns an error stops the call.
	var seen []tracking.Violation
	recorder := &stub{}
	strict := tracking.New(recorder, tracking.OnViolation(func(v tracking.Violation) error {
		seen = append(seen, v)
		return errors.New("refused")
	}))
	bad := tracking.NewGroupTraits("premium")
	bad.Seats = tracking.Ptr(int64(1))
	refused := strict.Group(tracking.Call{UserId: "u1"}, "g1", bad)
	var all []tracking.Violation
	lenient := tracking.New(recorder, tracking.OnViolation(func(v tracking.Violation) error {
		all = append(all, v)
		return nil
	}))
	must(lenient.Group(tracking.Call{UserId: "u1"}, "g1", bad))
	must(lenient.OrderCompleted(tracking.Call{UserId: "u1"}, tracking.NewOrderCompletedProperties("o1", "EUR", 1, nil)))
	// The caller's context is kept, and so are its own context.protocols keys.
	caller := &segment.Context{Locale: "fr-FR", Extra: map[string]interface{}{"protocols": map[string]interface{}{"team": "shop"}}}
	must(tracking.New(recorder).ScreenCheckout(tracking.Call{UserId: "u1", Context: caller}, tracking.NewScreenCheckoutProperties(1)))
	report, _ := json.Marshal(map[string]any{"failures": failures, "seen": seen, "sent": recorder.sent,
		"refused": fmt.Sprint(refused), "callerExtra": caller.Extra, "all": all})
	fmt.Println(string(report))
}
"""


def test_go_client_through_segment_analytics_go(tmp_path: Path, e2e_plan: Path) -> None:
    require(go_available(), "go and analytics-go are not installed: run bash tests/setup.d/50-go.sh")
    go_module(tmp_path)
    write_client(e2e_plan, tmp_path / "tracking", lang="go")
    (tmp_path / "main.go").write_text(GO_DRIVER, "utf-8")
    built = run_go(tmp_path, "build", "-o", "driver", ".")
    assert built.returncode == 0, built.stderr
    plan = load_plan(e2e_plan)
    with segment_server() as (url, captured):
        run = subprocess.run([str(tmp_path / "driver")], env={**os.environ, "HOST": url},
                             capture_output=True, text=True, timeout=60, check=False)
        messages = captured.messages
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["failures"] is None
    assert_all_fit(plan, messages, 6)
    assert [m["type"] for m in messages] == ["track", "track", "identify", "group", "page", "screen"]
    order = messages[0]
    assert order["event"] == "Order Completed" and order["messageId"] == "m-1"
    assert order["properties"] == ORDER
    assert messages[4]["name"] == "Home"
    assert [v["Path"] for v in report["seen"]] == ["traits.plan"]
    assert report["refused"] == "refused"
    assert [(v["Kind"], v["Path"], v["Message"]) for v in report["all"]] == [
        ("group", "traits.plan", '"premium" is not one of the planned values'),
        ("track", "properties.products", "is required: nil would send null")]
    group, order, screen = report["sent"]  # the refused call was not sent; the lenient ones were
    assert group["traits"] == {"plan": "premium", "seats": 1}
    assert order["properties"]["products"] is None
    assert screen["context"]["locale"] == "fr-FR"
    assert screen["context"]["protocols"] == {"team": "shop", "plan": "ecommerce", "version": "2.0.0"}
    assert report["callerExtra"] == {"protocols": {"team": "shop"}}  # the caller's map is untouched


GO_EVERY_CALL = """package main

import (
	"encoding/json"
	"os"
	"reflect"
	"time"

	segment "github.com/segmentio/analytics-go/v3"
	"protocolstest/tracking"
)

// Each call names a method of the generated client and a payload, as JSON: the payload is
// decoded into the method's own payload type, so the wire names come from its json tags.
type call struct {
	Method  string
	GroupId string
	Payload json.RawMessage
}

func main() {
	var calls []call
	if err := json.Unmarshal([]byte(os.Getenv("CALLS")), &calls); err != nil {
		panic(err)
	}
	sdk, err := segment.NewWithConfig("test-key", segment.Config{Endpoint: os.Getenv("HOST"), Interval: 50 * time.Millisecond, BatchSize: 1000})
	if err != nil {
		panic(err)
	}
	client := reflect.ValueOf(tracking.New(sdk, tracking.OnViolation(func(v tracking.Violation) error { return v })))
	for _, c := range calls {
		method := client.MethodByName(c.Method)
		args := []reflect.Value{reflect.ValueOf(tracking.Call{UserId: "u1"})}
		if c.GroupId != "" {
			args = append(args, reflect.ValueOf(c.GroupId))
		}
		payload := reflect.New(method.Type().In(len(args)))
		if err := json.Unmarshal(c.Payload, payload.Interface()); err != nil {
			panic(err)
		}
		if out := method.Call(append(args, payload.Elem())); !out[0].IsNil() {
			panic(out[0].Interface())
		}
	}
	if err := sdk.Close(); err != nil {
		panic(err)
	}
}
"""


def test_go_client_sends_every_planned_call_minimal_and_full(tmp_path: Path, e2e_plan: Path) -> None:
    """Every call of the plan, with only the required properties and with all of them, goes
    through the generated Go types and the real analytics-go; what arrives is exactly the
    example payload (nothing added, dropped or renamed) and fits the plan."""
    require(go_available(), "go and analytics-go are not installed: run bash tests/setup.d/50-go.sh")
    from protocols.generate import method_names
    from tests.generate_examples import call_examples, check_examples

    plan = load_plan(e2e_plan)
    check_examples(plan)
    methods = method_names(plan, "go")
    examples = call_examples(plan)
    calls = [{"Method": methods[(kind, name)], "GroupId": "g1" if kind == "group" else "",
              "Payload": payload} for kind, name, _full, payload in examples]
    go_module(tmp_path)
    write_client(plan, tmp_path / "tracking", lang="go")
    (tmp_path / "main.go").write_text(GO_EVERY_CALL, "utf-8")
    built = run_go(tmp_path, "build", "-o", "driver", ".")
    assert built.returncode == 0, built.stderr
    with segment_server() as (url, captured):
        run = subprocess.run([str(tmp_path / "driver")], capture_output=True, text=True,
                             env={**os.environ, "HOST": url, "CALLS": json.dumps(calls)},
                             timeout=120, check=False)
        messages = captured.messages
    assert run.returncode == 0, run.stderr
    assert_all_fit(plan, messages, len(examples))
    sent = [(m["type"], m.get("event", m.get("name")), m.get("properties", m.get("traits", {})))
            for m in messages]
    assert sent == [(kind, name, payload) for kind, name, _full, payload in examples]
    assert {m["groupId"] for m in messages if m["type"] == "group"} == {"g1"}
