"""The drift report on a log from three sources that disagree on spelling, case and types."""

from __future__ import annotations

from typing import Any

import pytest

from protocols import load_plan
from protocols.validate.count.drift import MAX_VALUES, DriftTracker, source_of
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")


def track(source: str, event: str, **properties: Any) -> dict[str, Any]:
    return {"type": "track", "event": event, "userId": "u",
            "context": {"library": {"name": source}, "app": {"name": source.upper()}},
            "properties": properties}


def three_sources() -> list[dict[str, Any]]:
    web = [track("analytics.js", "Order Completed", order_id="o", currency="USD", total=5)] * 3
    ios = [track("analytics-ios", "Order-Completed", orderId="o", currency="USD", total=5)] * 2
    android = [track("analytics-android", "order_completed", order_id="o", currency="usd",
                     total="5.00")]
    unplanned = [track("analytics.js", "Cart Shared", cart_id="c"),
                 track("analytics-ios", "cart-shared", cartId="c")]
    identify = [{"type": "identify", "userId": "u", "context": {"library": {"name": "analytics-ios"}},
                 "traits": {"Email": "a@b.io"}}]
    return web + ios + android + unplanned + identify


def report(messages: list[dict[str, Any]], **options: Any) -> list[dict[str, Any]]:
    tracker = DriftTracker(PLAN, **options)
    for message in messages:
        tracker.observe(message)
    return tracker.inconsistencies()


def test_three_sources_disagree() -> None:
    assert report(three_sources()) == [
        {"kind": "event-name", "canonical": "Cart Shared", "event": "Cart Shared",
         "property": None, "planned": False, "variants": [
             {"value": "cart-shared", "source": "analytics-ios", "count": 1},
             {"value": "Cart Shared", "source": "analytics.js", "count": 1}]},
        {"kind": "event-name", "canonical": "Order Completed", "event": "Order Completed",
         "property": None, "planned": True, "variants": [
             {"value": "order_completed", "source": "analytics-android", "count": 1},
             {"value": "Order-Completed", "source": "analytics-ios", "count": 2},
             {"value": "Order Completed", "source": "analytics.js", "count": 3}]},
        {"kind": "property-name", "canonical": "cart_id", "event": "Cart Shared",
         "property": "cart_id", "planned": False, "variants": [
             {"value": "cartId", "source": "analytics-ios", "count": 1},
             {"value": "cart_id", "source": "analytics.js", "count": 1}]},
        {"kind": "property-name", "canonical": "order_id", "event": "Order Completed",
         "property": "order_id", "planned": True, "variants": [
             {"value": "order_id", "source": "analytics-android", "count": 1},
             {"value": "orderId", "source": "analytics-ios", "count": 2},
             {"value": "order_id", "source": "analytics.js", "count": 3}]},
        {"kind": "property-name", "canonical": "email", "event": "identify",
         "property": "email", "planned": True, "variants": [
             {"value": "Email", "source": "analytics-ios", "count": 1}]},
        {"kind": "enum-value", "canonical": "USD", "event": "Order Completed",
         "property": "currency", "planned": True, "variants": [
             {"value": "usd", "source": "analytics-android", "count": 1},
             {"value": "USD", "source": "analytics-ios", "count": 2},
             {"value": "USD", "source": "analytics.js", "count": 3}]},
        {"kind": "value-type", "canonical": "total", "event": "Order Completed",
         "property": "total", "planned": True, "variants": [
             {"value": "string", "source": "analytics-android", "count": 1},
             {"value": "number", "source": "analytics-ios", "count": 2},
             {"value": "number", "source": "analytics.js", "count": 3}]},
    ]


def test_agreeing_sources_report_nothing() -> None:
    messages = [track(s, "Order Completed", order_id="o", currency="EUR", total=1)
                for s in ("a", "b", "c")]
    assert report(messages) == []


def test_source_field_is_configurable() -> None:
    found = report(three_sources(), source_field="context.app.name")
    order = next(f for f in found if f["canonical"] == "Order Completed")
    assert {v["source"] for v in order["variants"]} == {
        "ANALYTICS.JS", "ANALYTICS-IOS", "ANALYTICS-ANDROID"}


