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
from protocols.validate.check.fastschema.patterns import (
    checks_nothing,
    pattern_keys,
    search_or_unchecked,
)

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
    """As the compiled engine's (fastschema/containers.pattern_properties): each key on its
    own, and a name a key could not be searched against reported as not checked."""
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    keys = pattern_keys(rules)
    for pattern, sub in rules.items():
        bounded = search_or_unchecked(pattern)
        checks = not checks_nothing(sub)
        for name, value in instance.items():
            found = bounded.search(name)
            if found:
                yield from validator.descend(value, sub, path=name, schema_path=pattern)
            elif found is None and (checks or not keys.decides(name, known)):
                yield ValidationError(unchecked_message(name, pattern, bounded), path=[name],
                                      schema_path=[pattern], instance=value)


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
    ``patternProperties``, each key searched on its own and bounded (a name a key could not
    decide is not additional: :class:`~.fastschema.patterns.PatternKeys`)."""
    known = schema.get("properties", {})
    verdict = pattern_keys(schema.get("patternProperties")).verdict
    return [name for name in instance if name not in known and verdict(name) is False]


def _linear_unevaluated() -> dict[str, Keyword]:
    """The two keywords with the evaluated indexes and keys in sets.

    Which indexes the rest of the schema evaluated is jsonschema's own answer (its helpers
    live in a private module: when a release moves them, jsonschema's keywords are kept,
    correct but quadratic, and tests/test_security_patterns.py says so); which keys, its
    answer too, with ``patternProperties`` searched bounded (:func:`_evaluated_keys`).
    """
    try:
        from jsonschema._utils import extras_msg, find_evaluated_item_indexes_by_schema
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
        evaluated = set(_evaluated_keys(validator, instance, schema))
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


def _evaluated_keys(validator: Any, instance: Any, schema: Any) -> list[Any]:
    """jsonschema's ``find_evaluated_property_keys_by_schema`` (jsonschema/_utils.py), with
    ``patternProperties`` keys searched bounded and each on its own: jsonschema runs
    ``re.search`` there, which hung on a risky key (``^(a|aa)+$`` and a 44-character name
    took minutes) and raised on a key that is no regular expression. A name a key could
    not decide counts as evaluated; the ``patternProperties`` keyword reports it as not
    checked (:func:`_pattern_properties`)."""
    if validator.is_type(schema, "boolean"):
        return []
    evaluated: list[Any] = []
    for keyword in ("$ref", "$dynamicRef"):
        reference = schema.get(keyword)
        if reference is not None:
            resolved = validator._resolver.lookup(reference)
            evaluated += _evaluated_keys(
                validator.evolve(schema=resolved.contents, _resolver=resolved.resolver),
                instance, resolved.contents)
    properties = schema.get("properties")
    if validator.is_type(properties, "object"):
        evaluated += properties.keys() & instance.keys()
    for keyword in ("additionalProperties", "unevaluatedProperties"):
        sub = schema.get(keyword)
        if sub is not None:
            evaluated += (key for key, value in instance.items()
                          if _no_error(validator.descend(value, sub)))
    if "patternProperties" in schema:
        verdict = pattern_keys(schema["patternProperties"]).verdict
        evaluated += (name for name in instance if verdict(name) is not False)
    for name, sub in (schema.get("dependentSchemas") or {}).items():
        if name in instance:
            evaluated += _evaluated_keys(validator, instance, sub)
    for keyword in ("allOf", "oneOf", "anyOf"):
        for sub in schema.get(keyword, []):
            if _no_error(validator.descend(instance, sub)):
                evaluated += _evaluated_keys(validator, instance, sub)
    if "if" in schema:
        if validator.evolve(schema=schema["if"]).is_valid(instance):
            evaluated += _evaluated_keys(validator, instance, schema["if"])
            if "then" in schema:
                evaluated += _evaluated_keys(validator, instance, schema["then"])
        elif "else" in schema:
            evaluated += _evaluated_keys(validator, instance, schema["else"])
    return evaluated


def _no_error(errors: Iterator[ValidationError]) -> bool:
    return next(errors, None) is None
