"""Kotlin and Java: analytics-kotlin (and its Java API) and analytics-java.

analytics-kotlin takes ``track(name, properties)``, ``identify(userId, traits)`` or
``identify(traits)``, ``screen(title, properties, category)`` and ``group(groupId, traits)``,
positionally or by name, with properties as ``buildJsonObject { put(...) }``, a map or a
serializable object; its Java API (``JavaAnalytics``) takes the same arguments. analytics-java
builds messages: ``TrackMessage.builder("Order Completed").properties(map)``, with
``IdentifyMessage``, ``GroupMessage``, ``PageMessage`` and ``ScreenMessage`` alike.

Kotlin and Java share one namespace for constants: ``Events.ORDER`` is looked up in every
scanned class, object and enum of either language.
"""

from __future__ import annotations

from tree_sitter import Node

from protocols.plan.model import MessageKind
from protocols.scan.model import Arr, CallSite, FileFacts, Import, Lit, Value
from protocols.scan.syntax.base import (
    CHAIN_LINKS,
    LONG_BUILDER,
    LONG_CHAIN,
    MAX_DEPTH,
    NESTED_CLASSES,
    Extractor,
    Invocation,
    obj,
    short,
)
from protocols.scan.syntax.strings import decode_escapes

KOTLIN_CALLS = """
(call_expression
  . [(identifier) @name
     (navigation_expression . (_) @receiver . (identifier) @name .)]
  . (value_arguments) @args
  (#any-of? @name NAMES)) @call
"""
JAVA_CALLS = """
(method_invocation object: (_)? @receiver name: (identifier) @name
                   arguments: (argument_list) @args (#any-of? @name NAMES)) @call
"""
CLIENT_WORD = b"ProtocolsClient"  # the word the CLIENTS queries need in a file to match
KOTLIN_CLIENTS = """
(property_declaration (variable_declaration . (identifier) @left)
  (call_expression . (identifier) @name (#eq? @name "ProtocolsClient")))
"""
JAVA_CLIENTS = """
(variable_declarator name: (identifier) @left
  value: (object_creation_expression type: (type_identifier) @name
                                     (#eq? @name "ProtocolsClient")))
"""
JAVA_BUILDERS = """
(method_invocation object: (_) @class name: (identifier) @method
                   arguments: (argument_list) @args (#eq? @method "builder")) @call
"""
BUILDERS: dict[str, MessageKind] = {"TrackMessage": "track", "IdentifyMessage": "identify",
                                    "GroupMessage": "group", "PageMessage": "page",
                                    "ScreenMessage": "screen"}
_KOTLIN_MAPS = frozenset({"mapOf", "hashMapOf", "mutableMapOf", "linkedMapOf", "sortedMapOf"})
_EMPTY = frozenset({"emptyMap", "emptyJsonObject", "emptyMap()", "Collections.emptyMap"})
_SCALAR_WORDS = {"true": True, "false": False, "null": None}
# Where analytics-kotlin takes each argument: (position, name).
_SDK_ARGS: dict[str, tuple[tuple[int, str] | None, tuple[int, str]]] = {
    "track": ((0, "name"), (1, "properties")),
    "identify": (None, (1, "traits")),
    "group": (None, (1, "traits")),
    "screen": ((0, "title"), (1, "properties")),
    "page": ((0, "name"), (1, "properties")),
}


