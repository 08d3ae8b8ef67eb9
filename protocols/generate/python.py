"""The Python target: TypedDicts and a client class wrapping segment-analytics-python.

Type mapping: string -> str, number -> float, integer -> int, boolean -> bool, null -> None,
enums -> ``Literal[...]``, arrays -> ``list[T]``, free-form objects -> ``dict[str, T]``,
planned objects -> ``TypedDict`` (optional keys ``NotRequired``), anything else -> ``Any``.
Keys stay the planned wire names: class syntax when every key is a plain identifier, the
functional ``TypedDict("Name", {...})`` form otherwise.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Mapping
from typing import Any

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.escape import comment_text, py_doc, py_str
from protocols.generate.model import (
    ArrayType,
    Call,
    ClientModel,
    Field,
    LiteralType,
    MapType,
    ObjectType,
    PrimitiveType,
    RefType,
    TypeExpr,
    UnionType,
    strip_annotations,
)
from protocols.generate.names import NamingPolicy, call_methods, client_names
from protocols.generate.python_templates import CHECK, CLIENT_HEAD, PRELUDE, VALIDATION_HELPERS
from protocols.generate.safety import UNANCHORED_MAX_LENGTH, capped_patterns
from protocols.naming import CaseStyle

FILE_NAME = "__init__.py"

# Names the generated module defines or imports: no plan name may shadow them.
MODULE_NAMES = frozenset({
    "annotations", "importlib", "logging", "re", "Callable", "Iterator", "Mapping",
    "dataclass", "datetime",
    "Any", "Literal", "NotRequired", "Protocol", "TypeAlias", "TypedDict", "PLAN_ID",
    "PLAN_VERSION", "AnalyticsClient", "Violation", "ViolationHandler", "log_violation",
    "ProtocolsClient",
})
_LANGUAGE = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins))
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, _LANGUAGE | MODULE_NAMES, "Type")
METHOD_NAMES = NamingPolicy(CaseStyle.SNAKE, _LANGUAGE | MODULE_NAMES, "event")

_PRIMITIVES = {"string": "str", "number": "float", "integer": "int", "boolean": "bool",
               "null": "None"}
# The SDK's optional arguments every generated method passes through.
_SDK_ARGS = (
    ("user_id", "str | None"),
    ("anonymous_id", "str | None"),
    ("context", "Mapping[str, Any] | None"),
    ("timestamp", "datetime | None"),
    ("integrations", "Mapping[str, Any] | None"),
    ("message_id", "str | None"),
)




class _Emitter:
    def __init__(self, model: ClientModel, *, runtime_validation: bool, tool_version: str) -> None:
        self.model = model
        self.runtime_validation = runtime_validation
        self.tool_version = tool_version
        objects = model.objects()
        self.objects = {obj.key: obj for obj in objects}
        self.type_names, self.method_names = client_names(model, objects, TYPE_NAMES,
                                                          METHOD_NAMES)
        self.typing_used: set[str] = {"Any", "Protocol"}  # what the typing import must name

    # -- types ---------------------------------------------------------------------------

    def expr(self, node: TypeExpr) -> str:
        if isinstance(node, PrimitiveType):
            return _PRIMITIVES[node.kind]
        if isinstance(node, LiteralType):
            self.typing_used.add("Literal")
            return "Literal[" + ", ".join(_literal(v) for v in node.values) + "]"
        if isinstance(node, ArrayType):
            return f"list[{self.expr(node.items)}]"
        if isinstance(node, MapType):
            return f"dict[str, {self.expr(node.values)}]"
        if isinstance(node, ObjectType):
            return self.type_names[node.key]
        if isinstance(node, RefType):
            return self.type_names.get(("type", node.name), "Any")
        if isinstance(node, UnionType):
            return " | ".join(self.expr(m) for m in node.members)
        return "Any"

    def definitions(self) -> list[str]:
        """Every TypedDict and alias, dependencies first (functional forms run at import)."""
        done: set[tuple[str, ...]] = set()
        defined: set[tuple[str, ...]] = set()
        out: list[str] = []

        def visit(key: tuple[str, ...]) -> None:
            if key in done:
                return
            done.add(key)
            node = self.objects.get(key) if key[0] != "type" else self.model.named_types[key[1]]
            if node is None:
                return
            deps = _dependencies(node)
            for dep in deps:
                visit(dep)
            # A cycle (a recursive type) leaves a dependency undefined at this point: the
            # forms evaluated at import then take the annotation as a string (a forward ref).
            forward = any(dep not in defined for dep in deps)
            if isinstance(node, ObjectType) and node.key == key:
                out.extend(self.typed_dict(node, forward=forward))
            else:
                self.typing_used.add("TypeAlias")
                value = self.expr(node)
                out.extend([f"{self.type_names[key]}: TypeAlias = "
                            f"{py_str(value) if forward else value}", "", ""])
            defined.add(key)

        for name in self.model.named_types:
            visit(("type", name))
        for obj_key in self.objects:
            visit(obj_key)
        return out

    def typed_dict(self, obj: ObjectType, *, forward: bool = False) -> list[str]:
        name = self.type_names[obj.key]
        if obj.free_form:
            self.typing_used.add("TypeAlias")
            return [f"{name}: TypeAlias = dict[str, Any]", "", ""]
        self.typing_used.add("TypedDict")
        if any(not f.required for f in obj.fields):
            self.typing_used.add("NotRequired")
        plain = all(_plain_key(f.wire_name) for f in obj.fields)
        fields: list[tuple[Field, str]] = []
        for item in obj.fields:
            value = self.expr(item.type)
            if forward and not plain:  # NotRequired stays outside: it must be seen at runtime
                value = py_str(value)
            fields.append((item, value if item.required else f"NotRequired[{value}]"))
        if plain:
            lines = [f"class {name}(TypedDict):"]
            if obj.description:
                lines.append(f'    """{py_doc(obj.description)}"""')
            for item, annotation in fields:
                lines.append(f"    {item.wire_name}: {annotation}")
                doc = _field_doc(item)
                if doc:
                    lines.append(f'    """{py_doc(doc)}"""')
            if len(lines) == 1:
                lines.append("    pass")
            return [*lines, "", ""]
        lines = [f"{name} = TypedDict({py_str(name)}, {{"]
        for item, annotation in fields:
            doc = _field_doc(item)
            if doc:
                lines.append(f"    # {comment_text(doc)}")
            lines.append(f"    {py_str(item.wire_name)}: {annotation},")
        return [*lines, "})", "", ""]

    # -- calls ---------------------------------------------------------------------------

    def method(self, call: Call) -> list[str]:
        name = self.method_names[call.sort_key]
        payload_type = self.type_names[call.payload.key]
        payload_arg = "traits" if call.kind in ("identify", "group") else "properties"
        has_required = any(f.required for f in call.payload.fields)
        params = ["self"]
        if call.kind == "group":
            params.append("group_id: str")
        params.append(f"{payload_arg}: {payload_type}" if has_required
                      else f"{payload_arg}: {payload_type} | None = None")
        params.append("*")
        if call.kind in ("page", "screen"):
            params.append("category: str | None = None")
        params.extend(f"{arg}: {annotation} = None" for arg, annotation in _SDK_ARGS)
        lines = [f"    def {name}(", *(f"        {p}," for p in params), "    ) -> None:"]
        doc = [py_doc(call.description)] if call.description else []
        doc.append(py_doc(_sends(call)))
        if call.deprecated:
            doc.append("Deprecated in the plan.")
        lines.append(f'        """{doc[0]}')
        for paragraph in doc[1:]:
            lines.extend(["", f"        {paragraph}"])
        lines.append('        """')
        lines.append(f"        payload: dict[str, Any] = dict({payload_arg} or {{}})")
        wire = py_str(call.wire_name) if call.wire_name is not None else "None"
        if self.runtime_validation:
            lines.append(f"        self._check({py_str(call.kind)}, {wire}, payload)")
        sdk = ["user_id=user_id", "anonymous_id=anonymous_id"]
        if call.kind == "track":
            sdk.append(f"event={wire}")
        if call.kind == "group":
            sdk.append("group_id=group_id")
        if call.kind in ("page", "screen"):
            sdk.extend(["category=category", f"name={wire}"])
        sdk.extend([f"{payload_arg}=payload", "context=self._context(context)",
                    "timestamp=timestamp", "integrations=dict(integrations or {})",
                    "message_id=message_id"])
        lines.append(f"        self._client.{call.kind}(")
        lines.extend(f"            {arg}," for arg in sdk)
        lines.extend(["        )", ""])
        return lines

    def render(self) -> str:
        model = self.model
        version = model.plan_version
        header = [
            "# " + provenance(model, tool_version=self.tool_version, quote=repr),
            "# Do not edit: change the plan and run `protocols generate` again.",
        ]
        doc = f"Typed tracking calls for the plan {model.plan_id!r}."
        if model.plan_description:
            doc += "\n\n" + model.plan_description
        parts = [*header, f'"""{py_doc(doc)}\n"""', "", "from __future__ import annotations", ""]
        if self.runtime_validation:
            parts.append("import importlib")
        parts.append("import logging")
        if self.runtime_validation:
            parts.append("import re")
        parts.extend([
            "from collections.abc import Callable, Iterator, Mapping" if self.runtime_validation
            else "from collections.abc import Callable, Mapping",
            "from dataclasses import dataclass",
            "from datetime import datetime",
            _TYPING_SLOT,
            "",
            f"PLAN_ID = {py_str(model.plan_id)}",
            f"PLAN_VERSION: str | None = {py_str(version) if version is not None else 'None'}",
            "",
            PRELUDE,
            "",
            "",
        ])
        parts.extend(self.definitions())
        parts.append(CLIENT_HEAD.strip("\n"))
        if self.runtime_validation:
            parts.extend(["", CHECK.strip("\n")])
        parts.append("")
        for call in model.calls:
            parts.extend(self.method(call))
        if self.runtime_validation:
            parts.extend(["", _schemas_literal(model.calls), "", _limits_literal(model.calls),
                          "", ""])
            parts.append(VALIDATION_HELPERS.strip("\n"))
        # Import only what the definitions use, so linters run on the output stay quiet.
        parts[parts.index(_TYPING_SLOT)] = f"from typing import {', '.join(sorted(self.typing_used))}"
        text = "\n".join(parts).rstrip("\n") + "\n"
        return _tidy(text)


