"""The TypeScript target: interfaces and a client class for @segment/analytics-node or -next.

Type mapping: string -> string, number and integer -> number, boolean -> boolean, null ->
null, enums -> string-literal unions (never TS ``enum``: unions cost nothing at runtime and
accept plain strings), arrays -> ``Array<T>``, free-form objects -> ``Record<string, T>``,
planned objects -> ``interface`` (optional keys ``?:``), anything else -> ``unknown``.
Keys stay the planned wire names, quoted when they are not plain identifiers.

Runtime validation lives in a separate module, ``validation.ts``, that ``index.ts`` never
imports: development code passes its ``validator`` to the client, and a production bundle that
does not import it contains neither the schemas nor the validator.
"""

from __future__ import annotations

import json
import re

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.escape import js_str, jsdoc
from protocols.generate.model import (
    AnyType,
    ArrayType,
    Call,
    ClientModel,
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
from protocols.generate.safety import UNANCHORED_MAX_LENGTH, capped_patterns
from protocols.generate.typescript_templates import (
    CLIENT_HEAD,
    COMMON,
    NEXT_PRELUDE,
    NODE_PRELUDE,
    VALIDATION_MODULE,
)
from protocols.naming import CaseStyle

INDEX = "index.ts"
VALIDATION = "validation.ts"

_RESERVED = frozenset("""
break case catch class const continue debugger default delete do else enum export extends false
finally for function if import in instanceof new null return super switch this throw true try
typeof var void while with as implements interface let package private protected public static
yield any boolean constructor declare get module require number set string symbol type from of
async await namespace abstract readonly keyof infer is unique unknown never object undefined
bigint arguments eval satisfies accessor out override global asserts prototype
""".split())
_GLOBAL_TYPES = frozenset("""
Array ArrayLike Awaited BigInt Boolean Capitalize ConstructorParameters Date Error Exclude Extract
Function InstanceType Iterable Iterator JSON Lowercase Map Math NonNullable Number Object Omit
OmitThisParameter Parameters Partial Pick Promise PromiseLike Readonly ReadonlyArray Record RegExp
Required ReturnType Set String Symbol ThisParameterType ThisType Uncapitalize Uppercase WeakMap
WeakSet NodeJS Console
""".split())
MODULE_NAMES = frozenset({
    "PLAN_ID", "PLAN_VERSION", "Analytics", "AnalyticsBrowser", "Options", "Identity",
    "CallOptions", "PageCallOptions", "ProtocolsOptions", "ProtocolsClient", "Violation",
    "ViolationHandler", "Validator", "logViolation", "SegmentAnalytics",
})
_CLASS_MEMBERS = frozenset({"analytics", "settings", "check", "withContext"})
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, _RESERVED | _GLOBAL_TYPES | MODULE_NAMES, "Type")
METHOD_NAMES = NamingPolicy(CaseStyle.CAMEL, _RESERVED | MODULE_NAMES | _CLASS_MEMBERS, "event")

_PRIMITIVES = {"string": "string", "number": "number", "integer": "number",
               "boolean": "boolean", "null": "null"}
_PLAIN_KEY = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")




