"""``protocols.Validator``: one message in, its diagnostics out.

Built once per plan and reused for every message. Each spec's schema is compiled on first use
and cached; pickling drops the compiled closures (they do not pickle) and they are rebuilt
lazily, so a validator can be shipped to worker processes or distributed engines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, NamedTuple, TypeVar

from protocols.diagnostics import Diagnostic, Location
from protocols.naming import first_by_key
from protocols.plan.model import SEGMENT_PAGE_PROPERTIES, MessageSpec, Plan
from protocols.validate.check.engine import PathKey, SchemaCheck, SchemaPredicate, compile_checks
from protocols.validate.check.messages import clip, envelope_problems, is_group_id, quoted, shown
from protocols.validate.check.payload import PayloadContext, check_payload
from protocols.validate.check.shape import Shape, compile_shape, name_key, shape_clean, suggest
from protocols.validate.codes import CODES
from protocols.yamlsrc import SourceMap

_UNSEEN: Any = object()
_HINTS_KEPT = 1_024  # (names from a log: bounded)


class Compiled(NamedTuple):
    """What a spec compiles to, once: the schema as a yes/no check and as a check that says
    why, the shape of its names, and the plan locations looked up so far."""

    valid: SchemaPredicate
    check: SchemaCheck
    shape: Shape | None
    located: dict[PathKey, Location]


class Validator:
    """Validates Segment messages against one plan.

    >>> validator = Validator(load_plan("plans/ecommerce.yaml"))
    >>> validator.validate({"type": "track", "event": "order_completed", ...}, line=3)
    [Diagnostic(code='PV301', name='event-name-drift', ...), ...]
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._specs: dict[tuple[str, str | None], Compiled] = {}
        self._events = first_by_key(plan.events)
        self._pages = first_by_key(plan.pages)
        self._screens = first_by_key(plan.screens)
        self._type_sources = _type_sources(plan)
        self._hints: dict[str, Any] = {}  # unplanned event name -> did-you-mean (or None)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_specs"] = {}  # closures do not pickle: rebuilt on first use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def validate(self, message: Mapping[str, Any], *, file: str | None = None,
                 line: int | None = None, column: int | None = None) -> list[Diagnostic]:
        """Every finding about one message (empty when it follows the plan), placed at
        ``file``:``line``:``column`` (where the message starts: a JSON array's element
        starts inside its line; None for a message that is a line of its own)."""
        return self.check(message, file=file, line=line, column=column)[0]

    def check(self, message: Mapping[str, Any], *, file: str | None = None,
              line: int | None = None, column: int | None = None
              ) -> tuple[list[Diagnostic], str | None]:
        """:meth:`validate`, and the name the message is counted under (:meth:`event_of`)."""
        found, event = self._check(message, file, line)
        if column is not None and found:
            found = [replace(d, column=column) for d in found]
        return found, event

    def _check(self, message: Mapping[str, Any], file: str | None, line: int | None
               ) -> tuple[list[Diagnostic], str | None]:
        if not isinstance(message, Mapping):
            return [CODES["PV002"].diagnostic(
                f"a message must be a JSON object, got {shown(message)}", file=file,
                line=line)], None
        event = self.event_of(message)
        try:
            return self._validate(message, event, file, line), event
        except RecursionError:
            return [CODES["PV210"].diagnostic("the message is nested too deeply to check",
                                              file=file, line=line)], event

    def event_of(self, message: Mapping[str, Any]) -> str | None:
        """The name a message is counted under: the planned name when it drifts from one."""
        kind = message.get("type")
        if kind == "track":
            name = message.get("event")
            if not isinstance(name, str) or not name:
                return None
            if name in self.plan.events:
                return name
            return self._events.get(name_key(name)) or clip(name)
        if kind in ("page", "screen"):
            spec = self._named_spec(kind, message.get("name"))
            return spec.label if spec is not None else str(kind)
        return str(kind) if isinstance(kind, str) else None

    def _validate(self, message: Mapping[str, Any], event: str | None, file: str | None,
                  line: int | None) -> list[Diagnostic]:
        kind, found = envelope_problems(message, file=file, line=line)
        if kind is None:
            return found
        spec: MessageSpec | None = None
        if kind == "track":
            spec = self._track_spec(message, file, line, found)
        elif kind in ("page", "screen"):
            spec = self._page_spec(kind, message.get("name"), file, line, found)
        elif kind == "identify":
            spec = self.plan.identify
        elif kind == "group":
            group_id = message.get("groupId")
            if not is_group_id(group_id):
                found.append(CODES["PV102"].diagnostic(
                    "a group message needs groupId, a non-empty string or a number (got "
                    f"{shown(group_id) if 'groupId' in message else 'nothing'})",
                    file=file, line=line, path="groupId", event=event))
            spec = self.plan.group
        if found:
            found = [d if d.event is not None else _with_event(d, event) for d in found]
        if spec is None:
            return found
        if spec.deprecated:
            found.append(CODES["PV208"].diagnostic(
                f"{spec.label} is deprecated in the plan", file=file, line=line,
                path="event" if kind == "track" else None, event=event,
                related=spec.location))
        payload = message.get(spec.payload_field)
        if payload is None:
            payload = {}
        if kind == "page" and type(payload) is dict:
            payload = without_sdk_page_properties(payload, spec)
        valid, check, shape, located = self.compiled(spec)
        if type(payload) is dict and (shape is None or shape_clean(shape, payload)) \
                and valid(payload):
            return found  # the common case: nothing to explain, no context to build
        context = PayloadContext(spec, file, line, event, type_sources=self._type_sources,
                                 located=located)
        found.extend(check_payload(payload, check, shape, context))
        return found

    def _track_spec(self, message: Mapping[str, Any], file: str | None, line: int | None,
                    found: list[Diagnostic]) -> MessageSpec | None:
        name = message.get("event")
        if not isinstance(name, str) or not name.strip():
            what = "no `event`" if "event" not in message else f"`event` {shown(name)}"
            found.append(CODES["PV102"].diagnostic(
                f"{what}: a track message names its event in `event`, a non-empty string",
                file=file, line=line, path="event"))
            return None
        spec = self.plan.events.get(name)
        if spec is not None:
            return spec
        planned = self._events.get(name_key(name))
        if planned is not None:
            spec = self.plan.events[planned]
            found.append(CODES["PV301"].diagnostic(
                f"event {quoted(name)} is spelled {planned!r} in the plan", file=file, line=line,
                path="event", suggestion=planned, event=planned, related=spec.location))
            return spec
        hint = self._hints.get(name, _UNSEEN)
        if hint is _UNSEEN:  # (a did-you-mean compares with every planned name: remembered)
            hint = suggest(name, list(self.plan.events))
            if len(self._hints) < _HINTS_KEPT:
                self._hints[name] = hint
        found.append(CODES["PV103"].diagnostic(
            f"event {quoted(name)} is not in the plan" + (f"; did you mean {hint!r}?" if hint else ""),
            file=file, line=line, path="event", suggestion=hint, event=clip(name)))
        return None

    def _named_spec(self, kind: str, name: Any) -> MessageSpec | None:
        table = self.plan.pages if kind == "page" else self.plan.screens
        if not isinstance(name, str):
            return None
        keys = self._pages if kind == "page" else self._screens
        planned = name if name in table else keys.get(name_key(name))
        return table.get(planned) if planned is not None else None

    def _page_spec(self, kind: str, name: Any, file: str | None, line: int | None,
                   found: list[Diagnostic]) -> MessageSpec | None:
        spec = self._named_spec(kind, name)
        if spec is not None and spec.name != name:
            found.append(CODES["PV301"].diagnostic(
                f"{kind} name {quoted(name)} is spelled {spec.name!r} in the plan", file=file,
                line=line, path="name", suggestion=spec.name, event=spec.label,
                related=spec.location))
        return spec

    def compiled(self, spec: MessageSpec) -> Compiled:
        """What ``spec`` compiles to, built on first use (and again after unpickling)."""
        key = (spec.kind, spec.name)
        compiled = self._specs.get(key)
        if compiled is None:
            compiled = self._specs[key] = _compile(spec)
        return compiled


