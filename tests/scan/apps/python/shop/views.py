"""Every call form the scan understands, in Python; the comments on each line say what the
scan must report there (see tests/test_scan_apps.py)."""

import re

import segment.analytics as analytics
from segment.analytics import Client

from shop import events
from shop.events import ORDER_COMPLETED, Event
from shop.tracking import ProtocolsClient

LOCAL_EVENT = "Product Viewed"
segment = Client("write-key")
tracking = ProtocolsClient(segment)


def track_event(name, properties):
    """A team wrapper (declared in .protocols.toml): its callers are checked, not its body."""
    analytics.track("user-1", name, properties)


def log_checkout(properties):
    analytics.track("user-1", ORDER_COMPLETED, properties)  # sends: Order Completed


def checkout(user_id, order_id, total, state):
    analytics.track(user_id, "Order Completed", {"order_id": order_id, "currency": "EUR", "total": total})  # sends: Order Completed
    analytics.track(user_id, ORDER_COMPLETED, {"order_id": order_id, "currency": "usd", "total": total})  # sends: Order Completed  expect: PS204
    segment.track(user_id=user_id, event=Event.PRODUCT_VIEWED, properties={"product_id": 42})  # sends: Product Viewed  expect: PS203
    analytics.track(user_id, Event.SIGNED_IN.value, {"method": "sso"})  # sends: Signed In
    analytics.track(user_id, events.SIGNED_IN_IOS)  # sends: Signed In  expect: PS103
    analytics.track(user_id, LOCAL_EVENT, {"product_id": "p1", "productPrice": 3})  # sends: Product Viewed  expect: PS201
    analytics.track(user_id, "Order Completed", {"orderId": order_id, "currency": "EUR", "total": 1.5})  # sends: Order Completed  expect: PS202
    analytics.track(user_id, "Order Completed", {"order_id": order_id, "total": 1.5})  # sends: Order Completed  expect: PS205
    analytics.track(user_id, "Order Completed", {"order_id": order_id, **extra()})  # sends: Order Completed
    analytics.track(user_id, "Cart Abandoned")  # sends: Cart Abandoned  expect: PS102
    analytics.track(user_id, "Order Placed")  # sends: Order Placed  expect: PS104
    analytics.track(user_id, f"Order {state}")  # expect: PS101
    analytics.track(user_id, "Order " + state)  # expect: PS101
    analytics.identify(user_id, {"email": "ann@example.com", "age": "42"})  # sends: identify  expect: PS203
    analytics.group(user_id, "acme", {"name": "Acme"})  # sends: group
    analytics.screen(user_id, None, "home")  # sends: screen "Home"  expect: PS103
    analytics.page(user_id, "Docs", "Pricing", {"path": "/pricing"})  # sends: page "Pricing"
    track_event("Signed In", {"method": "password"})  # sends: Signed In
    track_event("Signed In", {"method": "magic-link"})  # sends: Signed In  expect: PS204
    log_checkout({"order_id": order_id, "currency": "GBP", "total": 3})  # sends: Order Completed
    tracking.order_completed({"order_id": order_id, "currency": "USD", "total": 9.5})  # sends: Order Completed
    tracking.signed_in({"method": "sso"}, user_id=user_id)  # sends: Signed In
    tracking.identify({"email": "ann@example.com"}, user_id=user_id)  # sends: identify
    tracking.screen_home({"tab": 1}, user_id=user_id)  # sends: screen "Home"  expect: PS203
    # analytics.track(user_id, "Commented Out")  -- a comment, not a call
    text = 'analytics.track(user_id, "Inside A String")'
    match = re.match("(a)", "a")
    match.group(1)  # a regex group, not a Segment group call
    return text


def extra():
    return {}
