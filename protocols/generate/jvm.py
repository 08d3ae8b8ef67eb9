"""What the Kotlin and Java targets share: literals, doc comments, packages, names and types.

Both compile to the JVM and read the model the same way: a planned object becomes a class, a
set of string values an enum class (named by the property's path, or by the plan's type
name), a field a camelCase member, an enum value a SCREAMING_CASE constant. Each emitter
brings its reserved words and spells the :class:`JType` in its own syntax.

Escaping. javac replaces ``\\uXXXX`` escapes in the whole source before it reads comments
(JLS 3.3), so a description holding ``\\u000a`` or ``\\u002a/`` could end a comment: doc text
writes every backslash as ``&#92;``. Kotlin block comments nest, so ``/*`` in a description
would swallow the file: ``/`` next to ``*`` becomes ``&#47;``. ``@`` would start a doc tag
(``@deprecated`` without the annotation is a javac warning) and becomes ``&#64;``. Files are
ASCII: any other character is an HTML entity in comments and an escape in strings.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from protocols.generate.escape import is_unsafe
from protocols.generate.model import (
    ArrayType,
    ClientModel,
    LiteralType,
    MapType,
    ObjectType,
    PrimitiveType,
    RefType,
    TypeExpr,
    UnionType,
    nullable_parts,
)
from protocols.generate.names import NamingPolicy, assign, assign_paths

JAVA_KEYWORDS = frozenset("""
abstract assert boolean break byte case catch char class const continue default do double else
enum extends final finally float for goto if implements import instanceof int interface long
native new package private protected public return short static strictfp super switch
synchronized this throw throws transient try void volatile while true false null var yield
record sealed permits when module open opens exports requires transitive to uses provides with
""".split()) | {"_"}
KOTLIN_HARD_KEYWORDS = frozenset("""
as break class continue do else false for fun if in interface is null object package return
super this throw true try typealias typeof val var when while
""".split())
# Soft and modifier keywords: legal identifiers, but a member called `value` or `data` reads
# badly and some are illegal in places (`field` in accessors): reserved for simplicity.
KOTLIN_SOFT_KEYWORDS = frozenset("""
by catch constructor delegate dynamic field file finally get import init param property
receiver set setparam value where actual abstract annotation companion const crossinline data
enum expect external final infix inline inner internal lateinit noinline open operator out
override private protected public reified sealed suspend tailrec vararg it
""".split())
# Members every JVM object has: a record component or property with these names clashes.
OBJECT_MEMBERS = frozenset({"equals", "hashCode", "toString", "getClass", "notify", "notifyAll",
                            "wait", "clone", "finalize"})

Kind = Literal["string", "long", "double", "boolean", "enum", "object", "list", "map", "any"]


@dataclass(frozen=True)
class JType:
    """A JVM-side type: what a property holds, before either language spells it."""

    kind: Kind
    name: str | None = None  # the class of an enum or object
    item: JType | None = None  # of a list, or the values of a map
    nullable: bool = False

    def non_null(self) -> JType:
        return JType(self.kind, self.name, self.item, False)


@dataclass(frozen=True)
class EnumDef:
    key: tuple[str, ...]
    name: str
    values: tuple[str, ...]  # exact wire values
    constants: tuple[str, ...]  # one identifier per value


@dataclass(frozen=True)
class FieldDef:
    wire_name: str
    ident: str
    type: JType
    required: bool
    description: str | None
    deprecated: bool


@dataclass(frozen=True)
class ClassDef:
    key: tuple[str, ...]
    name: str
    fields: tuple[FieldDef, ...]
    description: str | None
    free_form: bool


@dataclass(frozen=True)
class JvmPolicies:
    types: NamingPolicy
    fields: NamingPolicy
    constants: NamingPolicy
    field_taken: frozenset[str] = frozenset()


@dataclass
class JvmModel:
    """Classes and enums with their JVM names, and the type of every payload."""

    classes: dict[tuple[str, ...], ClassDef] = field(default_factory=dict)
    enums: dict[tuple[str, ...], EnumDef] = field(default_factory=dict)
    payloads: dict[tuple[str, ...], JType] = field(default_factory=dict)  # by call sort key


def jvm_hint(obj: ObjectType) -> tuple[str, ...]:
    """A class name's words: an event's payload is named by the event alone
    (``OrderCompleted``, not ``OrderCompletedProperties``), as in Typewriter's Kotlin and Swift."""
    hint = obj.hint
    if obj.key[0] == "track" and len(hint) >= 2 and hint[1] == "properties":
        return (hint[0], *hint[2:])
    if obj.key[0] in ("page", "screen") and len(hint) >= 3 and hint[2] == "properties":
        return (*hint[:2], *hint[3:])
    return hint


