"""jsonschema, for the schemas the compiled engine leaves to it, with every cost bounded.

Draft 2020-12 as jsonschema implements it, except for the keywords whose cost grows faster
than the value they check, which a log line chooses:

- ``pattern``, ``patternProperties`` and ``additionalProperties``: the bounded search of
  :mod:`.fastschema.patterns` (``re.search`` cannot be stopped), which reports a value as not
  checked, never raises, when the pattern is no regular expression;
- ``multipleOf``: exact where jsonschema's float arithmetic raises OverflowError (a huge
  integer and a fractional divisor);
- ``uniqueItems``: linear (jsonschema compares objects pairwise: a 100,000-object array took
  minutes);
- ``unevaluatedItems`` and ``unevaluatedProperties``: linear (jsonschema looks each index or
  key up in a list of the evaluated ones: n**2).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from protocols.validate.check.fastschema.equality import uniq
from protocols.validate.check.fastschema.keywords import not_multiple, unchecked_message
from protocols.validate.check.fastschema.patterns import search_or_unchecked

Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]


@cache
def bounded_validator_class() -> Any:
    """The draft 2020-12 validator class with the keywords above replaced."""
    return jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                        {"pattern": _bounded_pattern,
                                         "patternProperties": _pattern_properties,
                                         "additionalProperties": _additional_properties,
                                         "multipleOf": _multiple_of,
                                         "uniqueItems": _unique_items, **_linear_unevaluated()})


def _unique_items(validator: Any, wanted: Any, instance: Any,
                  schema: Any) -> Iterator[ValidationError]:
    if wanted and validator.is_type(instance, "array") and not uniq(instance):
        yield ValidationError(f"{instance!r} has non-unique elements")


def _multiple_of(validator: Any, divisor: Any, instance: Any,
                 schema: Any) -> Iterator[ValidationError]:
    if validator.is_type(instance, "number") and not_multiple(instance, divisor):
        yield ValidationError(f"{instance!r} is not a multiple of {divisor}")


def _bounded_pattern(validator: Any, pattern: str, instance: Any,
                     schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    bounded = search_or_unchecked(pattern)
    found = bounded.search(instance)
    if found is None:
        yield ValidationError(unchecked_message(instance, pattern, bounded))
    elif not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, rules: Any, instance: Any,
                        schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    for pattern, sub in rules.items():
        search = search_or_unchecked(pattern).search
        for name, value in instance.items():
            if search(name):  # (None, not checked: taken as no match, as the engine does)
                yield from validator.descend(value, sub, path=name, schema_path=pattern)


def _additional_properties(validator: Any, rule: Any, instance: Any,
                           schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    extras = additional_names(instance, schema)
    if validator.is_type(rule, "object"):
        for name in extras:
            yield from validator.descend(instance[name], rule, path=name)
    elif not rule and extras:
        found = sorted(extras, key=str)
        if "patternProperties" in schema:
            verb = "does" if len(found) == 1 else "do"
            joined = ", ".join(repr(each) for each in found)
            patterns = ", ".join(repr(each) for each in sorted(schema["patternProperties"]))
            yield ValidationError(f"{joined} {verb} not match any of the regexes: {patterns}")
        else:
            verb = "was" if len(found) == 1 else "were"
            names = ", ".join(repr(each) for each in found)
            yield ValidationError(f"Additional properties are not allowed ({names} {verb} "
                                  "unexpected)")


def additional_names(instance: dict[str, Any], schema: Mapping[str, Any]) -> list[str]:
    """The names ``additionalProperties`` applies to: in neither ``properties`` nor
    ``patternProperties`` (its patterns joined, as jsonschema does, and searched bounded)."""
    known = schema.get("properties", {})
    patterns = "|".join(schema.get("patternProperties", {}))
    search = search_or_unchecked(patterns).search if patterns else None
    return [name for name in instance
            if name not in known and not (search is not None and search(name))]


def _linear_unevaluated() -> dict[str, Keyword]:
    """The two keywords with the evaluated indexes and keys in sets.

    Which indexes and keys the rest of the schema evaluated is jsonschema's own answer (its
    helpers live in a private module: when a release moves them, jsonschema's keywords are
    kept, correct but quadratic, and tests/test_security_patterns.py says so).
    """
    try:
        from jsonschema._utils import (
            extras_msg,
            find_evaluated_item_indexes_by_schema,
            find_evaluated_property_keys_by_schema,
        )
    except ImportError:  # pragma: no cover
        return {}

    def unevaluated_items(validator: Any, rule: Any, instance: Any,
                          schema: Any) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "array"):
            return
        evaluated = set(find_evaluated_item_indexes_by_schema(validator, instance, schema))
        left = [item for index, item in enumerate(instance) if index not in evaluated]
        if left:
            names, verb = extras_msg(left)
            yield ValidationError(f"Unevaluated items are not allowed ({names} {verb} unexpected)")

    def unevaluated_properties(validator: Any, rule: Any, instance: Any,
                               schema: Any) -> Iterator[ValidationError]:
        if not validator.is_type(instance, "object"):
            return
        evaluated = set(find_evaluated_property_keys_by_schema(validator, instance, schema))
        # One entry per error, as jsonschema writes them (its messages stay the same).
        invalid = [name for name in instance if name not in evaluated
                   for _ in validator.descend(instance[name], rule, path=name,
                                              schema_path=name)]
        if not invalid:
            return
        if rule is False:
            names, verb = extras_msg(sorted(invalid, key=str))
            yield ValidationError(f"Unevaluated properties are not allowed ({names} {verb} "
                                  "unexpected)")
        else:
            names, verb = extras_msg(invalid)
            yield ValidationError("Unevaluated properties are not valid under the given schema "
                                  f"({names} {verb} unevaluated and invalid)")

    return {"unevaluatedItems": unevaluated_items,
            "unevaluatedProperties": unevaluated_properties}
