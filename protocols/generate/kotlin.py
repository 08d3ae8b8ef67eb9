"""The Kotlin target: data classes, enum classes and a client over Segment's analytics-kotlin.

Type mapping: string -> String, integer -> Long, number -> Double, boolean -> Boolean,
string enums -> ``enum class`` whose ``wire`` is the exact value, arrays -> ``List<T>``,
free-form objects -> ``Map<String, T>``, planned objects -> ``data class``, a type that
allows null -> ``T?``, anything else (unions of several types, ``{}``) -> ``Any?``.

Required properties are constructor parameters without defaults (leaving one out does not
compile); optional ones default to null and are left out of the payload when null. Each class
writes its own ``JsonObject`` (``toJson``) with the planned keys, so the generated code needs
no serialization compiler plugin, only the SDK (which brings kotlinx-serialization-json).

analytics-kotlin has track, identify, group and screen but no page call: pages in the plan get
no method in Kotlin (docs/generate.md says so).
"""

from __future__ import annotations

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.jvm import (
    KOTLIN_HARD_KEYWORDS,
    KOTLIN_SOFT_KEYWORDS,
    OBJECT_MEMBERS,
    ClassDef,
    EnumDef,
    JType,
    JvmModel,
    JvmPolicies,
    build_jvm_model,
    jvm_doc,
    kotlin_package_error,
    kotlin_str,
)
from protocols.generate.kotlin_templates import CLIENT_HEAD, IMPORTS, PRELUDE
from protocols.generate.model import Call, ClientModel
from protocols.generate.names import NamingPolicy, call_methods
from protocols.naming import CaseStyle

FILE_NAME = "Tracking.kt"
SDK = "analytics-kotlin"

_BUILTIN_TYPES = frozenset("""
Any Unit Nothing String Int Long Double Float Boolean Char Byte Short Number List Map Set Array
Pair Triple Enum Comparable Iterable Collection Sequence Throwable Exception Error Result Lazy
Function Deprecated Suppress IllegalArgumentException LinkedHashMap HashMap MutableMap
MutableList CharSequence Annotation Metadata JvmField JvmStatic JvmName Override Cloneable
""".split())
MODULE_NAMES = frozenset({
    "Analytics", "BaseEvent", "EnrichmentClosure", "JsonArray", "JsonElement", "JsonNull",
    "JsonObject", "JsonPrimitive", "TrackingObject", "TrackingEnum", "ProtocolsClient",
})
_KEYWORDS = KOTLIN_HARD_KEYWORDS | KOTLIN_SOFT_KEYWORDS
_DATA_MEMBERS = OBJECT_MEMBERS | {"copy", "toJson"} | {
    f"component{i}" for i in range(1, 256)}
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, _KEYWORDS | _BUILTIN_TYPES | MODULE_NAMES, "Type")
FIELD_NAMES = NamingPolicy(CaseStyle.CAMEL, _KEYWORDS | _DATA_MEMBERS, "property")
CONSTANT_NAMES = NamingPolicy(CaseStyle.MACRO, _KEYWORDS, "VALUE")
# The client's own members, and the top-level functions its body calls: a method
# `emptyMap(properties = emptyMap())` (an event "Empty Map") would be what `emptyMap()` means
# inside the client, as every parameter has a default.
METHOD_NAMES = NamingPolicy(CaseStyle.CAMEL, _KEYWORDS | OBJECT_MEMBERS | {
    "analytics", "stamped", "emptyMap", "mapOf", "trackingJson"}, "event")
POLICIES = JvmPolicies(TYPE_NAMES, FIELD_NAMES, CONSTANT_NAMES)

_PRIMITIVES = {"string": "String", "long": "Long", "double": "Double", "boolean": "Boolean"}


def sendable(call: Call) -> bool:
    """Whether analytics-kotlin can send the call: it has no page call."""
    return call.kind != "page"


