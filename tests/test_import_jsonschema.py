"""`import jsonschema`: plain JSON Schema files and Snowplow Iglu self-describing schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protocols.interop import InteropError, dump_plan
from protocols.interop.jsonschema_files import jsonschema_paths_to_plan
from protocols.plan import load_plan

IGLU_META = "http://iglucentral.com/schemas/com.snowplowanalytics.self-desc/schema/jsonschema/1-0-0#"


def iglu(vendor: str, name: str, version: str, props: dict[str, Any],
         required: list[str] | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "$schema": IGLU_META, "description": f"{name} {version}",
        "self": {"vendor": vendor, "name": name, "format": "jsonschema", "version": version},
        "type": "object", "properties": props, "additionalProperties": False}
    if required:
        schema["required"] = required
    return schema


def put(root: Path, relative: str, data: Any) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return path


def test_plain_schemas_are_named_by_title_or_file_name(tmp_path: Path) -> None:
    put(tmp_path, "s/signed_up.json", {
        "$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
        "description": "A new account.",
        "properties": {"plan": {"type": "string", "enum": ["free", "pro"]},
                       "referrer": {"type": ["string", "null"], "format": "uri"}},
        "required": ["plan"]})
    put(tmp_path, "s/x.json", {"title": "Order Completed", "type": "object",
                               "definitions": {"Money": {"type": "number", "minimum": 0}},
                               "properties": {"total": {"$ref": "#/definitions/Money"}}})
    data, warnings = jsonschema_paths_to_plan([str(tmp_path / "s")], plan_id="web")
    assert warnings == []
    assert data["events"]["signed_up"] == {
        "description": "A new account.",
        "properties": {"plan": {"type": "string", "enum": ["free", "pro"], "required": True},
                       "referrer": {"type": "string", "nullable": True, "format": "uri"}}}
    assert data["types"] == {"Money": {"type": "number", "minimum": 0}}
    assert data["events"]["Order Completed"]["properties"]["total"] == {"type": "Money"}
    out = tmp_path / "web.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    plan = load_plan(out)
    assert plan.events["Order Completed"].schema["$defs"] == {
        "Money": {"type": "number", "minimum": 0}}


def test_iglu_schemas_keep_the_highest_schemaver(tmp_path: Path) -> None:
    root = tmp_path / "iglu" / "com.acme"
    put(root, "checkout_started/jsonschema/1-0-0",
        iglu("com.acme", "checkout_started", "1-0-0", {"cart_id": {"type": "string"}}))
    put(root, "checkout_started/jsonschema/1-0-10",
        iglu("com.acme", "checkout_started", "1-0-10",
             {"cart_id": {"type": "string"}, "total": {"type": "number"}}, ["cart_id"]))
    put(root, "checkout_started/jsonschema/1-0-2",
        iglu("com.acme", "checkout_started", "1-0-2", {"cart_id": {"type": "string"}}))
    put(root, "link_click/jsonschema/2-0-0",
        iglu("com.acme", "link_click", "2-0-0", {"target_url": {"type": "string",
                                                               "maxLength": 4096}}))
    data, warnings = jsonschema_paths_to_plan([str(tmp_path / "iglu")], plan_id="snowplow")
    started = data["events"]["checkout_started"]
    assert started == {
        "description": "checkout_started 1-0-10",
        "additional_properties": "error",
        "properties": {"cart_id": {"type": "string", "required": True},
                       "total": {"type": "number"}},
        "x-iglu": "iglu:com.acme/checkout_started/jsonschema/1-0-10"}
    assert data["events"]["link_click"]["properties"]["target_url"]["maxLength"] == 4096
    assert len(warnings) == 2
    for warning, version in zip(sorted(warnings), ("1-0-0", "1-0-2"), strict=True):
        assert warning.endswith(
            f"iglu/com.acme/checkout_started/jsonschema/{version}: "
            f"iglu:com.acme/checkout_started/jsonschema/{version} is an older version of "
            "com.acme/checkout_started; dropped (the highest version is kept)"), warning
    out = tmp_path / "snowplow.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    assert load_plan(out).events["checkout_started"].schema["additionalProperties"] is False


@pytest.mark.parametrize(("content", "expected"), [
    ("{\"type\": \"object\",\n  \"properties\": {,}}", "invalid JSON"),
    ("[1, 2]", "must hold a JSON object"),
    ("\x00\x01binary", "invalid JSON"),
    (json.dumps({"self": {"vendor": "v", "name": "n"}}), "missing format, version"),
])
def test_bad_files_are_clear_errors(tmp_path: Path, content: str, expected: str) -> None:
    path = put(tmp_path, "bad.json", content)
    with pytest.raises(InteropError) as info:
        jsonschema_paths_to_plan([str(path)], plan_id="x")
    assert expected in str(info.value)
    assert "bad.json" in str(info.value)


def test_invalid_json_has_line_and_column(tmp_path: Path) -> None:
    path = put(tmp_path, "bad.json", "{\n  \"type\": \"object\",\n  oops\n}")
    with pytest.raises(InteropError) as info:
        jsonschema_paths_to_plan([str(path)], plan_id="x")
    assert (info.value.line, info.value.column) == (3, 3)


def test_missing_paths_and_empty_folders_are_errors(tmp_path: Path) -> None:
    with pytest.raises(InteropError, match="no such file"):
        jsonschema_paths_to_plan([str(tmp_path / "nope")], plan_id="x")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InteropError, match="no JSON Schema files"):
        jsonschema_paths_to_plan([str(tmp_path / "empty")], plan_id="x")


def test_draft_7_becomes_2020_12_everywhere_even_in_raw_schema(tmp_path: Path) -> None:
    """Tuple items (nested, using definitions), dependencies and draft-4 exclusive bounds."""
    from jsonschema import Draft7Validator, Draft202012Validator

    source = {
        "$schema": "http://json-schema.org/draft-07/schema#", "title": "Pair Sent",
        "type": "object", "definitions": {"Id": {"type": "string", "minLength": 2}},
        "properties": {
            "pair": {"type": "array", "items": [{"$ref": "#/definitions/Id"},
                                                {"type": "array", "items": [{"type": "integer"}],
                                                 "additionalItems": False}],
                     "additionalItems": {"type": "boolean"}},
            "amount": {"type": "number"}, "currency": {"type": "string"}},
        "dependencies": {"amount": ["currency"],
                         "currency": {"properties": {"amount": {"minimum": 1}}}}}
    put(tmp_path, "pair.json", source)
    data, _ = jsonschema_paths_to_plan([str(tmp_path / "pair.json")], plan_id="t")
    out = tmp_path / "t.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    plan = load_plan(out)
    compiled = plan.message_schema(plan.events["Pair Sent"])
    ours = Draft202012Validator(compiled)
    reference = Draft7Validator(source)
    for value in [{"pair": ["ab", [1]]}, {"pair": ["a", [1]]}, {"pair": ["ab", [1, 2]]},
                  {"pair": ["ab", [1], True]}, {"pair": ["ab", [1], "x"]},
                  {"pair": ["ab", ["1"]]}, {"amount": 5}, {"amount": 5, "currency": "EUR"},
                  {"amount": 0, "currency": "EUR"}, {"currency": "EUR"}]:
        message = {"type": "track", "event": "Pair Sent", "properties": value}
        assert ours.is_valid(message) == reference.is_valid(value), value


def test_draft_4_exclusive_bounds_become_numbers() -> None:
    from protocols.interop.drafts import upgrade

    assert upgrade({"type": "number", "minimum": 0, "exclusiveMinimum": True,
                    "maximum": 9, "exclusiveMaximum": False}) == {
        "type": "number", "exclusiveMinimum": 0, "maximum": 9}
    assert upgrade({"$schema": "https://json-schema.org/draft/2020-12/schema",
                    "items": [1]}) == {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                       "items": [1]}


def test_import_writes_the_conventions_its_names_clearly_follow(tmp_path: Path) -> None:
    for name in ("Order Completed", "Product Added", "Cart Viewed"):
        put(tmp_path, f"s/{name}.json", {"title": name, "type": "object", "properties": {
            "order_id": {"type": "string"}, "unit_price": {"type": "number"},
            "total": {"type": "number"}}})
    data, _ = jsonschema_paths_to_plan([str(tmp_path / "s")], plan_id="web")
    assert list(data)[:3] == ["protocols", "plan", "conventions"]
    assert data["conventions"] == {"event_case": "title", "property_case": "snake"}


def test_mixed_names_get_no_convention_and_lint_is_not_flooded(tmp_path: Path) -> None:
    from protocols.lint import LintOptions, lint_paths

    props_a = {f"snake_name_{i}": {"type": "string"} for i in range(10)}
    props_b = {f"camelName{i}": {"type": "string"} for i in range(10)}
    put(tmp_path, "s/a.json", {"title": "Order Completed", "type": "object",
                               "properties": props_a})
    put(tmp_path, "s/b.json", {"title": "Product Added", "type": "object",
                               "properties": props_b})
    data, _ = jsonschema_paths_to_plan([str(tmp_path / "s")], plan_id="web")
    assert data["conventions"] == {"event_case": "title"}
    out = tmp_path / "web.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    report = lint_paths([str(out)], options=LintOptions([], [], {}))
    assert [d for d in report.diagnostics if d.code in ("PL201", "PL202")] == []
    # Once the team says which style it wants, the other half is reported, with an example
    # taken from the plan itself.
    out.write_text(out.read_text("utf-8").replace("event_case: title",
                                                  "event_case: title, property_case: snake"),
                   encoding="utf-8")
    report = lint_paths([str(out)], options=LintOptions([], [], {}))
    case = [d for d in report.diagnostics if d.code == "PL202"]
    assert len(case) == 10
    assert "(like 'snake_name_0'" in case[0].message