class JvmExtractor(Extractor):
    family = "jvm"
    kotlin = True

    def sdk_call(self, inv: Invocation) -> CallSite | None:
        kind: MessageKind = inv.method  # type: ignore[assignment]
        name_at, payload_at = _SDK_ARGS[kind]
        name_node = self._argument(inv, name_at)
        payload_node = self._argument(inv, payload_at)
        if kind == "identify" and payload_node is None and len(inv.args) == 1 \
                and "userId" not in inv.kwargs and self._is_map(inv.args[0]):
            payload_node = inv.args[0]  # identify(traits)
        if kind == "track" and name_node is None:
            return self.site(inv, kind, "sdk", self.opaque(inv.node, "no event name"), None)
        name = self.value(name_node) if name_node is not None else None
        payload = self.value(payload_node) if payload_node is not None else None
        return self.site(inv, kind, "sdk", name, payload)

    def generated_payload(self, inv: Invocation, kind: MessageKind) -> Value | None:
        """The generated Kotlin client takes ``(properties)``, ``identify(userId, traits)``,
        ``group(groupId, traits)``; the Java one puts ``CallOptions`` first. The payload is
        a typed object (checked by the compiler) or, for an event planned without
        properties, a map, which is read like any map."""
        field = "traits" if kind in ("identify", "group") else "properties"
        node = inv.kwargs.get(field)
        if node is None:
            position = (1 if kind in ("identify", "group") else 0) + (0 if self.kotlin else 1)
            if not self.kotlin and kind == "group":
                position = 2
            node = inv.args[position] if len(inv.args) > position else None
        return self.value(node) if node is not None else None

    def _argument(self, inv: Invocation, where: tuple[int, str] | None) -> Node | None:
        if where is None:
            return None
        if where[1] in inv.kwargs:
            return inv.kwargs[where[1]]
        return inv.args[where[0]] if len(inv.args) > where[0] else None

    def _is_map(self, node: Node) -> bool:
        value = self.value(node)
        return not isinstance(value, Lit)

    def string_value(self, node: Node, text: str) -> Value:
        raw = text.startswith('"""')
        body = text[3:-3] if raw else text[1:-1]
        if self.kotlin and _has_template(body):
            return self.opaque(node, f"a string template: `{short(text)}`")
        if not self.kotlin and raw:  # a Java text block: strip the incidental indentation
            lines = body.split("\n")[1:]
            indent = min((len(x) - len(x.lstrip()) for x in lines if x.strip()), default=0)
            body = "\n".join(x[indent:] for x in lines)
        return self.lit(node, body if raw and self.kotlin else decode_escapes(body))

    def number_value(self, node: Node, text: str) -> Value:
        cleaned = text.replace("_", "").rstrip("lLfFdD") if not text.lower().startswith("0x") \
            else text.replace("_", "").rstrip("lL")
        try:
            if cleaned.lower().startswith(("0x", "0b")):
                return self.lit(node, int(cleaned, 0))
            if any(c in cleaned for c in ".eE") or text[-1:] in "fFdD":
                return self.lit(node, float(cleaned))
            return self.lit(node, int(cleaned))
        except ValueError:
            return self.opaque(node, f"`{short(text)}`")

    def entries_from_puts(self, lambda_node: Node, depth: int) -> Value:
        """``buildJsonObject { put("k", v); putJsonObject("o") { ... } }``."""
        if depth > MAX_DEPTH:
            return self.too_deep(lambda_node)
        entries: list[tuple[Value, Value]] = []
        closed = True
        statements = [c for c in lambda_node.named_children if c.type != "comment"]
        if len(statements) == 1 and statements[0].type == "statements":
            statements = [c for c in statements[0].named_children if c.type != "comment"]
        for statement in statements:
            found = self._put(statement, depth)
            if found is None:
                closed = False
            else:
                entries.append(found)
        line, column = self.position(lambda_node)
        return obj(entries, closed, line, column)

    def _put(self, node: Node, depth: int) -> tuple[Value, Value] | None:
        if node.type != "call_expression" or not node.named_children:
            return None
        callee = node.named_children[0]
        if callee.type == "call_expression" and callee.named_children:  # putJsonObject("o") {}
            inner = callee.named_children[0]
            args = self._kotlin_args(callee)
            lam = _lambda_of(node)
            if inner.type == "identifier" and self.text(inner) in ("putJsonObject", "putJsonArray") \
                    and args and lam is not None:
                key = self.value(args[0], depth + 1)
                if self.text(inner) == "putJsonObject":
                    return key, self.entries_from_puts(lam, depth + 1)
                return key, self.opaque(lam, "a JSON array built in a block")
            return None
        if callee.type != "identifier" or self.text(callee) != "put":
            return None
        args = self._kotlin_args(node)
        if len(args) != 2:
            return None
        return self.value(args[0], depth + 1), self.value(args[1], depth + 1)

    def _kotlin_args(self, call: Node) -> list[Node]:
        arguments = next((c for c in call.named_children if c.type == "value_arguments"), None)
        if arguments is None:
            return []
        out: list[Node] = []
        for argument in arguments.named_children:
            if argument.type == "value_argument" and argument.named_children:
                out.append(argument.named_children[-1])
        return out


