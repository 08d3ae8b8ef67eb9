"""`protocols export`: Segment Public API v2 JSON and JSON Schema folders, and round trips."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from protocols.interop import dump_plan, segment_to_plan
from protocols.interop.export import plan_to_jsonschemas, plan_to_segment
from protocols.interop.jsonschema_files import jsonschemas_to_plan
from protocols.plan import load_plan
from tests.conftest import REPO, shared_fixture
from tests.test_import_segment import PUBLIC_API

PLAN = """\
protocols: 1
plan: shop
description: The shop.
types:
  Product:
    type: object
    properties:
      sku: {type: string, required: true}
      price: {type: number, minimum: 0}
properties:
  currency: {type: string, enum: [USD, EUR]}
common:
  properties:
    app_version: {type: string, required: true}
events:
  Order Completed:
    description: Paid.
    tags: [area:checkout, web]
    x-segment-version: 4
    properties:
      order_id: {type: string, required: true, pii: true}
      currency: {}
      coupon: {type: string, nullable: true}
      product: {type: Product, nullable: true}
      items: {type: array, items: {type: Product}}
  Cart Viewed:
    deprecated: true
    additional_properties: error
    properties:
      cart: {type: object, additionalProperties: true, properties: {id: {type: string}}}
identify:
  traits:
    email: {type: string, format: email, required: true}
group:
  traits:
    name: {type: string}
pages:
  Home:
    properties:
      path: {type: string}
screens:
  Settings: {}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reimport(tmp_path: Path, exported: dict[str, Any], plan_id: str, *,
             warnings: int = 0) -> dict[str, Any]:
    data, found = segment_to_plan(json.loads(json.dumps(exported)), plan_id=plan_id)
    assert len(found) == warnings, found
    return data


def test_segment_export_has_rules_for_every_message_and_common(tmp_path: Path) -> None:
    plan = load_plan(write(tmp_path, "shop.yaml", PLAN))
    exported = plan_to_segment(plan)
    kinds = [(r["type"], r["key"]) for r in exported["rules"]]
    assert kinds == [("COMMON", None), ("TRACK", "Order Completed"), ("TRACK", "Cart Viewed"),
                     ("IDENTIFY", None), ("GROUP", None), ("PAGE", "Home"),
                     ("SCREEN", "Settings")]
    order = exported["rules"][1]
    assert order["version"] == 4
    schema = order["jsonSchema"]
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["labels"] == {"area": "checkout", "web": ""}
    assert schema["required"] == ["properties"]
    payload = schema["properties"]["properties"]
    assert "app_version" not in payload["properties"]  # carried by the COMMON rule
    assert payload["properties"]["product"]["anyOf"][0] == {"$ref": "#/$defs/Product"}
    assert set(schema["$defs"]) == {"Product"}
    common = exported["rules"][0]["jsonSchema"]["properties"]["properties"]
    assert common["required"] == ["app_version"]
    for rule in exported["rules"]:
        Draft7Validator.check_schema(rule["jsonSchema"])
    message = {"properties": {"order_id": "o1", "items": [{"sku": "s", "price": 2}],
                              "product": None, "currency": "USD"}}
    assert Draft7Validator(schema).is_valid(message)
    message["properties"]["items"] = [{"price": -1}]
    assert not Draft7Validator(schema).is_valid(message)


def test_import_export_import_gives_the_same_plan(tmp_path: Path) -> None:
    first = load_plan(write(tmp_path, "shop.yaml", PLAN))
    again = reimport(tmp_path, plan_to_segment(first), "shop")
    # What the plan said by reference (library property `currency`) comes back inline, and the
    # description is the plan's; the rest is the plan as written.
    second = load_plan(write(tmp_path, "again.yaml", dump_plan(again)))
    third = reimport(tmp_path, plan_to_segment(second), "shop")
    assert third == again
    assert again["events"]["Order Completed"]["properties"]["order_id"] == {
        "type": "string", "pii": True, "required": True}
    assert again["events"]["Order Completed"]["properties"]["product"] == {
        "type": "Product", "nullable": True}
    assert again["events"]["Cart Viewed"]["additional_properties"] == "error"
    assert again["events"]["Cart Viewed"]["deprecated"] is True
    assert again["common"] == {"properties": {"app_version": {"type": "string",
                                                              "required": True}}}
    for spec in first.messages():
        assert second.find(spec.kind, spec.name) is not None
        assert second.find(spec.kind, spec.name).schema == spec.schema  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["plan.json", "plan-v1.json"])
