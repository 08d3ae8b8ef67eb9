"""An example message for each plan message, built from its compiled JSON Schema.

The example is what a reader copies into their code, so it must pass ``validate``: collect.py
checks every one with :class:`protocols.Validator` and the page says so when one does not
(a schema can ask for what no generator can build, such as contradicting ``allOf`` members).
Values are deterministic (same schema, same example): the first allowed value, the plan's own
``examples``, a value that fits the ``format``, a string built from the ``pattern``, numbers
inside the range; every property is included, optional ones too, so the example shows them all.
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from protocols.patterns import to_python
from protocols.plan.model import MessageSpec
from protocols.schemarefs import defs_name
from protocols.validate.check.fastschema.patterns import PatternError, compile_pattern

MAX_DEPTH = 12  # nesting of objects and arrays (and $ref hops) followed
# The longest string and array an example holds: a plan may ask for `minLength: 400000000`,
# and a shorter example that fails validate (the page says so) beats a page of 400 MB.
MAX_LENGTH = 10_000
MAX_ITEMS = 100
# The size of a whole example (about its characters): nested arrays and types multiply
# (100 items of 100 items of 10,000 characters wrote a 96 MB page; ten properties of the next
# type nine levels deep never ended). Past it, values are left out, or null (see CUT_COST).
MAX_EXAMPLE = 100_000
# A value past MAX_DEPTH (or the budget) is left out where it may be (an optional property);
# where one is needed (a required property, the first of minItems) it is null, which validate
# reports, and costs this much of the budget, so an example holds at most about a hundred.
# (Ten properties of the next type nine levels deep were some 12,000 nulls, a second per
# message to report: 50 such events took docs 52 s.)
CUT_COST = MAX_EXAMPLE // 100
USER_ID = "user-123"
GROUP_ID = "group-123"
TIMESTAMP = "2026-01-15T10:30:00.000Z"

# What fits each format jsonschema checks (and a few it does not check, for realism).
FORMAT_EXAMPLES = {
    "email": "user@example.com", "idn-email": "user@example.com",
    "date-time": "2026-01-15T10:30:00Z", "date": "2026-01-15", "time": "10:30:00Z",
    "duration": "P1D", "uri": "https://example.com/", "iri": "https://example.com/",
    "uri-reference": "https://example.com/", "iri-reference": "https://example.com/",
    "uri-template": "https://example.com/{id}", "hostname": "example.com",
    "idn-hostname": "example.com", "ipv4": "192.0.2.1", "ipv6": "2001:db8::1",
    "uuid": "123e4567-e89b-12d3-a456-426614174000", "regex": "^[a-z]+$",
    "json-pointer": "/id", "relative-json-pointer": "0",
}

# Tried when nothing built from the schema fits (a pattern re cannot parse, say).
FALLBACK_STRINGS = ("example", "a", "A", "0", "Aa0", "ABC", "abc", "123", "a-b", "A_B", "")
# Unicode property classes (ECMA-262 \p{...}, which re lacks) as an ASCII class of the same
# kind, so a pattern using them can still be walked; the real pattern checks the result.
_PROPERTY_CLASSES = {"Lu": "A-Z", "Uppercase_Letter": "A-Z", "Ll": "a-z",
                     "Lowercase_Letter": "a-z", "N": "0-9", "Nd": "0-9", "Number": "0-9",
                     "Decimal_Number": "0-9", "Digit": "0-9"}
_PROPERTY = re.compile(r"\\p\{([A-Za-z_]+)\}")

try:
    _PARSER: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - a future Python may move it; patterns then use fallbacks
    _PARSER = None


def example_message(spec: MessageSpec) -> dict[str, Any]:
    """A whole Segment message of this kind with a payload built from the spec's schema."""
    message: dict[str, Any] = {"type": spec.kind}
    if spec.kind == "track":
        message["event"] = spec.name
    elif spec.kind in ("page", "screen") and spec.name is not None:
        message["name"] = spec.name
    message["userId"] = USER_ID
    if spec.kind == "group":
        message["groupId"] = GROUP_ID
    defs = spec.schema.get("$defs") or {}
    payload = Builder(defs).value(spec.schema, "", 0)  # (a whole budget, depth 0: not _CUT)
    message[spec.payload_field] = payload if isinstance(payload, dict) else {}
    message["timestamp"] = TIMESTAMP
    return message


class _Cut:
    """What :meth:`Builder.value` gives past MAX_DEPTH or MAX_EXAMPLE: no value."""


