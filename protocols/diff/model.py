"""What a diff finds: :class:`Change` records, before levels are applied for an audience."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from protocols.diagnostics import Location
from protocols.diff.rules import ChangeRule, Level


@dataclass(frozen=True)
class Change:
    """One change between two plan versions.

    ``what`` says what changed in plain words (``property "coupon" of event "Order Completed"
    became required``); the audience impact is added when it becomes a diagnostic. ``path`` is
    the plan path (``events["Order Completed"].properties.coupon``). ``new`` is where the change
    is in the new plan (for a removal: the nearest surviving parent), ``old`` where it was.
    """

    rule: ChangeRule
    what: str
    path: str
    plan: str
    event: str | None = None
    new: Location | None = None
    old: Location | None = None
    before: Any = None
    after: Any = None


def impact(rule: ChangeRule, audience: str = "all") -> str:
    """Who a change affects, in words: ``breaks producers; may break consumers``."""
    audiences = ("producers", "consumers") if audience == "all" else (audience,)
    breaks = [a for a in audiences if rule.level_for(a) is Level.BREAKING]
    may = [a for a in audiences if rule.level_for(a) is Level.POSSIBLY_BREAKING]
    parts = []
    if breaks:
        parts.append("breaks " + " and ".join(breaks))
    if may:
        parts.append("may break " + " and ".join(may))
    return "; ".join(parts) if parts else "safe for " + " and ".join(audiences)