def build_jvm_model(model: ClientModel, policies: JvmPolicies) -> JvmModel:
    """Name every class and enum of ``model`` and resolve each field to a :class:`JType`."""
    objects = {obj.key: obj for obj in model.objects()}
    enum_sites: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def find_enums(node: TypeExpr, site: tuple[str, ...], hint: tuple[str, ...]) -> None:
        if isinstance(node, LiteralType):
            values = _string_values(node)
            if values:
                enum_sites.setdefault((*site, "#enum"), (hint, values))
        elif isinstance(node, ArrayType):
            find_enums(node.items, (*site, "item"), hint)
        elif isinstance(node, MapType):
            find_enums(node.values, (*site, "value"), hint)
        elif isinstance(node, UnionType):
            inner, _ = nullable_parts(node)
            if not isinstance(inner, UnionType):
                find_enums(inner, site, hint)

    for name, named in model.named_types.items():
        if not isinstance(named, ObjectType):
            find_enums(named, ("type", name), (name,))
    for obj in objects.values():
        for item in obj.fields:
            find_enums(item.type, (*obj.key, "properties", item.wire_name),
                       (*jvm_hint(obj), item.wire_name))

    hints = {key: jvm_hint(obj) for key, obj in objects.items() if not obj.free_form}
    hints.update({key: site[0] for key, site in enum_sites.items()})
    names = assign_paths(hints, policies.types)
    jvm = JvmModel()
    for key, (_hint, values) in sorted(enum_sites.items()):
        constants = assign(values, policies.constants)
        jvm.enums[key] = EnumDef(key, names[key], values, tuple(constants[v] for v in values))

    def resolve(node: TypeExpr, site: tuple[str, ...], seen: frozenset[str] = frozenset()) -> JType:
        inner, nullable = nullable_parts(node)
        resolved = _resolve(inner, site, seen)
        return JType(resolved.kind, resolved.name, resolved.item, resolved.nullable or nullable)

    def _resolve(node: TypeExpr, site: tuple[str, ...], seen: frozenset[str]) -> JType:
        if isinstance(node, PrimitiveType):
            if node.kind == "null":
                return JType("any", nullable=True)
            return JType({"string": "string", "integer": "long", "number": "double",
                          "boolean": "boolean"}[node.kind])  # type: ignore[arg-type]
        if isinstance(node, LiteralType):
            enum = jvm.enums.get((*site, "#enum"))
            if enum is not None:
                return JType("enum", enum.name, nullable=None in node.values)
            kinds = {type(v) for v in node.values if v is not None}
            if kinds == {int}:
                return JType("long", nullable=None in node.values)
            if kinds == {bool}:
                return JType("boolean", nullable=None in node.values)
            return JType("any", nullable=True)
        if isinstance(node, ArrayType):
            return JType("list", item=resolve(node.items, (*site, "item"), seen))
        if isinstance(node, MapType):
            return JType("map", item=resolve(node.values, (*site, "value"), seen))
        if isinstance(node, ObjectType):
            if node.free_form:
                return JType("map", item=JType("any", nullable=True))
            return JType("object", names[node.key])
        if isinstance(node, RefType):
            named = model.named_types.get(node.name)
            if named is None or node.name in seen:
                return JType("any", nullable=True)
            return resolve(named, ("type", node.name), seen | {node.name})
        return JType("any", nullable=True)  # unions of several types, AnyType

    for key, obj in objects.items():
        if obj.free_form:
            continue
        idents = assign([f.wire_name for f in obj.fields], policies.fields,
                        taken=policies.field_taken)
        fields = tuple(
            FieldDef(f.wire_name, idents[f.wire_name],
                     resolve(f.type, (*key, "properties", f.wire_name)), f.required,
                     f.description, f.deprecated)
            for f in obj.fields)
        jvm.classes[key] = ClassDef(key, names[key], fields, obj.description, obj.free_form)
    for call in model.calls:
        jvm.payloads[call.sort_key] = resolve(call.payload, call.payload.key)
    return jvm


