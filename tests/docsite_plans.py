"""Plans the docs-site tests share: a small one with every feature, and a hostile one."""

from __future__ import annotations

from pathlib import Path

from protocols.plan import Plan, load_plan

FEATURES = """\
protocols: 1
plan: shop
version: "2.1.0"
description: The shop's events.
owners: ["@data"]
conventions: {event_case: title, property_case: snake, require_owner: true}
types:
  Item:
    type: object
    description: One line of an order.
    properties:
      sku: {type: string, required: true, pattern: "^SKU-[0-9]{4}$", description: Stock unit.}
      price: {type: number, exclusiveMinimum: 0, multipleOf: 0.01}
properties:
  order_id: {type: string, description: Id of the order., minLength: 8, maxLength: 8}
  currency: {type: string, enum: [USD, EUR], description: ISO 4217 code.}
  email: {type: string, format: email, pii: true, description: Where receipts go.}
  unused_entry: {type: integer, minimum: 1, maximum: 9}
events:
  Order Completed:
    description: The order was paid in full.
    owner: "@checkout"
    tags: [revenue]
    properties:
      order_id: {required: true}
      currency: {required: true}
      items: {type: array, items: {type: Item}, minItems: 1, required: true}
      coupon: {type: [string, "null"], pattern: "^[A-Z]{3,5}$"}
      receipt_email: {use: email}
      placed_at: {type: string, format: date-time}
  Order Refunded:
    description: Money went back to the shopper.
    owner: "@payments"
    properties:
      order_id: {required: true}
      amount: {type: integer, minimum: 100, maximum: 200, multipleOf: 7}
  Legacy Checkout:
    description: The old checkout flow, replaced by Order Completed.
    owner: "@checkout"
    deprecated: true
    properties:
      order_id: {}
identify:
  description: Who the shopper is.
  traits:
    email: {required: true}
    age: {type: integer, minimum: 18}
group:
  description: The shopper's company.
  traits:
    seats: {type: integer, minimum: 1}
pages:
  Home:
    description: The landing page.
screens:
  Cart:
    description: The cart screen in the app.
    properties:
      items_count: {type: integer, minimum: 0}
"""

# Plan text that tries to get markup or script into the pages. Each payload calls
# window.__pwned(), a binding the browser tests expose and assert was never called.
HOSTILE = """\
protocols: 1
plan: hostile
version: "1.0.0"
description: "<script>window.__pwned('plan-description')</script>"
owners: ["\\"><img src=x onerror=window.__pwned('owner')>"]
properties:
  "x<svg onload=window.__pwned('lib')>": {type: string, description: "[click](javascript:window.__pwned('md'))"}
events:
  "<script>window.__pwned('name')</script>":
    description: "javascript:window.__pwned('desc') <img src=x onerror=window.__pwned('img')>"
    owner: "\\"><img src=x onerror=window.__pwned('event-owner')>"
    properties:
      "\\"><img src=x onerror=window.__pwned('prop')>":
        type: string
        description: "<a href=\\"javascript:window.__pwned('a')\\">click</a>"
        enum: ["</code><script>window.__pwned('enum')</script>", "javascript:window.__pwned('v')"]
  "javascript:window.__pwned('event')":
    description: "</textarea></script><script>window.__pwned('close')</script>"
    owner: "@x"
    deprecated: true
"""


def write_plan(folder: Path, text: str, name: str = "plan.yaml") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def load(folder: Path, text: str, name: str = "plan.yaml") -> Plan:
    return load_plan(write_plan(folder, text, name))
