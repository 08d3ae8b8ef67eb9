"""`import jsonschema` on every schema of Snowplow's iglu-central: faithful or loudly partial.

Each JSON Schema of the registry (draft 4, as Iglu writes them) is imported on its own, the
plan written and read back, and the imported event's compiled schema must give the same verdict
as the source schema on values generated near it (tests/json_instances.py). Both sides use the
same format checker, so what is compared is the conversion, not two format implementations.
Avro, Thrift and Protobuf files of the registry are skipped with a warning, never imported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker

from protocols.interop import InteropError, dump_plan
from protocols.interop.jsonschema_files import jsonschema_paths_to_plan, jsonschemas_to_plan
from protocols.plan.loader import load_plan_text
from tests.conftest import shared_fixture
from tests.json_instances import instances

FORMATS = FormatChecker()
PER_SCHEMA = 40
# Draft 4 rejects 1.0 as an `integer`; 2020-12 cannot say that, and the importer warns. The
# reference reads integers as draft 6 and later do, so that one documented loss is not counted.
Draft4Reference = jsonschema.validators.extend(
    Draft4Validator, type_checker=jsonschema.validators.Draft6Validator.TYPE_CHECKER)


@cache
def registry() -> Path:
    return shared_fixture("iglu-central", "schemas")


def schema_files(kind: str) -> list[Path]:
    """Every Iglu file whose format folder is ``kind`` (vendor/name/FORMAT/M-R-A)."""
    return sorted(p for p in registry().rglob("*") if p.is_file() and p.parent.name == kind)


def _no_import(path: Path) -> Any:
    raise AssertionError(f"unexpected import of {path}")


def imported(path: Path, schema: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The compiled message schema of one imported file, and the import's warnings."""
    data, warnings = jsonschemas_to_plan([(str(path), schema, path.stem)], plan_id="iglu")
    text = dump_plan(data)
    result = load_plan_text(text, path.with_suffix(".yaml"), shown="iglu.yaml",
                            read_import=_no_import)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert result.plan is not None and not errors, (path, errors, text)
    [spec] = list(result.plan.messages())
    return result.plan.message_schema(spec), warnings


def test_every_json_schema_keeps_its_verdicts() -> None:
    files = schema_files("jsonschema")
    assert len(files) > 600
    disagreements: list[str] = []
    for number, path in enumerate(files):
        source = json.loads(path.read_text("utf-8"))
        payload = {k: v for k, v in source.items() if k not in ("self", "$schema")}
        root = payload.get("type", "object")
        if "object" not in ([root] if isinstance(root, str) else root):
            # An array or a string is no message payload: skipped, and said so.
            with pytest.raises(InteropError, match="not of an object"):
                jsonschemas_to_plan([(str(path), source, path.stem)], plan_id="iglu")
            continue
        compiled, warnings = imported(path, source)
        remote = _remote_refs(payload)
        if remote:
            # Another document (Iglu's meta-schemas): never fetched, planned as any value,
            # and said so.
            for ref in remote:
                assert any(repr(ref) in w and "any value" in w for w in warnings), (path, ref)
            continue
        reference = Draft4Reference(payload, format_checker=FORMATS)
        ours = Draft202012Validator(compiled, format_checker=FORMATS)
        name = compiled["properties"]["event"]["const"]
        for value in instances(payload, seed=number, count=PER_SCHEMA):
            if not isinstance(value, dict):
                continue  # a payload is an object, whatever the schema also allows
            expected = reference.is_valid(value)
            message = {"type": "track", "event": name, "properties": value}
            if ours.is_valid(message) != expected:
                disagreements.append(f"{path.relative_to(registry())}: source says "
                                     f"{'valid' if expected else 'invalid'} for "
                                     f"{json.dumps(value)[:200]}")
                break
    assert disagreements == [], "\n".join(disagreements[:20])


def _remote_refs(schema: Any) -> list[str]:
    found: list[str] = []
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            found.append(ref)
        for value in schema.values():
            found += _remote_refs(value)
    elif isinstance(schema, list):
        for value in schema:
            found += _remote_refs(value)
    return found


def _is_object(schema: dict[str, Any]) -> bool:
    root = schema.get("type", "object")
    return "object" in ([root] if isinstance(root, str) else root)


def test_the_whole_registry_imports_with_every_vendor_kept(tmp_path: Path) -> None:
    root = registry()
    data, warnings = jsonschema_paths_to_plan([str(root)], plan_id="iglu")
    events = data["events"]
    # Same-named schemas of different vendors are both planned, the vendor in the name.
    names = {(p.parent.parent.parent.name, p.parent.parent.name)
             for p in schema_files("jsonschema") if _is_object(json.loads(p.read_text("utf-8")))}
    by_name: dict[str, set[str]] = {}
    for vendor, name in names:
        by_name.setdefault(name, set()).add(vendor)
    assert len(events) == len(names)
    for name, vendors in by_name.items():
        if len(vendors) == 1:
            assert name in events
        else:
            for vendor in vendors:
                assert f"{vendor}/{name}" in events, (vendor, name)
    # Every non-JSON file is named in a warning and planned nowhere.
    others = [p for kind in ("avro", "thrift", "protobuf") for p in schema_files(kind)]
    assert others
    for path in others:
        assert any(str(path) in w and "not a JSON Schema" in w for w in warnings), path
    assert not any("already planned" in w for w in warnings)
    for body in events.values():
        assert not set(body.get("x-jsonschema", {})) & {"fields", "namespace", "idl"}
    out = tmp_path / "iglu.yaml"
    out.write_text(dump_plan(data), encoding="utf-8")
    from protocols.plan import load_plan

    assert len(load_plan(out).events) == len(names)


@pytest.mark.parametrize("kind", ["avro", "thrift", "protobuf"])
def test_non_json_schema_files_alone_are_an_error_not_an_empty_plan(kind: str) -> None:
    [first, *_] = schema_files(kind)
    with pytest.raises(InteropError, match="no JSON Schema"):
        jsonschema_paths_to_plan([str(first)], plan_id="x")


def test_reference_validator_reads_iglu_schemas_as_draft_4() -> None:
    # The registry's $schema is Iglu's own meta-schema, so the draft is chosen here, not read.
    [path, *_] = schema_files("jsonschema")
    source = json.loads(path.read_text("utf-8"))
    assert jsonschema.validators.validator_for(source, default=Draft4Validator) \
        is Draft4Validator
