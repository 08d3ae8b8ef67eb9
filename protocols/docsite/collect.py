"""Stage 1 of ``protocols docs``: the facts of loaded plans, as the neutral model.

Everything a page shows is decided here (type text, ranges, the library entry a property is
built on, who else sends a property, the example and whether it passes ``validate``), so the
HTML and Markdown renderers only lay the model out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Location, Severity
from protocols.docsite.example import example_message
from protocols.docsite.history import read_history
from protocols.docsite.model import (
    Convention,
    Example,
    MessageDoc,
    PlanDoc,
    PropertyDoc,
    Ref,
    Site,
    TypeDoc,
)
from protocols.docsite.slugs import unique_slugs
from protocols.jsontypes import json_type
from protocols.naming import EXAMPLES, CaseStyle
from protocols.plan.model import MessageSpec, Plan
from protocols.plan.resolve import META_KEYS
from protocols.schemarefs import defs_name, defs_reference
from protocols.validate.check.checker import Validator
from protocols.yamlsrc import PathKey, SourceMap

MAX_USED_BY = 20  # other senders listed per property; the rest are counted
MAX_FINDINGS = 50  # what validate says about an example, listed; the rest are counted
MAX_NESTING = 6  # levels of nested properties listed (deeper ones are in the JSON Schema)
# Rows of properties listed for one message or one named type; the rest are counted ("N more
# properties not shown"). Named types are listed by reference, once each, in their own
# section, so only anonymous objects written inline add rows: a plan this big is hostile.
MAX_PROPERTY_ROWS = 2000
KIND_FOLDERS = {"track": "events", "page": "pages", "screen": "screens"}
POLICIES = {
    "allow": "Messages may carry properties the plan does not list.",
    "warn": "validate warns about properties the plan does not list.",
    "error": "Properties the plan does not list are errors (additionalProperties: false).",
}


def collect_site(plans: Sequence[Plan], *, tool_version: str, history: bool = True) -> Site:
    """The model of a site documenting ``plans`` (git history read when ``history``)."""
    plan_slugs = unique_slugs([p.id or "plan" for p in plans], fallback="plan",
                              taken=("assets", "index"))
    # Two files may declare the same plan id: give the second its own folder too.
    folders: list[str] = []
    for plan in plans:
        base = plan_slugs[plan.id or "plan"]
        folder, n = base, 2
        while folder in folders:
            folder, n = f"{base}-{n}", n + 1
        folders.append(folder)
    docs = tuple(_PlanCollector(plan, folder, history=history).collect()
                 for plan, folder in zip(plans, folders, strict=True))
    return Site(plans=docs, tool_version=tool_version)


def where(location: Location | None) -> str:
    if location is None:
        return ""
    return f"{location.file}:{location.line}" if location.line else location.file


@dataclass(frozen=True)
class _Raw:
    """A property fragment as written, and where: to find its library entry and position."""

    fragment: Mapping[str, Any]
    source: SourceMap
    path: PathKey


@dataclass
class _Uses:
    """Who uses what, filled while walking every message's properties."""

    library: dict[str, dict[str, Ref]] = field(default_factory=dict)
    types: dict[str, dict[str, Ref]] = field(default_factory=dict)
    names: dict[str, dict[str, Ref]] = field(default_factory=dict)  # top-level property names


