"""Write the example logs: ``python examples/make_logs.py`` (deterministic; output is committed).

``events.ndjson`` is a day of storefront traffic from three SDKs that drift apart the way real
teams do: the iOS app spells events with hyphens and property names in camelCase, the
Android app sends snake_case event names, prices as strings and currencies in lower case. A
few messages are plainly broken (a missing required property, a typo in an event name, a bad
email, a truncated line). ``clean.ndjson`` is the same traffic sent exactly as planned.
Both are checked against ``plans/ecommerce.yaml``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
SOURCES = {
    "analytics.js": {"version": "5.2.0", "app": None},
    "analytics-ios": {"version": "1.6.1", "app": "Storefront iOS"},
    "analytics-android": {"version": "1.14.0", "app": "Storefront Android"},
}
PRODUCTS = [("sku-1001", "Trail Runner", 89.0), ("sku-1002", "Rain Shell", 129.5),
            ("sku-1003", "Wool Socks", 12.0), ("sku-1004", "Day Pack", 64.25)]


class Traffic:
    def __init__(self, seed: int, *, drift: bool) -> None:
        self.random = random.Random(seed)
        self.drift = drift
        self.clock = START
        self.count = 0

    def envelope(self, source: str, kind: str, user: str) -> dict[str, Any]:
        self.count += 1
        self.clock += timedelta(seconds=self.random.randint(5, 300))
        library = SOURCES[source]
        context: dict[str, Any] = {"library": {"name": source, "version": library["version"]}}
        if library["app"]:
            context["app"] = {"name": library["app"], "version": "4.2"}
        else:
            context["page"] = {"path": "/cart", "url": "https://shop.example/cart"}
        return {"type": kind, "messageId": f"msg-{self.count:05d}", "userId": user,
                "anonymousId": None, "timestamp": self.clock.isoformat().replace("+00:00", "Z"),
                "context": context}

    def product_added(self, source: str, user: str) -> dict[str, Any]:
        product_id, _, price = self.random.choice(PRODUCTS)
        message = self.envelope(source, "track", user)
        properties: dict[str, Any] = {"cart_id": f"cart-{user}", "product_id": product_id,
                                      "price": price, "quantity": self.random.randint(1, 3)}
        name = "Product Added"
        if self.drift and source == "analytics-ios":
            name = "Product-Added"
            properties = {"cartId": properties["cart_id"], "productId": product_id,
                          "price": price, "quantity": properties["quantity"]}
        elif self.drift and source == "analytics-android":
            name = "product_added"
            properties["price"] = f"{price:.2f}"
        message.update(event=name, properties=properties)
        return message

    def order_completed(self, source: str, user: str) -> dict[str, Any]:
        chosen = self.random.sample(PRODUCTS, self.random.randint(1, 3))
        products = [{"product_id": pid, "name": name, "price": price, "quantity": 1}
                    for pid, name, price in chosen]
        currency = self.random.choice(["USD", "EUR", "GBP"])
        total = round(sum(p["price"] for p in products) * 1.2, 2)
        message = self.envelope(source, "track", user)
        properties: dict[str, Any] = {"order_id": f"order-{self.count:05d}",
                                      "currency": currency, "total": total,
                                      "products": products}
        name = "Order Completed"
        if self.drift and source == "analytics-ios":
            name = "Order-Completed"
            properties["orderId"] = properties.pop("order_id")
        elif self.drift and source == "analytics-android":
            name = "order_completed"
            properties["currency"] = currency.lower()
            properties["total"] = f"{total:.2f}"
        message.update(event=name, properties=properties)
        return message

    def identify(self, source: str, user: str) -> dict[str, Any]:
        message = self.envelope(source, "identify", user)
        traits: dict[str, Any] = {"email": f"{user}@example.com", "name": user.title()}
        if self.drift and source == "analytics-android":
            traits = {"Email": traits["email"], "name": traits["name"]}
        message["traits"] = traits
        return message

    def day(self, users: int) -> list[str]:
        lines: list[str] = []
        for index in range(users):
            user = f"user{index:03d}"
            source = list(SOURCES)[index % 3]
            lines.append(json.dumps(self.identify(source, user)))
            for _ in range(self.random.randint(1, 3)):
                lines.append(json.dumps(self.product_added(source, user)))
            if self.random.random() < 0.7:
                lines.append(json.dumps(self.order_completed(source, user)))
        return lines


def broken(traffic: Traffic) -> list[str]:
    """A handful of plain violations, the kind every log has."""
    missing = traffic.product_added("analytics.js", "user900")
    del missing["properties"]["cart_id"]
    negative = traffic.product_added("analytics.js", "user901")
    negative["properties"]["quantity"] = 0
    typo = traffic.product_added("analytics.js", "user902")
    typo["event"] = "Product Add"
    bad_email = traffic.identify("analytics.js", "user903")
    bad_email["traits"]["email"] = "user903-at-example.com"
    anonymous = traffic.order_completed("analytics-ios", "user904")
    anonymous.update(userId=None, anonymousId="")
    anonymous["properties"]["order_id"] = anonymous["properties"].pop("orderId", "order-x")
    anonymous["event"] = "Order Completed"
    truncated = json.dumps(traffic.order_completed("analytics.js", "user905"))[:120]
    return [json.dumps(m) for m in (missing, negative, typo, bad_email, anonymous)] + [truncated]


def main(out: Path = HERE) -> None:
    drifting = Traffic(2026, drift=True)
    lines = drifting.day(users=90)
    for offset, line in enumerate(broken(drifting)):
        lines.insert(40 * (offset + 1), line)
    (out / "events.ndjson").write_text("\n".join(lines) + "\n", "utf-8")
    clean = Traffic(1126, drift=False).day(users=12)
    (out / "clean.ndjson").write_text("\n".join(clean) + "\n", "utf-8")


if __name__ == "__main__":
    main()
