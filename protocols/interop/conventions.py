"""The naming conventions an imported plan already follows, written into it.

An imported plan states the case styles its names clearly follow (``naming.clear_style``), so
lint checks new names against them; names that are mixed (a registry of several vendors)
get no convention rather than hundreds of findings against the other half.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from protocols.naming import clear_style

_MESSAGE_SECTIONS = ("events", "pages", "screens")
MAX_DEPTH = 64


def _property_names(fragments: Any, depth: int = 0) -> Iterator[str]:
    if not isinstance(fragments, Mapping) or depth > MAX_DEPTH:
        return
    for name, fragment in fragments.items():
        if isinstance(name, str) and not name.startswith("x-"):
            yield name
        if isinstance(fragment, Mapping):
            yield from _property_names(fragment.get("properties"), depth + 1)
            items = fragment.get("items")
            if isinstance(items, Mapping):
                yield from _property_names(items.get("properties"), depth + 1)


def detect_conventions(plan: Mapping[str, Any]) -> dict[str, str]:
    """``{event_case, property_case}`` for the styles the plan's names clearly follow."""
    events = [name for section in _MESSAGE_SECTIONS
              for name in (plan.get(section) or {}) if isinstance(name, str)]
    properties: list[str] = []
    for section in _MESSAGE_SECTIONS:
        for body in (plan.get(section) or {}).values():
            if isinstance(body, Mapping):
                properties.extend(_property_names(body.get("properties")))
    for section in ("identify", "group"):
        body = plan.get(section)
        if isinstance(body, Mapping):
            properties.extend(_property_names(body.get("traits")))
    properties.extend(_property_names(plan.get("properties")))
    for body in (plan.get("types") or {}).values():
        if isinstance(body, Mapping):
            properties.extend(_property_names(body.get("properties")))
    found: dict[str, str] = {}
    for key, names in (("event_case", events), ("property_case", properties)):
        style = clear_style(names) if names else None
        if style is not None:
            found[key] = style.value
    return found


def with_conventions(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan with detected ``conventions`` after its id and description."""
    found = detect_conventions(plan)
    if not found or "conventions" in plan:
        return plan
    out: dict[str, Any] = {}
    for key, value in plan.items():
        out[key] = value
        if key == ("description" if "description" in plan else "plan"):
            out["conventions"] = found
    return out