class _PlanCollector:
    def __init__(self, plan: Plan, folder: str, *, history: bool) -> None:
        self.plan = plan
        self.folder = folder
        self.history = history
        self.uses = _Uses()
        self.library_raw: dict[str, _Raw] = {}
        self.types_raw: dict[str, _Raw] = {}
        for _, data, source in (*plan.imported, ("", plan.data, plan.source)):
            if not isinstance(data, Mapping):
                continue
            for key, table in (("properties", self.library_raw), ("types", self.types_raw)):
                for name, fragment in (data.get(key) or {}).items():
                    table[name] = _Raw(fragment if isinstance(fragment, Mapping) else {},
                                       source, (key, name))
        self.refs = self._refs()

    def _refs(self) -> dict[tuple[str, str | None], Ref]:
        refs: dict[tuple[str, str | None], Ref] = {}
        for kind, folder in KIND_FOLDERS.items():
            specs = [s for s in self.plan.messages() if s.kind == kind]
            slugs = unique_slugs([s.name or kind for s in specs], fallback=kind)
            for spec in specs:
                refs[(kind, spec.name)] = Ref(
                    label=spec.label, kind=kind,
                    href=f"{self.folder}/{folder}/{slugs[spec.name or kind]}")
        for spec in self.plan.messages():
            if spec.kind in ("identify", "group"):
                refs[(spec.kind, None)] = Ref(label=f"{spec.kind} traits", kind=spec.kind,
                                              href=f"{self.folder}/{spec.kind}")
        return refs

    def ref(self, spec: MessageSpec) -> Ref:
        return self.refs[(spec.kind, spec.name if spec.kind not in ("identify", "group")
                          else None)]

    # -- the plan ----------------------------------------------------------------------------

    def collect(self) -> PlanDoc:
        plan = self.plan
        validator = Validator(plan)
        walked = [(spec, self._properties(spec)) for spec in plan.messages()]
        messages = tuple(self._message(spec, props, more, validator)
                         for spec, (props, more) in walked)
        history, note = (read_history(plan) if self.history
                         else (None, "the history was not read (--no-history)"))
        return PlanDoc(
            id=plan.id, slug=self.folder, file=plan.file, version=plan.version,
            description=plan.description, owners=tuple(str(o) for o in plan.owners),
            messages=messages, library=self._library(), types=self._types(),
            conventions=self._conventions(), history=history, history_note=note)

    def _message(self, spec: MessageSpec, walked: list[_Walked], more: int,
                 validator: Validator) -> MessageDoc:
        ref = self.ref(spec)
        props = tuple(w.finish(*self._used_by(w, ref)) for w in walked)
        message = example_message(spec)
        findings = validator.validate(message)
        example = Example(
            message=message,
            findings=tuple(f"{d.code} {d.name}: {d.message}" for d in findings[:MAX_FINDINGS]),
            findings_more=max(len(findings) - MAX_FINDINGS, 0),
            passes=not any(d.severity is Severity.ERROR for d in findings))
        title = spec.name if spec.kind == "track" and spec.name else (
            f"{spec.kind} traits" if spec.kind in ("identify", "group")
            else f"{spec.name or spec.kind} ({spec.kind})")
        schema = self.plan.message_schema(spec)
        return MessageDoc(
            plan=self.plan.id, kind=spec.kind, name=spec.name, label=spec.label, title=title,
            href=ref.href, description=spec.description,
            owner=str(spec.owner) if spec.owner is not None else None,
            deprecated=spec.deprecated, tags=tuple(str(t) for t in spec.tags),
            where=where(spec.location), properties=props, properties_more=more,
            example=example, schema=schema, additional_properties=spec.additional_properties)

    def _used_by(self, walked: _Walked, me: Ref) -> tuple[tuple[Ref, ...], int]:
        if walked.depth:
            return (), 0
        others = [r for href, r in self.uses.names.get(walked.name, {}).items()
                  if href != me.href]
        return tuple(others[:MAX_USED_BY]), max(len(others) - MAX_USED_BY, 0)

    # -- properties --------------------------------------------------------------------------

    def _properties(self, spec: MessageSpec) -> tuple[list[_Walked], int]:
        """The rows of a message's properties, and how many more were not listed."""
        ref = self.ref(spec)
        payload = spec.schema
        raw_props = self._raw_payload(spec)
        defs = payload.get("$defs") or {}
        walker = _Walker(self, spec=spec, defs=defs, user=ref)
        rows = walker.object(payload, raw_props, prefix="", depth=0, schema_path=())
        # Every named type the message sends, at any depth: once per message, each type once.
        for used in _types_in(payload.get("properties"), defs):
            self.uses.types.setdefault(used, {})[ref.href] = ref
        return rows, walker.more

    def _raw_payload(self, spec: MessageSpec) -> dict[str, _Raw]:
        data = self.plan.data
        body = _at(data, spec.plan_path)
        key = spec.payload_field
        own = body.get(key) if isinstance(body, Mapping) else None
        out: dict[str, _Raw] = {}
        if spec.kind == "track":
            common = _at(data, ("common", "properties"))
            for name, fragment in (common or {}).items() if isinstance(common, Mapping) else ():
                out[name] = _Raw(_mapping(fragment), self.plan.source,
                                 ("common", "properties", name))
        for name, fragment in (own or {}).items() if isinstance(own, Mapping) else ():
            out[name] = _Raw(_mapping(fragment), self.plan.source, (*spec.plan_path, key, name))
        return out

    def library_of(self, raw: _Raw | None, name: str) -> str | None:
        """The library entry a property fragment is built on (``use: x``, or an empty
        fragment named like an entry), as the resolver decides it."""
        if raw is None:
            return None
        fragment = raw.fragment
        use = fragment.get("use")
        if isinstance(use, str):
            return use if use in self.plan.library else None
        keys = {k for k in fragment if k not in META_KEYS and not str(k).startswith("x-")}
        return name if not keys and name in self.plan.library else None

    # -- library, types, conventions ---------------------------------------------------------

    def _library(self) -> tuple[TypeDoc, ...]:
        anchors = unique_slugs(list(self.plan.library), fallback="property")
        used_schemas = self._library_schemas()
        docs = []
        for name in self.plan.library:
            raw = self.library_raw.get(name)
            schema = self._library_schema(name, used_schemas)
            walker = _Walker(self, spec=None, defs=self.plan.types, user=None)
            summary = walker.one(name, schema, raw, required=False, path=name, depth=0,
                                 location=raw.source.key_location(raw.path) if raw else None,
                                 schema_path=()).finish(())
            used = self.uses.library.get(name, {})
            docs.append(TypeDoc(name=name, anchor=anchors[name], description=summary.description,
                                summary=summary, properties=(), used_by=tuple(used.values()),
                                where=summary.where))
        return tuple(docs)

    def _library_schemas(self) -> dict[str, Mapping[str, Any]]:
        """The compiled schema of each library entry a message property is built on as it is
        (``use: x`` or empty, maybe with ``required``): the first such property's. One pass
        over the messages (one per entry took 24 s for 1,000 entries and 1,000 events)."""
        found: dict[str, Mapping[str, Any]] = {}
        for spec in self.plan.messages():
            properties = spec.schema.get("properties") or {}
            for prop, written in self._raw_payload(spec).items():
                name = self.library_of(written, prop)
                if name is None or name in found or set(written.fragment) - {"use", "required"}:
                    continue
                schema = properties.get(prop)
                if isinstance(schema, Mapping):
                    found[name] = schema
        return found

    def _library_schema(self, name: str, used: Mapping[str, Mapping[str, Any]]
                        ) -> Mapping[str, Any]:
        # The compiled schema of an entry as the messages see it: any message property built
        # on it has it; an unused entry is shown from its fragment.
        if name in used:
            return used[name]
        entry = dict(self.plan.library.get(name) or {})
        entry.pop("required", None)
        return _plain_schema(entry)

    def _types(self) -> tuple[TypeDoc, ...]:
        anchors = unique_slugs(list(self.plan.types), fallback="type")
        docs = []
        for name, schema in self.plan.types.items():
            raw = self.types_raw.get(name)
            walker = _Walker(self, spec=None, defs=self.plan.types, user=None)
            location = raw.source.key_location(raw.path) if raw else None
            summary = walker.one(name, schema, raw, required=False, path=name, depth=0,
                                 location=location, schema_path=()).finish(())
            fields = walker.object(schema, self._raw_children(raw), prefix="", depth=0,
                                   schema_path=(), in_type=name)
            used = self.uses.types.get(name, {})
            docs.append(TypeDoc(name=name, anchor=anchors[name],
                                description=schema.get("description") if isinstance(
                                    schema.get("description"), str) else None,
                                summary=summary, properties=tuple(f.finish(()) for f in fields),
                                properties_more=walker.more, used_by=tuple(used.values()),
                                where=where(location)))
        return tuple(docs)

    def _raw_children(self, raw: _Raw | None) -> dict[str, _Raw]:
        if raw is None:
            return {}
        props = raw.fragment.get("properties")
        if isinstance(props, Mapping):
            return {n: _Raw(_mapping(f), raw.source, (*raw.path, "properties", n))
                    for n, f in props.items()}
        items = raw.fragment.get("items")
        if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
            return {n: _Raw(_mapping(f), raw.source, (*raw.path, "items", "properties", n))
                    for n, f in items["properties"].items()}
        return {}

    def _conventions(self) -> tuple[Convention, ...]:
        found: list[Convention] = []
        conventions = self.plan.conventions
        for key, what in (("event_case", "Event, page and screen names"),
                          ("property_case", "Property and trait names, at every level")):
            value = conventions.get(key)
            if isinstance(value, str):
                try:
                    example = EXAMPLES[CaseStyle.parse(value)]
                except ValueError:
                    example = value
                found.append(Convention(key=key, value=value,
                                        meaning=f"{what} are written like \u201c{example}\u201d."))
        for key, meaning in (("require_owner", "Every event names an owner."),
                             ("require_description", "Every property and trait is described.")):
            if key in conventions:
                found.append(Convention(key=key, value=json.dumps(conventions[key]),
                                        meaning=meaning if conventions[key] else
                                        f"Not required: {meaning[0].lower()}{meaning[1:]}"))
        template = conventions.get("event_template")
        if isinstance(template, Mapping):
            pattern = template.get("pattern")
            found.append(Convention(key="event_template", value=str(pattern),
                                    meaning="Event names follow this template; each {part} "
                                            "is one or more words."))
            vocabulary = template.get("vocabulary")
            for part, words in (vocabulary or {}).items() if isinstance(vocabulary, Mapping) \
                    else ():
                shown = ", ".join(str(w) for w in words) if isinstance(words, list) else str(words)
                found.append(Convention(key=f"event_template {{{part}}}", value=shown,
                                        meaning=f"The words {{{part}}} may be."))
        known = {"event_case", "property_case", "require_owner", "require_description",
                 "event_template"}
        for key, value in conventions.items():
            if key not in known:
                found.append(Convention(key=str(key), value=json.dumps(value, default=str),
                                        meaning=""))
        policy = self.plan.additional_properties
        found.append(Convention(key="additional_properties", value=str(policy),
                                meaning=POLICIES.get(str(policy), "")))
        return tuple(found)


