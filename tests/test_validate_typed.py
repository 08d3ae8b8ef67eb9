"""Payload decoders (typed.py) say yes only where the compiled engine and the name checks do."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from protocols.plan import load_plan
from protocols.validate.check.engine import compile_checks
from protocols.validate.check.shape import compile_clean, compile_shape
from protocols.validate.check.typed import PayloadDecoder, payload_decoder
from tests.conftest import REPO
from tests.schema_strategies import DEFS, STRINGS, instances_for, plan_like_schemas

FORMATS = ["email", "uri", "date-time", "date", "unknown-format"]
PATTERNS = ["^[a-z_]+$", "[0-9]", "^(a|b)+$", "^[A-Z][a-z]*$"]
BOUNDS = [0, 1, 1.5, -1, 10, 2**64, 0.1]


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    kind = draw(st.sampled_from(["string", "number", "integer", "boolean", "enum", "null",
                                 "list", "nullable", "any"]))
    schema: dict[str, Any] = {"description": "x"} if draw(st.booleans()) else {}
    if kind == "string":
        schema["type"] = "string"
        for key, values in (("minLength", [0, 1, 3]), ("maxLength", [0, 2, 6]),
                            ("format", FORMATS), ("pattern", PATTERNS)):
            if draw(st.integers(0, 3)) == 0:
                schema[key] = draw(st.sampled_from(values))
    elif kind in ("number", "integer"):
        schema["type"] = kind if draw(st.integers(0, 3)) else [kind, "null"]
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if draw(st.integers(0, 2)) == 0:
                schema[key] = draw(st.sampled_from(BOUNDS))
        if draw(st.integers(0, 2)) == 0:
            schema["multipleOf"] = draw(st.sampled_from([1, 2, 0.5, 0.1, 2**64]))
    elif kind == "enum":
        schema["enum"] = draw(st.lists(st.sampled_from([*STRINGS, 0, 1, 7, None, 1.5, True]),
                                       min_size=1, max_size=3, unique_by=repr))
        if draw(st.booleans()):
            schema["type"] = draw(st.sampled_from(["string", "integer", "number", "null",
                                                   ["string", "null"], ["integer", "string"]]))
        for key in ("minLength", "maxLength"):
            if draw(st.integers(0, 2)) == 0:
                schema[key] = draw(st.integers(0, 4))
    elif kind == "list":
        schema["type"] = draw(st.sampled_from([["string", "null"], ["number", "string"],
                                               ["integer", "boolean"], ["string", "object"]]))
        if "string" in schema["type"] and draw(st.booleans()):  # (a nullable string's)
            key = draw(st.sampled_from(["format", "pattern"]))
            schema[key] = draw(st.sampled_from(FORMATS if key == "format" else PATTERNS))
    elif kind == "nullable":
        schema = {"anyOf": [{"$ref": "#/$defs/Product"}, {"type": "null"}]}
    elif kind == "any":  # no keyword but annotations: any value (Typewriter's "any" type)
        schema = {"description": "any value", "x-note": 1} if draw(st.booleans()) else {}
    else:
        schema["type"] = kind
    if draw(st.integers(0, 3)) == 0:
        schema["deprecated"] = True
    return schema


def _objects(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    @st.composite
    def build(draw: st.DrawFn) -> Any:
        shape = draw(st.sampled_from(["object", "array", "ref"]))
        if shape == "ref":
            return {"$ref": "#/$defs/Product"}
        if shape == "array":
            schema: dict[str, Any] = {"type": "array", "items": draw(inner)}
            for key in ("minItems", "maxItems"):
                if draw(st.booleans()):
                    schema[key] = draw(st.integers(0, 3))
            return schema
        names = draw(st.lists(st.sampled_from(["order_id", "total", "sku", "price", "a", "b",
                                               "products"]), max_size=5, unique=True))
        schema = {"type": "object", "properties": {n: draw(inner) for n in names}}
        if names:
            schema["required"] = draw(st.lists(st.sampled_from(names), unique=True))
        if draw(st.integers(0, 3)) == 0:
            schema["additionalProperties"] = draw(st.booleans())
        return schema
    return build()


@st.composite
def payloads(draw: st.DrawFn) -> dict[str, Any]:
    properties = draw(st.dictionaries(st.sampled_from(["order_id", "total", "currency", "sku",
                                                       "products", "note"]),
                                      st.recursive(leaves(), _objects, max_leaves=5),
                                      max_size=5))
    required = draw(st.lists(st.sampled_from(sorted(properties) or ["order_id"]), unique=True))
    return {"type": "object", "properties": properties, "required": required, "$defs": DEFS}


def _check(schema: dict[str, Any], instance: Any) -> None:
    decoder = payload_decoder(schema)
    if decoder is None:
        event("no decoder")
        return
    text = json.dumps(instance).encode()
    try:
        decoded = decoder.decode(text)
    except ValueError:
        event("refused")
        return
    event("accepted")
    assert compile_checks(schema)[0](instance), "accepted what the engine refuses"
    shape = compile_shape(schema, "warn")
    assert shape is None or compile_clean(shape)(instance), "accepted an unplanned name"
    assert decoded == instance
    assert _types(decoded) == _types(instance)


def _says(decoder: PayloadDecoder, instance: Any, accepted: bool) -> None:
    """The decoder takes ``instance`` (giving it back as it is), or refuses it."""
    text = json.dumps(instance).encode()
    if accepted:
        assert decoder.decode(text) == instance
    else:
        with pytest.raises(ValueError):
            decoder.decode(text)


def _types(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_yes_of_the_decoder_is_a_yes_of_the_engine(data: st.DataObject) -> None:
    schema = data.draw(payloads())
    _check(schema, data.draw(instances_for(schema)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_the_engine_s_own_strategies_too(data: st.DataObject) -> None:
    whole = data.draw(plan_like_schemas())
    payload = whole["properties"]["properties"]
    if not isinstance(payload, dict):
        return
    schema = {**payload, "$defs": DEFS}
    _check(schema, data.draw(instances_for(schema)))


@pytest.mark.parametrize("plan", ["plans/ecommerce.yaml", "tests/validate/lane_plan.yaml"])
def test_plan_payloads_get_decoders(plan: str) -> None:
    specs = list(load_plan(REPO / plan).messages())
    typed = [spec.label for spec in specs if payload_decoder(spec.schema) is not None]
    if plan == "plans/ecommerce.yaml":
        assert len(typed) == len(specs)  # every event, identify and group
    else:  # uniqueItems and a recursive type are left to Python
        assert "Order Completed" not in typed and 'Product Viewed' not in typed
        assert len(typed) == len(specs) - 2


def test_a_property_of_any_value_keeps_its_payload_typed() -> None:
    # Segment's "any" type is a property schema with only a description: every value passes,
    # with every name inside it (a value of no planned shape has no unplanned names).
    schema = {"type": "object", "required": ["any"],
              "properties": {"any": {"description": "any value"}, "n": {"type": "integer"}}}
    decoder = payload_decoder(schema)
    assert decoder is not None
    for value in ({"deep": [1, {"x": None}]}, [1, "a"], "text", None, 1.5, True):
        assert decoder.decode(json.dumps({"any": value}).encode()) == {"any": value}
    with pytest.raises(ValueError):
        decoder.decode(b'{"any": 1, "n": "one"}')  # the other properties are still checked
    with pytest.raises(ValueError):
        decoder.decode(b'{"n": 1}')  # and an "any" property still has to be sent


def test_a_nullable_string_with_a_pattern_or_format_keeps_its_payload_typed() -> None:
    # (``nullable: true`` in a plan: type [string, null]; the pattern holds strings only)
    schema = {"type": "object", "properties": {
        "who": {"type": ["string", "null"], "pattern": "Evil Morty|Lawyer Morty"},
        "mail": {"type": ["null", "string"], "format": "email"}}}
    decoder = payload_decoder(schema)
    assert decoder is not None
    for good in ({"who": None}, {"who": "Evil Morty"}, {"mail": None}, {"mail": "a@b.example"}):
        _says(decoder, good, True)
    for bad in ({"who": "Rick"}, {"who": 1}, {"mail": "not an email"}, {"mail": False}):
        _says(decoder, bad, False)
        assert not compile_checks(schema)[0](bad)  # (the engine refuses them too)


@pytest.mark.parametrize(("node", "value", "accepted"), [
    # An option the node's other keywords refuse is never valid (the lane once said yes to
    # "a" here, which the engine refuses: a message counted valid with a finding in it).
    ({"enum": ["a", "bbb"], "minLength": 2}, "a", False),
    ({"enum": ["a", "bbb"], "minLength": 2}, "bbb", True),
    ({"const": "bbb", "maxLength": 2}, "bbb", None),  # (no option left: no decoder)
    ({"enum": ["a", "bbb"], "maxLength": 1, "type": "string"}, "bbb", False),
    # Integers and null, with or without a type that narrows them.
    ({"enum": [1, "x", None]}, 1, True), ({"enum": [1, "x", None]}, None, True),
    ({"enum": [1, "x", None]}, True, False), ({"enum": [1, "x", None]}, 2, False),
    ({"enum": [1, "x", None], "type": "integer"}, "x", False),
    ({"enum": [1, "x", None], "type": "integer"}, 1, True),
    ({"enum": [1, "x", None], "type": ["string", "null"]}, None, True),
    ({"enum": [1, "x", None], "type": ["string", "null"]}, 1, False),
    # A float or a bool option is left to the engine (1.0 is 1 to JSON Schema; true is not).
    ({"enum": [1.5, "x"]}, 1.5, None), ({"enum": [True, 1]}, 1, None),
    # An integer beyond 64 bits: msgspec's Literal cannot hold it (it raised).
    ({"enum": [2**64, "x"]}, 2**64, None), ({"enum": [-2**63 - 1]}, -2**63 - 1, None),
])
def test_enums_say_yes_only_to_what_the_engine_accepts(node: dict[str, Any], value: Any,
                                                       accepted: bool | None) -> None:
    schema = {"type": "object", "properties": {"c": node}, "required": ["c"]}
    decoder = payload_decoder(schema)
    if accepted is None:
        assert decoder is None
        return
    assert decoder is not None
    _says(decoder, {"c": value}, accepted)
    assert compile_checks(schema)[0]({"c": value}) is accepted


@pytest.mark.parametrize(("node", "value"), [
    ({"type": "integer", "multipleOf": 2}, 4), ({"type": "integer", "multipleOf": 2}, 3),
    ({"type": "number", "multipleOf": 0.1}, 0.3), ({"type": "number", "multipleOf": 0.1}, 0.35),
    ({"type": ["integer", "null"], "multipleOf": 5}, None),
])
def test_multiple_of_is_the_engine_s_own_check(node: dict[str, Any], value: Any) -> None:
    schema = {"type": "object", "properties": {"n": node}}
    decoder = payload_decoder(schema)
    assert decoder is not None  # (Snowplow's schemas use it: 21 of iglu-central's)
    _says(decoder, {"n": value}, compile_checks(schema)[0]({"n": value}))


@pytest.mark.parametrize(("value", "valid"), [
    (2**62, True), (2**62 + 1, False), (2**70, False),  # exact, beyond 53 bits too
    (1.5, False), (2, True), (1, False), (2.0, True), (4.6e18, True), (4.7e18, False)])
def test_numbers_are_compared_exactly(value: Any, valid: bool) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 1.5,
                                                     "maximum": 2**62}}}
    decoder = payload_decoder(schema)
    assert decoder is not None
    assert compile_checks(schema)[0]({"n": value}) is valid
    _says(decoder, {"n": value}, valid)


@pytest.mark.parametrize(("instance", "accepted"), [
    ({"order_id": "o1"}, True), ({"order_id": "o1", "discount": 1}, False),  # deprecated
    ({"order_id": "o1", "gift": True}, False),  # unplanned
    ({"order_id": "o1", "products": [{"product_id": "p", "legacy": "x"}]}, False),
    ({"order_id": "o1", "products": [{"product_id": "p", "url": "https://a.b/c"}]}, True),
    ({"order_id": "o1", "products": [{"product_id": "p", "url": "a.b/c"}]}, False),  # format
    ({"order_id": "o1", "code": "AB1"}, True), ({"order_id": "o1", "code": "ab1"}, False),
    ({}, False), ({"order_id": 3}, False)])
def test_names_formats_and_patterns(instance: dict[str, Any], accepted: bool) -> None:
    schema = {"type": "object", "required": ["order_id"], "properties": {
        "order_id": {"type": "string"},
        "discount": {"type": "number", "deprecated": True},
        "code": {"type": "string", "pattern": "^[A-Z0-9]+$"},
        "products": {"type": "array", "items": {"$ref": "#/$defs/Item"}}},
        "$defs": {"Item": {"type": "object", "required": ["product_id"], "properties": {
            "product_id": {"type": "string"}, "url": {"type": "string", "format": "uri"},
            "legacy": {"type": "string", "deprecated": True}}}}}
    decoder = payload_decoder(schema)
    assert decoder is not None
    _says(decoder, instance, accepted)


def test_a_deprecated_named_type_declines_through_aliases_and_nullable(tmp_path: Any) -> None:
    # The typed lane once followed one $ref only: a deprecated type used as `nullable`, or
    # through an alias, was accepted with no finding, where the full path warns (PV209).
    from typer.testing import CliRunner

    from protocols import Validator
    from protocols.cli import app

    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "protocols: 1\nplan: p\ntypes:\n"
        "  Old: {type: string, deprecated: true}\n  Alias: {type: Old}\n"
        "events:\n  Signed In:\n    properties:\n"
        "      a: {type: Old, nullable: true}\n      b: {type: Alias}\n      c: {type: Old}\n",
        "utf-8")
    messages = [{"type": "track", "event": "Signed In", "userId": "u", "messageId": "1",
                 "timestamp": "2026-01-01T00:00:00Z", "properties": {name: "x"}}
                for name in "abc"]
    log = tmp_path / "log.ndjson"
    log.write_text("".join(json.dumps(m) + "\n" for m in messages), "utf-8")
    full = Validator(load_plan(plan))
    assert [[d.code for d in full.validate(m)] for m in messages] == [["PV209"]] * 3
    result = CliRunner().invoke(app, ["validate", "--plan", str(plan), str(log), "-f", "json"])
    found = [(d["code"], d["line"]) for d in json.loads(result.output)["diagnostics"]]
    assert found == [("PV209", 1), ("PV209", 2), ("PV209", 3)]


def test_a_named_type_is_built_once_however_often_it_is_used() -> None:
    """Found by review of docs: each use of a named type built its struct again, so ten
    properties of the next type nine levels deep (10**9 structs) never let validate start;
    five levels built 11,112."""
    from protocols.validate.check.typed import _Builder

    levels = 5
    defs: dict[str, Any] = {f"T{level}": {"type": "object", "properties": {
        f"p{i}": {"$ref": f"#/$defs/T{level + 1}"} for i in range(10)}} for level in range(levels)}
    defs[f"T{levels}"] = {"type": "string", "maxLength": 3}
    schema = {"type": "object", "properties": {"root": {"$ref": "#/$defs/T0"}}, "$defs": defs}
    builder = _Builder(defs)
    builder.build(schema, True)
    assert builder.structs == levels + 1  # the payload and each object type, once
    decoder = payload_decoder(schema)
    assert decoder is not None
    deep = {"p3": {"p1": {"p9": {"p0": {"p2": "abc"}}}}}
    assert decoder.decode(json.dumps({"root": deep}).encode()) == {"root": deep}
    for bad in ({"p3": {"p1": {"p9": {"p0": {"p2": "abcd"}}}}}, {"p3": {"zz": {}}}):
        with pytest.raises(ValueError):
            decoder.decode(json.dumps({"root": bad}).encode())
