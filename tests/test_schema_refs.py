"""References in plans: what lint accepts, validate resolves, and the reverse.

A raw `schema:` block may refer to the payload (`#`) or to a named type (`#/$defs/Name`, or a
schema inside one: `#/$defs/Name/properties/y`), with `$ref` or `$dynamicRef`. Lint and
validate must agree: a reference lint accepts is one validate resolves (on the full path and
in the fast lane), a reference validate cannot resolve is a positioned lint error, and a
reference that goes round in place (so that checking it never ends) is a positioned PL108
error rather than "nested too deeply" on every message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import protocols
from protocols.cli import app
from protocols.plan.loader import load_plan_file
from protocols.validate.check.checker import Validator
from tests.test_validate_lane import _run_messages

BASE = "protocols: 1\nplan: refs\n"


def _errors(text: str, tmp_path: Path) -> list[tuple[str, int, int]]:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    result = load_plan_file(plan)
    return sorted((d.code, d.line, d.column) for d in result.diagnostics
                  if d.severity.value == "error")


def _load(text: str, tmp_path: Path) -> protocols.Plan:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, "utf-8")
    return protocols.load_plan(plan)


def _track(event: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "track", "event": event, "userId": "u", "properties": properties}


def _unresolved(message: str) -> bool:
    """A PV210 that says a reference was not followed (PV210 also says "not valid under any
    of the given schemas")."""
    return "cannot be resolved" in message or "nested too deeply" in message


# -- JSON pointers into types ---------------------------------------------------------------

POINTER_PLAN = BASE + """types:
  T:
    type: object
    properties:
      y: {type: integer}
      "a/b~c": {type: integer}
      "50%": {type: integer}
      "sp ace": {type: string, enum: [one, two]}
      nested: {type: object, properties: {deep: {type: boolean}}}
events:
  Plain:
    properties:
      x: {schema: {$ref: "#/$defs/T/properties/y"}}
  Escaped:
    properties:
      x: {schema: {$ref: "#/$defs/T/properties/a~1b~0c"}}
  Percent:
    properties:
      x: {schema: {$ref: "#/$defs/T/properties/50%25"}}
  Space:
    properties:
      x: {schema: {$ref: "#/$defs/T/properties/sp%20ace"}}
  Deep:
    properties:
      x: {schema: {$ref: "#/$defs/T/properties/nested/properties/deep"}}
  Dynamic:
    properties:
      x: {schema: {$dynamicRef: "#/$defs/T/properties/y"}}
"""


def test_a_pointer_into_a_type_that_lint_accepts_is_resolved_by_validate(
        tmp_path: Path) -> None:
    """`$ref: "#/$defs/T/properties/y"` linted clean, then validate said PV210 ("cannot be
    resolved") of every message: the type was left out of the message's `$defs`."""
    assert _errors(POINTER_PLAN, tmp_path) == []
    plan = _load(POINTER_PLAN, tmp_path)
    validator = Validator(plan)
    cases = [("Plain", 3, "oops"), ("Escaped", 3, "oops"), ("Percent", 3, "oops"),
             ("Space", "one", "three"), ("Deep", True, "yes"), ("Dynamic", 3, "oops")]
    messages = []
    for event, good, bad in cases:
        assert validator.validate(_track(event, {"x": good})) == [], event
        [finding] = validator.validate(_track(event, {"x": bad}))
        assert finding.code in ("PV202", "PV203"), (event, finding.message)
        # The rule is shown where the type writes it, not at the event.
        assert finding.related is not None and finding.related.line > 3, event
        messages += [_track(event, {"x": good}), _track(event, {"x": bad})]
    result = _run_messages(plan, messages, tmp_path)
    assert (result.summary["valid"], result.summary["invalid"]) == (6, 6)
    assert not [d.message for d in result.diagnostics if _unresolved(d.message)]


TYPE_NAMES_PLAN = BASE + """types:
  "a/b": {type: integer}
  "c~d": {type: integer}
  "e%25f": {type: integer}
  "g h": {type: integer}
events:
  Named:
    properties:
      p: {type: "a/b"}
      q: {type: "c~d"}
      r: {type: "e%25f"}
      s: {type: "g h"}
"""


def test_type_names_that_need_escaping_in_a_pointer_are_resolved(tmp_path: Path) -> None:
    """A type named `a/b` compiled to `$ref: "#/$defs/a/b"`, a pointer to nowhere: validate
    said PV210 of the first property and checked none of the others, and the fast lane
    (which looked the name up as it was) accepted messages the full path refused."""
    plan = _load(TYPE_NAMES_PLAN, tmp_path)
    refs = [child["$ref"] for child in plan.events["Named"].schema["properties"].values()]
    assert refs == ["#/$defs/a~1b", "#/$defs/c~0d", "#/$defs/e%2525f", "#/$defs/g h"]
    validator = Validator(plan)
    bad = validator.validate(_track("Named", {"p": "x", "q": "x", "r": "x", "s": "x"}))
    assert sorted((d.code, d.path) for d in bad) == [
        ("PV202", f"properties.{name}") for name in "pqrs"]
    good = _track("Named", {"p": 1, "q": 2, "r": 3, "s": 4})
    assert validator.validate(good) == []
    result = _run_messages(plan, [good, _track("Named", {"p": "x"})], tmp_path)
    assert (result.summary["valid"], result.summary["invalid"]) == (1, 1)


@pytest.mark.parametrize(("reference", "why"), [
    ("#/$defs/T/properties/z", "no such property"),
    ("#/$defs/T/properties", "a map of names, not a schema"),
    ("#/$defs/T/properties/y/type", "a keyword's value, not a schema"),
    ("#/$defs/T/enum/0", "a value"),
    ("#/$defs/T/anyOf/01", "an index with a leading zero"),
    ("#/$defs/T/anyOf/\u00b2", "a digit that is no index (int() raised ValueError)"),
    ("#/$defs/T/anyOf/-1", "a negative index"),
    ("#/$defs/T/anyOf/5", "beyond the list"),
    ("#/$defs/Nope/properties/y", "no such type"),
    ("#/properties/x", "not into a type: the payload's properties"),
    ("#anchor", "an anchor"),
])
@pytest.mark.parametrize("keyword", ["$ref", "$dynamicRef"])
def test_a_reference_validate_cannot_resolve_is_a_positioned_lint_error(
        tmp_path: Path, keyword: str, reference: str, why: str) -> None:
    text = (BASE + "types:\n  T:\n    type: object\n    enum: [{}]\n"
            "    properties:\n      y: {type: integer}\n"
            "    schema: {anyOf: [{type: object}]}\n"
            "events:\n  A:\n    properties:\n      t: {type: T}\n"
            f"      x: {{schema: {{{keyword}: {json.dumps(reference)}}}}}\n")
    assert ("PL108", 14, 22 + len(keyword)) in _errors(text, tmp_path), why
    # ...so no command takes the plan, and validate never meets the reference.
    plan = tmp_path / "plan.yaml"
    result = CliRunner().invoke(app, ["validate", "--plan", str(plan), "-"], input="{}\n")
    assert result.exit_code == 1 and "PL108" in result.output, result.output


def test_what_lint_accepts_validate_resolves(tmp_path: Path) -> None:
    """Every schema inside a type, reached by a pointer: lint takes it and validate
    resolves it (no PV210) on both paths."""
    plan_text = BASE + """types:
  T:
    type: object
    properties:
      a: {type: array, items: {type: string}}
      m: {type: object, additionalProperties: {type: integer}}
    schema:
      anyOf: [{required: [a]}, {required: [m]}]
      patternProperties: {"^x_": {type: boolean}}
      $defs: {inner: {type: number}}
events:
"""
    pointers = ["properties/a", "properties/a/items", "properties/m/additionalProperties",
                "anyOf/1", "patternProperties/^x_", "$defs/inner", ""]
    for index, pointer in enumerate(pointers):
        reference = "#/$defs/T" + (f"/{pointer}" if pointer else "")
        plan_text += (f"  E{index}:\n    properties:\n"
                      f"      x: {{schema: {{$ref: {json.dumps(reference)}}}}}\n")
    assert _errors(plan_text, tmp_path) == []
    plan = _load(plan_text, tmp_path)
    validator = Validator(plan)
    messages = [_track(f"E{index}", {"x": value}) for index in range(len(pointers))
                for value in (None, "s", 1, [], {})]
    found = [d for m in messages for d in validator.validate(m)]
    assert found and not [d.message for d in found if _unresolved(d.message)]
    _run_messages(plan, messages, tmp_path)


def test_pointers_resolve_only_inside_the_document() -> None:
    from protocols.schemarefs import (
        defs_name,
        defs_reference,
        defs_target,
        pointer_nodes,
        schema_at_pointer,
    )

    doc = {"$defs": {"T": {"properties": {"y": {"type": "integer"}}, "enum": [{}]}}}
    assert pointer_nodes(doc, "/$defs/T/anyOf/\u00b2") is None  # (int() raised ValueError)
    assert pointer_nodes(doc, "/$defs/T/enum/00") is None
    assert pointer_nodes(doc, "/$defs/T/enum/0") == [doc["$defs"], doc["$defs"]["T"],
                                                     [{}], {}]
    assert schema_at_pointer(doc, "/$defs/T/properties/y")
    assert not schema_at_pointer(doc, "/$defs/T/enum/0")  # a value, though it resolves
    assert not schema_at_pointer(doc, "/$defs/T/properties")
    assert not schema_at_pointer(doc, "/$defs/T/../../etc/passwd")
    for name in ("T", "a/b", "c~d", "50%", "g h", "~1", "%2F"):
        assert defs_name(defs_reference(name)) == name
        assert pointer_nodes({"$defs": {name: 1}}, defs_reference(name)[1:]) == [
            {name: 1}, 1]
    assert defs_target("#/$defs/T/properties/a~1b") == ("T", ("properties", "a/b"))
    assert defs_target("#/%24defs/T") == ("T", ())  # percent-decoded first, as jsonschema
    assert defs_name("#/$defs/T/properties/y") is None
    assert defs_target("#") is None and defs_target("https://x/#/$defs/T") is None


# -- in-place cycles through the payload and $dynamicRef --------------------------------------

CYCLES = {
    "the payload, in place": (
        BASE + "events:\n  A:\n    properties:\n      x: {type: string}\n"
        "    schema: {anyOf: [{$ref: '#'}]}\n", (7, 29)),
    "the payload, directly": (
        BASE + "events:\n  A:\n    schema: {$ref: '#'}\n", (5, 20)),
    "the payload, with $dynamicRef and not": (
        BASE + "events:\n  A:\n    schema: {not: {$dynamicRef: '#'}}\n", (5, 33)),
    "the payload through a type": (
        BASE + "types:\n  T:\n    schema: {allOf: [{$ref: '#'}]}\n"
        "events:\n  A:\n    schema: {$ref: '#/$defs/T'}\n", (5, 29)),
    "the traits through two types": (
        BASE + "types:\n  T: {anyOf: [{type: U}]}\n  U:\n    schema: {oneOf: [{$ref: '#'}]}\n"
        "identify:\n  traits:\n    email: {type: string}\n"
        "  schema: {allOf: [{$ref: '#/$defs/T'}]}\n", (6, 29)),
    "a type, with $dynamicRef": (
        BASE + "types:\n  T:\n    schema: {$dynamicRef: '#/$defs/T'}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", (4, 3)),
    "two types, $dynamicRef and $ref": (
        BASE + "types:\n  T:\n    schema: {$dynamicRef: '#/$defs/U'}\n"
        "  U:\n    schema: {allOf: [{$ref: '#/$defs/T'}]}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", (4, 3)),
    "a pointer into a type that leads back to it": (
        BASE + "types:\n  T:\n    type: object\n    properties:\n"
        "      y: {schema: {$ref: '#/$defs/T/properties/y'}}\n"
        "events:\n  A:\n    properties:\n      x: {type: T}\n", (4, 3)),
}


@pytest.mark.parametrize("case", sorted(CYCLES))
def test_a_reference_that_goes_round_in_place_is_a_positioned_pl108(
        case: str, tmp_path: Path) -> None:
    """These linted clean, then validate said "nested too deeply to check" (PV210) of
    every message: `$ref: "#"` and `$dynamicRef` were not followed by the cycle check."""
    text, (line, column) = CYCLES[case]
    assert ("PL108", line, column) in _errors(text, tmp_path), _errors(text, tmp_path)
    plan = tmp_path / "plan.yaml"
    for args in (["validate", "--plan", str(plan), "-"],
                 ["generate", "--lang", "go", "--plan", str(plan), "--out",
                  str(tmp_path / "go"), "--force"],
                 ["compile", str(plan), "--out", str(tmp_path / "c")]):
        result = CliRunner().invoke(app, args, input='{"type": "identify", "userId": "u"}\n')
        assert result.exit_code == 1 and "PL108" in result.output, (args, result.output)


TREE_PLAN = BASE + """types:
  Folder:
    type: object
    properties:
      name: {type: string}
    schema:
      properties:
        parent: {anyOf: [{$ref: "#"}, {type: "null"}]}
events:
  Comment Posted:
    description: A comment, with its replies.
    properties:
      text: {type: string, required: true}
      replies: {type: array, items: {schema: {$ref: "#"}}}
      quoted: {schema: {$ref: "#"}}
      linked: {schema: {$dynamicRef: "#"}}
      folder: {type: Folder}
    schema:
      anyOf: [{required: [text]}, {$ref: "#/$defs/Folder"}]
"""


def test_a_recursive_payload_through_properties_and_items_is_fine(tmp_path: Path) -> None:
    """`$ref: "#"` under `properties` or `items` is a tree, not a cycle: it lints clean, and
    every command takes it (generate, diff, docs and export did not crash on it either)."""
    assert _errors(TREE_PLAN, tmp_path) == []
    plan = tmp_path / "plan.yaml"
    runs = [["compile", str(plan), "--out", str(tmp_path / "c")],
            ["export", "jsonschema", str(plan), "--out", str(tmp_path / "j")],
            ["export", "segment", str(plan)],
            ["diff", str(plan), "--against", str(plan)],
            ["docs", "--plan", str(plan), "--out", str(tmp_path / "d"), "--no-history"],
            ["docs", "--plan", str(plan), "--out", str(tmp_path / "m"), "--no-history",
             "--format", "markdown"]]
    runs += [["generate", "--lang", lang, "--plan", str(plan), "--out",
              str(tmp_path / lang)]
             for lang in ("python", "typescript", "go", "kotlin", "swift", "java")]
    for args in runs:
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    validator = Validator(_load(TREE_PLAN, tmp_path))
    good = _track("Comment Posted", {"text": "a", "replies": [{"text": "b", "quoted": {
        "text": "c"}}]})
    assert validator.validate(good) == []
    found = validator.validate(_track("Comment Posted", {"text": "a", "replies": [
        {"text": 1, "extra": True}], "linked": {"text": "b", "other": 1}}))
    # Inside the tree the payload's own rules apply, names included (no warning before).
    assert sorted((d.code, d.path) for d in found) == [
        ("PV202", "properties.replies[0].text"), ("PV207", "properties.linked.other"),
        ("PV207", "properties.replies[0].extra")]


def test_root_cycle_finds_only_what_expands_in_place() -> None:
    from protocols.schemarefs import root_cycle

    tree = {"type": "object", "properties": {"a": {"$ref": "#"}},
            "items": {"$ref": "#"}, "additionalProperties": {"$ref": "#"}}
    assert root_cycle(tree) is None
    looped = {"$defs": {"T": {"allOf": [{"$ref": "#/$defs/U"}]},
                        "U": {"oneOf": [{}, {"$dynamicRef": "#"}]}},
              "anyOf": [{"type": "null"}, {"$ref": "#/$defs/T"}]}
    assert root_cycle(looped) == [(), ("anyOf", 1), ("$defs", "T"), ("$defs", "T", "allOf", 0),
                                  ("$defs", "U"), ("$defs", "U", "oneOf", 1),
                                  ("$defs", "U", "oneOf", 1, "$dynamicRef")]
    # A cycle among types alone is the types' own finding (in_place_cycles), not this one.
    assert root_cycle({"$defs": {"T": {"$ref": "#/$defs/T"}}, "$ref": "#/$defs/T"}) is None


def test_one_reference_is_followed_the_same_way_by_shapes_and_by_messages() -> None:
    """A lookup that follows one reference (the shape of a payload; the rule a finding
    quotes when the engine's path stops at the referring node) takes the node's `$ref`, or
    else its `$dynamicRef`, whichever holds a local reference: a `$ref` that is not one (not
    a string, another document) does not hide a `$dynamicRef` that is."""
    from protocols.schemarefs import local_reference
    from protocols.validate.check.payload import _keyword_of
    from protocols.validate.check.shape import resolve

    a = {"type": "object", "properties": {"a": {}}, "enum": ["a"]}
    b = {"type": "object", "properties": {"b": {}}, "enum": ["b"]}
    defs = {"A": a, "B": b}
    document = {"$defs": defs}
    web = "https://example.com/a.json"
    cases: list[tuple[dict[str, Any], str | None, Any]] = [  # node, reference, its target
        ({"$ref": "#/$defs/A"}, "#/$defs/A", a),
        ({"$dynamicRef": "#/$defs/B"}, "#/$defs/B", b),
        ({"$ref": "#/$defs/A", "$dynamicRef": "#/$defs/B"}, "#/$defs/A", a),  # $ref first
        ({"$ref": 5, "$dynamicRef": "#/$defs/B"}, "#/$defs/B", b),
        ({"$ref": web, "$dynamicRef": "#/$defs/B"}, "#/$defs/B", b),
        ({"$ref": "#/$defs/Gone", "$dynamicRef": "#/$defs/B"}, "#/$defs/Gone", None),
        ({"$ref": web}, None, None),
        ({"$ref": None}, None, None),
        ({}, None, None),
    ]
    for node, reference, target in cases:
        assert local_reference(node) == reference, node
        assert _keyword_of(document, node, "enum") == (target or {}).get("enum"), node
        # (a reference that resolves to nothing is no schema; a node without one is itself)
        assert resolve(node, defs) == (target if target is not None
                                       else {} if reference is not None else node), node
    assert local_reference(["#/$defs/A"]) is None and local_reference("#/$defs/A") is None
