"""Any JSON Schema, however odd, imports into a plan that loads, and means the same.

Schemas are generated from JSON Schema keywords with valid and invalid values; every imported
plan must load (what the plan keys cannot say is kept raw). For generated schemas that are
valid draft-07, the reference validator must give the same verdict on the source schema and on
the imported plan's payload schema, for generated payloads.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator
from jsonschema.exceptions import SchemaError

from protocols.interop import InteropError, dump_plan, segment_to_plan
from protocols.plan import load_plan

SCALARS = (st.none() | st.booleans() | st.integers(-3, 3) | st.floats(-3, 3, allow_nan=False)
           | st.sampled_from(["", "a", "ab", "x@y.z", "2024-01-01T00:00:00Z"]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3),
                    max_leaves=6)
TYPES = st.sampled_from(["string", "integer", "number", "boolean", "object", "array", "null"])
NAMES = st.sampled_from(["a", "b", "c", "Odd Name", "yes", "<<"])


def schemas(depth: int = 3) -> st.SearchStrategy[Any]:
    leaf: st.SearchStrategy[Any] = st.fixed_dictionaries({}, optional={
        "type": TYPES | st.lists(TYPES, min_size=1, max_size=3, unique=True)
        | st.sampled_from([["string", "null"], ["integer", "null"]]),
        "enum": st.lists(SCALARS, min_size=1, max_size=3),
        "const": SCALARS,
        "minimum": st.integers(-2, 2), "maximum": st.integers(-2, 2),
        "minLength": st.integers(0, 2), "pattern": st.sampled_from(["^a", "b$", "x"]),
        "format": st.sampled_from(["email", "date-time"]),
        "description": st.sampled_from(["", "d"]),
        "multipleOf": st.sampled_from([0.5, 2]),
        "id": st.just("/properties/x"),
    })
    if depth == 0:
        return leaf | st.booleans()
    inner = schemas(depth - 1)
    return leaf | st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["object", ["object", "null"], "array"]),
        "properties": st.dictionaries(NAMES, inner, max_size=3),
        "required": st.lists(NAMES, max_size=2, unique=True),
        "items": inner,
        "additionalProperties": st.booleans() | inner,
        "anyOf": st.lists(inner, min_size=1, max_size=2),
        "not": inner,
        "patternProperties": st.dictionaries(st.just("^c"), inner, max_size=1),
        "minProperties": st.integers(0, 2),
    })


def import_payload(schema: Any) -> Any:
    rule = {"type": "TRACK", "key": "E", "jsonSchema": {
        "type": "object", "properties": {"p": schema, "q": {"type": "string"}},
        "required": ["q"]}}
    data, _ = segment_to_plan({"rules": [rule]}, plan_id="fuzz")
    with tempfile.TemporaryDirectory(prefix="protocols-fuzz-") as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(dump_plan(data), encoding="utf-8")
        return rule["jsonSchema"], load_plan(path).events["E"].schema


# A required key `properties` does not list is governed by patternProperties, else by
# additionalProperties (false: nothing passes), not planned as any value.
@example(schema={"type": "object", "required": ["b"], "properties": {},
                 "additionalProperties": False}, payloads=[{"q": "s", "p": {"b": None}}])
@example(schema={"type": "object", "required": ["b"], "additionalProperties": {"type": "string"},
                 "patternProperties": {"^x": {"type": "integer"}}},
         payloads=[{"q": "s", "p": {"b": 1}}, {"q": "s", "p": {"b": "s"}}])
@example(schema={"type": "object", "required": ["c"], "patternProperties": {"^c": False}},
         payloads=[{"q": "s", "p": {"c": 1}}, {"q": "s", "p": {}}])  # a boolean schema governs c
@example(schema={"type": "object", "required": ["xb"], "patternProperties": {"^x": {"type": "integer"}}},
         payloads=[{"q": "s", "p": {"xb": 1}}, {"q": "s", "p": {"xb": "s"}}])
@example(schema={"type": ["string", "null"], "enum": ["a"]}, payloads=[{"q": "s", "p": None}])
@example(schema={"type": ["integer", "null"], "const": 1}, payloads=[{"q": "s", "p": None}])
@example(schema={"anyOf": [{"enum": ["a"]}, {"type": "null"}]},
         payloads=[{"q": "s", "p": None}, {"q": "s", "p": "b"}])
@example(schema={"type": "object", "properties": {"a": {"type": "string"}},
                 "additionalProperties": False},
         payloads=[{"q": "s", "p": {"a": "x", "b": 1}}])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas(), payloads=st.lists(
    st.fixed_dictionaries({"q": st.sampled_from(["s", 1])}, optional={"p": st.none() | JSON}),
    min_size=1, max_size=8))
def test_any_schema_imports_loads_and_keeps_its_verdicts(schema: Any,
                                                         payloads: list[Any]) -> None:
    try:
        source, imported = import_payload(schema)
    except InteropError:
        return  # only for nesting beyond what a plan can hold
    try:
        Draft7Validator.check_schema(source)
    except SchemaError:
        return  # an invalid schema has no verdicts to keep
    for payload in payloads:
        expected = Draft7Validator(source).is_valid(payload)
        assert Draft202012Validator(imported).is_valid(payload) == expected, payload
