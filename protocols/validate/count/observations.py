"""Naming drift as observations that can be counted anywhere.

The run's :class:`~protocols.validate.count.drift.DriftTracker` counts as it reads, in input order.
An engine that reads a log in many places at once (Spark, ``--jobs``) cannot: it counts
*observations* instead. Each message gives a few (:func:`drift_observations`):

- ``message``: a message of an event (``detail``: its type) from a source;
- ``spelling``: the event name as the message spells it;
- ``property``: one payload name as spelled, with the JSON type of its value (``detail``:
  ``string``, ``number``, ``boolean``, or None for anything else);
- ``value``: a string value short enough to track (``detail``), under its payload name.

Equal observations are counted together, with the *position* of their first occurrence (any
tuple of numbers that orders messages as the input does, and a payload name after the one
before it). :func:`drift_report` turns counted observations into exactly the
``inconsistencies`` the tracker reports for the same input, caps included: wherever the
tracker keeps what came first (the first events, sources, properties and spellings), the
report keeps what has the smallest first position; a property with more distinct values than
the tracker tracks has none reported, as there. Counting is a sum and a minimum, so it can be
done in any order, in pieces, by any engine (:class:`DriftCounter` in Python, a group-by in
Spark); tests/test_validate_observations.py holds the report equal to the tracker's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, NamedTuple, TypeVar

from protocols.plan.model import Plan
from protocols.validate.check.messages import MAX_NAME_LENGTH, clip
from protocols.validate.check.shape import name_key, value_key
from protocols.validate.count import drift
from protocols.validate.count.drift import (
    _SCALAR_TYPES,
    DEFAULT_SOURCE_FIELD,
    OTHER_SOURCE,
    DriftTracker,
    Variants,
    _Event,
    _Property,
    source_of,
    source_path,
)

#: Orders messages as the input does (``(input, record, message)`` for instance); a payload
#: name's observations add its index in the payload.
Position = tuple[int, ...]

_Key = TypeVar("_Key")
KINDS = ("message", "spelling", "property", "value")


class DriftObservation(NamedTuple):
    """One thing a message says about naming; see the module docs. ``event`` is the key
    messages of one event are grouped under (``track:`` and the name's collision key, or
    ``identify``, ``group``); ``source`` is the message's source as sent."""

    kind: str
    event: str
    source: str
    name: str | None = None
    detail: str | None = None

    @property
    def property_key(self) -> str | None:
        """The key a payload name's observations are grouped under (its collision key)."""
        return name_key(self.name) if self.name is not None and self.kind in (
            "property", "value") else None

    @property
    def value_key(self) -> str | None:
        """The key a value is grouped under (values that differ only in case or separators
        share it); a property with more than :data:`MAX_VALUES` keys is not reported."""
        return value_key(self.detail) if self.kind == "value" and self.detail is not None \
            else None


#: A property with more distinct values (by value_key) is not a case-drift candidate.
MAX_VALUES = drift.MAX_VALUES
#: An observation, how many times it was made, and the position of the first.
Counted = tuple[DriftObservation, int, Position]


def drift_observations(message: Mapping[str, Any], path: tuple[str, ...]
                       ) -> list[tuple[int, DriftObservation]]:
    """What one message says about naming, each with its index in the message (the payload
    index of a name; 0 for the message's own). ``path``: :func:`source_path`.

    Mirrors :meth:`DriftTracker.observe`: only track messages with an event name, identify
    and group messages are observed; names are clipped as reports show them."""
    kind = message.get("type")
    name: str | None = None
    if kind == "track":
        name = message.get("event")
        if type(name) is not str or not name:
            return []
        if len(name) > MAX_NAME_LENGTH:
            name = clip(name)
        event = "track:" + name_key(name)
        payload = message.get("properties")
    elif kind == "identify" or kind == "group":
        event = kind
        payload = message.get("traits")
    else:
        return []
    source = source_of(message, path)
    found = [(0, DriftObservation("message", event, source, None, kind))]
    if name is not None:
        found.append((0, DriftObservation("spelling", event, source, name)))
    if type(payload) is dict:
        longest = drift.MAX_VALUE_LENGTH
        for index, (key, value) in enumerate(payload.items()):
            spelled = clip(key)
            found.append((index, DriftObservation("property", event, source, spelled,
                                                  _SCALAR_TYPES.get(type(value)))))
            if type(value) is str and len(value) <= longest:
                found.append((index, DriftObservation("value", event, source, spelled, value)))
    return found


class DriftCounter:
    """Counted observations: each distinct one with its count and first position.

    :meth:`merge` adds counts and keeps the smaller first position, so pieces of a log can
    be counted in any order and merged in any order. Memory grows with the distinct
    observations (a property of ids has one per id): an engine counts a batch at a time and
    sums the batches where it sums everything else."""

    def __init__(self, *, source_field: str = DEFAULT_SOURCE_FIELD) -> None:
        self.path = source_path(source_field)
        self.counts: dict[DriftObservation, list[Any]] = {}

    def observe(self, message: Mapping[str, Any], position: Position) -> None:
        """Count what ``message`` (at ``position``) says."""
        for index, observation in drift_observations(message, self.path):
            self.add(observation, 1, (*position, index))

    def add(self, observation: DriftObservation, count: int, first: Position) -> None:
        known = self.counts.get(observation)
        if known is None:
            self.counts[observation] = [count, first]
            return
        known[0] += count
        if first < known[1]:
            known[1] = first

    def merge(self, other: DriftCounter) -> None:
        for observation, (count, first) in other.counts.items():
            self.add(observation, count, first)

    def __iter__(self) -> Iterator[Counted]:
        for observation, (count, first) in self.counts.items():
            yield observation, count, first

    def report(self, plan: Plan) -> list[dict[str, Any]]:
        return drift_report(plan, self)


