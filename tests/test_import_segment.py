"""`segment_to_plan`: both Segment export formats into plan data that loads and means the same."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protocols.interop import InteropError, dump_plan, segment_to_plan
from protocols.plan import load_plan
from protocols.plan.model import Plan
from tests.conftest import shared_fixture

ODD_NAME = "42_--terrible==\\\"event'++name~!3"


def write_and_load(tmp_path: Path, data: dict[str, Any]) -> Plan:
    out = tmp_path / "imported.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    return load_plan(out)


def rule(kind: str, key: str | None, schema: dict[str, Any], version: int = 1
         ) -> dict[str, Any]:
    return {"key": key, "type": kind, "version": version, "jsonSchema": schema}


def message(payload: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A whole-message rule schema, the way Segment's app writes it."""
    return {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
            "properties": {"context": {}, "traits": {"type": "object"},
                           "properties": payload}, **extra}


PUBLIC_API = {
    "name": "Shop",
    "rules": [
        rule("TRACK", "Order Completed", message({
            "type": "object",
            "properties": {
                "order_id": {"type": "string", "description": "Order id", "id": "/p/x"},
                "total": {"type": ["number", "null"], "minimum": 0},
                "currency": {"type": "string", "enum": ["USD", "EUR"]},
                "coupon": {"type": ["string", "null"], "enum": ["A", "B"]},
                "when": {"type": "string", "format": "date-time"},
                "tags": {"type": "array", "items": {"type": "string", "pattern": "^[a-z]+$"}},
                "id_or_count": {"type": ["string", "integer"]},
                "anything": {"description": "any value"},
                "meta": {"type": "object", "patternProperties": {"^x": {"type": "string"}}},
                "yes": {"type": "boolean"},
            },
            "required": ["order_id", "total"],
        }, labels={"area": "checkout", "team": ""}, description="Paid.")),
        rule("TRACK", "Order Completed", message({"type": "object"}), version=1),
        rule("TRACK", "Order Completed", message({"type": "object"}), version=2),
        rule("TRACK", "Order Completed", message({
            "type": "object", "properties": {"order_id": {"type": "string"},
                                             "total": {"type": ["number", "null"]}},
            "required": ["order_id"]}), version=3),
        rule("TRACK", ODD_NAME, {"type": "object", "properties": {}}),
        rule("IDENTIFY", None, {"type": "object", "properties": {
            "traits": {"type": "object", "properties": {"email": {"type": "string",
                                                                  "format": "email"}},
                       "required": ["email"]}, "context": {}}}),
        rule("GROUP", None, {"type": "object", "properties": {"plan": {"type": "string"}}}),
        rule("PAGE", "Home", message({"type": "object",
                                      "properties": {"path": {"type": "string"}}})),
        rule("SCREEN", "Settings", message({"type": "object"})),
        rule("COMMON", None, message(
            {"type": "object", "properties": {"app_version": {"type": "string"}}},
            required=["context"],
        ) | {"properties": {"context": {"type": "object", "required": ["ip"]},
                            "properties": {"type": "object", "properties": {
                                "app_version": {"type": "string"}}}}}),
    ],
}


def test_public_api_keeps_the_highest_version_and_says_what_was_dropped(tmp_path: Path) -> None:
    data, warnings = segment_to_plan(PUBLIC_API, plan_id="shop")
    assert data["events"]["Order Completed"]["x-segment-version"] == 3
    assert data["events"]["Order Completed"]["properties"] == {
        "order_id": {"type": "string", "required": True},
        "total": {"type": "number", "nullable": True},
    }
    assert "event 'Order Completed': kept version 3, dropped version(s) 1, 1, 2" in warnings
    plan = write_and_load(tmp_path, data)
    assert set(plan.events) == {"Order Completed", ODD_NAME}


