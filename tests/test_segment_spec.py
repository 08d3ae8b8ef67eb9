"""The shipped plans/ecommerce.yaml follows Segment's specs: spec traffic validates clean.

``SPEC_TRAFFIC`` is the example payload of each page of Segment's e-commerce v2 spec
(https://segment.com/docs/connections/spec/ecommerce/v2/) and the complete Identify and Group
examples of its Identify and Group spec pages, written here as messages (an envelope around the
example's properties). ``SPEC_TABLES`` is each page's table of semantic properties (name and
type), and ``RESERVED_TRAITS`` the reserved-trait tables of the Identify and Group pages.

Where a page's example disagrees with its own table, the table wins and the difference is
noted: the Coupon Denied example sends ``coupon`` where its table (and every other coupon
event) says ``coupon_id``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import protocols
from protocols.cli import app
from tests.conftest import REPO

PLAN_PATH = REPO / "plans" / "ecommerce.yaml"

_PRODUCT = {"product_id": "string", "sku": "string", "category": "string", "name": "string",
            "brand": "string", "variant": "string", "price": "number", "quantity": "number",
            "coupon": "string", "position": "number", "url": "string", "image_url": "string"}
_ORDER = {"order_id": "string", "affiliation": "string", "total": "number",
          "revenue": "number", "shipping": "number", "tax": "number", "discount": "number",
          "coupon": "string", "currency": "string", "products": "array"}
_STEP = {"checkout_id": "string", "step": "number", "shipping_method": "string",
         "payment_method": "string"}
_PROMOTION = {"promotion_id": "string", "creative": "string", "name": "string",
              "position": "string"}
_WISHLIST = {"wishlist_id": "string", "wishlist_name": "string", **_PRODUCT}
_SHARE = {"share_via": "string", "share_message": "string", "recipient": "string"}

# Event -> its semantic properties and their JSON types, as each spec page's table lists them.
SPEC_TABLES: dict[str, dict[str, str | tuple[str, ...]]] = {
    "Products Searched": {"query": ("object", "string")},
    "Product List Viewed": {"list_id": "string", "category": "string", "products": "array"},
    "Product List Filtered": {"list_id": "string", "category": "string", "filters": "array",
                              "sorts": "array", "products": "array"},
    "Promotion Viewed": _PROMOTION,
    "Promotion Clicked": _PROMOTION,
    "Product Clicked": _PRODUCT,
    "Product Viewed": {**_PRODUCT, "currency": "string", "value": "number"},
    "Product Added": {"cart_id": "string", **_PRODUCT},
    "Product Removed": {"cart_id": "string", **_PRODUCT},
    "Cart Viewed": {"cart_id": "string", "products": "array"},
    "Checkout Started": {**{k: v for k, v in _ORDER.items() if k != "total"},
                         "value": "number"},
    "Checkout Step Viewed": _STEP,
    "Checkout Step Completed": _STEP,
    "Payment Info Entered": {**_STEP, "order_id": "string"},
    "Order Completed": {**_ORDER, "checkout_id": "string", "subtotal": "number"},
    "Order Updated": _ORDER,
    # The table lists order_id only; the example adds total, currency and products.
    "Order Refunded": {"order_id": "string", "total": "number", "currency": "string",
                       "products": "array"},
    "Order Cancelled": _ORDER,
    "Coupon Entered": {"order_id": "string", "cart_id": "string", "coupon_id": "string"},
    "Coupon Applied": {"order_id": "string", "cart_id": "string", "coupon_id": "string",
                       "coupon_name": "string", "discount": "number"},
    "Coupon Denied": {"order_id": "string", "cart_id": "string", "coupon_id": "string",
                      "coupon_name": "string", "reason": "string"},
    "Coupon Removed": {"order_id": "string", "cart_id": "string", "coupon_id": "string",
                       "coupon_name": "string", "discount": "number"},
    "Product Added to Wishlist": _WISHLIST,
    "Product Removed from Wishlist": _WISHLIST,
    "Wishlist Product Added to Cart": {**_WISHLIST, "cart_id": "string"},
    "Product Shared": {**_SHARE, **{k: v for k, v in _PRODUCT.items()
                                    if k not in ("quantity", "coupon", "position")}},
    "Cart Shared": {**_SHARE, "cart_id": "string", "products": "array"},
    "Product Reviewed": {"product_id": "string", "review_id": "string",
                         "review_body": "string", "rating": "string"},
}

_ADDRESS = ("city", "country", "postalCode", "state", "street")
RESERVED_TRAITS = {
    "identify": {"address": "object", "age": "number", "avatar": "string",
                 "birthday": "string", "company": "object", "createdAt": "string",
                 "description": "string", "email": "string", "firstName": "string",
                 "gender": "string", "id": "string", "lastName": "string", "name": "string",
                 "phone": "string", "title": "string", "username": "string",
                 "website": "string"},
    # `employees` is a String in the table and a number in the page's own example.
    "group": {"address": "object", "avatar": "string", "createdAt": "string",
              "description": "string", "email": "string",
              "employees": ("number", "string"), "id": "string", "industry": "string",
              "name": "string", "phone": "string", "website": "string", "plan": "string"},
}

_GAME = {"product_id": "507f1f77bcf86cd799439011", "sku": "G-32", "category": "Games",
         "name": "Monopoly: 3rd Edition", "brand": "Hasbro", "variant": "200 pieces",
         "price": 18.99, "quantity": 1, "coupon": "MAYDEALS", "position": 3,
         "url": "https://www.example.com/product/path",
         "image_url": "https://www.example.com/product/path.jpg"}
_LIST = [{"product_id": "507f1f77bcf86cd799439011", "sku": "45790-32",
          "name": "Monopoly: 3rd Edition", "price": 19, "position": 1, "category": "Games",
          "url": "https://www.example.com/product/path",
          "image_url": "https://www.example.com/product/path.jpg"},
         {"product_id": "505bd76785ebb509fc183733", "sku": "46493-32", "name": "Uno Card Game",
          "price": 3, "position": 2, "category": "Games"}]
_ORDERED = [{**{k: v for k, v in _LIST[0].items() if k != "position"}, "quantity": 1},
            {**{k: v for k, v in _LIST[1].items() if k != "position"}, "quantity": 2}]
_PROMO = {"promotion_id": "promo_1", "creative": "top_banner_2",
          "name": "75% store-wide shoe sale", "position": "home_banner_top"}
_STEP_2 = {"checkout_id": "50314b8e9bcf000000000000", "step": 2, "shipping_method": "Fedex",
           "payment_method": "Visa"}
_ORDER_50314 = {"order_id": "50314b8e9bcf000000000000", "affiliation": "Google Store",
                "revenue": 25.00, "shipping": 3, "tax": 2, "discount": 2.5,
                "coupon": "hasbros", "currency": "USD", "products": _ORDERED}
_COUPON = {"order_id": "50314b8e9bcf000000000000", "cart_id": "923923929jd29jd92dj9j93fj3",
           "coupon_id": "may_deals_2016"}
_WISH = {"wishlist_id": "skdjsidjsdkdj29j", "wishlist_name": "Loved Games"}
_SHARED = {"share_via": "email", "share_message": "Hey, check out this item",
           "recipient": "friend@example.com"}

# Event -> the properties of its spec page's example.
SPEC_EXAMPLES: dict[str, dict[str, Any]] = {
    "Products Searched": {"query": "blue roses"},
    "Product List Viewed": {"list_id": "hot_deals_1", "category": "Deals", "products": _LIST},
    "Product List Filtered": {
        "list_id": "todays_deals_may_11_2019",
        "filters": [{"type": "department", "value": "beauty"},
                    {"type": "price", "value": "under-$25"}],
        "sorts": [{"type": "price", "value": "desc"}],
        "products": [{"product_id": "507f1f77bcf86cd798439011", "sku": "45360-32",
                      "name": "Special Facial Soap", "price": 12.60, "position": 1,
                      "category": "Beauty", "url": "https://www.example.com/product/path",
                      "image_url": "https://www.example.com/product/path.jpg"},
                     {"product_id": "505bd76785ebb509fc283733", "sku": "46573-32",
                      "name": "Fancy Hairbrush", "price": 7.60, "position": 2,
                      "category": "Beauty"}]},
    "Promotion Viewed": _PROMO,
    "Promotion Clicked": _PROMO,
    "Product Clicked": _GAME,
    # Lower-case "usd" is what the spec's own example sends.
    "Product Viewed": {**_GAME, "currency": "usd", "value": 18.99},
    "Product Added": {"cart_id": "skdjsidjsdkdj29j", **_GAME},
    "Product Removed": {"cart_id": "ksjdj92dj29dj92d2j", **_GAME},
    "Cart Viewed": {"cart_id": "d92jd29jd92jd29j92d92jd", "products": _LIST},
    "Checkout Started": {**_ORDER_50314, "value": 30},
    "Checkout Step Viewed": _STEP_2,
    "Checkout Step Completed": _STEP_2,
    "Payment Info Entered": {"checkout_id": "39f39fj39f3jf93fj9fj39fj3f",
                             "order_id": "dkfsjidfjsdifsdfksdjfkdsfjsdfkdsf"},
    "Order Updated": {**_ORDER_50314, "total": 27.50},
    "Order Completed": {**_ORDER_50314, "checkout_id": "fksdjfsdjfisjf9sdfjsd9f",
                        "total": 27.50, "subtotal": 22.50, "revenue": 22.50},
    "Order Refunded": {"order_id": "50314b8e9bcf000000000000", "total": 30,
                       "currency": "USD", "products": _ORDERED},
    "Order Cancelled": {**_ORDER_50314, "total": 30},
    "Coupon Entered": _COUPON,
    "Coupon Applied": {**_COUPON, "coupon_name": "May Deals 2016", "discount": 23.32},
    "Coupon Denied": {**_COUPON, "reason": "Coupon expired"},
    "Coupon Removed": {**_COUPON, "coupon_name": "May Deals 2016", "discount": 23.32},
    "Product Added to Wishlist": {**_WISH, **_GAME},
    "Product Removed from Wishlist": {**_WISH, **_GAME},
    "Wishlist Product Added to Cart": {**_WISH, "cart_id": "99j2d92j9dj29dj29d2d", **_GAME},
    "Product Shared": {**_SHARED, **{k: v for k, v in _GAME.items()
                                     if k not in ("quantity", "coupon", "position")}},
    "Cart Shared": {**_SHARED, "cart_id": "d92jd29jd92jd29j92d92jd",
                    "products": [{"product_id": "507f1f77bcf86cd799439011"},
                                 {"product_id": "505bd76785ebb509fc183733"}]},
    "Product Reviewed": {"product_id": "507f1f77bcf86cd799439011",
                         "review_id": "kdfjrj39fj39jf3", "review_body": "I love this product",
                         "rating": "5"},
}

_ENVELOPE = {"anonymousId": "507f191e810c19729de860ea", "channel": "browser",
             "context": {"ip": "8.8.8.8", "userAgent": "Mozilla/5.0 (Macintosh)"},
             "messageId": "022bb90c-bbac-11e4-8dfc-aa07a5b093db",
             "receivedAt": "2015-02-23T22:28:55.387Z", "sentAt": "2015-02-23T22:28:55.111Z",
             "timestamp": "2015-02-23T22:28:55.111Z", "version": "1.1"}
IDENTIFY = {**_ENVELOPE, "type": "identify", "userId": "97980cfea0067",
            "integrations": {"All": False, "Mixpanel": True, "Salesforce": True},
            "traits": {"name": "Peter Gibbons", "email": "peter@example.com",
                       "plan": "premium", "logins": 5,
                       "address": {"street": "6th St", "city": "San Francisco", "state": "CA",
                                   "postalCode": "94103", "country": "USA"}}}
GROUP = {**_ENVELOPE, "type": "group", "groupId": "0e8c78ea9d97a7b8185e8632",
         "userId": "97980cfea0067",
         "integrations": {"All": True, "Mixpanel": False, "Salesforce": False},
         "traits": {"name": "Initech", "industry": "Technology", "employees": 329,
                    "plan": "enterprise", "total billed": 830}}
SPEC_TRAFFIC = [IDENTIFY, GROUP] + [
    {**_ENVELOPE, "type": "track", "userId": "97980cfea0067", "event": event,
     "properties": properties} for event, properties in SPEC_EXAMPLES.items()]


@pytest.fixture(scope="module")
def plan() -> protocols.Plan:
    return protocols.load_plan(PLAN_PATH)


def _types(schema: dict[str, Any], defs: dict[str, Any]) -> str | tuple[str, ...]:
    ref = schema.get("$ref")
    if isinstance(ref, str):
        schema = defs[ref.rsplit("/", 1)[-1]]
    kind = schema["type"]
    return kind if isinstance(kind, str) else tuple(sorted(kind))


def test_every_event_has_exactly_the_spec_tables_properties_and_types(
        plan: protocols.Plan) -> None:
    assert set(plan.events) == set(SPEC_TABLES)
    for event, table in SPEC_TABLES.items():
        schema = plan.message_schema(plan.events[event])
        properties = schema["properties"]["properties"]
        defs = schema.get("$defs", {})
        found = {name: _types(sub, defs) for name, sub in properties["properties"].items()}
        assert found == table, event


def test_identify_and_group_plan_the_reserved_traits_as_segment_spells_them(
        plan: protocols.Plan) -> None:
    for kind, table in RESERVED_TRAITS.items():
        spec = plan.find(kind, kind)
        assert spec is not None
        schema = plan.message_schema(spec)
        traits = schema["properties"]["traits"]
        defs = schema.get("$defs", {})
        assert {n: _types(s, defs) for n, s in traits["properties"].items()} == table, kind
        address = defs[traits["properties"]["address"]["$ref"].rsplit("/", 1)[-1]]
        assert tuple(sorted(address["properties"])) == _ADDRESS


@pytest.mark.parametrize("message", SPEC_TRAFFIC,
                         ids=[m.get("event", m["type"]) for m in SPEC_TRAFFIC])
def test_each_spec_example_validates_clean(plan: protocols.Plan,
                                           message: dict[str, Any]) -> None:
    findings = protocols.Validator(plan).validate(json.loads(json.dumps(message)))
    assert [(d.code, d.path, d.message) for d in findings] == []


def test_spec_traffic_validates_clean_through_the_cli(tmp_path: Path) -> None:
    log = tmp_path / "spec.ndjson"
    log.write_text("".join(json.dumps(m) + "\n" for m in SPEC_TRAFFIC), "utf-8")
    result = CliRunner().invoke(app, ["validate", "--plan", str(PLAN_PATH), str(log),
                                      "--fail-on", "warning", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["diagnostics"] == []
    assert document["summary"]["valid"] == len(SPEC_TRAFFIC)


def test_snake_case_reserved_traits_are_naming_drift(plan: protocols.Plan) -> None:
    """Segment reads `first_name` too, but a destination may then hold two traits; the plan
    spells them one way and reports the other."""
    message = {**IDENTIFY, "traits": {"email": "peter@example.com", "first_name": "Peter",
                                      "created_at": "2015-02-23T22:28:55Z"}}
    found = {(d.code, d.path) for d in protocols.Validator(plan).validate(message)}
    assert found == {("PV302", "traits.first_name"), ("PV302", "traits.created_at")}


@pytest.mark.parametrize(("value", "valid"), [
    ("2015-02-23", True), ("2015-02-23T22:28:55.111Z", True), ("2015-02-23T22:28:55+01:00", True),
    ("2015-02-23 22:28", True), ("23/02/2015", False), ("yesterday", False), ("2015-02", False)])
def test_dates_are_iso_8601_dates_or_date_times(plan: protocols.Plan, value: str,
                                                valid: bool) -> None:
    """Segment's "Date" traits (createdAt, birthday): analytics.js sends a Date as a date and
    time, people write plain dates; both are ISO-8601."""
    message = {**IDENTIFY, "traits": {"email": "peter@example.com", "createdAt": value,
                                      "birthday": value}}
    found = [d.code for d in protocols.Validator(plan).validate(message)]
    assert found == ([] if valid else ["PV204", "PV204"]), found
