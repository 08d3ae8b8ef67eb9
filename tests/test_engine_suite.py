"""The official JSON Schema Test Suite (draft 2020-12) through ``compile_validator``.

Every case's valid/invalid verdict must match the suite, whichever path the schema takes
(the compiled engine, or the jsonschema fallback for features it leaves out). Remote-reference
cases need a server on localhost:1234 and are skipped by name. ``format`` is asserted by
``protocols`` (as by jsonschema's FORMAT_CHECKER), while the suite's format.json expects the
2020-12 default of annotation only: for that file the verdict must equal the asserting
reference validator's instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from protocols.validate.check.engine import compile_validator, reference_validator
from protocols.validate.check.fastschema import Unsupported, compile_schema
from tests import conftest

SUITE = ("json-schema-test-suite", "draft2020-12")
REMOTE = "http://localhost:1234/"


def _cases() -> list[Any]:
    folder = conftest.FIXTURES.joinpath(*SUITE)
    if not folder.is_dir():
        return [pytest.param(None, None, None, id="suite-absent")]
    params = []
    for path in sorted(folder.glob("*.json")):
        for g, group in enumerate(json.loads(path.read_text("utf-8"))):
            for t, case in enumerate(group["tests"]):
                params.append(pytest.param(path.name, group, case, id=f"{path.stem}:{g}:{t}"))
    return params


def _skip_reason(file: str, schema: Any) -> str | None:
    if file == "refRemote.json":
        return "remote references need a schema server on localhost:1234"
    if REMOTE in json.dumps(schema):
        return f"the schema references {REMOTE}, a remote schema server"
    return None


@pytest.mark.parametrize(("file", "group", "case"), _cases())
def test_suite_case(file: str | None, group: dict[str, Any] | None,
                    case: dict[str, Any] | None) -> None:
    conftest.shared_fixture(*SUITE)
    assert file is not None and group is not None and case is not None
    reason = _skip_reason(file, group["schema"])
    if reason:
        pytest.skip(reason)
    check = compile_validator(group["schema"])
    if file == "format.json":
        expected = reference_validator(group["schema"]).is_valid(case["data"])
    else:
        expected = case["valid"]
    found = check(case["data"])
    assert (not found) is expected, f"{group['description']} / {case['description']}: {found}"


#: Why a schema may go to the jsonschema fallback: features the compiled engine leaves out.
FALLBACK_REASONS = ("unevaluated", "$dynamic", "$id", "$anchor", "only local references",
                    "anchor references")


def test_the_compiled_engine_falls_back_only_for_documented_features() -> None:
    folder = conftest.shared_fixture(*SUITE)
    compiled, fell_back = 0, []
    for path in sorted(Path(folder).glob("*.json")):
        for group in json.loads(path.read_text("utf-8")):
            if _skip_reason(path.name, group["schema"]):
                continue
            try:
                compile_schema(group["schema"])
                compiled += 1
            except Unsupported as error:
                fell_back.append((path.name, group["description"], str(error)))
    assert compiled >= 245
    unexplained = [each for each in fell_back
                   if not any(reason in each[2] for reason in FALLBACK_REASONS)]
    assert unexplained == []
