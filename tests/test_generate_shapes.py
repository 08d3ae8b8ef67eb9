"""Every type shape through both targets: tests/golden/generate/plans/rich.yaml.

Named aliases, a recursive named type, nullable references, unions of primitives and objects,
maps, closed objects, deprecated keys, a page and a screen with the same name, no version.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from protocols.generate import GenerateOptions, generate
from protocols.generate.model import (
    ArrayType,
    LiteralType,
    MapType,
    ObjectType,
    PrimitiveType,
    RefType,
    UnionType,
    build_model,
)
from protocols.plan import load_plan
from tests.generate_tools import run_mypy, run_tsc, write_client
from tests.test_generate_python import GOLDEN, Recorder, import_file

RICH = GOLDEN / "plans" / "rich.yaml"


def test_the_model_maps_each_shape() -> None:
    model = build_model(load_plan(RICH))
    call = next(c for c in model.calls if c.wire_name == "Thing Done")
    fields = {f.wire_name: f for f in call.payload.fields}
    assert fields["currency"].type == RefType("Currency") and fields["currency"].required
    assert fields["address"].type == UnionType((RefType("Address"), PrimitiveType("null")))
    assert fields["maybe"].type == UnionType((PrimitiveType("string"), PrimitiveType("integer"),
                                              PrimitiveType("null")))
    assert fields["tags"].type == ArrayType(LiteralType(("a", "b")))
    assert fields["meta"].type == MapType(PrimitiveType("number"))
    exact = fields["exact"].type
    assert isinstance(exact, ObjectType) and not exact.open
    assert fields["old"].deprecated and call.deprecated
    category = model.named_types["Category"]
    assert isinstance(category, ObjectType)
    assert {f.wire_name: f.type for f in category.fields}["children"] == ArrayType(RefType("Category"))
    assert [(c.kind, c.wire_name) for c in model.calls] == [
        ("group", None), ("page", "Home"), ("screen", "Home"), ("track", "Thing Done")]


def test_python_output_passes_mypy_strict(tmp_path: Path) -> None:
    write_client(RICH, tmp_path / "rich_client", lang="python")
    (tmp_path / "usage.py").write_text('''
from rich_client import Category, ProtocolsClient

class Sdk:
    def track(self, **kwargs: object) -> None: ...
    def identify(self, **kwargs: object) -> None: ...
    def group(self, **kwargs: object) -> None: ...
    def page(self, **kwargs: object) -> None: ...
    def screen(self, **kwargs: object) -> None: ...

tree: Category = {"name": "root", "children": [{"name": "leaf", "children": []}]}
tracking = ProtocolsClient(Sdk())
tracking.thing_done({"currency": "USD", "category": tree, "address": None, "maybe": 3,
                     "meta": {"a": 1.5}, "exact": {"x": 1}, "choice": {"k": True}}, user_id="u")
tracking.page_home(user_id="u")
tracking.page_home({"planned": "nothing", "so": ["anything", "goes"]}, user_id="u")
tracking.screen_home({"x": "y"}, user_id="u", category="c")
tracking.group("g", user_id="u")
''', "utf-8")
    result = run_mypy(tmp_path, "rich_client", "usage.py")
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("sdk", ["analytics-node", "analytics-next"])
def test_typescript_output_passes_tsc_strict(tmp_path: Path, sdk: str) -> None:
    write_client(RICH, tmp_path / "tracking", lang="typescript", sdk=sdk)
    result = run_tsc(tmp_path, ["tracking/index.ts", "tracking/validation.ts"])
    assert result.returncode == 0, result.stdout
    index = (tmp_path / "tracking" / "index.ts").read_text("utf-8")
    assert "export type Currency = \"USD\" | \"EUR\";" in index
    assert "  children?: Array<Category>;" in index
    assert "  address?: Address | null;" in index
    assert "export const PLAN_VERSION: string | null = null;" in index
    # Planned without properties: any object, as Typewriter's "Empty Event" expects.
    assert "export type PageHomeProperties = Record<string, unknown>;" in index


@pytest.fixture(scope="module")
def rich_module(tmp_path_factory: pytest.TempPathFactory) -> ModuleType:
    folder = tmp_path_factory.mktemp("rich")
    write_client(RICH, folder / "rich_runtime", lang="python")
    return import_file(folder / "rich_runtime" / "__init__.py", "rich_runtime")


def test_recursive_types_validate_at_runtime(rich_module: ModuleType) -> None:
    seen: list[Any] = []
    recorder = Recorder()
    client = rich_module.ProtocolsClient(recorder, on_violation=seen.append)
    good = {"name": "root", "children": [{"name": "leaf"}]}
    client.thing_done({"currency": "EUR", "category": good}, user_id="u")
    assert seen == []
    client.thing_done({"currency": "EUR", "category": {"name": "r", "children": [{}]},
                       "exact": {"x": 1, "y": 2}}, user_id="u")
    assert [v.path for v in seen] == ["properties.category.children[0]", "properties.exact"]
    assert recorder.calls[0][1]["context"]["protocols"] == {"plan": "rich", "version": None}


def test_page_and_screen_with_one_name_get_their_own_methods(rich_module: ModuleType) -> None:
    recorder = Recorder()
    client = rich_module.ProtocolsClient(recorder)
    client.page_home(user_id="u")
    client.screen_home({"x": "1"}, anonymous_id="a", category="Settings")
    assert [(kind, sent["name"]) for kind, sent in recorder.calls] == [("page", "Home"),
                                                                        ("screen", "Home")]
    assert recorder.calls[1][1]["category"] == "Settings"
    assert recorder.calls[0][1]["properties"] == {}


def test_deprecations_are_marked() -> None:
    plan = load_plan(RICH)
    python = generate(plan, GenerateOptions(lang="python"))["__init__.py"]
    typescript = generate(plan, GenerateOptions(lang="typescript"))["index.ts"]
    assert '    """Deprecated in the plan. old one"""' in python
    assert "        Deprecated in the plan." in python
    assert "   * old one\n   * @deprecated\n   */\n  old?: string;" in typescript


def test_a_plan_with_no_messages_still_generates_working_modules(tmp_path: Path) -> None:
    plan = tmp_path / "empty.yaml"
    plan.write_text("protocols: 1\nplan: empty\n", "utf-8")
    files = write_client(plan, tmp_path / "empty_client", lang="python")
    module = import_file(tmp_path / "empty_client" / "__init__.py", "empty_client")
    assert [n for n in vars(module.ProtocolsClient) if not n.startswith("_")] == []
    assert "_SCHEMAS: dict[tuple[str, str | None], dict[str, Any]] = {\n}" in files["__init__.py"]
    typescript = generate(load_plan(plan), GenerateOptions(lang="typescript"))
    assert "export class ProtocolsClient {" in typescript["index.ts"]


def test_names_the_generated_module_uses_are_never_shadowed(tmp_path: Path) -> None:
    plan = tmp_path / "keys.yaml"
    plan.write_text("""protocols: 1
