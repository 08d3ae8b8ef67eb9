"""Go: analytics-go.

analytics-go sends messages built as struct literals: ``client.Enqueue(analytics.Track{Event:
"Order Completed", Properties: analytics.NewProperties().Set("order_id", id)})``, and
``Identify``, ``Group``, ``Page``, ``Screen`` alike. Properties and traits are a map literal
(``analytics.Properties{...}``, ``map[string]interface{}{...}``) or a chain of ``Set``
calls; the typed setters (``SetRevenue``, ``SetEmail``...) set the keys analytics-go gives
them. Constants are package-level ``const``; another package's are reached through its import.
"""

from __future__ import annotations

from tree_sitter import Node

from protocols.plan.model import MessageKind
from protocols.scan.model import Arr, CallSite, FileFacts, Import, Lit, Value
from protocols.scan.syntax.base import (
    CHAIN_LINKS,
    LONG_CHAIN,
    MAX_DEPTH,
    Extractor,
    Invocation,
    obj,
    short,
)
from protocols.scan.syntax.strings import decode_escapes

SDK_PATH = "segmentio/analytics-go"
MESSAGES = """
(composite_literal type: (qualified_type package: (package_identifier) @package
                                         name: (type_identifier) @type)
                   body: (literal_value) @body) @message
"""
CALLS = """
(call_expression function: [(identifier) @name
                            (selector_expression operand: (_) @receiver
                                                 field: (field_identifier) @name)]
                 arguments: (argument_list) @args
                 (#any-of? @name NAMES)) @call
"""
# t := tracking.New(sdk): the generated Go client's constructor.
CLIENTS = """
(short_var_declaration left: (expression_list . (identifier) @left)
  right: (expression_list . (call_expression
    function: (selector_expression field: (field_identifier) @name) (#eq? @name "New"))))
"""
TYPES: dict[str, MessageKind] = {"Track": "track", "Identify": "identify", "Group": "group",
                                 "Page": "page", "Screen": "screen"}
_MESSAGE_WORDS = tuple(name.encode() for name in TYPES)
# The keys analytics-go's typed setters write (properties.go and traits.go).
SETTERS = {
    "SetRevenue": "revenue", "SetCurrency": "currency", "SetValue": "value", "SetPath": "path",
    "SetReferrer": "referrer", "SetTitle": "title", "SetURL": "url", "SetName": "name",
    "SetCategory": "category", "SetSKU": "sku", "SetPrice": "price", "SetProductId": "id",
    "SetOrderId": "orderId", "SetTotal": "total", "SetSubtotal": "subtotal",
    "SetShipping": "shipping", "SetTax": "tax", "SetDiscount": "discount", "SetCoupon": "coupon",
    "SetProducts": "products", "SetRepeat": "repeat", "SetAddress": "address", "SetAge": "age",
    "SetAvatar": "avatar", "SetBirthday": "birthday", "SetCreatedAt": "createdAt",
    "SetDescription": "description", "SetEmail": "email", "SetFirstName": "firstName",
    "SetGender": "gender", "SetLastName": "lastName", "SetPhone": "phone",
    "SetUsername": "username", "SetWebsite": "website",
}
_SCALARS = {"true": True, "false": False, "nil": None}
_CONVERSIONS = frozenset({"string", "int", "int64", "int32", "float64", "float32", "bool"})