def _string_values(node: LiteralType) -> tuple[str, ...]:
    """The values of an enum class: a literal set of strings (and maybe null), else none."""
    values = tuple(v for v in node.values if v is not None)
    if values and all(isinstance(v, str) for v in values):
        return tuple(str(v) for v in values)
    return ()


def jvm_doc(text: str, indent: str) -> list[str]:
    """A ``/** ... */`` block (Javadoc or KDoc) holding ``text`` as inert, ASCII doc text."""
    lines = [doc_text(line) for line in re.split(r"\r\n|\r|\n", text)]
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


_DOC_ENTITIES = {"\\": "&#92;", "@": "&#64;", "<": "&lt;", ">": "&gt;", "&": "&amp;",
                 "\t": " "}


def doc_text(line: str) -> str:
    out: list[str] = []
    for index, char in enumerate(line):
        if char in _DOC_ENTITIES:
            out.append(_DOC_ENTITIES[char])
        elif char == "/" and "*" in (line[index - 1:index], line[index + 1:index + 2]):
            out.append("&#47;")
        elif ord(char) > 0x7E or ord(char) < 0x20 or is_unsafe(char):
            out.append(_doc_char(ord(char)))
        else:
            out.append(char)
    return "".join(out)


def _doc_char(code: int) -> str:
    """A character reference, or, where HTML has none (controls, surrogates, noncharacters:
    javadoc's doclint rejects ``&#x0;`` as an invalid entity and fails the build), the visible
    text ``\\uXXXX`` (its backslash an entity too, so javac sees no Unicode escape)."""
    if (code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF
            or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE):
        return f"&#92;u{code:04x}"
    return f"&#x{code:x};"


def _unicode_escapes(char: str) -> str:
    """``\\uXXXX`` (two for a character outside the BMP: a surrogate pair)."""
    code = ord(char)
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


_COMMON_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b"}


def java_str(text: str) -> str:
    """A Java string literal whose value is exactly ``text``, in ASCII.

    Controls are octal escapes, never ``\\u000a``: javac would turn that into a real line break
    before reading the string (JLS 3.3), and ``\\u0022`` into its closing quote.
    """
    out = ['"']
    for char in text:
        if char in _COMMON_ESCAPES:
            out.append(_COMMON_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):03o}")
        elif ord(char) > 0x7E or is_unsafe(char):
            out.append(_unicode_escapes(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def kotlin_str(text: str) -> str:
    """A Kotlin string literal whose value is exactly ``text``, in ASCII; ``$`` cannot start
    a template."""
    out = ['"']
    for char in text:
        if char in _COMMON_ESCAPES:
            out.append(_COMMON_ESCAPES[char])
        elif char == "$":
            out.append("\\$")
        elif ord(char) < 0x20 or ord(char) > 0x7E or is_unsafe(char):
            out.append(_unicode_escapes(char))
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _package_error(name: str, keywords: Iterable[str], language: str) -> str | None:
    reserved = frozenset(keywords)
    if not name:
        return "it is empty"
    for segment in name.split("."):
        if not segment:
            return "it has an empty part (two dots, or a dot at an end)"
        if not _SEGMENT.fullmatch(segment):
            return (f"{segment!r} is not an identifier (ASCII letters, digits and _, "
                    "not starting with a digit)")
        if segment in reserved:
            return f"{segment!r} is a {language} keyword"
    return None


def java_package_error(name: str) -> str | None:
    """Why ``name`` cannot be a Java package (dotted identifiers, no keyword), or None."""
    return _package_error(name, JAVA_KEYWORDS, "Java")


def kotlin_package_error(name: str) -> str | None:
    """Why ``name`` cannot be a Kotlin package (dotted identifiers, no hard keyword), or None."""
    return _package_error(name, KOTLIN_HARD_KEYWORDS, "Kotlin")
