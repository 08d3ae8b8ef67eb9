"""The registry of change rules: what kinds of plan change ``protocols diff`` reports.

Each rule has a stable kebab id (``property-became-required``), a code (``PD###``) that works
wherever codes do (accepted-changes files, CI annotations), a category, and a level for each
audience: *producers* (the code that sends events) and *consumers* (warehouse models,
dashboards, destinations). A change that is harmless to one audience can break the other: a
new required property breaks producers, a widened type breaks consumers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from protocols.diagnostics import Severity


class Level(enum.Enum):
    """How a change affects one audience, oasdiff-style."""

    BREAKING = "breaking"
    POSSIBLY_BREAKING = "possibly-breaking"
    NON_BREAKING = "non-breaking"

    @property
    def rank(self) -> int:
        return {"breaking": 3, "possibly-breaking": 2, "non-breaking": 1}[self.value]

    @property
    def severity(self) -> Severity:
        """Breaking changes are errors, possibly breaking ones warnings, the rest notes."""
        return {"breaking": Severity.ERROR, "possibly-breaking": Severity.WARNING,
                "non-breaking": Severity.INFO}[self.value]


class Bump(enum.Enum):
    """The semver part a change requires to be bumped."""

    PATCH = "patch"
    MINOR = "minor"
    MAJOR = "major"

    @property
    def rank(self) -> int:
        return {"patch": 1, "minor": 2, "major": 3}[self.value]


AUDIENCES = ("producers", "consumers")
CATEGORIES = ("plan", "event", "property", "type", "constraint", "docs", "version")

B, P, N = Level.BREAKING, Level.POSSIBLY_BREAKING, Level.NON_BREAKING


@dataclass(frozen=True)
class ChangeRule:
    id: str
    code: str
    category: str
    producers: Level
    consumers: Level
    summary: str
    failing: str = ""  # an example of the change: the old plan fragment -> the new one

    def level_for(self, audience: str) -> Level:
        """The level for ``producers``, ``consumers``, or ``all`` (the worse of the two)."""
        if audience == "producers":
            return self.producers
        if audience == "consumers":
            return self.consumers
        return max(self.producers, self.consumers, key=lambda level: level.rank)

    @property
    def bump(self) -> Bump:
        """Breaking for anyone needs a major bump, docs a patch, anything else a minor one."""
        if Level.BREAKING in (self.producers, self.consumers):
            return Bump.MAJOR
        return Bump.PATCH if self.category == "docs" else Bump.MINOR


CHANGE_RULES: dict[str, ChangeRule] = {}
_BY_CODE: dict[str, ChangeRule] = {}


def _rule(id: str, code: str, category: str, producers: Level, consumers: Level,
          summary: str, example: str = "") -> None:
    if id in CHANGE_RULES or code in _BY_CODE or category not in CATEGORIES:
        raise ValueError(f"change rule {code} {id} is registered twice or has a bad category")
    rule = ChangeRule(id, code, category, producers, consumers, summary, example)
    CHANGE_RULES[id] = rule
    _BY_CODE[code] = rule


def get_change_rule(id_or_code: str) -> ChangeRule | None:
    """Look a rule up by id (``event-removed``) or code (``PD102``, case-insensitive)."""
    return CHANGE_RULES.get(id_or_code.strip().lower()) or _BY_CODE.get(id_or_code.strip().upper())


# -- plans --------------------------------------------------------------------------------
_rule("plan-added", "PD001", "plan", N, N, "A plan file appeared.",
      "(no file) -> plans/mobile.yaml")
_rule("plan-removed", "PD002", "plan", B, B, "A plan file was deleted: everything it planned is gone.",
      "plans/mobile.yaml -> (no file)")

# -- messages: track events, identify, group, pages, screens ------------------------------
_rule("event-added", "PD101", "event", N, N,
      "An event (or identify/group traits, a page, a screen) was added.",
      "events: {} -> events: {Order Refunded: {...}}")
_rule("event-removed", "PD102", "event", B, B,
      "An event was removed: producers still sending it now send unplanned events, "
      "consumers lose the data.",
      "events: {Order Refunded: {...}} -> events: {}")
_rule("event-renamed", "PD103", "event", B, B,
      "An event was renamed (same collision key, or a similar name with the same properties): "
      "reported once, not as a removal plus an addition.",
      "Order Refunded -> Order Refund Issued (same properties)")
_rule("event-deprecated", "PD104", "event", N, N,
      "An event was marked deprecated (or no longer is): plan to stop sending or reading it.",
      "Order Refunded: {} -> Order Refunded: {deprecated: true}")

# -- properties and traits ------------------------------------------------------------------
_rule("property-added-optional", "PD201", "property", N, N,
      "An optional property was added.", "(none) -> coupon: {type: string}")
_rule("property-added-required", "PD202", "property", B, N,
      "A required property was added: producers that do not send it yet break.",
      "(none) -> coupon: {type: string, required: true}")
_rule("property-removed", "PD203", "property", P, B,
      "A property was removed: consumers lose it; producers still sending it send an "
      "unplanned property (an error when `additional_properties: error`).",
      "coupon: {type: string} -> (none)")
_rule("property-renamed", "PD204", "property", B, B,
      "A property was renamed (same collision key, or a similar name with the same schema).",
      "orderId: {type: string} -> order_id: {type: string}")
_rule("property-became-required", "PD205", "property", B, N,
      "An optional property became required.",
      "coupon: {type: string} -> coupon: {type: string, required: true}")
_rule("property-became-optional", "PD206", "property", N, B,
      "A required property became optional: consumers can no longer rely on it.",
      "coupon: {type: string, required: true} -> coupon: {type: string}")
_rule("property-deprecated", "PD207", "property", N, N,
      "A property was marked deprecated (or no longer is).",
      "coupon: {type: string} -> coupon: {type: string, deprecated: true}")

# -- types ------------------------------------------------------------------------------------
_rule("type-changed", "PD301", "type", B, B,
      "The type changed to an unrelated one (string to boolean, a named type to another).",
      "total: {type: string} -> total: {type: boolean}")
_rule("type-widened", "PD302", "type", N, B,
      "The type accepts more (integer to number, a type added to a list): consumers may get "
      "values they cannot read.",
      "quantity: {type: integer} -> quantity: {type: number}")
_rule("type-narrowed", "PD303", "type", B, N,
      "The type accepts less (number to integer, a type removed from a list).",
      "quantity: {type: number} -> quantity: {type: integer}")
_rule("became-nullable", "PD304", "type", N, P,
      "null is now accepted: consumers may get nulls.",
      "coupon: {type: string} -> coupon: {type: string, nullable: true}")
_rule("became-non-nullable", "PD305", "type", B, N,
      "null is no longer accepted: producers sending null break.",
      "coupon: {type: string, nullable: true} -> coupon: {type: string}")
_rule("enum-value-added", "PD306", "type", N, P,
      "An allowed value was added: consumers mapping every value may miss it.",
      "currency: {enum: [USD, EUR]} -> currency: {enum: [USD, EUR, GBP]}")
_rule("enum-value-removed", "PD307", "type", B, N,
      "An allowed value was removed: producers sending it break.",
      "currency: {enum: [USD, EUR, GBP]} -> currency: {enum: [USD, EUR]}")
_rule("enum-added", "PD308", "type", B, N,
      "The values are now restricted to a list (or a constant).",
      "currency: {type: string} -> currency: {type: string, enum: [USD, EUR]}")
_rule("enum-removed", "PD309", "type", N, P,
      "The list of allowed values was dropped: any value of the type is accepted.",
      "currency: {type: string, enum: [USD, EUR]} -> currency: {type: string}")
_rule("schema-changed", "PD310", "type", P, P,
      "Some other JSON Schema keyword changed (anyOf, oneOf, not, if/then...): review it.",
      "id: {anyOf: [{type: string}]} -> id: {anyOf: [{type: integer}]}")

# -- constraints --------------------------------------------------------------------------------
_rule("pattern-added", "PD401", "constraint", B, N,
      "A pattern was added: values that do not match now fail.",
      "sku: {type: string} -> sku: {type: string, pattern: '^[A-Z]+$'}")
_rule("pattern-removed", "PD402", "constraint", N, P,
      "The pattern was dropped: consumers may get values of any shape.",
      "sku: {type: string, pattern: '^[A-Z]+$'} -> sku: {type: string}")
_rule("pattern-changed", "PD403", "constraint", P, P,
      "The pattern changed: whether it accepts more or less cannot be told in general.",
      "sku: {pattern: '^[A-Z]+$'} -> sku: {pattern: '^[A-Z0-9]+$'}")
_rule("format-added", "PD404", "constraint", B, N,
      "A format (email, date-time, uri...) was added.",
      "email: {type: string} -> email: {type: string, format: email}")
_rule("format-removed", "PD405", "constraint", N, P,
      "The format was dropped.", "email: {type: string, format: email} -> email: {type: string}")
_rule("format-changed", "PD406", "constraint", B, B,
      "The format changed to another one.",
      "when: {format: date} -> when: {format: date-time}")
_rule("range-tightened", "PD407", "constraint", B, N,
      "A numeric bound became stricter (minimum raised, maximum lowered, multipleOf added).",
      "price: {type: number} -> price: {type: number, minimum: 0}")
_rule("range-loosened", "PD408", "constraint", N, P,
      "A numeric bound became looser (minimum lowered or dropped, maximum raised or dropped).",
      "price: {type: number, minimum: 0} -> price: {type: number}")
_rule("length-tightened", "PD409", "constraint", B, N,
      "A length or size bound became stricter (minLength, maxLength, minItems, maxItems, "
      "uniqueItems...).",
      "name: {type: string} -> name: {type: string, maxLength: 64}")
_rule("length-loosened", "PD410", "constraint", N, P,
      "A length or size bound became looser.",
      "name: {type: string, maxLength: 64} -> name: {type: string, maxLength: 128}")
_rule("additional-properties-tightened", "PD411", "constraint", B, N,
      "Properties the plan does not list are now refused (`additional_properties: error`, or "
      "`additionalProperties: false` on a nested object).",
      "additional_properties: warn -> additional_properties: error")
_rule("additional-properties-loosened", "PD412", "constraint", N, P,
      "Properties the plan does not list are now accepted: consumers may get unknown ones.",
      "additional_properties: error -> additional_properties: warn")
_rule("additional-properties-policy-changed", "PD413", "constraint", N, N,
      "Unlisted properties switched between allowed silently and allowed with a warning.",
      "additional_properties: allow -> additional_properties: warn")

# -- documentation only -------------------------------------------------------------------------
_rule("description-changed", "PD501", "docs", N, N,
      "A description changed (or was added or removed).",
      "total: {description: Revenue.} -> total: {description: Revenue with tax.}")
_rule("owner-changed", "PD502", "docs", N, N,
      "An event's owner changed.", "owner: '@web' -> owner: '@checkout'")
_rule("annotation-changed", "PD503", "docs", N, N,
      "An annotation that does not change what is accepted changed (title, examples, "
      "default, pii, tags).",
      "email: {type: string} -> email: {type: string, pii: true}")

# -- versions (the plan's `version`, semver) ----------------------------------------------------
_rule("version-not-bumped", "PD901", "version", B, B,
      "The plan changed but its `version` did not.", "version: '1.2.0' -> version: '1.2.0'")
_rule("version-bump-too-small", "PD902", "version", B, B,
      "The `version` was bumped less than the changes require.",
      "a breaking change with version '1.2.0' -> '1.3.0' (needs '2.0.0')")
_rule("version-decreased", "PD903", "version", B, B,
      "The `version` went down.", "version: '1.2.0' -> version: '1.1.0'")
_rule("version-missing", "PD904", "version", P, P,
      "The plan changed and its `version` was removed (plans without one are not checked).",
      "version: '1.2.0' -> (no version)")


def all_change_rules() -> list[ChangeRule]:
    return sorted(CHANGE_RULES.values(), key=lambda rule: rule.code)
