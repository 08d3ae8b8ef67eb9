"""A production-shaped benchmark log, generated from a plan's own schemas.

``bench_validate.py``'s log repeats a small vocabulary: two events, a handful of products,
one user agent. Real Segment traffic is not like that, and what a validator pays per message
depends on it (caches of values, the drift report's value counts). This log is built from
whatever plan it is given (plans/ecommerce.yaml by default), so it follows the plan as the
plan changes:

- every planned track event, with Zipf-like frequencies (a few events make most of the
  traffic), and identify, group, page and screen calls mixed in;
- values made from each property's schema (type, bounds, format, pattern, enum, arrays of
  objects, named types) and its name (ids, SKUs, product names, URLs, emails...), nearly all
  distinct: a validator cannot get by on a cache of values;
- three sources, each with its own SDK's envelope and full ``context`` (analytics.js on the
  web, analytics-ios, analytics-android), message ids and key order, and its own way of
  misspelling names when it drifts;
- about ``violating`` (5%) of messages broken in one way each, cycling over every kind of
  finding the validate codes cover and the plan allows (an enum drift needs an enum in the
  plan): unreadable lines (PV001-PV004), envelope problems (PV101-PV105), payload problems
  (PV201-PV210) and naming drift (PV301-PV303); and about ``warning`` (3%) of messages
  carrying an unplanned property (a warning only).

The same plan, count and seed always write the same bytes.

    python benchmarks/production_log.py 200000 benchmarks/out/production-200000.ndjson
"""

from __future__ import annotations

import argparse
import json
import random
import re
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from protocols.plan import load_plan
from protocols.plan.model import MessageSpec, Plan

REPO = Path(__file__).resolve().parent.parent
PLAN = REPO / "plans" / "ecommerce.yaml"
MAX_LINE_BYTES = 1024 * 1024  # the validate command's limit (protocols/validate/read/inputs.py)

# -- words values are made of (combined, so values rarely repeat) --------------------------

ADJECTIVES = ("Classic", "Organic", "Slim", "Heavy", "Vintage", "Smart", "Compact", "Deluxe",
              "Wireless", "Recycled", "Merino", "Ceramic", "Bamboo", "Waterproof", "Linen",
              "Insulated", "Foldable", "Handmade", "Ultralight", "Cordless", "Modular")
NOUNS = ("Mug", "T-Shirt", "Backpack", "Lamp", "Headphones", "Sneakers", "Notebook", "Kettle",
         "Jacket", "Desk", "Blender", "Watch", "Scarf", "Speaker", "Tent", "Chair", "Bottle",
         "Keyboard", "Pillow", "Sunglasses", "Skillet", "Charger", "Rug", "Helmet")
COLOURS = ("black", "white", "navy", "olive", "sand", "charcoal", "coral", "teal", "mustard")
SIZES = ("XS", "S", "M", "L", "XL", "XXL", "38", "40", "42", "44", "one size")
BRANDS = tuple(f"{a}{b}" for a in ("Nord", "Alto", "Brio", "Cove", "Dune", "Ember", "Fjell",
                                   "Gala", "Hale", "Iris") for b in ("", " & Co", " Labs",
                                                                     "wear", "ware"))
DEPARTMENTS = ("Home", "Kitchen", "Outdoor", "Apparel", "Electronics", "Office", "Sports",
               "Beauty", "Garden", "Toys")
FIRST = ("Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Dennis", "Barbara", "Ken",
         "Radia", "Tim", "Frances", "Edsger", "Hedy", "John", "Sophie", "Yukihiro", "Anita",
         "Guido", "Joan", "Niklaus", "Shafi", "Lynn", "Bjarne", "Whitfield", "Jean")
LAST = ("Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Ritchie", "Liskov",
        "Thompson", "Perlman", "Berners-Lee", "Allen", "Dijkstra", "Lamarr", "McCarthy",
        "Wilson", "Matsumoto", "Borg", "van Rossum", "Clarke", "Wirth", "Goldwasser")
DOMAINS = ("example.com", "mail.example.org", "example.net", "corp.example", "shop.example")
WORDS = ("fast", "great", "broke", "gift", "again", "quality", "price", "colour", "size",
         "delivery", "love", "return", "perfect", "cheap", "sturdy", "soft", "loud", "small")
CURRENCIES = ("USD", "EUR", "GBP", "JPY", "CAD", "AUD", "CHF", "SEK")
CITIES = ("Lisbon", "Osaka", "Denver", "Leeds", "Lyon", "Porto", "Austin", "Bergen", "Tartu")
INDUSTRIES = ("Retail", "Software", "Logistics", "Healthcare", "Education", "Media")
PLANS = ("free", "starter", "team", "business", "enterprise")


