"""The Java target (17): a class with a builder per planned object, enums and a client over
Segment's analytics-java.

Type mapping: string -> String, integer -> long (Long when optional or nullable), number ->
double (Double), boolean -> boolean (Boolean), string enums -> ``enum`` implementing
``TrackingEnum`` whose ``wire()`` is the exact value, arrays -> ``List<T>``, free-form objects
-> ``Map<String, T>``, planned objects -> a final class, anything else -> ``Object``.

Each class is built with ``Name.builder(required...)``: every required property is a parameter
of ``builder``, so leaving one out does not compile, and ``null`` for one the plan does not
allow to be null is refused (NullPointerException) before anything is sent. Optional
properties are builder setters; ``null`` leaves them out. One public type per file, as javac
wants; every file is written into ``--out`` (point it at the package's folder).
"""

from __future__ import annotations

from protocols.generate.emitter import CallKey, EmitOptions, Emitter, provenance
from protocols.generate.java_templates import (
    CALL_OPTIONS,
    CLIENT_HEAD,
    TRACKING_ENUM,
    TRACKING_JSON,
    TRACKING_OBJECT,
)
from protocols.generate.jvm import (
    JAVA_KEYWORDS,
    OBJECT_MEMBERS,
    ClassDef,
    EnumDef,
    FieldDef,
    JType,
    JvmModel,
    JvmPolicies,
    build_jvm_model,
    java_package_error,
    java_str,
    jvm_doc,
)
from protocols.generate.model import Call, ClientModel
from protocols.generate.names import NamingPolicy, call_methods
from protocols.naming import CaseStyle

SDK = "analytics-java"
_JAVA_LANG = frozenset("""
Object String Integer Long Double Float Boolean Character Byte Short Number Math System Thread
Runnable Iterable Comparable Enum Record Class ClassLoader Exception RuntimeException Error
Throwable Override Deprecated FunctionalInterface SafeVarargs SuppressWarnings Void Process
Runtime StringBuilder StringBuffer CharSequence Cloneable AutoCloseable Module Package
NullPointerException IllegalArgumentException IllegalStateException
""".split())
MODULE_NAMES = frozenset({"TrackingObject", "TrackingEnum", "TrackingJson", "CallOptions",
                          "ProtocolsClient", "Builder", "Analytics", "ExplicitNull",
                          "ExplicitNullAdapter"})
TYPE_NAMES = NamingPolicy(CaseStyle.PASCAL, JAVA_KEYWORDS | _JAVA_LANG | MODULE_NAMES, "Type")
FIELD_NAMES = NamingPolicy(CaseStyle.CAMEL, JAVA_KEYWORDS | OBJECT_MEMBERS | {
    "build", "builder", "toMap", "wire"}, "property")
CONSTANT_NAMES = NamingPolicy(CaseStyle.MACRO, JAVA_KEYWORDS, "VALUE")
METHOD_NAMES = NamingPolicy(CaseStyle.CAMEL, JAVA_KEYWORDS | OBJECT_MEMBERS | {"analytics"},
                            "event")
POLICIES = JvmPolicies(TYPE_NAMES, FIELD_NAMES, CONSTANT_NAMES)

_BOXED = {"string": "String", "long": "Long", "double": "Double", "boolean": "Boolean"}
_PRIMITIVE = {"long": "long", "double": "double", "boolean": "boolean"}
_MESSAGES = {"track": "TrackMessage", "identify": "IdentifyMessage", "group": "GroupMessage",
             "page": "PageMessage", "screen": "ScreenMessage"}


