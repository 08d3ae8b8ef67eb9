"""Drift as counted observations: the report of :func:`drift_report` is the tracker's, caps
included, however the observations were counted, split and merged."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols import DriftCounter, DriftObservation, drift_observations, drift_report, load_plan
from protocols.validate.count import drift
from protocols.validate.count.drift import DriftTracker, source_path
from tests.conftest import REPO

PLAN = load_plan(REPO / "tests" / "validate" / "plan.yaml")
LONG = "Order Completed" + "x" * 130  # clipped in reports

events = st.sampled_from(["Order Completed", "order_completed", "Order-Completed", "ORDER COMPLETED",
                          "Cart Shared", "cart-shared", "Signed In", "E1", "E2", "E3", "", LONG])
sources = st.sampled_from(["web", "ios", "android", "server", "(other sources)"])
names = st.sampled_from(["order_id", "orderId", "OrderID", "currency", "Currency", "total",
                         "p1", "p2", "p3", "Email", "email", "x" * 130])
values = st.one_of(st.sampled_from(["USD", "usd", "Usd", "EUR", "eur", "a", "b", "c", "d",
                                    "a-b", "A B", "long value here"]),
                   st.integers(-2, 2), st.booleans(), st.none(), st.just([1]),
                   st.just({"k": 1}), st.floats(allow_nan=False, allow_infinity=False))


@st.composite
def messages(draw: Any) -> dict[str, Any]:
    kind = draw(st.sampled_from(["track"] * 6 + ["identify", "group", "page", "alias", None]))
    payload = draw(st.one_of(st.dictionaries(names, values, max_size=5), st.none(),
                             st.just([1, 2]), st.just({})))
    message: dict[str, Any] = {"type": kind}
    if draw(st.booleans()) or kind != "track":
        message["context"] = {"library": {"name": draw(sources)}}
    elif draw(st.booleans()):
        message["context"] = {"library": {"name": draw(st.sampled_from([3, None, ""]))}}
    if kind == "track":
        message["event"] = draw(st.one_of(events, st.just(7)))
        message["properties"] = payload
    else:
        message["traits"] = payload
    return message


SMALL_CAPS = {"MAX_EVENTS": 3, "MAX_SOURCES": 2, "MAX_PROPERTIES": 3, "MAX_VALUES": 3,
              "MAX_VARIANTS": 2, "MAX_VALUE_LENGTH": 8, "MAX_LAYOUT_NAMES": 3, "FIRST_HELD": 2,
              "MAX_HELD": 5, "MAX_VIEWS": 2, "MAX_LAYOUTS_HELD": 5}


def tracked(log: list[dict[str, Any]]) -> list[dict[str, Any]]:
    tracker = DriftTracker(PLAN)
    for message in log:
        tracker.observe(message)
    return tracker.inconsistencies()


def counted(log: list[dict[str, Any]], start: int = 0) -> DriftCounter:
    counter = DriftCounter()
    for index, message in enumerate(log, start):
        counter.observe(message, (0, index))
    return counter


def pieces(log: list[dict[str, Any]], cuts: list[int]) -> Iterator[DriftCounter]:
    bounds = [0, *sorted(c % (len(log) + 1) for c in cuts), len(log)]
    for start, end in itertools.pairwise(bounds):
        yield counted(log[start:end], start)


@pytest.mark.parametrize("caps", [{}, SMALL_CAPS], ids=["caps", "small-caps"])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(log=st.lists(messages(), max_size=40), cuts=st.lists(st.integers(0, 40), max_size=3),
       seed=st.integers(0, 1000))
def test_counted_observations_give_the_trackers_report(
        caps: dict[str, int], log: list[dict[str, Any]], cuts: list[int], seed: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        for name, value in caps.items():
            patch.setattr(drift, name, value)
        expected = tracked(log)
        assert drift_report(PLAN, counted(log)) == expected
        # In pieces, merged in any order; or every count as it came, shuffled.
        parts = list(pieces(log, cuts))
        random.Random(seed).shuffle(parts)
        merged = DriftCounter()
        for part in parts:
            merged.merge(part)
        assert drift_report(PLAN, merged) == expected
        loose = [item for part in parts for item in part]
        random.Random(seed + 1).shuffle(loose)
        assert drift_report(PLAN, loose) == expected


def test_the_caps_are_reached_in_this_log() -> None:
    # The property test above is only worth its name if small caps change the report.
    log = [{"type": "track", "event": event, "context": {"library": {"name": source}},
            "properties": {"currency": currency}}
           for event in ("Order Completed", "order_completed", "E1", "E2", "E3")
           for source in ("web", "ios", "android")
           for currency in ("USD", "usd", "Usd", "eur")]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in SMALL_CAPS.items():
            patch.setattr(drift, name, value)
        small = tracked(log)
        assert drift_report(PLAN, counted(log)) == small
    assert small != tracked(log)
    assert drift_report(PLAN, counted(log)) == tracked(log)


def test_observations_of_one_message() -> None:
    message = {"type": "track", "event": "Order-Completed", "userId": "u",
               "context": {"app": {"name": "ios"}},
               "properties": {"orderId": "o1", "total": 3, "tags": ["a"], "note": "x" * 65}}
    assert drift_observations(message, source_path("context.app.name")) == [
        (0, DriftObservation("message", "track:ordercompleted", "ios", None, "track")),
        (0, DriftObservation("spelling", "track:ordercompleted", "ios", "Order-Completed")),
        (0, DriftObservation("property", "track:ordercompleted", "ios", "orderId", "string")),
        (0, DriftObservation("value", "track:ordercompleted", "ios", "orderId", "o1")),
        (1, DriftObservation("property", "track:ordercompleted", "ios", "total", "number")),
        (2, DriftObservation("property", "track:ordercompleted", "ios", "tags", None)),
        (3, DriftObservation("property", "track:ordercompleted", "ios", "note", "string")),
    ]
    assert drift_observations({"type": "page", "name": "Home"}, source_path()) == []
    assert drift_observations({"type": "track", "event": ""}, source_path()) == []


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown drift observation kind"):
        drift_report(PLAN, [(DriftObservation("colour", "identify", "web"), 1, (0,))])