def _token(rng: random.Random, length: int = 8) -> str:
    return "".join(rng.choice("abcdefghijkmnopqrstuvwxyz23456789") for _ in range(length))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class Values:
    """Values for a property, from its schema and its name (and the names above it)."""

    def __init__(self, rng: random.Random, defs: Mapping[str, Any],
                 site: dict[tuple[str, ...], bool] | None = None) -> None:
        self.rng = rng
        self.defs = defs
        # The call site sending the message: which optional properties it sends (decided
        # on first use, by path). An app sends the same keys from one place in its code,
        # less a value now and then that was undefined (analytics.js drops those).
        self.site = site if site is not None else {}

    def resolve(self, schema: Any) -> Mapping[str, Any]:
        for _ in range(16):
            if not isinstance(schema, Mapping):
                return {}
            ref = schema.get("$ref")
            if not (isinstance(ref, str) and ref.startswith("#/$defs/")):
                return schema
            merged = {k: v for k, v in schema.items() if k != "$ref"}
            schema = {**self.defs.get(ref[len("#/$defs/"):], {}), **merged}
        return {}

    def value(self, schema: Any, path: tuple[str, ...], depth: int = 0) -> Any:
        rng = self.rng
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return rng.choice(schema["enum"])
        members = schema.get("anyOf", schema.get("oneOf"))
        if "type" not in schema and isinstance(members, list) and members:
            useful = [m for m in members if self.resolve(m).get("type") != "null"]
            return self.value(rng.choice(useful or members), path, depth)
        kinds = schema.get("type")
        if isinstance(kinds, list):
            kinds = rng.choice([k for k in kinds if k != "null"] or ["null"])
        if kinds is None:
            kinds = ("object" if "properties" in schema else
                     "array" if "items" in schema else "string")
        if kinds == "object":
            return self.obj(schema, path, depth)
        if kinds == "array":
            if depth > 4:
                return []
            items = schema.get("items", {})
            low = max(int(schema.get("minItems", 1)), 0)
            high = max(int(schema.get("maxItems", low + 3)), low)
            return [self.value(items, (*path, "[]"), depth + 1)
                    for _ in range(rng.randint(low, min(high, low + 3)))]
        if kinds in ("number", "integer"):
            return self.number(schema, path, integer=kinds == "integer")
        if kinds == "boolean":
            return rng.random() < 0.5
        if kinds == "null":
            return None
        return self.string(schema, path)

    def obj(self, schema: Mapping[str, Any], path: tuple[str, ...], depth: int) -> Any:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return {"text": self.words(2), "page": self.rng.randint(1, 9)} if depth < 6 else {}
        required = set(schema.get("required", []))
        out: dict[str, Any] = {}
        for name, sub in properties.items():
            where = (*path, name)
            sends = self.site.get(where)
            if sends is None:
                sends = self.site[where] = depth < 4 and self.rng.random() < 0.55
            if isinstance(sub, Mapping) and sub.get("deprecated") is True:
                sends = False  # (only a warning sends one: see _warn)
            if name in required or (sends and self.rng.random() < 0.9):
                out[name] = self.value(sub, where, depth + 1)
        return out

    def number(self, schema: Mapping[str, Any], path: tuple[str, ...], *,
               integer: bool) -> int | float:
        rng = self.rng
        name = path[-1].lower() if path else ""
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0))
        high = schema.get("maximum", schema.get("exclusiveMaximum", low + 500))
        countable = integer or any(w in name for w in ("quantity", "position", "step", "age",
                                                        "count", "employees", "rating"))
        if countable:
            top = min(high, low + (60 if "age" in name else 9))
            value: int | float = rng.randint(int(low) + ("exclusiveMinimum" in schema),
                                             max(int(top), int(low) + 1))
            return value
        value = round(rng.uniform(low, high) ** 1.0, 2)
        if "exclusiveMinimum" in schema and value <= low:
            value = low + 0.01
        return value

    def words(self, count: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(count))

    def product_name(self) -> str:
        rng = self.rng
        return (f"{rng.choice(ADJECTIVES)} {rng.choice(COLOURS).title()} {rng.choice(NOUNS)} "
                f"{rng.choice('ABCDEFGHJKLMNPRSTVXZ')}{rng.randint(10, 9999)}")

    def person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST), self.rng.choice(LAST)

    def email(self) -> str:
        first, last = self.person()
        return (f"{first.lower()}.{_slug(last)}{self.rng.randint(1, 99999)}@"
                f"{self.rng.choice(DOMAINS)}")

    def url(self, name: str) -> str:
        rng = self.rng
        if "image" in name or "avatar" in name:
            return (f"https://cdn.shop.example/img/{_token(rng, 12)}/"
                    f"{rng.choice((320, 640, 1280))}.webp")
        if "website" in name:
            return f"https://www.{_slug(rng.choice(BRANDS))}-{_token(rng, 4)}.example"
        return (f"https://shop.example/p/{_slug(self.product_name())}"
                f"-{rng.randint(10**5, 10**7)}?ref={rng.choice(('home', 'search', 'ad'))}")

    def string(self, schema: Mapping[str, Any], path: tuple[str, ...]) -> str:
        rng = self.rng
        name = path[-1] if path else ""
        lower = name.lower()
        parents = [p.lower() for p in path[:-1]]
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        text = self.named(lower, parents, fmt)
        if isinstance(pattern, str) and not re.search(pattern, text):
            fits = [c for c in [*self.candidates(), *_alternatives(pattern)]
                    if re.search(pattern, c)]
            text = rng.choice(fits) if fits else text
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        if isinstance(low, int) and len(text) < low:
            text = text + "x" * (low - len(text))
        return text

    def candidates(self) -> list[str]:
        """Values of common shapes, for a pattern the name says nothing about."""
        moment = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(
            seconds=self.rng.randrange(6 * 365 * 86400))
        return [moment.strftime("%Y-%m-%dT%H:%M:%SZ"), moment.strftime("%Y-%m-%d"),
                str(uuid.UUID(int=self.rng.getrandbits(128))), f"{self.rng.randint(0, 99999):05d}",
                _token(self.rng).upper(), _token(self.rng), self.words(1)]

    def named(self, name: str, parents: list[str], fmt: Any) -> str:
        rng = self.rng
        if fmt == "email" or "email" in name:
            return self.email()
        if fmt in ("uri", "uri-reference", "iri") or name.endswith("url") or name in (
                "avatar", "website"):
            return self.url(name)
        if fmt == "date-time":
            return self.candidates()[0]
        if fmt == "date":
            return self.candidates()[1]
        if fmt == "uuid":
            return self.candidates()[2]
        if name == "sku":
            return f"{rng.choice(NOUNS)[:3].upper()}-{rng.randint(1000, 99999)}-" \
                   f"{rng.choice(COLOURS)[:2].upper()}{rng.choice(SIZES).replace(' ', '')}"
        if name in ("id", "groupid") or name.endswith("_id") or name.endswith("id"):
            prefix = (name[:-3] if name.endswith("_id") else name[:-2] or "id")[:4] or "id"
            return f"{_slug(prefix) or 'id'}_{_token(rng, 10)}"
        if name == "currency":
            return rng.choice(CURRENCIES)
        if name == "category":
            return f"{rng.choice(DEPARTMENTS)}/{rng.choice(NOUNS)}s"
        if name == "brand":
            return rng.choice(BRANDS)
        if name == "variant":
            return f"{rng.choice(COLOURS)} / {rng.choice(SIZES)}"
        if "coupon" in name or name == "creative":
            return f"{rng.choice(('SPRING', 'WELCOME', 'VIP', 'FLASH', 'BUNDLE'))}" \
                   f"{rng.randint(5, 60)}-{_token(rng, 4).upper()}"
        if name == "name":
            if "company" in parents:
                return f"{rng.choice(BRANDS)} {rng.choice(('Inc', 'GmbH', 'Ltd', 'SAS'))}"
            if "traits" in parents:
                return " ".join(self.person())
            return self.product_name()
        if name in ("firstname", "first_name"):
            return self.person()[0]
        if name in ("lastname", "last_name"):
            return self.person()[1]
        if name in ("username",):
            return f"{self.person()[0].lower()}{rng.randint(1, 99999)}"
        if name == "phone":
            return f"+1-{rng.randint(200, 999)}-555-{rng.randint(0, 9999):04d}"
        if name in ("street",):
            return f"{rng.randint(1, 999)} {rng.choice(LAST)} Street"
        if name == "city":
            return rng.choice(CITIES)
        if name in ("postalcode", "postal_code", "zip"):
            return f"{rng.randint(10000, 99999)}"
        if name in ("state", "country"):
            return rng.choice(("PT", "JP", "US", "GB", "FR", "NO", "EE"))
        if name in ("query", "search"):
            return f"{rng.choice(COLOURS)} {rng.choice(NOUNS).lower()} {self.words(1)}"
        if name == "rating":
            return str(rng.randint(1, 5))
        if name in ("industry",):
            return rng.choice(INDUSTRIES)
        if name == "plan":
            return rng.choice(PLANS)
        if name in ("gender",):
            return rng.choice(("female", "male", "non-binary"))
        if name in ("title",):
            return rng.choice(("Engineer", "Buyer", "VP of Sales", "Designer", "CTO"))
        if "message" in name or "body" in name or "description" in name or "reason" in name:
            return f"{self.words(rng.randint(3, 12))} #{rng.randint(1, 10**6)}"
        if "method" in name:
            return rng.choice(("Visa", "Mastercard", "PayPal", "Apple Pay", "UPS", "FedEx",
                               "DHL Express", "Click & Collect"))
        if name in ("share_via", "type"):
            return rng.choice(("email", "facebook", "sms", "link", "price", "department"))
        if name == "value":
            return rng.choice(("asc", "desc")) if "sorts" in parents else \
                rng.choice(DEPARTMENTS).lower()
        if name == "affiliation":
            return rng.choice(("Web Store", "App Store", "Google Store", "Partner"))
        if name == "recipient":
            return self.email()
        return f"{self.words(1)}-{_token(rng, 6)}"