def test_public_api_keeps_keywords_nullable_unions_labels_and_raw_schema(tmp_path: Path) -> None:
    only_v1 = {"rules": [PUBLIC_API["rules"][0]]}  # type: ignore[index]
    data, warnings = segment_to_plan(only_v1, plan_id="shop")
    event = data["events"]["Order Completed"]
    props = event["properties"]
    assert event["description"] == "Paid."
    assert event["tags"] == ["area:checkout", "team"]
    assert props["order_id"] == {"type": "string", "description": "Order id", "required": True}
    assert props["total"] == {"type": "number", "nullable": True, "minimum": 0,
                              "required": True}
    # null is not in the enum, so null is refused: `nullable` would accept it.
    assert props["coupon"] == {"type": ["string", "null"], "enum": ["A", "B"]}
    assert props["when"] == {"type": "string", "format": "date-time"}
    assert props["tags"]["items"] == {"type": "string", "pattern": "^[a-z]+$"}
    assert props["id_or_count"] == {"type": ["string", "integer"]}
    assert props["anything"] == {"description": "any value", "schema": {}}
    assert props["meta"] == {"type": "object",
                             "schema": {"patternProperties": {"^x": {"type": "string"}}}}
    assert any("`patternProperties` kept as raw JSON Schema" in w for w in warnings)
    assert any("1 Segment `id` annotation" in w for w in warnings)
    plan = write_and_load(tmp_path, data)
    schema = plan.events["Order Completed"].schema
    assert schema["properties"]["meta"]["patternProperties"] == {"^x": {"type": "string"}}
    assert schema["properties"]["yes"] == {"type": "boolean"}
    assert schema["required"] == ["order_id", "total"]


def test_identify_group_pages_screens_and_common(tmp_path: Path) -> None:
    data, warnings = segment_to_plan(PUBLIC_API, plan_id="shop")
    assert data["identify"]["traits"] == {"email": {"type": "string", "format": "email",
                                                    "required": True}}
    assert data["group"]["traits"] == {"plan": {"type": "string"}}
    assert data["pages"]["Home"]["properties"] == {"path": {"type": "string"}}
    assert data["screens"]["Settings"]["properties"] == {}
    assert data["common"] == {"properties": {"app_version": {"type": "string"}}}
    assert data["x-segment-common"] == {"context": {"type": "object", "required": ["ip"]},
                                        "required": ["context"]}
    assert any("x-segment-common" in w for w in warnings)
    plan = write_and_load(tmp_path, data)
    assert plan.identify is not None and plan.group is not None
    assert set(plan.pages) == {"Home"} and set(plan.screens) == {"Settings"}
    assert "app_version" in plan.events[ODD_NAME].schema["properties"]


def test_config_api_v1_events_traits_and_labels(tmp_path: Path) -> None:
    v1 = {"display_name": "Old", "rules": {
        "events": [
            {"name": "Signed Up", "description": "New account", "version": 1,
             "rules": message({"type": "object", "properties": {
                 "plan": {"type": "string", "enum": ["free", "pro"]}},
                 "required": ["plan"]}, labels={"area": "account"}, required=["properties"])},
            {"name": "Signed Up", "version": 2, "rules": message({"type": "object"})},
        ],
        "identify_traits": {"type": "object", "properties": {"name": {"type": "string"}}},
        "group_traits": [],
    }}
    data, warnings = segment_to_plan(v1, plan_id="old")
    assert data["events"]["Signed Up"]["x-segment-version"] == 2
    assert "event 'Signed Up': kept version 2, dropped version(s) 1" in warnings
    assert data["identify"]["traits"] == {"name": {"type": "string"}}
    assert "group" not in data
    v1["rules"]["events"].pop()  # type: ignore[index]
    data, _ = segment_to_plan(v1, plan_id="old")
    assert data["events"]["Signed Up"] == {
        "description": "New account", "tags": ["area:account"],
        "properties": {"plan": {"type": "string", "enum": ["free", "pro"], "required": True}}}
    write_and_load(tmp_path, data)


@pytest.mark.parametrize("bad", [[], "plan", {"rules": 3}, {"rules": {"events": {}}}])
def test_input_that_is_not_a_segment_export_is_a_clear_error(bad: Any) -> None:
    with pytest.raises(InteropError) as info:
        segment_to_plan(bad, plan_id="x")
    assert "Segment" in str(info.value) or "rules.events" in str(info.value)


def test_broken_rules_are_skipped_with_a_warning() -> None:
    data, warnings = segment_to_plan({"rules": [3, {"type": "TRACK"},
                                                {"type": "ALIAS", "key": "a"},
                                                {"type": "TRACK", "key": "E", "jsonSchema": 5}]},
                                     plan_id="x")
    assert data["events"] == {"E": {"properties": {}}}
    assert warnings[:4] == [
        "rules[0]: not an object; skipped",
        "rules[1]: a TRACK rule without a `key`; skipped",
        "rules[2]: unknown rule type 'ALIAS'; skipped",
        "event 'E': `jsonSchema` is not an object; planned with no properties",
    ]


