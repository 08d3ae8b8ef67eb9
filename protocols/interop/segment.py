"""Segment tracking plans to plan data, both export formats Typewriter reads.

* Public API v2: ``{"rules": [{"key", "type", "version", "jsonSchema"}, ...]}`` where ``type``
  is TRACK, IDENTIFY, GROUP, PAGE, SCREEN or COMMON.
* Config API v1: ``{"rules": {"events": [{"name", "version", "rules"}], "identify_traits",
  "group_traits"}}``.

A rule's JSON Schema is either the schema of the whole message (``properties.properties`` holds
the event properties, ``properties.traits`` the traits; what Segment's app writes) or directly
the payload schema (what Typewriter's test plan holds). Both are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from protocols.interop.conventions import with_conventions
from protocols.interop.drafts import upgrade
from protocols.interop.errors import InteropError
from protocols.interop.schema2plan import SEGMENT_NOISE, Converter
from protocols.yamlsrc import IGNORE_KEY

# Top-level fields of a Segment message: a rule schema whose properties are only these is a
# whole-message schema, not a payload schema.
MESSAGE_FIELDS = frozenset({
    "context", "traits", "properties", "event", "name", "type", "userId", "anonymousId",
    "groupId", "timestamp", "messageId", "integrations", "sentAt", "receivedAt",
    "originalTimestamp", "channel", "version", "category",
})
_TRIVIAL: tuple[dict[str, Any], ...] = ({}, {"type": "object"})
_SECTIONS = {"TRACK": "events", "PAGE": "pages", "SCREEN": "screens"}
_KINDS = frozenset({*_SECTIONS, "IDENTIFY", "GROUP", "COMMON"})
_ZERO_DATE = "0001-01-01"


def segment_to_plan(data: Mapping[str, Any], *, plan_id: str
                    ) -> tuple[dict[str, Any], list[str]]:
    """Plan-format data (a dict to dump as YAML) and warnings from a Segment export."""
    if not isinstance(data, Mapping):
        raise InteropError("a Segment tracking plan export is a JSON object, "
                           f"not {_json_kind(data)}")
    for _ in range(3):  # API responses wrap the plan: {"data": {"trackingPlan": {...}}}
        if "rules" in data:
            break
        inner = next((data[w] for w in ("data", "trackingPlan", "tracking_plan")
                      if isinstance(data.get(w), Mapping)), None)
        if inner is None:
            break
        data = inner
    rules = data.get("rules")
    plan: dict[str, Any] = {"protocols": 1, "plan": plan_id}
    title = data.get("display_name") or data.get("name")
    description = data.get("description")
    if isinstance(description, str) and description:
        plan["description"] = description
    elif isinstance(title, str) and title:
        plan["description"] = f"Imported from the Segment tracking plan {title!r}."
    importer = _Importer(plan)
    if isinstance(rules, list):
        importer.public_api(rules)
    elif isinstance(rules, Mapping):
        importer.config_api(rules)
    else:
        raise InteropError("not a Segment tracking plan export: expected `rules` as a list "
                           "(Public API v2) or an object with `events` (Config API v1)")
    return with_conventions(importer.finish()), importer.converter.summary()


class _Importer:
    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.converter = Converter()
        self.warnings = self.converter.warnings

    # -- the two formats -----------------------------------------------------------------

    def public_api(self, rules: list[Any]) -> None:
        found: list[tuple[tuple[str, str], int, Mapping[str, Any]]] = []
        singles: dict[str, tuple[int, Any]] = {}
        for index, rule in enumerate(rules):
            if not isinstance(rule, Mapping):
                self.warnings.append(f"rules[{index}]: not an object; skipped")
                continue
            kind = str(rule.get("type") or "TRACK").upper()
            key = rule.get("key")
            if kind not in _KINDS:
                self.warnings.append(f"rules[{index}]: unknown rule type {kind!r}; skipped")
                continue
            if kind in _SECTIONS and not isinstance(key, str):
                self.warnings.append(f"rules[{index}]: a {kind} rule without a `key`; skipped")
                continue
            # identify, group and the common rule are one each, whatever their key says.
            ident = (kind, key if isinstance(key, str) and kind in _SECTIONS else "")
            if kind not in _SECTIONS:
                first = singles.setdefault(kind, (index, key))
                if first[1] != key:
                    raise InteropError(
                        f"rules[{index}]: a second {kind} rule (key {key!r}; the first, "
                        f"rules[{first[0]}], has key {first[1]!r}): a plan has one "
                        f"{kind.lower()}; merge the two in Segment, then import")
            found.append((ident, _version(rule.get("version")), rule))
        for (kind, key), version, rule in self.highest_versions(found):
            schema = rule.get("jsonSchema")
            if schema is None:
                schema = rule.get("json_schema")
            if not isinstance(schema, Mapping):
                self.warnings.append(f"{_label(kind, key)}: `jsonSchema` is not an object; "
                                     "planned with no properties")
                schema = {}
            self.add(kind, key, schema, version=version,
                     deprecated=_is_deprecated(rule.get("deprecatedAt")))

    def highest_versions(self, found: list[tuple[tuple[str, str], int, Mapping[str, Any]]]
                         ) -> list[tuple[tuple[str, str], int, Mapping[str, Any]]]:
        """The highest version of each message, in first-seen order; the rest is reported."""
        chosen: dict[tuple[str, str], tuple[int, Mapping[str, Any]]] = {}
        dropped: dict[tuple[str, str], list[int]] = {}
        for ident, version, rule in found:
            if ident in chosen:
                kept = chosen[ident][0]
                if version == kept and ident[0] not in _SECTIONS:
                    raise InteropError(f"two {_label(*ident)} rules with version {version}: "
                                       "the export is ambiguous; keep one in Segment, then "
                                       "import")
                dropped.setdefault(ident, []).append(min(kept, version))
                if version < kept:
                    continue
            chosen[ident] = (version, rule)
        for ident, versions in dropped.items():
            self.warnings.append(
                f"{_label(*ident)}: kept version {chosen[ident][0]}, dropped version(s) "
                + ", ".join(str(v) for v in sorted(versions)))
        return [(ident, version, rule) for ident, (version, rule) in chosen.items()]

    def config_api(self, rules: Mapping[str, Any]) -> None:
        events = rules.get("events")
        events = [] if events is None else events
        if not isinstance(events, list):
            raise InteropError("Config API v1 export: `rules.events` must be a list")
        found: list[tuple[tuple[str, str], int, Mapping[str, Any]]] = []
        for index, event in enumerate(events):
            if not isinstance(event, Mapping) or not isinstance(event.get("name"), str):
                self.warnings.append(f"rules.events[{index}]: not an event with a `name`; "
                                     "skipped")
                continue
            found.append((("TRACK", event["name"]), _version(event.get("version")), event))
        for (_, name), version, event in self.highest_versions(found):
            schema = event.get("rules")
            schema = dict(schema) if isinstance(schema, Mapping) else {}
            if isinstance(event.get("description"), str) and "description" not in schema:
                schema["description"] = event["description"]
            self.add("TRACK", name, schema, version=version, deprecated=False)
        for kind, field in (("IDENTIFY", "identify_traits"), ("GROUP", "group_traits")):
            traits = rules.get(field)
            if isinstance(traits, Mapping) and traits:
                self.add(kind, "", traits, version=1, deprecated=False)
            elif traits not in (None, [], {}):
                self.warnings.append(f"rules.{field}: not a JSON Schema object; skipped")

    # -- one rule ------------------------------------------------------------------------

    def add(self, kind: str, key: str, schema: Mapping[str, Any], *, version: int,
            deprecated: bool) -> None:
        where = _label(kind, key)
        schema = upgrade(schema)  # Segment writes draft 7
        if kind == "COMMON":
            self.common(schema, where)
            return
        payload_field = "traits" if kind in ("IDENTIFY", "GROUP") else "properties"
        ignore = schema.get(IGNORE_KEY)  # a lint decision on the message (see export)
        schema = {k: v for k, v in schema.items() if k != IGNORE_KEY}
        payload, extras = self.split_message(schema, payload_field, where)
        body: dict[str, Any] = {}
        if isinstance(ignore, list) and ignore:
            body[IGNORE_KEY] = ignore
        description = schema.get("description")
        if isinstance(description, str) and description:
            body["description"] = description
        if deprecated or schema.get("deprecated") is True:
            body["deprecated"] = True
        tags = _tags(schema.get("labels"))
        if tags:
            body["tags"] = tags
        if schema is not payload:
            self.converter.collect_types(schema, where)
        props, keys = self.converter.payload(payload, where)
        body.update(keys)
        body[payload_field] = props
        if extras:
            self.warnings.append(f"{where}: message-level rules on {sorted(extras)} cannot be "
                                 "planned; kept under `x-segment-message` (not enforced)")
            # Its references go the way of raw schema's: a plan holds none to another document.
            body["x-segment-message"] = self.converter._local_refs(extras, where, ())
        if version != 1:
            body["x-segment-version"] = version
        if kind in _SECTIONS:
            self.plan.setdefault(_SECTIONS[kind], {})[key] = body
        else:
            self.plan[kind.lower()] = body

    def common(self, schema: Mapping[str, Any], where: str) -> None:
        payload, extras = self.split_message(schema, "properties", where)
        if schema is not payload:
            self.converter.collect_types(schema, where)
        props, keys = self.converter.payload(payload, where)
        if props:
            self.plan["common"] = {"properties": props}
        if "x-segment-common" in keys:  # payload keywords common properties cannot carry
            extras["properties"] = keys["x-segment-common"]
        if keys.get("additional_properties") == "error":
            extras["properties"] = {**extras.get("properties", {}), "additionalProperties": False}
        if extras:
            self.warnings.append(f"{where}: rules on {sorted(extras)} apply to every message "
                                 "but cannot be planned; kept under `x-segment-common` "
                                 "(not enforced)")
            self.plan["x-segment-common"] = self.converter._local_refs(extras, where, ())

    def split_message(self, schema: Mapping[str, Any], payload_field: str, where: str
                      ) -> tuple[Mapping[str, Any], dict[str, Any]]:
        """The payload schema, and non-trivial rules on the other message fields."""
        props = schema.get("properties")
        # Whole-message form: only message fields, the payload field among them. (A payload
        # with properties named like message fields, and no payload field, stays a payload.)
        whole = (isinstance(props, Mapping) and set(props) <= MESSAGE_FIELDS
                 and isinstance(props.get(payload_field), Mapping))
        if not whole:
            return schema, {}
        assert isinstance(props, Mapping)
        payload = props.get(payload_field)
        payload = payload if isinstance(payload, Mapping) else {}
        extras = {k: v for k, v in props.items() if k != payload_field and v not in _TRIVIAL}
        others = {k: v for k, v in schema.items()
                  if k not in SEGMENT_NOISE and k not in ("type", "properties", "required",
                                                          "description", "deprecated",
                                                          "$defs", "definitions")}
        extras.update(others)
        required = schema.get("required")
        if isinstance(required, list):
            rest = [r for r in required if r != payload_field]
            if rest:
                extras["required"] = rest
            if payload_field in required and not payload.get("required"):
                self.warnings.append(f"{where}: the message must have `{payload_field}` but "
                                     "no property is required; the plan cannot say that")
        return payload, extras

    def finish(self) -> dict[str, Any]:
        if self.converter.types:
            self.plan["types"] = self.converter.types
        order = ["protocols", "plan", "description", "x-segment-common", "types", "common",
                 "events", "identify", "group", "pages", "screens"]
        return {k: self.plan[k] for k in order if k in self.plan}


def _tags(labels: Any) -> list[str]:
    """Segment labels (``{key: value}`` or a list of them) as plan tags ``key:value``."""
    if isinstance(labels, Mapping):
        return [f"{k}:{v}" if v not in (None, "") else str(k) for k, v in labels.items()]
    tags: list[str] = []
    if isinstance(labels, list):
        for item in labels:
            if isinstance(item, Mapping) and "key" in item:
                value = item.get("value")
                tags.append(f"{item['key']}:{value}" if value not in (None, "")
                            else str(item["key"]))
            elif isinstance(item, str):
                tags.append(item)
    return tags


def _version(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return 1


def _is_deprecated(value: Any) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith(_ZERO_DATE)


def _label(kind: str, key: str) -> str:
    if kind == "TRACK":
        return f"event {key!r}"
    if kind in ("PAGE", "SCREEN"):
        return f"{kind.lower()} {key!r}"
    return kind.lower()


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number" if isinstance(value, int | float) else "a value of another kind"
