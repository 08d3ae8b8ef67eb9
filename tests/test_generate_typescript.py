"""The TypeScript target: tsc --strict for both SDKs, @ts-expect-error type tests, hostile plans."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from protocols.generate import GenerateOptions, generate
from protocols.plan import load_plan
from tests.generate_tools import run_node, run_tsc, write_client
from tests.test_generate_python import (
    ECOMMERCE,
    HOSTILE_EVENTS,
    HOSTILE_PROPERTIES,
    hostile_plan,
)

SDKS = ("analytics-node", "analytics-next")

VALID_ORDER = ('{ order_id: "o1", currency: "EUR", total: 19, '
               'products: [{ product_id: "p1", price: 9.5, quantity: 2 }] }')

# Valid calls, then one mistake per @ts-expect-error line: tsc fails if a line compiles.
USAGE = {
    "analytics-node": f"""
import {{ Analytics }} from "@segment/analytics-node";
import {{ ProtocolsClient, Product }} from "./tracking/index";
import {{ validator }} from "./tracking/validation";

const tracking = new ProtocolsClient(new Analytics({{ writeKey: "k" }}), {{ validator }});
const product: Product = {{ product_id: "p1" }};
tracking.orderCompleted({{ userId: "u1", properties: {VALID_ORDER} }});
tracking.orderCompleted({{ anonymousId: "a1", properties: {VALID_ORDER}, context: {{ ip: "1.2.3.4" }},
  timestamp: new Date(), integrations: {{ All: true }}, messageId: "m1" }});
tracking.productAdded({{ userId: "u1", properties: {{ cart_id: "c1", product_id: product.product_id }} }});
tracking.identify({{ userId: "u1", traits: {{ email: "ada@example.com" }} }});

// @ts-expect-error: a required property (products) is missing
tracking.orderCompleted({{ userId: "u1", properties: {{ order_id: "o1", currency: "EUR", total: 1 }} }});
// @ts-expect-error: a number is neither of the query's types (string or object)
tracking.productsSearched({{ userId: "u1", properties: {{ query: 5 }} }});
// @ts-expect-error: misspelt property
tracking.productAdded({{ userId: "u1", properties: {{ cart_id: "c", product_id: "p", quantitty: 1 }} }});
// @ts-expect-error: wrong type
tracking.productAdded({{ userId: "u1", properties: {{ cart_id: "c", product_id: "p", quantity: "2" }} }});
// @ts-expect-error: neither userId nor anonymousId
tracking.identify({{ traits: {{ email: "ada@example.com" }} }});
// @ts-expect-error: misspelt event
tracking.orderComplete({{ userId: "u1", properties: {VALID_ORDER} }});
""",
    "analytics-next": f"""
import {{ Analytics, AnalyticsBrowser }} from "@segment/analytics-next";
import {{ ProtocolsClient }} from "./tracking/index";

const tracking = new ProtocolsClient(AnalyticsBrowser.load({{ writeKey: "k" }}));
const direct = new ProtocolsClient(new Analytics({{ writeKey: "k" }}));  // the class works too
void direct.identify({{ email: "ada@example.com" }});
void tracking.orderCompleted({VALID_ORDER});
void tracking.orderCompleted({VALID_ORDER}, {{ userId: "u1", context: {{ ip: "1.2.3.4" }} }});
void tracking.productAdded({{ cart_id: "c1", product_id: "p1" }});
void tracking.identify({{ email: "ada@example.com" }}, {{ userId: "u1" }});