# -- one property at a time -----------------------------------------------------------------


@dataclass
class _Walked:
    """A property being collected; ``finish`` adds who else uses it once all are walked."""

    name: str
    path: str
    depth: int
    fields: dict[str, Any]

    def finish(self, used_by: tuple[Ref, ...], more: int = 0) -> PropertyDoc:
        return PropertyDoc(name=self.name, path=self.path, depth=self.depth, used_by=used_by,
                           used_by_more=more, **self.fields)


class _Walker:
    """Lists the properties of one message or one named type, as rows.

    A property whose value is a named type (or an array of one) is one row that names the
    type; the type's fields are listed once, in its own section, not under every use (ten
    properties of the next type, nine levels deep, would be a billion rows). Objects written
    inline are listed under their property, to MAX_NESTING levels and MAX_PROPERTY_ROWS rows
    in all; ``more`` counts the rows past that.
    """

    def __init__(self, owner: _PlanCollector, *, spec: MessageSpec | None,
                 defs: Mapping[str, Any], user: Ref | None) -> None:
        self.owner = owner
        self.spec = spec
        self.defs = defs
        self.user = user
        self.rows = 0
        self.more = 0

    def object(self, schema: Mapping[str, Any], raw: Mapping[str, _Raw], *, prefix: str,
               depth: int, schema_path: PathKey, in_type: str | None = None
               ) -> list[_Walked]:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping) or depth > MAX_NESTING:
            return []
        required = set(schema.get("required") or ())
        out: list[_Walked] = []
        for name, sub in properties.items():
            if self.rows >= MAX_PROPERTY_ROWS:
                self.more += _count_rows(sub, depth)
                continue
            self.rows += 1
            sub_path = (*schema_path, "properties", name)
            raw_sub = raw.get(name)
            if in_type is not None and raw_sub is None:
                raw_type = self.owner.types_raw.get(in_type)
                location = raw_type.source.key_location(raw_type.path) if raw_type else None
            elif raw_sub is not None and self.spec is None:
                location = raw_sub.source.key_location(raw_sub.path)
            elif self.spec is not None and in_type is None:
                location = self.spec.locate(sub_path)
            else:
                location = raw_sub.source.key_location(raw_sub.path) if raw_sub else None
            walked = self.one(str(name), sub, raw_sub, required=name in required,
                              path=f"{prefix}{name}", depth=depth, location=location,
                              schema_path=sub_path)
            out.append(walked)
            out.extend(self.children(sub, raw_sub, walked, depth=depth, schema_path=sub_path,
                                     in_type=in_type))
        return out

    def one(self, name: str, schema: Any, raw: _Raw | None, *, required: bool, path: str,
            depth: int, location: Location | None, schema_path: PathKey) -> _Walked:
        schema = schema if isinstance(schema, Mapping) else {}
        library = self.owner.library_of(raw, name)
        facet = _facet(schema)
        type_name = _type_name(schema)
        if self.user is not None:
            if library is not None:
                self.owner.uses.library.setdefault(library, {})[self.user.href] = self.user
            if depth == 0:
                self.owner.uses.names.setdefault(name, {})[self.user.href] = self.user
        description = schema.get("description")
        fields = {
            "type": type_text(schema),
            "required": required,
            "values": _values(facet),
            "format": _text_or_none(facet.get("format")),
            "pattern": _text_or_none(facet.get("pattern")),
            "range": range_text(schema) or (range_text(facet) if facet is not schema else None),
            "pii": bool(schema.get("x-pii") or facet.get("x-pii")),
            "deprecated": bool(schema.get("deprecated")),
            "description": description if isinstance(description, str) else None,
            "library": library,
            "type_name": type_name,
            "by_reference": False,
            "where": where(location),
        }
        return _Walked(name=name, path=path, depth=depth, fields=fields)

    def children(self, schema: Any, raw: _Raw | None, parent: _Walked, *, depth: int,
                 schema_path: PathKey, in_type: str | None) -> list[_Walked]:
        if not isinstance(schema, Mapping):
            return []
        target, suffix, path = _container(schema)
        if target is None:
            return []
        type_name = _type_name(target)
        if type_name is not None:
            # By reference: the type's own section lists its fields, once.
            parent.fields["by_reference"] = _has_fields(self.defs.get(type_name))
            return []
        raw_children = self.owner._raw_children(raw)
        if not raw_children and raw is not None:
            library = self.owner.library_of(raw, parent.name)
            if library is not None:
                raw_children = self.owner._raw_children(self.owner.library_raw.get(library))
        return self.object(target, raw_children, prefix=f"{parent.path}{suffix}.",
                           depth=depth + 1, schema_path=(*schema_path, *path),
                           in_type=in_type)


