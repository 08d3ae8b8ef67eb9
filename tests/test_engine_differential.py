"""The compiled engine against jsonschema, the reference, on plan-shaped schemas.

For every schema and instance the verdict must be the same, and so must the violations:
the set of (keyword, instance path, schema path, message, detail) per violation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.plan import load_plan
from protocols.validate.check.engine import compile_validator, convert, reference_validator
from protocols.validate.check.fastschema import compile_schema
from tests.conftest import REPO
from tests.schema_strategies import instances_for, plan_like_schemas


def _signature(violations: Any) -> set[tuple[Any, ...]]:
    return {(v.keyword, v.instance_path, v.schema_path, v.message, repr(v.detail))
            for v in violations}


def assert_same(schema: Any, instance: Any) -> None:
    fast = compile_schema(schema)(instance)
    reference = [convert(error) for error in reference_validator(schema).iter_errors(instance)]
    assert (not fast) is (not reference), (fast, reference)
    assert {(v.keyword, v.instance_path) for v in fast} == \
        {(v.keyword, v.instance_path) for v in reference}
    assert _signature(fast) == _signature(reference)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_generated_plan_schemas_agree_with_jsonschema(data: st.DataObject) -> None:
    schema = data.draw(plan_like_schemas())
    for _ in range(4):
        assert_same(schema, data.draw(instances_for(schema)))


def _plan_schemas() -> list[Any]:
    schemas = []
    for path in sorted((REPO / "plans").glob("*.yaml")):
        plan = load_plan(Path(path))
        schemas += [pytest.param(plan.message_schema(spec), id=f"{path.stem}:{spec.label}")
                    for spec in plan.messages()]
    return schemas


@pytest.mark.parametrize("schema", _plan_schemas())
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_schemas_compiled_from_real_plans_agree(schema: Any, data: st.DataObject) -> None:
    assert_same(schema, data.draw(instances_for(schema)))


@pytest.mark.parametrize(("schema", "instance"), [
    ({"type": "integer"}, 1.0),                      # 1.0 is an integer
    ({"type": "number"}, True),                      # booleans are not numbers
    ({"const": 1}, 1.0),                             # JSON equality
    ({"const": 1}, True),
    ({"enum": [False, 0]}, 0.0),
    ({"enum": [[1, 2]]}, [1.0, 2]),
    ({"uniqueItems": True}, [1, 1.0]),
    ({"uniqueItems": True}, [1, True]),
    ({"uniqueItems": True}, [{"a": 1}, {"a": 1.0}]),
    ({"minLength": 2}, "é"),                         # code points, not bytes
    ({"maxLength": 1}, "\U0001F600"),
    ({"pattern": "b"}, "abc"),                       # search, not match
    ({"multipleOf": 0.1}, 0.3),
    ({"multipleOf": 0.5}, 1e308),
    ({"properties": {"a": False}}, {"a": 1}),        # false schema keeps no path
    ({"if": {"type": "string"}, "then": False}, "x"),
    ({"allOf": [False, {"type": "string"}]}, 1),
    ({"oneOf": [{"type": "number"}, {"type": "integer"}, {"minimum": 0}]}, 3),
    ({"additionalProperties": False, "patternProperties": {"^x": True}}, {"x1": 1, "y": 2}),
    ({"additionalProperties": {"type": "string"}, "properties": {"a": True}}, {"a": 1, "b": 2}),
    ({"contains": {"type": "string"}, "maxContains": 1}, ["a", "b"]),
    ({"contains": {"type": "string"}, "minContains": 2}, ["a", 1]),
    ({"items": False, "prefixItems": [True]}, [1, 2, 3]),
    ({"dependentRequired": {"a": ["b", "c"]}}, {"a": 1}),
    ({"propertyNames": {"maxLength": 2}}, {"abc": 1, "de": 2}),
    ({"$defs": {"n": {"$ref": "#/$defs/m"}, "m": {"type": "null"}}, "$ref": "#/$defs/n"}, 1),
    ({"$defs": {"t": {"properties": {"c": {"items": {"$ref": "#/$defs/t"}}}}},
      "$ref": "#/$defs/t"}, {"c": [{"c": [{"c": 1}]}]}),
    # the fused fast paths (fastschema/fused.py)
    ({"type": "integer", "minimum": 0}, 1.0),
    ({"type": "integer", "minimum": 0}, True),
    ({"type": "integer", "maximum": 3}, 3.5),
    ({"type": "number", "exclusiveMinimum": 0}, 0),
    ({"type": "number", "minimum": 0}, float("nan")),
    ({"enum": ["a", "b"]}, 1),
    ({"const": "a"}, ["a"]),
    ({"type": "string", "enum": ["a"], "const": "a"}, "a"),
    ({"type": "string", "minLength": 1, "maxLength": 2}, ""),
    ({"type": "object", "properties": {"a": True, "b": False}, "required": ["a"]}, {"a": 1}),
    ({"type": "object", "properties": {"a": True}, "additionalProperties": False},
     {"a": 1, "b": 2}),
    # properties checked inline by the generated object check
    ({"type": "object", "required": ["it's\n\"x\"\\"],
      "properties": {"it's\n\"x\"\\": {"type": "string"}}}, {"it's\n\"x\"\\": 1}),
    ({"type": "object", "properties": {"b": {"type": "boolean"}}}, {"b": 0}),
    ({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}, {"n": True}),
    ({"type": "object", "properties": {"n": {"type": "integer", "minimum": 1}}}, {"n": 2.0}),
    ({"type": "object", "properties": {"n": {"type": "integer", "maximum": 1}}}, {"n": 2.5}),
    ({"type": "object", "properties": {"n": {"type": "number", "exclusiveMaximum": 1}}},
     {"n": 1}),
    ({"type": "object", "properties": {"e": {"enum": ["a", "b"]}}}, {"e": ["a"]}),
    ({"type": "object", "properties": {"c": {"const": "a"}}, "required": ["c"]}, {"c": "b"}),
    ({"type": "object", "properties": {"r": {"$ref": "#/$defs/s"}},
      "$defs": {"s": {"type": "string"}}}, {"r": 1}),
    ({"format": "date-time"}, "2024-01-05 10:00"),
    ({"format": "uri"}, "relative/path"),
    ({"format": "hostname"}, "-x-"),
    ({"format": "ipv6"}, "fe80::1%eth0"),
    ({"format": "uuid"}, "123e4567e89b12d3a456426614174000"),
])
def test_edge_cases_agree(schema: Any, instance: Any) -> None:
    assert_same(schema, instance)


HUGE = 10 ** 400


@pytest.mark.parametrize(("schema", "instance", "multiple"), [
    ({"multipleOf": 0.5}, HUGE, True),
    ({"multipleOf": 0.5}, -HUGE - 1, True),
    ({"multipleOf": 0.3}, HUGE, False),  # the float 0.3 is 5404319552844595 / 2**54
    ({"multipleOf": 0.5}, float("inf"), False),  # a log's 1e999
    ({"multipleOf": 0.5}, float("nan"), False),
    ({"multipleOf": HUGE}, 1.5, False),  # a float % a huge integer
    ({"multipleOf": HUGE}, 0.0, True),
    ({"multipleOf": HUGE}, 3 * HUGE, True),
], ids=["huge/0.5", "-huge/0.5", "huge/0.3", "inf/0.5", "nan/0.5", "1.5/huge", "0.0/huge",
        "3huge/huge"])
def test_multiple_of_is_exact_where_jsonschema_raises(schema: Any, instance: Any,
                                                      multiple: bool) -> None:
    """Found by fuzzing: jsonschema divides before its own OverflowError guard (int too
    large to convert to float), and that guard's fractions cannot hold an infinity, so the
    reference raises here. Both paths give the exact answer, in jsonschema's words."""
    fast = compile_schema(schema)(instance)
    assert fast == compile_validator({**schema, "unevaluatedItems": True})(instance)
    if multiple:
        assert fast == []
    else:
        [violation] = fast
        assert (violation.keyword, violation.schema_path) == ("multipleOf", ("multipleOf",))
        assert violation.message == f"{instance!r} is not a multiple of {schema['multipleOf']}"
