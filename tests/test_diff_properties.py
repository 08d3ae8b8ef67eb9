"""Properties of the diff: a plan against itself finds nothing; against any single generated
edit it finds exactly that edit, with the rule the edit calls for."""

from __future__ import annotations

import copy
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.diff.rules import CHANGE_RULES
from protocols.diff.run import DiffOptions, run_diff
from protocols.diff.section import escape
from protocols.naming import CaseStyle, convert
from protocols.report.text import render_markup

EVENTS = ["Order Completed", "Product Added", "Cart Viewed", "Signed In", "Coupon Applied"]
PROPERTIES = ["total", "coupon", "currency", "sku", "quantity", "email"]
NEW_EVENT = "Checkout Started"
NEW_PROPERTY = "shipping_method"

Plan = dict[str, Any]
Edit = tuple[str, Callable[[Plan], None]]


@st.composite
def properties(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    kinds = ["string", "number", "integer", "boolean"] + (["object", "array"] if depth < 2 else [])
    kind = draw(st.sampled_from(kinds))
    schema: dict[str, Any] = {"type": kind}
    if kind == "object":
        names = draw(st.lists(st.sampled_from(PROPERTIES), max_size=3, unique=True))
        schema["properties"] = {n: draw(properties(depth + 1)) for n in names}
    if kind == "array":
        schema["items"] = {k: v for k, v in draw(properties(depth + 1)).items()
                           if k != "required"}
    if kind == "string" and draw(st.booleans()):
        schema["enum"] = draw(st.lists(st.sampled_from(["a", "b", "c", "d"]), min_size=1,
                                       max_size=3, unique=True))
    if kind in ("number", "integer") and draw(st.booleans()):
        schema["minimum"] = draw(st.integers(0, 10))
    if draw(st.booleans()):
        schema["required"] = True
    if draw(st.booleans()):
        schema["description"] = draw(st.sampled_from(["The total.", "An id.", "A code."]))
    return schema


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    names = draw(st.lists(st.sampled_from(EVENTS), min_size=1, max_size=4, unique=True))
    events = {}
    for name in names:
        props = draw(st.lists(st.sampled_from(PROPERTIES), max_size=4, unique=True))
        body: dict[str, Any] = {"properties": {p: draw(properties()) for p in props}}
        if draw(st.booleans()):
            body["description"] = "Something happened."
        if draw(st.booleans()):
            body["owner"] = "@team"
        events[name] = body
    return {"protocols": 1, "plan": "shop", "events": events}


def single_edits(plan: Plan) -> list[Edit]:
    """Every one-step edit that applies to ``plan``, with the change rule it must produce."""
    edits: list[Edit] = [("event-added", lambda p: p["events"].__setitem__(
        NEW_EVENT, {"properties": {"step": {"type": "integer"}}}))]
    for event, body in plan["events"].items():
        def at(p: Plan, event: str = event) -> dict[str, Any]:
            return p["events"][event]  # type: ignore[no-any-return]

        edits.append(("event-removed", lambda p, e=event: p["events"].pop(e)))
        edits.append(("event-renamed", lambda p, e=event: p["events"].__setitem__(
            convert(e, CaseStyle.SNAKE), p["events"].pop(e))))
        edits.append(("event-deprecated", lambda p, at=at: at(p).__setitem__("deprecated", True)))
        edits.append(("description-changed",
                      lambda p, at=at: at(p).__setitem__("description", "Edited.")))
        edits.append(("owner-changed", lambda p, at=at: at(p).__setitem__("owner", "@other")))
        edits.append(("property-added-optional", lambda p, at=at: at(p)["properties"].__setitem__(
            NEW_PROPERTY, {"type": "string"})))
        edits.append(("property-added-required", lambda p, at=at: at(p)["properties"].__setitem__(
            NEW_PROPERTY, {"type": "string", "required": True})))
        for name, schema in body["properties"].items():
            def prop(p: Plan, at: Any = at, name: str = name) -> dict[str, Any]:
                return at(p)["properties"][name]  # type: ignore[no-any-return]

            edits.append(("property-removed", lambda p, at=at, n=name: at(p)["properties"].pop(n)))
            edits.append(("property-renamed", lambda p, at=at, n=name: at(p)["properties"].__setitem__(
                convert(n, CaseStyle.PASCAL), at(p)["properties"].pop(n))))
            flip = "property-became-optional" if schema.get("required") else "property-became-required"
            edits.append((flip, lambda p, prop=prop: prop(p).__setitem__(
                "required", not prop(p).get("required", False))))
            edits.append(("property-deprecated",
                          lambda p, prop=prop: prop(p).__setitem__("deprecated", True)))
            edits.append(("became-nullable",
                          lambda p, prop=prop: prop(p).__setitem__("nullable", True)))
            edits.append(("description-changed",
                          lambda p, prop=prop: prop(p).__setitem__("description", "Edited.")))
            if schema["type"] in ("string", "boolean") and len(schema) <= 3:
                other = "boolean" if schema["type"] == "string" else "string"
                if "enum" not in schema:
                    edits.append(("type-changed", lambda p, prop=prop, o=other: prop(p).__setitem__(
                        "type", o)))
            if schema["type"] == "integer" and "minimum" not in schema:
                edits.append(("type-widened",
                              lambda p, prop=prop: prop(p).__setitem__("type", "number")))
            if schema["type"] in ("number", "integer"):
                edits.append(("range-tightened",
                              lambda p, prop=prop: prop(p).__setitem__("maximum", 1_000_000)))
            if "enum" in schema:
                edits.append(("enum-value-added", lambda p, prop=prop: prop(p)["enum"].append("z")))
                if len(schema["enum"]) > 1:
                    edits.append(("enum-value-removed", lambda p, prop=prop: prop(p)["enum"].pop()))
                edits.append(("enum-removed", lambda p, prop=prop: prop(p).pop("enum")))
            elif schema["type"] == "string":
                edits.append(("pattern-added",
                              lambda p, prop=prop: prop(p).__setitem__("pattern", "^x")))
                edits.append(("enum-added",
                              lambda p, prop=prop: prop(p).__setitem__("enum", ["x", "y"])))
    return edits


def diff(old: Plan, new: Plan) -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "old.yaml").write_text(yaml.safe_dump(old, sort_keys=False), "utf-8")
        (root / "new.yaml").write_text(yaml.safe_dump(new, sort_keys=False), "utf-8")
        result = run_diff(DiffOptions(plan=Path("new.yaml"), against="old.yaml", cwd=root))
    return [d.name for d in result.diagnostics]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_a_plan_against_itself_has_no_changes(plan: Plan) -> None:
    assert diff(plan, copy.deepcopy(plan)) == []


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.data())
def test_a_single_edit_is_found_exactly(plan: Plan, data: st.DataObject) -> None:
    rule, edit = data.draw(st.sampled_from(single_edits(plan)))
    new = copy.deepcopy(plan)
    edit(new)
    assert diff(plan, new) == [rule]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), plans())
def test_any_two_plans_diff_cleanly_and_only_equal_plans_have_no_changes(
        old: Plan, new: Plan) -> None:
    found = diff(old, new)
    assert all(name in CHANGE_RULES for name in found)
    assert (found == []) == (unordered_enums(old) == unordered_enums(new))


def unordered_enums(node: Any) -> Any:
    """The plan with every enum as a set: the order of allowed values is not a change."""
    if isinstance(node, dict):
        return {key: (frozenset(map(repr, value)) if key == "enum" and isinstance(value, list)
                      else unordered_enums(value)) for key, value in node.items()}
    if isinstance(node, list):
        return [unordered_enums(item) for item in node]
    return node


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab [/]\\#@=red")), max_size=30))
def test_text_section_escape_shows_any_name_as_written(text: str) -> None:
    assert render_markup([f"{escape(text)}|"], color=False) == f"{text}|\n"
