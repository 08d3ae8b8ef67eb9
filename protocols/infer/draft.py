"""Draft a plan from message logs: collect bounded statistics, then write plan fragments.

Thresholds (documented in docs/infer.md):

* ``required: true`` when the property was present (null included) in every message of the
  event, or in every object at its place for nested properties;
* ``nullable: true`` when null was seen as well as another type; several other types give a
  type list (a union); integers and fractional numbers together give ``number``;
* an ``enum`` when only strings were seen, at least ``ENUM_MIN_COUNT`` of them, with at most
  ``ENUM_MAX_VALUES`` (and at least ``ENUM_MIN_VALUES``) distinct values, each seen at least
  ``ENUM_MIN_REPEAT`` times, and neither the name (``order_id``, ``userKey``, ``sku``) nor the
  values (``u-1042``, ``9f86d081``) look like ids: a handful of ids repeated in a small
  sample is not a closed list;
* a ``format`` (uuid, date-time, email, uri) when every string seen has it (then no enum);
* names that differ only by case or separators (``naming.collision_key``) are one name: the
  spelling in the dominant style of the names around it (``naming.dominant_style``), else the
  most frequent one, with the other spellings and their counts in a comment above it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from protocols.infer import stats
from protocols.infer.reader import BrokenLine, Message, read_messages
from protocols.infer.stats import ENUM_MAX_VALUES, FORMATS, Budget, Shape
from protocols.naming import collision_key, dominant_style, matches
from protocols.progress import Progress, Report
from protocols.safetext import printable
from protocols.yamlsrc import PathKey

ENUM_MIN_COUNT = 20
ENUM_MIN_VALUES = 2  # one value seen every time is a sample's accident, not a closed list
ENUM_MIN_REPEAT = 5  # each value this often: a value seen twice may be one of thousands
# Names of properties whose values are identifiers or free text, never a closed list.
_ID_NAME = re.compile(r"(^|[^a-z])(id|ids|uuid|guid|key|token|hash|sku|email|url|uri|phone)$"
                      r"|(Id|ID|Ids|Uuid|Key|Token|Hash|Sku|Email|Url|Phone)$")
# Values that look like identifiers: digits with letters or separators, hex, UUID-like.
_ID_VALUE = re.compile(r"^(?=.*\d)[A-Za-z0-9]+([-_:./][A-Za-z0-9]+)*$|^[0-9a-f]{8,}$")
MAX_BROKEN_KEPT = 1000  # broken lines remembered for the report (all are counted)
# Distinct names planned per section (events, pages, screens); the messages of further names
# are counted in ``Collector.unplanned``. A real plan has hundreds; a log with a million
# distinct event names ran out of memory.
MAX_NAMES = 5000
# Message types skipped (``alias``, ``screen_view``...) counted by name; the messages of further
# types are counted together. A type is whatever a log says: a log of 200,000 distinct types
# printed 200,000 notes, each type as it was (terminal escapes included).
MAX_SKIPPED_KINDS = 20
_SHOWN_KIND = 60  # characters of a skipped type shown
_SECTIONS = {"track": "events", "page": "pages", "screen": "screens"}


@dataclass
class Collector:
    """Statistics of every message read so far (no message is kept)."""

    messages: int = 0
    broken: list[BrokenLine] = field(default_factory=list)
    broken_count: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    named: dict[str, dict[str, Shape]] = field(
        default_factory=lambda: {"events": {}, "pages": {}, "screens": {}})
    traits: dict[str, Shape] = field(default_factory=dict)
    # Messages (or values) read but not planned because a limit was reached, by reason; the
    # command prints them and the draft's header counts them.
    unplanned: Counter[str] = field(default_factory=Counter)
    budget: Budget = field(default_factory=Budget)

    def read(self, path: Path, shown: str,
             position: Callable[[int], None] | None = None) -> None:
        for item in read_messages(path, shown, position=position):
            if isinstance(item, BrokenLine):
                self.add_broken(item)
            else:
                self.add(item)

    def add_broken(self, broken: BrokenLine) -> None:
        self.broken_count += 1
        if len(self.broken) < MAX_BROKEN_KEPT:
            self.broken.append(broken)

    def add(self, message: Message) -> None:
        data = message.data
        kind = data.get("type")
        if kind is None and "event" in data:
            kind = "track"
        if kind in ("identify", "group"):
            payload = data.get("traits", {})
            table, name = self.traits, str(kind)
        elif kind in _SECTIONS:
            payload = data.get("properties", {})
            found = data.get("event" if kind == "track" else "name")
            table = self.named[_SECTIONS[str(kind)]]
            if not isinstance(found, str) or not found:
                self.skipped[f"{kind} without {'an event' if kind == 'track' else 'a'} name"] += 1
                return
            name = found
        else:
            self.skipped[self._skipped_kind(kind)] += 1
            return
        if not isinstance(payload, dict):
            self.add_broken(BrokenLine(message.file, message.line,
                                       f"{kind} message whose payload is not an object"))
            return
        self.messages += 1
        shape = table.get(name)
        if shape is None:
            section = "traits" if table is self.traits else _SECTIONS[str(kind)]
            if table is not self.traits and len(table) >= MAX_NAMES:
                self.unplanned[f"{kind} messages whose {section[:-1]} name came after the "
                               f"first {MAX_NAMES} distinct names (not planned)"] += 1
                return
            if not self.budget.take():
                self.unplanned[f"{kind} messages with a new name after the limit of "
                               f"{stats.MAX_SHAPES} planned places was reached (not planned)"] += 1
                return
            shape = table[name] = Shape()
        shape.add(payload, budget=self.budget)

    def _skipped_kind(self, kind: object) -> str:
        """What the messages of a type that is not planned are counted under."""
        if not isinstance(kind, str):
            return "messages without a type"
        shown = printable(kind[:_SHOWN_KIND]) + ("…" if len(kind) > _SHOWN_KIND else "")
        key = f"{shown} messages"
        if key in self.skipped or len(self.skipped) < MAX_SKIPPED_KINDS:
            return key
        return f"messages of other types (the first {MAX_SKIPPED_KINDS} are named)"

    def over_budget(self) -> int:
        """Property values not planned because the limit of planned places was reached."""
        total = 0
        stack = [shape for table in (*self.named.values(), self.traits)
                 for shape in table.values()]
        while stack:
            shape = stack.pop()
            total += shape.over_budget
            stack.extend(shape.properties.values())
            if shape.items is not None:
                stack.append(shape.items)
        return total


@dataclass(frozen=True)
class Draft:
    """The inferred plan data, the comments to write above its keys, and what was read."""

    data: dict[str, Any]
    comments: dict[PathKey, list[str]]
    drift: dict[PathKey, list[str]]
    collector: Collector


def infer_plan(paths: Iterable[tuple[Path, str]], *, plan_id: str,
               progress: Report | None = None) -> Draft:
    """Read logs (``(path, name shown in messages)``) and draft a plan from them;
    ``progress`` hears how far the reading has got (protocols/progress.py)."""
    collector = Collector()
    files = list(paths)
    sizes = [_size(path) for path, _ in files] if progress is not None else []
    total = sum(sizes) if progress is not None else None
    done = 0
    for index, (path, shown) in enumerate(files):
        position = None
        if progress is not None:
            def position(at: int, before: int = done) -> None:
                progress(Progress(before + at, total, collector.messages))
        collector.read(path, shown, position)
        if progress is not None:
            done += sizes[index]
            progress(Progress(done, total, collector.messages))
    return draft_from(collector, plan_id=plan_id)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def draft_from(collector: Collector, *, plan_id: str) -> Draft:
    builder = _Builder()
    data: dict[str, Any] = {"protocols": 1, "plan": plan_id}
    event_style = dominant_style(collector.named["events"])
    all_props = [name for table in collector.named.values() for shape in table.values()
                 for name in shape.properties]
    all_props += [name for shape in collector.traits.values() for name in shape.properties]
    builder.property_style = dominant_style(all_props)
    for section, table in collector.named.items():
        if not table:
            continue
        style = event_style if section == "events" else dominant_style(table)
        grouped = _group({name: shape.count for name, shape in table.items()}, style)
        out: dict[str, Any] = {}
        for canonical, spellings in grouped.items():
            shape = Shape()
            for spelling in spellings:
                shape.merge(table[spelling])
            path: PathKey = (section, canonical)
            builder.note_drift(path, spellings, {s: table[s].count for s in spellings})
            builder.comments.setdefault(path, []).insert(0, _seen(shape.count))
            out[canonical] = {"properties": builder.object_properties(
                shape, (*path, "properties"))}
        data[section] = out
    for kind in ("identify", "group"):
        traits = collector.traits.get(kind)
        if traits is not None:
            builder.comments[(kind,)] = [_seen(traits.count)]
            data[kind] = {"traits": builder.object_properties(traits, (kind, "traits"))}
    return Draft(data, builder.comments, builder.drift, collector)


@dataclass
class _Builder:
    comments: dict[PathKey, list[str]] = field(default_factory=dict)
    drift: dict[PathKey, list[str]] = field(default_factory=dict)
    property_style: Any = None

    def note_drift(self, path: PathKey, spellings: list[str], counts: Mapping[str, int]
                   ) -> None:
        if len(spellings) < 2:
            return
        self.drift[path] = spellings[1:]
        seen = ", ".join(f"{s!r} ({counts[s]})" for s in spellings[1:])
        self.comments.setdefault(path, []).append(f"drift: also sent as {seen}")

    def object_properties(self, shape: Shape, path: PathKey) -> dict[str, Any]:
        objects = shape.types.get("object", 0)
        grouped = _group({name: child.count for name, child in shape.properties.items()},
                         self.property_style)
        result: dict[str, Any] = {}
        for canonical, spellings in grouped.items():
            child = Shape()
            for spelling in spellings:
                child.merge(shape.properties[spelling])
            child_path = (*path, canonical)
            self.note_drift(child_path, spellings,
                            {s: shape.properties[s].count for s in spellings})
            fragment = self.fragment(child, child_path)
            if objects and shape.present[collision_key(canonical)] >= objects:
                # Right after the type, so it stays visible above nested properties.
                fragment = {"type": fragment.pop("type"), "required": True, **fragment}
            result[canonical] = fragment
        if shape.dropped_properties:
            self.comments.setdefault(path, []).append(
                f"{shape.dropped_properties} more property values were not planned "
                "(too many distinct property names: a map?)")
        if shape.over_budget:
            self.comments.setdefault(path, []).append(
                f"{shape.over_budget} more values were not planned (the draft's limit of "
                f"{stats.MAX_SHAPES} planned places was reached)")
        return result

    def fragment(self, shape: Shape, path: PathKey) -> dict[str, Any]:
        seen = [t for t in ("string", "integer", "number", "boolean", "object", "array")
                if shape.types.get(t)]
        if "integer" in seen and "number" in seen:
            seen.remove("integer")
        fragment: dict[str, Any] = {}
        if not seen:
            fragment["type"] = "null"
            return fragment
        fragment["type"] = seen[0] if len(seen) == 1 else seen
        if shape.types.get("null"):
            fragment["nullable"] = True
        if seen == ["string"]:
            names = [p for p in path if isinstance(p, str) and p not in ("properties",
                                                                          "items", "traits")]
            fragment.update(_string_rules(shape, names[-1] if names else ""))
        if "object" in seen and shape.properties:
            fragment["properties"] = self.object_properties(shape, (*path, "properties"))
        elif shape.over_budget:
            self.comments.setdefault(path, []).append(
                f"{shape.over_budget} more values were not planned (the draft's limit of "
                f"{stats.MAX_SHAPES} planned places was reached)")
        if "array" in seen and shape.items is not None:
            fragment["items"] = self.fragment(shape.items, (*path, "items"))
        return fragment


def _seen(count: int) -> str:
    return f"seen {count} time{'s' if count != 1 else ''}"


def _string_rules(shape: Shape, name: str = "") -> dict[str, Any]:
    strings = shape.types["string"]
    # Ids, timestamps, emails and links are never a closed list: a format wins over an enum.
    for format_name in FORMATS:
        if shape.formats.get(format_name) == strings:
            return {"format": format_name}
    if (not shape.too_many_strings and strings >= ENUM_MIN_COUNT
            and ENUM_MIN_VALUES <= len(shape.strings) <= ENUM_MAX_VALUES
            and min(shape.strings.values()) >= ENUM_MIN_REPEAT
            and not _ID_NAME.search(name)
            and not all(_ID_VALUE.match(value) for value in shape.strings)):
        return {"enum": sorted(shape.strings)}
    return {}


def _group(counts: Mapping[str, int], style: Any) -> dict[str, list[str]]:
    """Spellings grouped by collision key: canonical name -> [canonical, *variants]."""
    groups: dict[str, list[str]] = {}
    for name in counts:
        groups.setdefault(collision_key(name), []).append(name)
    result: dict[str, list[str]] = {}
    for names in groups.values():
        # The spelling that follows the plan's dominant style wins, then the most frequent.
        ranked = sorted(names, key=lambda n: (not (style is not None and matches(n, style)),
                                              -counts[n], n))
        result[ranked[0]] = ranked
    return result