@pytest.mark.parametrize(("message", "expected"), [
    ({"context": {"library": {"name": "x"}}}, "x"),
    ({"context": {"library": {"name": 3}}}, "3"),
    ({"context": {"library": None}}, "(unknown)"),
    ({"context": {"library": {"name": ""}}}, "(unknown)"),
    ({}, "(unknown)"),
])
def test_source_of(message: dict[str, Any], expected: str) -> None:
    assert source_of(message, ("context", "library", "name")) == expected


def test_high_cardinality_values_are_dropped_and_memory_stays_bounded() -> None:
    tracker = DriftTracker(PLAN)
    for index in range(MAX_VALUES * 5):
        tracker.observe(track("web", "Order Completed", order_id=f"Order-{index}"))
        tracker.observe(track("ios", "Order Completed", order_id=f"order-{index}"))
    assert tracker.inconsistencies() == []
    event = next(iter(tracker._events.values()))
    assert event.properties["orderid"].values is None


def test_many_sources_are_capped() -> None:
    tracker = DriftTracker(PLAN, source_field="messageId")
    for index in range(500):
        message = track("x", "order_completed")
        message["messageId"] = f"m{index}"
        tracker.observe(message)
    sources = {v["source"] for v in tracker.inconsistencies()[0]["variants"]}
    assert len(sources) == 101 and "(other sources)" in sources


def test_unfolding_layouts_early_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    import protocols.validate.count.drift as drift

    expected = report(three_sources())
    monkeypatch.setattr(drift, "MAX_VIEWS", 1)  # forget every layout but the last
    monkeypatch.setattr(drift, "MAX_HELD", 0)  # unfold after every message
    assert report(three_sources() * 3)[0]["variants"][0]["count"] == 3
    assert [{**e, "variants": [{**v, "count": v["count"] // 3} for v in e["variants"]]}
            for e in report(three_sources() * 3)] == expected


def test_made_up_spellings_and_huge_payloads_stay_bounded() -> None:
    import itertools

    from protocols.validate.count.drift import MAX_VARIANTS

    tracker = DriftTracker(PLAN)
    cases = ("".join(c) for c in itertools.product(*[(ch, ch.upper()) for ch in "orderidxy"]))
    for spelling in itertools.islice(cases, MAX_VARIANTS + 50):  # of 2**9 spellings
        tracker.observe(track("web", "Order Completed", **{spelling: 1}))
    wide = {f"p{i}": i for i in range(1000)}
    for _ in range(3):
        tracker.observe(track("web", "Order Completed", **wide))
    found = tracker.inconsistencies()
    [names] = [e for e in found if e["kind"] == "property-name"]
    assert len(names["variants"]) == MAX_VARIANTS
    event = next(iter(tracker._events.values()))
    assert not event.seen and len(event.properties) <= 500
    assert tracker.truncated > 0


def test_names_and_values_that_change_every_message_stay_bounded() -> None:
    import protocols.validate.count.drift as drift

    tracker = DriftTracker(PLAN)
    long_value = "v" * (drift.MAX_VALUE_LENGTH + 1)
    for index in range(drift.MAX_VIEWS + 300):  # ids used as property names, huge values
        tracker.observe(track("web", "Order Completed", **{f"exp_{index}": "on",
                                                            "blob": f"{long_value}{index}"}))
        event = next(iter(tracker._events.values()))
        assert len(event.views) <= drift.MAX_VIEWS
        assert tracker._held <= drift.MAX_HELD + 2  # (one message's entries over)
        held = [value for _, _, value in event.seen_values]
        held += [value for *_, values in event.seen for value in values]
        assert all(value is None or len(value) <= drift.MAX_VALUE_LENGTH for value in held)
    assert next(iter(tracker._events.values())).split  # (both ways were taken)
    found = tracker.inconsistencies()
    assert found == []  # one spelling, value and source each: nothing disagrees
    long_name = "n" * (drift.MAX_NAME_LENGTH + 5)
    tracker.observe(track("web", "Order Completed", **{long_name: "on"}))
    assert tracker.inconsistencies() == []