_CUT: Any = _Cut()


class Builder:
    """Builds one value per schema; ``defs`` resolves ``#/$defs/Name`` references."""

    def __init__(self, defs: Mapping[str, Any]) -> None:
        self.defs = defs
        self.budget = MAX_EXAMPLE  # what the example may still take (see MAX_EXAMPLE)

    def value(self, schema: Any, name: str, depth: int) -> Any:
        """The example of ``schema``; ``_CUT`` past MAX_DEPTH or the budget (only
        :meth:`object` and :meth:`array` see it: they leave the value out, or write null
        where one is needed)."""
        if self.budget <= 0:
            return _CUT
        self.budget -= 1
        return self._value(schema, name, depth)

    def _text(self, text: str) -> str:
        self.budget -= len(text)
        return text

    def _value(self, schema: Any, name: str, depth: int) -> Any:
        if schema is True or not isinstance(schema, Mapping):
            return self._text(_words(name))
        if depth > MAX_DEPTH:
            return _CUT
        type_name = defs_name(schema.get("$ref"))
        if type_name is not None:
            target = self.defs.get(type_name)
            if target is not None:
                rest = {k: v for k, v in schema.items() if k != "$ref"}
                return self.value({**target, **rest} if _constrains(rest) else target,
                                  name, depth + 1)
        if "const" in schema:
            return schema["const"]
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            values = schema["enum"]
            return next((v for v in values if v is not None), values[0])
        examples = schema.get("examples")
        if isinstance(examples, list) and examples:
            return examples[0]
        for key in ("anyOf", "oneOf"):
            members = schema.get(key)
            if isinstance(members, list) and members:
                chosen = next((m for m in members if not _is_null(m)), members[0])
                rest = {k: v for k, v in schema.items() if k != key}
                merged = {**rest, **chosen} if isinstance(chosen, Mapping) else chosen
                return self.value(merged, name, depth + 1)
        all_of = schema.get("allOf")
        if isinstance(all_of, list) and all_of:
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for member in all_of:
                if isinstance(member, Mapping):
                    merged = _merge(merged, self._deref(member))
            return self.value(merged, name, depth + 1)
        kind = _kind(schema)
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return self.array(schema, name, depth)
        if kind in ("number", "integer"):
            return number(schema, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "null":
            return None
        return self._text(string(schema, name))

    def _deref(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        type_name = defs_name(schema.get("$ref"))
        if type_name is not None:
            target = self.defs.get(type_name)
            if isinstance(target, Mapping):
                return target
        return schema

    def object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties") or {}
        out = {}
        for key, sub in properties.items():
            if self.budget <= 0:
                break  # (the example is as large as it may be: see MAX_EXAMPLE)
            self.budget -= len(str(key)) + 4  # the key as written, and its punctuation
            value = self.value(sub, key, depth + 1)
            if value is not _CUT:
                out[key] = value
        for key in schema.get("required") or ():
            if isinstance(key, str) and key not in out:
                if key in properties:
                    value = _CUT  # (left out above: too deep, or past the budget)
                else:
                    value = self.value(schema.get("additionalProperties", True), key, depth + 1)
                out[key] = self._needed(value)
        return out

    def _needed(self, value: Any) -> Any:
        """A value that must be there: null for one past MAX_DEPTH, at a cost (CUT_COST)."""
        if value is not _CUT:
            return value
        self.budget -= CUT_COST
        return None

    def array(self, schema: Mapping[str, Any], name: str, depth: int) -> list[Any]:
        low = _int(schema.get("minItems"), 0)
        high = _int(schema.get("maxItems"), max(low, 1))
        count = min(max(low, 1), high, MAX_ITEMS)
        items = schema.get("items", True)
        before = self.budget
        first = self.value(items, name, depth + 1)
        if first is _CUT:
            return [self._needed(first)] if low else []
        each = max(before - self.budget, 1)  # what one item took of the budget
        count = max(min(count, 1 + max(self.budget, 0) // each), 1)
        self.budget -= each * (count - 1)
        if count <= 1:
            return [first][:count]
        if not schema.get("uniqueItems"):
            return [first] * count
        # Distinct items: enum members in turn, or numbered strings/numbers.
        values = items.get("enum") if isinstance(items, Mapping) else None
        if isinstance(values, list) and len(values) >= count:
            return list(values[:count])
        if isinstance(first, str):
            return [first if i == 0 else f"{first}{i + 1}" for i in range(count)]
        if isinstance(first, (int, float)) and not isinstance(first, bool):
            return [first + i for i in range(count)]
        return [first] * count


def _is_null(schema: Any) -> bool:
    return isinstance(schema, Mapping) and schema.get("type") == "null"


def _constrains(schema: Mapping[str, Any]) -> bool:
    return bool(set(schema) - {"description", "deprecated", "title", "x-pii", "examples"})


def _merge(left: Mapping[str, Any], right: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(left)
    for key, value in right.items():
        if key == "properties" and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        elif key == "required" and isinstance(merged.get(key), list):
            merged[key] = [*merged[key], *(v for v in value if v not in merged[key])]
        else:
            merged[key] = value
    return merged


def _kind(schema: Mapping[str, Any]) -> str:
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), kind[0] if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "minItems" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                                 "multipleOf")):
        return "number"
    return "string"


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 \
        else default


def _words(name: str) -> str:
    words = " ".join(name.replace("_", " ").replace("-", " ").split())
    return f"example {words}".strip() if words else "example"


# -- strings ------------------------------------------------------------------------------------


def string(schema: Mapping[str, Any], name: str) -> str:
    low = min(_int(schema.get("minLength"), 0), MAX_LENGTH)
    high = _int(schema.get("maxLength"), MAX_LENGTH)
    pattern = schema.get("pattern")
    candidates: list[str] = []
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_EXAMPLES:
        candidates.append(FORMAT_EXAMPLES[fmt])
    if isinstance(pattern, str):
        candidates += pattern_examples(pattern)
    candidates += [_words(name), *FALLBACK_STRINGS]
    for candidate in candidates:
        fitted = _fit_length(candidate, low, high)
        if _fits(fitted, low, high, pattern):
            return fitted
    return _fit_length(candidates[0], low, high)


def _fit_length(text: str, low: int, high: int) -> str:
    # Lengths count code points, as JSON Schema does.
    if len(text) > high:
        text = text[:high]
    if len(text) < low:
        text = text + "x" * (low - len(text))
    return text


def _fits(text: str, low: int, high: int, pattern: Any) -> bool:
    if not low <= len(text) <= high:
        return False
    if not isinstance(pattern, str):
        return True
    try:
        return compile_pattern(pattern).search(text) is True
    except PatternError:
        return True  # lint reports a broken pattern; validate cannot apply it either


def pattern_examples(pattern: str) -> list[str]:
    """Strings the pattern should match, built from its parse tree (checked by the caller)."""
    if _PARSER is None:
        return []
    ascii_pattern = _PROPERTY.sub(lambda m: f"[{_PROPERTY_CLASSES.get(m.group(1), 'a-zA-Z')}]",
                                  to_python(pattern))
    try:
        tree = _PARSER.parse(ascii_pattern)
    except Exception:  # re cannot parse it (\p{...}); the caller's fallbacks remain
        return []
    found: list[str] = []
    for repeat_style in ("one", "min"):
        try:
            text = _Pattern(repeat_style).sequence(tree)
        except _Unbuildable:
            continue
        if text not in found:
            found.append(text)
    return found


class _Unbuildable(Exception):
    pass


class _Pattern:
    """Walks re's parse tree, choosing the first way through every choice."""

    def __init__(self, repeat_style: str) -> None:
        self.repeat_style = repeat_style  # "one": repeat optional parts once; "min": minimum
        self.groups: dict[int, str] = {}
        self.budget = 2_000  # characters; a pattern like a{1000000} is not worth building

    def sequence(self, items: Any) -> str:
        return "".join(self.item(op, arg) for op, arg in items)

    def item(self, op: Any, arg: Any) -> str:
        name = str(op)
        if name == "LITERAL":
            return self.chars(chr(arg))
        if name == "NOT_LITERAL":
            return self.chars("a" if chr(arg) != "a" else "b")
        if name == "ANY":
            return self.chars("a")
        if name == "IN":
            return self.chars(_class_char(arg))
        if name == "BRANCH":
            return self.sequence(arg[1][0])
        if name == "SUBPATTERN":
            group, *_flags, body = arg
            text = self.sequence(body)
            if group is not None:
                self.groups[group] = text
            return text
        if name == "ATOMIC_GROUP":
            return self.sequence(arg)
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, body = arg
            count = low if self.repeat_style == "min" or low > 0 else min(1, high)
            return "".join(self.sequence(body) for _ in range(count))
        if name == "GROUPREF":
            return self.groups.get(arg, "")
        if name in ("AT", "ASSERT", "ASSERT_NOT"):
            return ""  # anchors and look-arounds add no characters (the check decides)
        if name == "CATEGORY":
            return self.chars(_category_char(str(arg)))
        raise _Unbuildable(name)

    def chars(self, text: str) -> str:
        self.budget -= len(text)
        if self.budget < 0:
            raise _Unbuildable("too long")
        return text


def _category_char(category: str) -> str:
    return {"CATEGORY_DIGIT": "0", "CATEGORY_NOT_DIGIT": "a", "CATEGORY_SPACE": " ",
            "CATEGORY_NOT_SPACE": "a", "CATEGORY_WORD": "a", "CATEGORY_NOT_WORD": "-"
            }.get(category, "a")


def _class_char(items: Any) -> str:
    """A character of a class ``[...]``: its first member, or for ``[^...]`` one outside it."""
    negated = any(str(op) == "NEGATE" for op, _ in items)
    if not negated:
        for op, arg in items:
            name = str(op)
            if name == "LITERAL":
                return chr(arg)
            if name == "RANGE":
                return chr(arg[0])
            if name == "CATEGORY":
                return _category_char(str(arg))
        raise _Unbuildable("empty class")
    for candidate in "aA0_- .xz":
        if not any(_in_item(str(op), arg, candidate) for op, arg in items):
            return candidate
    raise _Unbuildable("no character outside the class")


def _in_item(op: str, arg: Any, char: str) -> bool:
    if op == "LITERAL":
        return chr(arg) == char
    if op == "RANGE":
        return bool(arg[0] <= ord(char) <= arg[1])
    if op == "CATEGORY":
        return _category_char(str(arg)) == char or {
            "CATEGORY_DIGIT": char.isdigit(), "CATEGORY_WORD": char.isalnum() or char == "_",
            "CATEGORY_SPACE": char.isspace()}.get(str(arg), False)
    return False


# -- numbers ------------------------------------------------------------------------------------


def number(schema: Mapping[str, Any], *, integer: bool) -> int | float:
    """A round number inside the range (and a multiple of ``multipleOf``)."""
    low, low_open = _bound(schema, "minimum", "exclusiveMinimum", max)
    high, high_open = _bound(schema, "maximum", "exclusiveMaximum", min)
    step = schema.get("multipleOf")
    step = step if isinstance(step, (int, float)) and not isinstance(step, bool) and step > 0 \
        else None

    def fits(value: float) -> bool:
        if low is not None and (value < low or (low_open and value == low)):
            return False
        if high is not None and (value > high or (high_open and value == high)):
            return False
        if integer and value != int(value):
            return False
        return step is None or _is_multiple(value, step)

    candidates: list[Callable[[], float]] = [lambda: 1, lambda: 10, lambda: 0, lambda: 2,
                                             lambda: 5, lambda: 100]
    if low is not None:
        candidates += [lambda: low, lambda: math.floor(low) + 1, lambda: low + 1]
        if step is not None:
            candidates.append(lambda: math.ceil(low / step) * step + (step if low_open else 0))
    if high is not None:
        candidates += [lambda: high, lambda: math.ceil(high) - 1, lambda: high - 1]
        if step is not None:
            candidates.append(
                lambda: math.floor(high / step) * step - (step if high_open else 0))
    if low is not None and high is not None:
        candidates.append(lambda: (low + high) / 2)
    if step is not None:
        candidates.append(lambda: step)
    for make in candidates:
        try:  # bounds beyond a float's range (integers of 400 digits) overflow a division
            candidate = make()
            if isinstance(candidate, float) and not math.isfinite(candidate):
                continue
            if fits(candidate):
                return int(candidate) if candidate == int(candidate) else candidate
        except OverflowError:
            continue
    return int(low) if integer and low is not None else (low if low is not None else 0)


def _bound(schema: Mapping[str, Any], closed: str, open_: str, pick: Any
           ) -> tuple[float | None, bool]:
    values: list[tuple[float, bool]] = []
    for key, is_open in ((closed, False), (open_, True)):
        value = schema.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append((value, is_open))
    if not values:
        return None, False
    best = pick(v for v, _ in values)
    return best, any(v == best and o for v, o in values)


def _is_multiple(value: float, step: float) -> bool:
    # As jsonschema decides it (exactly, in floating point), so the example passes validate.
    if isinstance(value, int) and isinstance(step, int):
        return value % step == 0
    quotient = value / step
    return math.isfinite(quotient) and quotient == int(quotient)