def _count_rows(schema: Any, depth: int) -> int:
    """The rows a property would take (itself and the fields of an object written inline,
    as :meth:`_Walker.object` lists them), without building them: for "N more not shown"."""
    count = 1
    if not isinstance(schema, Mapping) or depth >= MAX_NESTING:
        return count
    target, _, _ = _container(schema)
    if target is None or _type_name(target) is not None:
        return count
    properties = target.get("properties")
    if isinstance(properties, Mapping):
        count += sum(_count_rows(sub, depth + 1) for sub in properties.values())
    return count


def _has_fields(schema: Any) -> bool:
    return isinstance(schema, Mapping) and isinstance(schema.get("properties"), Mapping) \
        and bool(schema["properties"])


def _container(schema: Mapping[str, Any]) -> tuple[Mapping[str, Any] | None, str, PathKey]:
    """The object schema whose fields are listed under a property, if any: itself, its
    array items, or the named type (maybe nullable) it refers to."""
    if isinstance(schema.get("properties"), Mapping) or _type_name_direct(schema):
        return schema, "", ()
    members = schema.get("anyOf")
    if isinstance(members, list):
        for member in members:
            if isinstance(member, Mapping) and (_type_name_direct(member)
                                                or isinstance(member.get("properties"), Mapping)):
                return member, "", ()
    items = schema.get("items")
    if isinstance(items, Mapping):
        inner, _, path = _container(items)
        if inner is not None:
            return inner, "[]", ("items", *path)
    return None, "", ()


