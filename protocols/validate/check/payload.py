"""Checks of a payload (properties or traits) against one message spec of the plan.

Two passes. First a walk over the payload and the spec's schema finds what JSON Schema cannot
say well: property names that drift from planned ones (``orderId`` for ``order_id``),
unplanned and deprecated properties. Drifted names are renamed to the planned spelling in a
copy, so the second pass (the schema engine, a black box behind ``compile_validator``)
validates their values and does not also report the planned name as missing. Engine
violations are then turned into coded diagnostics at the names the message really used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity, format_path
from protocols.jsontypes import json_type
from protocols.plan.model import MessageSpec
from protocols.schemarefs import REFERENCE_KEYWORDS, defs_target, local_reference, resolve_local
from protocols.validate.check.engine import SchemaViolation
from protocols.validate.check.fastschema.patterns import pattern_keys
from protocols.validate.check.messages import clip, quoted, shown
from protocols.validate.check.shape import (
    ArrayShape,
    ObjectShape,
    Shape,
    shape_clean,
    suggest,
    value_key,
)
from protocols.validate.codes import CODES
from protocols.yamlsrc import SourceMap

PathKey = tuple[str | int, ...]

_RANGE = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength",
                    "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"})
_KEYWORD_CODES = {"required": "PV201", "type": "PV202", "enum": "PV203", "const": "PV203",
                  "pattern": "PV204", "format": "PV205", **dict.fromkeys(_RANGE, "PV206")}


@dataclass
class PayloadContext:
    """What every diagnostic about one message carries."""

    spec: MessageSpec
    file: str | None
    line: int | None
    event: str | None
    found: list[Diagnostic] = field(default_factory=list)
    # Planned path in the renamed copy -> the key the message really used.
    renames: dict[PathKey, str] = field(default_factory=dict)
    # Objects whose unplanned keys the walk already reported, with their shapes.
    covered: dict[PathKey, ObjectShape] = field(default_factory=dict)
    # Where each named type is written (its file's source map), to point inside types.
    type_sources: Mapping[str, SourceMap] = field(default_factory=dict)
    # Plan locations already looked up for this spec (shared by every message of it).
    located: dict[PathKey, Location] = field(default_factory=dict)

    @property
    def noun(self) -> str:
        return "trait" if self.spec.payload_field == "traits" else "property"

    def path_text(self, path: PathKey) -> str:
        return clip(format_path((self.spec.payload_field, *path)), 400)

    def add(self, code: str, message: str, path: PathKey, schema_path: PathKey, *,
            suggestion: str | None = None, severity: Severity | None = None) -> None:
        self.found.append(CODES[code].diagnostic(
            message, file=self.file, line=self.line, path=self.path_text(path),
            suggestion=suggestion, event=self.event, related=self.locate(schema_path),
            severity=severity))

    def locate(self, schema_path: PathKey) -> Location:
        """The plan location of a rule; inside a named type, where the type writes it."""
        location = self.located.get(schema_path)
        if location is None:
            location = self.located[schema_path] = self._locate(schema_path)
        return location

    def _locate(self, schema_path: PathKey) -> Location:
        _, entered, inside = _follow(self.spec.schema, schema_path)
        source = self.type_sources.get(entered) if entered is not None else None
        if source is not None:
            return source.key_location(("types", str(entered), *inside))
        return self.spec.locate(schema_path)

    def original(self, path: PathKey) -> PathKey:
        """A path in the renamed copy, spelled as in the message."""
        parts = list(path)
        for end in range(1, len(path) + 1):
            sent = self.renames.get(tuple(path[:end]))
            if sent is not None:
                parts[end - 1] = sent
        return tuple(parts)


def walk(value: Any, shape: Shape | None, path: PathKey, ctx: PayloadContext) -> Any:
    """Report drifted, unplanned and deprecated names; return the value with names fixed
    (the value itself when nothing changed)."""
    kind = type(value)
    if kind is dict:
        return _walk_object(value, shape, path, ctx) if type(shape) is ObjectShape else value
    if kind is list and type(shape) is ArrayShape and shape.items is not None:
        changed, fixed = False, []
        for index, element in enumerate(value):
            new = walk(element, shape.items, (*path, index), ctx)
            changed = changed or new is not element
            fixed.append(new)
        return fixed if changed else value
    return value


def _walk_object(value: dict[str, Any], shape: ObjectShape, path: PathKey,
                 ctx: PayloadContext) -> dict[str, Any]:
    ctx.covered[path] = shape
    children = shape.children
    fixed: dict[str, Any] | None = None  # a copy, made at the first change
    for index, (key, child) in enumerate(value.items()):
        entry = children.get(key)
        name = key
        if entry is None:
            match = shape.planned_spelling(key)
            if match is None or match in value:
                report = _unplanned(shape, key, ctx)
                if report is not None:
                    ctx.add("PV207", report[0], (*path, key), (*shape.schema_path, "properties"),
                            suggestion=report[1], severity=shape.unplanned)
                if fixed is not None:
                    fixed[key] = child
                continue
            entry, name = children[match], match
            ctx.add("PV302", f"{ctx.noun} {quoted(key)} is spelled {match!r} in the plan",
                    (*path, key), entry.schema_path, suggestion=match)
            ctx.renames[(*path, match)] = key
        if entry.deprecated:
            ctx.add("PV209", f"{ctx.noun} {quoted(key)} is deprecated in the plan", (*path, key),
                    entry.schema_path)
        new = walk(child, entry.shape, (*path, name), ctx) if entry.shape is not None else child
        if fixed is None and (name != key or new is not child):
            fixed = dict(list(value.items())[:index])
        if fixed is not None:
            fixed[name] = new
    return value if fixed is None else fixed


def _unplanned(shape: ObjectShape, key: str, ctx: PayloadContext
               ) -> tuple[str, str | None] | None:
    """The message and hint about an unplanned name, or None when it is allowed. The same
    unplanned names come in message after message: the answer is remembered per level."""
    if key in shape.unplanned_seen:
        return shape.unplanned_seen[key]
    report: tuple[str, str | None] | None = None
    # A name a patternProperties key could not decide is not called unplanned: the engine
    # reports it as not checked against that key (PV204), with the reason.
    if shape.unplanned is not None and \
            pattern_keys(shape.patterns).verdict(key) is False:
        hint = shape.hint(key)
        report = (f"{ctx.noun} {quoted(key)} is not in the plan"
                  + (f"; did you mean {hint!r}?" if hint else ""), hint)
    if len(shape.unplanned_seen) < _REMEMBERED and len(key) <= _REMEMBERED_LENGTH:
        shape.unplanned_seen[key] = report
    return report


_REMEMBERED = 1_024
_REMEMBERED_LENGTH = 256


def schema_at(schema: Mapping[str, Any], schema_path: PathKey) -> Any:
    """The schema node at an engine schema path (None when the path leads nowhere)."""
    return _follow(schema, schema_path)[0]


def _follow(schema: Mapping[str, Any], schema_path: PathKey
            ) -> tuple[Any, str | None, PathKey]:
    """Walk a schema path, following ``$ref`` whether or not the path names it (engines
    differ). Returns the node, the last named type entered, and the path inside that type."""
    node: Any = schema
    entered: str | None = None
    inside: list[str | int] = []
    for part in schema_path:
        keyword = part if part in REFERENCE_KEYWORDS else "$ref"
        if part in REFERENCE_KEYWORDS or (isinstance(node, Mapping) and part not in node
                                          and isinstance(node.get("$ref"), str)):
            ref = node.get(keyword) if isinstance(node, Mapping) else None
            target = resolve_local(schema, ref)
            if target is None:
                return None, entered, tuple(inside)
            into = defs_target(ref)
            # (inside a type, the rule is where the type writes it; "#" is the payload's own)
            entered, inside = (into[0] if into is not None else None), []
            inside.extend(into[1] if into is not None else ())
            node = target
            if part in REFERENCE_KEYWORDS:
                continue
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if (isinstance(node, Mapping) and part in node) or in_list:
            node = node[part]
            inside.append(part)
        else:
            return None, entered, tuple(inside)
    return node, entered, tuple(inside)


def report_violations(violations: list[SchemaViolation], ctx: PayloadContext) -> None:
    for violation in violations:
        _report(violation, ctx)


def _report(violation: SchemaViolation, ctx: PayloadContext) -> None:
    keyword = violation.keyword
    path = ctx.original(violation.instance_path)
    schema_path = violation.schema_path
    owner = schema_at(ctx.spec.schema, schema_path[:-1]) if schema_path else None
    rule = _keyword_of(ctx.spec.schema, owner, keyword)
    value = violation.value
    where = ctx.path_text(path)
    if keyword == "additionalProperties":
        names = violation.detail if isinstance(violation.detail, list) else []
        level = ctx.covered.get(violation.instance_path)
        if level is not None and owner is level.schema:
            # The walk reported each name this level's own keyword refuses already, but for
            # names planned only in place (under allOf...), which it refuses all the same.
            # (The keyword of a schema applied in place, `allOf: [{additionalProperties:
            # false, ...}]`, refuses by its own properties: the walk reported none of those.)
            names = [name for name in names if name in level.in_place]
        for name in names:
            ctx.add("PV207", f"{ctx.noun} {quoted(str(name))} is not allowed here", (*path, name),
                    schema_path[:-1], severity=Severity.ERROR)
        return
    if keyword == "required":
        name = violation.detail if isinstance(violation.detail, str) else None
        if name is None:
            ctx.add("PV201", _clip(f"{where}: {violation.message}"), path, schema_path)
            return
        inside = f" in {where}" if path else ""
        ctx.add("PV201", f"required {ctx.noun} {name!r} is missing{inside}", (*path, name),
                (*schema_path[:-1], "properties", name))
        return
    code = _KEYWORD_CODES.get(keyword, "PV210")
    if keyword == "type":
        expected = rule if rule is not None else violation.detail
        wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
        message = f"{where} should be {_article(wanted)}, got {json_type(value, numbers='exact')} {shown(value)}"
    elif keyword == "enum" and isinstance(rule, list):
        drift = _enum_drift(value, rule)
        if drift is not None:
            ctx.add("PV303", f"{where} is {shown(value)}; the plan spells it {shown(drift)}",
                    path, schema_path, suggestion=drift)
            return
        hint = suggest(value, [v for v in rule if isinstance(v, str)]) if isinstance(
            value, str) else None
        message = (f"{where} is {shown(value)}, not one of "
                   f"{', '.join(shown(v, 30) for v in rule[:12])}{', ...' if len(rule) > 12 else ''}")
        ctx.add(code, message, path, schema_path, suggestion=hint)
        return
    elif keyword == "const":
        drift = _enum_drift(value, [rule])
        if drift is not None:
            ctx.add("PV303", f"{where} is {shown(value)}; the plan spells it {shown(drift)}",
                    path, schema_path, suggestion=drift)
            return
        message = f"{where} must be {shown(rule)}, got {shown(value)}"
    elif keyword == "patternProperties" and violation.detail == "unchecked" and path \
            and len(schema_path) >= 2 and schema_path[-2] == "patternProperties":
        # A name a key could not be searched against: whether the key's rules apply to it
        # (and so whether it is planned) is not known.
        pattern, name = schema_path[-1], str(violation.instance_path[-1])
        why = violation.message.rpartition(f"{pattern!r}: ")[2] or "its search was stopped"
        holder = schema_at(ctx.spec.schema, schema_path[:-2])
        decided = isinstance(holder, Mapping) and pattern_keys(
            holder.get("patternProperties")).decides(name, holder.get("properties") or {})
        found = ("its value was not checked against that pattern's rules" if decided else
                 "whether it is planned is not known, and its value was not checked")
        message = (f"{ctx.noun} {quoted(str(path[-1]))} was not checked against the "
                   f"patternProperties pattern {shown(pattern)}: {why}; {found}")
        code = "PV204"
    elif keyword == "pattern" and violation.detail == "unchecked":
        # The search was stopped (or never run): say so, never claim a mismatch.
        why = violation.message.rpartition(f"{rule!r}: ")[2] or "its search was stopped"
        message = f"{where} {shown(value)} was not checked against the pattern {shown(rule)}: {why}"
    elif keyword == "pattern":
        message = f"{where} {shown(value)} does not match the pattern {shown(rule)}"
    elif keyword == "format":
        message = f"{where} {shown(value)} is not a valid {rule or 'value of its format'}"
    else:
        message = _clip(f"{where}: {violation.message}")
    ctx.add(code, message, path, schema_path)


def _keyword_of(schema: Mapping[str, Any], owner: Any, keyword: str) -> Any:
    """The value of ``keyword`` in ``owner``, following a ``$ref`` to a named type when the
    engine's path stops at the referring node (``{$ref: "#/$defs/Code"}``) rather than naming
    the reference; a chain of references is followed a bounded number of steps."""
    for _ in range(16):
        if not isinstance(owner, Mapping):
            return None
        if keyword in owner:
            return owner[keyword]
        owner = resolve_local(schema, local_reference(owner))
    return None


def _enum_drift(value: Any, allowed: list[Any]) -> str | None:
    if not isinstance(value, str):
        return None
    key = value_key(value)
    for candidate in allowed:
        if isinstance(candidate, str) and candidate != value and value_key(candidate) == key:
            return candidate
    return None


def _article(type_name: str) -> str:
    first = type_name.split(" ")[0]
    return f"an {type_name}" if first in ("array", "object", "integer") else f"a {type_name}"


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


PayloadCheck = Callable[[Any], list[SchemaViolation]]


def check_payload(payload: Any, check: PayloadCheck, shape: Shape | None,
                  ctx: PayloadContext) -> list[Diagnostic]:
    """Every finding about one payload, in the order: names first, then values."""
    if not isinstance(payload, dict):
        ctx.add("PV202", f"{ctx.spec.payload_field} should be an object, got "
                f"{json_type(payload, numbers='exact')} {shown(payload)}", (), ())
        return ctx.found
    if shape is None or shape_clean(shape, payload):
        # Nothing to rename or report by name, so the engine sees the payload as sent. The
        # walk still runs when the engine objects: it marks what it covered.
        violations = check(payload)
        if violations:
            walk(payload, shape, (), ctx)
            report_violations(violations, ctx)
        return ctx.found
    fixed = walk(payload, shape, (), ctx)
    report_violations(check(fixed), ctx)
    return ctx.found