plan: keys
types:
  Mapping: {type: object, properties: {a: {type: string}}}
  Violation: {type: string}
events:
  analytics:
    properties:
      NotRequired: {type: string}
      self: {type: string, required: true}
      m: {type: Mapping}
      v: {type: Violation}
  settings: {}
""", "utf-8")
    python = generate(load_plan(plan), GenerateOptions(lang="python"))["__init__.py"]
    typescript = generate(load_plan(plan), GenerateOptions(lang="typescript"))["index.ts"]
    assert "class Mapping_(TypedDict):" in python and "Violation_: TypeAlias = str" in python
    assert '    "NotRequired": NotRequired[str],' in python  # the functional form keeps the key
    assert "export type Violation_ = string;" in typescript
    assert "  analytics_(message:" in typescript and "  settings_(message:" in typescript
    write_client(plan, tmp_path / "keys_client", lang="python")
    assert run_mypy(tmp_path, "keys_client").returncode == 0


def test_recursive_types_with_any_keys_import_and_type_check(tmp_path: Path) -> None:
    """Functional TypedDicts and aliases run at import: a cycle needs forward references."""
    plan = tmp_path / "tree.yaml"
    plan.write_text("""protocols: 1
plan: tree
types:
  Node:
    type: object
    properties:
      "child nodes": {type: array, items: {type: Node}}
      kind: {type: string, enum: [leaf, branch], required: true}
      next: {type: Link}
  Link:
    type: [Node, "null"]
events:
  Tree Saved:
    properties:
      root: {type: Node, required: true}
""", "utf-8")
    write_client(plan, tmp_path / "tree_client", lang="python")
    (tmp_path / "usage.py").write_text('''
from tree_client import Node

ok: Node = {"kind": "branch", "child nodes": [{"kind": "leaf", "next": None}]}
bad: Node = {"kind": "branch", "child nodes": [{"kind": "twig"}]}
''', "utf-8")
    module = import_file(tmp_path / "tree_client" / "__init__.py", "tree_client")
    assert module.Node.__required_keys__ == frozenset({"kind"})
    result = run_mypy(tmp_path, "tree_client", "usage.py")
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert len(errors) == 1 and errors[0].startswith("usage.py:5:"), result.stdout
    assert "Literal['twig']" in errors[0]
    write_client(plan, tmp_path / "tracking", lang="typescript")
    tsc = run_tsc(tmp_path, ["tracking/index.ts", "tracking/validation.ts"])
    assert tsc.returncode == 0, tsc.stdout


def test_an_event_spelt_like_a_page_method_gets_its_own_name(tmp_path: Path) -> None:
    plan = tmp_path / "clash.yaml"
    plan.write_text("""protocols: 1
plan: clash
events:
  page Home: {}
  identify: {}
pages:
  Home: {}
identify:
  traits: {}
""", "utf-8")
    write_client(plan, tmp_path / "clash_client", lang="python")
    module = import_file(tmp_path / "clash_client" / "__init__.py", "clash_client")
    recorder = Recorder()
    client = module.ProtocolsClient(recorder)
    for method in ("page_home", "page_home_2", "identify", "identify_2"):
        getattr(client, method)(user_id="u")
    assert [(kind, sent.get("event", sent.get("name"))) for kind, sent in recorder.calls] == [
        ("page", "Home"), ("track", "page Home"), ("identify", None), ("track", "identify")]
