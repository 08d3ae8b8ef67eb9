"""A small, local stand-in for what swiftc checks in the code that calls a generated client.

No Swift compiler runs on this project's machines (CI's swift job compiles on GitHub), so the
Swift sources of tests/swift (the XCTests, the usage file and the mistakes) are read here with
the tree-sitter Swift grammar and held against the generated client: every call of a
generated struct's ``init`` or of a ``ProtocolsClient`` method names its arguments in the
declared order, passes every parameter that has no default, and every ``.case`` given where a
generated enum is expected is a case of that enum. A plan change that breaks CI's Swift
(a property renamed, made required, reordered) then fails here first, and each mistake file
is shown to fail for the reason it states. Types of other arguments are not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TYPE_DECL = re.compile(r"^public (?:struct|enum) (\w+)\b")
_CASE = re.compile(r"^    case (\w+) = ")
_INIT = re.compile(r"^    public init\((.*)\) \{$")
_FUNC = re.compile(r"^    public func (\w+)\((.*)\) \{$")


@dataclass(frozen=True)
class Param:
    label: str | None  # the argument label; None for `_`
    type: str
    has_default: bool


def _split(params: str) -> list[str]:
    """Split a parameter list at its top-level commas."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(params):
        if char in "([<":
            depth += 1
        elif char in ")]>":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(params[start:index].strip())
            start = index + 1
    if params.strip():
        parts.append(params[start:].strip())
    return parts


def _params(text: str) -> list[Param]:
    out = []
    for part in _split(text):
        names, _, rest = part.partition(":")
        type_, _, default = rest.partition("=")
        label = names.split()[0]
        out.append(Param(None if label == "_" else label, type_.strip(), bool(default.strip())))
    return out


@dataclass
class Api:
    """What a generated Tracking.swift declares: inits, client methods and enum cases."""

    inits: dict[str, list[Param]]
    methods: dict[str, list[Param]]
    enums: dict[str, set[str]]


def generated_api(source: str) -> Api:
    api = Api({}, {}, {})
    current: str | None = None
    in_client = False
    for line in source.splitlines():
        if line.startswith("public struct ProtocolsClient"):
            current, in_client = None, True
        elif match := _TYPE_DECL.match(line):
            current = match.group(1)
            in_client = False
            if line.startswith("public enum") and ": String" in line:
                api.enums[current] = set()
        elif (match := _CASE.match(line)) and current in api.enums:
            api.enums[current].add(match.group(1))
        elif (match := _INIT.match(line)) and current is not None and not in_client:
            api.inits[current] = _params(match.group(1))
        elif (match := _FUNC.match(line)) and in_client:
            api.methods[match.group(1)] = _params(match.group(2))
    return api


def _text(node: object, source: bytes) -> str:
    return source[node.start_byte:node.end_byte].decode("utf-8")  # type: ignore[attr-defined]


def call_problems(code: str, api: Api) -> list[str]:
    """What swiftc would reject in ``code``'s calls of the generated API, as far as argument
    labels, their order, missing arguments, client methods and enum cases go."""
    from tree_sitter import Language, Node, Parser
    from tree_sitter_swift import language

    source = code.encode("utf-8")
    tree = Parser(Language(language())).parse(source)
    problems: list[str] = []

    def check(callee: str, params: list[Param], arguments: list[Node], where: str) -> None:
        index = 0
        for argument in arguments:
            label_node = next((c for c in argument.children if c.type == "value_argument_label"), None)
            label = _text(label_node, source) if label_node is not None else None
            value = argument.children[-1]
            later = [i for i in range(index, len(params)) if params[i].label == label]
            if not later:
                problems.append(f"{where}: {callee} has no parameter {label or '_'!r} here")
                return
            for skipped in params[index:later[0]]:
                if not skipped.has_default:
                    problems.append(f"{where}: missing argument for parameter "
                                    f"{skipped.label!r} of {callee}")
            index = later[0]
            _check_cases(params[index].type, value, where)
            index += 1
        for param in params[index:]:
            if not param.has_default:
                problems.append(f"{where}: missing argument for parameter {param.label!r} "
                                f"of {callee}")

    def _check_cases(type_: str, value: Node, where: str) -> None:
        enum = type_.strip("[]?")
        values = ([c for c in value.children if c.type == "prefix_expression"]
                  if value.type == "array_literal" else [value])
        for item in values:
            if enum in api.enums and item.type == "prefix_expression" and _text(item, source).startswith("."):
                case = _text(item, source)[1:]
                if case not in api.enums[enum]:
                    problems.append(f"{where}: type {enum!r} has no member {case!r}")

    stack: list[Node] = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.type != "call_expression" or len(node.children) < 2:
            continue
        callee_node, suffix = node.children[0], node.children[-1]
        arguments_node = next((c for c in suffix.children if c.type == "value_arguments"), None)
        if arguments_node is None:
            continue
        arguments = [c for c in arguments_node.children if c.type == "value_argument"]
        where = f"{node.start_point[0] + 1}"
        if callee_node.type == "simple_identifier" and _text(callee_node, source) in api.inits:
            name = _text(callee_node, source)
            check(name, api.inits[name], arguments, where)
        elif callee_node.type == "navigation_expression" and _text(callee_node, source).startswith("tracking."):
            name = _text(callee_node, source).removeprefix("tracking.")
            if name not in api.methods:
                problems.append(f"{where}: value of type 'ProtocolsClient' has no member {name!r}")
            else:
                check(name, api.methods[name], arguments, where)
    return sorted(problems)
