"""Logs that engines other than ``validate`` itself must read exactly as it does: the hostile
log (every odd thing a line can be) and a generated production-shaped log of any size."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from protocols.validate.read import limits
from tests.conftest import REPO

EXAMPLES = [REPO / "examples" / "events.ndjson", REPO / "examples" / "clean.ndjson"]
ECOMMERCE = REPO / "plans" / "ecommerce.yaml"

GOOD = {"type": "track", "event": "Order Completed", "userId": "u1",
        "context": {"library": {"name": "analytics.js"}},
        "properties": {"order_id": "o1", "currency": "USD", "total": 3.5,
                       "products": [{"product_id": "p1", "sku": "S1", "name": "Mug",
                                     "price": 3.5, "quantity": 1}]}}


def line(message: Any) -> bytes:
    return json.dumps(message).encode()


def hostile_log() -> bytes:
    """A BOM, CRLF endings, batches, bytes that are not UTF-8, NaN, blank lines, a line over
    the size limit, broken JSON, non-objects, and a last line without a line ending."""
    drifted = {**GOOD, "event": "order_completed",
               "context": {"library": {"name": "analytics-android"}},
               "properties": {**GOOD["properties"], "currency": "usd"}}
    camel = {**GOOD, "event": "Order-Completed", "context": {"library": {"name": "analytics-ios"}},
             "properties": {"orderId": "o2", "currency": "USD", "total": "3.50"}}
    too_long = {**GOOD, "properties": {**GOOD["properties"],
                                        "note": "x" * (limits.MAX_LINE_BYTES + 10)}}
    lines = [
        limits.BOM + line(GOOD) + b"\r\n",
        line(drifted) + b"\r\n",
        b"\r\n",
        b"   \n",
        b"\n",
        line({"batch": [GOOD, camel, 3, {**GOOD, "userId": ""}]}) + b"\n",
        b'{"type": "track", "event": "Order Completed", "userId": "\xff\xfe"}\n',
        b'{"type": "track", "event": "Order Completed", "userId": "u", "properties": '
        b'{"total": NaN}}\n',
        line(too_long) + b"\n",
        b"{not json\n",
        b"[1, 2]\n",
        b'"just a string"\n',
        limits.BOM + line(camel) + b"\n",  # a BOM past line 1 is not skipped
        line({"type": "identify", "userId": "u9", "traits": {"Email": "a@b.io"},
              "context": {"library": {"name": "analytics-ios"}}}) + b"\n",
        line({"type": "page", "name": "Home", "anonymousId": "a"}) + b"\r\n",
        line(camel),
    ]
    return b"".join(lines)


def generated_log(path: Path, messages: int, *, seed: int = 16) -> Path:
    """``messages`` messages of production-shaped traffic for plans/ecommerce.yaml: three
    sources that drift apart (spellings, case, types), ids of high cardinality, a few
    broken lines and batches; the same seed always writes the same bytes."""
    rng = random.Random(seed)
    examples = [raw for raw in EXAMPLES[0].read_bytes().splitlines(keepends=True) if raw.strip()]
    written = 0
    with path.open("wb") as out:
        while written < messages:
            roll = rng.random()
            if roll < 0.3:
                raw = rng.choice(examples)
                out.write(raw if raw.endswith(b"\n") else raw + b"\n")
                written += 1
                continue
            if roll < 0.31:
                out.write(rng.choice([b"{broken\n", b"\xff\n", b"[]\n", b'{"type": "track"}\n']))
                written += 1
                continue
            batch = [_message(rng, written + i) for i in range(1 if roll < 0.95 else 3)]
            out.write(line(batch[0] if len(batch) == 1 else {"batch": batch}) + b"\n")
            written += len(batch)
    return path


def _message(rng: random.Random, number: int) -> dict[str, Any]:
    source = rng.choice(["analytics.js", "analytics.js", "analytics-ios", "analytics-android"])
    user = f"user-{rng.randrange(10**5)}"
    context = {"library": {"name": source, "version": "1.0"}, "ip": f"203.0.113.{number % 250}"}
    kind = rng.random()
    if kind < 0.25:
        traits: dict[str, Any] = {"email": f"u{number}@example.com", "name": f"User {number}"}
        if source == "analytics-ios":
            traits = {"Email": traits["email"], "name": traits["name"]}
        return {"type": "identify", "userId": user, "traits": traits, "context": context,
                "messageId": f"m-{number}"}
    price = round(rng.uniform(1, 90), 2)
    product = {"product_id": f"p-{rng.randrange(10**4)}", "sku": f"SKU-{number % 97}",
               "name": rng.choice(["Mug", "Poster", "Shirt"]), "price": price,
               "quantity": rng.randrange(1, 4)}
    if kind < 0.6:
        event, properties = "Product Added", {"cart_id": f"c-{number}", **product}
    else:
        event = "Order Completed"
        properties = {"order_id": f"o-{number}", "currency": rng.choice(["USD", "EUR", "GBP"]),
                      "total": price, "products": [product]}
    if source == "analytics-ios":
        event = event.replace(" ", "-")
        properties = {_camel(k): v for k, v in properties.items()}
    elif source == "analytics-android":
        event = event.lower().replace(" ", "_")
        if "currency" in properties:
            properties["currency"] = properties["currency"].lower()
        if rng.random() < 0.5:
            properties["price" if "price" in properties else "total"] = str(price)
    if rng.random() < 0.03:
        properties.pop(rng.choice(sorted(properties)))
    return {"type": "track", "event": event, "userId": user, "properties": properties,
            "context": context, "messageId": f"m-{number}",
            "timestamp": f"2026-11-{1 + number % 28:02d}T10:00:00.000Z"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
