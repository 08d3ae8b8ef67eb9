"""Keywords with sub-schemas: objects, arrays and the logic combinators.

Each is ``(value, schema, compile_node) -> (valid, errors) | None`` and mirrors the jsonschema
keyword of the same name, including where it puts violations of its sub-schemas.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from protocols.validate.check.fastschema.keywords import (
    Compiled,
    Valid,
    _violation,
    descend,
    searcher,
    unchecked_message,
)
from protocols.validate.check.fastschema.patterns import PatternKeys, checks_nothing, pattern_keys
from protocols.validate.check.violation import SchemaViolation

CompileNode = Callable[[Any], Any]
_MISSING = object()


# -- objects ------------------------------------------------------------------------------------

def properties(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    nodes = tuple((name, compile_node(sub)) for name, sub in value.items())
    checks = tuple((name, node.valid) for name, node in nodes)

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for name, check in checks:
            item = instance.get(name, _MISSING)
            if item is not _MISSING and not check(item):
                return False
        return True

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for name, node in nodes:
            if name in instance:
                found += descend(node, instance[name], (name,), ("properties", name))
        return found

    return valid, errors


def required(names: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    listed = list(names)
    wanted = frozenset(listed)

    def valid(instance: Any) -> bool:
        return not isinstance(instance, dict) or wanted <= instance.keys()

    def errors(instance: Any) -> list[SchemaViolation]:
        return [_violation("required", f"{name!r} is a required property", instance, detail=name)
                for name in listed if name not in instance]

    return valid, errors


def _known_names(schema: Mapping[str, Any]) -> frozenset[str]:
    known = schema.get("properties", {})
    return frozenset(known) if isinstance(known, Mapping) else frozenset()


def _extras_finder(schema: Mapping[str, Any]) -> Callable[[dict[str, Any]], list[str]]:
    known_names = _known_names(schema)
    if "patternProperties" not in schema:
        return lambda instance: [name for name in instance if name not in known_names]
    for key in schema["patternProperties"]:
        searcher(key)  # (a key that is not a string: left to jsonschema)
    # Each key searched on its own (jsonschema joins them: one broken key then matched
    # nothing); a name no key could decide is not additional (patternProperties says why).
    verdict = pattern_keys(schema["patternProperties"]).verdict

    def extras(instance: dict[str, Any]) -> list[str]:
        return [name for name in instance if name not in known_names
                and verdict(name) is False]

    return extras


def additional_properties(value: Any, schema: Mapping[str, Any],
                          compile_node: CompileNode) -> Compiled | None:
    extras = _extras_finder(schema)
    if isinstance(value, Mapping):
        node = compile_node(value)
        check = node.valid

        def valid_each(instance: Any) -> bool:
            if not isinstance(instance, dict):
                return True
            return all(check(instance[name]) for name in extras(instance))

        def errors_each(instance: Any) -> list[SchemaViolation]:
            found: list[SchemaViolation] = []
            for name in extras(instance):
                found += descend(node, instance[name], (name,), ("additionalProperties",))
            return found

        return valid_each, errors_each
    if value is not False:
        return None
    known_names = _known_names(schema)
    valid: Valid
    if "patternProperties" in schema:
        valid = lambda instance: not isinstance(instance, dict) or not extras(instance)  # noqa: E731
    else:
        valid = lambda instance: not isinstance(instance, dict) or instance.keys() <= known_names  # noqa: E731

    def errors(instance: Any) -> list[SchemaViolation]:
        found = sorted(extras(instance), key=str)
        if "patternProperties" in schema:
            verb = "does" if len(found) == 1 else "do"
            joined = ", ".join(repr(each) for each in found)
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            message = f"{joined} {verb} not match any of the regexes: {patterns}"
        else:
            verb = "was" if len(found) == 1 else "were"
            names = ", ".join(repr(each) for each in found)
            message = f"Additional properties are not allowed ({names} {verb} unexpected)"
        return [_violation("additionalProperties", message, instance, detail=found)]

    return valid, errors


def pattern_properties(value: Any, schema: Mapping[str, Any],
                       compile_node: CompileNode) -> Compiled:
    """jsonschema's keyword, with each key searched bounded and on its own. A name a key
    could not be searched against (the key is no regular expression, or the search was
    stopped) is reported as not checked against it, with the reason, when that leaves
    something unchecked: the key's sub-schema checks something, or nothing else here
    decides the name (it is in no ``properties`` and matched by no other key), so whether
    it is planned, additional or unevaluated is not known either."""
    rules = tuple((pattern, searcher(pattern), compile_node(sub), not checks_nothing(sub))
                  for pattern, sub in value.items())
    known_names = _known_names(schema)
    keys = PatternKeys(tuple((pattern, bounded) for pattern, bounded, _, _ in rules))

    def undecided(name: str) -> bool:
        return not keys.decides(name, known_names)

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        for _, bounded, node, checks in rules:
            search = bounded.search
            for name, item in instance.items():
                found = search(name)
                if found:
                    if not node.valid(item):
                        return False
                elif found is None and (checks or undecided(name)):
                    return False
        return True

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for pattern, bounded, node, checks in rules:
            for name, item in instance.items():
                matched = bounded.search(name)
                if matched:
                    found += descend(node, item, (name,), ("patternProperties", pattern))
                elif matched is None and (checks or undecided(name)):
                    found.append(SchemaViolation(
                        "patternProperties", (name,), ("patternProperties", pattern),
                        unchecked_message(name, pattern, bounded), item, "unchecked"))
        return found

    return valid, errors


def property_names(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    node = compile_node(value)

    def valid(instance: Any) -> bool:
        return not isinstance(instance, dict) or all(node.valid(name) for name in instance)

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for name in instance:
            found += descend(node, name, (), ("propertyNames",))
        return found

    return valid, errors


def dependent_required(value: Any, schema: Mapping[str, Any],
                       compile_node: CompileNode) -> Compiled:
    rules = tuple((name, tuple(needed)) for name, needed in value.items())

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(each in instance for name, needed in rules if name in instance
                   for each in needed)

    def errors(instance: Any) -> list[SchemaViolation]:
        return [_violation("dependentRequired", f"{each!r} is a dependency of {name!r}", instance,
                           detail=each)
                for name, needed in rules if name in instance for each in needed
                if each not in instance]

    return valid, errors


def dependent_schemas(value: Any, schema: Mapping[str, Any],
                      compile_node: CompileNode) -> Compiled:
    rules = tuple((name, compile_node(sub)) for name, sub in value.items())

    def valid(instance: Any) -> bool:
        if not isinstance(instance, dict):
            return True
        return all(node.valid(instance) for name, node in rules if name in instance)

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for name, node in rules:
            if name in instance:
                found += descend(node, instance, (), ("dependentSchemas", name))
        return found

    return valid, errors


# -- arrays -------------------------------------------------------------------------------------

def items(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    prefix = len(schema.get("prefixItems", []))
    if value is False:
        def valid_none(instance: Any) -> bool:
            return not isinstance(instance, list) or len(instance) <= prefix

        def errors_none(instance: Any) -> list[SchemaViolation]:
            extra = len(instance) - prefix
            rest = instance[prefix:] if extra != 1 else instance[prefix]
            item = "items" if prefix != 1 else "item"
            return [_violation("items", f"Expected at most {prefix} {item} but found {extra} "
                                        f"extra: {rest!r}", instance)]

        return valid_none, errors_none
    node = compile_node(value)
    check = node.valid

    def valid(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        for index in range(prefix, len(instance)):  # noqa: SIM110 (hot path: no generator)
            if not check(instance[index]):
                return False
        return True

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for index in range(prefix, len(instance)):
            found += descend(node, instance[index], (index,), ("items",))
        return found

    return valid, errors


def prefix_items(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    nodes = tuple(compile_node(sub) for sub in value)

    def valid(instance: Any) -> bool:
        if not isinstance(instance, list):
            return True
        return all(node.valid(item) for node, item in zip(nodes, instance, strict=False))

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for index, (node, item) in enumerate(zip(nodes, instance, strict=False)):
            found += descend(node, item, (index,), ("prefixItems", index))
        return found

    return valid, errors


def contains(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    check = compile_node(value).valid
    least = schema.get("minContains", 1)
    most = schema.get("maxContains")

    def explain(instance: Any) -> list[SchemaViolation]:
        limit = len(instance) if most is None else most
        matches = 0
        for each in instance:
            if check(each):
                matches += 1
                if matches > limit:
                    return [_violation("maxContains", "Too many items match the given schema "
                                       f"(expected at most {limit})", instance,
                                       schema_path=("contains",))]
        if matches >= least:
            return []
        if not matches:
            return [_violation("contains", f"{instance!r} does not contain items matching the "
                                           "given schema", instance)]
        return [_violation("minContains", "Too few items match the given schema (expected at "
                           f"least {least} but only {matches} matched)", instance,
                           schema_path=("contains",))]

    def valid(instance: Any) -> bool:
        return not isinstance(instance, list) or not explain(instance)

    return valid, explain


# -- logic --------------------------------------------------------------------------------------

def all_of(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    nodes = tuple(compile_node(sub) for sub in value)

    def valid(instance: Any) -> bool:
        return all(node.valid(instance) for node in nodes)

    def errors(instance: Any) -> list[SchemaViolation]:
        found: list[SchemaViolation] = []
        for index, node in enumerate(nodes):
            found += descend(node, instance, (), ("allOf", index))
        return found

    return valid, errors


def any_of(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    nodes = tuple(compile_node(sub) for sub in value)

    def valid(instance: Any) -> bool:
        return any(node.valid(instance) for node in nodes)

    def errors(instance: Any) -> list[SchemaViolation]:
        return [_violation("anyOf", f"{instance!r} is not valid under any of the given schemas",
                           instance)]

    return valid, errors


def one_of(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    nodes = tuple(compile_node(sub) for sub in value)

    def valid(instance: Any) -> bool:
        return sum(1 for node in nodes if node.valid(instance)) == 1

    def errors(instance: Any) -> list[SchemaViolation]:
        passing = [index for index, node in enumerate(nodes) if node.valid(instance)]
        if not passing:
            return [_violation("oneOf", f"{instance!r} is not valid under any of the given "
                                        "schemas", instance)]
        # jsonschema lists the later valid branches first, then the first one that passed.
        order = [*passing[1:], passing[0]]
        reprs = ", ".join(repr(value[index]) for index in order)
        return [_violation("oneOf", f"{instance!r} is valid under each of {reprs}", instance)]

    return valid, errors


def not_(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled:
    check = compile_node(value).valid

    def errors(instance: Any) -> list[SchemaViolation]:
        return [_violation("not", f"{instance!r} should not be valid under {value!r}", instance)]

    return (lambda instance: not check(instance)), errors


def if_(value: Any, schema: Mapping[str, Any], compile_node: CompileNode) -> Compiled | None:
    if "then" not in schema and "else" not in schema:
        return None
    condition = compile_node(value).valid
    then = compile_node(schema["then"]) if "then" in schema else None
    else_ = compile_node(schema["else"]) if "else" in schema else None

    def valid(instance: Any) -> bool:
        branch = then if condition(instance) else else_
        return branch is None or bool(branch.valid(instance))

    def errors(instance: Any) -> list[SchemaViolation]:
        if condition(instance):
            return [] if then is None else descend(then, instance, (), ("then",), keyword=())
        return [] if else_ is None else descend(else_, instance, (), ("else",), keyword=())

    return valid, errors


NESTED: dict[str, Callable[[Any, Mapping[str, Any], CompileNode], Compiled | None]] = {
    "properties": properties, "required": required,
    "additionalProperties": additional_properties, "patternProperties": pattern_properties,
    "propertyNames": property_names, "dependentRequired": dependent_required,
    "dependentSchemas": dependent_schemas, "items": items, "prefixItems": prefix_items,
    "contains": contains, "allOf": all_of, "anyOf": any_of, "oneOf": one_of, "not": not_,
    "if": if_,
}