# -- sources: three SDKs, each with its own envelope and context --------------------------

class Source:
    """One SDK sending the log's messages."""

    name = ""
    version = ""
    screens = False  # sends screen calls (mobile) rather than page calls (web)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def message_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128)))

    def context(self, anonymous_id: str) -> dict[str, Any]:
        raise NotImplementedError

    def event_spelling(self, name: str) -> str:
        """How this source misspells a planned event name when it drifts."""
        raise NotImplementedError

    def property_spelling(self, name: str) -> str:
        """How this source misspells a planned property name when it drifts."""
        raise NotImplementedError

    def envelope(self, fields: dict[str, Any]) -> dict[str, Any]:
        return fields


def _words_of(name: str) -> list[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [w for w in re.split(r"[\s_\-]+", spaced) if w]


class Web(Source):
    name, version = "analytics.js", "npm:next-1.72.1"

    def message_id(self) -> str:
        return f"ajs-next-{self.rng.getrandbits(128):032x}"

    def context(self, anonymous_id: str) -> dict[str, Any]:
        rng = self.rng
        path = rng.choice(("/", "/search", "/cart", "/checkout", "/account")) if \
            rng.random() < 0.4 else f"/p/{_slug(Values(rng, {}).product_name())}"
        search = f"?utm_source={rng.choice(('google', 'newsletter', 'tiktok'))}" \
                 f"&utm_campaign={_token(rng, 6)}" if rng.random() < 0.3 else ""
        chrome = rng.randint(118, 131)
        return {
            "page": {"path": path, "referrer": rng.choice(("", "https://www.google.com/",
                                                           "https://shop.example/search")),
                     "search": search, "title": f"{path.strip('/') or 'Home'} | Shop",
                     "url": f"https://shop.example{path}{search}"},
            "userAgent": f"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                         f"(KHTML, like Gecko) Chrome/{chrome}.0.{rng.randint(1000, 6999)}."
                         f"{rng.randint(10, 199)} Safari/537.36",
            "userAgentData": {"brands": [{"brand": "Google Chrome", "version": str(chrome)},
                                         {"brand": "Chromium", "version": str(chrome)},
                                         {"brand": "Not?A_Brand", "version": "24"}],
                              "mobile": False, "platform": "Windows"},
            "locale": rng.choice(("en-US", "en-GB", "fr-FR", "de-DE", "pt-PT", "ja-JP")),
            "library": {"name": self.name, "version": self.version},
            "timezone": rng.choice(("Europe/Lisbon", "America/Denver", "Asia/Tokyo")),
            "ip": f"198.51.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
        }

    def envelope(self, fields: dict[str, Any]) -> dict[str, Any]:
        fields["writeKey"] = "wk_4f1c0de"
        fields["_metadata"] = {"bundled": ["Segment.io"], "unbundled": [],
                               "bundledIds": []}
        return fields

    def event_spelling(self, name: str) -> str:
        return " ".join(_words_of(name)).lower()  # "product viewed"

    def property_spelling(self, name: str) -> str:
        words = _words_of(name)
        return words[0].lower() + "".join(w.title() for w in words[1:])  # productId


class Mobile(Source):
    screens = True
    os_name = ""

    def _device(self) -> dict[str, Any]:
        raise NotImplementedError

    def context(self, anonymous_id: str) -> dict[str, Any]:
        rng = self.rng
        build = rng.randint(300, 420)
        return {
            "app": {"name": "Shop", "version": f"5.{build // 100}.{build % 100}",
                    "build": str(build), "namespace": "com.example.shop"},
            "device": self._device(),
            "library": {"name": self.name, "version": self.version},
            "locale": rng.choice(("en-US", "en-GB", "fr-FR", "de-DE", "ja-JP")),
            "network": {"bluetooth": False, "carrier": rng.choice(("Vodafone", "T-Mobile",
                                                                   "NTT Docomo", "")),
                        "cellular": rng.random() < 0.3, "wifi": rng.random() < 0.7},
            "os": {"name": self.os_name, "version": self._os_version()},
            "screen": self._screen(),
            "timezone": rng.choice(("Europe/Lisbon", "America/Denver", "Asia/Tokyo")),
            "traits": {"anonymousId": anonymous_id},
        }

    def _os_version(self) -> str:
        raise NotImplementedError

    def _screen(self) -> dict[str, Any]:
        raise NotImplementedError


class IOS(Mobile):
    name, version, os_name = "analytics-ios", "4.1.8", "iOS"

    def message_id(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128))).upper()

    def _device(self) -> dict[str, Any]:
        rng = self.rng
        return {"id": str(uuid.UUID(int=rng.getrandbits(128))).upper(),
                "manufacturer": "Apple", "model": rng.choice(("iPhone15,2", "iPhone16,1",
                                                              "iPhone14,5", "iPad13,1")),
                "name": "iPhone", "type": "ios", "adTrackingEnabled": rng.random() < 0.2}

    def _os_version(self) -> str:
        return f"{self.rng.randint(16, 18)}.{self.rng.randint(0, 6)}"

    def _screen(self) -> dict[str, Any]:
        return {"width": 390, "height": 844}

    def event_spelling(self, name: str) -> str:
        return "".join(w.title() for w in _words_of(name))  # ProductViewed

    def property_spelling(self, name: str) -> str:
        return "".join(w.title() for w in _words_of(name))  # ProductId


