"""The Swift target: what the tree-sitter grammar, golden files and these assertions can prove
without a Swift compiler (CI's `swift` job in .github/workflows/ci.yml compiles and runs it).

The shared vectors (tests/test_generate_vectors.py) parse every test plan's output and check
wire names and injections; here: that the parser oracle can fail, the shapes Swift needs
(required vs optional vs null, keywords, recursion), and the SwiftPM package CI builds.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from protocols.generate import GenerateError, GenerateOptions, generate, method_names
from protocols.generate.escape import swift_str
from protocols.plan import load_plan
from tests.conftest import REPO, require
from tests.generate_vectors import swift_code_only, swift_parser_missing, swift_syntax_errors
from tests.swift_calls import call_problems, generated_api
from tests.test_generate_python import ECOMMERCE

SWIFT_PACKAGE = REPO / "tests" / "swift"
RICH = REPO / "tests" / "golden" / "generate" / "plans" / "rich.yaml"


@pytest.fixture(autouse=True)
def parser_ready() -> None:
    missing = swift_parser_missing()
    require(missing is None, missing or "")


def swift_of(plan: Path) -> str:
    return generate(load_plan(plan), GenerateOptions(lang="swift"))["Tracking.swift"]


def test_the_parser_oracle_reports_broken_swift() -> None:
    good = swift_of(ECOMMERCE)
    assert swift_syntax_errors(good) == []
    broken = good.replace("public struct Product: Codable, Equatable {",
                          "public struct Product: Codable, Equatable", 1)
    assert swift_syntax_errors(broken)
    unterminated = good.replace('name: "Order Completed"', 'name: "Order Completed', 1)
    assert unterminated != good
    assert swift_syntax_errors(unterminated)


def test_required_optional_and_nullable_properties(tmp_path: Path) -> None:
    plan = tmp_path / "shapes.yaml"
    plan.write_text("""protocols: 1
plan: shapes
events:
  Shape Drawn:
    description: "Ends */ here \\\\(evil) and \\"\\"\\" there"
    properties:
      name: {type: string, required: true}
      note: {type: string}
      parent: {type: [string, "null"], required: true}
      kind: {type: string, enum: [circle, default, self], required: true}
      sides: {type: integer}
      ratio: {type: number}
      protocol: {type: boolean}
""", "utf-8")
    source = swift_of(plan)
    assert swift_syntax_errors(source) == []
    # Required parameters first (Swift takes arguments in order), then the optional ones.
    assert ("    public init(name: String, parent: String?, kind: ShapeDrawnPropertiesKind, "
            "note: String? = nil, sides: Int? = nil, ratio: Double? = nil, "
            "protocol_: Bool? = nil) {") in source
    # Required is always written (null when nil); optional is left out when nil.
    assert "        try container.encode(self.parent, forKey: .parent)" in source
    assert "        try container.encodeIfPresent(self.note, forKey: .note)" in source
    assert '        case protocol_ = "protocol"' in source
    assert '    case default_ = "default"\n    case self_ = "self"' in source
    assert "    public func shapeDrawn(_ properties: ShapeDrawnProperties) {" in source
    assert ('        analytics.track(name: "Shape Drawn", properties: properties, '
            "enrichments: [stampPlan])") in source
    # The description stays one comment line per line, its \( and """ inert.
    assert '    /// Ends *\\/ here \\(evil) and """ there' in source
    assert "evil" not in swift_code_only(source)


def test_recursive_types_are_boxed_and_recursive_aliases_are_json(tmp_path: Path) -> None:
    plan = tmp_path / "tree.yaml"
    plan.write_text("""protocols: 1
plan: tree
types:
  Node:
    type: object
    properties:
      kind: {type: string, enum: [leaf, branch], required: true}
      next: {type: Link}
      children: {type: array, items: {type: Node}}
  Link:
    type: [Node, "null"]
  Tree: {type: array, items: {type: Tree}}
  Mood: {type: [string, "null"], enum: [happy, sad, null]}
events:
  Tree Saved:
    properties:
      root: {type: Node, required: true}
      tree: {type: Tree}
      mood: {type: Mood}
""", "utf-8")
    source = swift_of(plan)
    assert swift_syntax_errors(source) == []
    assert "    public var next: Boxed<Node>?" in source  # a struct cannot contain itself
    assert "    public var children: [Node]?" in source  # an array already is indirect
    assert "public typealias Link = Node?" in source
    assert "public typealias Tree = JSON" in source  # Swift has no recursive typealias
    assert "public typealias Mood = MoodValue?" in source and "    public var mood: Mood\n" in source
    assert "    public var root: Node\n" in source


def test_properties_named_like_the_encoders_locals_are_encoded_through_self() -> None:
    """``encode(to encoder:)`` has a parameter ``encoder`` and a local ``container``: a
    property of either name is written as ``self.`` (bare, swiftc would pick the local)."""
    source = generate(load_plan(REPO / "tests" / "golden" / "generate" / "plans" / "hostile.yaml"),
                      GenerateOptions(lang="swift"))["Tracking.swift"]
    assert "        try container.encode(self.container, forKey: .container)\n" in source
    assert "        try container.encodeIfPresent(self.encoder, forKey: .encoder)\n" in source
    writes = re.findall(r"try container\.encode(?:IfPresent)?\((\w+)", source)
    assert writes and all(value in ("value", "self") for value in writes), sorted(set(writes))[:5]


