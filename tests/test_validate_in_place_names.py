"""Names a raw `schema:` block plans in place (under `allOf`, `anyOf`, `oneOf`, `if`/`then`/
`else`, `dependentSchemas`) are planned names: not unplanned (PV207), checked for drift
(PV302) and deprecation (PV209) like the names of `properties:`.

Found by trying a plan `protocols import jsonschema` writes: a JSON Schema whose payload uses
`allOf` keeps it as the event's raw `schema:`, and the plan's own `properties: {}` put the
block's `properties` under `allOf` too; every property of every message was then "not in the
plan" (a warning each, and each message left to the slow full path)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import protocols
from protocols.plan.model import Plan
from protocols.validate.check.checker import Validator
from protocols.validate.check.lane import FastLane
from protocols.validate.check.shape import ObjectShape, compile_shape

PLAN = """protocols: 1
plan: inplace
events:
  Signed Up:
    additional_properties: warn
    properties:
      plan: {type: string}
    schema:
      allOf:
        - properties:
            method: {type: string, enum: [email, google]}
        - $ref: "#/$defs/Contact"
      oneOf:
        - properties: {coupon: {type: string}}
          required: [coupon]
        - properties: {referrer: {type: string}}
          required: [referrer]
      if: {properties: {country: {const: US}}}
      then: {properties: {state: {type: string}}}
      else: {properties: {region: {type: string}}}
      dependentSchemas:
        state: {properties: {zip: {type: string, pattern: "^[0-9]{5}$"}}}
  Nested:
    properties:
      address:
        type: object
        schema:
          anyOf:
            - properties: {street: {type: string}, old_street: {type: string, deprecated: true}}
            - patternProperties: {"^line_[0-9]$": {type: string}}
types:
  Contact:
    type: object
    properties:
      email: {type: string}
      phone: {type: string}
"""


def _plan(tmp_path: Path) -> Plan:
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return protocols.load_plan(path)


def _message(event: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "track", "event": event, "userId": "u1", "properties": properties}


def _found(validator: Validator, message: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((d.code, d.path or "") for d in validator.validate(message))


def test_names_planned_in_place_are_planned(tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    shape = compile_shape(plan.events["Signed Up"].schema, "warn")
    assert isinstance(shape, ObjectShape)
    assert sorted(shape.children) == sorted([
        "plan", "method", "email", "phone", "coupon", "referrer", "country", "state",
        "region", "zip"])
    # Each name keeps where the plan defines it (the finding's rule position).
    # (the block's keywords the payload did not have stay where they are)
    assert shape.children["plan"].schema_path == ("properties", "plan")
    assert shape.children["method"].schema_path == ("allOf", 0, "properties", "method")
    assert shape.children["email"].schema_path == ("allOf", 1, "properties", "email")
    assert shape.children["zip"].schema_path == ("dependentSchemas", "state", "properties",
                                                 "zip")


def test_a_message_of_names_planned_in_place_has_no_finding_and_takes_the_lane(
        tmp_path: Path) -> None:
    plan = _plan(tmp_path)
    validator = Validator(plan)
    lane = FastLane(validator)
    clean = _message("Signed Up", {"plan": "pro", "method": "email", "email": "a@b.c",
                                   "coupon": "C1", "country": "US", "state": "CA",
                                   "zip": "94110"})
    assert _found(validator, clean) == []
    assert lane.accept(clean) == "Signed Up"


def test_names_planned_nowhere_are_still_unplanned_and_checks_still_apply(
        tmp_path: Path) -> None:
    validator = Validator(_plan(tmp_path))
    message = _message("Signed Up", {"plan": "pro", "Method": "email", "coupon": "C1",
                                     "gift": True, "state": "CA", "zip": "9411"})
    assert _found(validator, message) == [
        ("PV204", "properties.zip"),  # the dependent schema's pattern still checks
        ("PV207", "properties.gift"),
        ("PV302", "properties.Method"),  # drift against a name planned under allOf
    ]


def test_nested_levels_read_their_in_place_names_and_patterns(tmp_path: Path) -> None:
    validator = Validator(_plan(tmp_path))
    found = _found(validator, _message("Nested", {"address": {
        "street": "1 Main", "old_street": "2 Main", "line_1": "x", "floor": "3"}}))
    assert found == [("PV207", "properties.address.floor"),
                     ("PV209", "properties.address.old_street")]


def test_an_imported_json_schema_with_all_of_validates_without_warnings(
        tmp_path: Path) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "Signed Up",
              "type": "object",
              "allOf": [{"properties": {"plan": {"type": "string"}}},
                        {"properties": {"method": {"type": "string",
                                                   "enum": ["email", "google"]}}}]}
    (tmp_path / "signed_up.json").write_text(json.dumps(schema), encoding="utf-8")
    plan_file = tmp_path / "plan.yaml"
    run = [sys.executable, "-m", "protocols"]
    imported = subprocess.run([*run, "import", "jsonschema", str(tmp_path / "signed_up.json"),
                               "--out", str(plan_file)], capture_output=True, text=True)
    assert imported.returncode == 0, imported.stderr
    log = tmp_path / "log.ndjson"
    log.write_text(json.dumps(_message("Signed Up", {"plan": "pro", "method": "email"})) + "\n"
                   + json.dumps(_message("Signed Up", {"plan": "pro", "way": "email"})) + "\n",
                   encoding="utf-8")
    checked = subprocess.run([*run, "validate", "--plan", str(plan_file), str(log),
                              "--format", "json"], capture_output=True, text=True)
    report = json.loads(checked.stdout)
    assert [(d["code"], d["line"], d["path"]) for d in report["diagnostics"]] == [
        ("PV207", 2, "properties.way")]
    assert report["summary"]["valid"] == 2


def test_scan_reads_names_planned_in_place_too(tmp_path: Path) -> None:
    """scan uses the same shapes: a name planned under `allOf` is no PS201."""
    (tmp_path / "plan.yaml").write_text(PLAN, encoding="utf-8")
    (tmp_path / "app.js").write_text(
        'analytics.track("Signed Up", {plan: "pro", method: "email", email: "a@b.c", '
        'gift: true});\n', encoding="utf-8")
    scanned = subprocess.run([sys.executable, "-m", "protocols", "scan", "app.js", "--plan",
                              "plan.yaml", "--format", "json"], capture_output=True, text=True,
                             cwd=tmp_path)
    report = json.loads(scanned.stdout)
    assert [(d["code"], d["path"]) for d in report["diagnostics"]] == [
        ("PS201", "properties.gift")], scanned.stdout


STRICT = """protocols: 1
plan: strict
events:
  Level Strict:
    properties:
      a: {type: string}
    schema:
      properties:
        b: {type: integer}
      additionalProperties: false
  Member Strict:
    properties:
      a: {type: string}
    schema:
      allOf:
        - properties: {b: {type: integer}}
          additionalProperties: false
