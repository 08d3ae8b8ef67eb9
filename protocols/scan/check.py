"""Checking each tracking call against the plan: its name, then its literal payload.

A call's name is resolved first (a literal, a constant, an enum member); one that cannot be
resolved is PS101, never dropped. A resolved name is the planned one, a drifted spelling of
it (PS103, the planned name as suggestion), or unplanned (PS102). The payload is checked
only as far as it is written in the call: keys against the planned properties (PS201,
PS202), literal values against their type and enum (PS203, PS204), and required keys when
the literal is complete (PS205). Name checks reuse validate's compiled payload shapes, so a
key is unplanned or drifting for scan exactly when it would be for validate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from protocols.diagnostics import Diagnostic, Severity, format_path
from protocols.jsontypes import json_type
from protocols.naming import collision_key, first_by_key, normalized_value
from protocols.plan.model import SEGMENT_PAGE_PROPERTIES, MessageSpec, Plan
from protocols.scan.codes import CODES
from protocols.scan.model import Arr, CallSite, FileFacts, Lit, Obj, Opaque, Ref, Value
from protocols.scan.resolve import Resolver
from protocols.validate.check.shape import (
    ArrayShape,
    ObjectShape,
    Shape,
    compile_shape,
    resolve,
    suggest,
)

# How deep a payload is checked (objects and arrays, constants followed): deeper than a
# plan's YAML may nest (64), so only a plan whose schema refers to itself reaches it; what
# lies deeper is then a PS004 finding, once per call.
MAX_PAYLOAD_DEPTH = 64


@dataclass(frozen=True)
class Sent:
    """A call that sends a planned message (or tries to), for the coverage report."""

    file: str
    line: int
    column: int
    form: str
    label: str  # the planned label, or the name as written for unplanned events
    planned: bool
    exact: bool  # False: a drifted spelling of the planned name


@dataclass
class CheckResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)
    wrapper_definitions: int = 0
    generated_definitions: int = 0
    unresolved: int = 0


class Checker:
    def __init__(self, plan: Plan, resolver: Resolver, wrapper_names: frozenset[str]) -> None:
        self.plan = plan
        self.resolver = resolver
        self.wrapper_names = wrapper_names
        self._events = first_by_key(plan.events)
        self._pages = first_by_key(plan.pages)
        self._screens = first_by_key(plan.screens)
        self._shapes: dict[tuple[str, str | None], Shape | None] = {}

    def check_file(self, facts: FileFacts, result: CheckResult) -> None:
        for call in facts.calls:
            if facts.generated:
                result.generated_definitions += 1  # the client's own SDK calls: definitions
                continue
            self.check_call(facts, call, result)

    # -- names -------------------------------------------------------------------------------

    def check_call(self, facts: FileFacts, call: CallSite, result: CheckResult) -> None:
        name: str | None = None
        if call.name is not None:
            resolved = self.resolver.resolve(facts, call.name)
            if isinstance(resolved, Lit) and isinstance(resolved.value, str):
                name = resolved.value
            else:
                if self._inside_wrapper(call):
                    result.wrapper_definitions += 1
                    return
                result.unresolved += 1
                result.diagnostics.append(self._unresolved(facts, call, resolved))
                return
        elif call.kind == "track":
            result.unresolved += 1
            result.diagnostics.append(CODES["PS101"].diagnostic(
                f"{call.callee}: no event name in this call", file=facts.path,
                line=call.line, column=call.column))
            return
        spec = self._spec(facts, call, name, result)
        if spec is None:
            return
        if spec.deprecated:
            result.diagnostics.append(CODES["PS104"].diagnostic(
                f"{spec.label} is deprecated in the plan", file=facts.path, line=call.line,
                column=call.column, event=spec.label, related=spec.location))
        if call.payload is not None:
            self._payload(facts, call, spec, result)

    def _inside_wrapper(self, call: CallSite) -> bool:
        """An SDK call whose name is a parameter of a configured wrapper: the wrapper's own
        body, checked at each of its call sites instead."""
        return (call.form == "sdk" and isinstance(call.name, Ref) and len(call.name.parts) == 1
                and call.name.parts[0] in call.params and call.function in self.wrapper_names)

    def _unresolved(self, facts: FileFacts, call: CallSite, value: Value) -> Diagnostic:
        what = "event name" if call.kind == "track" else f"{call.kind} name"
        why = value.why if isinstance(value, Opaque) else "not a string"
        message = f"{call.callee}: the {what} cannot be resolved: {why}"
        if isinstance(call.name, Ref) and len(call.name.parts) == 1 \
                and call.name.parts[0] in call.params and call.function:
            message = (f"{call.callee}: the {what} is the parameter `{call.name.parts[0]}` of "
                       f"{call.function}(); declare {call.function} as a wrapper "
                       "([tool.protocols.scan] wrappers) to check its callers")
        line = call.name.line if call.name is not None else call.line
        column = call.name.column if call.name is not None else call.column
        return CODES["PS101"].diagnostic(message, file=facts.path, line=line, column=column)

    def _spec(self, facts: FileFacts, call: CallSite, name: str | None,
              result: CheckResult) -> MessageSpec | None:
        plan = self.plan
        where = (call.name.line, call.name.column) if call.name is not None else (
            call.line, call.column)
        if call.kind == "identify" or call.kind == "group":
            spec = plan.identify if call.kind == "identify" else plan.group
            if spec is not None:
                result.sent.append(Sent(facts.path, call.line, call.column, call.form,
                                        spec.label, True, True))
            return spec
        if name is None:
            return None  # a page or screen without a name: nothing planned to hold it to
        table = plan.events if call.kind == "track" else (
            plan.pages if call.kind == "page" else plan.screens)
        keys = self._events if call.kind == "track" else (
            self._pages if call.kind == "page" else self._screens)
        spec = table.get(name)
        if spec is not None:
            result.sent.append(Sent(facts.path, call.line, call.column, call.form, spec.label,
                                    True, True))
            return spec
        planned = keys.get(collision_key(name))
        what = "event" if call.kind == "track" else f"{call.kind} name"
        if planned is not None:
            spec = table[planned]
            result.sent.append(Sent(facts.path, call.line, call.column, call.form, spec.label,
                                    True, False))
            result.diagnostics.append(CODES["PS103"].diagnostic(
                f"{what} {name!r} is spelled {planned!r} in the plan", file=facts.path,
                line=where[0], column=where[1], suggestion=planned, event=spec.label,
                related=spec.location))
            return spec
        if call.kind != "track":
            return None  # pages and screens need not be planned (as in validate)
        hint = suggest(name, list(plan.events))
        result.sent.append(Sent(facts.path, call.line, call.column, call.form, name, False,
                                True))
        result.diagnostics.append(CODES["PS102"].diagnostic(
            f"event {name!r} is not in the plan" + (f"; did you mean {hint!r}?" if hint else ""),
            file=facts.path, line=where[0], column=where[1], suggestion=hint, event=name,
            related=plan.source.key_location(("events",))))
        return None

    # -- payloads ---------------------------------------------------------------------------

    def _shape(self, spec: MessageSpec) -> Shape | None:
        key = (spec.kind, spec.name)
        if key not in self._shapes:
            self._shapes[key] = compile_shape(spec.schema, spec.additional_properties)
        return self._shapes[key]

    def _payload(self, facts: FileFacts, call: CallSite, spec: MessageSpec,
                 result: CheckResult) -> None:
        payload = self.resolver.resolve(facts, call.payload) if isinstance(
            call.payload, Ref) else call.payload
        if not isinstance(payload, Obj):
            return  # built elsewhere: nothing written here to check
        shape = self._shape(spec)
        context = _Context(self, facts, spec, result)
        context.object(payload, shape if isinstance(shape, ObjectShape) else None, spec.schema,
                       (spec.payload_field,), payload, 0)


@dataclass
class _Context:
    checker: Checker
    facts: FileFacts
    spec: MessageSpec
    result: CheckResult
    too_deep: bool = False

    @property
    def defs(self) -> Mapping[str, Any]:
        defs = self.spec.schema.get("$defs")
        return defs if isinstance(defs, Mapping) else {}

    def add(self, code: str, message: str, at: Value | CallSite, path: tuple[str | int, ...],
            *, schema_path: tuple[str | int, ...] = (), suggestion: str | None = None,
            severity: Severity | None = None) -> None:
        self.result.diagnostics.append(CODES[code].diagnostic(
            message, file=self.facts.path, line=at.line, column=at.column,
            path=format_path(path), suggestion=suggestion, event=self.spec.label,
            related=self.spec.locate(schema_path), severity=severity))

    def key(self, value: Value) -> str | None:
        found = self.checker.resolver.resolve(self.facts, value) if isinstance(value, Ref) \
            else value
        return found.value if isinstance(found, Lit) and isinstance(found.value, str) else None

    def deeper_than_checked(self, at: Value, path: tuple[str | int, ...], depth: int) -> bool:
        if depth <= MAX_PAYLOAD_DEPTH:
            return False
        if not self.too_deep:
            self.too_deep = True
            self.add("PS004", f"{format_path(path)}: a payload nested more than "
                     f"{MAX_PAYLOAD_DEPTH} levels deep (constants followed) is not checked "
                     "further", at, path)
        return True

    def object(self, payload: Obj, shape: ObjectShape | None, schema: Mapping[str, Any],
               path: tuple[str | int, ...], at: Value | CallSite, depth: int) -> None:
        if shape is None or self.deeper_than_checked(payload, path, depth):
            return
        present: set[str] = set()
        complete = payload.closed
        page = self.spec.kind == "page" and depth == 0
        for entry in payload.entries:
            key = self.key(entry.key)
            if key is None:
                complete = False
                continue
            child = shape.children.get(key)
            where = (*path, key)
            if child is None:
                planned = shape.planned_spelling(key)
                if planned is not None:
                    present.add(planned)
                    self.add("PS202", f"{format_path(where)}: {key!r} is spelled {planned!r} in "
                             "the plan", entry.key, where, suggestion=planned,
                             schema_path=(*shape.schema_path, "properties", planned))
                    child = shape.children[planned]
                    key = planned
                elif page and key in SEGMENT_PAGE_PROPERTIES:
                    continue
                else:
                    if shape.unplanned is not None:
                        hint = shape.hint(key)
                        self.add("PS201", f"{format_path(where)}: {key!r} is not in the plan"
                                 + (f"; did you mean {hint!r}?" if hint else ""), entry.key,
                                 where, suggestion=hint, schema_path=shape.schema_path,
                                 severity=shape.unplanned)
                    continue
            present.add(key)
            if child.deprecated:
                self.add("PS206", f"{format_path(where)} is deprecated in the plan", entry.key,
                         where, schema_path=child.schema_path)
            sub = resolve(_properties(shape.schema).get(key), self.defs)
            self.value(entry.value, child.shape, sub, where, child.schema_path, depth)
        if complete:
            for name in _required(shape.schema):
                if name not in present:
                    self.add("PS205", f"{format_path(path)}: required property {name!r} is "
                             "missing", at, path, schema_path=(*shape.schema_path, "properties",
                                                               name))

    def value(self, value: Value, shape: Shape | None, schema: Mapping[str, Any],
              path: tuple[str | int, ...], schema_path: tuple[str | int, ...],
              depth: int) -> None:
        if isinstance(value, Ref):
            value = self.checker.resolver.resolve(self.facts, value)
        if isinstance(value, Opaque | Ref) or not schema:
            return
        if isinstance(value, Obj):
            if not self._type_ok("object", schema):
                self._wrong_type(value, "an object", schema, path, schema_path)
                return
            self.object(value, shape if isinstance(shape, ObjectShape) else None, schema, path,
                        value, depth + 1)
            return
        if isinstance(value, Arr):
            if self.deeper_than_checked(value, path, depth + 1):
                return
            if not self._type_ok("array", schema):
                self._wrong_type(value, "an array", schema, path, schema_path)
                return
            items = resolve(schema.get("items"), self.defs)
            item_shape = shape.items if isinstance(shape, ArrayShape) else None
            for index, item in enumerate(value.items):
                self.value(item, item_shape, items, (*path, index), (*schema_path, "items"),
                           depth + 1)
            return
        kind = json_type(value.value, numbers="exact")
        if not self._type_ok(kind, schema):
            self._wrong_type(value, f"{kind} {value.value!r}", schema, path, schema_path)
            return
        allowed = schema.get("enum")
        if "const" in schema:
            allowed = [schema["const"]]
        if isinstance(allowed, list) and not any(_same(value.value, a) for a in allowed):
            hint = None
            if isinstance(value.value, str):
                wanted = normalized_value(value.value)
                hint = next((a for a in allowed if isinstance(a, str)
                             and normalized_value(a) == wanted), None)
            shown = ", ".join(repr(a) for a in allowed[:10]) + (", ..." if len(allowed) > 10
                                                                 else "")
            self.add("PS204", f"{format_path(path)}: {value.value!r} is not one of {shown}"
                     + (f"; did you mean {hint!r}?" if hint else ""), value, path,
                     schema_path=schema_path, suggestion=hint)

    def _types(self, schema: Mapping[str, Any]) -> set[str] | None:
        """The JSON types a schema allows, or None when it does not say (or says too much)."""
        declared = schema.get("type")
        if isinstance(declared, str):
            return {declared}
        if isinstance(declared, list) and all(isinstance(t, str) for t in declared):
            return set(declared)
        for keyword in ("anyOf", "oneOf"):
            members = schema.get(keyword)
            if isinstance(members, list) and members:
                union: set[str] = set()
                for member in members:
                    types = self._types(resolve(member, self.defs))
                    if types is None:
                        return None
                    union |= types
                return union
        if isinstance(schema.get("enum"), list) or "const" in schema:
            values = schema["enum"] if "enum" in schema else [schema["const"]]
            return {json_type(v, numbers="exact") for v in values} | (
                {"number"} if any(json_type(v) == "integer" for v in values) else set())
        return None

    def _type_ok(self, kind: str, schema: Mapping[str, Any]) -> bool:
        types = self._types(schema)
        if types is None:
            return True
        if kind == "integer" and "number" in types:
            return True
        if kind == "number" and "integer" in types:
            return False
        return kind in types

    def _wrong_type(self, value: Value, shown: str, schema: Mapping[str, Any],
                    path: tuple[str | int, ...], schema_path: tuple[str | int, ...]) -> None:
        expected = " or ".join(sorted(self._types(schema) or ()))
        self.add("PS203", f"{format_path(path)}: expected {expected}, got {shown}", value, path,
                 schema_path=schema_path)


def _same(a: Any, b: Any) -> bool:
    """JSON equality: 1 == 1.0, but true is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b) and (a is None) == (b is None)


def _properties(schema: Mapping[str, Any]) -> Mapping[str, Any]:
    found = schema.get("properties")
    return found if isinstance(found, Mapping) else {}


def _required(schema: Mapping[str, Any]) -> list[str]:
    found = schema.get("required")
    return [r for r in found if isinstance(r, str)] if isinstance(found, list) else []