def test_pages_have_no_method_because_analytics_swift_has_no_page_call() -> None:
    plan = load_plan(REPO / "tests" / "golden" / "generate" / "plans" / "rich.yaml")
    names = method_names(plan, "swift")
    assert ("screen", "Home") in names and ("page", "Home") not in names
    source = generate(plan, GenerateOptions(lang="swift"))["Tracking.swift"]
    assert "    public func screenHome(_ properties: ScreenHomeProperties = ScreenHomeProperties(), " \
           "category: String? = nil) {" in source
    assert 'analytics.screen(title: "Home", category: category' in source
    assert "public func pageHome" not in source


def test_swift_takes_no_package_and_is_deterministic() -> None:
    plan = load_plan(ECOMMERCE)
    with pytest.raises(GenerateError, match="--package does not apply to swift"):
        generate(plan, GenerateOptions(lang="swift", package="tracking"))
    assert generate(plan, GenerateOptions(lang="swift")) == generate(plan, GenerateOptions(lang="swift"))


@pytest.mark.parametrize(("text", "literal"), [
    ("a\\(b)", '"a\\\\(b)"'), ('say "hi"', '"say \\"hi\\""'), ("line\nbreak", '"line\\nbreak"'),
    ("café ☕", '"caf\\u{e9} \\u{2615}"'), ("\u2028", '"\\u{2028}"'), ("\x00", '"\\u{0}"'),
])
def test_swift_string_literals(text: str, literal: str) -> None:
    assert swift_str(text) == literal
    assert swift_syntax_errors(f"let x = {literal}\n") == []


def test_the_ci_package_parses_and_names_what_the_generated_client_defines() -> None:
    """The SwiftPM package CI builds (tests/swift): its sources parse, their calls of the
    generated clients have the labels, order, arguments and enum cases the clients declare
    (tests/swift_calls.py), and each mistake fails for the reason its first line names as far
    as that can be told without swiftc, so CI fails only for Swift's reasons."""
    sources = sorted(SWIFT_PACKAGE.rglob("*.swift"))
    assert {p.name for p in sources} >= {"Package.swift", "TrackingTests.swift", "main.swift"}
    for path in sources:
        assert swift_syntax_errors(path.read_text("utf-8")) == [], path
    apis = {"Tracking": generated_api(swift_of(ECOMMERCE)), "RichTracking": generated_api(swift_of(RICH))}
    for path in sources:
        code = path.read_text("utf-8")
        imported = [name for name in apis if f"import {name}\n" in code]
        if path.parent.name == "mistakes":
            assert len(imported) == 1, path
            expected = code.splitlines()[0].removeprefix("// expect: ")
            found = call_problems(code, apis[imported[0]])
            if "cannot convert value" in expected:  # a type error: only swiftc can tell
                assert found == [], (path, found)
            else:
                assert len(found) == 1 and expected in found[0], (path, found)
        else:
            for name in imported:
                assert call_problems(code, apis[name]) == [], (path, name)


def test_the_ci_tests_expect_the_plans_stamp() -> None:
    """The XCTests assert context.protocols literally; those literals are the plans' id and
    version (a plan bump that the Swift test does not follow fails here, not only on GitHub)."""
    plans = {"TrackingTests.swift": load_plan(ECOMMERCE), "RichTrackingTests.swift": load_plan(RICH)}
    for name, plan in plans.items():
        test = (SWIFT_PACKAGE / "Tests" / "TrackingTests" / name).read_text("utf-8")
        stamped = re.findall(r'\["protocols"\]\?\["(plan|version)"\]\??(\.stringValue, "[^"]*"|, JSON\.null)', test)
        assert stamped, name
        for key, value in stamped:
            expected = plan.id if key == "plan" else plan.version
            if value == ", JSON.null":
                assert expected is None, (name, key)
            else:
                assert value == f'.stringValue, "{expected}"', (name, key, value)


def test_the_call_checker_catches_what_swiftc_would() -> None:
    api = generated_api(swift_of(ECOMMERCE))
    good = 'tracking.productAdded(ProductAddedProperties(cartId: "c", productId: "p", quantity: 1))\n'
    assert call_problems(good, api) == []
    swapped = 'tracking.productAdded(ProductAddedProperties(productId: "p", cartId: "c"))\n'
    assert call_problems(swapped, api) == [
        "1: ProductAddedProperties has no parameter 'cartId' here",
        "1: missing argument for parameter 'cartId' of ProductAddedProperties"]
    assert call_problems('tracking.identify(traits: IdentifyTraits(name: "A"))\n', api) == [
        "1: missing argument for parameter 'email' of IdentifyTraits"]


def test_the_ci_workflow_builds_the_generated_swift() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    job = workflow["jobs"]["swift"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "protocols generate --lang swift" in script
    assert "swift test --package-path tests/swift" in script
    assert "protocols validate" in script and "--fail-on warning" in script
    assert "tests/swift/mistakes" in script