def test_typewriter_round_trip(tmp_path: Path, name: str) -> None:
    source = json.loads(shared_fixture("segment-typewriter", name).read_text("utf-8"))
    first, _ = segment_to_plan(source, plan_id="typewriter")
    plan = load_plan(write(tmp_path, "tw.yaml", dump_plan(first)))
    again = reimport(tmp_path, plan_to_segment(plan), "typewriter")
    assert again == first


def test_inline_sample_round_trip(tmp_path: Path) -> None:
    first, _ = segment_to_plan(PUBLIC_API, plan_id="shop")
    plan = load_plan(write(tmp_path, "shop.yaml", dump_plan(first)))
    # The source's context rule is kept under x-segment-common, so it is reported again.
    again = reimport(tmp_path, plan_to_segment(plan), "shop", warnings=1)
    assert again == first


def test_jsonschema_export_and_import_round_trip(tmp_path: Path) -> None:
    plan_text = PLAN.replace("common:\n  properties:\n    app_version: {type: string, "
                             "required: true}\n", "")
    plan = load_plan(write(tmp_path, "shop.yaml", plan_text))
    files = plan_to_jsonschemas(plan)
    assert sorted(files) == ["group.json", "identify.json", "page/home.json",
                             "screen/settings.json", "track/cart_viewed.json",
                             "track/order_completed.json"]
    sources = [(name, json.loads(json.dumps(schema)), Path(name).stem)
               for name, schema in files.items()]
    data, warnings = jsonschemas_to_plan(sources, plan_id="shop")
    assert warnings == []
    again = load_plan(write(tmp_path, "again.yaml", dump_plan(data)))
    for spec in plan.messages():
        found = again.find(spec.kind, spec.name)
        assert found is not None and found.schema == spec.schema


def test_repository_example_plan_exports_and_reimports(tmp_path: Path) -> None:
    plan = load_plan(REPO / "plans" / "ecommerce.yaml")
    again = reimport(tmp_path, plan_to_segment(plan), "ecommerce")
    second = load_plan(write(tmp_path, "again.yaml", dump_plan(again)))
    for spec in plan.messages():
        found = second.find(spec.kind, spec.name)
        assert found is not None and found.schema == spec.schema, spec.label


def test_export_then_import_keeps_ignore_decisions(tmp_path: Path) -> None:
    """`# protocols: ignore[...]` comments cannot travel through JSON: they go as
    `x-protocols-ignore` on the property (types included) and lint honours them after import."""
    from typer.testing import CliRunner

    from protocols.cli import app

    exported = tmp_path / "plan.json"
    again = tmp_path / "again.yaml"
    runner = CliRunner()
    assert runner.invoke(app, ["export", "segment", str(REPO / "plans" / "ecommerce.yaml"),
                               "--out", str(exported)]).exit_code == 0
    text = exported.read_text("utf-8")
    assert text.count('"x-protocols-ignore"') >= 6  # position x2, camelCase traits, postalCode
    assert runner.invoke(app, ["import", "segment", str(exported), "--out",
                               str(again)]).exit_code == 0
    result = runner.invoke(app, ["lint", str(again), "--strict", "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 0, report["diagnostics"]
    assert report["summary"]["suppressed"] >= 6
    # And again: an imported plan exports its decisions too.
    exported.unlink()
    assert runner.invoke(app, ["export", "segment", str(again), "--out",
                               str(exported)]).exit_code == 0
    assert exported.read_text("utf-8").count('"x-protocols-ignore"') == text.count(
        '"x-protocols-ignore"')
    # Without the metadata the same plan has the findings the comments silenced.
    bare = tmp_path / "bare.yaml"
    bare.write_text("\n".join(line for line in again.read_text("utf-8").splitlines()
                              if "x-protocols-ignore" not in line
                              and not line.strip().startswith("- PL")), "utf-8")
    result = runner.invoke(app, ["lint", str(bare), "--format", "json"])
    codes = {d["code"] for d in json.loads(result.output)["diagnostics"]}
    assert {"PL202", "PL206"} <= codes
