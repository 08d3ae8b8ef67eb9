"""Schema rules: what a property fragment says is valid JSON Schema that can be satisfied."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping
from typing import Any

from protocols.diagnostics import Diagnostic, Location, Severity
from protocols.lint.context import LintContext
from protocols.lint.fragments import Fragment, fragments
from protocols.lint.registry import RULES, rule
from protocols.naming import did_you_mean
from protocols.patterns import compile_error, pattern_risk, risk_message, to_python
from protocols.plan.model import JSON_TYPES
from protocols.plan.rawcheck import check_literals, metaschema_errors
from protocols.plan.resolve import PLAN_ONLY_KEYS
from protocols.yamlsrc import PathKey

# The formats draft 2020-12 defines (section 7.3 of the validation vocabulary).
FORMATS = ("date-time", "date", "time", "duration", "email", "idn-email", "hostname",
           "idn-hostname", "ipv4", "ipv6", "uri", "uri-reference", "iri", "iri-reference",
           "uuid", "uri-template", "json-pointer", "relative-json-pointer", "regex")


def _report(ctx: LintContext, code: str, message: str, path: PathKey, *, key: bool = False,
            suggestion: str | None = None) -> Diagnostic:
    where = ctx.key_location(path) if key else ctx.value_location(path)
    return RULES[code].diagnostic(message, where, path=ctx.path_text(path),
                                  suggestion=suggestion)


# -- PL104 -----------------------------------------------------------------------------------


_ANNOTATIONS = frozenset({"description", "title", "examples", "deprecated"})


def _as_json_schema(body: Mapping[str, Any]) -> dict[str, Any]:
    """A plan fragment's own keywords as plain JSON Schema; sub-schemas are checked on their
    own (they are fragments too), so they are replaced by empty schemas here."""
    schema: dict[str, Any] = {}
    for key, value in body.items():
        # Annotations are left out: the plan format already checked their types, and without
        # them equal fragments share one cached metaschema check.
        if key in PLAN_ONLY_KEYS or key in _ANNOTATIONS or key.startswith("x-"):
            continue
        if key == "type":
            names = value if isinstance(value, list) else [value]
            plain = [n for n in names if n in JSON_TYPES]
            if len(plain) == len(names):  # named types are PL111's business
                schema[key] = value
        elif key == "properties" and isinstance(value, Mapping):
            schema[key] = {name: {} for name in value}
        elif key in ("items", "not") or (key == "additionalProperties"
                                         and isinstance(value, Mapping)):
            schema[key] = {}
        elif key in ("anyOf", "oneOf", "allOf") and isinstance(value, list):
            schema[key] = [{} for _ in value]
        else:
            schema[key] = value
    return schema


def _spec_errors(schema: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    """A compiled message schema, checked in pieces so that equal pieces hit the cache."""
    pieces = {key: schema.get(key) for key in ("properties", "$defs")}
    if not all(value is None or isinstance(value, Mapping) for value in pieces.values()):
        yield from metaschema_errors(schema)
        return
    # The shell (type, required...) without the pieces, which are mappings of names to
    # sub-schemas checked one by one below; its description is the message's, which the plan
    # format has already checked.
    shell = {key: value for key, value in schema.items()
             if key not in pieces and key != "description"}
    yield from metaschema_errors(shell)
    for key, members in pieces.items():
        for name, member in (members or {}).items():
            if isinstance(member, Mapping):  # annotations: see _as_json_schema
                member = {k: v for k, v in member.items() if k not in _ANNOTATIONS}
            for sub_path, message in metaschema_errors(member):
                yield (key, name, *sub_path), message


@rule("PL104", "invalid-json-schema", category="format", default=Severity.ERROR,
      summary="A property fragment is not valid JSON Schema (draft 2020-12).")
def invalid_json_schema(ctx: LintContext) -> Iterator[Diagnostic]:
    """Every property compiles to a JSON Schema fragment that is checked against the draft
    2020-12 metaschema. The plan format already checks the keys it knows, so this mostly
    catches raw `schema:` blocks (which are passed through as written) and values such as a
    `type` list that names a type twice. The position is that of the offending keyword.

    Failing:

    ```yaml
    properties:
      amount:
        type: number
        schema: {exclusiveMinimum: "zero"}
    ```

    Passing:

    ```yaml
    properties:
      amount:
        type: number
        schema: {exclusiveMinimum: 0}
    ```
    """
    found = False
    for fragment in fragments(ctx):
        if fragment.raw:
            # Raw blocks are checked whole by the loader (protocols/plan/rawcheck.py), for
            # every command; its findings are this file's already.
            found = found or bool(fragment.raw_root and metaschema_errors(fragment.body))
            continue
        instance = _as_json_schema(fragment.body)
        for sub_path, message in metaschema_errors(instance):
            found = True
            yield _report(ctx, "PL104", f"not valid JSON Schema: {message}",
                          (*fragment.path, *sub_path))
    if found or ctx.plan is None:
        return
    # The compiled schemas are checked too, in case resolution produced something the
    # fragments alone do not show; positioned at the nearest part the plan defines.
    seen: set[tuple[Location, str]] = set()
    for spec in ctx.plan.messages():
        for sub_path, message in _spec_errors(spec.schema):
            where = spec.locate(sub_path)
            if where.file != ctx.file or (where, message) in seen:
                continue
            seen.add((where, message))
            yield RULES["PL104"].diagnostic(
                f"the compiled schema of {spec.label} is not valid JSON Schema: {message}",
                where, path=ctx.path_text(spec.plan_path), event=spec.name)


# -- PL105 -----------------------------------------------------------------------------------


@rule("PL105", "invalid-pattern", category="format", default=Severity.ERROR,
      summary="A `pattern` that is not a valid regex, or that can backtrack catastrophically.")
def invalid_pattern(ctx: LintContext) -> Iterator[Diagnostic]:
    """`pattern` (and the keys of `patternProperties` in raw `schema:` blocks) must be a
    regular expression. JSON Schema uses ECMA-262 syntax; patterns are compiled with Python's
    `re` (which `validate` evaluates them with) after translating named groups (`(?<name>...)`).

    A pattern that compiles can still take exponential or polynomial time on an input that
    almost matches, in `validate` and, worse, inside generated clients, which run in your
    application and cannot stop a search. Each of these is an error (a crafted event could
    stall validation or the app), and `generate` refuses to run until it is fixed:

    - a repeated part that can match the same text in more than one way: one repetition
      inside another (`^(a+)+$`, `^(\\w+\\s?)*$`), alternatives that overlap (`(a|aa)+`,
      `(\\w|\\d)+`, `(.|\\s)*`), or a counted repetition of such a part (`(a|a){1,30}`):
      exponential time;
    - repetitions that can take turns on the same text (`^a*a*b$`, `^\\w+_\\w+$`,
      `^\\S+@\\S+\\.\\S+$`: the `.` is also a `\\S`): time that grows with a power of
      the length;
    - a back-reference (`(a)\\1`), whose time cannot be bounded, or a pattern too large to
      check.

    The check runs on the pattern's automaton, so rewrites that remove the ambiguity pass:
    make adjacent parts match different characters (`^[^@\\s.]+(\\.[^@\\s.]+)*$`), or
    fold them into one (`^a*b$`, `^[\\w\\s]*$`). In YAML, write patterns in single quotes:
    backslashes are then taken as they are (in double quotes `\\d` is an error and `\\\\d`
    is needed).

    Failing:

    ```yaml
    properties:
      sku: {type: string, pattern: '^[A-Z]{3}-(\\d+'}
      slug: {type: string, pattern: '^([a-z]+-?)+$'}
      code: {type: string, pattern: '^(a|aa)+$'}
      email: {type: string, pattern: '^\\S+@\\S+\\.\\S+$'}
    ```

    Passing:

    ```yaml
    properties:
      sku: {type: string, pattern: '^[A-Z]{3}-\\d+$'}
      slug: {type: string, pattern: '^[a-z]+(-[a-z]+)*$'}
      code: {type: string, pattern: '^a+$'}
      email: {type: string, pattern: '^[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)+$'}
    ```
    """
    for fragment in fragments(ctx):
        targets: list[tuple[PathKey, Any, bool]] = [
            ((*fragment.path, "pattern"), fragment.body.get("pattern"), False)]
        if fragment.raw:
            pattern_properties = fragment.body.get("patternProperties")
            if isinstance(pattern_properties, Mapping):
                targets += [((*fragment.path, "patternProperties", key), key, True)
                            for key in pattern_properties]
        for path, pattern, is_key in targets:
            if not isinstance(pattern, str):
                continue
            error = compile_error(pattern)
            if error is not None:
                yield _report(ctx, "PL105", f"pattern {pattern!r} is not a valid regular "
                              f"expression: {error}", path, key=is_key)
                continue
            risk = pattern_risk(pattern)
            if risk is not None:
                yield _report(ctx, "PL105", risk_message(pattern, risk), path, key=is_key)


# -- PL106 -----------------------------------------------------------------------------------


@rule("PL106", "unknown-format", category="format", default=Severity.ERROR,
      summary="`format` is not one of the formats draft 2020-12 defines.")
def unknown_format(ctx: LintContext) -> Iterator[Diagnostic]:
    """`format` takes one of the draft 2020-12 formats: date-time, date, time, duration,
    email, idn-email, hostname, idn-hostname, ipv4, ipv6, uri, uri-reference, iri,
    iri-reference, uuid, uri-template, json-pointer, relative-json-pointer, regex. Validators
    ignore any other value, so a misspelt format silently checks nothing.

    Failing:

    ```yaml
    properties:
      signed_up_at: {type: string, format: datetime}
    ```

    Passing:

    ```yaml
    properties:
      signed_up_at: {type: string, format: date-time}
    ```
    """
    for fragment in fragments(ctx):
        value = fragment.body.get("format")
        if isinstance(value, str) and value not in FORMATS:
            hint = did_you_mean(value, FORMATS, cutoff=0.6)  # a short, closed list
            message = f"unknown format {value!r}: validators ignore it, so it checks nothing"
            message += f"; did you mean {hint!r}?" if hint else " (see the list in docs/rules.md)"
            yield _report(ctx, "PL106", message, (*fragment.path, "format"), suggestion=hint)


# -- PL107 -----------------------------------------------------------------------------------

_BOUNDS = (("minimum", "maximum", "values"), ("minLength", "maxLength", "lengths"),
           ("minItems", "maxItems", "item counts"),
           ("minProperties", "maxProperties", "property counts"))


def _number(value: Any) -> int | float | None:
    # Kept as written: float() of a 400-digit YAML integer overflows; NaN compares with nothing.
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return None
    return value


def _finite(value: int | float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def _range_findings(body: Mapping[str, Any], types: frozenset[str] | None
                    ) -> Iterator[tuple[str, str]]:
    """(keyword to point at, why) for bounds that leave no value."""
    for low_key, high_key, what in _BOUNDS:
        low, high = _number(body.get(low_key)), _number(body.get(high_key))
        if low is not None and high is not None and low > high:
            yield high_key, (f"{low_key} {body[low_key]} is greater than {high_key} "
                             f"{body[high_key]}: no {what} are allowed")
    lows = [(v, False, k) for k in ("minimum",) if (v := _number(body.get(k))) is not None]
    lows += [(v, True, k) for k in ("exclusiveMinimum",)
             if (v := _number(body.get(k))) is not None]
    highs = [(v, False, k) for k in ("maximum",) if (v := _number(body.get(k))) is not None]
    highs += [(v, True, k) for k in ("exclusiveMaximum",)
              if (v := _number(body.get(k))) is not None]
    integer_only = types is not None and types <= {"integer", "null"} and "integer" in types
    for low, low_open, low_key in lows:
        for high, high_open, high_key in highs:
            if not (low_open or high_open):
                continue  # plain minimum > maximum is reported above
            empty = low >= high
            if not empty and integer_only and _finite(low) and _finite(high):
                smallest = math.floor(low) + 1 if low_open else math.ceil(low)
                largest = math.ceil(high) - 1 if high_open else math.floor(high)
                empty = smallest > largest
            if empty:
                kind = "integers" if integer_only and low < high else "values"
                yield high_key, (f"{low_key} {body[low_key]} and {high_key} {body[high_key]} "
                                 f"leave no {kind}")


def _fits(value: Any, json_type: str) -> bool:
    if json_type == "null":
        return value is None
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer()))
    if json_type == "number":
        return not isinstance(value, bool) and isinstance(value, int | float)
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "array":
        return isinstance(value, list)
    return isinstance(value, Mapping)


def _declared_types(ctx: LintContext, fragment: Fragment) -> frozenset[str] | None:
    """The JSON types a fragment accepts, from its own `type` or the library entry it refers
    to; None when unknown (a named type, or no type at all)."""
    body = fragment.body
    declared = body.get("type")
    if declared is None and not fragment.raw and ctx.plan is not None:
        # `use: name` builds on a library entry, whose type then applies to this fragment.
        target = body.get("use")
        entry = ctx.plan.library.get(str(target)) if target is not None else None
        if entry is not None:
            declared = entry.get("type")
            if entry.get("nullable"):
                body = {**body, "nullable": True}
    if declared is None:
        return None
    names = declared if isinstance(declared, list) else [declared]
    if not all(isinstance(n, str) and n in JSON_TYPES for n in names):
        return None
    types = set(names)
    if body.get("nullable") and not fragment.raw:
        types.add("null")
    return frozenset(types)


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    return "null" if value is None else repr(value)


def _yaml_hint(value: Any, types: frozenset[str]) -> str:
    if isinstance(value, bool) and "string" in types:
        return "; YAML reads yes/no/on/off/true/false as booleans: quote the value"
    if isinstance(value, int | float) and not isinstance(value, bool) and "string" in types:
        return "; YAML reads it as a number: quote the value"
    if value is None and "string" in types:
        return "; YAML reads ~ and null (and an empty value) as null: quote the value"
    return ""


def _value_findings(ctx: LintContext, fragment: Fragment) -> Iterator[Diagnostic]:
    body, path = fragment.body, fragment.path
    types = _declared_types(ctx, fragment)
    wanted = " or ".join(sorted(types)) if types else ""
    checked: list[tuple[PathKey, Any, str]] = []
    if "const" in body:
        checked.append(((*path, "const"), body["const"], "const"))
    if "default" in body:
        checked.append(((*path, "default"), body["default"], "default"))
    enum = body.get("enum")
    if isinstance(enum, list):
        checked += [((*path, "enum", i), v, "enum value") for i, v in enumerate(enum)]
        seen: dict[str, int] = {}
        for index, value in enumerate(enum):
            key = json.dumps(value, sort_keys=True, default=str)
            if key in seen:
                yield _report(ctx, "PL107", f"enum value {_shown(value)} is listed twice "
                              f"(first at index {seen[key]})", (*path, "enum", index))
            else:
                seen[key] = index
    for value_path, value, what in checked:
        if types and not any(_fits(value, t) for t in types):
            yield _report(ctx, "PL107", f"{what} {_shown(value)} is not of the property's "
                          f"own type ({wanted}), so it can never be valid"
                          + _yaml_hint(value, types), value_path)
            continue
        broken = _refused_by(body, value)
        if broken is not None:
            yield _report(ctx, "PL107", f"{what} {_shown(value)} {broken}, so it can never be "
                          "valid", value_path)
    required = body.get("required")
    if fragment.raw and isinstance(required, list):
        known = set(_keys(body.get("properties")))
        if fragment.raw_root and fragment.parent is not None:
            known |= set(_keys(fragment.parent.get("properties")))
        if known or "properties" in body:
            for index, name in enumerate(required):
                if isinstance(name, str) and name not in known:
                    hint = did_you_mean(name, sorted(known))
                    yield _report(ctx, "PL107", f"`required` names {name!r}, which is not "
                                  "among the properties" + (f"; did you mean {hint!r}?"
                                                            if hint else ""),
                                  (*path, "required", index), suggestion=hint)


_LONGEST_SEARCHED = 1_024  # (characters of a value a pattern is searched in: see below)


def _refused_by(body: Mapping[str, Any], value: Any) -> str | None:
    """How the fragment's own bounds, lengths, ``multipleOf`` or ``pattern`` refuse one of
    its values (an enum option, the const, the default), or None. Only what is exact: an
    integer ``multipleOf``, a pattern that compiles with ``re`` and cannot backtrack."""
    if isinstance(value, str):
        length = len(value)  # (JSON Schema counts characters, as Python does)
        low, high = _number(body.get("minLength")), _number(body.get("maxLength"))
        if low is not None and length < low:
            return f"is shorter than minLength {low} ({_characters(length)})"
        if high is not None and length > high:
            return f"is longer than maxLength {high} ({_characters(length)})"
        pattern = body.get("pattern")
        if isinstance(pattern, str) and length <= _LONGEST_SEARCHED and \
                compile_error(pattern) is None and pattern_risk(pattern) is None:
            try:
                found = re.search(to_python(pattern), value)
            except (re.error, OverflowError, RecursionError):
                return None  # (syntax only the `regex` package reads: left to validate)
            if found is None:
                return f"does not match the pattern {pattern!r}"
        return None
    number = _number(value)
    if number is None:
        return None
    for keyword, words in (("minimum", "is below minimum"), ("maximum", "is above maximum"),
                           ("exclusiveMinimum", "is not above exclusiveMinimum"),
                           ("exclusiveMaximum", "is not below exclusiveMaximum")):
        bound = _number(body.get(keyword))
        if bound is None:
            continue
        if (number < bound if keyword == "minimum" else number > bound if keyword == "maximum"
                else number <= bound if keyword == "exclusiveMinimum" else number >= bound):
            return f"{words} {body[keyword]}"
    step = body.get("multipleOf")
    if type(number) is int and type(step) is int and step > 0 and number % step:
        return f"is not a multiple of multipleOf {step}"
    return None


def _characters(count: int) -> str:
    return f"{count} character" if count == 1 else f"{count} characters"


def _keys(value: Any) -> list[str]:
    return [k for k in value if isinstance(k, str)] if isinstance(value, Mapping) else []


@rule("PL107", "contradiction", category="format", default=Severity.ERROR,
      summary="Keywords that contradict each other, so no value can be valid.")
def contradiction(ctx: LintContext) -> Iterator[Diagnostic]:
    """A fragment whose keywords leave no valid value: `minimum` above `maximum` (likewise
    `minLength`/`maxLength`, `minItems`/`maxItems`, `minProperties`/`maxProperties`),
    exclusive bounds that leave nothing (`exclusiveMinimum: 1, exclusiveMaximum: 2` on an
    integer), a `const`, `default` or `enum` value that breaks the property's own type (often
    a YAML surprise: unquoted `yes`/`no` are booleans) or its own `minLength`/`maxLength`,
    bounds, integer `multipleOf` or `pattern` (`enum: [a, bbb]` with `minLength: 2`: every
    message sending `a` fails), an enum that lists a value twice, or
    a `required` list in a raw `schema:` block naming a property that does not exist, or an
    `enum`/`const` integer beyond 64 bits (generated code and JavaScript would hold another
    number; `validate` compares it exactly).

    Failing:

    ```yaml
    properties:
      quantity: {type: integer, minimum: 10, maximum: 1}
      answer: {type: string, enum: [yes, no]}
    ```

    Passing:

    ```yaml
    properties:
      quantity: {type: integer, minimum: 1, maximum: 10}
      answer: {type: string, enum: ["yes", "no"]}
    ```
    """
    for fragment in fragments(ctx):
        types = _declared_types(ctx, fragment)
        for keyword, why in _range_findings(fragment.body, types):
            yield _report(ctx, "PL107", why, (*fragment.path, keyword))
        yield from _value_findings(ctx, fragment)
    yield from check_literals(ctx.data, ctx.source)