class Android(Mobile):
    name, version, os_name = "analytics-android", "4.11.3", "Android"

    def _device(self) -> dict[str, Any]:
        rng = self.rng
        model = rng.choice(("Pixel 8", "SM-S918B", "Pixel 7a", "moto g84"))
        return {"id": _token(rng, 16), "manufacturer": "Google" if "Pixel" in model else
                "samsung", "model": model, "name": model.lower().replace(" ", "_"),
                "type": "android", "adTrackingEnabled": rng.random() < 0.5,
                "advertisingId": str(uuid.UUID(int=rng.getrandbits(128)))}

    def _os_version(self) -> str:
        return str(self.rng.randint(11, 15))

    def _screen(self) -> dict[str, Any]:
        return {"density": 2.625, "width": 1080, "height": 2400}

    def context(self, anonymous_id: str) -> dict[str, Any]:
        context = super().context(anonymous_id)
        context["userAgent"] = (f"Dalvik/2.1.0 (Linux; U; Android {context['os']['version']};"
                                f" {context['device']['model']} Build/AP2A.{_token(self.rng, 6)})")
        context["instanceId"] = str(uuid.UUID(int=self.rng.getrandbits(128)))
        return context

    def event_spelling(self, name: str) -> str:
        return "_".join(_words_of(name)).lower()  # product_viewed

    def property_spelling(self, name: str) -> str:
        return "-".join(_words_of(name)).lower()  # product-id


