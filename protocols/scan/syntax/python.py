"""Python: segment-analytics-python calls, the generated Python client, constants, enums.

analytics-python takes ``track(user_id, event, properties)``, ``identify(user_id, traits)``,
``group(user_id, group_id, traits)``, ``page``/``screen(user_id, category, name,
properties)``, positionally or by keyword, on the module or a ``Client``. The generated client
takes the payload first: ``tracking.order_completed({...}, user_id=...)``.
"""

from __future__ import annotations

import ast

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

CLIENT_CLASS = "ProtocolsClient"
CALLS = """
(call function: [(identifier) @name
                 (attribute object: (_) @receiver attribute: (identifier) @name)]
      arguments: (argument_list) @args
      (#any-of? @name NAMES)) @call
"""
_SCALARS = {"true": True, "false": False, "none": None}
# Where analytics-python takes each argument: (position, keyword).
_SDK_ARGS: dict[str, tuple[tuple[int, str] | None, tuple[int, str]]] = {
    "track": ((1, "event"), (2, "properties")),
    "identify": (None, (1, "traits")),
    "group": (None, (2, "traits")),
    "page": ((2, "name"), (3, "properties")),
    "screen": ((2, "name"), (3, "properties")),
}


class PythonExtractor(Extractor):
    family = "python"
    FUNCTION_TYPES = frozenset({"function_definition", "lambda"})

    def run(self, root: Node) -> FileFacts:
        self.declarations(root)
        found = self.named_query("python", CALLS, frozenset(self.interesting | {CLIENT_CLASS}),
                                 root)
        invocations: list[Invocation] = []
        for captures in found:
            call = captures["call"][0]
            receiver = captures.get("receiver")
            inv = self.invocation(call, captures["name"][0], receiver[0] if receiver else None,
                                  captures["args"][0])
            if inv.method == CLIENT_CLASS:
                self.note_client(call)
            else:
                invocations.append(inv)
        for inv in invocations:
            self.add(self.classify(inv))
        return self.facts

    def invocation(self, call: Node, name: Node, receiver: Node | None, args: Node) -> Invocation:
        positional: list[Node] = []
        keywords: dict[str, Node] = {}
        for child in args.named_children:
            if child.type == "keyword_argument":
                key, value = child.child_by_field_name("name"), child.child_by_field_name("value")
                if key is not None and value is not None:
                    keywords[self.text(key)] = value
            elif child.type not in ("comment", "list_splat", "dictionary_splat"):
                positional.append(child)
        return Invocation(call, self.receiver_text(receiver),
                          self.text(name), positional, keywords)

    def note_client(self, call: Node) -> None:
        """``tracking = ProtocolsClient(analytics)``: ``tracking`` is a generated client."""
        parent = call.parent
        if parent is not None and parent.type == "assignment":
            left = parent.child_by_field_name("left")
            if left is not None:
                self.client_names.add(self.text(left))

    # -- calls -----------------------------------------------------------------------------

    def sdk_call(self, inv: Invocation) -> CallSite | None:
        name_at, payload_at = _SDK_ARGS[inv.method]
        name: Value | None = None
        if name_at is not None:
            node = inv.kwargs.get(name_at[1]) or (
                inv.args[name_at[0]] if len(inv.args) > name_at[0] else None)
            if node is None and inv.method == "track":
                name = self.opaque(inv.node, "no event: analytics-python takes "
                                             "track(user_id, event, properties)")
            elif node is not None:
                name = self.value(node)
        payload_node = inv.kwargs.get(payload_at[1]) or (
            inv.args[payload_at[0]] if len(inv.args) > payload_at[0] else None)
        payload = self.value(payload_node) if payload_node is not None else None
        return self.site(inv, inv.method, "sdk", name, payload)  # type: ignore[arg-type]

    def generated_shape(self, inv: Invocation) -> bool:
        """``identify``/``group`` are SDK method names too: the generated client takes the
        payload (after the group id) where the SDK takes the user id."""
        if super().generated_shape(inv):
            return True
        payload_position = 0 if inv.method == "identify" else 1
        if len(inv.args) > payload_position + 1:
            return False
        if len(inv.args) == payload_position + 1:
            return inv.args[payload_position].type == "dictionary"
        return True

    def generated_payload(self, inv: Invocation, kind: MessageKind) -> Value | None:
        keyword = "traits" if kind in ("identify", "group") else "properties"
        position = 1 if kind == "group" else 0
        node = inv.kwargs.get(keyword) or (inv.args[position] if len(inv.args) > position
                                           else None)
        return self.value(node) if node is not None else None

    def params_of(self, function: Node) -> tuple[str | None, tuple[str, ...]]:
        name_node = function.child_by_field_name("name")
        params = function.child_by_field_name("parameters")
        names: list[str] = []
        for child in params.named_children if params is not None else ():
            target = child.child_by_field_name("name") if child.type in (
                "default_parameter", "typed_default_parameter") else child
            if target is not None and target.type in ("typed_parameter", "list_splat_pattern",
                                                      "dictionary_splat_pattern"):
                target = target.named_children[0] if target.named_children else None
            if target is not None and target.type == "identifier":
                names.append(self.text(target))
        return (self.text(name_node) if name_node is not None else None), tuple(names)

    # -- values ----------------------------------------------------------------------------

    def value(self, node: Node | None, depth: int = 0) -> Value:
        if node is None:
            raise ValueError("no node")
        if depth > MAX_DEPTH:
            return self.too_deep(node)
        kind = node.type
        if kind in ("string", "concatenated_string"):
            return self.string(node)
        if kind == "integer" or kind == "float":
            return self.number(node)
        if kind in _SCALARS:
            return self.lit(node, _SCALARS[kind])
        if kind == "unary_operator" and node.child_count == 2 and self.text(node.children[0]) == "-":
            negative = self.negated(node, node.children[1], depth)
            if negative is not None:
                return negative
            return self.opaque(node, f"`{self.shown(node)}`")
        if kind in ("identifier", "attribute", "subscript"):
            parts = self.dotted(node)
            if parts is not None:
                return self.ref(node, parts)
            return self.opaque(node, f"`{self.shown(node)}`")
        if kind == "dictionary":
            return self.dictionary(node, depth)
        if kind in ("list", "tuple"):
            line, column = self.position(node)
            items = tuple(self.value(c, depth + 1) for c in node.named_children
                          if c.type != "comment")
            return Arr(items, line, column)
        if kind == "parenthesized_expression" and node.named_child_count == 1:
            return self.value(node.named_children[0], depth + 1)
        if kind == "call":
            return self.opaque(node, f"the result of `{self.shown(node)}`")
        return self.opaque(node, f"`{self.shown(node)}`")

    def member(self, node: Node) -> tuple[str | None, Node | None] | None:
        """``a.b`` and ``A["b"]`` (a string key) are member accesses."""
        if node.type == "attribute":
            attribute = node.child_by_field_name("attribute")
            if attribute is None:
                return None
            return self.text(attribute), node.child_by_field_name("object")
        if node.type == "subscript":
            key = node.child_by_field_name("subscript")
            if key is None or key.type != "string":
                return None
            decoded = self.string(key)
            if not isinstance(decoded, Lit) or not isinstance(decoded.value, str):
                return None
            return decoded.value, node.child_by_field_name("value")
        return None

    def string(self, node: Node) -> Value:
        if node.type == "string" and node.child_count == 3 and node.children[1].type == \
                "string_content" and node.children[0].end_byte - node.children[0].start_byte == 1:
            content = self.text(node.children[1])
            if "\\" not in content:
                return self.lit(node, content)  # "plain": no prefix, no escape
        pieces = [node] if node.type == "string" else [
            c for c in node.named_children if c.type == "string"]
        for piece in pieces:
            start = piece.children[0] if piece.children else None
            prefix = self.text(start).lower() if start is not None else ""
            if "b" in prefix:
                return self.opaque(node, "a bytes literal")
            if any(c.type == "interpolation" for c in piece.children):
                return self.opaque(node, f"an f-string with placeholders: "
                                         f"`{self.shown(node)}`")
        text = self.text(node)
        try:
            # A string literal alone: literal_eval decodes every escape and never runs code.
            decoded = ast.literal_eval(_without_f(text, pieces, self))
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return self.opaque(node, f"`{short(text)}`")
        if not isinstance(decoded, str):
            return self.opaque(node, f"`{short(text)}`")
        return self.lit(node, decoded)

    def number(self, node: Node) -> Value:
        text = self.text(node).replace("_", "")
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return self.opaque(node, f"`{short(text)}`")
        if isinstance(value, complex):
            return self.opaque(node, f"`{short(text)}`")
        return self.lit(node, value)

    def dictionary(self, node: Node, depth: int) -> Value:
        entries: list[tuple[Value, Value]] = []
        closed = True
        for child in node.named_children:
            if child.type == "pair":
                key, value = child.child_by_field_name("key"), child.child_by_field_name("value")
                if key is None or value is None:
                    closed = False
                    continue
                entries.append((self.value(key, depth + 1), self.value(value, depth + 1)))
            elif child.type != "comment":
                closed = False  # **spread, a comprehension
        line, column = self.position(node)
        return obj(entries, closed, line, column)

    # -- declarations ----------------------------------------------------------------------

    def declarations(self, root: Node) -> None:
        """Module-level constants, classes (enums and constant holders) and imports."""
        for node in root.named_children:
            if node.type == "decorated_definition":
                inner = node.child_by_field_name("definition")
                node = inner if inner is not None else node
            if node.type == "expression_statement":
                self.assignment(node, "")
            elif node.type == "class_definition":
                self.class_body(node)
            elif node.type in ("import_statement", "import_from_statement"):
                self.import_(node)

    def assignment(self, statement: Node, prefix: str) -> None:
        for node in statement.named_children:
            if node.type != "assignment":
                continue
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is None or right is None or left.type != "identifier":
                continue
            name = prefix + self.text(left)
            self.facts.symbols[name] = self.value(right)
            if prefix and self._enum:
                self.facts.enum_members[name] = self.text(left)

    _enum = False

    def class_body(self, node: Node) -> None:
        name = node.child_by_field_name("name")
        body = node.child_by_field_name("body")
        if name is None or body is None:
            return
        supers = node.child_by_field_name("superclasses")
        self._enum = supers is not None and "Enum" in self.text(supers)
        prefix = self.text(name) + "."
        for child in body.named_children:
            if child.type == "expression_statement":
                self.assignment(child, prefix)
        self._enum = False

    def import_(self, node: Node) -> None:
        facts = self.facts
        if node.type == "import_statement":
            for item in node.children_by_field_name("name"):
                if item.type == "aliased_import":
                    target, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                    if target is not None and alias is not None:
                        facts.imports[self.text(alias)] = Import(self.text(target), None)
                elif item.type == "dotted_name":
                    dotted = self.text(item)
                    facts.imports[dotted.split(".")[0]] = Import(dotted.split(".")[0], None)
            return
        module_node = node.child_by_field_name("module_name")
        if module_node is None:
            return
        module = self.text(module_node).replace(" ", "")
        if any(c.type == "wildcard_import" for c in node.named_children):
            facts.star_imports.append(module)
            return
        for item in node.children_by_field_name("name"):
            if item.type == "aliased_import":
                target, alias = item.child_by_field_name("name"), item.child_by_field_name("alias")
                if target is not None and alias is not None:
                    facts.imports[self.text(alias)] = Import(module, self.text(target))
            elif item.type == "dotted_name":
                facts.imports[self.text(item)] = Import(module, self.text(item))


def _without_f(text: str, pieces: list[Node], extractor: PythonExtractor) -> str:
    """The literal with ``f`` prefixes dropped (an f-string without placeholders is a plain
    string); braces doubled in an f-string are undoubled by Python's own rules below."""
    if not any("f" in extractor.text(p.children[0]).lower() for p in pieces if p.children):
        return text
    out: list[str] = []
    for piece in pieces:
        raw = extractor.text(piece)
        head = extractor.text(piece.children[0]) if piece.children else ""
        if "f" in head.lower():
            raw = head.replace("f", "").replace("F", "") + raw[len(head):]
            raw = raw.replace("{{", "{").replace("}}", "}")
        out.append(raw)
    return " ".join(out)