_TYPING_SLOT = "\0typing-import\0"  # a line no escaped plan text can equal (NUL is escaped)


def _tidy(text: str) -> str:
    """At most two blank lines in a row, and none before a closing of the class body."""
    lines = text.split("\n")
    out: list[str] = []
    blanks = 0
    for line in lines:
        blanks = blanks + 1 if not line.strip() else 0
        if blanks > 2:
            continue
        out.append(line)
    return "\n".join(out)


def _dependencies(node: TypeExpr) -> list[tuple[str, ...]]:
    """Keys of the named definitions ``node`` refers to (not itself)."""
    found: list[tuple[str, ...]] = []

    def walk(part: TypeExpr, top: bool) -> None:
        if isinstance(part, ObjectType):
            if not top:
                found.append(part.key)
                return
            for item in part.fields:
                walk(item.type, False)
        elif isinstance(part, RefType):
            found.append(("type", part.name))
        elif isinstance(part, ArrayType):
            walk(part.items, False)
        elif isinstance(part, MapType):
            walk(part.values, False)
        elif isinstance(part, UnionType):
            for member in part.members:
                walk(member, False)

    walk(node, True)
    return found


def _field_doc(item: Field) -> str:
    doc = item.description or ""
    if item.deprecated:
        doc = f"Deprecated in the plan. {doc}".rstrip()
    return doc


