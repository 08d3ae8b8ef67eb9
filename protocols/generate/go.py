"""The Go target: structs, enum types and a client wrapping github.com/segmentio/analytics-go/v3.

Type mapping: string -> ``string``, integer -> ``int64``, number -> ``float64``, boolean ->
``bool``, a string enum -> a defined ``string`` type with one constant per value (a type per
enum), arrays -> ``[]T``, free-form objects -> ``map[string]T``, planned objects -> a struct
with a ``json`` tag per field carrying the exact wire name, anything else -> ``any``.

Presence: a required property is a plain field, always sent; an optional one is a pointer
with ``omitempty`` (nil: not sent; so 0, false and "" can still be sent), except slices, maps
and ``any``, whose nil already says "absent". Null, where the plan allows it, is a nil pointer.
A wire name that a struct tag cannot hold (quotes, commas, non-ASCII...) is written by a
generated ``MarshalJSON`` instead: wire names stay exact whatever they are.

Output is gofmt-clean by construction: no column alignment is ever needed (one field per
section, one constant per declaration, composite literals on one line).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.escape import comment_text, go_str
from protocols.generate.go_templates import IMPORTS, PRELUDE
from protocols.generate.model import (
    AnyType,
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
)
from protocols.generate.names import (
    NamingPolicy,
    ascii_words,
    assign,
    assign_paths,
    call_methods,
    client_names,
)
from protocols.generate.shapes import fields_on_cycles, is_string_enum, literal_kind, split_null
from protocols.naming import CaseStyle

FILE_NAME = "tracking.go"
DEFAULT_PACKAGE = "tracking"

GO_KEYWORDS = frozenset("""
break default func interface select case defer go map struct chan else goto package switch const
fallthrough if range type continue for import return var
""".split())
_PREDECLARED = frozenset("""
any bool byte comparable complex64 complex128 error float32 float64 int int8 int16 int32 int64
rune string uint uint8 uint16 uint32 uint64 uintptr true false iota nil append cap clear close
complex copy delete imag len make max min new panic print println real recover
""".split())
# Package-level names the generated file defines or imports.
MODULE_NAMES = frozenset({
    "Call", "Client", "LogViolation", "New", "OnViolation", "Option", "PlanID", "PlanVersion",
    "Ptr", "Violation", "segment", "bytes", "json", "fmt", "log", "time", "at", "toMap",
    "withPlan", "planVersion",
})
# Methods a generated struct may have: no field may take their name.
_STRUCT_METHODS = frozenset({"MarshalJSON", "UnmarshalJSON", "String", "Error", "GoString"})
# Go has no lower-case exported names, so Pascal case never meets a keyword; the reserved sets
# hold the names the file itself uses.
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, MODULE_NAMES, "Type")
METHOD_NAMES = NamingPolicy(CaseStyle.PASCAL, MODULE_NAMES, "Event")
FIELD_NAMES = NamingPolicy(CaseStyle.PASCAL, _STRUCT_METHODS, "Field")
PARAM_NAMES = NamingPolicy(CaseStyle.CAMEL, GO_KEYWORDS | _PREDECLARED | MODULE_NAMES, "value")
_PACKAGE = re.compile(r"[a-z][a-z0-9_]*")
# Characters encoding/json accepts in a tag name (isValidTag), ASCII letters and digits aside.
_TAG_PUNCTUATION = frozenset("!#$%&()*+-./:;<=>?@[]^_{|}~ ")
_PRIMITIVES = {"string": "string", "integer": "int64", "number": "float64", "boolean": "bool",
               "null": "any"}
_NILABLE_KINDS = frozenset({"slice", "map", "any", "pointer"})
Key = tuple[str, ...]


def check_package(name: str) -> str | None:
    """Why ``name`` cannot be the Go package name, or None."""
    if not _PACKAGE.fullmatch(name):
        return "use lower-case ASCII letters, digits and underscores, starting with a letter"
    if name in GO_KEYWORDS:
        return f"{name!r} is a Go keyword"
    if name == "main":
        return "package main is a program, not a library"
    return None


def tag_name_ok(wire: str) -> bool:
    """Whether a struct tag can carry ``wire`` exactly (encoding/json's isValidTag, ASCII)."""
    return bool(wire) and wire != "-" and all(
        c.isascii() and (c.isalnum() or c in _TAG_PUNCTUATION) for c in wire)


def go_doc(text: str | list[str], indent: str = "") -> list[str]:
    """``//`` lines for ``text`` that gofmt leaves alone and nothing can break out of.

    gofmt rewrites doc comments (Go 1.19+): indented lines become code blocks, ``- x`` list
    items, ``# x`` and lone capitalised lines between blank lines headings, and doubled
    quotes curly ones. So each line is stripped, a line gofmt would read as markup gets a
    leading backslash, doubled quotes and backquotes are split by one, and blank lines are
    dropped (one paragraph, never a heading; a list of texts is one paragraph each, for the
    emitter's own ``Deprecated:`` paragraphs). Line breaks and unsafe characters are escapes
    (:func:`comment_text`): a description is only ever comment lines.
    """
    out: list[str] = []
    for paragraph in [text] if isinstance(text, str) else text:
        if out:
            out.append("")
        for raw in paragraph.replace("\r\n", "\n").split("\n"):
            line = comment_text(raw).strip()
            line = _DOUBLED.sub(lambda m: "\\" + m.group(0), line)
            if _DOC_MARKUP.match(line):
                line = "\\" + line
            if line:
                out.append(line)
    while out and not out[-1]:
        out.pop()
    return [f"{indent}// {line}".rstrip() for line in out]


_DOUBLED = re.compile(r"(?<=')'|(?<=`)`")
_DOC_MARKUP = re.compile(r"[-*+•#>]|[0-9]+[.)]|\[")


@dataclass(frozen=True)
class _Named:
    """How a plan type from ``types`` is declared: ``struct``, ``enum``, ``defined`` or ``alias``."""

    form: str
    node: TypeExpr


class _Emitter:
    def __init__(self, model: ClientModel, *, package: str, runtime_validation: bool,
                 tool_version: str) -> None:
        self.model = model
        self.package = package
        self.runtime_validation = runtime_validation
        self.tool_version = tool_version
        objects = model.objects()
        self.objects = {obj.key: obj for obj in objects}
        self.type_names, self.method_names = client_names(model, objects, TYPE_NAMES,
                                                          METHOD_NAMES)
        self.named = {name: self._named_form(name, node) for name, node in model.named_types.items()}
        # A type per string enum, named by where it appears; constants after it.
        sites: dict[Key, tuple[str, ...]] = {}
        self.enum_values: dict[Key, tuple[str, ...]] = {}
        for obj in objects:
            for item in obj.fields:
                self._sites(item.type, (*obj.key, "properties", item.wire_name),
                            (*obj.hint, item.wire_name), sites)
        for name, named in self.named.items():
            key = ("type", name)
            if named.form == "enum":
                assert isinstance(named.node, LiteralType)
                self.enum_values[key] = tuple(str(v) for v in named.node.values)
            elif named.form != "struct":
                self._sites(named.node, key, (name,), sites)
        taken = set(self.type_names.values())
        self.enum_names = assign_paths(sites, TYPE_NAMES, taken=taken)
        self.enum_names.update({("type", n): self.type_names[("type", n)]
                                for n, named in self.named.items() if named.form == "enum"})
        taken |= set(self.enum_names.values())
        structs = {key: obj for key, obj in self.objects.items() if not obj.free_form}
        self.constructors = assign_paths({key: ("new", *obj.hint) for key, obj in structs.items()},
                                         TYPE_NAMES, taken=taken)
        taken |= set(self.constructors.values())
        self.constants = self._constants(taken)
        self.field_names = {key: assign([f.wire_name for f in obj.fields], FIELD_NAMES)
                            for key, obj in structs.items()}
        self.pointer_fields = self._cycle_breaks(structs)
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
        # Defined types get a check method; Go allows none on interfaces and pointers, and an
        # alias keeps the methods (MarshalJSON, check) of the struct it names.
        if not nullable and (isinstance(inner, ArrayType | MapType) or (
                isinstance(inner, PrimitiveType) and inner.kind != "null") or (
                isinstance(inner, LiteralType) and _base_literal(inner) != "any")):
            return _Named("defined", node)
        return _Named("alias", node)

    def _sites(self, node: TypeExpr, key: Key, hint: tuple[str, ...],
               sites: dict[Key, tuple[str, ...]]) -> None:
        """Record every string enum inside ``node`` (mirrors :meth:`gotype`)."""
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

    def _constants(self, taken: set[str]) -> dict[Key, list[tuple[str, str]]]:
        """One constant per enum value: the enum's type name and the value's words."""
        used = set(taken)
        out: dict[Key, list[tuple[str, str]]] = {}
        for key in sorted(self.enum_values):
            type_name = self.enum_names[key]
            consts: list[tuple[str, str]] = []
            for value in dict.fromkeys(self.enum_values[key]):
                words = ascii_words(value).split()
                suffix = "".join(w[:1].upper() + w[1:] for w in words) or (
                    "Empty" if value == "" else "Value")
                name = candidate = type_name + suffix
                counter = 2
                while candidate in used:
                    candidate = f"{name}{counter}"
                    counter += 1
                used.add(candidate)
                consts.append((candidate, value))
            out[key] = consts
        return out

    def _cycle_breaks(self, structs: dict[Key, ObjectType]) -> set[tuple[Key, str]]:
        """Fields that hold a struct by value on a cycle (a struct containing itself): those
        become pointers, or the type would be infinite."""
        return fields_on_cycles(structs, self._value_struct)

    def _value_struct(self, item: Field) -> Key | None:
        """The struct a required, non-null field holds by value, if any."""
        inner, nullable = split_null(item.type)
        if not item.required or nullable:
            return None
        resolved = self.resolve(inner)
        if isinstance(resolved, ObjectType) and not resolved.free_form:
            return resolved.key
        return None

    def resolve(self, node: TypeExpr, depth: int = 0) -> TypeExpr:
        """``node`` with references to aliases followed (a reference to a struct stays)."""
        while isinstance(node, RefType) and depth < 50:
            named = self.named.get(node.name)
            if named is None:
                return AnyType()
            if named.form == "struct":
                return named.node
            if named.form != "alias":
                return node
            node = named.node
            depth += 1
        return node

    # -- types -----------------------------------------------------------------------------

    def gotype(self, node: TypeExpr, key: Key) -> str:
        inner, nullable = split_null(node)
        if nullable and key[0] == "type" and len(key) == 2:
            key = (*key, "value")
        base = self._base(inner, key)
        if nullable and self.kind(inner) not in _NILABLE_KINDS:
            return "*" + base
        return base

    def _base(self, node: TypeExpr, key: Key) -> str:
        if isinstance(node, PrimitiveType):
            return _PRIMITIVES[node.kind]
        if isinstance(node, LiteralType):
            if is_string_enum(node):
                return self.enum_names[key]
            return _base_literal(node)
        if isinstance(node, ArrayType):
            return "[]" + self.gotype(node.items, (*key, "items"))
        if isinstance(node, MapType):
            return "map[string]" + self.gotype(node.values, (*key, "values"))
        if isinstance(node, ObjectType):
            return self.type_names[node.key]
        if isinstance(node, RefType):
            return self.type_names.get(("type", node.name), "any")
        return "any"

    def kind(self, node: TypeExpr) -> str:
        """What a Go value of ``node``'s type is: slice, map, any, pointer or value."""
        inner, nullable = split_null(node)
        if nullable:
            return "any" if self.kind(inner) == "any" else (
                self.kind(inner) if self.kind(inner) in _NILABLE_KINDS else "pointer")
        if isinstance(inner, ArrayType):
            return "slice"
        if isinstance(inner, MapType) or (isinstance(inner, ObjectType) and inner.free_form):
            return "map"
        if isinstance(inner, RefType):
            named = self.named.get(inner.name)
            if named is None:
                return "any"
            if named.form in ("alias", "defined"):
                return self.kind(named.node)
            return "map" if isinstance(named.node, ObjectType) and named.node.free_form else "value"
        if isinstance(inner, ObjectType | PrimitiveType) or is_string_enum(inner):
            return "any" if inner == PrimitiveType("null") else "value"
        if isinstance(inner, LiteralType) and _base_literal(inner) != "any":
            return "value"
        return "any"

    def field_type(self, obj: ObjectType, item: Field) -> str:
        base = self.gotype(item.type, (*obj.key, "properties", item.wire_name))
        if (obj.key, item.wire_name) in self.pointer_fields:
            return "*" + base
        if not item.required and self.kind(item.type) not in _NILABLE_KINDS:
            return "*" + base
        return base

    def field_kind(self, obj: ObjectType, item: Field) -> str:
        if (obj.key, item.wire_name) in self.pointer_fields:
            return "pointer"
        kind = self.kind(item.type)
        return kind if item.required or kind in _NILABLE_KINDS else "pointer"

    # -- runtime checks --------------------------------------------------------------------

    def checks(self, node: TypeExpr, value: str, path: str, depth: int) -> list[str]:
        """Go statements that report each violation inside ``value`` (of ``node``'s type)."""
        inner, nullable = split_null(node)
        named = self.named.get(inner.name) if isinstance(inner, RefType) else None
        if named is not None and named.form == "alias":
            body = self.checks(named.node, value, path, depth)
        elif named is not None or (isinstance(inner, ObjectType) and not inner.free_form) or (
                is_string_enum(inner)):
            body = [f"{value}.check({path}, add)"]  # a struct, enum or defined type
        elif isinstance(inner, ArrayType | MapType):
            index, item = f"i{depth}", f"item{depth}"
            items = inner.items if isinstance(inner, ArrayType) else inner.values
            inside = self.checks(items, item, f"at({path}, {index})", depth + 1)
            body = [f"for {index}, {item} := range {value} {{", *_indent(inside), "}"] if inside else []
        else:
            body = []
        if body and nullable and self.kind(inner) not in ("slice", "map"):
            return [f"if {value} != nil {{", *_indent(body), "}"]
        return body

    def struct_checks(self, obj: ObjectType) -> list[str]:
        out: list[str] = []
        for item in obj.fields:
            field = f"v.{self.field_names[obj.key][item.wire_name]}"
            path = f"path+{go_str('.' + item.wire_name)}"
            kind = self.field_kind(obj, item)
            _, nullable = split_null(item.type)
            if item.required and not nullable and kind in ("slice", "map", "pointer"):
                out.extend([f"if {field} == nil {{",
                            f"\tadd({path}, \"is required: nil would send null\")", "}"])
            inner = self.checks(item.type, field, path, 0)
            if inner and kind == "pointer" and not (split_null(item.type)[1]):
                inner = [f"if {field} != nil {{", *_indent(inner), "}"]
            out.extend(inner)
        return out

    # -- declarations ----------------------------------------------------------------------

    def declarations(self) -> list[str]:
        out: list[str] = []
        for name, named in self.named.items():
            key: Key = ("type", name)
            type_name = self.type_names[key]
            if named.form == "struct":
                continue  # with the objects below
            if named.form == "enum":
                out.extend(self.enum(key))
                continue
            out.extend(go_doc(f"{type_name} is the plan's type {go_str(name)}."))
            if named.form == "alias":
                out.extend([f"type {type_name} = {self.gotype(named.node, key)}", ""])
            else:
                out.extend([f"type {type_name} {self.gotype(named.node, key)}", ""])
                if self.runtime_validation:
                    body = self.checks(named.node, "v", "path", 0)
                    out.extend(_check_method(type_name, body))
            out.extend(self._enums_under(key))
        for key, obj in self.objects.items():
            out.extend(self.struct(obj))
            out.extend(self._enums_under(key))
        return out

    def _enums_under(self, owner: Key) -> list[str]:
        """The enum types declared right after ``owner`` (an object or a named type)."""
        out: list[str] = []
        for site in self.enum_owner.get(owner, ()):
            out.extend(self.enum(site))
        return out

    def _owner(self, site: Key) -> Key:
        """The object or named type whose field (or items, values) a string enum is."""
        if site[0] == "type" and site[:2] != site and site[:2] in self.type_names:
            rest = site[2:]
            if all(part in ("items", "values", "value") for part in rest):
                return site[:2]
        for end in range(len(site) - 2, 0, -1):
            if site[:end] in self.objects and site[end] == "properties":
                return site[:end]
        return site

    def enum(self, key: Key) -> list[str]:
        name = self.enum_names[key]
        out = [f"// {name} is one of the values the plan allows here.", f"type {name} string", ""]
        for const, value in self.constants[key]:
            out.append(f"const {const} {name} = {go_str(value)}")
        out.append("")
        if self.runtime_validation:
            cases = ", ".join(const for const, _ in self.constants[key])
            out.extend([
                f"func (v {name}) check(path string, add func(string, string)) {{",
                "\tswitch v {", f"\tcase {cases}:", "\t\treturn", "\t}",
                "\tadd(path, fmt.Sprintf(\"%q is not one of the planned values\", string(v)))",
                "}", ""])
        return out

    def struct(self, obj: ObjectType) -> list[str]:
        name = self.type_names[obj.key]
        out = go_doc(f"{name}: {obj.description}" if obj.description else
                     f"{name} is an object of the plan.")
        if obj.free_form:
            out.extend([f"type {name} map[string]any", ""])
            if self.runtime_validation:
                out.extend(_check_method(name, []))
            return out
        names = self.field_names[obj.key]
        if not obj.fields:
            out.extend([f"type {name} struct{{}}", ""])
        else:
            out.append(f"type {name} struct {{")
            for index, item in enumerate(obj.fields):
                if index:
                    out.append("")  # one field per section: gofmt aligns nothing
                text = [item.description or ""]
                if item.deprecated:
                    text.append("Deprecated: the plan deprecates this property.")
                out.extend(go_doc(text, "\t"))
                if tag_name_ok(item.wire_name):
                    omit = "" if item.required else ",omitempty"
                    tag = f"`json:\"{item.wire_name}{omit}\"`"
                else:
                    tag = "`json:\"-\"`"  # written by MarshalJSON below
                out.append(f"\t{names[item.wire_name]} {self.field_type(obj, item)} {tag}")
            out.extend(["}", ""])
        out.extend(self.constructor(obj))
        if self.runtime_validation:
            out.extend(_check_method(name, self.struct_checks(obj)))
        odd = [item for item in obj.fields if not tag_name_ok(item.wire_name)]
        if odd:
            out.extend(self.marshal(obj, odd))
        return out

    def constructor(self, obj: ObjectType) -> list[str]:
        name = self.type_names[obj.key]
        names = self.field_names[obj.key]
        required = [item for item in obj.fields if item.required]
        params = assign([item.wire_name for item in required], PARAM_NAMES)
        signature = ", ".join(f"{params[item.wire_name]} {self.field_type(obj, item)}"
                              for item in required)
        values = ", ".join(f"{names[item.wire_name]}: {params[item.wire_name]}" for item in required)
        ctor = self.constructors[obj.key]
        return [f"// {ctor} returns the {name} with every required property;",
                "// set the optional ones on the result.",
                f"func {ctor}({signature}) {name} {{", f"\treturn {name}{{{values}}}", "}", ""]

    def marshal(self, obj: ObjectType, odd: list[Field]) -> list[str]:
        name = self.type_names[obj.key]
        names = self.field_names[obj.key]
        out = ["// MarshalJSON writes the keys a struct tag cannot carry, with their exact names.",
               f"func (v {name}) MarshalJSON() ([]byte, error) {{",
               f"\ttype plain {name}", "\tout, err := toMap(plain(v))", "\tif err != nil {",
               "\t\treturn nil, err", "\t}"]
        for item in odd:
            field = f"v.{names[item.wire_name]}"
            assign_line = f"out[{go_str(item.wire_name)}] = {field}"
            kind = self.field_kind(obj, item)
            if item.required:
                out.append("\t" + assign_line)
            elif kind in ("slice", "map"):
                out.extend([f"\tif len({field}) > 0 {{", "\t\t" + assign_line, "\t}"])
            else:
                out.extend([f"\tif {field} != nil {{", "\t\t" + assign_line, "\t}"])
        out.extend(["\treturn json.Marshal(out)", "}", ""])
        return out

    # -- client ----------------------------------------------------------------------------

    def method(self, call: Call) -> list[str]:
        name = self.method_names[call.sort_key]
        payload_type = self.type_names[call.payload.key]
        field = "traits" if call.kind in ("identify", "group") else "properties"
        wire = go_str(call.wire_name) if call.wire_name is not None else '""'
        doc = [f"{name} {_sends(call)}" + (f"\n{call.description}" if call.description else "")]
        if call.deprecated:
            doc.append("Deprecated: the plan deprecates this call.")
        params = "call Call, " + ("groupId string, " if call.kind == "group" else "") + \
            f"{field} {payload_type}"
        out = [*go_doc(doc), f"func (c *Client) {name}({params}) error {{"]
        if self.runtime_validation:
            out.extend([f"\tif err := c.check({go_str(call.kind)}, {wire}, {go_str(field)}, "
                        f"{field}.check); err != nil {{", "\t\treturn err", "\t}"])
        out.extend([f"\tpayload, err := toMap({field})", "\tif err != nil {", "\t\treturn err",
                    "\t}"])
        common = ("UserId: call.UserId, AnonymousId: call.AnonymousId, MessageId: call.MessageId, "
                  "Timestamp: call.Timestamp, Context: withPlan(call.Context), "
                  "Integrations: call.Integrations")
        message = {
            "track": f"segment.Track{{Event: {wire}, {common}, Properties: payload}}",
            "identify": f"segment.Identify{{{common}, Traits: payload}}",
            "group": f"segment.Group{{GroupId: groupId, {common}, Traits: payload}}",
            "page": f"segment.Page{{Name: {wire}, {common}, Properties: payload}}",
            "screen": f"segment.Screen{{Name: {wire}, {common}, Properties: payload}}",
        }[call.kind]
        out.extend([f"\treturn c.analytics.Enqueue({message})", "}", ""])
        return out

    def render(self) -> str:
        model = self.model
        out = ["// " + provenance(model, tool_version=self.tool_version, quote=go_str,
                                  sdk="analytics-go"),
               "// Code generated by protocols; DO NOT EDIT.", ""]
        doc = f"Package {self.package} is the typed tracking client of plan {go_str(model.plan_id)}."
        if model.plan_description:
            doc += "\n" + model.plan_description
        out.extend(go_doc(doc))
        out.append(f"package {self.package}")
        out.append(IMPORTS.rstrip("\n"))
        out.extend(["", "// PlanID is the id of the plan this client was generated from.",
                    f"const PlanID = {go_str(model.plan_id)}", "",
                    "// PlanVersion is the plan's version (\"\" when the plan has none).",
                    f"const PlanVersion = {go_str(model.plan_version or '')}", "",
                    f"var planVersion any = {'PlanVersion' if model.plan_version is not None else 'nil'}"])
        out.append(PRELUDE.rstrip("\n"))
        out.append("")
        out.extend(self.declarations())
        for call in model.calls:
            out.extend(self.method(call))
        while out and not out[-1]:
            out.pop()
        return "\n".join(out) + "\n"


def _base_literal(node: LiteralType) -> str:
    """The Go type of a set of literals that is not a string enum."""
    return {"integer": "int64", "boolean": "bool"}.get(literal_kind(node), "any")


def _check_method(type_name: str, body: list[str]) -> list[str]:
    if not body:
        # Two lines: gofmt keeps a short empty body on one line but splits a long one.
        return [f"func (v {type_name}) check(path string, add func(string, string)) {{", "}", ""]
    return [f"func (v {type_name}) check(path string, add func(string, string)) {{",
            *_indent(body), "}", ""]


def _indent(lines: Iterable[str]) -> list[str]:
    return ["\t" + line for line in lines]


def _sends(call: Call) -> str:
    if call.kind == "track":
        return f"sends the track event {go_str(call.wire_name or '')}."
    if call.kind in ("page", "screen"):
        return f"sends a {call.kind} call named {go_str(call.wire_name or '')}."
    return "sends an identify call." if call.kind == "identify" else "sends a group call."


def render_go(model: ClientModel, *, package: str = DEFAULT_PACKAGE, runtime_validation: bool = True,
              tool_version: str) -> dict[str, str]:
    emitter = _Emitter(model, package=package, runtime_validation=runtime_validation,
                       tool_version=tool_version)
    return {FILE_NAME: emitter.render()}


def _render(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return render_go(model, package=options.package or DEFAULT_PACKAGE,
                     runtime_validation=options.runtime_validation,
                     tool_version=options.tool_version)


def _method_names(model: ClientModel) -> dict[CallKey, str]:
    return call_methods(model, METHOD_NAMES)


EMITTER = Emitter(
    name="go",
    summary="structs, enum types and a client for github.com/segmentio/analytics-go/v3",
    sdks=("analytics-go",),
    owned=(FILE_NAME,),
    render=_render,
    method_names=_method_names,
    options=frozenset({"sdk", "runtime_validation", "package"}),
    default_package=DEFAULT_PACKAGE,
    check_package=check_package,
)
