"""compile_validator's contract: SchemaViolation records, both paths, safe to rebuild anywhere."""

from __future__ import annotations

import pickle
from typing import Any

from protocols.plan import load_plan
from protocols.validate.check.engine import SchemaCheck, SchemaViolation, compile_validator
from protocols.validate.check.fastschema import compile_schema
from tests.conftest import REPO

ORDER = {"type": "object", "required": ["order_id", "it's"],
         "properties": {"order_id": {"type": "string"}, "total": {"type": "number"}},
         "additionalProperties": False}


class LazyCheck:
    """Like the picklable Validator: keeps the schema, compiles again after unpickling."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.schema = schema
        self._check: SchemaCheck | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {"schema": self.schema, "_check": None}

    def __call__(self, instance: Any) -> list[SchemaViolation]:
        if self._check is None:
            self._check = compile_validator(self.schema)
        return self._check(instance)


def test_violations_carry_keyword_paths_value_and_detail() -> None:
    found = compile_validator(ORDER)({"total": "12", "coupon": "X"})
    assert [(v.keyword, v.instance_path, v.schema_path, v.detail) for v in found] == [
        ("required", (), ("required",), "order_id"),
        ("required", (), ("required",), "it's"),
        ("type", ("total",), ("properties", "total", "type"), "number"),
        ("additionalProperties", (), ("additionalProperties",), ["coupon"]),
    ]
    assert found[2].value == "12"
    assert found[2].message == "'12' is not of type 'number'"


def test_the_fallback_path_gives_the_same_records() -> None:
    # unevaluatedProperties is not compiled: the whole schema runs on jsonschema.
    fallback = compile_validator({**ORDER, "unevaluatedProperties": True})
    fast = compile_validator(ORDER)
    instance = {"total": "12", "coupon": "X"}
    assert fallback(instance) == fast(instance)


def test_a_check_survives_pickling_its_owner_and_runs_in_a_fresh_process_state() -> None:
    plan = load_plan(REPO / "plans" / "ecommerce.yaml")
    schema = plan.message_schema(plan.events["Order Completed"])
    owner = LazyCheck(schema)
    message = {"type": "track", "event": "Order Completed",
               "properties": {"order_id": "o1", "currency": "USD", "total": "3", "products": []}}
    before = owner(message)
    clone = pickle.loads(pickle.dumps(owner))
    assert clone._check is None
    assert clone(message) == before
    assert [v.keyword for v in before] == ["type"]


def test_compiling_twice_shares_no_state() -> None:
    first, second = compile_schema(ORDER), compile_schema(ORDER)
    assert first({"order_id": 1}) == second({"order_id": 1})
    assert [v.detail for v in first({"order_id": "a", "it's": 1})] == [["it's"]]


def test_real_plans_never_fall_back_to_jsonschema() -> None:
    for path in sorted((REPO / "plans").glob("*.yaml")):
        plan = load_plan(path)
        for spec in plan.messages():
            compile_schema(plan.message_schema(spec))  # raises Unsupported on fallback