class KotlinExtractor(JvmExtractor):
    FUNCTION_TYPES = frozenset({"function_declaration", "lambda_literal", "anonymous_function"})

    def run(self, root: Node) -> FileFacts:
        self.declarations(root.named_children, "")
        self.read_clients("kotlin", KOTLIN_CLIENTS, root, needs=CLIENT_WORD)
        self.read_calls("kotlin", KOTLIN_CALLS, root)
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        positional: list[Node] = []
        keywords: dict[str, Node] = {}
        for argument in args.named_children:
            if argument.type != "value_argument" or not argument.named_children:
                continue
            children = argument.named_children
            named = any(c.type == "=" for c in argument.children) and len(children) >= 2
            if named:
                keywords[self.text(children[0])] = children[-1]
            else:
                positional.append(children[-1])
        return Invocation(call, self.receiver_text(receiver),
                          self.text(name), positional, keywords)

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        names: list[str] = []
        for params in function.named_children:
            if params.type in ("function_value_parameters", "lambda_parameters"):
                for param in params.named_children:
                    first = param.named_children[0] if param.named_children else None
                    if param.type in ("parameter", "variable_declaration") and first is not None:
                        names.append(self.text(first))
        return (self.text(name_node) if name_node is not None else None), tuple(names)

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        kind = node.type
        if kind in ("string_literal", "multiline_string_literal"):
            return self.string_value(node, self.text(node))
        if kind in ("number_literal", "float_literal", "integer_literal", "long_literal",
                    "hex_literal", "real_literal"):
            return self.number_value(node, self.text(node))
        text = self.head(node)  # below, compared with short words and prefixes only
        if kind == "unary_expression" and text.startswith("-") and node.named_children:
            negative = self.negated(node, node.named_children[-1], depth)
            if negative is not None:
                return negative
        if kind in ("identifier", "boolean_literal", "null_literal") and text in _SCALAR_WORDS:
            return self.lit(node, _SCALAR_WORDS[text])
        if kind in ("parenthesized_expression",) and node.named_children:
            return self.value(node.named_children[0], depth + 1)
        if text in _EMPTY:
            line, column = self.position(node)
            return obj([], True, line, column)
        if kind in ("identifier", "navigation_expression"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
        if kind == "call_expression":
            return self.call_value(node, depth)
        return self.opaque(node, f"`{self.shown(node)}`")

    def call_value(self, node: Node, depth: int) -> Value:
        callee = node.named_children[0] if node.named_children else None
        name = self.head(callee) if callee is not None else ""  # compared with short names
        args = self._kotlin_args(node)
        if name == "buildJsonObject":
            lam = _lambda_of(node)
            if lam is not None:
                return self.entries_from_puts(lam, depth + 1)
        if name in _KOTLIN_MAPS or name == "JsonObject":
            if name == "JsonObject" and len(args) == 1:
                return self.value(args[0], depth + 1)
            entries: list[tuple[Value, Value]] = []
            closed = True
            for arg in args:
                pair = arg.named_children if arg.type == "infix_expression" else []
                if len(pair) == 3 and self.text(pair[1]) == "to":
                    entries.append((self.value(pair[0], depth + 1), self.value(pair[2], depth + 1)))
                else:
                    closed = False
            line, column = self.position(node)
            return obj(entries, closed, line, column)
        if name in ("listOf", "arrayOf", "mutableListOf", "buildJsonArray") and name != "buildJsonArray":
            line, column = self.position(node)
            return Arr(tuple(self.value(a, depth + 1) for a in args), line, column)
        if name == "JsonPrimitive" and len(args) == 1:
            return self.value(args[0], depth + 1)
        parts = self.dotted(node)
        if parts is not None and not args:
            return self.ref(node, parts)
        return self.opaque(node, f"the result of `{self.shown(node)}`")

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        """``a.b``, and ``a.b()`` with no arguments (an accessor: ``Ev.ORDER.getWire()``)."""
        children = node.named_children
        if node.type == "navigation_expression" and len(children) == 2:
            return self.text(children[1]), children[0]
        if node.type == "call_expression" and len(children) == 2 \
                and children[1].type == "value_arguments" and not children[1].named_children:
            inner = children[0].named_children
            if children[0].type != "navigation_expression" or len(inner) != 2:
                return None
            return self.text(inner[1]) + "()", inner[0]
        return None

    def declarations(self, nodes: list[Node], prefix: str, depth: int = 0) -> None:
        facts = self.facts
        if depth > MAX_DEPTH and nodes:
            self.unread(nodes[0], NESTED_CLASSES)
            return
        for node in nodes:
            if node.type == "package_header":
                qualified = next((c for c in node.named_children if c.type == "qualified_identifier"), None)
                facts.package = self.text(qualified) if qualified is not None else None
            elif node.type == "import":
                self.import_(node)
            elif node.type == "property_declaration":
                self.property(node, prefix)
            elif node.type in ("object_declaration", "class_declaration", "companion_object"):
                name = node.child_by_field_name("name")
                inner = prefix if node.type == "companion_object" or name is None \
                    else f"{prefix}{self.text(name)}."
                for body in node.named_children:
                    if body.type == "class_body":
                        self.declarations(body.named_children, inner, depth + 1)
                    elif body.type == "enum_class_body":
                        self.enum(body, inner)

    def property(self, node: Node, prefix: str) -> None:
        declared = next((c for c in node.named_children if c.type == "variable_declaration"), None)
        value = node.named_children[-1] if node.named_children else None
        if declared is None or value is None or value is declared or not declared.named_children:
            return
        if not any(c.type == "val" for c in node.children):
            return  # a var can change
        self.facts.symbols[prefix + self.text(declared.named_children[0])] = self.value(value)

    def enum(self, body: Node, prefix: str) -> None:
        for entry in body.named_children:
            if entry.type != "enum_entry" or not entry.named_children:
                continue
            member = self.text(entry.named_children[0])
            args = next((c for c in entry.named_children if c.type == "value_arguments"), None)
            first = None
            if args is not None and args.named_children and args.named_children[0].named_children:
                first = args.named_children[0].named_children[-1]
            qualified = prefix + member
            self.facts.symbols[qualified] = self.value(first) if first is not None else \
                self.lit(entry, member)
            self.facts.enum_members[qualified] = member

    def import_(self, node: Node) -> None:
        qualified = next((c for c in node.named_children if c.type == "qualified_identifier"), None)
        if qualified is None:
            return
        parts = [self.text(c) for c in qualified.named_children]
        alias = next((c for c in node.named_children if c.type == "identifier"), None)
        if not parts or self.text(node).rstrip().endswith("*"):
            return
        # The class-qualified tail: com.shop.Events.ORDER -> Events.ORDER (classes start with
        # a capital letter by convention; packages do not).
        tail = _class_tail(parts)
        self.facts.imports[self.text(alias) if alias is not None else parts[-1]] = Import(None, tail)


class JavaExtractor(JvmExtractor):
    kotlin = False
    FUNCTION_TYPES = frozenset({"method_declaration", "constructor_declaration",
                                "lambda_expression"})

    def run(self, root: Node) -> FileFacts:
        self.declarations(root.named_children, "")
        self.read_clients("java", JAVA_CLIENTS, root, needs=CLIENT_WORD)
        self.read_calls("java", JAVA_CALLS, root)
        for captures in self.query("java", JAVA_BUILDERS, root, needs=(b"builder",)):
            owner = self.source.tail(captures["class"][0]).rsplit(".", 1)[-1]
            kind = BUILDERS.get(owner)
            if kind is not None:
                self.add(self.builder(captures["call"][0], captures["args"][0], kind, owner))
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        return Invocation(call, self.receiver_text(receiver) if receiver else None,
                          self.text(name),
                          [c for c in args.named_children if c.type != "comment"], {})

    def builder(self, call: Node, args: Node, kind: MessageKind, owner: str) -> CallSite:
        """``TrackMessage.builder(name)`` and the ``.properties(...)``/``.traits(...)`` chained
        on it."""
        name: Value | None = None
        positional = [c for c in args.named_children if c.type != "comment"]
        if kind in ("track", "page", "screen") and positional:
            name = self.value(positional[0])
        payload: Value | None = None
        current = call
        for step in range(MAX_DEPTH + 1):  # (each step to a parent costs its depth)
            parent = current.parent
            if parent is None or parent.type != "method_invocation" \
                    or parent.child_by_field_name("object") != current:
                break
            if step == MAX_DEPTH:
                self.unread(parent, LONG_BUILDER)
                break
            method = parent.child_by_field_name("name")
            arguments = parent.child_by_field_name("arguments")
            if method is not None and arguments is not None and \
                    self.text(method) in ("properties", "traits") and arguments.named_children:
                payload = self.value(arguments.named_children[0])
            current = parent
        inv = Invocation(call, owner, "builder", positional, {})
        return self.site(inv, kind, "sdk", name, payload)

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        params = function.child_by_field_name("parameters")
        names: list[str] = []
        if params is not None and params.type == "identifier":
            names.append(self.text(params))
        for param in params.named_children if params is not None else ():
            target = param.child_by_field_name("name") if param.type != "identifier" else param
            if target is not None:
                names.append(self.text(target))
        return (self.text(name_node) if name_node is not None else None), tuple(names)

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        kind = node.type
        if kind == "string_literal":
            return self.string_value(node, self.text(node))
        if kind.endswith("_literal") and ("integer" in kind or "floating" in kind):
            return self.number_value(node, self.text(node))
        text = self.head(node)  # below, compared with short words and prefixes only
        if kind in ("true", "false", "null_literal"):
            return self.lit(node, _SCALAR_WORDS[text])
        if kind == "unary_expression" and text.startswith("-") and node.named_children:
            negative = self.negated(node, node.named_children[-1], depth)
            if negative is not None:
                return negative
        if kind == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0], depth + 1)
        if kind in ("identifier", "field_access"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
        if kind == "method_invocation":
            return self.call_value(node, depth)
        return self.opaque(node, f"`{self.shown(node)}`")

    def call_value(self, node: Node, depth: int) -> Value:
        obj_node = node.child_by_field_name("object")
        method = node.child_by_field_name("name")
        arguments = node.child_by_field_name("arguments")
        args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        owner = self.source.tail(obj_node).rsplit(".", 1)[-1] if obj_node is not None else ""
        name = self.text(method) if method is not None else ""
        line, column = self.position(node)
        if owner in ("Map", "ImmutableMap") and name == "of":
            pairs = [(self.value(args[i], depth + 1), self.value(args[i + 1], depth + 1))
                     for i in range(0, len(args) - 1, 2)]
            return obj(pairs, len(args) % 2 == 0, line, column)
        if owner == "Map" and name == "ofEntries":
            entries: list[tuple[Value, Value]] = []
            closed = True
            for arg in args:
                inner = arg.child_by_field_name("arguments") if arg.type == "method_invocation" else None
                inner_args = [c for c in inner.named_children if c.type != "comment"] if inner else []
                if len(inner_args) == 2 and self.text(arg.child_by_field_name("name") or arg) == "entry":
                    entries.append((self.value(inner_args[0], depth + 1),
                                    self.value(inner_args[1], depth + 1)))
                else:
                    closed = False
            return obj(entries, closed, line, column)
        if name == "emptyMap" or (owner in ("Map", "ImmutableMap") and name == "of" and not args):
            return obj([], True, line, column)
        if name == "build" and obj_node is not None:
            return self._map_builder(obj_node, depth, line, column)
        if name in ("asList", "of") and owner in ("Arrays", "List", "ImmutableList"):
            return Arr(tuple(self.value(a, depth + 1) for a in args), line, column)
        parts = self.dotted(node)
        if parts is not None:
            return self.ref(node, parts)
        return self.opaque(node, f"the result of `{self.shown(node)}`")

    def _map_builder(self, chain: Node, depth: int, line: int, column: int) -> Value:
        """``ImmutableMap.builder().put(k, v)...build()``."""
        entries: list[tuple[Value, Value]] = []
        current: Node | None = chain
        for _ in range(CHAIN_LINKS):
            if current is None or current.type != "method_invocation":
                return self.opaque(chain, "a map built step by step")
            method = current.child_by_field_name("name")
            arguments = current.child_by_field_name("arguments")
            args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
            name = self.text(method) if method is not None else ""
            if name == "put" and len(args) == 2:
                entries.append((self.value(args[0], depth + 1), self.value(args[1], depth + 1)))
            elif name == "builder":
                return obj(entries[::-1], True, line, column)
            else:
                return self.opaque(chain, "a map built step by step")
            current = current.child_by_field_name("object")
        self.unread(chain, LONG_CHAIN)
        return self.opaque(chain, "a map built step by step")

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        """``a.b``, and ``a.b()`` with no arguments (an accessor: ``Ev.ORDER.getWire()``)."""
        if node.type == "field_access":
            field = node.child_by_field_name("field")
            if field is None:
                return None
            return self.text(field), node.child_by_field_name("object")
        if node.type == "method_invocation":
            arguments = node.child_by_field_name("arguments")
            method = node.child_by_field_name("name")
            if arguments is None or arguments.named_children or method is None:
                return None
            return self.text(method) + "()", node.child_by_field_name("object")
        return None

    def declarations(self, nodes: list[Node], prefix: str, depth: int = 0) -> None:
        facts = self.facts
        if depth > MAX_DEPTH and nodes:
            self.unread(nodes[0], NESTED_CLASSES)
            return
        for node in nodes:
            if node.type == "package_declaration" and node.named_children:
                facts.package = self.text(node.named_children[0])
            elif node.type == "import_declaration":
                self.import_(node)
            elif node.type in ("class_declaration", "interface_declaration", "enum_declaration",
                               "record_declaration"):
                name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
                if name is None or body is None:
                    continue
                inner = f"{prefix}{self.text(name)}."
                if node.type == "enum_declaration":
                    self.enum(body, inner)
                constant = node.type == "interface_declaration"
                for member in body.named_children:
                    if member.type in ("field_declaration", "constant_declaration"):
                        self.field(member, inner, constant)
                    elif member.type == "enum_body_declarations":
                        self.declarations(member.named_children, inner, depth + 1)
                    elif member.type in ("class_declaration", "interface_declaration",
                                         "enum_declaration"):
                        self.declarations([member], inner, depth + 1)
            elif node.type in ("field_declaration", "constant_declaration"):
                self.field(node, prefix, False)

    def field(self, node: Node, prefix: str, constant: bool) -> None:
        modifiers = next((c for c in node.named_children if c.type == "modifiers"), None)
        if not constant and (modifiers is None or "final" not in self.text(modifiers).split()):
            return
        for declarator in node.children_by_field_name("declarator"):
            name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
            if name is not None and value is not None:
                self.facts.symbols[prefix + self.text(name)] = self.value(value)

    def enum(self, body: Node, prefix: str) -> None:
        for constant in body.named_children:
            if constant.type != "enum_constant":
                continue
            name = constant.child_by_field_name("name")
            if name is None:
                continue
            arguments = constant.child_by_field_name("arguments")
            first = arguments.named_children[0] if arguments is not None and arguments.named_children else None
            member = self.text(name)
            self.facts.symbols[prefix + member] = self.value(first) if first is not None else \
                self.lit(name, member)
            self.facts.enum_members[prefix + member] = member

    def import_(self, node: Node) -> None:
        target = next((c for c in node.named_children if c.type in ("scoped_identifier", "identifier")), None)
        if target is None or any(c.type == "asterisk" for c in node.named_children):
            return
        parts = self.text(target).split(".")
        self.facts.imports[parts[-1]] = Import(None, _class_tail(parts))


def _class_tail(parts: list[str]) -> str:
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[index:])
    return parts[-1]


def _lambda_of(node: Node) -> Node | None:
    for child in node.named_children:
        if child.type == "annotated_lambda":
            return next((c for c in child.named_children if c.type == "lambda_literal"), None)
        if child.type == "lambda_literal":
            return child
    return None


def _has_template(body: str) -> bool:
    """``$name`` or ``${...}`` not escaped as ``\\$``."""
    index = body.find("$")
    while index >= 0:
        escaped = index > 0 and body[index - 1] == "\\" and (index < 2 or body[index - 2] != "\\")
        after = body[index + 1: index + 2]
        if not escaped and (after == "{" or after.isalpha() or after == "_"):
            return True
        index = body.find("$", index + 1)
    return False
