"""The plan loader, resolver and compiler through the public API and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import protocols
from protocols.cli import app
from protocols.plan.formatcheck import plan_format_schema
from tests.conftest import REPO

PLAN = """\
protocols: 1
plan: shop
version: "2.1.0"
imports: [lib/common.yaml]
types:
  Product:
    type: object
    properties:
      product_id: {type: string, required: true}
properties:
  currency: {type: string, enum: [USD, EUR]}
common:
  properties:
    session_id: {type: string}
events:
  Order Completed:
    description: Paid.
    properties:
      order_id: {required: true}
      currency: {required: true, nullable: true}
      amount: {use: currency}
      products: {type: array, items: {type: Product}}
      note: {type: [string, "null"], pii: true}
identify:
  traits:
    email: {type: string, format: email, required: true}
pages:
  Home: {}
"""

LIBRARY = """\
protocols: 1
library: common
properties:
  order_id: {type: string, pattern: "^o-"}
"""


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "common.yaml").write_text(LIBRARY, "utf-8")
    path = tmp_path / "shop.yaml"
    path.write_text(PLAN, "utf-8")
    return path


def test_load_plan_resolves_library_types_imports_and_common(plan_file: Path) -> None:
    plan = protocols.load_plan(plan_file)
    assert (plan.id, plan.version) == ("shop", "2.1.0")
    spec = plan.events["Order Completed"]
    props = spec.schema["properties"]
    assert props["order_id"] == {"type": "string", "pattern": "^o-"}  # from the imported library
    assert props["currency"] == {"type": ["string", "null"], "enum": ["USD", "EUR", None]}
    assert props["amount"] == {"type": "string", "enum": ["USD", "EUR"]}  # `use:`
    assert props["products"]["items"] == {"$ref": "#/$defs/Product"}
    assert spec.schema["$defs"]["Product"]["required"] == ["product_id"]
    assert props["note"] == {"type": ["string", "null"], "x-pii": True}
    assert props["session_id"] == {"type": "string"}  # common properties join every event
    assert spec.schema["required"] == ["order_id", "currency"]
    assert plan.identify is not None and plan.identify.payload_field == "traits"
    assert set(plan.pages) == {"Home"}


def test_locations_point_at_the_plan(plan_file: Path) -> None:
    spec = protocols.load_plan(plan_file).events["Order Completed"]
    assert spec.location.line == 16
    assert spec.locate(("properties", "amount")).line == 21
    assert spec.locate(("properties", "session_id")).line == 14  # written under common
    # A path below what the plan defines falls back to the nearest ancestor.
    assert spec.locate(("properties", "products", "items", "properties", "x")).line == 22


def test_message_schema_is_standalone_and_validates_messages(plan_file: Path) -> None:
    plan = protocols.load_plan(plan_file)
    schema = plan.message_schema(plan.events["Order Completed"])
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {"type": "track", "event": "Order Completed",
            "properties": {"order_id": "o-1", "currency": None,
                           "products": [{"product_id": "p"}]}}
    assert validator.is_valid(good)
    bad = {**good, "properties": {"order_id": "x-1", "currency": "GBP",
                                  "products": [{}]}}
    assert {e.validator for e in validator.iter_errors(bad)} == {"pattern", "enum", "required"}
    assert not validator.is_valid({**good, "event": "Other"})


def test_load_plan_raises_with_positions(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("protocols: 1\nplan: shop\nevents:\n  A:\n    properties:\n"
                    "      x: {type: float}\n", "utf-8")
    with pytest.raises(protocols.PlanError) as info:
        protocols.load_plan(path)
    first = info.value.diagnostics[0]
    assert (first.code, first.line, first.column) == ("PL111", 6, 17)
    assert str(info.value).startswith(f"{first.file}:6:17: ")


def test_a_library_is_not_a_plan(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text(LIBRARY, "utf-8")
    with pytest.raises(protocols.PlanError, match="library"):
        protocols.load_plan(path)


def test_schema_command_prints_the_shipped_format_schema() -> None:
    result = CliRunner().invoke(app, ["schema"])
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    assert printed == plan_format_schema()
    jsonschema.Draft202012Validator.check_schema(printed)


def test_compile_writes_one_valid_schema_per_message(plan_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "schemas"
    result = CliRunner().invoke(app, ["compile", str(plan_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["identify.json", "page/home.json", "track/order_completed.json"]
    identify = json.loads((out / "identify.json").read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(identify)
    assert identify["properties"]["traits"]["required"] == ["email"]


def test_compile_reports_a_broken_plan_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("protocols: 1\nplan: shop\nevnts: {}\n", "utf-8")
    result = CliRunner().invoke(app, ["compile", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "PL102" in result.output and "bad.yaml:3:1" in result.output


def test_every_shipped_plan_loads() -> None:
    for path in sorted((REPO / "plans").glob("*.yaml")):
        plan = protocols.load_plan(path)
        assert plan.events, path


def test_version_and_help() -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["--version"]).stdout.strip() == f"protocols {protocols.__version__}"
    help_text = runner.invoke(app, ["--help"]).stdout
    assert "Examples:" in help_text and "validate" in help_text


def test_a_messages_own_schema_applies_to_its_whole_payload(tmp_path: Path) -> None:
    import protocols

    path = tmp_path / "p.yaml"
    path.write_text("""protocols: 1
plan: p
events:
  Message Sent:
    properties:
      text: {type: string}
      attachments: {type: array}
    schema:
      anyOf: [{required: [text]}, {required: [attachments]}]
      dependentRequired: {attachments: [text]}
""", "utf-8")
    plan = protocols.load_plan(path)
    validator = protocols.Validator(plan)

    def codes(properties: dict[str, object]) -> list[str]:
        message = {"type": "track", "event": "Message Sent", "userId": "u",
                   "properties": properties}
        return [d.code for d in validator.validate(message)]

    assert codes({"text": "hi"}) == []
    assert codes({}) != []
    assert codes({"attachments": []}) != []
    bad = tmp_path / "bad.yaml"
    bad.write_text(path.read_text("utf-8").replace("{attachments: [text]}", "{attachments: 3}"),
                   "utf-8")
    from protocols.lint import LintOptions, lint_paths

    report = lint_paths([str(bad)], options=LintOptions([], [], {}))
    assert [(d.code, d.line) for d in report.diagnostics if d.code == "PL104"] == [("PL104", 10)]