def test_closed_payload_keeps_nested_objects_open(tmp_path: Path) -> None:
    data, _ = segment_to_plan({"rules": [rule("TRACK", "E", {
        "type": "object", "additionalProperties": False,
        "properties": {"o": {"type": "object", "properties": {"a": {"type": "string"}}}}})]},
        plan_id="x")
    event = data["events"]["E"]
    assert event["additional_properties"] == "error"
    assert event["properties"]["o"]["additionalProperties"] is True
    schema = write_and_load(tmp_path, data).events["E"].schema
    assert schema["additionalProperties"] is False
    assert schema["properties"]["o"]["additionalProperties"] is True


@pytest.mark.parametrize("name", ["plan.json", "plan-v1.json"])
def test_typewriter_plans_import_and_load(tmp_path: Path, name: str) -> None:
    source = json.loads(shared_fixture("segment-typewriter", name).read_text("utf-8"))
    data, warnings = segment_to_plan(source, plan_id="typewriter")
    plan = write_and_load(tmp_path, data)
    assert ODD_NAME in plan.events
    assert {"Event Collided", "event_collided"} <= set(plan.events)
    assert [w for w in warnings if "Segment `id`" not in w] == []
    union = plan.events["Union Type"].schema["properties"]["universe_name"]
    assert union["type"] == ["string", "integer", "null"]


@pytest.mark.parametrize("name", ["plan.json", "plan-v1.json"])
def test_typewriter_plan_lints_with_only_the_naming_findings_in_the_source(tmp_path: Path,
                                                                           name: str) -> None:
    from protocols.lint import lint_paths

    source = json.loads(shared_fixture("segment-typewriter", name).read_text("utf-8"))
    data, _ = segment_to_plan(source, plan_id="typewriter")
    out = tmp_path / "typewriter.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    report = lint_paths([str(out)])
    assert {d.code for d in report.diagnostics} <= {"PL201", "PL202", "PL203", "PL204"}
    collisions = {(d.code, d.message.split("'")[1]) for d in report.diagnostics
                  if d.code in ("PL203", "PL204")}
    # The source really has these: "Event Collided" next to "event_collided", and the
    # properties "Property Collided" next to "property_collided".
    assert collisions == {("PL203", "event_collided"), ("PL204", "property_collided")}


def test_schemas_nested_too_deep_for_a_plan_are_refused() -> None:
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(40):
        schema = {"type": "object", "properties": {"child": schema}}
    with pytest.raises(InteropError, match="nested more than 20 levels"):
        segment_to_plan({"rules": [rule("TRACK", "Deep", schema)]}, plan_id="x")


def test_api_response_wrappers_are_unwrapped() -> None:
    wrapped = {"data": {"trackingPlan": {"name": "Shop", "rules": [
        rule("TRACK", "A", {"type": "object", "properties": {}})]}}}
    data, _ = segment_to_plan(wrapped, plan_id="shop")
    assert set(data["events"]) == {"A"}
    assert data["description"] == "Imported from the Segment tracking plan 'Shop'."


def test_a_payload_with_a_property_named_context_stays_a_payload() -> None:
    data, warnings = segment_to_plan({"rules": [rule("TRACK", "A", {
        "type": "object", "properties": {"context": {"type": "string"}}})]}, plan_id="x")
    assert data["events"]["A"]["properties"] == {"context": {"type": "string"}}
    assert warnings == []


def test_an_empty_enum_is_kept_raw_and_the_plan_loads(tmp_path: Path) -> None:
    data, warnings = segment_to_plan({"rules": [rule("TRACK", "E", {
        "type": "object", "properties": {"p": {"enum": []}}})]}, plan_id="x")
    assert data["events"]["E"]["properties"]["p"] == {"schema": {"enum": []}}
    assert len(warnings) == 1
    write_and_load(tmp_path, data)


@pytest.mark.parametrize("schema", [
    {"type": []}, {"type": "strin"}, {"multipleOf": 0}, {"minLength": -1},
    {"type": "number", "minimum": "5"}, {"properties": 3, "type": "object"},
    {"required": "x", "type": "object"}, {"items": [1]}, {"anyOf": []},
])
def test_malformed_keywords_are_an_error_naming_the_property_never_an_unloadable_plan(
        schema: dict[str, Any]) -> None:
    with pytest.raises(InteropError, match="property 'p' is not valid JSON Schema"):
        segment_to_plan({"rules": [rule("TRACK", "E", {
            "type": "object", "properties": {"p": schema}})]}, plan_id="x")