def _type_name_direct(schema: Mapping[str, Any]) -> str | None:
    return defs_name(schema.get("$ref"))


def _type_name(schema: Mapping[str, Any]) -> str | None:
    """The named type a property is, or holds (array items, nullable)."""
    direct = _type_name_direct(schema)
    if direct is not None:
        return direct
    for member in schema.get("anyOf") or ():
        if isinstance(member, Mapping) and _type_name_direct(member):
            return _type_name_direct(member)
    items = schema.get("items")
    if isinstance(items, Mapping):
        return _type_name(items)
    return None


def _types_in(schema: Any, defs: Mapping[str, Any]) -> set[str]:
    found: set[str] = set()
    pending = [schema]
    while pending:
        node = pending.pop()
        if isinstance(node, Mapping):
            name = _type_name_direct(node)
            if name is not None and name not in found:
                found.add(name)
                pending.append(defs.get(name))
            pending.extend(v for k, v in node.items() if k != "$defs")
        elif isinstance(node, list):
            pending.extend(node)
    return found


def _facet(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    """Where a property's value rules are: itself, or its array items (``tags``: each one of
    [...]) when it has none of its own."""
    items = schema.get("items")
    own = any(k in schema for k in ("enum", "const", "format", "pattern"))
    if not own and isinstance(items, Mapping) and "$ref" not in items:
        return items
    return schema


def _values(schema: Mapping[str, Any]) -> tuple[str, ...]:
    if "const" in schema:
        return (json.dumps(schema["const"], ensure_ascii=False),)
    values = schema.get("enum")
    if isinstance(values, list):
        return tuple(json.dumps(v, ensure_ascii=False) for v in values)
    return ()


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def type_text(schema: Any) -> str:
    """``string``, ``number or null``, ``array of Product``, ``Address``..."""
    if not isinstance(schema, Mapping):
        return "any"
    ref = _type_name_direct(schema)
    if ref is not None:
        return ref
    for key in ("anyOf", "oneOf"):
        members = schema.get(key)
        if isinstance(members, list) and members:
            return " or ".join(dict.fromkeys(type_text(m) for m in members))
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if isinstance(kind, str) else []
    if not kinds:
        if "const" in schema:
            return json_type(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return " or ".join(dict.fromkeys(json_type(v) for v in schema["enum"]))
        if isinstance(schema.get("properties"), Mapping):
            return "object"
        return "any"
    shown = []
    for item in kinds:
        if item == "array" and isinstance(schema.get("items"), Mapping):
            shown.append(f"array of {type_text(schema['items'])}")
        else:
            shown.append(str(item))
    return " or ".join(shown)


def range_text(schema: Mapping[str, Any]) -> str | None:
    """The limits on a value, in words: ``0 to 5``, ``> 0``, ``length 1 to 64``, ``1+ items``."""
    parts = []
    low = _first(schema, ("minimum", ">="), ("exclusiveMinimum", ">"))
    high = _first(schema, ("maximum", "<="), ("exclusiveMaximum", "<"))
    if low and high and low[1] == ">=" and high[1] == "<=":
        parts.append(f"{low[0]} to {high[0]}")
    else:
        parts += [f"{sign} {value}" for value, sign in (low, high) if value is not None]
    if "multipleOf" in schema:
        parts.append(f"multiple of {_num(schema['multipleOf'])}")
    for low_key, high_key, unit in (("minLength", "maxLength", "length"),
                                    ("minItems", "maxItems", "items"),
                                    ("minProperties", "maxProperties", "properties")):
        lo, hi = schema.get(low_key), schema.get(high_key)
        if lo is None and hi is None:
            continue
        if unit == "length":
            text = (f"length {_num(lo)} to {_num(hi)}" if lo is not None and hi is not None
                    else f"length >= {_num(lo)}" if lo is not None else f"length <= {_num(hi)}")
        else:
            text = (f"{_num(lo)} to {_num(hi)} {unit}" if lo is not None and hi is not None
                    else f"{_num(lo)}+ {unit}" if lo is not None else f"at most {_num(hi)} {unit}")
        parts.append(text)
    if schema.get("uniqueItems") is True:
        parts.append("unique items")
    return "; ".join(parts) or None


def _first(schema: Mapping[str, Any], *keys: tuple[str, str]) -> tuple[str, str] | tuple[None, None]:
    for key, sign in keys:
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _num(value), sign
    return None, None


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _at(data: Any, path: Iterable[Any]) -> Any:
    node = data
    for part in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _plain_schema(fragment: Mapping[str, Any]) -> Mapping[str, Any]:
    """An unused library entry shown from its fragment: plan keys read as schema keys."""
    schema = {k: v for k, v in fragment.items() if k not in ("pii", "use", "nullable")}
    if fragment.get("pii"):
        schema["x-pii"] = True
    kind = schema.get("type")
    if isinstance(kind, str) and kind not in ("string", "number", "integer", "boolean",
                                              "object", "array", "null"):
        schema["$ref"] = defs_reference(schema.pop("type"))
    items = schema.get("items")
    if isinstance(items, Mapping):
        schema["items"] = _plain_schema(items)
    return schema