def drift_report(plan: Plan, counted: Iterable[Counted]) -> list[dict[str, Any]]:
    """The drift tracker's ``inconsistencies`` from counted observations (in any order).

    Each observation may come more than once (counted in pieces): counts add up and the
    first position is the smallest."""
    state = _State()
    for observation, count, first in counted:
        state.add(observation, count, tuple(first))
    tracker = DriftTracker(plan)
    tracker._events = state.events()
    return tracker.inconsistencies()


class _Entry:
    """A count and a first position."""

    __slots__ = ("count", "first")

    def __init__(self) -> None:
        self.count = 0
        self.first: Position | None = None

    def add(self, count: int, first: Position) -> None:
        self.count += count
        if self.first is None or first < self.first:
            self.first = first


class _State:
    """Counted observations grouped the way the tracker holds them, before the caps."""

    def __init__(self) -> None:
        self.kinds: dict[str, str] = {}
        self.sources: dict[str, dict[str, _Entry]] = {}  # event -> source -> first message
        self.spellings: dict[str, dict[tuple[str, str], _Entry]] = {}
        self.names: dict[str, dict[tuple[str, str, str | None], _Entry]] = {}
        self.values: dict[str, dict[tuple[str, str, str], _Entry]] = {}

    def add(self, observation: DriftObservation, count: int, first: Position) -> None:
        kind, event, source, name, detail = observation
        if kind == "message":
            self.kinds[event] = detail or event
            table: dict[Any, _Entry] = self.sources.setdefault(event, {})
            key: Any = source
        elif kind == "spelling":
            table, key = self.spellings.setdefault(event, {}), (name or "", source)
        elif kind == "property":
            table, key = self.names.setdefault(event, {}), (name or "", source, detail)
        elif kind == "value":
            table, key = self.values.setdefault(event, {}), (name or "", source, detail or "")
        else:
            raise ValueError(f"unknown drift observation kind {kind!r}")
        entry = table.get(key)
        if entry is None:
            entry = table[key] = _Entry()
        entry.add(count, first)

    def events(self) -> dict[str, _Event]:
        """The tracker's events, with every cap applied by first position."""
        kept = _first(((key, _earliest(sources.values()))
                       for key, sources in self.sources.items()), drift.MAX_EVENTS)
        firsts: dict[str, Position] = {}
        for key in kept:
            for source, entry in self.sources[key].items():
                assert entry.first is not None
                if source not in firsts or entry.first < firsts[source]:
                    firsts[source] = entry.first
        named = set(_first(firsts.items(), drift.MAX_SOURCES))

        def mapped(source: str) -> str:
            return source if source in named else OTHER_SOURCE

        events: dict[str, _Event] = {}
        for key in kept:
            event = events[key] = _Event(self.kinds[key])
            event.spellings = _variants(((spelling, mapped(source)), entry) for
                                        (spelling, source), entry in
                                        self.spellings.get(key, {}).items())
            self._properties(event, key, mapped)
        return events

    def _properties(self, event: _Event, key: str, mapped: Any) -> None:
        names = self.names.get(key, {})
        firsts: dict[str, Position] = {}
        for (name, _, _), entry in names.items():
            prop_key = name_key(name)
            assert entry.first is not None
            if prop_key not in firsts or entry.first < firsts[prop_key]:
                firsts[prop_key] = entry.first
        for prop_key in _first(firsts.items(), drift.MAX_PROPERTIES):
            event.properties[prop_key] = _Property()
        spelled: dict[str, list[tuple[tuple[str, str], _Entry]]] = {}
        for (name, source, type_name), entry in names.items():
            prop = event.properties.get(name_key(name))
            if prop is None:
                continue
            spelled.setdefault(name_key(name), []).append(((name, mapped(source)), entry))
            if type_name is not None:
                prop.types[(type_name, mapped(source))] += entry.count
        for prop_key, variants in spelled.items():
            event.properties[prop_key].spellings = _variants(variants)
        by_normal: dict[str, dict[str, list[tuple[tuple[str, str], _Entry]]]] = {}
        for (name, source, value), entry in self.values.get(key, {}).items():
            prop_key = name_key(name)
            if prop_key in event.properties:
                by_normal.setdefault(prop_key, {}).setdefault(value_key(value), []).append(
                    ((value, mapped(source)), entry))
        for prop_key, normals in by_normal.items():
            prop = event.properties[prop_key]
            if len(normals) > drift.MAX_VALUES:
                prop.values = None  # ids or free text: not a case-drift candidate
                continue
            prop.values = {normal: _variants(variants) for normal, variants in normals.items()}


def _earliest(entries: Iterable[_Entry]) -> Position:
    return min(entry.first for entry in entries if entry.first is not None)


def _first(firsts: Iterable[tuple[_Key, Position]], cap: int) -> list[_Key]:
    """The ``cap`` keys first seen, in the order they were."""
    return [key for key, _ in sorted(firsts, key=lambda item: item[1])[:cap]]


def _variants(entries: Iterable[tuple[tuple[str, str], _Entry]]) -> Variants:
    """Variants as the tracker counts them: the first MAX_VARIANTS (by first position), each
    with all its messages; the rest are not counted."""
    merged: dict[tuple[str, str], _Entry] = {}
    for key, entry in entries:
        mine = merged.get(key)
        if mine is None:
            mine = merged[key] = _Entry()
        assert entry.first is not None
        mine.add(entry.count, entry.first)
    kept = _first(((key, entry.first) for key, entry in merged.items()
                   if entry.first is not None), drift.MAX_VARIANTS)
    return Counter({key: merged[key].count for key in kept})
