"""The naming-drift report: where sources disagree about the same event.

Messages are grouped by source (``context.library.name`` by default) and by canonical event
(the planned name, or for unplanned events the most common spelling of their collision key).
For each canonical event the tracker counts, per source: the event-name spellings, the
spellings of each property name, string values that differ only in case or separators, and
the JSON types each property is sent as. What disagrees becomes an *inconsistency*: a plain
dict that every reporter can render::

    {"kind": "event-name" | "property-name" | "enum-value" | "value-type",
     "canonical": str, "event": str | None, "property": str | None, "planned": bool,
     "variants": [{"value": str, "source": str, "count": int}, ...]}

Memory is bounded whatever the traffic: the number of events, properties per event, sources
and distinct values per property tracked is capped; a property with more distinct values than
the cap (ids, free text) is not a case-drift candidate and its values are dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Any

from protocols.naming import CaseStyle, collision_key, matches
from protocols.plan.model import MessageSpec, Plan
from protocols.validate.check.messages import MAX_NAME_LENGTH, clip
from protocols.validate.check.shape import name_key, value_key

DEFAULT_SOURCE_FIELD = "context.library.name"
UNKNOWN_SOURCE = "(unknown)"
OTHER_SOURCE = "(other sources)"
MAX_EVENTS = 5_000
MAX_PROPERTIES = 500
MAX_SOURCES = 100
MAX_VALUES = 100
MAX_VALUE_LENGTH = 64
MAX_VIEWS = 1_000  # payload layouts remembered per event
MAX_LAYOUT_NAMES = 64  # a payload with more names is counted name by name
MAX_VARIANTS = 200  # spellings (or values) counted per name or value
MAX_HELD = 32_768  # distinct values (or value combinations) held before they are counted
MAX_LAYOUTS_HELD = 32_768  # distinct (source, spelling, layout) without values held
FIRST_HELD = 64  # the first unfold comes sooner (see DriftTracker.__init__)
_UNSEEN: Any = object()
_VARIES: Any = object()
KINDS = ("event-name", "property-name", "enum-value", "value-type")

Variants = Counter[tuple[str, str]]  # (spelling or type, source) -> messages


def source_path(source_field: str = DEFAULT_SOURCE_FIELD) -> tuple[str, ...]:
    """A dotted source field (``context.library.name``) as the path :func:`source_of` and
    ``observations.drift_observations`` take."""
    return tuple(part for part in source_field.split(".") if part)


def source_of(message: Mapping[str, Any], path: tuple[str, ...]) -> str:
    """The value at a dotted path (``context.library.name``), or ``(unknown)``."""
    node: Any = message
    try:  # (the common case costs one lookup per part; JSON values other than objects
        # refuse a string index with TypeError)
        for part in path:
            node = node[part]
    except (KeyError, TypeError, IndexError):
        return UNKNOWN_SOURCE
    if type(node) is str and node:
        return node
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return str(node)
    return UNKNOWN_SOURCE


@dataclass
class _Property:
    spellings: Variants = field(default_factory=Counter)
    types: Variants = field(default_factory=Counter)
    values: dict[str, Variants] | None = field(default_factory=dict)


@dataclass(eq=False)
class _View:
    """One payload layout of one event (its names in order and their Python types), as the
    tracker sees it message after message: which string values it counts, and how to pick
    them out of a payload in one call."""

    names: tuple[str, ...]  # clipped for reports
    kinds: tuple[type, ...]
    tracked: tuple[str, ...]  # the (clipped) names whose string values are counted
    # The payload -> the values of ``tracked`` (a C call; see _getter).
    values: Callable[[dict[str, Any]], tuple[str, ...]] | None
    # Each name's property and type name, once all are made (see _count_names).
    counted: tuple[tuple[str, _Property, str | None], ...] | None = None
    generation: int = 0  # the event's, when ``tracked`` was last made (see _renew)


# What one message adds to its event, counted whole: (source, event-name spelling or None,
# payload view or None, the view's values). Messages of a healthy log repeat these exactly,
# so each costs one dict update; they are unfolded into per-name and per-value counts now
# and then, in the order they first came.
Seen = tuple[str, str | None, "_View | None", tuple[str | None, ...]]
# When an event's messages rarely repeat their values (ids, names, prices: every message a
# new combination), its values are counted one by one instead: (source, spelling, value),
# all of a message's in one C call. An event switches once, at an unfold.
SeenValue = tuple[str, str, "str | None"]
# An unfold that finds more than this many entries, most of them seen once, switches.
SPLIT_AFTER = 64


class PlannedKinds:
    """The type each planned name's value has in every valid payload of one spec (a name
    left out: its type varies), from typed.fixed_kinds. Hashed by identity."""

    __slots__ = ("kinds",)

    def __init__(self, kinds: Mapping[str, type]) -> None:
        self.kinds = kinds


@dataclass
class _Event:
    kind: str
    spellings: Variants = field(default_factory=Counter)
    properties: dict[str, _Property] = field(default_factory=dict)
    # Spelling -> its property, for string values (None: too many values to track).
    valued: dict[str, _Property | None] = field(default_factory=dict)
    views: dict[tuple[tuple[str, ...], tuple[type, ...]], _View] = field(default_factory=dict)
    # Views of payloads the lane accepted, by their names and the kinds the plan fixes.
    planned_views: dict[tuple[tuple[str, ...], PlannedKinds], _View | None] = field(
        default_factory=dict)
    seen: dict[Seen, int] = field(default_factory=dict)
    split: bool = False  # values counted one by one, in seen_values
    # A property stopped being tracked: views still pick its values until renewed.
    stale: bool = False
    generation: int = 0
    seen_values: dict[SeenValue, int] = field(default_factory=dict)


try:  # the C loop behind Counter.update(iterable): one call adds every value of a message
    from _collections import _count_elements as _add_each  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - other Pythons
    def _add_each(counts: dict[Any, int], keys: Iterable[Any]) -> None:
        for key in keys:
            counts[key] = counts.get(key, 0) + 1


class DriftTracker:
    """Counts spellings, values and types per source; see the module docs."""

    def __init__(self, plan: Plan, *, source_field: str = DEFAULT_SOURCE_FIELD) -> None:
        self.plan = plan
        self.source_path = source_path(source_field)
        self._planned_events = {collision_key(name): name for name in plan.events}
        self._event_style = _style(plan, "event_case")
        self._property_style = _style(plan, "property_case")
        self._events: dict[str, _Event] = {}
        self._by_name: dict[str, _Event] = {}
        self._sources: set[str] = set()
        # Entries in every event's ``seen`` and ``seen_values`` that hold values, and those
        # that hold none (split events: a layout churns less than values do, so its entries
        # may wait longer; unfolding them less often saves counting their names again).
        self._held = 0
        self._held_layouts = 0
        # Unfold soon at first: until a property shows it has too many values to track (an
        # id, an email), each message is new; unfolding early lets it be dropped early.
        self._unfold_at = min(FIRST_HELD, MAX_HELD)
        self.truncated = 0

    def observe(self, message: Mapping[str, Any]) -> None:
        """Count one message (a track, identify or group; others are not counted)."""
        kind = message.get("type")
        if kind == "track":
            payload = message.get("properties")
        elif kind == "identify" or kind == "group":
            payload = message.get("traits")
        else:
            return
        self.observe_parts(kind, message.get("event"), payload,
                           source_of(message, self.source_path))

    def observe_parts(self, kind: Any, name: Any, payload: Any, source: str,
                      planned: PlannedKinds | None = None) -> None:
        """:meth:`observe` of a message given as its type, its ``event``, its payload
        (properties or traits) and its source (see source_of). ``planned``: the kinds the
        plan fixes for the payload's names, when the payload is known to follow the plan
        (the fast lane's): its view is then found by its names alone."""
        # Called for every message: written for speed (two dict updates per message in the
        # common case); everything else goes through the helpers.
        if kind == "track":
            if type(name) is not str or not name:
                return
            if len(name) > MAX_NAME_LENGTH:
                name = clip(name)
            event = self._by_name.get(name)
            if event is None:
                event = self._event("track:" + name_key(name), "track")
                if event is None:
                    return
                if len(self._by_name) < MAX_EVENTS * 4:
                    self._by_name[name] = event
        elif kind == "identify" or kind == "group":
            name = None
            event = self._events.get(kind) or self._event(kind, kind)
            if event is None:
                return
        else:
            return
        if source not in self._sources:
            source = self._new_source(source)
        view: _View | None = None
        values: tuple[str, ...] = ()
        if type(payload) is dict and payload:
            if planned is not None:
                key = (tuple(payload), planned)
                view = event.planned_views.get(key, _UNSEEN)
                if view is _UNSEEN:
                    view = self._planned_view(event, key)
            if view is None:
                view = self._layout_view(event, payload)
                if view is None:  # too many names to keep as a view: counted right away
                    self._unfold(event)  # (after what came before, for the caps' order)
                    self._count_payload(event, source, name, payload)
                    self._settle_views(event)
                    return
            if view.generation != event.generation:
                _renew(event, view)
            if view.values is not None:
                values = view.values(payload)
                if event.split:
                    # Every tracked value, as (source, spelling, value): one C call.
                    held = event.seen_values
                    before = len(held)
                    _add_each(held, zip(repeat(source), view.tracked, values))
                    if len(held) > before:
                        self._held += len(held) - before
                        if max(map(len, values)) > MAX_VALUE_LENGTH:
                            self._forget_long(held, source, view.tracked, values)
                    values = ()
        seen: Seen = (source, name, view, values)
        count = event.seen.get(seen)
        if count is not None:
            event.seen[seen] = count + 1
        else:
            if values and max(map(len, values)) > MAX_VALUE_LENGTH:
                # A value too long to count is not kept (a log of huge unique values would
                # fill memory): held as None.
                seen = (source, name, view,
                        tuple(v if len(v) <= MAX_VALUE_LENGTH else None for v in values))
            count = event.seen.get(seen, 0)
            event.seen[seen] = count + 1
            if not count:
                if values:
                    self._held += 1
                else:
                    self._held_layouts += 1
        if self._held > self._unfold_at or self._held_layouts > MAX_LAYOUTS_HELD:
            self._unfold_at = min(self._unfold_at * 2, MAX_HELD)
            for each in self._events.values():
                self._unfold(each)

    def _layout_view(self, event: _Event, payload: dict[str, Any]) -> _View | None:
        """The view of a payload's layout (None: too many names to keep one)."""
        layout = (tuple(payload), tuple(map(type, payload.values())))
        view = event.views.get(layout)
        return view if view is not None else self._view(event, layout)

    def _planned_view(self, event: _Event,
                      key: tuple[tuple[str, ...], PlannedKinds]) -> _View | None:
        """The view of names whose kinds the plan fixes (None: one of them varies)."""
        names, planned = key
        kinds = tuple(planned.kinds.get(name, _VARIES) for name in names)
        view = None if _VARIES in kinds else self._view(event, (names, kinds))
        if len(event.planned_views) >= MAX_VIEWS:
            event.planned_views.clear()
        event.planned_views[key] = view
        return view

    def _view(self, event: _Event, layout: tuple[tuple[str, ...], tuple[type, ...]]
              ) -> _View | None:
        raw, kinds = layout
        if len(raw) > MAX_LAYOUT_NAMES or max(map(len, raw)) > MAX_NAME_LENGTH:
            return None  # a payload too odd to keep a view of (and to write code for)
        names = raw
        picked: list[str] = []
        tracked: list[str] = []
        valued = event.valued
        for key, name, kind in zip(raw, names, kinds, strict=True):
            # (a name not seen yet is tracked; its property is made when counted)
            if kind is str and valued.get(name, _UNSEEN) is not None:
                picked.append(key)
                tracked.append(name)
        view = _View(names, kinds, tuple(tracked), _getter(picked), generation=event.generation)
        if len(event.views) >= MAX_VIEWS:
            _forget_views(event)
        event.views[layout] = view
        return view

    def _valued(self, event: _Event, name: str) -> _Property | None:
        prop = event.valued.get(name, _UNSEEN)
        if prop is _UNSEEN:
            prop = event.valued[name] = self._property(event, name)
        return prop  # type: ignore[no-any-return]

    @staticmethod
    def _forget_long(held: dict[SeenValue, int], source: str, tracked: tuple[str, ...],
                     values: tuple[str, ...]) -> None:
        """Hold a value too long to count as None (see observe_parts)."""
        for name, value in zip(tracked, values, strict=False):
            if len(value) > MAX_VALUE_LENGTH:
                count = held.pop((source, name, value), 0)
                held[(source, name, None)] = held.get((source, name, None), 0) + count

    def _count_payload(self, event: _Event, source: str, name: str | None,
                       payload: dict[str, Any]) -> None:
        """One message counted directly (a payload with more names than a view keeps)."""
        names = tuple(clip(key) for key in payload)
        kinds = tuple(map(type, payload.values()))
        tracked = [(clip(key), value) for key, value in payload.items() if type(value) is str]
        view = _View(names, kinds, tuple(key for key, _ in tracked), None)
        self._count_names(event, source, name, view, 1)
        self._count_values(event, [((source, key, value if len(value) <= MAX_VALUE_LENGTH
                                     else None), 1) for key, value in tracked])

    def _unfold(self, event: _Event) -> None:
        """Move what messages added into the per-name, per-type and per-value counts, in
        the order they first came (which the caps honour): names and types per layout
        first, then the values."""
        seen, values = event.seen, event.seen_values
        if not seen and not values:
            return
        event.seen, event.seen_values = {}, {}
        without = sum(1 for key in seen if not key[3])
        self._held -= len(seen) - without + len(values)
        self._held_layouts -= without
        layouts: dict[tuple[str, str | None, _View | None], int] = {}
        once = 0
        for (source, name, view, _), count in seen.items():
            key = (source, name, view)
            layouts[key] = layouts.get(key, 0) + count
            once += count == 1
        for (source, name, view), count in layouts.items():
            self._count_names(event, source, name, view, count)
        for (source, _, view, picked), count in seen.items():
            if view is not None and picked:
                self._count_values(event, [((source, prop_name, value), count) for
                                           prop_name, value in zip(view.tracked, picked,
                                                                   strict=False)])
        self._count_values(event, values.items())
        if not event.split and len(seen) > SPLIT_AFTER and once * 2 > len(seen):
            event.split = True  # (everything held before is counted: the order is kept)
        self._settle_views(event)

    @staticmethod
    def _settle_views(event: _Event) -> None:
        """After counting: views that pick a property no longer tracked are renewed when
        next used (not before: what was held with them is counted by now, in their order)."""
        if event.stale:
            event.stale = False
            event.generation += 1

    def _count_names(self, event: _Event, source: str, name: str | None, view: _View | None,
                     count: int) -> None:
        if name is not None:
            self._bump(event.spellings, (name, source), count)
        if view is None:
            return
        counted = view.counted
        if counted is None:
            found = []
            for prop_name, kind in zip(view.names, view.kinds, strict=True):
                prop = self._property(event, prop_name)
                if prop is None:
                    continue
                self._bump(prop.spellings, (prop_name, source), count)
                type_name = _SCALAR_TYPES.get(kind)
                if type_name is not None:
                    prop.types[(type_name, source)] += count
                found.append((prop_name, prop, type_name))
            if len(found) == len(view.names):  # (none refused by MAX_PROPERTIES)
                view.counted = tuple(found)
            return
        # The same counts, with the properties this view's names were found under before
        # (a view lives no longer than its event's properties: see merge).
        bump = self._bump
        for prop_name, prop, type_name in counted:
            bump(prop.spellings, (prop_name, source), count)
            if type_name is not None:
                prop.types[(type_name, source)] += count

    def _count_values(self, event: _Event, values: Iterable[tuple[SeenValue, int]]) -> None:
        for (source, prop_name, value), count in values:
            if value is not None:
                prop = self._valued(event, prop_name)
                if prop is not None:
                    self._observe_value(event, prop, prop_name, value, source, count)

    def _event(self, key: str, kind: str) -> _Event | None:
        event = self._events.get(key)
        if event is None:
            if len(self._events) >= MAX_EVENTS:
                self.truncated += 1
                return None
            event = self._events[key] = _Event(kind)
        return event

    def _property(self, event: _Event, name: str) -> _Property | None:
        key = name_key(name)
        prop = event.properties.get(key)
        if prop is None:
            if len(event.properties) >= MAX_PROPERTIES:
                self.truncated += 1
                return None
            prop = event.properties[key] = _Property()
        return prop

    def _observe_value(self, event: _Event, prop: _Property, name: str, value: str,
                       source: str, count: int) -> None:
        values = prop.values
        if values is None:  # dropped under another spelling of the same name
            event.valued[name] = None
            event.stale = True  # views pick its values: see _renew
            return
        normal = value_key(value)
        seen = values.get(normal)
        if seen is None:
            if len(values) >= MAX_VALUES:
                prop.values = None  # high cardinality: ids or free text
                event.valued[name] = None
                event.stale = True
                return
            seen = values[normal] = _Variants()
        self._bump(seen, (value, source), count)

    def _bump(self, counter: Variants, key: tuple[str, str], count: int) -> None:
        """Count, unless this would be one variant too many (made-up spellings or values)."""
        if key in counter or len(counter) < MAX_VARIANTS:
            counter[key] += count
        else:
            self.truncated += count

    def _new_source(self, source: str) -> str:
        if len(self._sources) >= MAX_SOURCES:
            return OTHER_SOURCE
        self._sources.add(source)
        return source

    def settle(self) -> None:
        """Fold every deferred count into the totals (before pickling or merging)."""
        for event in self._events.values():
            self._unfold(event)

    def __getstate__(self) -> dict[str, Any]:
        self.settle()
        for event in self._events.values():
            _forget_views(event)  # a cache, holding functions that do not pickle
        state = dict(self.__dict__)
        state["_by_name"] = {}  # a cache
        del state["plan"]  # a worker's counts travel back without the plan (see merge)
        return state

    def merge(self, later: DriftTracker) -> None:
        """Add the counts of a tracker that saw the input that follows this one's.

        Exact, or :class:`CapReached` when a cap was (or would be) reached: what a cap drops
        depends on the order of the whole input."""
        self.settle()
        later.settle()
        sources = self._sources | later._sources
        if self.truncated or later.truncated or len(sources) >= MAX_SOURCES:
            raise CapReached("drift caps")
        self._sources = sources
        for key, theirs in later._events.items():
            mine = self._events.get(key)
            if mine is None:
                if len(self._events) >= MAX_EVENTS:
                    raise CapReached("drift events")
                self._events[key] = theirs
                continue
            _add_variants(mine.spellings, theirs.spellings)
            for prop_key, prop in theirs.properties.items():
                own = mine.properties.get(prop_key)
                if own is None:
                    if len(mine.properties) >= MAX_PROPERTIES:
                        raise CapReached("drift properties")
                    mine.properties[prop_key] = prop
                    continue
                _add_variants(own.spellings, prop.spellings)
                own.types.update(prop.types)
                own.values = _merged_values(own.values, prop.values)
        for event in self._events.values():
            event.valued.clear()  # rebuilt on the next observe
            _forget_views(event)

    def inconsistencies(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for key in sorted(self._events):
            event = self._events[key]
            self._unfold(event)
            planned_event = self._planned_name(key, event)
            spec = self._spec(event, planned_event)
            canonical_event = (planned_event or _most_common(event.spellings, self._event_style)
                               or event.kind)
            if event.kind == "track" and _disagrees(event.spellings, planned_event):
                found.append(_entry("event-name", canonical_event, canonical_event, None,
                                    planned_event is not None, event.spellings))
            planned_props = _planned_properties(spec)
            for prop_key in sorted(event.properties):
                prop = event.properties[prop_key]
                planned_prop = planned_props.get(prop_key)
                canonical_prop = (planned_prop or _most_common(prop.spellings, self._property_style)
                                  or prop_key)
                if _disagrees(prop.spellings, planned_prop):
                    found.append(_entry("property-name", canonical_prop, canonical_event,
                                        canonical_prop, planned_prop is not None,
                                        prop.spellings))
                found.extend(self._value_entries(prop, spec, canonical_event, canonical_prop,
                                                 planned_prop))
        order = {kind: index for index, kind in enumerate(KINDS)}
        found.sort(key=lambda e: (order[e["kind"]], e["event"] or "", e["property"] or "",
                                  e["canonical"]))
        return found

    def _value_entries(self, prop: _Property, spec: MessageSpec | None, event: str,
                       name: str, planned_prop: str | None) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        allowed = _enum_of(spec, planned_prop)
        for normal in sorted(prop.values or {}):
            spellings = (prop.values or {})[normal]
            if len(spellings) == 1 and not allowed:
                continue  # (one spelling and no enum: nothing to disagree with)
            planned_value = next((v for v in allowed if value_key(v) == normal), None)
            if _disagrees(spellings, planned_value):
                canonical = planned_value or _most_common(spellings, None) or normal
                found.append(_entry("enum-value", canonical, event, name,
                                    planned_value is not None, spellings))
        types = {kind for kind, _ in prop.types}
        if len(types - {"null"}) > 1:
            found.append(_entry("value-type", name, event, name, planned_prop is not None,
                                prop.types))
        return found

    def _planned_name(self, key: str, event: _Event) -> str | None:
        if event.kind != "track":
            return None
        return self._planned_events.get(key.split(":", 1)[1])

    def _spec(self, event: _Event, planned: str | None) -> MessageSpec | None:
        if event.kind == "identify":
            return self.plan.identify
        if event.kind == "group":
            return self.plan.group
        return self.plan.events.get(planned) if planned else None


_SCALAR_TYPES = {bool: "boolean", int: "number", float: "number", str: "string"}


def _renew(event: _Event, view: _View) -> None:
    """Stop a view picking values of properties no longer tracked."""
    valued = event.valued
    tracked = [name for name in view.tracked if valued.get(name, _UNSEEN) is not None]
    view.tracked = tuple(tracked)
    view.values = _getter(tracked)
    view.generation = event.generation


class _Variants(Counter[tuple[str, str]]):
    """A Counter made without Counter.__init__'s work (one per distinct value counted)."""

    __init__ = dict.__init__


def _forget_views(event: _Event) -> None:
    event.views.clear()
    event.planned_views.clear()


def _getter(keys: list[str]) -> Callable[[dict[str, Any]], tuple[str, ...]] | None:
    """One C call returning the values of ``keys`` (known to be there, and strings) from a
    payload, as a tuple."""
    if not keys:
        return None
    if len(keys) == 1:
        # itemgetter of one key returns the value itself: asked twice, it returns a pair,
        # and zip() with the one tracked name takes the first.
        return itemgetter(keys[0], keys[0])
    return itemgetter(*keys)


class CapReached(Exception):
    """A capped count reached its cap in part of the input: what was dropped depends on the
    order of the whole input, so the parts cannot be merged exactly."""


def _add_variants(mine: Variants, theirs: Variants) -> None:
    mine.update(theirs)
    if len(mine) > MAX_VARIANTS:
        raise CapReached("drift variants")


def _merged_values(mine: dict[str, Variants] | None, theirs: dict[str, Variants] | None
                   ) -> dict[str, Variants] | None:
    # A property stops tracking values once it has seen more than MAX_VALUES distinct ones,
    # whatever their order: so does the merge.
    if mine is None or theirs is None or len(mine.keys() | theirs.keys()) > MAX_VALUES:
        return None
    for normal, variants in theirs.items():
        _add_variants(mine.setdefault(normal, Counter()), variants)
    return mine


def _disagrees(spellings: Variants, planned: str | None) -> bool:
    seen = {value for value, _ in spellings}
    return len(seen) > 1 or (planned is not None and seen != {planned})


def _style(plan: Plan, setting: str) -> CaseStyle | None:
    try:
        return CaseStyle.parse(str(plan.conventions[setting]))
    except (KeyError, ValueError):
        return None


def _most_common(spellings: Variants, style: CaseStyle | None) -> str | None:
    """The spelling sent most; ties go to the plan's case style, then to the first in order."""
    totals: Counter[str] = Counter()
    for (value, _), count in spellings.items():
        totals[value] += count
    if not totals:
        return None
    return min(totals, key=lambda v: (-totals[v], style is not None and not matches(v, style), v))


def _planned_properties(spec: MessageSpec | None) -> dict[str, str]:
    if spec is None:
        return {}
    properties = spec.schema.get("properties", {})
    return {collision_key(name): name for name in properties}


def _enum_of(spec: MessageSpec | None, name: str | None) -> list[str]:
    if spec is None or name is None:
        return []
    schema = spec.schema.get("properties", {}).get(name, {})
    values = schema.get("enum", []) if isinstance(schema, Mapping) else []
    return [v for v in values if isinstance(v, str)]


def _entry(kind: str, canonical: str, event: str | None, prop: str | None, planned: bool,
           variants: Variants) -> dict[str, Any]:
    return {
        "kind": kind, "canonical": canonical, "event": event, "property": prop,
        "planned": planned,
        "variants": [{"value": value, "source": source, "count": count}
                     for (value, source), count in sorted(variants.items(),
                                                          key=lambda kv: (kv[0][1], kv[0][0]))],
    }