def _plain_key(key: str) -> bool:
    """Whether a key can be a class-syntax field. Builtin names (``str``, ``list``) cannot: in
    a class body they would shadow the builtin for later annotations in some type checkers."""
    return (key.isidentifier() and key.isascii() and key not in _LANGUAGE
            and key not in MODULE_NAMES and not key.startswith("_"))


def _literal(value: object) -> str:
    if isinstance(value, str):
        return py_str(value)
    return repr(value)


def _sends(call: Call) -> str:
    if call.kind == "track":
        return f'Sends the track event "{call.wire_name}".'
    if call.kind in ("page", "screen"):
        return f'Sends a {call.kind} call named "{call.wire_name}".'
    return f"Sends an {call.kind} call." if call.kind == "identify" else f"Sends a {call.kind} call."


def py_value(value: Any, indent: int = 0) -> str:
    """A Python literal of a JSON value, pretty-printed and safe (strings via py_str)."""
    pad = "    " * (indent + 1)
    end = "    " * indent
    flat = _flat_value(value)
    if len(flat) + len(pad) <= 96:
        return flat
    if isinstance(value, Mapping):
        if not value:
            return "{}"
        items = [f"{pad}{py_str(str(k))}: {py_value(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{end}}}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        items = [f"{pad}{py_value(v, indent + 1)}," for v in value]
        return "[\n" + "\n".join(items) + f"\n{end}]"
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"not a JSON value: {value!r}")