class _Emitter:
    def __init__(self, model: ClientModel, *, sdk: str, runtime_validation: bool,
                 tool_version: str) -> None:
        self.model = model
        self.sdk = sdk
        self.runtime_validation = runtime_validation
        self.tool_version = tool_version
        objects = model.objects()
        self.objects = {obj.key: obj for obj in objects}
        self.type_names, self.method_names = client_names(model, objects, TYPE_NAMES,
                                                          METHOD_NAMES)

    def expr(self, node: TypeExpr) -> str:
        if isinstance(node, PrimitiveType):
            return _PRIMITIVES[node.kind]
        if isinstance(node, LiteralType):
            return " | ".join(_literal(v) for v in node.values)
        if isinstance(node, ArrayType):
            return f"Array<{self.expr(node.items)}>"
        if isinstance(node, MapType):
            return f"Record<string, {self.expr(node.values)}>"
        if isinstance(node, ObjectType):
            return self.type_names[node.key]
        if isinstance(node, RefType):
            return self.type_names.get(("type", node.name), "unknown")
        if isinstance(node, UnionType):
            return " | ".join(self.expr(m) for m in node.members)
        assert isinstance(node, AnyType)
        return "unknown"

    def definitions(self) -> list[str]:
        out: list[str] = []
        for name, node in self.model.named_types.items():
            key = ("type", name)
            if isinstance(node, ObjectType) and node.key == key:
                continue  # emitted with the objects below, under the type's name
            out.extend([f"export type {self.type_names[key]} = {self.expr(node)};", ""])
        for obj in self.objects.values():
            out.extend(self.interface(obj))
        return out

    def interface(self, obj: ObjectType) -> list[str]:
        lines = jsdoc(obj.description, "") if obj.description else []
        if obj.free_form:
            return [*lines, f"export type {self.type_names[obj.key]} = Record<string, unknown>;", ""]
        lines.append(f"export interface {self.type_names[obj.key]} {{")
        for item in obj.fields:
            doc = item.description or ""
            if item.deprecated:
                doc = (doc + "\n" if doc else "") + "@deprecated"
            lines.extend(jsdoc(doc, "  ") if doc else [])
            key = item.wire_name if _PLAIN_KEY.fullmatch(item.wire_name) else js_str(item.wire_name)
            optional = "" if item.required else "?"
            lines.append(f"  {key}{optional}: {self.expr(item.type)};")
        lines.extend(["}", ""])
        return lines

    def method(self, call: Call) -> list[str]:
        name = self.method_names[call.sort_key]
        payload_type = self.type_names[call.payload.key]
        field = "traits" if call.kind in ("identify", "group") else "properties"
        required = any(f.required for f in call.payload.fields)
        options_type = "PageCallOptions" if call.kind in ("page", "screen") else "CallOptions"
        node = self.sdk == "analytics-node"
        params: list[str] = []
        if node:
            fields = [f"{field}{'' if required else '?'}: {payload_type}"]
            if call.kind == "group":
                fields.insert(0, "groupId: string")
            params.append(f"message: {options_type} & {{ {'; '.join(fields)} }}")
        else:
            if call.kind == "group":
                params.append("groupId: string")
            params.append(f"{field}: {payload_type}" if required
                          else f"{field}: {payload_type} = {{}}")
            params.append(f"options: {options_type} = {{}}")
        doc = call.description or ""
        doc = (doc + "\n\n" if doc else "") + _sends(call)
        if call.deprecated:
            doc += "\n@deprecated"
        lines = [*jsdoc(doc, "  ")]
        returns = "void" if node else "Promise<unknown>"
        lines.append(f"  {name}({', '.join(params)}): {returns} {{")
        wire = js_str(call.wire_name) if call.wire_name is not None else "null"
        source = f"message.{field}" if node else field
        lines.append(f"    const payload: Record<string, unknown> = {{ ...{source} }};")
        lines.append(f"    this.check({js_str(call.kind)}, {wire}, payload);")
        if node:
            extra = {"track": f"event: {wire}, ", "page": f"name: {wire}, ",
                     "screen": f"name: {wire}, "}.get(call.kind, "")
            lines.append(f"    this.analytics.{call.kind}({{ ...message, {extra}{field}: payload, "
                         "context: this.withContext(message.context) });")
        else:
            rest = "{ ...options, context: this.withContext(options.context) }"
            if call.kind == "track":
                args = f"{wire}, payload, {rest}"
            elif call.kind == "identify":
                args = f"options.userId, payload, {rest}"
            elif call.kind == "group":
                args = f"groupId, payload, {rest}"
            else:
                args = f"options.category ?? null, {wire}, payload, {rest}"
            lines.append(f"    return this.analytics.{call.kind}({args});")
        lines.extend(["  }", ""])
        return lines

    def render_index(self) -> str:
        model = self.model
        out = [
            "// " + provenance(model, tool_version=self.tool_version, quote=js_str, sdk=self.sdk),
            "// Do not edit: change the plan and run `protocols generate` again.",
        ]
        if model.plan_description:
            out.extend(jsdoc(model.plan_description, ""))
        sdk_import = (
            'import type { Analytics } from "@segment/analytics-node";'
            if self.sdk == "analytics-node" else
            'import type { AnalyticsBrowser, Options } from "@segment/analytics-next";')
        version = js_str(model.plan_version) if model.plan_version is not None else "null"
        out.extend([sdk_import, "", f"export const PLAN_ID = {js_str(model.plan_id)};",
                     f"export const PLAN_VERSION: string | null = {version};", ""])
        out.append((NODE_PRELUDE if self.sdk == "analytics-node" else NEXT_PRELUDE).strip("\n"))
        out.extend(["", COMMON.strip("\n"), ""])
        out.extend(self.definitions())
        client_type = "Analytics" if self.sdk == "analytics-node" else "SegmentAnalytics"
        out.append(CLIENT_HEAD.strip("\n").replace("CLIENT_TYPE", client_type))
        out.append("")
        for call in model.calls:
            out.extend(self.method(call))
        while out and not out[-1]:
            out.pop()
        out.append("}")
        return "\n".join(out) + "\n"

    def render_validation(self) -> str:
        schemas = {f"{c.kind}:{c.wire_name or ''}": strip_annotations(c.schema)
                   for c in self.model.calls}
        # allow_nan=False: generate refuses non-finite numbers before this point.
        body = json.dumps(schemas, indent=2, ensure_ascii=True, sort_keys=False, allow_nan=False)
        capped = "".join(f"\n  {js_str(p)}," for p in capped_patterns(schemas.values()))
        return "\n".join([
            # The schemas are the plan version's: the header names it, as every file's does.
            "// " + provenance(self.model, tool_version=self.tool_version, quote=js_str, sdk=self.sdk),
            "// Runtime validation for development: import this module only from development "
            "code; production bundles then drop it.",
            VALIDATION_MODULE.strip("\n"),
            "",
            "// Patterns searched from every start position, checked on values up to",
            "// MAX_SEARCHED characters only, so that a check takes bounded time.",
            f"const MAX_SEARCHED = {UNANCHORED_MAX_LENGTH};",
            f"const UNANCHORED: Set<string> = new Set<string>([{capped}{chr(10) if capped else ''}]);",
            "",
            "// The plan's JSON Schema of each payload (draft 2020-12), by \"kind:name\".",
            f"const SCHEMAS: Record<string, object> = {body};",
            "",
        ])