SOURCES: tuple[tuple[type[Source], float], ...] = ((Web, 0.5), (IOS, 0.25), (Android, 0.25))


# -- breakages ------------------------------------------------------------------------------

#: Unplanned event names (checked against the plan: one that collides with a planned name is
#: left out, it would be a drift).
UNPLANNED_EVENTS = ("Checkout Abandoned", "Banner Dismissed", "App Rated", "Chat Opened",
                    "Size Guide Viewed", "Push Permission Granted", "Store Locator Used")
#: Properties no plan here defines, sent by newer app versions (a warning: unplanned).
UNPLANNED_PROPERTIES = ("experiment_variant", "session_depth", "ab_bucket", "referrer_code",
                        "scroll_percent", "source_screen")


class Target:
    """A place in a payload a breakage can change: ``container[key]``, planned by ``schema``
    in an object planned by ``parent``."""

    def __init__(self, container: dict[str, Any], key: str, schema: Mapping[str, Any],
                 parent: Mapping[str, Any]) -> None:
        self.container = container
        self.key = key
        self.schema = schema
        self.parent = parent


def targets(values: Values, payload: Any, schema: Any, depth: int = 0) -> list[Target]:
    """Every planned value of ``payload``, at any depth."""
    schema = values.resolve(schema)
    found: list[Target] = []
    if depth > 8:
        return found
    if isinstance(payload, dict) and isinstance(schema.get("properties"), Mapping):
        for key, value in payload.items():
            sub = schema["properties"].get(key)
            if sub is None:
                continue
            found.append(Target(payload, key, values.resolve(sub), schema))
            found.extend(targets(values, value, sub, depth + 1))
    elif isinstance(payload, list) and isinstance(schema.get("items"), Mapping):
        for element in payload[:2]:
            found.extend(targets(values, element, schema["items"], depth + 1))
    return found


def _wrong_type(value: Any, schema: Mapping[str, Any], rng: random.Random) -> Any | None:
    kinds = schema.get("type")
    allowed = set(kinds if isinstance(kinds, list) else [kinds])
    if "number" in allowed:
        allowed.add("integer")
    options = {"string": str(value) if not isinstance(value, str) else value,
               "number": rng.randint(100, 99999), "boolean": True, "array": [value],
               "object": {"value": value}}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        options["string"] = f"{value}"
    wrong = [kind for kind in ("string", "number", "object", "boolean", "array")
             if kind not in allowed and not (kind == "number" and "integer" in allowed)]
    if None in allowed or not wrong:
        return None
    if "string" in wrong and isinstance(value, (int, float)) and not isinstance(value, bool):
        return options["string"]  # the common drift: a number sent as its text
    return options[rng.choice(wrong)]


def _bad_format(fmt: Any, value: str) -> str | None:
    return {"email": value.replace("@", " at ") if "@" in value else "nobody",
            "uri": value.split("://", 1)[-1], "date-time": "yesterday at noon",
            "date": "23/02/2015", "uuid": "not-a-uuid", "ipv4": "999.1.1.1"}.get(fmt)