class _Emitter:
    def __init__(self, model: ClientModel, options: EmitOptions) -> None:
        self.model = model
        self.options = options
        self.package = options.package or "tracking"
        self.jvm: JvmModel = build_jvm_model(model, POLICIES)
        self.methods = call_methods(model, METHOD_NAMES)

    def header(self) -> list[str]:
        return ["// " + provenance(self.model, tool_version=self.options.tool_version,
                                   quote=java_str, sdk=SDK),
                "// Do not edit: change the plan and run `protocols generate` again."]

    def fixed(self, template: str) -> str:
        return "\n".join([*self.header(), template.strip("\n").replace("PACKAGE", self.package)]) + "\n"

    def type_text(self, jtype: JType, *, primitive: bool = False) -> str:
        if jtype.kind == "any":
            return "Object"
        if primitive and not jtype.nullable and jtype.kind in _PRIMITIVE:
            return _PRIMITIVE[jtype.kind]
        if jtype.kind in _BOXED:
            return _BOXED[jtype.kind]
        if jtype.kind in ("enum", "object"):
            return str(jtype.name)
        assert jtype.item is not None
        if jtype.kind == "list":
            return f"java.util.List<{self.type_text(jtype.item)}>"
        return f"java.util.Map<String, {self.type_text(jtype.item)}>"

    def enum_file(self, enum: EnumDef) -> str:
        lines = [*self.header(), f"package {self.package};", "",
                 f"/** The values of {java_str(enum.name)} the plan allows. */",
                 f"public enum {enum.name} implements TrackingEnum {{"]
        entries = [f"    {c}({java_str(v)})" for c, v in zip(enum.constants, enum.values, strict=True)]
        lines.append(",\n".join(entries) + ";")
        lines.extend(["", "    private final String wire;", "",
                      f"    {enum.name}(String wire) {{", "        this.wire = wire;", "    }", "",
                      "    @Override", "    public String wire() {", "        return wire;",
                      "    }", "}"])
        return "\n".join(lines) + "\n"

    def field_doc(self, item: FieldDef, indent: str) -> list[str]:
        text = item.description or ""
        if item.deprecated:
            text = ("Deprecated in the plan. " + text).rstrip()
        sent = f"Sent as {java_str(item.wire_name)}."
        return jvm_doc(f"{text}\n\n{sent}" if text else sent, indent)

    def class_file(self, cls: ClassDef) -> str:
        required = [f for f in cls.fields if f.required]
        optional = [f for f in cls.fields if not f.required]
        lines = [*self.header(), f"package {self.package};", ""]
        lines.extend(jvm_doc(cls.description or f"The planned object {java_str(cls.name)}.", ""))
        lines.extend([
            f"public final class {cls.name} implements TrackingObject {{",
            "    private final java.util.Map<String, Object> wire;", "",
            f"    private {cls.name}(java.util.Map<String, Object> wire) {{",
            "        this.wire = wire;", "    }", ""])
        params = ", ".join(f"{self.type_text(f.type, primitive=True)} {f.ident}" for f in required)
        names = ", ".join(f.ident for f in required)
        doc = "Starts one with every property the plan requires."
        if required:
            doc += "\n\n" + "\n".join(f"{f.ident}: sent as {java_str(f.wire_name)}"
                                      + (f". {f.description}" if f.description else "")
                                      for f in required)
        lines.extend(jvm_doc(doc, "    "))
        lines.extend([f"    public static Builder builder({params}) {{",
                      f"        return new Builder({names});", "    }", "",
                      "    @Override", "    public java.util.Map<String, Object> toMap() {",
                      "        return wire;", "    }", "",
                      f"    /** Builds a {{@link {cls.name}}}. */",
                      "    public static final class Builder {",
                      "        private final java.util.Map<String, Object> wire = "
                      "new java.util.LinkedHashMap<>();", "",
                      f"        private Builder({params}) {{"])
        for item in required:
            how = "nullable" if item.type.nullable or item.type.kind == "any" else "required"
            lines.append(f"            TrackingJson.{how}(this.wire, {java_str(item.wire_name)}, "
                         f"{item.ident});")
        lines.extend(["        }", ""])
        for item in optional:
            lines.extend(self.field_doc(item, "        "))
            if item.deprecated:
                lines.append("        @Deprecated")
            lines.extend([
                f"        public Builder {item.ident}({self.type_text(item.type)} {item.ident}) {{",
                f"            TrackingJson.optional(this.wire, {java_str(item.wire_name)}, "
                f"{item.ident});",
                "            return this;", "        }", ""])
        lines.extend([f"        /** The {{@link {cls.name}}} with what was set. */",
                      f"        public {cls.name} build() {{",
                      f"            return new {cls.name}(TrackingJson.freeze(this.wire));",
                      "        }", "    }", "}"])
        return "\n".join(lines) + "\n"

    def method(self, call: Call) -> list[str]:
        name = self.methods[(call.kind, call.wire_name)]
        payload = self.jvm.payloads[call.sort_key]
        field = "traits" if call.kind in ("identify", "group") else "properties"
        params = ["CallOptions options"]
        if call.kind == "group":
            params.append("String groupId")
        params.append(f"{self.type_text(payload)} {field}")
        doc = call.description or ""
        target = java_str(call.wire_name or "")
        sends = {"track": f"Sends the track event {target}.",
                 "page": f"Sends a page call named {target}.",
                 "screen": f"Sends a screen call named {target}.",
                 "identify": "Sends an identify call.", "group": "Sends a group call."}[call.kind]
        lines = jvm_doc(f"{doc}\n\n{sends}" if doc else sends, "    ")
        if call.deprecated:
            lines.append("    @Deprecated")
        lines.append(f"    public void {name}({', '.join(params)}) {{")
        message = f"com.segment.analytics.messages.{_MESSAGES[call.kind]}"
        argument = {"track": target, "page": target, "screen": target, "group": "groupId",
                    "identify": ""}[call.kind]
        payload_map = (f"{field}.toMap()" if payload.kind == "object" else
                       f"TrackingJson.payload({field})")
        lines.append(f"        analytics.enqueue(options.apply({message}.builder({argument})"
                     f".{field}({payload_map})));")
        lines.extend(["    }", ""])
        return lines

    def client_file(self) -> str:
        version = java_str(self.model.plan_version) if self.model.plan_version is not None else "null"
        lines = [*self.header(), f"package {self.package};", ""]
        doc = f"Typed tracking calls for the plan {java_str(self.model.plan_id)}."
        if self.model.plan_description:
            doc += "\n\n" + self.model.plan_description
        lines.extend(jvm_doc(doc, ""))
        lines.append(CLIENT_HEAD.strip("\n").replace("PLAN_ID_VALUE", java_str(self.model.plan_id))
                     .replace("PLAN_VERSION_VALUE", version))
        lines.append("")
        for call in self.model.calls:
            lines.extend(self.method(call))
        while lines and not lines[-1]:
            lines.pop()
        lines.append("}")
        return "\n".join(lines) + "\n"

    def render(self) -> dict[str, str]:
        files = {"TrackingObject.java": self.fixed(TRACKING_OBJECT),
                 "TrackingEnum.java": self.fixed(TRACKING_ENUM),
                 "TrackingJson.java": self.fixed(TRACKING_JSON),
                 "CallOptions.java": self.fixed(CALL_OPTIONS),
                 "ProtocolsClient.java": self.client_file()}
        for enum in self.jvm.enums.values():
            files[f"{enum.name}.java"] = self.enum_file(enum)
        for cls in self.jvm.classes.values():
            files[f"{cls.name}.java"] = self.class_file(cls)
        return files


def render_java(model: ClientModel, options: EmitOptions) -> dict[str, str]:
    return _Emitter(model, options).render()


def _method_names(model: ClientModel) -> dict[CallKey, str]:
    return call_methods(model, METHOD_NAMES)


EMITTER = Emitter(
    name="java",
    summary="classes with builders and a client for analytics-java (Java 17)",
    sdks=(SDK,),
    owned=("*.java",),
    render=render_java,
    method_names=_method_names,
    options=frozenset({"sdk", "package", "runtime_validation"}),
    default_package="tracking",
    check_package=java_package_error,
)
