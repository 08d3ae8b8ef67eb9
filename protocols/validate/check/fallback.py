"""jsonschema, for the schemas the compiled engine leaves to it, with every cost bounded.

Draft 2020-12 as jsonschema implements it, except for the keywords whose cost grows faster
than the value they check, which a log line chooses:

- ``pattern``: the bounded search of :mod:`.fastschema.patterns` (``re.search`` cannot be
  stopped);
- ``uniqueItems``: linear (jsonschema compares objects pairwise: a 100,000-object array took
  minutes);
- ``unevaluatedItems`` and ``unevaluatedProperties``: linear (jsonschema looks each index or
  key up in a list of the evaluated ones: n**2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError

from protocols.validate.check.fastschema.equality import uniq
from protocols.validate.check.fastschema.keywords import unchecked_message
from protocols.validate.check.fastschema.patterns import PatternError, compile_pattern

Keyword = Callable[[Any, Any, Any, Any], Iterator[ValidationError]]


@cache
def bounded_validator_class() -> Any:
    """The draft 2020-12 validator class with the keywords above replaced."""
    return jsonschema.validators.extend(jsonschema.Draft202012Validator,
                                        {"pattern": _bounded_pattern,
                                         "uniqueItems": _unique_items, **_linear_unevaluated()})


def _unique_items(validator: Any, wanted: Any, instance: Any,
                  schema: Any) -> Iterator[ValidationError]:
    if wanted and validator.is_type(instance, "array") and not uniq(instance):
        yield ValidationError(f"{instance!r} has non-unique elements")


def _bounded_pattern(validator: Any, pattern: str, instance: Any,
                     schema: Any) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "string"):
        return
    try:
        bounded = compile_pattern(pattern)
    except PatternError:
        bounded = None
    if bounded is None:  # no engine compiles it: let re raise its error, as jsonschema does
        found: bool | None = re.search(pattern, instance) is not None
    else:
        found = bounded.search(instance)
    if found is None and bounded is not None:
        yield ValidationError(unchecked_message(instance, pattern, bounded))
    elif not found:
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


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