Breakage = Callable[["Builder", dict[str, Any], MessageSpec | None], "bytes | bool"]


class Builder:
    """Writes messages of one plan, one after another."""

    def __init__(self, plan: Plan, seed: int) -> None:
        self.plan = plan
        self.rng = rng = random.Random(seed)
        self.sources = [kind(rng) for kind, _ in SOURCES]
        self.source_weights = [weight for _, weight in SOURCES]
        events = sorted(plan.events)
        rng.shuffle(events)
        self.events = [plan.events[name] for name in events]
        # Zipf-like: the first events of the shuffled list make most of the traffic.
        self.event_weights = [1 / (rank + 1) ** 0.9 * (0.02 if spec.deprecated else 1)
                              for rank, spec in enumerate(self.events)]
        from protocols.naming import collision_key
        planned = {collision_key(name) for name in plan.events}
        self.unplanned = [n for n in UNPLANNED_EVENTS if collision_key(n) not in planned]
        self.clock = datetime(2026, 11, 20, tzinfo=UTC)
        # Call sites per (message kind and name, source): each sends its own set of keys.
        self.sites: dict[tuple[str, str | None, str], list[dict[tuple[str, ...], bool]]] = {}

    # -- a message ---------------------------------------------------------------------

    def message(self, number: int) -> tuple[dict[str, Any], Source, MessageSpec | None]:
        rng = self.rng
        source = rng.choices(self.sources, self.source_weights)[0]
        self.clock += timedelta(milliseconds=rng.randint(1, 900))
        anonymous = str(uuid.UUID(int=rng.getrandbits(128)))
        user = f"usr_{rng.getrandbits(40):010x}" if rng.random() < 0.55 else None
        roll = rng.random()
        spec: MessageSpec | None = None
        fields: dict[str, Any]
        if roll < 0.80 and self.events:
            spec = rng.choices(self.events, self.event_weights)[0]
            fields = {"type": "track", "event": spec.name,
                      "properties": self.payload(spec, source)}
        elif roll < 0.89:
            table = self.plan.screens if source.screens else self.plan.pages
            name = rng.choice(sorted(table)) if table and rng.random() < 0.7 else \
                rng.choice(("Home", "Search", "Product", "Cart", "Checkout", "Account"))
            spec = table.get(name)
            # analytics.js fills in the page's own properties; the app adds the planned ones.
            sdk = {} if source.screens else dict(source.context(anonymous)["page"])
            fields = {"type": "screen" if source.screens else "page", "name": name,
                      "properties": {**sdk, **self.payload(spec, source)}}
        elif roll < 0.97:
            spec = self.plan.identify
            user = user or f"usr_{rng.getrandbits(40):010x}"
            fields = {"type": "identify",
                      "traits": self.payload(spec, source) if spec else {}}
        elif roll < 0.995:
            spec = self.plan.group
            fields = {"type": "group", "groupId": f"grp_{_token(rng, 8)}",
                      "traits": self.payload(spec, source) if spec else {}}
        else:
            user = user or f"usr_{rng.getrandbits(40):010x}"
            fields = {"type": "alias", "previousId": anonymous}
        stamp = self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")
        sent = (self.clock + timedelta(milliseconds=rng.randint(5, 4000))).isoformat(
            timespec="milliseconds").replace("+00:00", "Z")
        message = source.envelope({
            **fields, "anonymousId": anonymous, "userId": user,
            "messageId": source.message_id(), "timestamp": stamp,
            "context": source.context(anonymous), "integrations": {}, "sentAt": sent,
            "receivedAt": sent})
        return message, source, spec

    def payload(self, spec: MessageSpec | None, source: Source) -> dict[str, Any]:
        if spec is None:
            return {}
        sites = self.sites.setdefault((spec.kind, spec.name, source.name), [{}, {}, {}])
        values = Values(self.rng, spec.schema.get("$defs", {}), self.rng.choice(sites))
        made = values.obj(spec.schema, ("traits",) if spec.payload_field == "traits" else (), 0)
        return made if isinstance(made, dict) else {}

    # -- breaking it ---------------------------------------------------------------------

    def targets(self, message: dict[str, Any], spec: MessageSpec | None) -> list[Target]:
        if spec is None:
            return []
        payload = message.get(spec.payload_field)
        return targets(Values(self.rng, spec.schema.get("$defs", {})), payload, spec.schema)

    def line(self, message: dict[str, Any]) -> bytes:
        return json.dumps(message, separators=(",", ":"), ensure_ascii=False).encode() + b"\n"


def _pick(rng: random.Random, found: list[Target]) -> Target | None:
    return rng.choice(found) if found else None


