"""The Swift target: Codable structs, String enums and a client over analytics-swift.

Type mapping: string -> ``String``, integer -> ``Int``, number -> ``Double``, boolean ->
``Bool``, a string enum -> ``enum X: String, Codable`` (a type per enum, one case per value,
raw values exact), arrays -> ``[T]``, free-form objects -> ``[String: T]``, planned objects ->
a ``struct`` whose ``CodingKeys`` carry the exact wire names, anything else -> Segment's
``JSON`` (a Codable enum of every JSON value).

Presence: a required property is a non-optional ``init`` parameter without a default; an
optional one is ``T?`` defaulting to nil and left out of the payload when nil
(``encodeIfPresent``); a required property that may be null is ``T?`` without a default,
written as ``null`` when nil. Names that are Swift keywords or standard types get a trailing
``_`` (``default_``, ``Type_``): never backticks, so a name means the same everywhere it is used.

analytics-swift is a mobile SDK without ``page`` calls, so pages get no method; every other
call is a method of ``ProtocolsClient``.
"""

from __future__ import annotations

from dataclasses import dataclass

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.escape import comment_text, swift_str
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
)
from protocols.generate.names import NamingPolicy, assign, assign_paths, call_methods, client_names
from protocols.generate.shapes import fields_on_cycles, is_string_enum, literal_kind, split_null
from protocols.generate.swift_templates import CLIENT_HEAD, PRELUDE
from protocols.naming import CaseStyle

FILE_NAME = "Tracking.swift"

SWIFT_KEYWORDS = frozenset("""
associatedtype class deinit enum extension fileprivate func import init inout internal let open
operator private precedencegroup protocol public rethrows static struct subscript typealias var
break case catch continue default defer do else fallthrough for guard if in repeat return throw
switch where while Any as await false is nil self Self super throws true try associativity
convenience didSet dynamic final get indirect infix lazy left mutating none nonmutating optional
override postfix precedence prefix Protocol required right set some Type unowned weak willSet
async actor any consume copy discard each macro package borrowing consuming isolated nonisolated
_
""".split())
# Standard and SDK types the generated file names, and its own declarations.
_TYPES_USED = frozenset("""
Analytics Array Bool Boxed Codable CodingKey CodingKeys Decodable Decoder Dictionary Double
Encodable Encoder Equatable Error Foundation Int JSON Never Optional ProtocolsClient ProtocolsPlan
RawEvent RawRepresentable Result Segment Sendable Set String Void CaseIterable Hashable Float
Character Data Date URL AnyObject AnyHashable Identifiable Plugin Configuration Settings
""".split())
# Members every generated struct, enum or the client has.
# (stampPlan: a method of that name would hide the file's enrichment inside the client.)
_MEMBERS = frozenset({"encode", "init", "rawValue", "allCases", "hashValue", "hash", "analytics",
                      "stampPlan"})
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, SWIFT_KEYWORDS | _TYPES_USED, "Type")
METHOD_NAMES = NamingPolicy(CaseStyle.CAMEL, SWIFT_KEYWORDS | _MEMBERS, "event")
MEMBER_NAMES = NamingPolicy(CaseStyle.CAMEL, SWIFT_KEYWORDS | _MEMBERS, "value")
_PRIMITIVES = {"string": "String", "integer": "Int", "number": "Double", "boolean": "Bool",
               "null": "JSON"}
Key = tuple[str, ...]
INDENT = "    "


@dataclass(frozen=True)
class _Named:
    """How a plan type from ``types`` is declared: ``struct``, ``enum`` or ``alias``."""

    form: str
    node: TypeExpr