// @ts-expect-error: a required property (products) is missing
void tracking.orderCompleted({{ order_id: "o1", currency: "EUR", total: 1 }});
// @ts-expect-error: a number is neither of the query's types (string or object)
void tracking.productsSearched({{ query: 5 }});
// @ts-expect-error: misspelt property
void tracking.productAdded({{ cart_id: "c", product_id: "p", quantitty: 1 }});
// @ts-expect-error: wrong type
void tracking.productAdded({{ cart_id: "c", product_id: "p", quantity: "2" }});
// @ts-expect-error: misspelt event
void tracking.orderComplete({VALID_ORDER});
""",
}


@pytest.mark.parametrize("sdk", SDKS)
def test_generated_typescript_and_type_tests_pass_tsc_strict(tmp_path: Path, sdk: str) -> None:
    write_client(ECOMMERCE, tmp_path / "tracking", lang="typescript", sdk=sdk)
    (tmp_path / "usage.ts").write_text(USAGE[sdk], "utf-8")
    result = run_tsc(tmp_path, ["usage.ts", "tracking/index.ts", "tracking/validation.ts"])
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("sdk", SDKS)
def test_each_expected_error_is_really_an_error(tmp_path: Path, sdk: str) -> None:
    """Without the @ts-expect-error lines, tsc reports exactly one error per mistake."""
    write_client(ECOMMERCE, tmp_path / "tracking", lang="typescript", sdk=sdk)
    source = USAGE[sdk].replace("// @ts-expect-error", "// expect")
    (tmp_path / "usage.ts").write_text(source, "utf-8")
    result = run_tsc(tmp_path, ["usage.ts", "tracking/index.ts"])
    lines = source.splitlines()
    expected = {index + 2 for index, line in enumerate(lines) if line.startswith("// expect")}
    reported = {int(line.split("(")[1].split(",")[0]) for line in result.stdout.splitlines()
                if line.startswith("usage.ts(")}
    assert reported == expected, result.stdout
    for message in ("Property 'products' is missing in type",
                    "Type 'number' is not assignable to type 'string | Record<string, unknown>'",
                    "'quantitty' does not exist in type 'ProductAddedProperties'",
                    "Type 'string' is not assignable to type 'number'",
                    "Property 'orderComplete' does not exist on type 'ProtocolsClient'"):
        assert message in result.stdout, result.stdout


def test_without_runtime_validation_index_stands_alone(tmp_path: Path) -> None:
    files = generate(load_plan(ECOMMERCE), GenerateOptions(lang="typescript",
                                                          runtime_validation=False))
    assert sorted(files) == ["index.ts"]
    with_validation = generate(load_plan(ECOMMERCE), GenerateOptions(lang="typescript"))
    # index.ts never imports the validation module, so production bundles can leave it out.
    assert files["index.ts"] == with_validation["index.ts"]
    assert "validation" not in files["index.ts"].split("export const PLAN_ID")[0]
    assert "ajv" not in files["index.ts"]


@pytest.mark.parametrize("sdk", SDKS)
def test_hostile_plan_compiles_and_injects_nothing(tmp_path: Path, sdk: str) -> None:
    plan = hostile_plan(tmp_path)
    write_client(plan, tmp_path / "tracking", lang="typescript", sdk=sdk)
    result = run_tsc(tmp_path, ["tracking/index.ts", "tracking/validation.ts"], out_dir="js")
    assert result.returncode == 0, result.stdout
    driver = """
const tracking = require("./js/index.js");
const validation = require("./js/validation.js");
const calls = [];
const record = (kind) => (...args) => { calls.push([kind, args]); return Promise.resolve(); };
const stub = { track: record("track"), identify: record("identify"), group: record("group"),
               page: record("page"), screen: record("screen") };
const violations = [];
const client = new tracking.ProtocolsClient(stub, { validator: validation.validator,
                                                    onViolation: (v) => violations.push(v) });
const methods = Object.getOwnPropertyNames(tracking.ProtocolsClient.prototype)
  .filter((name) => name !== "constructor" && name !== "check" && name !== "withContext");
const props = JSON.parse(process.env.PROPS);
for (const name of methods) {
  const properties = Object.fromEntries(props.map((p) => [p, "x"]));
  if (process.env.SDK === "analytics-node") client[name]({ userId: "u", properties });
  else client[name](properties, { userId: "u" });
}
console.log(JSON.stringify({ exports: Object.keys(tracking).sort(), methods, calls, violations }));
"""
    (tmp_path / "driver.js").write_text(driver, "utf-8")
    run = run_node(tmp_path, "driver.js", env={"PROPS": json.dumps(HOSTILE_PROPERTIES),
                                               "SDK": sdk})
    assert run.returncode == 0, run.stderr
    assert not (tmp_path / "PWNED").exists()
    report = json.loads(run.stdout)
    assert report["exports"] == ["PLAN_ID", "PLAN_VERSION", "ProtocolsClient", "logViolation"]
    assert len(report["methods"]) == len(set(report["methods"])) == len(HOSTILE_EVENTS)
    if sdk == "analytics-node":
        sent = [args[0]["event"] for _, args in report["calls"]]
        keys = {k for _, args in report["calls"] for k in args[0]["properties"]}
    else:
        sent = [args[0] for _, args in report["calls"]]
        keys = {k for _, args in report["calls"] for k in args[1]}
    assert sorted(sent) == sorted(HOSTILE_EVENTS)
    assert keys == set(HOSTILE_PROPERTIES)
    # "x" is not in the enum of the second property: each call reports exactly that.
    assert {v["path"] for v in report["violations"]} == {f"properties.{HOSTILE_PROPERTIES[1]}"}
    assert len(report["violations"]) == len(HOSTILE_EVENTS)
