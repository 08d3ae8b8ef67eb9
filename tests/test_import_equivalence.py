"""Proof that an imported Segment plan accepts exactly the messages its source schemas accept.

For each event, hypothesis generates payloads shaped by the source schema (mostly valid: the
right types, enum members, required keys), the same payloads with one value replaced or one key
removed (mostly invalid), and arbitrary objects over the same property names.
(hypothesis-jsonschema 0.23 does not work with current hypothesis, so the strategy is here.) The
verdict of the reference validator on the source JSON Schema (draft-07, as Segment writes it)
must equal its verdict on the imported plan's payload schema, and on the plan's whole-message
schema for the same message.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import event as count_as
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from protocols.interop import dump_plan, segment_to_plan
from protocols.interop.schema2plan import SEGMENT_NOISE
from protocols.interop.segment import MESSAGE_FIELDS
from protocols.plan import load_plan
from protocols.plan.model import Plan
from tests.conftest import FIXTURES, fixture_missing
from tests.test_import_segment import PUBLIC_API

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8,
)

# Values that sit on the edges the import must get right: null (nullable vs enums), the wrong
# JSON type, empty containers, integers vs floats.
EDGE_VALUES = st.none() | st.sampled_from(["", "x", 0, -1, 1.5, True, [], {}, [None]]) | JSON_VALUES


def source_payloads(export: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Event name -> the payload JSON Schema of its (highest-version) source rule."""
    found: dict[str, tuple[int, dict[str, Any]]] = {}
    rules = export["rules"]
    items = ([(r["key"], r.get("version", 1), r["jsonSchema"]) for r in rules
              if r["type"] == "TRACK"] if isinstance(rules, list)
             else [(e["name"], e.get("version", 1), e["rules"]) for e in rules["events"]])
    for name, version, schema in items:
        props = schema.get("properties") or {}
        if props and set(props) <= MESSAGE_FIELDS and "properties" in props:
            schema = props["properties"] or {}
        if name not in found or version >= found[name][0]:
            found[name] = (version, _strip(schema))
    return {name: schema for name, (_, schema) in found.items()}


def _strip(schema: Any) -> Any:
    """The schema without Segment's annotations (hypothesis-jsonschema refuses unknown `id`s)."""
    if isinstance(schema, dict):
        return {k: _strip(v) for k, v in schema.items()
                if k not in SEGMENT_NOISE and k != "key"}
    if isinstance(schema, list):
        return [_strip(v) for v in schema]
    return schema


@cache
def imported(name: str) -> tuple[dict[str, dict[str, Any]], Plan]:
    if name == "inline":
        # The richest version of the sample event, and the odd-named one.
        export: Mapping[str, Any] = {"rules": [PUBLIC_API["rules"][0],  # type: ignore[index]
                                               PUBLIC_API["rules"][4]]}  # type: ignore[index]
    else:
        export = json.loads((FIXTURES / "segment-typewriter" / name).read_text("utf-8"))
    data, _ = segment_to_plan(export, plan_id="equivalence")
    with tempfile.TemporaryDirectory(prefix="protocols-equivalence-") as folder:
        out = Path(folder) / "imported.yaml"
        out.write_text(dump_plan(data), encoding="utf-8")
        return source_payloads(export), load_plan(out)


def cases() -> list[Any]:
    found = [pytest.param("inline", event, id=f"inline-{event}")
             for event in ("Order Completed", "42_--terrible==\\\"event'++name~!3")]
    for name in ("plan.json", "plan-v1.json"):
        path = FIXTURES / "segment-typewriter" / name
        if not path.exists():
            found.append(pytest.param(name, "", marks=pytest.mark.skip(
                reason=fixture_missing("segment-typewriter", name))))
            continue
        export = json.loads(path.read_text("utf-8"))
        found.extend(pytest.param(name, event, id=f"{name}-{event}")
                     for event in source_payloads(export))
    return found


def shaped(schema: Any) -> st.SearchStrategy[Any]:
    """Values shaped by a draft-07 schema: usually valid, never guaranteed (the oracle decides)."""
    if not isinstance(schema, dict):
        return JSON_VALUES
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "const" in schema:
        return st.just(schema["const"])
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return st.one_of([shaped(member) for member in schema[key]])
    kinds = schema.get("type")
    if kinds is None:
        return JSON_VALUES
    if isinstance(kinds, list):
        return st.one_of([shaped({**schema, "type": kind}) for kind in kinds])
    if kinds == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"])
        return st.text(max_size=8)
    if kinds == "integer":
        return st.integers(int(schema.get("minimum", -(2**53))), 2**53)
    if kinds == "number":
        low = schema.get("minimum")
        return st.floats(min_value=low, allow_nan=False, allow_infinity=False) | st.integers(
            int(low) if low is not None else None)
    if kinds == "boolean":
        return st.booleans()
    if kinds == "null":
        return st.none()
    if kinds == "array":
        return st.lists(shaped(schema.get("items", {})), max_size=3)
    if kinds == "object":
        props = schema.get("properties") or {}
        required = [name for name in schema.get("required", []) if name in props]
        return st.fixed_dictionaries(
            {name: shaped(props[name]) for name in required},
            optional={name: shaped(sub) for name, sub in props.items() if name not in required})
    return JSON_VALUES