def _flat_value(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{py_str(str(k))}: {_flat_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flat_value(v) for v in value) + "]"
    if isinstance(value, str):
        return py_str(value)
    if isinstance(value, bool) or value is None or isinstance(value, int | float):
        return repr(value)
    raise TypeError(f"not a JSON value: {value!r}")


def _schemas_literal(calls: tuple[Call, ...]) -> str:
    lines = ["# The plan's JSON Schema of each payload (draft 2020-12), for runtime validation.",
             "_SCHEMAS: dict[tuple[str, str | None], dict[str, Any]] = {"]
    for call in calls:
        wire = py_str(call.wire_name) if call.wire_name is not None else "None"
        lines.append(f"    ({py_str(call.kind)}, {wire}): {py_value(strip_annotations(call.schema), 1)},")
    lines.append("}")
    return "\n".join(lines)




def _limits_literal(calls: tuple[Call, ...]) -> str:
    capped = capped_patterns(strip_annotations(call.schema) for call in calls)
    items = "".join(f"\n    {py_str(pattern)}," for pattern in capped)
    return "\n".join([
        "# Patterns searched from every start position: checked on values up to",
        "# _MAX_SEARCHED characters only, so that a check takes bounded time.",
        f"_MAX_SEARCHED = {UNANCHORED_MAX_LENGTH}",
        f"_UNANCHORED: frozenset[str] = frozenset({{{items}\n}})" if capped
        else "_UNANCHORED: frozenset[str] = frozenset()",
    ])


def render_python(model: ClientModel, *, runtime_validation: bool, tool_version: str) -> dict[str, str]:
    """The generated files, by relative path."""
    emitter = _Emitter(model, runtime_validation=runtime_validation, tool_version=tool_version)
    return {FILE_NAME: emitter.render()}


def _render(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return render_python(model, runtime_validation=options.runtime_validation,
                         tool_version=options.tool_version)


def _method_names(model: ClientModel) -> dict[CallKey, str]:
    return call_methods(model, METHOD_NAMES)


EMITTER = Emitter(
    name="python",
    summary="TypedDicts and a client for segment-analytics-python",
    sdks=("analytics-python",),
    owned=(FILE_NAME,),
    render=_render,
    method_names=_method_names,
    options=frozenset({"sdk", "runtime_validation"}),
    runs_patterns=True,
)
