"""The Validator, case by case (tests/validate/cases.yaml), plus pickling and odd input."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
import yaml

import protocols
from protocols.diagnostics import Severity
from protocols.validate.codes import CODES
from tests.conftest import REPO

HERE = REPO / "tests" / "validate"
CASES = yaml.safe_load((HERE / "cases.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def validator() -> protocols.Validator:
    return protocols.Validator(protocols.load_plan(HERE / "plan.yaml"))


def test_a_column_places_every_finding_where_the_message_starts(
        validator: protocols.Validator) -> None:
    # (an element of a JSON array starts inside its line: validate passes its column)
    case = next(c for c in CASES if len(c["expect"]) > 1)
    without = validator.validate(case["message"], file="log.ndjson", line=1)
    found = validator.validate(case["message"], file="log.ndjson", line=1, column=4051)
    assert [(d.code, d.path, d.line) for d in found] == \
        [(d.code, d.path, d.line) for d in without]
    assert {d.column for d in found} == {4051}
    assert str(found[0].location) == "log.ndjson:1:4051"
    assert validator.check(case["message"], line=1, column=9)[0][0].column == 9
    assert validator.validate({}, line=1, column=3)[0].column == 3  # the envelope's too


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case(case: dict[str, Any], validator: protocols.Validator) -> None:
    found = validator.validate(case["message"], file="log.ndjson", line=7)
    assert sorted((d.code, d.path) for d in found) == sorted(
        (e["code"], e.get("path")) for e in case["expect"]), [d.message for d in found]
    for want in case["expect"]:
        got = next(d for d in found if (d.code, d.path) == (want["code"], want.get("path")))
        assert (got.file, got.line) == ("log.ndjson", 7)
        assert got.severity is Severity(want.get("severity", CODES[got.code].default.value))
        if "suggestion" in want:
            assert got.suggestion == want["suggestion"]
        if "event" in want:
            assert got.event == want["event"]
        if "message" in want:
            assert want["message"] in got.message
        if "rule_line" in want:
            assert got.related is not None
            assert Path(got.related.file).name == "plan.yaml"
            assert got.related.line == want["rule_line"]


def test_every_payload_and_spec_code_has_a_failing_case() -> None:
    covered = {e["code"] for case in CASES for e in case["expect"]}
    reading = {"PV001", "PV002", "PV003", "PV004", "PV005", "PV006"}  # (the input readers)
    assert set(CODES) - reading <= covered, sorted(set(CODES) - reading - covered)


def test_every_code_is_documented_with_examples() -> None:
    from protocols.docgen import render

    text = render()
    for code in CODES.values():
        assert "Failing" in code.doc and "Passing" in code.doc, code.code
        assert f"### {code.code} {code.name}" in text


def test_plan_policy_allow_reports_no_unplanned_property(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: p\nadditional_properties: allow\nevents:\n"
                    "  Signed In:\n    properties:\n      method: {type: string}\n", "utf-8")
    validator = protocols.Validator(protocols.load_plan(plan))
    message = {"type": "track", "event": "Signed In", "userId": "u",
               "properties": {"method": "x", "extra": 1}}
    assert validator.validate(message) == []


def test_rules_of_a_named_type_are_quoted_in_the_message(tmp_path: Path) -> None:
    # The engine's schema path stops at `{$ref: "#/$defs/Code"}`; the message must still quote
    # the type's own pattern and enum (it once said "the pattern null"), and a value spelt
    # with another case is value drift there as it is for an inline enum.
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "protocols: 1\nplan: p\ntypes:\n"
        "  Code: {type: string, pattern: '^[A-Z]{3}$'}\n"
        "  Tier: {type: string, enum: [gold, silver]}\n"
        "events:\n  Signed In:\n    properties:\n"
        "      code: {type: Code}\n      codes: {type: array, items: {type: Code}}\n"
        "      tier: {type: Tier}\n", "utf-8")
    validator = protocols.Validator(protocols.load_plan(plan))
    message = {"type": "track", "event": "Signed In", "userId": "u",
               "properties": {"code": "ab", "codes": ["x"], "tier": "Gold"}}
    found = {d.path: d for d in validator.validate(message)}
    assert found["properties.code"].message.endswith('does not match the pattern "^[A-Z]{3}$"')
    assert found["properties.codes[0]"].message.endswith('the pattern "^[A-Z]{3}$"')
    assert (found["properties.tier"].code, found["properties.tier"].suggestion) == (
        "PV303", "gold")
    message["properties"] = {"code": "ABC", "tier": "bronze"}
    [tier] = validator.validate(message)
    assert tier.message == 'properties.tier is "bronze", not one of "gold", "silver"'


def test_plan_policy_error_makes_unplanned_properties_errors(tmp_path: Path) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text("protocols: 1\nplan: p\nadditional_properties: error\nevents:\n"
                    "  Signed In:\n    properties:\n      method: {type: string}\n", "utf-8")
    validator = protocols.Validator(protocols.load_plan(plan))
    message = {"type": "track", "event": "Signed In", "userId": "u",
               "properties": {"method": "x", "extra": 1, "Method2": 2}}
    found = validator.validate(message)
    assert [(d.code, d.path, d.severity) for d in found] == [
        ("PV207", "properties.extra", Severity.ERROR),
        ("PV207", "properties.Method2", Severity.ERROR)]


def test_pickled_validator_gives_the_same_results(validator: protocols.Validator) -> None:
    for case in CASES:  # compile every spec first, so the cache holds closures
        validator.validate(case["message"])
    copy = pickle.loads(pickle.dumps(validator))
    assert copy._specs == {}
    for case in CASES:
        assert copy.validate(case["message"], line=3) == validator.validate(case["message"],
                                                                             line=3)


def test_schemas_are_compiled_once_and_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    import protocols.validate.check.checker as checker

    calls: list[object] = []
    real = checker.compile_checks

    def counting(schema: Any) -> Any:
        calls.append(schema)
        return real(schema)

    monkeypatch.setattr(checker, "compile_checks", counting)
    validator = protocols.Validator(protocols.load_plan(HERE / "plan.yaml"))
    assert calls == []
    message = CASES[0]["message"]
    for _ in range(5):
        assert validator.validate(message) == []
    assert len(calls) == 1


@pytest.mark.parametrize("message", [
    {"type": "track", "event": "Order Completed", "userId": "u",
     "properties": {"order_id": {"deep": [[[[]]]]}, "currency": None, "total": float("inf")}},
    {"type": ["track"], "userId": 1},
    {"type": "track", "event": 12, "userId": "u"},
    {"type": "identify", "userId": "u", "traits": "x"},
    {"type": "page", "userId": "u", "name": {"a": 1}},
    {"type": "track", "event": "Order Completed", "userId": "u", "properties": None},
    {"type": "track", "event": "Order Completed", "userId": "u",
     "properties": {"products": [None, 1, "x", {"product_id": []}]}},
])
def test_odd_messages_never_raise(message: dict[str, Any],
                                  validator: protocols.Validator) -> None:
    found = validator.validate(message, file="x", line=1)
    assert all(d.code in CODES for d in found)


def test_deeply_nested_message_is_a_finding(validator: protocols.Validator) -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"a": deep}
    message = {"type": "track", "event": "Order Completed", "userId": "u",
               "properties": {"order_id": "o", "currency": "USD", "total": 1, "products": deep}}
    found = validator.validate(message)
    assert found and all(d.code in CODES for d in found)


READING_CODES = {"PV001", "PV002", "PV003", "PV004", "PV005", "PV006"}


@pytest.mark.parametrize("code", sorted(set(CODES) - READING_CODES))
def test_documented_examples_are_true(code: str, tmp_path: Path) -> None:
    """The failing example in docs/rules.md raises exactly its code; the passing one nothing."""
    import json

    from protocols.validate.codes import EXAMPLE_PLAN

    plan = tmp_path / "plan.yaml"
    body = EXAMPLE_PLAN.removeprefix("```yaml\n").removesuffix("```")
    plan.write_text("protocols: 1\nplan: example\n" + body, "utf-8")
    validator = protocols.Validator(protocols.load_plan(plan))
    base = {"type": "track", "event": "Order Completed", "userId": "u1"}

    def check(example: str) -> list[str]:
        message = json.loads(example)
        if "type" not in message:  # an example showing only the fields that matter
            message = {**base, **message}
        return [d.code for d in validator.validate(message)]

    assert check(CODES[code].failing) == [code]
    assert check(CODES[code].passing) == []


@pytest.mark.parametrize("code", sorted(READING_CODES))
def test_documented_input_examples_are_true(code: str, tmp_path: Path) -> None:
    from protocols.validate.read.inputs import read_records
    from protocols.validate.read.limits import MAX_BROKEN_LINES, MAX_LINE_BYTES

    example = CODES[code].failing
    data = {"PV003": b'{"type": "identify", "userId": "caf\xe9"}\n',
            "PV004": b'{"blob": "' + b"x" * MAX_LINE_BYTES + b'"}\n',
            "PV005": _truncated_gzip(),
            "PV006": b"y\n" * (MAX_BROKEN_LINES + 5)}.get(  # (what `yes` writes)
        code, example.encode() + b"\n")
    path = tmp_path / "log.ndjson"
    path.write_bytes(data)
    records = read_records(str(path))
    found = [i.error.code for r in records for i in r.items if i.error]
    if code == "PV006":  # each line is a finding until reading stops
        assert found == ["PV001"] * MAX_BROKEN_LINES + ["PV006"]
        found = found[-1:]
    assert found == [code]
    passing = tmp_path / "ok.ndjson"
    passing.write_text(CODES[code].passing + "\n", "utf-8")
    assert [i.error for r in read_records(str(passing)) for i in r.items] == [None]


def _truncated_gzip() -> bytes:
    import gzip

    packed = gzip.compress(b"".join(b'{"type": "identify", "userId": "u%d"}\n' % i
                                    for i in range(3000)))
    return packed[: len(packed) // 2]