class _Emitter:
    def __init__(self, model: ClientModel, options: EmitOptions) -> None:
        self.model = model
        self.options = options
        self.jvm: JvmModel = build_jvm_model(model, POLICIES)
        self.calls = [call for call in model.calls if sendable(call)]
        self.methods = call_methods(model, METHOD_NAMES, calls=self.calls)

    def type_text(self, jtype: JType) -> str:
        if jtype.kind == "any":
            return "Any?"
        if jtype.kind in _PRIMITIVES:
            text = _PRIMITIVES[jtype.kind]
        elif jtype.kind in ("enum", "object"):
            text = str(jtype.name)
        elif jtype.kind == "list":
            assert jtype.item is not None
            text = f"List<{self.type_text(jtype.item)}>"
        else:
            assert jtype.item is not None
            text = f"Map<String, {self.type_text(jtype.item)}>"
        return text + ("?" if jtype.nullable else "")

    def to_json(self, expr: str, jtype: JType, depth: int = 0) -> str:
        """An expression turning ``expr`` (of ``jtype``) into a JsonElement."""
        if jtype.kind == "any":
            return f"trackingJson({expr})"
        if jtype.nullable:
            var = f"v{depth}"
            return f"({expr}?.let {{ {var} -> {self.to_json(var, jtype.non_null(), depth + 1)} }} ?: JsonNull)"
        if jtype.kind in _PRIMITIVES:
            return f"JsonPrimitive({expr})"
        if jtype.kind == "enum":
            return f"JsonPrimitive({expr}.wire)"
        if jtype.kind == "object":
            return f"{expr}.toJson()"
        assert jtype.item is not None
        var = f"v{depth}"
        if jtype.kind == "list":
            return f"JsonArray({expr}.map {{ {var} -> {self.to_json(var, jtype.item, depth + 1)} }})"
        return (f"JsonObject({expr}.mapValues {{ {var} -> "
                f"{self.to_json(f'{var}.value', jtype.item, depth + 1)} }})")

    def enum_class(self, enum: EnumDef) -> list[str]:
        lines = [f"public enum class {enum.name}(override val wire: String) : TrackingEnum {{"]
        for constant, value in zip(enum.constants, enum.values, strict=True):
            lines.append(f"    {constant}({kotlin_str(value)}),")
        lines.extend(["}", ""])
        return lines

    def data_class(self, cls: ClassDef) -> list[str]:
        doc = jvm_doc(cls.description, "") if cls.description else []
        ordered = [f for f in cls.fields if f.required] + [f for f in cls.fields if not f.required]
        if not ordered:
            lines = [*doc, f"public class {cls.name} : TrackingObject {{",
                     "    override fun toJson(): JsonObject = JsonObject(emptyMap())",
                     "", "    override fun equals(other: Any?): Boolean = other is " + cls.name,
                     "", f"    override fun hashCode(): Int = {kotlin_str(cls.name)}.hashCode()",
                     "}", ""]
            return lines
        lines = [*doc, f"public data class {cls.name}("]
        for item in ordered:
            text = item.description or ""
            if item.deprecated:
                text = ("Deprecated in the plan. " + text).rstrip()
            if item.ident != item.wire_name:
                sent = f"Sent as {kotlin_str(item.wire_name)}."
                text = f"{text}\n\n{sent}" if text else sent
            lines.extend(jvm_doc(text, "    ") if text else [])
            jtype = item.type
            if not item.required:
                jtype = JType(jtype.kind, jtype.name, jtype.item, True)
            default = "" if item.required else " = null"
            lines.append(f"    val {item.ident}: {self.type_text(jtype)}{default},")
        lines.append(") : TrackingObject {")
        lines.append("    override fun toJson(): JsonObject {")
        lines.append("        val json = LinkedHashMap<String, JsonElement>()")
        for item in cls.fields:
            key = kotlin_str(item.wire_name)
            if item.required:
                lines.append(f"        json[{key}] = {self.to_json(f'this.{item.ident}', item.type)}")
            else:
                inner = self.to_json("value", item.type.non_null(), 1) if item.type.kind != "any" \
                    else "trackingJson(value)"
                lines.append(f"        this.{item.ident}?.let {{ value -> json[{key}] = {inner} }}")
        lines.extend(["        return JsonObject(json)", "    }", "}", ""])
        return lines

    def method(self, call: Call) -> list[str]:
        name = self.methods[(call.kind, call.wire_name)]
        payload = self.jvm.payloads[call.sort_key]
        field = "traits" if call.kind in ("identify", "group") else "properties"
        required = any(f.required for f in call.payload.fields)
        default = ("" if required else " = emptyMap()" if payload.kind == "map"
                   else f" = {payload.name}()")
        params: list[str] = []
        if call.kind == "identify":
            params.append("userId: String")
        if call.kind == "group":
            params.append("groupId: String")
        params.append(f"{field}: {self.type_text(payload)}{default}")
        if call.kind == "screen":
            params.append('category: String = ""')
        params.append("enrichment: EnrichmentClosure? = null")
        doc = call.description or ""
        sends = {"track": f"Sends the track event {kotlin_str(call.wire_name or '')}.",
                 "screen": f"Sends a screen call named {kotlin_str(call.wire_name or '')}.",
                 "identify": "Sends an identify call.", "group": "Sends a group call."}[call.kind]
        lines = jvm_doc(f"{doc}\n\n{sends}" if doc else sends, "    ")
        if call.deprecated:
            lines.append('    @Deprecated("Deprecated in the plan.")')
        lines.append(f"    public fun {name}({', '.join(params)}) {{")
        json = self.to_json(field, payload)
        if payload.kind == "map":
            json = f"JsonObject({field}.mapValues {{ entry -> trackingJson(entry.value) }})"
        elif payload.kind == "object":
            json = f"{field}.toJson()"
        wire = kotlin_str(call.wire_name or "")
        args = {"track": f"{wire}, {json}", "identify": f"userId, {json}",
                "group": f"groupId, {json}", "screen": f"{wire}, {json}, category"}[call.kind]
        lines.append(f"        analytics.{call.kind}({args}, stamped(enrichment))")
        lines.extend(["    }", ""])
        return lines

    def render(self) -> str:
        model = self.model
        out = [
            "// " + provenance(model, tool_version=self.options.tool_version, quote=kotlin_str, sdk=SDK),
            "// Do not edit: change the plan and run `protocols generate` again.",
        ]
        doc = f"Typed tracking calls for the plan {kotlin_str(model.plan_id)}."
        if model.plan_description:
            doc += "\n\n" + model.plan_description
        out.extend(jvm_doc(doc, ""))
        out.extend(["", f"package {self.options.package}", "", IMPORTS.strip("\n"), "",
                    PRELUDE.strip("\n"), ""])
        for enum in self.jvm.enums.values():
            out.extend(self.enum_class(enum))
        for cls in self.jvm.classes.values():
            out.extend(self.data_class(cls))
        version = kotlin_str(model.plan_version) if model.plan_version is not None else "null"
        head = (CLIENT_HEAD.strip("\n").replace("PLAN_ID_VALUE", kotlin_str(model.plan_id))
                .replace("PLAN_VERSION_VALUE", version))
        out.extend([head, ""])
        for call in self.calls:
            out.extend(self.method(call))
        while out and not out[-1]:
            out.pop()
        out.append("}")
        return "\n".join(out) + "\n"


def render_kotlin(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return {FILE_NAME: _Emitter(model, options).render()}


def _method_names(model: ClientModel) -> dict[CallKey, str]:
    return call_methods(model, METHOD_NAMES, calls=[c for c in model.calls if sendable(c)])


EMITTER = Emitter(
    name="kotlin",
    summary="data classes and a client for analytics-kotlin (Android, JVM)",
    sdks=(SDK,),
    owned=(FILE_NAME,),
    render=render_kotlin,
    method_names=_method_names,
    options=frozenset({"sdk", "package", "runtime_validation"}),
    default_package="tracking",
    check_package=kotlin_package_error,
)
