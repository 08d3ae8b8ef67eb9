"""The Swift target: what the tree-sitter grammar, golden files and these assertions can prove
without a Swift compiler (CI's `swift` job in .github/workflows/ci.yml compiles and runs it).

The shared vectors (tests/test_generate_vectors.py) parse every test plan's output and check
wire names and injections; here: that the parser oracle can fail, the shapes Swift needs
(required vs optional vs null, keywords, recursion), and the SwiftPM package CI builds.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from protocols.generate import GenerateError, GenerateOptions, generate, method_names
from protocols.generate.escape import swift_str
from protocols.plan import load_plan
from tests.conftest import REPO, require
from tests.generate_vectors import swift_code_only, swift_parser_missing, swift_syntax_errors
from tests.test_generate_python import ECOMMERCE

SWIFT_PACKAGE = REPO / "tests" / "swift"


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
    assert "        try container.encode(parent, forKey: .parent)" in source
    assert "        try container.encodeIfPresent(note, forKey: .note)" in source
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
    """The SwiftPM package CI builds (tests/swift): its sources parse, and the calls its test
    and its mistakes make exist in the generated code, so CI fails only for Swift's reasons."""
    sources = sorted(SWIFT_PACKAGE.rglob("*.swift"))
    assert {p.name for p in sources} >= {"Package.swift", "TrackingTests.swift", "main.swift"}
    for path in sources:
        assert swift_syntax_errors(path.read_text("utf-8")) == [], path
    shop = swift_of(ECOMMERCE)
    test = (SWIFT_PACKAGE / "Tests" / "TrackingTests" / "TrackingTests.swift").read_text("utf-8")
    for call in ("orderCompleted(", "productAdded(", "identify(userId:", "group(groupId:"):
        assert call in test and f"public func {call.split('(')[0]}(" in shop
    for expected in (SWIFT_PACKAGE / "mistakes").glob("*.swift"):
        first = expected.read_text("utf-8").splitlines()[0]
        assert first.startswith("// expect: "), expected


def test_the_ci_workflow_builds_the_generated_swift() -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "ci.yml").read_text("utf-8"))
    job = workflow["jobs"]["swift"]
    script = "\n".join(step.get("run", "") for step in job["steps"])
    assert "protocols generate --lang swift" in script
    assert "swift test --package-path tests/swift" in script
    assert "protocols validate" in script and "--fail-on warning" in script
    assert "tests/swift/mistakes" in script
