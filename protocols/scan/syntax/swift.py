"""Swift: analytics-swift.

analytics-swift takes labelled arguments: ``track(name:properties:)``,
``identify(userId:traits:)`` or ``identify(traits:)``, ``screen(title:category:properties:)``
and ``group(groupId:traits:)``, with properties as a dictionary literal or an ``Encodable``
value. Constants live in types (``static let``), in enums with String raw values
(``Events.orderCompleted.rawValue``; a case without one is its own name) or at the top level,
and are global to the module.
"""

from __future__ import annotations

from tree_sitter import Node

from protocols.plan.model import MessageKind
from protocols.scan.model import Arr, CallSite, FileFacts, Value
from protocols.scan.syntax.base import (
    MAX_DEPTH,
    NESTED_CLASSES,
    Extractor,
    Invocation,
    obj,
    short,
)
from protocols.scan.syntax.strings import decode_escapes

CALLS = """
(call_expression
  . [(simple_identifier) @name
     (navigation_expression target: (_) @receiver
                            suffix: (navigation_suffix suffix: (simple_identifier) @name))]
  . (call_suffix (value_arguments) @args)
  (#any-of? @name NAMES)) @call
"""
CLIENT_WORD = b"ProtocolsClient"  # the word CLIENTS needs in a file to match
CLIENTS = """
(property_declaration name: (pattern bound_identifier: (simple_identifier) @left)
  value: (call_expression . (simple_identifier) @name (#eq? @name "ProtocolsClient")))
"""
# The label of each argument analytics-swift takes.
_SDK_LABELS: dict[str, tuple[str | None, str]] = {
    "track": ("name", "properties"), "identify": (None, "traits"), "group": (None, "traits"),
    "screen": ("title", "properties"), "page": ("title", "properties"),
}
_STRINGS = frozenset({"line_string_literal", "multi_line_string_literal", "raw_string_literal"})


