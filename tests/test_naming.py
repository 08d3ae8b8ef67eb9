"""Case styles and collision keys: examples plus hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocols.naming import (
    CaseStyle,
    collision_key,
    convert,
    did_you_mean,
    dominant_style,
    matches,
    near_duplicate,
)

names = st.text(min_size=1, max_size=40)


@pytest.mark.parametrize(("name", "style"), [
    ("Order Completed", CaseStyle.TITLE),
    ("Product Added to Wishlist", CaseStyle.TITLE),
    ("Order completed", CaseStyle.SENTENCE),
    ("order_completed", CaseStyle.SNAKE),
    ("orderCompleted", CaseStyle.CAMEL),
    ("OrderCompleted", CaseStyle.PASCAL),
    ("order-completed", CaseStyle.KEBAB),
    ("ordercompleted", CaseStyle.FLAT),
    ("ORDER_COMPLETED", CaseStyle.MACRO),
    ("order completed", CaseStyle.LOWER),
])
def test_each_style_recognises_its_example(name: str, style: CaseStyle) -> None:
    assert matches(name, style)
    assert convert("order_completed", style) == name or style is CaseStyle.TITLE


@pytest.mark.parametrize(("name", "style"), [
    ("order_completed", CaseStyle.TITLE),
    ("OrderCompleted", CaseStyle.TITLE),
    ("Order-Completed", CaseStyle.TITLE),
    ("orderCompleted", CaseStyle.SNAKE),
    ("order__completed", CaseStyle.SNAKE),
    ("Order completed", CaseStyle.TITLE),
])
def test_style_mismatches(name: str, style: CaseStyle) -> None:
    assert not matches(name, style)


def test_conversions() -> None:
    assert convert("loginMethod", CaseStyle.SNAKE) == "login_method"
    assert convert("Signed-In", CaseStyle.TITLE) == "Signed In"
    assert convert("product_added_to_wishlist", CaseStyle.TITLE) == "Product Added to Wishlist"
    assert convert("HTMLParser", CaseStyle.SNAKE) == "html_parser"


def test_collisions_and_near_duplicates() -> None:
    keys = {collision_key(n) for n in ("Signed In", "signed-in", "signed_in", "signedIn")}
    assert keys == {"signedin"}
    assert collision_key("sign_up") == collision_key("signup")
    assert near_duplicate("Product Viewed", "Products Viewed") == "plural"
    assert near_duplicate("Order Complted", "Order Completed") == "typo"
    assert near_duplicate("step_1", "step_2") is None
    assert near_duplicate("Order Completed", "Order Refunded") is None


def test_did_you_mean_and_dominant_style() -> None:
    assert did_you_mean("evnts", ["events", "plan"]) == "events"
    assert did_you_mean("order-completed", ["Order Completed"]) == "Order Completed"
    assert did_you_mean("zzz", ["events"]) is None
    assert dominant_style(["a_b", "c_d", "eF"]) is CaseStyle.SNAKE


@given(names, st.sampled_from(list(CaseStyle)))
def test_conversion_keeps_the_collision_key(name: str, style: CaseStyle) -> None:
    assert collision_key(convert(name, style)) == collision_key(name)


@given(names)
def test_collision_key_is_idempotent(name: str) -> None:
    assert collision_key(collision_key(name)) == collision_key(name)


@given(st.from_regex(r"[a-z]{1,8}( [a-z]{1,8}){0,3}", fullmatch=True),
       st.sampled_from(list(CaseStyle)))
def test_converted_ascii_names_match_their_style(name: str, style: CaseStyle) -> None:
    assert matches(convert(name, style), style)