class GoExtractor(Extractor):
    family = "go"
    FUNCTION_TYPES = frozenset({"function_declaration", "method_declaration", "func_literal"})

    def run(self, root: Node) -> FileFacts:
        self.sdk_aliases: set[str] = set()
        self.declarations(root)
        if not self.sdk_aliases:
            self.sdk_aliases.add("analytics")
        self.read_clients("go", CLIENTS, root, needs=b"New")
        for captures in self.query("go", MESSAGES, root, needs=_MESSAGE_WORDS):
            kind = TYPES.get(self.text(captures["type"][0]))
            if kind is not None and self.text(captures["package"][0]) in self.sdk_aliases:
                self.add(self.message(captures["message"][0], captures["body"][0], kind))
        names = frozenset(self.interesting - {"track", "identify", "group", "page", "screen"})
        if names:  # (the SDK's own calls are its message structs, above)
            self.read_calls("go", CALLS, root, names)
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        return Invocation(call, self.receiver_text(receiver),
                          self.text(name), [c for c in args.named_children if c.type != "comment"],
                          {})

    def message(self, node: Node, body: Node, kind: MessageKind) -> CallSite:
        fields = self.fields(body)
        name_field = {"track": "Event", "page": "Name", "screen": "Name"}.get(kind)
        payload_field = "Traits" if kind in ("identify", "group") else "Properties"
        name: Value | None = None
        if name_field is not None:
            name_node = fields.get(name_field)
            if name_node is not None:
                name = self.value(name_node)
            elif kind == "track":
                name = self.opaque(node, "no Event field")
        payload_node = fields.get(payload_field)
        payload = self.value(payload_node) if payload_node is not None else None
        inv = Invocation(node, None, self.text(node.child_by_field_name("type") or node), [], {})
        return self.site(inv, kind, "sdk", name, payload)

    def fields(self, body: Node) -> dict[str, Node]:
        found: dict[str, Node] = {}
        for element in body.named_children:
            if element.type != "keyed_element":
                continue
            key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
            if key is None or value is None:
                continue
            found[self.text(key)] = _unwrap(value)
        return found

    def generated_payload(self, inv: Invocation, kind: MessageKind) -> Value | None:
        """The generated Go client: ``t.OrderCompleted(call, props)``, ``t.Group(call,
        groupId, traits)``."""
        position = 2 if kind == "group" else 1
        return self.value(inv.args[position]) if len(inv.args) > position else None

    def sdk_call(self, inv: Invocation) -> CallSite | None:
        return None  # analytics-go has no track() method: messages are struct literals

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        params = function.child_by_field_name("parameters")
        names: list[str] = []
        for declaration in params.named_children if params is not None else ():
            names.extend(self.text(n) for n in declaration.children_by_field_name("name"))
        return (self.text(name_node) if name_node is not None else None), tuple(names)

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        node = _unwrap(node)
        kind = node.type
        if kind == "interpreted_string_literal":
            return self.lit(node, decode_escapes(self.text(node)[1:-1]))
        if kind == "raw_string_literal":
            return self.lit(node, self.text(node)[1:-1].replace("\r", ""))
        if kind in ("int_literal", "float_literal"):
            return self.number(node, self.text(node))
        text = self.head(node)  # below, only how the node starts matters
        if kind == "unary_expression" and text.startswith("-") and node.named_children:
            negative = self.negated(node, node.named_children[-1], depth)
            if negative is not None:
                return negative
        if kind in _SCALARS:
            return self.lit(node, _SCALARS[kind])
        if kind == "unary_expression" and text.startswith("&") and node.named_children:
            return self.value(node.named_children[-1], depth + 1)
        if kind in ("identifier", "selector_expression"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
        if kind == "parenthesized_expression" and node.named_children:
            return self.value(node.named_children[0], depth + 1)
        if kind == "composite_literal":
            return self.composite(node, depth)
        if kind == "call_expression":
            return self.call(node, depth)
        return self.opaque(node, f"`{self.shown(node)}`")

    def number(self, node: Node, text: str) -> Value:
        cleaned = text.replace("_", "")
        try:
            if cleaned.lower().startswith(("0x", "0o", "0b")):
                return self.lit(node, int(cleaned, 0))
            if any(c in cleaned for c in ".eEpP"):
                return self.lit(node, float(cleaned))
            return self.lit(node, int(cleaned, 8) if len(cleaned) > 1 and cleaned[0] == "0"
                            else int(cleaned))
        except ValueError:
            return self.opaque(node, f"`{short(text)}`")

    def composite(self, node: Node, depth: int) -> Value:
        body = node.child_by_field_name("body")
        line, column = self.position(node)
        if body is None:
            return self.opaque(node, "a literal without a body")
        type_text = self.head(node.child_by_field_name("type") or node)
        keyed = [c for c in body.named_children if c.type == "keyed_element"]
        plain = [c for c in body.named_children if c.type == "literal_element"]
        if plain and not keyed:  # a slice or array literal
            return Arr(tuple(self.value(_unwrap(c), depth + 1) for c in plain), line, column)
        if not (type_text.startswith("map[") or self.sdk_map(type_text) or (
                keyed and all(_key_is_string(c) for c in keyed))):
            # A struct (the generated client's OrderCompletedProperties{OrderId: ...}, whose
            # compiler checks it), or a named type whose literal says nothing of its keys.
            return self.opaque(node, f"a `{short(type_text)}` value")
        entries: list[tuple[Value, Value]] = []
        for element in keyed:
            key, value = element.child_by_field_name("key"), element.child_by_field_name("value")
            if key is not None and value is not None:
                entries.append((self.value(_unwrap(key), depth + 1),
                                self.value(_unwrap(value), depth + 1)))
        return obj(entries, not plain, line, column)

    def sdk_map(self, type_text: str) -> bool:
        """``analytics.Properties`` and ``analytics.Traits``: analytics-go's map types."""
        package, _, name = type_text.rpartition(".")
        return name in ("Properties", "Traits") and package in self.sdk_aliases

    def call(self, node: Node, depth: int) -> Value:
        function = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
        if function is not None and function.type == "identifier" \
                and self.text(function) in _CONVERSIONS and len(args) == 1:
            return self.value(args[0], depth + 1)
        chain = self.setters(node, depth)
        if chain is not None:
            return chain
        return self.opaque(node, f"the result of `{self.shown(node)}`")

    def setters(self, node: Node, depth: int) -> Value | None:
        """``analytics.NewProperties().Set("k", v).SetTotal(t)``: the keys it sets."""
        entries: list[tuple[Value, Value]] = []
        current: Node | None = node
        for _ in range(CHAIN_LINKS):
            if current is None or current.type != "call_expression":
                return None
            function = current.child_by_field_name("function")
            arguments = current.child_by_field_name("arguments")
            args = [c for c in arguments.named_children if c.type != "comment"] if arguments else []
            if function is None or function.type != "selector_expression":
                return None
            field = function.child_by_field_name("field")
            name = self.text(field) if field is not None else ""
            if name in ("NewProperties", "NewTraits"):
                line, column = self.position(node)
                return obj(entries[::-1], True, line, column)
            if name == "Set" and len(args) == 2:
                entries.append((self.value(args[0], depth + 1), self.value(args[1], depth + 1)))
            elif name in SETTERS and len(args) >= 1 and field is not None:
                line, column = self.position(field)
                value = self.value(args[0], depth + 1) if len(args) == 1 else \
                    self.opaque(args[0], "several values")
                entries.append((Lit(SETTERS[name], line, column), value))
            else:
                return None
            current = function.child_by_field_name("operand")
        self.unread(node, LONG_CHAIN)
        return None

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        if node.type != "selector_expression":
            return None
        field = node.child_by_field_name("field")
        if field is None:
            return None
        return self.text(field), node.child_by_field_name("operand")

    def declarations(self, root: Node) -> None:
        facts = self.facts
        for node in root.named_children:
            if node.type == "package_clause" and node.named_children:
                facts.package = self.text(node.named_children[0])
            elif node.type == "import_declaration":
                for spec in _import_specs(node):
                    self.import_(spec)
            elif node.type == "const_declaration":
                for spec in node.named_children:
                    if spec.type != "const_spec":
                        continue
                    names = spec.children_by_field_name("name")
                    values = spec.child_by_field_name("value")
                    exprs = [c for c in values.named_children] if values is not None else []
                    for name, expr in zip(names, exprs, strict=False):
                        facts.symbols[self.text(name)] = self.value(expr)

    def import_(self, spec: Node) -> None:
        path_node = spec.child_by_field_name("path")
        if path_node is None:
            return
        found = self.value(path_node)
        path = found.value if isinstance(found, Lit) and isinstance(found.value, str) else ""
        alias_node = spec.child_by_field_name("name")
        parts = [p for p in path.split("/") if p]
        last = parts[-1] if parts else path
        if len(parts) > 1 and last.startswith("v") and last[1:].isdigit():
            last = parts[-2]  # .../analytics-go/v3 is package analytics
        alias = self.text(alias_node) if alias_node is not None else last.replace("-go", "")
        if SDK_PATH in path:
            self.sdk_aliases.add(alias)
            return
        if alias not in ("_", "."):
            self.facts.imports[alias] = Import(path, None)


def _import_specs(node: Node) -> list[Node]:
    found: list[Node] = []
    for child in node.named_children:
        if child.type == "import_spec":
            found.append(child)
        elif child.type == "import_spec_list":
            found.extend(c for c in child.named_children if c.type == "import_spec")
    return found


def _key_is_string(element: Node) -> bool:
    """Whether a keyed element's key is a string literal: a map's, never a struct field's."""
    key = element.child_by_field_name("key")
    key = _unwrap(key) if key is not None else None
    return key is not None and key.type in ("interpreted_string_literal", "raw_string_literal")


def _unwrap(node: Node) -> Node:
    """The expression inside a ``literal_element``."""
    if node.type == "literal_element" and node.named_children:
        return node.named_children[0]
    return node