def _literal(value: object) -> str:
    if isinstance(value, str):
        return js_str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sends(call: Call) -> str:
    if call.kind == "track":
        return f"Sends the track event {js_str(call.wire_name or '')}."
    if call.kind in ("page", "screen"):
        return f"Sends a {call.kind} call named {js_str(call.wire_name or '')}."
    return "Sends an identify call." if call.kind == "identify" else "Sends a group call."


def render_typescript(model: ClientModel, *, sdk: str, runtime_validation: bool,
                      tool_version: str) -> dict[str, str]:
    emitter = _Emitter(model, sdk=sdk, runtime_validation=runtime_validation,
                       tool_version=tool_version)
    files = {INDEX: emitter.render_index()}
    if runtime_validation:
        files[VALIDATION] = emitter.render_validation()
    return files


def _render(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return render_typescript(model, sdk=options.sdk, runtime_validation=options.runtime_validation,
                             tool_version=options.tool_version)


def _method_names(model: ClientModel) -> dict[CallKey, str]:
    return call_methods(model, METHOD_NAMES)


EMITTER = Emitter(
    name="typescript",
    summary="interfaces and a client for @segment/analytics-node or @segment/analytics-next",
    sdks=("analytics-node", "analytics-next"),
    owned=(INDEX, VALIDATION),
    render=_render,
    method_names=_method_names,
    options=frozenset({"sdk", "runtime_validation"}),
    runs_patterns=True,
)