class _Emitter:
    def __init__(self, model: ClientModel, *, tool_version: str) -> None:
        self.model = model
        self.tool_version = tool_version
        self.calls = [call for call in model.calls if call.kind != "page"]
        objects = model.objects()
        self.objects = {obj.key: obj for obj in objects}
        self.type_names, _ = client_names(model, objects, TYPE_NAMES, METHOD_NAMES)
        self.method_names = _methods(model)
        self.named = {name: self._named_form(name, node) for name, node in model.named_types.items()}
        self.json_aliases = self._alias_cycles()
        sites: dict[Key, tuple[str, ...]] = {}
        self.enum_values: dict[Key, tuple[str, ...]] = {}
        for obj in objects:
            for item in obj.fields:
                self._sites(item.type, (*obj.key, "properties", item.wire_name),
                            (*obj.hint, item.wire_name), sites)
        for name, named in self.named.items():
            key: Key = ("type", name)
            if named.form == "enum":
                assert isinstance(named.node, LiteralType)
                self.enum_values[key] = tuple(str(v) for v in named.node.values)
            elif named.form == "alias":
                self._sites(named.node, key, (name,), sites)
        self.enum_names = assign_paths(sites, TYPE_NAMES, taken=set(self.type_names.values()))
        self.enum_names.update({("type", n): self.type_names[("type", n)]
                                for n, named in self.named.items() if named.form == "enum"})
        self.cases = {key: assign(values, MEMBER_NAMES) for key, values in self.enum_values.items()}
        structs = {key: obj for key, obj in self.objects.items() if not obj.free_form}
        self.member_names = {key: assign([f.wire_name for f in obj.fields], MEMBER_NAMES)
                             for key, obj in structs.items()}
        self.boxed = self._cycle_breaks(structs)
        self.enum_owner: dict[Key, list[Key]] = {}
        for site in sorted(sites):
            self.enum_owner.setdefault(self._owner(site), []).append(site)

    # -- naming ----------------------------------------------------------------------------

    def _named_form(self, name: str, node: TypeExpr) -> _Named:
        if isinstance(node, ObjectType) and node.key == ("type", name):
            return _Named("struct", node)
        inner, nullable = split_null(node)
        if is_string_enum(inner) and not nullable:
            return _Named("enum", inner)
        return _Named("alias", node)

    def _alias_cycles(self) -> set[str]:
        """Aliases that reach themselves through aliases only (``Tree = [Tree]``): Swift has
        no recursive typealias, so they become ``JSON``."""
        found: set[str] = set()
        for start in self.named:
            if self.named[start].form != "alias":
                continue
            stack, seen = [self.named[start].node], set()
            while stack:
                node = stack.pop()
                for ref in _refs(node):
                    if ref == start:
                        found.add(start)
                    named = self.named.get(ref)
                    if ref not in seen and named is not None and named.form == "alias":
                        seen.add(ref)
                        stack.append(named.node)
        return found

    def _sites(self, node: TypeExpr, key: Key, hint: tuple[str, ...],
               sites: dict[Key, tuple[str, ...]]) -> None:
        """Record every string enum inside ``node`` (mirrors :meth:`swifttype`)."""
        inner, nullable = split_null(node)
        if nullable and key[0] == "type" and len(key) == 2:
            key, hint = (*key, "value"), (*hint, "value")
        if is_string_enum(inner):
            assert isinstance(inner, LiteralType)
            sites[key] = hint
            self.enum_values[key] = tuple(str(v) for v in inner.values)
        elif isinstance(inner, ArrayType):
            self._sites(inner.items, (*key, "items"), (*hint, "item"), sites)
        elif isinstance(inner, MapType):
            self._sites(inner.values, (*key, "values"), (*hint, "value"), sites)

    def _owner(self, site: Key) -> Key:
        if site[0] == "type" and len(site) >= 2 and site[:2] in self.type_names and all(
                part in ("items", "values", "value") for part in site[2:]):
            return site[:2]
        for end in range(len(site) - 2, 0, -1):
            if site[:end] in self.objects and site[end] == "properties":
                return site[:end]
        return site

    def _cycle_breaks(self, structs: dict[Key, ObjectType]) -> set[tuple[Key, str]]:
        """Properties that hold a struct inline (optional or not) on a cycle: those are Boxed."""
        return fields_on_cycles(structs, lambda item: self._inline_struct(item.type))

    def _inline_struct(self, node: TypeExpr, depth: int = 0) -> Key | None:
        """The struct a value of ``node`` holds inline (not inside an array or dictionary)."""
        inner, _ = split_null(node)
        if isinstance(inner, ObjectType):
            return None if inner.free_form else inner.key
        if isinstance(inner, RefType) and depth < 50:
            named = self.named.get(inner.name)
            if named is None or named.form == "enum" or inner.name in self.json_aliases:
                return None
            return self._inline_struct(named.node, depth + 1)
        return None

    # -- types -----------------------------------------------------------------------------

    def swifttype(self, node: TypeExpr, key: Key, *, box: bool = False) -> str:
        """The Swift type of ``node``; ``box``: a struct held inline becomes ``Boxed<S>``."""
        inner, nullable = split_null(node)
        if nullable and key[0] == "type" and len(key) == 2:
            key = (*key, "value")
        base = self._base(inner, key, box=box)
        if nullable and not self.optional(inner):
            return base + "?"
        return base

    def _base(self, node: TypeExpr, key: Key, *, box: bool) -> str:
        if isinstance(node, PrimitiveType):
            return _PRIMITIVES[node.kind]
        if isinstance(node, LiteralType):
            if is_string_enum(node):
                return self.enum_names[key]
            return {"integer": "Int", "boolean": "Bool"}.get(literal_kind(node), "JSON")
        if isinstance(node, ArrayType):
            return f"[{self.swifttype(node.items, (*key, 'items'))}]"
        if isinstance(node, MapType):
            return f"[String: {self.swifttype(node.values, (*key, 'values'))}]"
        if isinstance(node, ObjectType):
            name = self.type_names[node.key]
            return f"Boxed<{name}>" if box and not node.free_form else name
        if isinstance(node, RefType):
            named = self.named.get(node.name)
            if named is None or node.name in self.json_aliases:
                return "JSON"
            if box and named.form != "enum":  # spell the alias out, boxing the struct in it
                return self.swifttype(named.node, ("type", node.name), box=True)
            return self.type_names[("type", node.name)]
        return "JSON"

    def optional(self, node: TypeExpr, depth: int = 0) -> bool:
        """Whether the Swift type of ``node`` is already an Optional (a nullable alias)."""
        inner, nullable = split_null(node)
        if nullable:
            return True
        if isinstance(inner, RefType) and depth < 50 and inner.name not in self.json_aliases:
            named = self.named.get(inner.name)
            return named is not None and named.form == "alias" and self.optional(named.node, depth + 1)
        return False

    def property_type(self, obj: ObjectType, item: Field) -> str:
        box = (obj.key, item.wire_name) in self.boxed
        base = self.swifttype(item.type, (*obj.key, "properties", item.wire_name), box=box)
        if not item.required and not self.optional(item.type):
            return base + "?"
        return base

    # -- declarations ----------------------------------------------------------------------

    def declarations(self) -> list[str]:
        out: list[str] = []
        for name, named in self.named.items():
            key: Key = ("type", name)
            if named.form == "struct":
                continue  # with the objects below
            if named.form == "enum":
                out.extend(self.enum(key))
                continue
            type_name = self.type_names[key]
            target = "JSON" if name in self.json_aliases else self.swifttype(named.node, key)
            out.extend([f"/// The plan's type {comment_text(swift_str(name))}.",
                        f"public typealias {type_name} = {target}", ""])
            for site in self.enum_owner.get(key, ()):
                out.extend(self.enum(site))
        for key, obj in self.objects.items():
            out.extend(self.struct(obj))
            for site in self.enum_owner.get(key, ()):
                out.extend(self.enum(site))
        return out

    def enum(self, key: Key) -> list[str]:
        name = self.enum_names[key]
        out = ["/// One of the values the plan allows here; raw values are the exact wire values.",
               f"public enum {name}: String, Codable, CaseIterable, Equatable {{"]
        for value in dict.fromkeys(self.enum_values[key]):
            out.append(f"{INDENT}case {self.cases[key][value]} = {swift_str(value)}")
        out.extend(["}", ""])
        return out

    def struct(self, obj: ObjectType) -> list[str]:
        name = self.type_names[obj.key]
        out = swift_doc(obj.description or "", "")
        if obj.free_form:
            out.extend([f"public typealias {name} = [String: JSON]", ""])
            return out
        names = self.member_names[obj.key]
        out.append(f"public struct {name}: Codable, Equatable {{")
        for item in obj.fields:
            doc = item.description or ""
            if item.deprecated:
                doc = (doc + "\n" if doc else "") + "- Warning: Deprecated in the plan."
            out.extend(swift_doc(doc, INDENT))
            out.append(f"{INDENT}public var {names[item.wire_name]}: {self.property_type(obj, item)}")
        if obj.fields:
            out.append("")
        # Required parameters first (Swift calls name arguments in declaration order, and
        # optional ones can then be left out from the end), each group in plan order.
        params = []
        for item in sorted(obj.fields, key=lambda f: not f.required):
            default = "" if item.required else " = nil"
            params.append(f"{names[item.wire_name]}: {self.property_type(obj, item)}{default}")
        out.append(f"{INDENT}public init({', '.join(params)}) {{")
        for item in obj.fields:
            member = names[item.wire_name]
            out.append(f"{INDENT * 2}self.{member} = {member}")
        out.append(f"{INDENT}}}")
        if obj.fields:
            out.extend(["", f"{INDENT}enum CodingKeys: String, CodingKey {{"])
            for item in obj.fields:
                out.append(f"{INDENT * 2}case {names[item.wire_name]} = {swift_str(item.wire_name)}")
            out.extend([f"{INDENT}}}", "",
                        f"{INDENT}public func encode(to encoder: Encoder) throws {{",
                        f"{INDENT * 2}var container = encoder.container(keyedBy: CodingKeys.self)"])
            for item in obj.fields:
                member = names[item.wire_name]
                # Optional: left out when nil. Required: always written, as null when nil.
                # `self.`: a property called `container` or `encoder` is not the local or
                # the parameter of the same name.
                how = "encode" if item.required else "encodeIfPresent"
                out.append(f"{INDENT * 2}try container.{how}(self.{member}, forKey: .{member})")
            out.append(f"{INDENT}}}")
        out.extend(["}", ""])
        return out

    # -- client ----------------------------------------------------------------------------

    def method(self, call: Call) -> list[str]:
        name = self.method_names[(call.kind, call.wire_name)]
        payload = call.payload
        payload_type = self.type_names[payload.key]
        field = "traits" if call.kind in ("identify", "group") else "properties"
        required = any(f.required for f in payload.fields)
        default = "" if required else (" = [:]" if payload.free_form else f" = {payload_type}()")
        doc = _sends(call) + (f"\n{call.description}" if call.description else "")
        if call.deprecated:
            doc += "\n- Warning: Deprecated in the plan."
        out = swift_doc(doc, INDENT)
        if call.deprecated:
            out.append(f"{INDENT}@available(*, deprecated, message: \"deprecated in the plan\")")
        wire = swift_str(call.wire_name or "")
        stamp = "enrichments: [stampPlan]"
        # A free-form payload ([String: JSON]) would fit both the SDK's generic Encodable
        # overload and its [String: Any] one: the upcast picks one, so no call is ambiguous.
        value = f"{field} as [String: Any]" if payload.free_form else field
        if call.kind == "track":
            signature = f"_ {field}: {payload_type}{default}"
            body = [f"analytics.track(name: {wire}, properties: {value}, {stamp})"]
        elif call.kind == "screen":
            signature = f"_ {field}: {payload_type}{default}, category: String? = nil"
            body = [f"analytics.screen(title: {wire}, category: category, properties: {value}, {stamp})"]
        elif call.kind == "identify":
            signature = f"userId: String? = nil, {field}: {payload_type}{default}"
            body = ["if let userId = userId {",
                    f"{INDENT}analytics.identify(userId: userId, traits: {value}, {stamp})",
                    "} else {",  # (the SDK has no [String: Any] overload without a userId)
                    f"{INDENT}analytics.identify(traits: {field}, {stamp})",
                    "}"]
        else:
            signature = f"groupId: String, {field}: {payload_type}{default}"
            body = [f"analytics.group(groupId: groupId, traits: {value}, {stamp})"]
        out.append(f"{INDENT}public func {name}({signature}) {{")
        out.extend(f"{INDENT * 2}{line}" for line in body)
        out.extend([f"{INDENT}}}", ""])
        return out

    def render(self) -> str:
        model = self.model
        out = ["// " + provenance(model, tool_version=self.tool_version, quote=swift_str,
                                  sdk="analytics-swift"),
               "// Do not edit: change the plan and run `protocols generate` again.", ""]
        out.extend(["import Foundation", "import Segment", ""])
        out.extend(swift_doc(model.plan_description or "", ""))
        plan_version = swift_str(model.plan_version) if model.plan_version is not None else "nil"
        out.extend(["/// The plan this client was generated from.", "public enum ProtocolsPlan {",
                    f"{INDENT}public static let id = {swift_str(model.plan_id)}",
                    f"{INDENT}public static let version: String? = {plan_version}", "}"])
        out.append(PRELUDE.rstrip("\n"))
        out.append("")
        out.extend(self.declarations())
        out.append(CLIENT_HEAD.strip("\n"))
        out.append("")
        for call in self.calls:
            out.extend(self.method(call))
        while out and not out[-1]:
            out.pop()
        out.append("}")
        return "\n".join(out) + "\n"


