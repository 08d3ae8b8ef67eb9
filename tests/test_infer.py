"""`protocols infer`: a draft plan that loads, lints cleanly and validates the logs it came from."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from protocols.cli import app
from protocols.infer import Collector, Message, draft_from, infer_plan
from protocols.infer.stats import Shape
from protocols.interop import dump_plan
from protocols.lint import lint_paths
from protocols.plan import load_plan
from protocols.plan.model import Plan
from protocols.validate.check.checker import Validator

FORMAT_CODES = {"PL100", "PL101", "PL102", "PL103", "PL108", "PL110", "PL111", "PL112",
                "PL113"}


# Envelope checks (identity, timestamps) are about how a message was sent, not about what
# infer drafted from it; the sample logs here carry no userId or timestamp.
ENVELOPE_CODES = frozenset({"PV104", "PV105"})


def violations(plan: Plan, message: dict[str, Any]) -> list[str]:
    """Why ``message`` does not conform to ``plan`` (empty: it does), as `protocols validate`
    sees it: the same ``protocols.Validator``, warnings included."""
    return [f"{d.code} {d.message}" for d in Validator(plan).validate(message)
            if d.code not in ENVELOPE_CODES]


def write_draft(tmp_path: Path, collector: Collector) -> tuple[Plan, Any]:
    draft = draft_from(collector, plan_id="draft")
    out = tmp_path / "draft.yaml"
    out.write_text(dump_plan(draft.data, comments=draft.comments), encoding="utf-8")
    return load_plan(out), draft


def collect(messages: list[dict[str, Any]]) -> Collector:
    collector = Collector()
    for index, message in enumerate(messages):
        collector.add(Message("log.ndjson", index + 1, message))
    return collector


def keys_in(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_in(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_in(inner)


def order(i: int) -> dict[str, Any]:
    return {
        "order_id": f"0f8fad5b-d9cb-469f-a165-70867728950{i % 10}",
        "currency": ["USD", "EUR"][i % 2],
        "total": [10, 2.5, None][i % 3],
        "placed_at": "2024-05-01T10:00:00Z",
        "contact": "buyer@example.com",
        "page_url": "https://shop.example/checkout",
        "products": [{"sku": f"s{i}", "price": i}] if i % 4 else [],
        "shipping": {"method": "ground", "address": {"city": "Oslo"}} if i % 5 else None,
        **({"couponCode": "X"} if i % 7 == 0 else {}),
        **({"coupon_code": "Y"} if i % 7 == 1 else {"coupon_code": "Z"} if i % 7 == 2 else {}),
    }


SAMPLE: list[dict[str, Any]] = [
    *({"type": "track", "event": "Order Completed", "properties": order(i)} for i in range(40)),
    *({"type": "track", "event": "order_completed", "properties": order(i)} for i in (1, 2, 3)),
    {"type": "track", "event": "Product Viewed", "properties": {"product_id": 7}},
    {"type": "identify", "userId": "u1", "traits": {"email": "a@b.co", "age": 30}},
    {"type": "identify", "userId": "u2", "traits": {"email": "c@d.io", "age": "30"}},
    {"type": "group", "groupId": "g", "traits": {"name": "Acme"}},
    {"type": "page", "name": "Home", "properties": {"path": "/"}},
    {"type": "screen", "name": "Settings", "properties": {}},
]


def test_sample_draft_types_required_enums_formats_and_nesting(tmp_path: Path) -> None:
    plan, draft = write_draft(tmp_path, collect(SAMPLE))
    props = draft.data["events"]["Order Completed"]["properties"]
    assert props["order_id"] == {"type": "string", "required": True, "format": "uuid"}
    assert props["currency"] == {"type": "string", "required": True, "enum": ["EUR", "USD"]}
    assert props["total"] == {"type": "number", "required": True, "nullable": True}
    assert props["placed_at"]["format"] == "date-time"
    assert props["contact"]["format"] == "email"
    assert props["page_url"]["format"] == "uri"
    assert props["products"]["items"]["properties"] == {
        "sku": {"type": "string", "required": True},
        "price": {"type": "integer", "required": True}}
    assert props["shipping"]["nullable"] is True
    assert props["shipping"]["properties"]["address"]["properties"]["city"] == {
        "type": "string", "required": True}
    # couponCode / coupon_code: one property in the dominant (snake) style, not two.
    assert "couponCode" not in props and "required" not in props["coupon_code"]
    assert draft.drift[("events", "Order Completed", "properties", "coupon_code")] == [
        "couponCode"]
    assert draft.drift[("events", "Order Completed")] == ["order_completed"]
    assert "order_completed" not in draft.data["events"]
    traits = draft.data["identify"]["traits"]
    assert traits["age"] == {"type": ["string", "integer"], "required": True}
    assert set(plan.pages) == {"Home"} and set(plan.screens) == {"Settings"}
    assert plan.group is not None


def test_sample_draft_validates_its_logs_except_the_drift_it_reports(tmp_path: Path) -> None:
    plan, draft = write_draft(tmp_path, collect(SAMPLE))
    variants = {v for names in draft.drift.values() for v in names}
    failing = []
    for message in SAMPLE:
        problems = violations(plan, message)
        uses_drift = message.get("event") in variants or bool(
            variants & set(keys_in(message.get("properties"))))
        if problems:
            failing.append(message)
            assert uses_drift, (message, problems)
    assert failing  # the drifted messages really do fail: the check has teeth


def test_draft_lints_without_format_errors_and_keeps_drift_comments(tmp_path: Path) -> None:
    write_draft(tmp_path, collect(SAMPLE))
    text = (tmp_path / "draft.yaml").read_text("utf-8")
    assert "  # drift: also sent as 'order_completed' (3)\n  Order Completed:" in text
    assert "# drift: also sent as 'couponCode' (6)\n      coupon_code:" in text
    report = lint_paths([str(tmp_path / "draft.yaml")])
    assert not {d.code for d in report.diagnostics} & FORMAT_CODES


NAMES = st.sampled_from(["Order Completed", "order_completed", "Cart Viewed", "cart-viewed",
                         "<<", "yes", "null", "ünïcödé", "a\nb"])
KEYS = st.sampled_from(["order_id", "orderId", "total", "Total", "items", "", " ", "1",
                        "true", "#x", "a: b", "ключ"]) | st.text(max_size=4)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8)
    | st.sampled_from(["2024-01-01T00:00:00Z", "a@b.co", "https://x.y", "USD", "EUR"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=10)
MESSAGES = st.one_of(
    st.builds(lambda name, props: {"type": "track", "event": name, "properties": props},
              NAMES, st.dictionaries(KEYS, VALUES, max_size=5)),
    st.builds(lambda traits: {"type": "identify", "userId": "u", "traits": traits},
              st.dictionaries(KEYS, VALUES, max_size=4)),
    st.builds(lambda name, props: {"type": "page", "name": name, "properties": props},
              NAMES, st.dictionaries(KEYS, VALUES, max_size=3)),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(MESSAGES, min_size=1, max_size=30))
def test_any_log_gives_a_draft_that_loads_and_validates_it(tmp_path_factory: Any,
                                                           messages: list[dict[str, Any]]
                                                           ) -> None:
    tmp_path = tmp_path_factory.mktemp("infer")
    plan, draft = write_draft(tmp_path, collect(messages))
    variants = {v for names in draft.drift.values() for v in names}
    for message in messages:
        problems = violations(plan, message)
        if problems:
            name = message.get("event") or message.get("name")
            payload = message.get("properties", message.get("traits"))
            assert name in variants or variants & set(keys_in(payload)), (message, problems)


def test_log_files_stream_batches_gzip_and_report_broken_lines(tmp_path: Path) -> None:
    lines = [json.dumps(SAMPLE[0]),
             json.dumps({"batch": [SAMPLE[1], SAMPLE[-4], "oops"]}),
             "{not json",
             "[1, 2]",
             json.dumps({"type": "alias", "previousId": "p"}),
             json.dumps({"type": "track", "properties": {}}),
             json.dumps({"type": "track", "event": "E", "properties": "text"}),
             '{"type": "track", "event": "\\ud800", "properties": {}}',
             ""]
    plain = tmp_path / "a.ndjson"
    plain.write_text("\n".join(lines), encoding="utf-8")
    packed = tmp_path / "b.ndjson.gz"
    with gzip.open(packed, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps(SAMPLE[0]) + "\n")
    draft = infer_plan([(plain, "a.ndjson"), (packed, "b.ndjson.gz")], plan_id="d")
    seen = draft.collector
    assert seen.messages == 4
    assert [str(b) for b in seen.broken] == [
        "a.ndjson:2: batch[2] is not a JSON object",
        "a.ndjson:3: invalid JSON at column 2: Expecting property name enclosed in double "
        "quotes",
        "a.ndjson:4: not a JSON object (a message or a batch)",
        "a.ndjson:7: track message whose payload is not an object",
        "a.ndjson:8: invalid Unicode (a lone surrogate escape)",
    ]
    assert seen.skipped == {"alias messages": 1, "track without an event name": 1}
    assert set(draft.data["events"]) == {"Order Completed"}


def test_shapes_stay_bounded() -> None:
    shape = Shape()
    for i in range(5000):
        shape.add({f"key{i}": f"value {i}", "fixed": f"v{i}"})
    assert len(shape.properties) == 300
    assert shape.dropped_properties == 5000 - 299
    assert shape.properties["fixed"].too_many_strings
    assert len(shape.properties["fixed"].strings) == 0


def test_cli_writes_the_draft_and_exits_1_on_broken_lines(tmp_path: Path) -> None:
    log = tmp_path / "events.ndjson"
    log.write_text("\n".join(json.dumps(m) for m in SAMPLE) + "\n", encoding="utf-8")
    out = tmp_path / "plans" / "draft.yaml"
    result = CliRunner().invoke(app, ["infer", str(log), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "wrote" in result.stdout
    assert "from 49 messages; 0 broken line(s) skipped; 2 name(s) drifting" in result.stdout
    assert load_plan(out).id == "draft"
    log.write_text(log.read_text("utf-8") + "{broken\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["infer", str(log), "-o", str(out), "--force"])
    assert result.exit_code == 1
    assert "events.ndjson:50: invalid JSON" in result.stderr
    empty = tmp_path / "empty.ndjson"
    empty.write_text("\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["infer", str(empty), "-o", str(tmp_path / "x.yaml")])
    assert result.exit_code == 1 and "no messages" in result.stderr
    result = CliRunner().invoke(app, ["infer", str(tmp_path / "nope"), "-o", "x.yaml"])
    assert result.exit_code == 2


def test_deep_nesting_is_planned_to_a_bounded_depth(tmp_path: Path) -> None:
    deep: Any = "leaf"
    for _ in range(200):
        deep = {"child": deep}
    plan, _ = write_draft(tmp_path, collect([
        {"type": "track", "event": "Deep", "properties": {"root": deep}}]))
    assert violations(plan, {"type": "track", "event": "Deep", "properties": {"root": deep}}
                      ) == []


def test_long_lines_and_non_utf8_are_reported(tmp_path: Path, monkeypatch: Any) -> None:
    from protocols.infer import reader

    monkeypatch.setattr(reader, "MAX_LINE_BYTES", 64)
    log = tmp_path / "odd.ndjson"
    good = json.dumps({"type": "track", "event": "A", "properties": {}})
    log.write_bytes(b"\n".join([
        json.dumps({"type": "track", "event": "A", "properties": {"x": "y" * 200}}).encode(),
        b'{"type": "track", "event": "\xff"}',
        good.encode(),
    ]) + b"\n")
    draft = infer_plan([(log, "odd.ndjson")], plan_id="d")
    assert [str(b) for b in draft.collector.broken] == [
        "odd.ndjson:1: line longer than 64 bytes",
        "odd.ndjson:2: not UTF-8 text",
    ]
    assert draft.collector.messages == 1


def test_nan_and_infinity_are_not_json(tmp_path: Path) -> None:
    log = tmp_path / "nan.ndjson"
    log.write_text('{"type": "track", "event": "A", "properties": {"x": NaN}}\n'
                   '{"type": "track", "event": "A", "properties": {"x": 1}}\n', encoding="utf-8")
    draft = infer_plan([(log, "nan.ndjson")], plan_id="d")
    assert [str(b) for b in draft.collector.broken] == [
        "nan.ndjson:1: invalid JSON: NaN is not a JSON number"]


def _strings(name: str, values: list[str]) -> dict[str, Any]:
    messages = [{"type": "track", "event": "Thing Done", "properties": {name: value}}
                for value in values]
    fragment: dict[str, Any] = draft_from(collect(messages), plan_id="t").data["events"][
        "Thing Done"]["properties"][name]
    return fragment


@pytest.mark.parametrize(("name", "values", "enum"), [
    ("plan", ["free", "pro", "team"] * 10, True),                     # a closed list
    ("status", ["ok", "failed"] * 5 + ["ok"] * 20, True),
    ("user", [f"user{i}" for i in range(5)] * 5, False),              # a handful of ids
    ("account", ["9f86d081", "a1b2c3d4e5"] * 15, False),              # hex ids
    ("order_id", ["north", "south"] * 15, False),                     # an id by its name
    ("productSku", ["red", "blue"] * 15, False),
    ("plan", ["free", "pro", "team", "rare"] * 6 + ["free"] * 6, True),  # "rare" 6 times
    ("tier", ["gold", "silver", "bronze"] * 8 + ["platinum"] * 2, False),  # one seen twice
], ids=["closed", "skewed", "user-ids", "hex-ids", "id-name", "sku-name", "rare-but-enough",
        "twice-only"])
def test_enums_need_repeats_and_are_never_ids(name: str, values: list[str], enum: bool) -> None:
    fragment = _strings(name, values)
    assert ("enum" in fragment) is enum, fragment


def test_distinct_names_and_places_are_bounded_and_counted(tmp_path: Path,
                                                         monkeypatch: Any) -> None:
    """A log that keeps sending new names: a million distinct event names ran out of memory
    (3 GB, then a MemoryError traceback), and so did new keys at every level of nesting.
    Past the limits the messages and values are counted, said, and not planned. (The
    limits, 5,000 names and 50,000 places, are lowered here to keep the test quick.)"""
    from protocols.infer import draft, stats

    monkeypatch.setattr(draft, "MAX_NAMES", 50)
    monkeypatch.setattr(stats, "MAX_SHAPES", 2000)
    log = tmp_path / "events.ndjson"
    extra = 30
    with log.open("w", encoding="utf-8") as handle:
        for i in range(50 + extra):
            handle.write(json.dumps({"type": "track", "event": f"Event {i}",
                                     "properties": {"n": i}}) + "\n")
        # Each message adds 60 x 60 new places under one event: past the run's total.
        for i in range(2):
            wide = {f"k{j}": {f"x{m}": 1 for m in range(60)} for j in range(60)}
            handle.write(json.dumps({"type": "track", "event": "Event 0",
                                     "properties": {f"a{i}": wide}}) + "\n")
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app, ["infer", str(log), "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output
    assert (f"warning: {extra} track messages whose event name came after the first "
            "50 distinct names (not planned)") in result.stderr
    assert "property values not planned (the limit of planned places" in result.stderr
    plan = load_plan(out)
    assert len(plan.events) == 50
    text = out.read_text("utf-8")
    assert f"# Over a limit, not planned: {extra} track messages" in text
    assert "limit of 2000 planned places was reached" in text
    assert not [d for d in lint_paths([str(out)]).diagnostics if d.code in FORMAT_CODES]


def test_skipped_message_types_are_bounded_and_shown_safely(tmp_path: Path) -> None:
    """A message type is whatever the log says: 200,000 distinct types printed 200,000
    notes, and a type holding terminal controls was printed as it was."""
    log = tmp_path / "types.ndjson"
    with log.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"type": "track", "event": "A", "properties": {}}) + "\n")
        handle.write(json.dumps({"type": "\x1b]0;owned\x07alias"}) + "\n")
        handle.write(json.dumps({"type": "x" * 500}) + "\n")
        for i in range(5_000):
            handle.write(json.dumps({"type": f"kind{i}"}) + "\n")
    result = CliRunner().invoke(app, ["infer", str(log), "-o", str(tmp_path / "d.yaml")])
    assert result.exit_code == 0, result.output
    notes = [row for row in result.stderr.splitlines() if row.startswith("note: skipped")]
    assert len(notes) <= 25
    assert "note: skipped 1 \\x1b]0;owned\\x07alias messages (nothing to plan)" in notes
    assert f"note: skipped 1 {'x' * 60}… messages (nothing to plan)" in notes
    assert "messages of other types (the first 20 are named)" in result.stderr
    assert not [c for c in result.stderr if ord(c) < 32 and c != "\n"]
