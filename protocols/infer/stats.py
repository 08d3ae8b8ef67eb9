"""Bounded statistics of the values seen at one place in many messages.

A :class:`Shape` remembers counts, never the messages: how many values of each JSON type, up
to :data:`ENUM_MAX_VALUES` + 1 distinct strings (then it stops collecting), how many strings
matched each format, and a child shape per object property (at most
:data:`MAX_PROPERTIES` per object) and for array items. Memory is therefore bounded by the
shape of the data, not by the size of the logs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from protocols.jsontypes import json_type
from protocols.naming import collision_key

ENUM_MAX_VALUES = 10  # more distinct strings than this: not an enum
MAX_PROPERTIES = 300  # properties tracked per object; more are counted, not planned
STRING_SAMPLE_MAX = 200  # longest string kept as an enum candidate, in characters
MAX_DEPTH = 16  # nesting followed; deeper objects and arrays are planned without their insides
# Places (message names, properties at every depth, array items) tracked in one run. Each
# costs a Shape (about a kilobyte); without a total, logs that keep sending new names (a
# million event names, or 300 new keys per object at every level) grew memory until it
# ran out. More than any real plan has; past it, values are counted, not planned.
MAX_SHAPES = 50_000

# Run on every string value of the logs, so each must take linear time whatever the value:
# anchored and free of ambiguity (tests/test_security_patterns.py checks them with the same
# analysis as lint PL105). `[^@\s]+@[^@\s]+\.[^@\s]+` took quadratic time: its `.` is
# also matched by the parts around it.
FORMATS: dict[str, re.Pattern[str]] = {
    "uuid": re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12}$"),
    "date-time": re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?"
                            r"(?:[Zz]|[+-]\d{2}:\d{2})$"),
    "email": re.compile(r"^[^@\s]+@[^@\s.]+(?:\.[^@\s.]+)+$"),
    "uri": re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\s]+$"),
}


@lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return collision_key(name)


@dataclass
class Budget:
    """The places a run may still track (:data:`MAX_SHAPES`), shared by all its shapes."""

    left: int = field(default_factory=lambda: MAX_SHAPES)

    def take(self) -> bool:
        if self.left <= 0:
            return False
        self.left -= 1
        return True


@dataclass
class Shape:
    """What was seen at one place: counts per type and bounded samples."""

    count: int = 0
    types: Counter[str] = field(default_factory=Counter)
    strings: Counter[str] = field(default_factory=Counter)
    too_many_strings: bool = False
    formats: Counter[str] = field(default_factory=Counter)
    properties: dict[str, Shape] = field(default_factory=dict)
    # Objects in which some spelling of a name (by naming.collision_key) was present: the
    # spellings are planned as one property, required only if one was in every object.
    present: Counter[str] = field(default_factory=Counter)
    dropped_properties: int = 0
    # Values not planned because the run's :class:`Budget` was spent.
    over_budget: int = 0
    items: Shape | None = None

    def add(self, value: Any, depth: int = 0, budget: Budget | None = None) -> None:
        self.count += 1
        kind = json_type(value)
        self.types[kind] += 1
        if kind == "string":
            self._add_string(value)
        elif depth >= MAX_DEPTH:
            return
        elif kind == "object":
            self.present.update({_key(name) for name in value})
            for name, child in value.items():
                shape = self.properties.get(name)
                if shape is None:
                    if len(self.properties) >= MAX_PROPERTIES:
                        self.dropped_properties += 1
                        continue
                    if budget is not None and not budget.take():
                        self.over_budget += 1
                        continue
                    shape = self.properties[name] = Shape()
                shape.add(child, depth + 1, budget)
        elif kind == "array":
            if value and self.items is None:
                if budget is not None and not budget.take():
                    self.over_budget += len(value)
                    return
                self.items = Shape()
            for item in value:
                assert self.items is not None
                self.items.add(item, depth + 1, budget)

    def _add_string(self, value: str) -> None:
        for name, pattern in FORMATS.items():
            if pattern.match(value):
                self.formats[name] += 1
        if self.too_many_strings:
            return
        if len(value) > STRING_SAMPLE_MAX:
            self.too_many_strings = True
            self.strings.clear()
            return
        self.strings[value] += 1
        if len(self.strings) > ENUM_MAX_VALUES:
            self.too_many_strings = True
            self.strings.clear()

    def merge(self, other: Shape) -> None:
        """Fold another shape (of a drifted spelling of the same name) into this one."""
        self.count += other.count
        self.types.update(other.types)
        self.formats.update(other.formats)
        self.present.update(other.present)
        if other.too_many_strings:
            self.too_many_strings = True
        if not self.too_many_strings:
            self.strings.update(other.strings)
            if len(self.strings) > ENUM_MAX_VALUES:
                self.too_many_strings = True
        if self.too_many_strings:
            self.strings.clear()
        for name, child in other.properties.items():
            if name in self.properties:
                self.properties[name].merge(child)
            elif len(self.properties) < MAX_PROPERTIES:
                self.properties[name] = child
            else:
                self.dropped_properties += 1
        self.dropped_properties += other.dropped_properties
        self.over_budget += other.over_budget
        if other.items is not None:
            if self.items is None:
                self.items = Shape()
            self.items.merge(other.items)
