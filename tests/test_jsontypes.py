"""The one JSON-type function, in its three namings."""

from __future__ import annotations

import pytest

from protocols.jsontypes import json_type


@pytest.mark.parametrize(("value", "schema", "exact", "number"), [
    (None, "null", "null", "null"),
    (True, "boolean", "boolean", "boolean"),
    (3, "integer", "integer", "number"),
    (1.0, "integer", "number", "number"),
    (1.5, "number", "number", "number"),
    ("x", "string", "string", "string"),
    ([1], "array", "array", "array"),
    ({"a": 1}, "object", "object", "object"),
])
def test_json_type_namings(value: object, schema: str, exact: str, number: str) -> None:
    assert json_type(value) == schema
    assert json_type(value, numbers="exact") == exact
    assert json_type(value, numbers="number") == number