class SwiftExtractor(Extractor):
    family = "swift"
    FUNCTION_TYPES = frozenset({"function_declaration", "lambda_literal", "init_declaration"})

    def run(self, root: Node) -> FileFacts:
        self.declarations(root.named_children, "")
        self.read_clients("swift", CLIENTS, root, needs=CLIENT_WORD)
        self.read_calls("swift", CALLS, root)
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        positional: list[Node] = []
        labelled: dict[str, Node] = {}
        for argument in args.named_children:
            if argument.type != "value_argument":
                continue
            label = argument.child_by_field_name("name")
            value = argument.child_by_field_name("value")
            if value is None:
                continue
            if label is not None:
                labelled[self.text(label).strip()] = value
            else:
                positional.append(value)
        return Invocation(call, self.receiver_text(receiver),
                          self.text(name), positional, labelled)

    def sdk_call(self, inv: Invocation) -> CallSite | None:
        kind: MessageKind = inv.method  # type: ignore[assignment]
        name_label, payload_label = _SDK_LABELS[kind]
        if kind == "track" and name_label not in inv.kwargs:
            return None  # analytics-swift always labels the name: not its track()
        name_node = inv.kwargs.get(name_label) if name_label else None
        payload_node = inv.kwargs.get(payload_label)
        name = self.value(name_node) if name_node is not None else None
        payload = self.value(payload_node) if payload_node is not None else None
        return self.site(inv, kind, "sdk", name, payload)

    def generated_payload(self, inv: Invocation, kind: MessageKind) -> Value | None:
        """The generated Swift client: ``orderCompleted(props)``, ``identify(userId:traits:)``,
        ``group(groupId:traits:)``."""
        node = inv.kwargs.get("traits") if kind in ("identify", "group") else (
            inv.args[0] if inv.args else inv.kwargs.get("properties"))
        return self.value(node) if node is not None else None

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        names: list[str] = []
        for child in function.named_children:
            if child.type == "parameter":
                inner = next((c for c in child.children_by_field_name("name")
                              if c.type == "simple_identifier"), None)
                if inner is not None:
                    names.append(self.text(inner))
        return (self.text(name_node) if name_node is not None else None), tuple(names)

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        kind = node.type
        if kind in _STRINGS:
            return self.string(node, self.text(node))
        if kind == "integer_literal" or kind == "hex_literal" or kind == "real_literal":
            return self.number(node, self.text(node))
        text = self.head(node)  # below, compared with short words and prefixes only
        if kind == "prefix_expression" and text.startswith("-") and node.named_children:
            negative = self.negated(node, node.named_children[-1], depth)
            if negative is not None:
                return negative
        if kind == "boolean_literal":
            return self.lit(node, text == "true")
        if text == "nil":
            return self.lit(node, None)
        if kind in ("simple_identifier", "navigation_expression"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
        if kind == "dictionary_literal":
            keys = node.children_by_field_name("key")
            values = node.children_by_field_name("value")
            line, column = self.position(node)
            entries = [(self.value(k, depth + 1), self.value(v, depth + 1))
                       for k, v in zip(keys, values, strict=False)]
            return obj(entries, len(keys) == len(values), line, column)
        if kind == "array_literal":
            line, column = self.position(node)
            return Arr(tuple(self.value(e, depth + 1) for e in node.children_by_field_name("element")),
                       line, column)
        if kind == "tuple_expression" and len(node.named_children) == 1:
            return self.value(node.named_children[0], depth + 1)
        if kind == "as_expression" and node.named_children:
            return self.value(node.named_children[0], depth + 1)
        if kind == "call_expression":
            return self.opaque(node, f"the result of `{self.shown(node)}`")
        return self.opaque(node, f"`{self.shown(node)}`")

    def string(self, node: Node, text: str) -> Value:
        if any(c.type in ("interpolated_expression", "interpolation") for c in node.children):
            return self.opaque(node, f"a string with interpolation: `{short(text)}`")
        if node.type == "raw_string_literal":
            hashes = len(text) - len(text.lstrip("#"))
            body = text[hashes:len(text) - hashes]
            body = body[3:-3] if body.startswith('"""') else body[1:-1]
            if "\\" + "#" * hashes + "(" in body:  # \#(x) interpolates in #"..."#
                return self.opaque(node, f"a string with interpolation: `{short(text)}`")
            return self.lit(node, body)
        if node.type == "multi_line_string_literal":
            lines = text[3:-3].split("\n")[1:-1] if "\n" in text else [text[3:-3]]
            closing = text[3:-3].rsplit("\n", 1)[-1] if "\n" in text else ""
            indent = len(closing) - len(closing.lstrip())
            return self.lit(node, decode_escapes("\n".join(x[indent:] for x in lines)))
        return self.lit(node, decode_escapes(text[1:-1]))

    def number(self, node: Node, text: str) -> Value:
        cleaned = text.replace("_", "")
        try:
            if cleaned.lower().startswith(("0x", "0o", "0b")):
                return self.lit(node, int(cleaned, 0))
            if any(c in cleaned for c in ".eE"):
                return self.lit(node, float(cleaned))
            return self.lit(node, int(cleaned))
        except ValueError:
            return self.opaque(node, f"`{short(text)}`")

    NAME_TYPES = frozenset({"simple_identifier"})

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        if node.type != "navigation_expression":
            return None
        suffix = node.child_by_field_name("suffix")
        member = suffix.child_by_field_name("suffix") if suffix is not None else None
        if member is None:
            return None
        return self.text(member), node.child_by_field_name("target")

    def declarations(self, nodes: list[Node], prefix: str, depth: int = 0) -> None:
        if depth > MAX_DEPTH and nodes:
            self.unread(nodes[0], NESTED_CLASSES)
            return
        for node in nodes:
            if node.type == "property_declaration":
                self.property(node, prefix)
            elif node.type in ("class_declaration", "protocol_declaration"):
                name = node.child_by_field_name("name")
                body = node.child_by_field_name("body")
                if name is None or body is None:
                    continue
                inner = f"{prefix}{self.text(name)}."
                if body.type == "enum_class_body":
                    self.enum(body, inner)
                self.declarations(body.named_children, inner, depth + 1)

    def property(self, node: Node, prefix: str) -> None:
        binding = next((c for c in node.named_children if c.type == "value_binding_pattern"), None)
        if binding is None or "let" not in self.text(binding):
            return
        pattern = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        bound = pattern.child_by_field_name("bound_identifier") if pattern is not None else None
        if bound is not None and value is not None:
            self.facts.symbols[prefix + self.text(bound)] = self.value(value)

    def enum(self, body: Node, prefix: str) -> None:
        for entry in body.named_children:
            if entry.type != "enum_entry":
                continue
            last: str | None = None
            for index, child in enumerate(entry.children):
                field = entry.field_name_for_child(index)
                if field == "name":
                    last = self.text(child)
                    self.facts.symbols[prefix + last] = self.lit(child, last)
                    self.facts.enum_members[prefix + last] = last
                elif field == "raw_value" and last is not None:
                    self.facts.symbols[prefix + last] = self.value(child)
