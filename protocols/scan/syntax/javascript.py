"""JavaScript and TypeScript (with JSX and TSX): Segment's analytics-next and analytics-node.

analytics-next (browser) takes positional arguments: ``track(event, properties, options)``,
``identify(userId?, traits?)``, ``group(groupId?, traits?)`` and
``page``/``screen([category], [name], [properties])`` where strings are the category and
name and the first object the properties. analytics-node takes one message object:
``track({userId, event, properties})``. The generated TypeScript client follows the SDK it
wraps: ``orderCompleted(properties, options)`` or ``orderCompleted({userId, properties})``.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from protocols.plan.model import MessageKind
from protocols.scan.model import Arr, CallSite, FileFacts, Import, Lit, Value
from protocols.scan.syntax.base import (
    MAX_DEPTH,
    Extractor,
    Invocation,
    obj,
    short,
)
from protocols.scan.syntax.strings import decode_escapes

CLIENT_CLASS = "ProtocolsClient"
CALLS = """
(call_expression
  function: [(identifier) @name
             (member_expression object: (_) @receiver property: (property_identifier) @name)]
  arguments: (arguments) @args
  (#any-of? @name NAMES)) @call
"""
CLIENTS = f"""
(variable_declarator name: (_) @left
  value: (new_expression constructor: (identifier) @name (#eq? @name "{CLIENT_CLASS}")))
"""
_SCALARS = {"true": True, "false": False, "null": None}
_WRAPPERS = frozenset({"parenthesized_expression", "as_expression", "satisfies_expression",
                       "non_null_expression", "type_assertion"})
_NOT_NAMES = frozenset({"object", "arrow_function", "function_expression", "function"})
# Keys that make a single object argument an analytics-node message.
_MESSAGE_KEYS = frozenset({"userId", "anonymousId", "event", "properties", "traits", "groupId"})
_NUMBER = re.compile(r"^(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)n?$")


class JavaScriptExtractor(Extractor):
    family = "js"
    FUNCTION_TYPES = frozenset({"function_declaration", "function_expression", "arrow_function",
                                "method_definition", "generator_function_declaration",
                                "function"})

    def run(self, root: Node) -> FileFacts:
        self.declarations(root)
        lang = self.language
        self.read_clients(lang, CLIENTS, root, needs=CLIENT_CLASS.encode())
        self.read_calls(lang, CALLS, root)
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        positional = [c for c in args.named_children if c.type != "comment"]
        keywords: dict[str, Node] = {}
        # A wrapper's event_arg may name a key of the object it is given: trackEvent({name}).
        if positional and positional[0].type == "object":
            keywords = self.object_fields(positional[0])
        receiver_text = self.receiver_text(receiver)
        if receiver_text is not None:
            receiver_text = receiver_text.replace("?.", ".")
        return Invocation(call, receiver_text, self.text(name), positional, keywords)

    def object_fields(self, node: Node) -> dict[str, Node]:
        fields: dict[str, Node] = {}
        for child in node.named_children:
            if child.type == "pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is not None and value is not None:
                    name = self.key_text(key)
                    if name is not None:
                        fields[name] = value
            elif child.type == "shorthand_property_identifier":
                fields[self.text(child)] = child
        return fields

    def key_text(self, key: Node) -> str | None:
        if key.type in ("property_identifier", "identifier"):
            return self.text(key)
        if key.type == "string":
            found = self.value(key)
            return found.value if isinstance(found, Lit) and isinstance(found.value, str) else None
        return None

    # -- calls -----------------------------------------------------------------------------

    def _message(self, inv: Invocation) -> dict[str, Node] | None:
        """The fields of an analytics-node message object, when the call takes one."""
        if len(inv.args) == 1 and inv.args[0].type == "object":
            fields = self.object_fields(inv.args[0])
            if fields.keys() & _MESSAGE_KEYS:
                return fields
        return None

    def sdk_call(self, inv: Invocation) -> CallSite | None:
        kind: MessageKind = inv.method  # type: ignore[assignment]
        message = self._message(inv)
        name_node: Node | None = None
        payload_node: Node | None = None
        if message is not None:
            field = "traits" if kind in ("identify", "group") else "properties"
            payload_node = message.get(field)
            name_node = message.get("event" if kind == "track" else "name")
            if kind == "track" and name_node is None:
                return self.site(inv, kind, "sdk", self.opaque(inv.node, "no `event` field"),
                                 self.value(payload_node) if payload_node else None)
        elif kind == "track":
            name_node = inv.args[0] if inv.args else None
            payload_node = inv.args[1] if len(inv.args) > 1 else None
            if name_node is None:
                return self.site(inv, kind, "sdk", self.opaque(inv.node, "no arguments"), None)
        elif kind in ("identify", "group"):
            first = inv.args[0] if inv.args else None
            if first is not None and first.type == "object":
                payload_node = first
            else:
                payload_node = inv.args[1] if len(inv.args) > 1 else None
        else:
            name_node, payload_node = self._page_arguments(inv.args)
        name = self.value(name_node) if name_node is not None else None
        payload = self.value(payload_node) if payload_node is not None else None
        return self.site(inv, kind, "sdk", name, payload)

    def _page_arguments(self, args: list[Node]) -> tuple[Node | None, Node | None]:
        """analytics-next's page/screen: ``(category, name, properties)``, ``(name,
        properties)`` or ``(properties)``; strings come first, the first object is the
        properties."""
        if not args or args[0].type in _NOT_NAMES:
            return None, args[0] if args and args[0].type == "object" else None
        if len(args) > 1 and args[1].type not in _NOT_NAMES:
            return args[1], args[2] if len(args) > 2 else None
        return args[0], args[1] if len(args) > 1 else None

    def generated_payload(self, inv: Invocation, kind: MessageKind) -> Value | None:
        message = self._message(inv)
        field = "traits" if kind in ("identify", "group") else "properties"
        if message is not None:
            node = message.get(field)
        else:
            position = 1 if kind == "group" else 0
            node = inv.args[position] if len(inv.args) > position else None
        return self.value(node) if node is not None else None

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        name = self.text(name_node) if name_node is not None else None
        if name is None and function.parent is not None and \
                function.parent.type == "variable_declarator":
            declared = function.parent.child_by_field_name("name")
            name = self.text(declared) if declared is not None else None
        single = function.child_by_field_name("parameter")
        if single is not None:
            return name, (self.text(single),)
        params = function.child_by_field_name("parameters")
        names: list[str] = []
        for child in params.named_children if params is not None else ():
            target = child.child_by_field_name("pattern") or child
            if target.type == "assignment_pattern":
                target = target.child_by_field_name("left") or target
            if target.type == "rest_pattern" and target.named_children:
                target = target.named_children[0]
            if target.type == "identifier":
                names.append(self.text(target))
        return name, tuple(names)

    # -- values ----------------------------------------------------------------------------

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        kind = node.type
        if kind in _WRAPPERS and node.named_children:
            return self.value(node.named_children[0], depth + 1)
        if kind == "string":
            text = self.text(node)
            return self.lit(node, decode_escapes(text[1:-1]))
        if kind == "template_string":
            if any(c.type == "template_substitution" for c in node.named_children):
                return self.opaque(node, f"a template with placeholders: `{self.shown(node)}`")
            return self.lit(node, decode_escapes(self.text(node)[1:-1]))
        if kind == "number":
            return self.number(node, self.text(node))
        if kind == "unary_expression" and node.child_count == 2 \
                and self.text(node.children[0]) == "-" and node.children[1].type == "number":
            return self.number(node, "-" + self.text(node.children[1]))
        if kind in _SCALARS:
            return self.lit(node, _SCALARS[kind])
        if kind in ("identifier", "member_expression", "subscript_expression",
                    "shorthand_property_identifier", "this"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
        if kind == "object":
            return self.object(node, depth)
        if kind == "array":
            line, column = self.position(node)
            closed = all(c.type != "spread_element" for c in node.named_children)
            items = tuple(self.value(c, depth + 1) for c in node.named_children
                          if c.type not in ("comment", "spread_element"))
            return Arr(items, line, column) if closed else self.opaque(node, "an array with a spread")
        if kind == "call_expression":
            return self.opaque(node, f"the result of `{self.shown(node)}`")
        return self.opaque(node, f"`{self.shown(node)}`")

    def number(self, node: Node, text: str) -> Value:
        cleaned = text.replace("_", "")
        negative = cleaned.startswith("-")
        body = cleaned.lstrip("-")
        if not _NUMBER.match(body) or body.endswith("n"):
            return self.opaque(node, f"`{short(text)}`")
        try:
            number: int | float = int(body, 0) if body[:2].lower() in ("0x", "0o", "0b") \
                else (float(body) if any(c in body for c in ".eE") else int(body))
        except ValueError:
            return self.opaque(node, f"`{short(text)}`")
        return self.lit(node, -number if negative else number)

    NAME_TYPES = frozenset({"identifier", "shorthand_property_identifier", "this"})

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        """``a.b`` and ``a["b"]`` (a string index); parentheses and type assertions are
        looked through."""
        if node.type in _WRAPPERS and node.named_children:
            return None, node.named_children[0]
        if node.type == "member_expression":
            prop = node.child_by_field_name("property")
            if prop is None:
                return None
            return self.text(prop), node.child_by_field_name("object")
        if node.type == "subscript_expression":
            index = node.child_by_field_name("index")
            decoded = self.value(index) if index is not None and index.type == "string" \
                else None
            if not isinstance(decoded, Lit) or not isinstance(decoded.value, str):
                return None
            return decoded.value, node.child_by_field_name("object")
        return None

    def object(self, node: Node, depth: int) -> Value:
        entries: list[tuple[Value, Value]] = []
        closed = True
        for child in node.named_children:
            if child.type == "pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is None or value is None:
                    closed = False
                    continue
                if key.type == "computed_property_name":
                    inner = key.named_children[0] if key.named_children else None
                    key_value = self.value(inner, depth + 1) if inner is not None else \
                        self.opaque(key, "a computed key")
                elif key.type in ("property_identifier", "identifier", "number"):
                    key_value = self.lit(key, self.text(key))
                else:
                    key_value = self.value(key, depth + 1)
                entries.append((key_value, self.value(value, depth + 1)))
            elif child.type == "shorthand_property_identifier":
                entries.append((self.lit(child, self.text(child)), self.ref(child, [self.text(child)])))
            elif child.type != "comment":
                closed = False  # ...spread, methods, getters
        line, column = self.position(node)
        return obj(entries, closed, line, column)

    # -- declarations ----------------------------------------------------------------------

    def declarations(self, root: Node) -> None:
        for node in root.named_children:
            self.declaration(node)

    def declaration(self, node: Node) -> None:
        facts = self.facts
        if node.type == "export_statement":
            declaration = node.child_by_field_name("declaration")
            source = node.child_by_field_name("source")
            value = node.child_by_field_name("value")
            if declaration is not None:
                self.declaration(declaration)
            elif value is not None:
                facts.symbols["default"] = self.value(value)
            elif source is not None:
                module = self._module(source)
                clause = next((c for c in node.named_children if c.type == "export_clause"), None)
                if clause is None:
                    facts.star_imports.append(module)
                else:
                    for spec in clause.named_children:
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        if name is not None:
                            facts.imports[self.text(alias or name)] = Import(module, self.text(name))
        elif node.type in ("lexical_declaration", "variable_declaration"):
            for declarator in node.named_children:
                if declarator.type != "variable_declarator":
                    continue
                name, value = declarator.child_by_field_name("name"), declarator.child_by_field_name("value")
                if name is not None and value is not None and name.type == "identifier":
                    facts.symbols[self.text(name)] = self.value(value)
        elif node.type == "enum_declaration":
            self.enum(node)
        elif node.type == "class_declaration":
            self.class_fields(node)
        elif node.type == "import_statement":
            self.import_(node)

    def enum(self, node: Node) -> None:
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name is None or body is None:
            return
        prefix = self.text(name)
        for member in body.named_children:
            if member.type == "enum_assignment":
                key, value = member.child_by_field_name("name"), member.child_by_field_name("value")
                if key is not None and value is not None:
                    qualified = f"{prefix}.{self.text(key).strip(chr(34) + chr(39))}"
                    self.facts.symbols[qualified] = self.value(value)
                    self.facts.enum_members[qualified] = self.text(key)

    def class_fields(self, node: Node) -> None:
        name, body = node.child_by_field_name("name"), node.child_by_field_name("body")
        if name is None or body is None:
            return
        for member in body.named_children:
            if member.type in ("public_field_definition", "field_definition") \
                    and "static" in self.text(member).split("=", 1)[0].split():
                key = member.child_by_field_name("name") or member.child_by_field_name("property")
                value = member.child_by_field_name("value")
                if key is not None and value is not None:
                    self.facts.symbols[f"{self.text(name)}.{self.text(key)}"] = self.value(value)

    def import_(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        if source is None:
            return
        module = self._module(source)
        for clause in (c for c in node.named_children if c.type == "import_clause"):
            for part in clause.named_children:
                if part.type == "identifier":
                    self.facts.imports[self.text(part)] = Import(module, "default")
                elif part.type == "namespace_import" and part.named_children:
                    self.facts.imports[self.text(part.named_children[0])] = Import(module, None)
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        name, alias = spec.child_by_field_name("name"), spec.child_by_field_name("alias")
                        if name is not None:
                            self.facts.imports[self.text(alias or name)] = Import(module, self.text(name))

    def _module(self, source: Node) -> str:
        found = self.value(source)
        return found.value if isinstance(found, Lit) and isinstance(found.value, str) else ""
