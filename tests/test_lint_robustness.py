"""Properties: no input, however odd, makes the lint runner or a rule raise."""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from pathlib import Path
from typing import Any

import pytest
import regex
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocols.diagnostics import Severity
from protocols.lint import lint_paths
from protocols.lint.registry import RULES, all_rules
from protocols.lint.runner import INTERNAL_ERROR
from protocols.patterns import backtracking_risk, compile_error, to_python

# Pieces that YAML gives meaning to, plus plan keys, so random text reaches deep code paths.
YAML_PIECES = [*"abcAB01 :-[]{},'\"\n\t#&*!|>%@`?~\\", "\x00", "é", "\ufeff",
               "protocols: 1\n", "plan: shop\n", "events:\n", "  Order Completed:\n",
               "    properties:\n", "      total: ", "{type: number}", "&a ", "*a", "<<: ",
               "---\n", "enum: [", "pattern: ", "yes", "~", "!!python/object "]


def _lint_text(text: str) -> list[Any]:
    all_rules()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "plan.yaml"
        path.write_bytes(text.encode("utf-8", "surrogatepass"))
        previous = os.getcwd()
        os.chdir(folder)
        try:
            report = lint_paths(["plan.yaml"])
        finally:
            os.chdir(previous)
    for diagnostic in report.diagnostics:
        assert diagnostic.code in RULES, diagnostic
        assert diagnostic.file == "plan.yaml"
        assert diagnostic.severity is not Severity.OFF
        assert diagnostic.line is None or diagnostic.line >= 1
        assert INTERNAL_ERROR not in diagnostic.message, diagnostic.message
    return list(report.diagnostics)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join))
def test_random_yaml_ish_text_never_crashes_the_runner(text: str) -> None:
    _lint_text(text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_random_unicode_text_never_crashes_the_runner(text: str) -> None:
    _lint_text(text)


# Plans with the right outer shape and random keyword values, so every rule runs on them.
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-5, 5),
                    st.integers(min_value=10**300, max_value=10**400),
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8))
BOUNDS = st.one_of(st.integers(-3, 3), st.just(10**400), st.just(-(10**400)),
                   st.sampled_from([float("inf"), float("-inf"), float("nan"), 0.5]))