_T = TypeVar("_T")
_KEPT = 512


def by_schema(build: Callable[[MessageSpec], _T]) -> Callable[[MessageSpec], _T]:
    """``build`` kept by schema object: a program that validates run after run with the same
    plan (one validate_inputs per file, a service...) builds what a schema compiles to once,
    not once a run. The entry keeps its schema alive, so the id cannot be reused while it is
    cached; at most _KEPT are kept."""
    kept: dict[tuple[int, str], tuple[Any, _T]] = {}

    def cached(spec: MessageSpec) -> _T:
        key = (id(spec.schema), spec.additional_properties)
        found = kept.get(key)
        if found is not None and found[0] is spec.schema:
            return found[1]
        value = build(spec)
        if len(kept) >= _KEPT:
            kept.clear()
        kept[key] = (spec.schema, value)
        return value
    return cached


@by_schema
def _compile(spec: MessageSpec) -> Compiled:
    return Compiled(*compile_checks(spec.schema),
                    compile_shape(spec.schema, spec.additional_properties), {})


def _type_sources(plan: Plan) -> dict[str, SourceMap]:
    """The source map of the file that defines each named type (the plan or a library)."""
    found: dict[str, SourceMap] = {}
    for _, data, source in (*plan.imported, ("", plan.data, plan.source)):
        for name in (data.get("types") or {}) if isinstance(data, Mapping) else ():
            found[name] = source
    return found


def _with_event(diagnostic: Diagnostic, event: str | None) -> Diagnostic:
    return replace(diagnostic, event=event)


def without_sdk_page_properties(payload: dict[str, Any], spec: MessageSpec) -> dict[str, Any]:
    """The payload less the page properties Segment's SDKs add by themselves.

    analytics.js fills in path, referrer, search, title and url on every page call, and the
    server SDKs copy the call's name and category into the properties; a plan that does not
    list them should not see them as unplanned. Planned ones are checked as usual.
    """
    planned = spec.schema.get("properties") or {}
    extra = [k for k in payload if k in SEGMENT_PAGE_PROPERTIES and k not in planned]
    if not extra:
        return payload
    return {k: v for k, v in payload.items() if k not in extra}
