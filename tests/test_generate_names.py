"""Identifiers for generated code: valid, unique, stable, whatever the plan calls things."""

from __future__ import annotations

import keyword
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocols.generate import names, python, typescript
from protocols.generate.escape import comment_text, js_str, jsdoc, py_doc, py_str

JS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
plan_names = st.text(min_size=0, max_size=30)
name_lists = st.lists(plan_names, min_size=1, max_size=12, unique=True)


@pytest.mark.parametrize(("name", "snake", "camel"), [
    ("Order Completed", "order_completed", "orderCompleted"),
    ("42 Things", "event_42_things", "event42Things"),
    ("class", "class_", "class_"),
    ("print", "print_", "print"),
    ("delete", "delete", "delete_"),
    ("Café Opened", "cafe_opened", "cafeOpened"),
    ("🎉 Party", "u1f389_party", "u1f389Party"),
    ("!!!", "event", "event"),
    ('42_--terrible==\\"event\'++name~!3', "event_42_terrible_event_name_3",
     "event42TerribleEventName3"),
])
def test_base_identifiers(name: str, snake: str, camel: str) -> None:
    assert python.METHOD_NAMES.base(name) == snake
    assert typescript.METHOD_NAMES.base(name) == camel


def test_collisions_go_by_wire_name_and_the_exact_spelling_wins() -> None:
    assigned = names.assign(["Event Collided", "event_collided", "event-collided"],
                            python.METHOD_NAMES)
    assert assigned == {"event_collided": "event_collided", "Event Collided": "event_collided_2",
                        "event-collided": "event_collided_3"}
    # Order of appearance does not matter.
    again = names.assign(["event-collided", "event_collided", "Event Collided"],
                         python.METHOD_NAMES)
    assert again == assigned


def test_numbered_names_skip_names_the_plan_already_uses() -> None:
    assigned = names.assign(["A B", "a_b", "a b 2"], python.METHOD_NAMES)
    assert len(set(assigned.values())) == 3
    assert assigned["a b 2"] == "a_b_2"


@settings(max_examples=300, deadline=None)
@given(name_lists)
def test_python_identifiers_are_valid_and_unique(wire_names: list[str]) -> None:
    assigned = names.assign(wire_names, python.METHOD_NAMES)
    assert set(assigned) == set(wire_names)
    values = list(assigned.values())
    assert len(set(values)) == len(values)
    for ident in values:
        assert ident.isidentifier() and ident.isascii() and not keyword.iskeyword(ident)
        assert not keyword.issoftkeyword(ident) and ident not in python.MODULE_NAMES
        assert not ident.startswith("_")


@settings(max_examples=300, deadline=None)
@given(name_lists)
def test_typescript_identifiers_are_valid_and_unique(wire_names: list[str]) -> None:
    for policy in (typescript.METHOD_NAMES, typescript.TYPE_NAMES):
        assigned = names.assign(wire_names, policy)
        values = list(assigned.values())
        assert len(set(values)) == len(values)
        assert all(JS_IDENTIFIER.fullmatch(v) and v not in policy.reserved for v in values)


@settings(max_examples=300, deadline=None)
@given(name_lists, name_lists)
def test_unrelated_names_never_rename_existing_ones(existing: list[str], added: list[str]) -> None:
    """A name whose identifier is new to the plan leaves every existing identifier alone."""
    policy = python.METHOD_NAMES
    before = names.assign(existing, policy)
    taken = set(before.values()) | {policy.base(n) for n in existing}
    unrelated = [n for n in added if n not in existing and policy.base(n) not in taken]
    after = names.assign(existing + unrelated, policy)
    assert {wire: after[wire] for wire in existing} == before


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_string_literals_round_trip(text: str) -> None:
    assert eval(py_str(text)) == text  # the Python literal means exactly the text
    assert "\u2028" not in js_str(text) and "\u2029" not in js_str(text)
    assert js_str(text).isascii()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_docstrings_and_comments_cannot_be_closed(text: str) -> None:
    doc = py_doc(text)
    assert eval('"""' + doc + '\n"""') == text + "\n"
    line = comment_text(text)
    assert "\n" not in line and "\r" not in line and "*/" not in line
    block = jsdoc(text, "  ")
    assert all("*/" not in row for row in block[1:-1]) or len(block) <= 1
    if len(block) == 1:
        assert block[0].count("*/") == 1 and block[0].endswith("*/")


GO_IDENTIFIER = re.compile(r"[A-Z][A-Za-z0-9_]*")
SWIFT_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@settings(max_examples=300, deadline=None)
@given(name_lists)
def test_go_identifiers_are_exported_legal_and_unique(wire_names: list[str]) -> None:
    from protocols.generate import go

    for policy in (go.TYPE_NAMES, go.METHOD_NAMES, go.FIELD_NAMES):
        values = list(names.assign(wire_names, policy).values())
        assert len(set(values)) == len(values)
        # Exported (upper-case ASCII first letter), so never a Go keyword or a predeclared name.
        assert all(GO_IDENTIFIER.fullmatch(v) and v not in policy.reserved for v in values)
    params = list(names.assign(wire_names, go.PARAM_NAMES).values())
    assert len(set(params)) == len(params)
    assert all(re.fullmatch(r"[a-z][A-Za-z0-9_]*", p) and p not in go.GO_KEYWORDS for p in params)


@settings(max_examples=300, deadline=None)
@given(name_lists)
def test_swift_identifiers_are_legal_unique_and_never_keywords(wire_names: list[str]) -> None:
    from protocols.generate import swift

    for policy in (swift.TYPE_NAMES, swift.METHOD_NAMES, swift.MEMBER_NAMES):
        values = list(names.assign(wire_names, policy).values())
        assert len(set(values)) == len(values)
        assert all(SWIFT_IDENTIFIER.fullmatch(v) and v not in swift.SWIFT_KEYWORDS for v in values)


@pytest.mark.parametrize(("name", "go_name", "swift_name"), [
    ("Order Completed", "OrderCompleted", "orderCompleted"),
    ("default", "Default", "default_"),
    ("self", "Self", "self_"),
    ("protocol", "Protocol", "protocol_"),
    ("Client", "Client_", "client"),
    ("42 Things", "Event42Things", "event42Things"),
])
def test_go_and_swift_method_names(name: str, go_name: str, swift_name: str) -> None:
    from protocols.generate import go, swift

    assert go.METHOD_NAMES.base(name) == go_name
    assert swift.METHOD_NAMES.base(name) == swift_name