def swift_doc(text: str, indent: str) -> list[str]:
    """``///`` lines for ``text``: one per text line, nothing can end the comment early."""
    lines = [comment_text(line).rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return [f"{indent}/// {line}".rstrip() for line in lines]


def _refs(node: TypeExpr) -> list[str]:
    """The named types ``node`` mentions directly (not through other named types)."""
    if isinstance(node, RefType):
        return [node.name]
    if isinstance(node, ArrayType):
        return _refs(node.items)
    if isinstance(node, MapType):
        return _refs(node.values)
    if isinstance(node, UnionType):
        return [ref for member in node.members for ref in _refs(member)]
    return []


def _sends(call: Call) -> str:
    if call.kind == "track":
        return f"Sends the track event {comment_text(swift_str(call.wire_name or ''))}."
    if call.kind == "screen":
        return f"Sends a screen call named {comment_text(swift_str(call.wire_name or ''))}."
    return "Sends an identify call." if call.kind == "identify" else "Sends a group call."


def _methods(model: ClientModel) -> dict[CallKey, str]:
    """A method per call analytics-swift can send (it has no page call)."""
    return call_methods(model, METHOD_NAMES, calls=[c for c in model.calls if c.kind != "page"])


def render_swift(model: ClientModel, *, tool_version: str) -> dict[str, str]:
    return {FILE_NAME: _Emitter(model, tool_version=tool_version).render()}


def _render(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return render_swift(model, tool_version=options.tool_version)


EMITTER = Emitter(
    name="swift",
    summary="Codable structs, String enums and a client for analytics-swift",
    sdks=("analytics-swift",),
    owned=(FILE_NAME,),
    render=_render,
    method_names=_methods,
    options=frozenset({"sdk"}),
)