"""


def test_additional_properties_refuse_what_json_schema_refuses(tmp_path: Path) -> None:
    """`additionalProperties` sees only its own schema's `properties`, as jsonschema's does:
    a name planned under `allOf` is still refused by the level's `additionalProperties:
    false` (the block's `properties` went under `allOf`: the plan had its own), and a
    member's `additionalProperties: false` refuses the level's own names. Found while making
    in-place names planned: the first went silent with it, the second was silent before
    (the walk's "covered" level swallowed a member's refusal too)."""
    import jsonschema

    path = tmp_path / "plan.yaml"
    path.write_text(STRICT, encoding="utf-8")
    plan = protocols.load_plan(path)
    validator = Validator(plan)
    lane = FastLane(validator)
    for event in ("Level Strict", "Member Strict"):
        message = _message(event, {"a": "x", "b": 1})
        reference = sorted(e.message for e in jsonschema.Draft202012Validator(
            plan.events[event].schema).iter_errors(message["properties"]))
        assert reference, event  # the compiled plan refuses one of the names
        found = [(d.code, d.path, d.severity.value) for d in validator.validate(message)]
        refused = "b" if event == "Level Strict" else "a"
        assert found == [("PV207", f"properties.{refused}", "error")], event
        assert lane.accept(message) is None


_NAMES = ("a", "b", "c", "d")
_TYPES = ("string", "integer", "boolean")


def _properties(draw: Any) -> dict[str, Any]:
    from hypothesis import strategies as st

    names = draw(st.lists(st.sampled_from(_NAMES), unique=True, max_size=3))
    return {name: {"type": draw(st.sampled_from(_TYPES))} for name in names}


def _member(draw: Any, depth: int) -> dict[str, Any]:
    from hypothesis import strategies as st

    member: dict[str, Any] = {}
    if draw(st.booleans()):
        member["properties"] = _properties(draw)
    if draw(st.integers(0, 3)) == 0:
        member["additionalProperties"] = False
    if draw(st.integers(0, 4)) == 0:
        member["patternProperties"] = {"^d": {"type": "string"}}
    if depth < 2:
        for keyword in ("allOf", "anyOf", "oneOf"):
            if draw(st.integers(0, 3)) == 0:
                member[keyword] = [_member(draw, depth + 1)
                                   for _ in range(draw(st.integers(1, 2)))]
    return member


def test_errors_are_what_json_schema_finds_whatever_plans_the_names(tmp_path: Path) -> None:
    """A differential over small plans whose names are planned by `properties:`, by the raw
    block's own `properties` and in place (`allOf`, `anyOf`, `oneOf`, nested), with and
    without `additionalProperties: false` and `patternProperties`: validate (policy
    `allow`, so only the plan's schema makes errors) finds an error exactly when jsonschema
    finds one in the compiled payload schema, on the full path, and the lane accepts only
    messages with no finding."""
    import jsonschema
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    value = st.one_of(st.text(max_size=3), st.integers(-2, 2), st.booleans())

    @settings(max_examples=150, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        own = _properties(data.draw)
        raw = _member(data.draw, 0)
        event: dict[str, Any] = {"properties": own} if own else {}
        if raw:
            event["schema"] = raw
        text = json.dumps({"protocols": 1, "plan": "diff", "additional_properties": "allow",
                           "events": {"Thing Done": event}})
        path = tmp_path / "plan.yaml"
        path.write_text(text, encoding="utf-8")
        plan = protocols.load_plan(path)
        validator = Validator(plan)
        lane = FastLane(validator)
        schema = plan.events["Thing Done"].schema
        payload = data.draw(st.dictionaries(st.sampled_from((*_NAMES, "e")), value,
                                            max_size=4))
        message = _message("Thing Done", payload)
        expected = any(True for _ in jsonschema.Draft202012Validator(schema).iter_errors(
            payload))
        found = validator.validate(message)
        errors = [d for d in found if d.severity.value == "error"]
        assert bool(errors) == expected, (schema, payload, [d.message for d in found])
        if lane.accept(message) is not None:
            assert found == [], (schema, payload)

    check()