def mutate(payload: Any, data: st.DataObject) -> Any:
    """Replace one value somewhere in the payload, or remove one key."""
    if isinstance(payload, dict) and payload:
        key = data.draw(st.sampled_from(sorted(payload)))
        action = data.draw(st.sampled_from(["replace", "remove", "descend"]))
        copy = dict(payload)
        if action == "remove":
            del copy[key]
        elif action == "replace":
            copy[key] = data.draw(EDGE_VALUES)
        else:
            copy[key] = mutate(copy[key], data)
        return copy
    if isinstance(payload, list) and payload:
        index = data.draw(st.integers(0, len(payload) - 1))
        copy_list = list(payload)
        copy_list[index] = mutate(copy_list[index], data)
        return copy_list
    return data.draw(EDGE_VALUES)


@pytest.mark.parametrize(("source", "event"), cases())
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_imported_plan_gives_the_same_verdicts_as_the_source(source: str, event: str,
                                                              data: st.DataObject) -> None:
    schemas, plan = imported(source)
    original = schemas[event]
    spec = plan.events[event]
    names = sorted(original.get("properties") or {})
    valid = data.draw(shaped(original), label="shaped")
    candidate = data.draw(st.sampled_from(["shaped", "mutated", "mutated", "arbitrary"]), label="kind")
    if candidate == "mutated":
        payload = mutate(valid, data)
    elif candidate == "arbitrary":
        keys = st.sampled_from(names) if names else st.text(max_size=4)
        payload = data.draw(st.dictionaries(keys, EDGE_VALUES, max_size=len(names) + 1))
    else:
        payload = valid
    expected = Draft7Validator(original).is_valid(payload)
    count_as(f"source says {'valid' if expected else 'invalid'}")
    assert Draft202012Validator(spec.schema).is_valid(payload) == expected, payload
    message = {"type": "track", "event": event, "properties": payload}
    assert Draft202012Validator(plan.message_schema(spec)).is_valid(message) == expected


def minimal(schema: Any) -> Any:
    """A small value the schema is likely to accept, built without search."""
    if not isinstance(schema, dict):
        return None
    if schema.get("enum"):
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kinds = schema.get("type")
    kind = kinds[0] if isinstance(kinds, list) and kinds else kinds
    if kind == "string":
        pattern = schema.get("pattern")
        return "" if pattern is None else find(st.from_regex(pattern), lambda _: True)
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "array":
        return []
    if kind == "object":
        props = schema.get("properties") or {}
        return {name: minimal(props.get(name)) for name in schema.get("required", [])}
    return {"boolean": False}.get(str(kind))


EDGES: list[Any] = [None, "", "x", 0, -1, 1.5, 2**60, True, [], {}, [None], {"a": None}]


def edge_payloads(schema: Mapping[str, Any], base: Any) -> list[Any]:
    """``base`` with one property (at any depth) set to each edge value or removed."""
    found: list[Any] = []
    props = schema.get("properties") or {}
    if not isinstance(base, dict):
        return found
    for name, sub in props.items():
        values = [*EDGES, *(sub.get("enum") or [])] if isinstance(sub, dict) else EDGES
        found.extend({**base, name: value} for value in values)
        found.append({k: v for k, v in base.items() if k != name})
        if isinstance(sub, dict) and isinstance(base.get(name), dict):
            found.extend({**base, name: inner} for inner in edge_payloads(sub, base[name]))
        items = sub.get("items") if isinstance(sub, dict) else None
        if isinstance(items, dict):
            found.extend({**base, name: [value]} for value in EDGES)
            if isinstance(base.get(name), list) and base[name] and isinstance(base[name][0], dict):
                found.extend({**base, name: [inner]}
                             for inner in edge_payloads(items, base[name][0]))
    return found


@pytest.mark.parametrize(("source", "event"), cases())
def test_every_property_edge_gives_the_same_verdict(source: str, event: str) -> None:
    """Deterministic sweep: each property of a valid payload set to each edge value."""
    schemas, plan = imported(source)
    original = schemas[event]
    spec = plan.events[event]
    source_validator = Draft7Validator(original)
    base = minimal(original)
    if not source_validator.is_valid(base):
        base = find(shaped(original), source_validator.is_valid,
                    settings=settings(database=None, max_examples=300))
    plan_validator = Draft202012Validator(spec.schema)
    for payload in [base, *edge_payloads(original, base)]:
        assert plan_validator.is_valid(payload) == source_validator.is_valid(payload), payload
