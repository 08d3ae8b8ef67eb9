"""Segment Typewriter's edge-case plan (odd names, collisions, nullable and union types, nested
arrays and objects): how names and types are mapped. That the output passes every language's
checker is in the shared vectors (tests/test_generate_vectors.py).

The Segment export is read through the import helper (``protocols.interop.segment``), the same
path users take, then loaded as a plan.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from protocols.generate import GenerateOptions, generate
from protocols.interop.segment import segment_to_plan
from protocols.interop.yamlout import dump_plan
from protocols.plan import Plan, load_plan
from tests.conftest import shared_fixture


def import_typewriter(file: str, folder: Path) -> Plan:
    export = json.loads(shared_fixture("segment-typewriter", file).read_text("utf-8"))
    data, _warnings = segment_to_plan(export, plan_id="typewriter")
    path = folder / "typewriter.yaml"
    path.write_text(dump_plan(data), "utf-8")
    return load_plan(path)


@pytest.fixture(scope="module")
def typewriter_plan(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    """The Public API v2 export (plan.json)."""
    return import_typewriter("plan.json", tmp_path_factory.mktemp("typewriter"))


# mypy --strict and tsc --strict on both exports: the shared vectors (test_generate_vectors.py).


def test_typewriter_collisions_and_odd_names_get_distinct_identifiers(typewriter_plan: Plan) -> None:
    python = generate(typewriter_plan, GenerateOptions(lang="python"))["__init__.py"]
    typescript = generate(typewriter_plan, GenerateOptions(lang="typescript"))["index.ts"]
    # "Event Collided" and "event_collided": the wire name spelt like the identifier keeps it.
    assert "    def event_collided(\n" in python and "    def event_collided_2(\n" in python
    assert '        self._check("track", "event_collided", payload)' in python
    assert "  eventCollided(" in typescript and "  eventCollided2(" in typescript
    # A name starting with a digit and full of punctuation; its wire name is kept exactly.
    assert "    def event_42_terrible_event_name_3(\n" in python
    assert 'event="42_--terrible==\\\\\\"event\'++name~!3"' in python


def test_typewriter_types_are_mapped(typewriter_plan: Plan) -> None:
    typescript = generate(typewriter_plan, GenerateOptions(lang="typescript"))["index.ts"]
    python = generate(typewriter_plan, GenerateOptions(lang="python"))["__init__.py"]
    assert '"string enum"?: "Evil Morty" | "Lawyer Morty";' in typescript
    assert '"string enum": NotRequired[Literal["Evil Morty", "Lawyer Morty"]],' in python
    assert '"required string": string | null;' in typescript
    assert "export type EmptyEventProperties = Record<string, unknown>;" in typescript
    assert "EmptyEventProperties: TypeAlias = dict[str, Any]" in python
    assert '"required object with properties": EveryNullableRequiredTypePropertiesRequired' in typescript
    assert re.search(r"^\s*(export\s+)?(const\s+)?enum\s", typescript, re.MULTILINE) is None