def malformed(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bytes:
    text = b.line(m).rstrip(b"\n")
    return text[: b.rng.randint(len(text) // 3, len(text) - 2)] + b"\n"  # a cut-off write


def not_an_object(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bytes:
    return b"[" + b.line(m).rstrip(b"\n") + b"]\n"  # a batch written as a bare array


def bad_encoding(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bytes:
    m["context"]["location"] = {"city": "S\u00e3o Paulo"}
    return b.line(m).replace("S\u00e3o".encode(), b"S\xe3o")  # Latin-1, not UTF-8


def too_long(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bytes:
    m["context"]["debug"] = "x" * (MAX_LINE_BYTES + 4096)  # a dump left in by mistake
    return b.line(m)


def unknown_type(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    m["type"] = str(m["type"]).title()  # "Track": not a type
    return True


def missing_name(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    if m["type"] == "track":
        m["event"] = ""
    elif m["type"] == "group":
        del m["groupId"]
    else:
        return False
    return True


def unplanned_event(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    if m["type"] != "track" or not b.unplanned:
        return False
    m["event"] = b.rng.choice(b.unplanned)
    return True


def missing_identity(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    m["userId"] = None
    m["anonymousId"] = ""
    return True


def bad_timestamp(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    moment = datetime.fromisoformat(m["timestamp"])
    m["timestamp"] = (int(moment.timestamp() * 1000) if b.rng.random() < 0.5 else
                      moment.strftime("%d/%m/%Y %H:%M:%S"))  # epoch ms, or a local form
    return True


def _payload_breakage(change: Callable[[Builder, Target], bool]) -> Breakage:
    def breakage(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
        found = b.targets(m, spec)
        b.rng.shuffle(found)
        return any(change(b, target) for target in found)
    return breakage


def _drop_required(b: Builder, t: Target) -> bool:
    if t.key not in t.parent.get("required", ()):
        return False
    del t.container[t.key]
    return True


def _retype(b: Builder, t: Target) -> bool:
    wrong = _wrong_type(t.container[t.key], t.schema, b.rng)
    if wrong is None:
        return False
    t.container[t.key] = wrong
    return True


def _off_enum(b: Builder, t: Target) -> bool:
    options = t.schema.get("enum")
    if not (isinstance(options, list) and all(isinstance(o, str) for o in options)):
        return False
    t.container[t.key] = f"zz-{_token(b.rng, 5)}"
    return True


def _enum_case(b: Builder, t: Target) -> bool:
    options = t.schema.get("enum")
    if not isinstance(options, list):
        return False
    for option in options:
        if isinstance(option, str) and option.swapcase() not in options and \
                option.swapcase() != option:
            t.container[t.key] = option.swapcase()
            return True
    return False


def _off_pattern(b: Builder, t: Target) -> bool:
    pattern = t.schema.get("pattern")
    if not isinstance(pattern, str) or not isinstance(t.container[t.key], str):
        return False
    for candidate in ("n/a", "0", "soon", "23/02/2015"):
        if not re.search(pattern, candidate):
            t.container[t.key] = candidate
            return True
    return False


def _off_format(b: Builder, t: Target) -> bool:
    value = t.container[t.key]
    bad = _bad_format(t.schema.get("format"), value) if isinstance(value, str) else None
    if bad is None or "pattern" in t.schema:
        return False
    t.container[t.key] = bad
    return True


def _out_of_range(b: Builder, t: Target) -> bool:
    value = t.container[t.key]
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    if "minimum" in t.schema:
        t.container[t.key] = t.schema["minimum"] - b.rng.choice((1, 0.5, 12))
    elif "maximum" in t.schema:
        t.container[t.key] = t.schema["maximum"] + 1
    else:
        return False
    return True


def _other_keyword(b: Builder, t: Target) -> bool:
    value = t.container[t.key]
    if t.schema.get("uniqueItems") is True and isinstance(value, list) and value:
        value.append(value[0])
        return True
    if "not" in t.schema and isinstance(t.schema["not"], Mapping) and "const" in t.schema["not"]:
        t.container[t.key] = t.schema["not"]["const"]
        return True
    return False


def _respell(b: Builder, t: Target, source: Source) -> bool:
    spelled = source.property_spelling(t.key)
    if spelled == t.key:
        spelled = t.key.upper() if t.key.upper() != t.key else t.key.lower()
    if spelled == t.key or spelled in t.container or spelled in t.parent.get("properties", {}):
        return False
    items = list(t.container.items())
    t.container.clear()
    t.container.update((spelled if k == t.key else k, v) for k, v in items)
    return True


def event_drift(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    if m["type"] != "track":
        return False
    source = _source_of(b, m)
    spelled = source.event_spelling(m["event"])
    if spelled == m["event"]:
        return False
    m["event"] = spelled
    return True


def property_drift(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> bool:
    source = _source_of(b, m)
    found = b.targets(m, spec)
    b.rng.shuffle(found)
    return any(_respell(b, target, source) for target in found)


def _source_of(b: Builder, m: dict[str, Any]) -> Source:
    name = m["context"]["library"]["name"]
    return next(s for s in b.sources if s.name == name)


#: Every kind of finding the generator can produce, with its weight among broken messages.
#: PV005 (an unreadable file or a corrupt gzip stream) is about a whole input, not a line.
ERRORS: dict[str, tuple[float, Breakage]] = {
    "PV001": (2, malformed), "PV002": (1, not_an_object), "PV003": (1, bad_encoding),
    "PV101": (1, unknown_type), "PV102": (1, missing_name), "PV103": (3, unplanned_event),
    "PV104": (2, missing_identity), "PV105": (2, bad_timestamp),
    "PV201": (4, _payload_breakage(_drop_required)), "PV202": (5, _payload_breakage(_retype)),
    "PV203": (2, _payload_breakage(_off_enum)), "PV204": (2, _payload_breakage(_off_pattern)),
    "PV205": (3, _payload_breakage(_off_format)),
    "PV206": (3, _payload_breakage(_out_of_range)),
    "PV210": (1, _payload_breakage(_other_keyword)),
    "PV301": (3, event_drift), "PV302": (3, property_drift),
    "PV303": (2, _payload_breakage(_enum_case)),
}
#: Lines over the 1 MiB limit are rare (and big): one in this many messages.
TOO_LONG_EVERY = 50_000


def _warn(b: Builder, m: dict[str, Any], spec: MessageSpec | None) -> None:
    """A warning only: an unplanned property (where the plan warns of them), or a property
    the plan marks deprecated. (Messages of deprecated events come as the plan has them.)"""
    if spec is None or not isinstance(m.get(spec.payload_field), dict):
        return
    payload = m[spec.payload_field]
    planned = spec.schema.get("properties") or {}
    deprecated = [name for name, sub in planned.items()
                  if isinstance(sub, Mapping) and sub.get("deprecated") is True]
    if deprecated and b.rng.random() < 0.5:
        name = b.rng.choice(deprecated)
        payload[name] = Values(b.rng, spec.schema.get("$defs", {})).value(planned[name],
                                                                          (name,))
        return
    name = b.rng.choice(UNPLANNED_PROPERTIES)
    if name not in planned:
        payload[name] = f"{name[:3]}-{_token(b.rng, 7)}"


def _weighted_order(rng: random.Random, kinds: list[str], weights: list[float]) -> list[str]:
    """The kinds in a random order, heavier ones earlier (the first that applies is used)."""
    return sorted(kinds, key=lambda k: rng.random() ** (1 / weights[kinds.index(k)]),
                  reverse=True)


def generate(path: Path, count: int, *, seed: int = 14, plan: Plan | None = None,
             violating: float = 0.05, warning: float = 0.03) -> dict[str, int]:
    """Write ``count`` messages to ``path``; returns how many lines each breakage got."""
    builder = Builder(plan or load_plan(PLAN), seed)
    rng = builder.rng
    kinds = list(ERRORS)
    weights = [ERRORS[k][0] for k in kinds]
    made: dict[str, int] = {}
    with path.open("wb") as out:
        for number in range(count):
            message, _, spec = builder.message(number)
            line: bytes | None = None
            if rng.random() < violating:
                if rng.randrange(TOO_LONG_EVERY) < 1 / violating:
                    chosen = ["PV004"]
                    line = too_long(builder, message, spec)
                else:
                    chosen = _weighted_order(rng, kinds, weights)
                    for code in chosen:
                        done = ERRORS[code][1](builder, message, spec)
                        if done:
                            line = done if isinstance(done, bytes) else None
                            chosen = [code]
                            break
                    else:
                        chosen = []
                for code in chosen[:1]:
                    made[code] = made.get(code, 0) + 1
            elif rng.random() < warning / (1 - violating):
                _warn(builder, message, spec)
                made["warning"] = made.get("warning", 0) + 1
            out.write(line if line is not None else builder.line(message))
    return made


def _alternatives(pattern: str) -> list[str]:
    """The words of a pattern that is a choice of plain words (``Lawyer Morty|Evil Morty``,
    ``^(red|green)$``), else none."""
    body = pattern.removeprefix("^").removesuffix("$")
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1].removeprefix("?:")
    words = body.split("|")
    plain = all(word and not any(c in word for c in "\\.^$*+?()[]{}|") for word in words)
    return words if plain else []


def log_file(count: int, out: Path | None = None) -> Path:
    """The production-shaped log of ``count`` messages in benchmarks/out (made once)."""
    folder = out or REPO / "benchmarks" / "out"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"production-{count}.ndjson"
    if not path.exists():
        partial = path.with_suffix(".partial")
        generate(partial, count)
        partial.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--plan", type=Path, default=PLAN)
    options = parser.parse_args()
    made = generate(options.path, options.count, seed=options.seed,
                    plan=load_plan(options.plan))
    print(json.dumps(dict(sorted(made.items()))))


if __name__ == "__main__":
    main()