FRAGMENT = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["string", "number", "integer", "boolean", "object", "array",
                             "null", "Thing"]) | st.lists(st.sampled_from(
                                 ["string", "number", "null"]), min_size=1, max_size=3),
    "enum": st.lists(SCALARS, min_size=1, max_size=5),
    "const": SCALARS,
    "default": SCALARS,
    "pattern": st.text(alphabet="ab()[]{}+*?|^$\\.-,0123456789dws<>kP=", max_size=15),
    "format": st.sampled_from(["date", "datetime", "uri", "x"]),
    "minimum": BOUNDS, "maximum": BOUNDS,
    "exclusiveMinimum": BOUNDS, "exclusiveMaximum": BOUNDS,
    "minLength": st.integers(0, 3), "maxLength": st.integers(0, 3),
    "required": st.booleans(), "nullable": st.booleans(),
    "use": st.sampled_from(["price", "nothing"]),
    "description": st.text(max_size=5),
    "schema": st.fixed_dictionaries({}, optional={
        "required": st.lists(st.text(max_size=3), max_size=3),
        "minimum": SCALARS, "patternProperties": st.dictionaries(
            st.text(alphabet="a+()*|", max_size=6), st.just({}), max_size=2)}),
})
NAMES = st.text(alphabet="abAB _-1é", min_size=1, max_size=10)
PLANS = st.fixed_dictionaries({
    "protocols": st.just(1), "plan": st.just("shop"),
    "properties": st.dictionaries(st.sampled_from(["price", "sku", "SKU", "skus"]), FRAGMENT,
                                  max_size=3),
    "types": st.dictionaries(st.just("Thing"), FRAGMENT, max_size=1),
    "events": st.dictionaries(NAMES, st.fixed_dictionaries(
        {"properties": st.dictionaries(NAMES, FRAGMENT, max_size=4)},
        optional={"description": st.text(max_size=5)}), max_size=4),
}, optional={
    "conventions": st.fixed_dictionaries({}, optional={
        "event_case": st.sampled_from(["title", "snake"]),
        "require_owner": st.booleans(), "require_description": st.booleans(),
        "event_template": st.fixed_dictionaries(
            {"pattern": st.sampled_from(["{object} {action}", "{a}{a}", "x"])},
            optional={"vocabulary": st.dictionaries(st.sampled_from(["object", "b"]),
                                                    st.lists(NAMES, max_size=3))}),
    }),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLANS)
def test_random_plans_never_crash_a_rule(plan: dict[str, Any]) -> None:
    _lint_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab()[]{}+*?|^$\\.-,0123456789dwsDWS<>kP=:!", max_size=20))
def test_pattern_checks_agree_with_re_and_never_raise(pattern: str) -> None:
    error = compile_error(pattern)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(to_python(pattern))
        compiles = True
    except re.error:
        # What re rejects may still run on the `regex` package, as validate runs it.
        try:
            regex.compile(pattern, flags=regex.VERSION0)
            compiles = True
        except (regex.error, OverflowError, RecursionError):
            compiles = False
    assert (error is None) == compiles
    if compiles:
        risk = backtracking_risk(pattern)
        assert risk is None or isinstance(risk, str)


# -- PL205's candidate search against the obvious oracle: try every earlier name -------------

NAME_PIECES = ["product", "products", "prodcut", "order_id", "orderid", "order_ids",
               "Order Completed", "Order Complted", "Order Completed!", "cart_id", "card_id",
               "viewed", "reviewed", "step_1", "step_2", "address", "adress", "addresses",
               "Product Viewed", "Product Veiwed", "Products Viewed", "shipping_method",
               "shiping_methd", "payment_information", "paymnet_informaton", "Checkout Step",
               "Chekout Stepp", "abcdefghij", "abcdefgh", "bacdefghij", "abcdefghijk"]


def _every_pair(names: list[str]) -> list[tuple[int, int, str]]:
    from protocols.lint.rules.consistency import _looks_like_typo
    from protocols.naming import collision_key, near_duplicate

    found = []
    for index, name in enumerate(names):
        for position in range(index):
            earlier = names[position]
            if collision_key(earlier) == collision_key(name):
                continue
            why = near_duplicate(earlier, name)
            if why == "typo" and not _looks_like_typo(earlier, name):
                continue
            if why in ("typo", "plural"):
                found.append((index, position, why))
                break
    return found


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(NAME_PIECES) | st.text(alphabet="abcdeo_ S", min_size=1,
                                                        max_size=12), max_size=16))
def test_near_duplicate_search_matches_trying_every_pair(names: list[str]) -> None:
    # (up to MAX_CANDIDATES names: past that, a name is compared with the first ones only)
    from protocols.lint.rules.consistency import MAX_CANDIDATES, find_near_duplicates

    assert len(names) <= MAX_CANDIDATES
    assert find_near_duplicates(names) == _every_pair(names)


def test_near_duplicate_search_is_bounded_on_names_that_all_look_alike(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Found in review: 1,251 events named "Product Action AAA", "... AAB"... (each a typo
    of the others, none reported: a series) took lint 100 s, every pair compared."""
    from protocols.lint.rules import consistency

    calls = 0
    distance = consistency.edit_distance

    def counting(a: str, b: str, limit: int = 3) -> int:
        nonlocal calls
        calls += 1
        return distance(a, b, limit)

    monkeypatch.setattr(consistency, "edit_distance", counting)
    names = [f"Product Action {chr(65 + i // 676)}{chr(65 + i // 26 % 26)}{chr(65 + i % 26)}"
             for i in range(2_000)] + ["Order Completed", "Order Complted"]
    found = consistency.find_near_duplicates(names)
    assert (2_001, 2_000, "typo") in found  # a real typo is still found
    assert calls <= len(names) * 32, calls  # (every pair: about 2 million)
